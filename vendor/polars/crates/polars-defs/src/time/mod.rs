//! Temporal definitions: `Duration`, window and group-by options.
pub mod duration;
pub mod group_by;
pub mod rolling;
