mod execution_state;

pub use execution_state::*;
