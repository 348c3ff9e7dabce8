pub use polars_utils::async_utils::tokio_handle_ext::AbortOnDropHandle;
