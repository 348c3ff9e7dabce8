pub mod array;
pub mod footer;
pub mod message;
pub mod schema;
