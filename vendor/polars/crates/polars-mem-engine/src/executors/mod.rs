mod cache;
mod executor;
mod filter;
mod gather;
mod group_by;
mod group_by_dynamic;
pub(super) mod group_by_rolling;
mod group_by_streaming;
mod hconcat;
mod join;
#[cfg(feature = "merge_sorted")]
mod merge_sorted;
mod projection;
mod projection_simple;
mod projection_utils;
mod scan;
mod slice;
mod sort;
mod stack;
mod udf;
mod union;
mod unique;

use std::borrow::Cow;

pub use executor::*;
pub use filter::column_to_mask;
use polars_core::runtime::RAYON;
use projection_utils::*;
use rayon::prelude::*;

pub(super) use self::cache::*;
pub(super) use self::filter::*;
pub(super) use self::gather::*;
pub(super) use self::group_by::*;
#[cfg(feature = "dynamic_group_by")]
pub(super) use self::group_by_dynamic::*;
#[cfg(feature = "dynamic_group_by")]
pub(super) use self::group_by_rolling::GroupByRollingExec;
pub(super) use self::group_by_streaming::*;
pub(super) use self::hconcat::*;
pub(super) use self::join::*;
#[cfg(feature = "merge_sorted")]
pub(super) use self::merge_sorted::*;
pub(super) use self::projection::*;
pub(super) use self::projection_simple::*;
pub(super) use self::scan::*;
pub(super) use self::slice::*;
pub(super) use self::sort::*;
pub(super) use self::stack::*;
pub(super) use self::udf::*;
pub(super) use self::union::*;
pub(super) use self::unique::*;
use crate::prelude::*;
