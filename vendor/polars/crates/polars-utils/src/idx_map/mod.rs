pub mod bytes_idx_map;
pub use bytes_idx_map::BytesIndexMap;
