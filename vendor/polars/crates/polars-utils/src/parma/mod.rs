//! A fast concurrent hash map, with a focus on read performance.

/// The low-level raw table implementation.
pub mod raw;
