mod agg;
mod expr;

pub use agg::{AnonymousAgg, OpaqueStreamingAgg};
pub use expr::*;

#[cfg(feature = "dsl-schema")]
mod json_schema;
#[cfg(feature = "serde")]
pub mod named_serde;
#[cfg(feature = "serde")]
mod serde_expr;
