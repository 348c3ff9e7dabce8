mod boolean;
mod push_unchecked;
mod rev;

pub use push_unchecked::*;
pub use rev::FromIteratorReversed;
