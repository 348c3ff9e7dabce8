//! Vectors: columns of fixed-size lists of numbers (`float[N]`: embeddings, features), the
//! SQL functions that compare them, with DuckDB's names and semantics, and the indexes that
//! find the nearest ones.
//!
//! A vector column is an Arrow fixed-size list of `f32` (Polars' `Array(Float32, N)`), and any
//! list of numbers works as a vector too (a literal `[0.1, 0.2, 0.3]`, a JSON array).

pub mod backends;
pub mod functions;
pub mod graph;
pub mod hnsw;
pub mod index;
pub mod kernels;
pub mod lake_index;

pub use functions::{is_vector_function, VectorFunctions};
pub use index::{BackendKind, Metric, VectorIndex, VectorIndexFile};

#[cfg(test)]
mod graph_tests;
#[cfg(test)]
mod hnsw_tests;
#[cfg(test)]
pub(crate) mod index_tests;
