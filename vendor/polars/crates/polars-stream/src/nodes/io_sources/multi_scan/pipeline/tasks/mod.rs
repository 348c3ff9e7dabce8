pub mod attach_reader_to_bridge;
pub mod bridge;
pub mod post_apply_extra_ops;
pub mod reader_starter;
