pub mod time_unit;
pub mod time_zone;
pub use time_unit::{TimeUnit, TimeUnitRescale};
