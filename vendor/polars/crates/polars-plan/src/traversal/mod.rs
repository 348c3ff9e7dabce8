pub mod edge_provider;
pub mod tree_traversal;
pub mod visitor;
