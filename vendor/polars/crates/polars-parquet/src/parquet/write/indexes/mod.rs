mod serialize;
#[cfg(feature = "async")]
mod write;

pub(crate) use serialize::{serialize_column_index, serialize_offset_index};
#[cfg(feature = "async")]
pub use write::*;
