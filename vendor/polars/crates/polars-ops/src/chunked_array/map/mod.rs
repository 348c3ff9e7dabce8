mod get;

pub use get::*;
