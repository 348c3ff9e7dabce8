//! Datapunk Lake: the Parquet row groups this process's scans decoded and the ones their
//! statistics let them skip (when the file was opened, or later by the runtime ranges of a
//! top-k), counted for the whole process. An embedding application reads the counters before
//! and after a query to log what it read and pruned (when nothing else scanned meanwhile).

use std::sync::atomic::{AtomicU64, Ordering};

static READ: AtomicU64 = AtomicU64::new(0);
static SKIPPED: AtomicU64 = AtomicU64::new(0);

/// Adds row groups decoded.
pub(crate) fn add_read(n: usize) {
    READ.fetch_add(n as u64, Ordering::Relaxed);
}

/// Adds row groups skipped by statistics.
pub(crate) fn add_skipped(n: usize) {
    SKIPPED.fetch_add(n as u64, Ordering::Relaxed);
}

/// The row groups decoded and skipped since the process started.
pub fn row_groups() -> (u64, u64) {
    (
        READ.load(Ordering::Relaxed),
        SKIPPED.load(Ordering::Relaxed),
    )
}
