#[cfg(feature = "rank")]
pub use polars_defs::expr::{RankMethod, RankOptions};
pub use polars_defs::join::{JoinArgs, JoinType, JoinValidation};
#[cfg(feature = "rolling_window_by")]
pub use polars_defs::time::duration::Duration;
#[cfg(feature = "dynamic_group_by")]
pub use polars_defs::time::group_by::{DynamicGroupOptions, RollingGroupOptions};
pub(crate) use polars_expr::prelude::*;
#[cfg(feature = "csv")]
pub use polars_io::csv::write::CsvWriterOptions;
#[cfg(feature = "ipc")]
pub use polars_io::ipc::IpcWriterOptions;
#[cfg(feature = "json")]
pub use polars_io::ndjson::NDJsonWriterOptions;
#[cfg(feature = "parquet")]
pub use polars_io::parquet::write::ParquetWriteOptions;
#[cfg(feature = "polars_cloud_client")]
pub use polars_plan::client::prepare_cloud_plan;
pub use polars_plan::dsl::AnonymousScanOptions;
pub use polars_plan::plans::{AnonymousScan, AnonymousScanArgs, Literal, LiteralValue, NULL, Null};
pub(crate) use polars_plan::prelude::*;
pub use polars_plan::prelude::{PlanCallback, UnionArgs};
#[cfg(feature = "dynamic_group_by")]
pub use polars_time::PolarsTemporalGroupby;
pub(crate) use polars_utils::arena::{Arena, Node};

pub use crate::dsl::*;
pub use crate::frame::*;
pub(crate) use crate::scan::*;
