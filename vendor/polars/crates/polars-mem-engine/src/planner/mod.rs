mod lp;
pub use lp::*;
pub(crate) use polars_expr::planner::*;
use polars_plan::prelude::*;
