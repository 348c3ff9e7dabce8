pub mod in_memory_linearize;
pub mod late_materialized_df;
pub mod morsel_distributor;
pub mod tokio_handle_ext;
