//! CLI scenarios against real temporary lakes: one test binary, several modules.

mod common;
mod crash;
mod import;
mod query;
mod slt;
mod takeout;
