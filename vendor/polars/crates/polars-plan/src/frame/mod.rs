mod opt_state;

pub use opt_state::*;
