//! Every import, measured: its sizes, its time per phase and its peak memory go to the
//! catalog's metrics (`lake metrics`, the monitoring page), whether it worked or not.

use std::path::PathBuf;
use std::time::Instant;

use super::{import_unmetered, CancelToken, ImportOptions, ImportReport, Progress};
use crate::catalog::metrics::ImportMetric;
use crate::error::Result;
use crate::meter::phases::{Phase, Snapshot};
use crate::meter::process::PeakWatch;
use crate::{ErrorCode, Lake};

/// Imports files and folders into the lake.
///
/// Each target dataset gets one new version, committed atomically; a failure in one dataset
/// is reported and does not stop the others. Cancellation stops at once and leaves the lake as
/// it was for the dataset being read.
pub fn import_paths(
    lake: &Lake,
    paths: &[PathBuf],
    opts: &ImportOptions,
    progress: &dyn Progress,
    cancel: &CancelToken,
) -> Result<ImportReport> {
    let watch = PeakWatch::start();
    let phases = Snapshot::now();
    let start = Instant::now();
    let result = import_unmetered(lake, paths, opts, progress, cancel);
    let duration_ms = start.elapsed().as_secs_f64() * 1e3;
    let metric = measure(
        lake,
        paths,
        &result,
        duration_ms,
        &phases,
        watch.peak_bytes(),
    );
    // A lake open read-only refused the import already; nothing to record there.
    let _ = lake.catalog().record_import(&metric);
    result
}

fn measure(
    lake: &Lake,
    paths: &[PathBuf],
    result: &Result<ImportReport>,
    duration_ms: f64,
    phases: &Snapshot,
    peak_bytes: Option<u64>,
) -> ImportMetric {
    let read_ms = phases.ms_since(Phase::Read);
    let write_ms = phases.ms_since(Phase::Write);
    let commit_ms = phases.ms_since(Phase::Commit);
    let mut m = ImportMetric {
        ts: crate::catalog::now_rfc3339(),
        sources: paths.len() as u64,
        // Counted as the import's progress counts them.
        bytes: super::progress::total_bytes(paths),
        duration_ms,
        read_ms,
        write_ms,
        commit_ms,
        // Parsing is what is left of the wall time (the phases are timed on this thread, so
        // they never add up to more than it; `max` only absorbs rounding).
        parse_ms: (duration_ms - read_ms - write_ms - commit_ms).max(0.0),
        peak_bytes,
        ..Default::default()
    };
    match result {
        Ok(r) => {
            m.datasets = r.datasets.iter().map(|d| d.name.clone()).collect();
            let cat = lake.catalog();
            m.rows = r
                .datasets
                .iter()
                .map(|d| cat.rows_added(&d.name, d.version).unwrap_or(d.rows))
                .sum();
            m.skipped = r.datasets.iter().map(|d| d.skipped_rows).sum();
            m.errors = r.errors.len() as u64;
            m.status = if r.datasets.is_empty() && !r.errors.is_empty() {
                "error"
            } else {
                "ok"
            }
            .into();
        }
        Err(e) => {
            m.errors = 1;
            m.status = if e.code() == ErrorCode::Cancelled {
                "cancelled"
            } else {
                "error"
            }
            .into();
        }
    }
    m
}
