pub mod error_capture;
pub mod tokio_handle_ext;
