//! How the lake and its queries behave over time: the figures `lake metrics`, the monitoring
//! page and `lake report` show, computed from what the catalog records ([`crate::catalog::
//! metrics`], [`crate::catalog::query_log`]). [`report`] draws the charts into one
//! file. What the queries and imports measured is in [`crate::meter`].

mod points;
pub mod report;
mod tests;

use serde::Serialize;

use crate::catalog::metrics::{percentile, DailyMetric, DatasetSize, ImportMetric, ProcessSample};
use crate::catalog::query_log::{Ended, QueryPoint, QueryRun};
use crate::error::{LakeError, Result};
use crate::Lake;

/// The queries of a period, summed up.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueryTotals {
    /// Queries run.
    pub count: u64,
    /// Failed ones.
    pub errors: u64,
    /// Cancelled ones.
    pub cancelled: u64,
    /// Median time (of the queries kept in detail).
    pub p50_ms: Option<f64>,
    /// 95th percentile.
    pub p95_ms: Option<f64>,
    /// Longest.
    pub max_ms: Option<f64>,
    /// Rows returned.
    pub rows: u64,
    /// Files read.
    pub files_scanned: u64,
    /// Files pruning skipped.
    pub files_pruned: u64,
    /// Bytes of the files read.
    pub bytes_scanned: u64,
    /// Row groups read, of the queries that counted them (each ran alone).
    pub row_groups_read: u64,
    /// Row groups their Parquet statistics let the reader skip, of those queries.
    pub row_groups_pruned: u64,
    /// Answers the result cache gave.
    pub cache_hits: u64,
    /// Answers run and then cached.
    pub cache_misses: u64,
    /// hits / (hits + misses), when any query was cacheable.
    pub cache_hit_rate: Option<f64>,
}

/// The queries of one hour or day.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueryBucket {
    /// The bucket's start (milliseconds since 1970, UTC).
    pub t: f64,
    /// Queries.
    pub count: u64,
    /// Failed or cancelled.
    pub errors: u64,
    /// Median time.
    pub p50_ms: Option<f64>,
    /// 95th percentile.
    pub p95_ms: Option<f64>,
}

/// The lake's size at one moment.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SizePoint {
    /// When (milliseconds since 1970, UTC).
    pub t: f64,
    /// Bytes of every dataset's current version.
    pub bytes: u64,
}

/// Everything `lake metrics`, the monitoring page and `lake report` show.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MetricsReport {
    /// The period's start (RFC 3339, UTC; empty for all time).
    pub since: String,
    /// When the report was made.
    pub until: String,
    /// The series' bucket: `hour` or `day`.
    pub bucket: String,
    /// The period's queries.
    pub queries: QueryTotals,
    /// Per bucket.
    pub query_series: Vec<QueryBucket>,
    /// The period's imports (the latest 500), oldest first.
    pub imports: Vec<ImportMetric>,
    /// Imports in the period, with the ones folded into days.
    pub import_count: u64,
    /// Rows imported in the period.
    pub import_rows: u64,
    /// Failed or cancelled imports.
    pub import_errors: u64,
    /// Each dataset's size, largest first.
    pub storage: Vec<DatasetSize>,
    /// The lake's size over time (after each commit).
    pub growth: Vec<SizePoint>,
    /// The app's memory and CPU, oldest first: one sample a minute while it ran, or over a
    /// long period at most [`MAX_PROCESS_POINTS`], each the highest memory and the mean CPU of
    /// the samples it stands for.
    pub process: Vec<ProcessSample>,
    /// Folded days in the period (older detail), oldest first.
    pub daily: Vec<DailyMetric>,
    /// The slowest queries of the period.
    pub slowest: Vec<QueryRun>,
}

/// The most app samples a report carries: a chart a thousand pixels wide shows no more, and 14
/// days of minutes (20,160 samples, 2.4 MB of JSON) made the Monitoring page slow to draw.
pub const MAX_PROCESS_POINTS: usize = 1000;

/// At most `max` samples: runs of consecutive samples, each as its first time, its highest
/// memory (a peak stays visible) and its mean CPU.
fn thin(samples: Vec<ProcessSample>, max: usize) -> Vec<ProcessSample> {
    if samples.len() <= max || max == 0 {
        return samples;
    }
    let per = samples.len().div_ceil(max);
    samples
        .chunks(per)
        .map(|run| ProcessSample {
            t: run[0].t,
            rss_bytes: run.iter().map(|p| p.rss_bytes).max().unwrap_or(0),
            cpu_percent: run.iter().map(|p| p.cpu_percent).sum::<f64>() / run.len() as f64,
        })
        .collect()
}

/// Reads `--since` (`30d`, `12h`, `45m`, or `all`) as the instant it names (RFC 3339; empty
/// for all time).
pub fn since_instant(text: &str) -> Result<String> {
    if text.trim().eq_ignore_ascii_case("all") {
        return Ok(String::new());
    }
    let age = crate::storage::versions::parse_age(text).map_err(|_| {
        LakeError::bad_input(
            "--since",
            None,
            format!(
                "'{}' is not a period; write it as 30d (days), 12h (hours), 45m (minutes) or all",
                text.trim()
            ),
        )
    })?;
    Ok(crate::storage::versions::cutoff(age))
}

/// Reads every query of the log into what reports keep, unless it is there already: the app
/// calls it after the monitoring page's first answer, so a longer period chosen next (a year
/// of 100k queries) is drawn without reading them all then. It reads through its own
/// read-only connection, so queries logged meanwhile are not held up. Returns whether it read.
pub fn keep_all(lake: &Lake) -> Result<bool> {
    let kept = lake.memo::<points::KeptPoints>();
    if kept.whole_log_settled() {
        return Ok(false);
    }
    let read = || -> Result<bool> {
        let path = lake.root().join(crate::storage::identity::CATALOG_FILE);
        let catalog = crate::catalog::Catalog::open_read_only(&path)?;
        // A catalog that does not count the entries leaving its log (read-only, from before
        // the count) has its kept points counted at each report: all time would make that slow.
        if catalog.query_log_forgotten()?.is_none() {
            return Ok(false);
        }
        let _snapshot = catalog.read_snapshot()?;
        kept.read(&catalog, "")?;
        Ok(true)
    };
    // Tried once per open lake: the page asks every few seconds, and each time would open
    // a connection again for a catalog that cannot be read whole.
    let result = read();
    if !matches!(result, Ok(true)) {
        kept.give_up_whole_log();
    }
    result
}

/// The report of the period since `since` (RFC 3339; all when empty).
pub fn report(lake: &Lake, since: &str) -> Result<MetricsReport> {
    // One read at a time, so queries and imports are not held up by the whole report; but
    // the queries and the days they were folded into are read in one snapshot, so an entry
    // folded meanwhile is never counted twice. The queries were mostly read by the report
    // before (`points`).
    let kept = lake.memo::<points::KeptPoints>();
    let (period, daily) = {
        let catalog = lake.catalog();
        let _snapshot = catalog.read_snapshot()?;
        let period = kept.read(&catalog, since)?;
        let daily = catalog.daily_metrics(since.get(..10).unwrap_or(""))?;
        (period, daily)
    };
    let points = period.points();
    let until = crate::catalog::now_rfc3339();
    let start_ms = if since.is_empty() {
        points.first().map(|p| p.t).unwrap_or(0.0)
    } else {
        crate::catalog::metrics::ts_ms(since)
    };
    let span_ms = crate::catalog::metrics::ts_ms(&until) - start_ms;
    let bucket_ms = if span_ms <= 2.0 * 86_400_000.0 {
        3_600_000.0
    } else {
        86_400_000.0
    };
    let mut queries = totals(points);
    let mut query_series = buckets(points, bucket_ms);
    let slow = slowest_ids(points, SLOWEST);
    drop(period);
    let all_imports = lake.catalog().import_metrics(since)?;
    let process = thin(lake.catalog().process_metrics(since)?, MAX_PROCESS_POINTS);
    let storage = lake.catalog().dataset_sizes()?;
    let growth = lake.catalog().lake_growth()?;
    let slowest = lake.catalog().query_runs_by_id(&slow)?;
    let folded = |kind: &'static str| daily.iter().filter(move |d| d.kind == kind);
    for d in folded("query") {
        queries.count += d.count;
        queries.errors += d.errors;
        queries.cancelled += d.cancelled;
        queries.rows += d.rows;
        queries.bytes_scanned += d.bytes;
    }
    for d in folded("query") {
        query_series.push(QueryBucket {
            t: crate::catalog::metrics::ts_ms(&format!("{}T00:00:00Z", d.day)),
            count: d.count,
            errors: d.errors + d.cancelled,
            p50_ms: d.p50_ms,
            p95_ms: d.p95_ms,
        });
    }
    query_series.sort_by(|a, b| a.t.total_cmp(&b.t));
    let import_count = all_imports.len() as u64 + folded("import").map(|d| d.count).sum::<u64>();
    let import_rows = all_imports.iter().map(|i| i.rows).sum::<u64>()
        + folded("import").map(|d| d.rows).sum::<u64>();
    let import_errors = all_imports.iter().filter(|i| i.status != "ok").count() as u64
        + folded("import")
            .map(|d| d.errors + d.cancelled)
            .sum::<u64>();
    let imports = all_imports[all_imports.len().saturating_sub(500)..].to_vec();
    Ok(MetricsReport {
        since: since.to_string(),
        until,
        bucket: if bucket_ms < 86_400_000.0 {
            "hour"
        } else {
            "day"
        }
        .into(),
        queries,
        query_series,
        imports,
        import_count,
        import_rows,
        import_errors,
        storage,
        growth: growth
            .into_iter()
            .map(|(t, bytes)| SizePoint { t, bytes })
            .collect(),
        process,
        daily,
        slowest,
    })
}

/// The slowest queries a report lists.
const SLOWEST: usize = 10;

/// The ids of the `n` slowest of `points` (the longest time first, the latest of equal ones),
/// as the query history's "slowest" orders its runs.
fn slowest_ids(points: &[QueryPoint], n: usize) -> Vec<i64> {
    let mut rank: Vec<(f64, i64)> = points.iter().map(|p| (p.ms, p.id)).collect();
    let slower = |a: &(f64, i64), b: &(f64, i64)| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1));
    if rank.len() > n {
        rank.select_nth_unstable_by(n, slower);
        rank.truncate(n);
    }
    rank.sort_unstable_by(slower);
    rank.into_iter().map(|(_, id)| id).collect()
}

fn totals(points: &[QueryPoint]) -> QueryTotals {
    let mut ms: Vec<f64> = points.iter().map(|p| p.ms).collect();
    ms.sort_unstable_by(f64::total_cmp);
    let mut t = QueryTotals {
        count: points.len() as u64,
        p50_ms: percentile(&ms, 0.5),
        p95_ms: percentile(&ms, 0.95),
        max_ms: ms.last().copied(),
        ..Default::default()
    };
    for p in points {
        t.errors += (p.ended == Ended::Error) as u64;
        t.cancelled += (p.ended == Ended::Cancelled) as u64;
        t.rows += p.rows;
        t.files_scanned += p.files_scanned;
        t.files_pruned += p.files_pruned;
        t.bytes_scanned += p.bytes_scanned;
        t.row_groups_read += p.row_groups_read;
        t.row_groups_pruned += p.row_groups_pruned;
        t.cache_hits += (p.cache_hit == Some(true)) as u64;
        t.cache_misses += (p.cache_hit == Some(false)) as u64;
    }
    let cacheable = t.cache_hits + t.cache_misses;
    t.cache_hit_rate = (cacheable > 0).then(|| t.cache_hits as f64 / cacheable as f64);
    t
}

/// Per bucket of `width` ms: the count, failures and percentiles of `points` (sorted by time).
fn buckets(points: &[QueryPoint], width: f64) -> Vec<QueryBucket> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < points.len() {
        let t = (points[i].t / width).floor() * width;
        let mut ms = Vec::new();
        let mut errors = 0;
        while i < points.len() && points[i].t < t + width {
            ms.push(points[i].ms);
            errors += (points[i].ended != Ended::Ok) as u64;
            i += 1;
        }
        ms.sort_unstable_by(f64::total_cmp);
        out.push(QueryBucket {
            t,
            count: ms.len() as u64,
            errors,
            p50_ms: percentile(&ms, 0.5),
            p95_ms: percentile(&ms, 0.95),
        });
    }
    out
}
