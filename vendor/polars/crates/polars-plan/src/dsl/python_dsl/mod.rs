mod python_udf;
mod source;

pub use python_udf::*;
pub use source::*;
