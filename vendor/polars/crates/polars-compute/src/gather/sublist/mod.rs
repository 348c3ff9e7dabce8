//! Kernels for gathering values contained within lists.
pub mod fixed_size_list;
pub mod list;
