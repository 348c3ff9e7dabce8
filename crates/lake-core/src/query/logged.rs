//! What each query run leaves in the query log: how it ended, what it read, its peak memory.

use super::{QueryOutput, ScanChoice};
use crate::catalog::query_log::ScanSummary;
use crate::error::Result;
use crate::Lake;

/// What a query read, from the scans its plan chose.
pub(crate) fn scan_summary(scans: &[ScanChoice]) -> ScanSummary {
    let mut datasets: Vec<String> = scans.iter().map(|s| s.dataset.clone()).collect();
    datasets.sort();
    datasets.dedup();
    let kept = |s: &ScanChoice| if s.index_only { 0 } else { s.kept.len() as u64 };
    ScanSummary {
        datasets,
        files_scanned: scans.iter().map(kept).sum(),
        files_pruned: scans
            .iter()
            .map(|s| s.total as u64 - kept(s).min(s.total as u64))
            .sum(),
        bytes_scanned: scans
            .iter()
            .filter(|s| !s.index_only)
            .flat_map(|s| s.kept.iter().map(|f| f.bytes))
            .sum(),
        row_groups_pruned: None,
    }
}

/// Logs a query run by [`crate::query::run_query`]: how it ended, what it read, its peak
/// memory. A lake that cannot be written (read-only) keeps no log; the query still answers.
pub(crate) fn log_query(
    lake: &Lake,
    sql: &str,
    result: &Result<QueryOutput>,
    elapsed: std::time::Duration,
    peak_bytes: Option<u64>,
) {
    let code = result.as_ref().err().map(|e| e.code());
    let record = crate::catalog::query_log::QueryRecord {
        sql,
        status: match code {
            None => "ok",
            Some(crate::ErrorCode::Cancelled) => "cancelled",
            Some(_) => "error",
        },
        error_code: code.map(|c| c.as_str()),
        duration_ms: elapsed.as_secs_f64() * 1e3,
        rows: result.as_ref().ok().map(|o| o.frame.height() as u64),
        scan: result.as_ref().ok().and_then(|o| o.scan.clone()),
        peak_bytes,
        cache: None,
    };
    let _ = lake.catalog().log_query(&record);
}
