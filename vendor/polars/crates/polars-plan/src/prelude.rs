#[cfg(feature = "ewma")]
pub(crate) use polars_compute::ewm::EWMOptions;
pub(crate) use polars_core::chunked_array::ops::search_sorted::SearchSortedSide;
pub(crate) use polars_defs::expr::ClosedInterval;
#[cfg(feature = "interpolate")]
pub(crate) use polars_defs::expr::InterpolationMethod;
#[cfg(feature = "business")]
pub(crate) use polars_defs::expr::Roll;
#[cfg(feature = "round_series")]
pub(crate) use polars_defs::expr::RoundMode;
#[cfg(feature = "list_sets")]
pub(crate) use polars_defs::expr::SetOperation;
#[cfg(feature = "string_normalize")]
pub(crate) use polars_defs::expr::UnicodeForm;
#[cfg(feature = "rank")]
pub(crate) use polars_defs::expr::{RankMethod, RankOptions};
#[cfg(feature = "iejoin")]
pub(crate) use polars_defs::join::{IEJoinOptions, InequalityOperator};
pub(crate) use polars_defs::join::{JoinArgs, JoinCoalesce, JoinType, MaintainOrderJoin};
#[cfg(feature = "temporal")]
pub(crate) use polars_defs::time::duration::Duration;
#[cfg(feature = "temporal")]
pub(crate) use polars_defs::time::group_by::ClosedWindow;
#[cfg(feature = "dynamic_group_by")]
pub(crate) use polars_defs::time::group_by::{DynamicGroupOptions, RollingGroupOptions};
#[cfg(any(feature = "rolling_window", feature = "rolling_window_by"))]
pub(crate) use polars_defs::time::rolling::RollingOptionsDynamicWindow;
pub use polars_utils::arena::{Arena, Node};

pub use crate::callback::*;
pub use crate::dsl::functions::*;
pub use crate::dsl::*;
#[cfg(feature = "debugging")]
pub use crate::plans::debug::*;
pub use crate::plans::options::*;
pub use crate::plans::*;
pub use crate::utils::*;
