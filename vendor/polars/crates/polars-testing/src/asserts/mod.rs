pub mod frame;
pub mod series;
mod utils;

pub use utils::{
    DataFrameEqualOptions, SeriesEqualOptions, assert_dataframe_equal, assert_schema_equal,
    assert_series_equal,
};
