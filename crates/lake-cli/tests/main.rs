//! CLI scenarios against real temporary lakes: one test binary, several modules.

mod backup;
mod baddata;
mod common;
mod crash;
mod diskfull;
mod fuzzreplay;
mod hostile;
mod import;
mod lakefolder;
mod limits;
mod lineage;
mod metrics;
mod offline;
mod quality;
mod query;
mod settings;
mod slt;
mod takeout;
mod tpch;
mod versions;
