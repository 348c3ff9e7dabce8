mod memory;
pub use memory::*;
