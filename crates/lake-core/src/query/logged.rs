//! A query as people run it: answered from the result cache when it can be, else run and
//! kept there; and logged either way (how it ended, what it read, its peak memory, whether the
//! cache answered).

use std::time::Instant;

use super::cache::{self, ResultCache};
use super::{no_panic, run_inner, QueryOptions, QueryOutput, ScanChoice};
use crate::catalog::query_log::ScanSummary;
use crate::error::Result;
use crate::Lake;

/// Runs `sql` (a query or an EXPLAIN) and logs it in the catalog; a query asked before over the
/// same dataset versions is answered from the result cache.
pub fn run_query(lake: &Lake, sql: &str, opts: &QueryOptions) -> Result<QueryOutput> {
    let start = Instant::now();
    crate::meter::stages::reset();
    let mut lap = crate::meter::stages::Lap::start();
    let watch = crate::meter::process::PeakWatch::start();
    let results = lake.memo::<ResultCache>();
    let key = if opts.one_shot {
        None
    } else {
        cache::key(lake, sql).unwrap_or(None)
    };
    let hit = match &key {
        Some(k) if !opts.no_cache => results.get(lake, &k.text()).ok().flatten(),
        _ => None,
    };
    lap.to(crate::meter::stages::Stage::Cache);
    if let Some(hit) = hit {
        // Nothing was read to answer it: the log names the datasets, with no reads.
        let read_nothing = hit.scan.as_ref().map(|s| ScanSummary {
            datasets: s.datasets.clone(),
            ..Default::default()
        });
        let out = Ok(QueryOutput {
            frame: hit.frame,
            plan: None,
            elapsed: start.elapsed(),
            inputs: hit.inputs,
            masked: hit.masked,
            scan: hit.scan,
            cached: true,
        });
        log_hit(lake, sql, &out, start.elapsed(), read_nothing);
        return out;
    }
    let busy = crate::meter::solo::Busy::start();
    let groups = polars_stream::scan_counts::row_groups();
    let mut result = no_panic(sql, || run_inner(lake, sql, opts, start));
    if let Ok(QueryOutput {
        scan: Some(scan), ..
    }) = &mut result
    {
        // The engine's counters are the process's: this query's share is known when nothing
        // else ran in the engine meanwhile. Read before asking, so work that starts after the
        // read cannot have added to it.
        let now = polars_stream::scan_counts::row_groups();
        if busy.alone() {
            scan.row_groups_read = Some(now.0.saturating_sub(groups.0));
            scan.row_groups_pruned = Some(now.1.saturating_sub(groups.1));
        }
    }
    drop(busy);
    // Kept only under the key it still has (masking or a view may have changed meanwhile).
    let kept = match (&result, key) {
        (Ok(out), Some(k)) if out.plan.is_none() && k.still_current(lake) => {
            results.put(lake, k.text(), out).unwrap_or(false)
        }
        _ => false,
    };
    let cache = kept.then_some("miss");
    log_query(
        lake,
        sql,
        &result,
        start.elapsed(),
        watch.peak_bytes(),
        cache,
    );
    result
}

/// Logs a query the cache answered: its datasets, with nothing read.
fn log_hit(
    lake: &Lake,
    sql: &str,
    out: &Result<QueryOutput>,
    elapsed: std::time::Duration,
    scan: Option<ScanSummary>,
) {
    let record = crate::catalog::query_log::QueryRecord {
        sql,
        status: "ok",
        duration_ms: elapsed.as_secs_f64() * 1e3,
        rows: out.as_ref().ok().map(|o| o.frame.height() as u64),
        scan,
        cache: Some("hit"),
        ..Default::default()
    };
    let _ = lake.catalog().log_query(&record);
}

/// What a query read, from the scans its plan chose.
pub(crate) fn scan_summary(scans: &[ScanChoice]) -> ScanSummary {
    // `events@v3` (time travel) is `events` to the history's dataset filter.
    let mut datasets: Vec<String> = scans
        .iter()
        .map(|s| match super::time_travel::split_name(&s.dataset) {
            Some((base, _)) => base.to_string(),
            None => s.dataset.clone(),
        })
        .collect();
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
        row_groups_read: None,
        row_groups_pruned: None,
    }
}

/// Logs a query run by [`run_query`]: how it ended, what it read, its peak memory. A lake that cannot be written (read-only) keeps no log; the query still answers.
fn log_query(
    lake: &Lake,
    sql: &str,
    result: &Result<QueryOutput>,
    elapsed: std::time::Duration,
    peak_bytes: Option<u64>,
    cache: Option<&str>,
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
        cache,
    };
    let _ = lake.catalog().log_query(&record);
}
