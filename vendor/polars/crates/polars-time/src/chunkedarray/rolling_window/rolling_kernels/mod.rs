pub(super) mod shared;
