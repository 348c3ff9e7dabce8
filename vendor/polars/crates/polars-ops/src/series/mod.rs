pub(crate) mod ops;
pub use ops::*;
