#[cfg(feature = "chunked_ids")]
pub(crate) mod chunked;
#[cfg(feature = "chunked_ids")]
pub use chunked::*;
