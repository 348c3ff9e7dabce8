mod cache_states;
mod csee;
pub mod cspe;

pub(crate) use cache_states::set_cache_states;
pub(super) use csee::CommonSubExprOptimizer;

pub(super) use crate::plans::ir::{CanonicalIRId, CanonicalIRMap};
