//! Places: geometry as WKB, the `ST_` SQL functions, and the R-tree index.

pub mod derive;
pub mod fences;
pub mod functions;
pub mod index;
pub mod rtree;
pub mod text;
pub mod viewport;
pub mod wkb;

pub use functions::{is_spatial_function, registry};
