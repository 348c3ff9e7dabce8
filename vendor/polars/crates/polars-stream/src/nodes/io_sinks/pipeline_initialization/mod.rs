pub mod partition_by;
pub mod single_file;
