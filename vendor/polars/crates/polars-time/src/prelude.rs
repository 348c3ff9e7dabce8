pub use crate::chunkedarray::*;
pub use crate::series::TemporalMethods;
pub use crate::windows::bounds::*;
pub use crate::windows::group_by::*;
pub use crate::windows::window::*;
pub use crate::*;
