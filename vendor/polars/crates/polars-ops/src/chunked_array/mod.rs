#[cfg(feature = "dtype-array")]
pub mod array;
mod binary;
pub mod list;
#[cfg(feature = "dtype-map")]
pub mod map;
#[cfg(feature = "propagate_nans")]
pub mod nan_propagating_aggregate;
#[cfg(feature = "peaks")]
pub mod peaks;
mod scatter;
pub mod strings;
mod sum;
#[cfg(feature = "top_k")]
mod top_k;

#[cfg(feature = "mode")]
pub mod mode;

#[cfg(feature = "cov")]
pub mod cov;
pub(crate) mod gather;
#[cfg(feature = "gather")]
pub mod gather_skip_nulls;
#[cfg(feature = "hist")]
mod hist;
#[cfg(feature = "repeat_by")]
mod repeat_by;

pub use binary::*;
#[cfg(feature = "chunked_ids")]
pub use gather::*;
#[cfg(feature = "hist")]
pub use hist::*;
pub use list::*;
#[cfg(feature = "dtype-map")]
pub use map::*;
#[allow(unused_imports)]
use polars_core::prelude::*;
#[cfg(feature = "repeat_by")]
pub use repeat_by::*;
pub use scatter::ChunkedSet;
pub use strings::*;
#[cfg(feature = "top_k")]
pub use top_k::*;

#[allow(unused_imports)]
use crate::prelude::*;
