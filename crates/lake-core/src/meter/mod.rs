//! Measuring work as it runs: the process's memory and CPU ([`process`]), and the time an
//! import spends in each phase ([`phases`]). A leaf that storage, ingest and query all use;
//! what is measured is recorded in the catalog and summed up by the metrics module.

pub mod phases;
pub mod process;
