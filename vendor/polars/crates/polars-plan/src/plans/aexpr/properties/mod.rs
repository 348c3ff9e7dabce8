mod general;

pub use general::*;
