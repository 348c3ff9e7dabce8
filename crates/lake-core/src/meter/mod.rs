//! Measuring work as it runs: the process's memory and CPU ([`process`]), the time an
//! import spends in each phase ([`phases`]), a query in each stage ([`stages`]), and whether
//! it ran alone ([`solo`]). A leaf that storage, ingest and query all use;
//! what is measured is recorded in the catalog and summed up by the metrics module.

pub mod phases;
pub mod process;
pub mod solo;
pub mod stages;
