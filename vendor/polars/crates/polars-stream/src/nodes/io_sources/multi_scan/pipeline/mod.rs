pub mod initialization;
pub mod models;
mod tasks;
