pub mod eager;
pub mod lazy;
