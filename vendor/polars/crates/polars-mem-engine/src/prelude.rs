pub(crate) use polars_core::prelude::*;
pub(crate) use polars_expr::prelude::*;
pub(crate) use polars_ops::prelude::*;
pub(crate) use polars_plan::prelude::*;
#[cfg(feature = "dynamic_group_by")]
pub(crate) use polars_time::prelude::*;
