pub mod schema;
pub use schema::Schema;
