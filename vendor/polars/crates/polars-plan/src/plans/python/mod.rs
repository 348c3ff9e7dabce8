pub mod arrow_predicate;
pub mod predicate;
pub mod pyarrow;

pub use arrow_predicate::ArrowPredicate;
mod source;
mod utils;

pub use source::*;
pub use utils::*;
