//! Metrics kept in the catalog: one row per import, the app's memory and CPU, the lake's sizes
//! (read from the versions themselves), and a daily roll-up that older detail is folded into,
//! so the tables stay bounded however long a lake is used. Queries are in the query log.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::Catalog;
use crate::error::Result;

/// Detail older than this many days is folded into daily rows.
pub const DETAIL_DAYS: i64 = 400;
/// At most this many queries are kept in detail (older days are folded first).
pub const MAX_QUERY_ROWS: i64 = 200_000;
/// At most this many imports are kept in detail.
pub const MAX_IMPORT_ROWS: i64 = 20_000;
/// The app's samples (one a minute) are kept this many days in detail.
pub const PROCESS_DAYS: i64 = 14;

/// One import, as the metrics record it.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportMetric {
    /// When it ended (RFC 3339, UTC).
    pub ts: String,
    /// `ok`, `error` (nothing was imported) or `cancelled`.
    pub status: String,
    /// The datasets it made new versions of.
    pub datasets: Vec<String>,
    /// Source files or Takeout parts given.
    pub sources: u64,
    /// Bytes of the sources read.
    pub bytes: u64,
    /// Rows imported.
    pub rows: u64,
    /// Wall time.
    pub duration_ms: f64,
    /// Reading the sources' bytes (and their checksums).
    pub read_ms: f64,
    /// Parsing records into columns (the rest of staging).
    pub parse_ms: f64,
    /// Encoding and writing Parquet.
    pub write_ms: f64,
    /// Quality rules, the catalog commit, indexes and profiles.
    pub commit_ms: f64,
    /// The process's peak resident memory during the import (Linux).
    pub peak_bytes: Option<u64>,
    /// Files or parts that failed.
    pub errors: u64,
    /// Bad records skipped (`--skip-bad`).
    pub skipped: u64,
}

impl ImportMetric {
    /// Rows per second of wall time.
    pub fn rows_per_s(&self) -> f64 {
        if self.duration_ms > 0.0 {
            self.rows as f64 / (self.duration_ms / 1e3)
        } else {
            0.0
        }
    }
}

/// The app's memory and CPU at one moment.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProcessSample {
    /// When (milliseconds since 1970, UTC).
    pub t: f64,
    /// Resident memory.
    pub rss_bytes: u64,
    /// CPU time over wall time since the last sample, in percent of one core.
    pub cpu_percent: f64,
}

/// A day of folded detail.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DailyMetric {
    /// The day (`YYYY-MM-DD`, UTC).
    pub day: String,
    /// `query`, `import` or `process`.
    pub kind: String,
    /// Queries, imports or samples.
    pub count: u64,
    /// Failed.
    pub errors: u64,
    /// Cancelled (or stopped by a timeout).
    pub cancelled: u64,
    /// Summed time (for `process`: summed CPU percent).
    pub total_ms: f64,
    /// Median time.
    pub p50_ms: Option<f64>,
    /// 95th percentile.
    pub p95_ms: Option<f64>,
    /// Longest (for `process`: the highest CPU percent).
    pub max_ms: Option<f64>,
    /// Rows returned or imported.
    pub rows: u64,
    /// Bytes scanned or imported (for `process`: the highest resident memory).
    pub bytes: u64,
}

/// A dataset's size on disk.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DatasetSize {
    /// The dataset.
    pub name: String,
    /// Its current version's files.
    pub bytes: u64,
    /// The files of every version not yet vacuumed (each file once).
    pub retained_bytes: u64,
    /// Its versions.
    pub versions: u64,
    /// Its indexes' files.
    pub index_bytes: u64,
}

/// The lake's size after each commit: (milliseconds since 1970, bytes of current versions).
pub type GrowthPoint = (f64, u64);

/// The value at fraction `q` of sorted `v` (nearest rank).
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// RFC 3339 text as milliseconds since 1970 (0 when it does not parse). The catalog's own
/// times (`2026-12-07T16:40:01.123Z` from `now_rfc3339`, `2026-12-07T16:40:00Z` for the app's
/// samples) are read without the general parser: a year of queries is 100,000 of them.
pub fn ts_ms(ts: &str) -> f64 {
    own_ts_ms(ts)
        .unwrap_or_else(|| crate::temporal::parse_datetime_us(ts).map_or(0.0, |us| us as f64 / 1e3))
}

/// `YYYY-MM-DDTHH:MM:SS[.mmm]Z`, or `None` for anything else.
fn own_ts_ms(ts: &str) -> Option<f64> {
    let b = ts.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let ms = match b.len() {
        24 if b[19] == b'.' => num(20..23)?,
        20 => 0,
        _ => return None,
    };
    let seps = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if b[b.len() - 1] != b'Z' || seps.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    let day = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let (h, m, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    let secs = day.and_hms_opt(h, m, s)?.and_utc().timestamp();
    Some((secs * 1000 + i64::from(ms)) as f64)
}

/// The start of the day `days` before today, written as the logs write times (with
/// milliseconds, so a time logged at midnight sorts with its own day).
fn days_ago(days: i64) -> String {
    day_start(chrono::Utc::now().date_naive() - chrono::Duration::days(days))
}

fn day_start(day: chrono::NaiveDate) -> String {
    format!("{day}T00:00:00.000Z")
}

impl Catalog {
    /// Whether this catalog has the metrics tables (an older read-only one may not).
    pub(crate) fn has_metrics(&self) -> Result<bool> {
        self.has_table("metrics_daily")
    }

    /// Records an import, then folds old detail.
    pub fn record_import(&self, m: &ImportMetric) -> Result<()> {
        self.writable()?;
        self.conn.execute(
            "INSERT INTO import_metrics (ts, status, datasets, sources, bytes, rows, duration_ms,
               read_ms, parse_ms, write_ms, commit_ms, peak_bytes, errors, skipped)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                m.ts,
                m.status,
                serde_json::to_string(&m.datasets).unwrap_or_default(),
                m.sources as i64,
                m.bytes as i64,
                m.rows as i64,
                m.duration_ms,
                m.read_ms,
                m.parse_ms,
                m.write_ms,
                m.commit_ms,
                m.peak_bytes.map(|b| b as i64),
                m.errors as i64,
                m.skipped as i64,
            ],
        )?;
        self.compact_metrics()
    }

    /// Imports at or after `since` (RFC 3339; all when empty), oldest first.
    pub fn import_metrics(&self, since: &str) -> Result<Vec<ImportMetric>> {
        if !self.has_metrics()? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT ts, status, datasets, sources, bytes, rows, duration_ms, read_ms, parse_ms,
               write_ms, commit_ms, peak_bytes, errors, skipped
             FROM import_metrics WHERE ts >= ?1 ORDER BY ts, id",
        )?;
        let rows = st.query_map([since], |r| {
            let datasets: String = r.get(2)?;
            Ok(ImportMetric {
                ts: r.get(0)?,
                status: r.get(1)?,
                datasets: serde_json::from_str(&datasets).unwrap_or_default(),
                sources: r.get::<_, i64>(3)?.max(0) as u64,
                bytes: r.get::<_, i64>(4)?.max(0) as u64,
                rows: r.get::<_, i64>(5)?.max(0) as u64,
                duration_ms: r.get(6)?,
                read_ms: r.get(7)?,
                parse_ms: r.get(8)?,
                write_ms: r.get(9)?,
                commit_ms: r.get(10)?,
                peak_bytes: r.get::<_, Option<i64>>(11)?.map(|b| b.max(0) as u64),
                errors: r.get::<_, i64>(12)?.max(0) as u64,
                skipped: r.get::<_, i64>(13)?.max(0) as u64,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Records a sample of the app's memory and CPU (one per minute is kept).
    pub fn record_process(&self, rss_bytes: u64, cpu_percent: f64) -> Result<()> {
        self.writable()?;
        let minute = chrono::Utc::now().format("%Y-%m-%dT%H:%M:00Z").to_string();
        self.conn.execute(
            "INSERT OR REPLACE INTO process_metrics (ts, rss_bytes, cpu_percent)
             VALUES (?1, ?2, ?3)",
            params![minute, rss_bytes as i64, cpu_percent],
        )?;
        // A lake only browsed (no imports, few queries) still folds its old samples.
        let old: i64 = self.conn.query_row(
            "SELECT count(*) FROM process_metrics WHERE ts < ?1",
            [days_ago(PROCESS_DAYS)],
            |r| r.get(0),
        )?;
        if old > 0 {
            self.compact_metrics()?;
        }
        Ok(())
    }

    /// The app's samples at or after `since`, oldest first.
    pub fn process_metrics(&self, since: &str) -> Result<Vec<ProcessSample>> {
        if !self.has_metrics()? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT ts, rss_bytes, cpu_percent FROM process_metrics WHERE ts >= ?1 ORDER BY ts",
        )?;
        let rows = st.query_map([since], |r| {
            Ok(ProcessSample {
                t: ts_ms(&r.get::<_, String>(0)?),
                rss_bytes: r.get::<_, i64>(1)?.max(0) as u64,
                cpu_percent: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Folded days at or after `since_day` (`YYYY-MM-DD`), oldest first.
    pub fn daily_metrics(&self, since_day: &str) -> Result<Vec<DailyMetric>> {
        if !self.has_metrics()? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT day, kind, count, errors, cancelled, total_ms, p50_ms, p95_ms, max_ms, rows, bytes
             FROM metrics_daily WHERE day >= ?1 ORDER BY day, kind",
        )?;
        let rows = st.query_map([since_day], |r| {
            Ok(DailyMetric {
                day: r.get(0)?,
                kind: r.get(1)?,
                count: r.get::<_, i64>(2)?.max(0) as u64,
                errors: r.get::<_, i64>(3)?.max(0) as u64,
                cancelled: r.get::<_, i64>(4)?.max(0) as u64,
                total_ms: r.get(5)?,
                p50_ms: r.get(6)?,
                p95_ms: r.get(7)?,
                max_ms: r.get(8)?,
                rows: r.get::<_, i64>(9)?.max(0) as u64,
                bytes: r.get::<_, i64>(10)?.max(0) as u64,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Every dataset's size on disk, largest first.
    pub fn dataset_sizes(&self) -> Result<Vec<DatasetSize>> {
        if !self.has_metrics()? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT d.name,
               coalesce((SELECT v.bytes FROM versions v
                         WHERE v.dataset_id = d.id AND v.version = d.current_version), 0),
               coalesce((SELECT sum(bytes) FROM (SELECT DISTINCT f.path, f.bytes FROM files f
                         JOIN versions v ON v.id = f.version_id
                         WHERE v.dataset_id = d.id AND v.vacuumed_at IS NULL)), 0),
               (SELECT count(*) FROM versions v WHERE v.dataset_id = d.id),
               coalesce((SELECT sum(i.bytes) FROM indexes i JOIN versions v ON v.id = i.version_id
                         WHERE v.dataset_id = d.id), 0)
             FROM datasets d ORDER BY 2 DESC, d.name",
        )?;
        let rows = st.query_map([], |r| {
            Ok(DatasetSize {
                name: r.get(0)?,
                bytes: r.get::<_, i64>(1)?.max(0) as u64,
                retained_bytes: r.get::<_, i64>(2)?.max(0) as u64,
                versions: r.get::<_, i64>(3)?.max(0) as u64,
                index_bytes: r.get::<_, i64>(4)?.max(0) as u64,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The lake's size over time: after each version's commit, the summed bytes of every
    /// dataset's latest version so far.
    pub fn lake_growth(&self) -> Result<Vec<GrowthPoint>> {
        let mut st = self.conn.prepare(
            "SELECT v.dataset_id, v.bytes, v.created_at FROM versions v ORDER BY v.created_at, v.id",
        )?;
        let rows: Vec<(i64, i64, String)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let mut latest = std::collections::HashMap::new();
        let mut total: i64 = 0;
        let mut out: Vec<GrowthPoint> = Vec::new();
        for (ds, bytes, at) in rows {
            total += bytes - latest.insert(ds, bytes).unwrap_or(0);
            let t = ts_ms(&at);
            match out.last_mut() {
                Some(last) if last.0 == t => last.1 = total.max(0) as u64,
                _ => out.push((t, total.max(0) as u64)),
            }
        }
        Ok(out)
    }

    /// Folds detail older than [`DETAIL_DAYS`] (or beyond the row limits) into daily rows.
    /// Whole days are folded at once, so a day's percentiles are exact.
    pub fn compact_metrics(&self) -> Result<()> {
        if self.is_read_only() || !self.has_metrics()? {
            return Ok(());
        }
        let query_cut = self.cutoff("query_log", MAX_QUERY_ROWS, DETAIL_DAYS)?;
        let import_cut = self.cutoff("import_metrics", MAX_IMPORT_ROWS, DETAIL_DAYS)?;
        let tx = self.conn.unchecked_transaction()?;
        fold(&tx, "query", &query_cut,
            "SELECT substr(ts, 1, 10), duration_ms, status, coalesce(rows, 0), coalesce(bytes_scanned, 0)
             FROM query_log WHERE ts < ?1 ORDER BY 1",
            "DELETE FROM query_log WHERE ts < ?1")?;
        fold(
            &tx,
            "import",
            &import_cut,
            "SELECT substr(ts, 1, 10), duration_ms, status, rows, bytes
             FROM import_metrics WHERE ts < ?1 ORDER BY 1",
            "DELETE FROM import_metrics WHERE ts < ?1",
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO metrics_daily
               (day, kind, count, errors, cancelled, total_ms, p50_ms, p95_ms, max_ms, rows, bytes)
             SELECT substr(ts, 1, 10), 'process', count(*), 0, 0, sum(cpu_percent), NULL, NULL,
               max(cpu_percent), 0, max(rss_bytes)
             FROM process_metrics WHERE ts < ?1 GROUP BY 1",
            [days_ago(PROCESS_DAYS)],
        )?;
        tx.execute(
            "DELETE FROM process_metrics WHERE ts < ?1",
            [days_ago(PROCESS_DAYS)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The start of the oldest day to keep in `table`: no older than `days`, and no more than
    /// `max_rows` rows kept.
    fn cutoff(&self, table: &str, max_rows: i64, days: i64) -> Result<String> {
        let by_age = days_ago(days);
        let nth: Option<String> = self
            .conn
            .query_row(
                &format!("SELECT ts FROM {table} ORDER BY ts DESC LIMIT 1 OFFSET ?1"),
                [max_rows],
                |r| r.get(0),
            )
            .optional()?;
        // The day after the row past the limit: that whole day goes too, but never today.
        let by_rows = nth.and_then(|ts| {
            let day = chrono::NaiveDate::parse_from_str(ts.get(..10)?, "%Y-%m-%d").ok()?;
            Some(day_start(day.succ_opt()?))
        });
        let today = days_ago(0);
        Ok(match by_rows {
            Some(r) if r > by_age => r.min(today),
            _ => by_age,
        })
    }

    /// Folds old detail after every 1000th query (the log is checked, not scanned, per query).
    pub(crate) fn maybe_compact_queries(&self) -> Result<()> {
        let last: i64 =
            self.conn
                .query_row("SELECT coalesce(max(id), 0) FROM query_log", [], |r| {
                    r.get(0)
                })?;
        if last % 1000 == 0 {
            self.compact_metrics()?;
        }
        Ok(())
    }
}

/// Folds the rows `select` finds before `cut` into daily rows of `kind` (merged with a day
/// folded before: counts add, the percentiles of the larger part are kept), then deletes them.
fn fold(
    tx: &rusqlite::Transaction<'_>,
    kind: &str,
    cut: &str,
    select: &str,
    delete: &str,
) -> Result<()> {
    let mut st = tx.prepare(select)?;
    let rows: Vec<(String, f64, String, i64, i64)> = st
        .query_map([cut], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, Option<f64>>(1)?.unwrap_or(0.0),
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
            ))
        })?
        .collect::<std::result::Result<_, _>>()?;
    drop(st);
    if rows.is_empty() {
        return Ok(());
    }
    let mut i = 0;
    while i < rows.len() {
        let day = rows[i].0.clone();
        let mut ms = Vec::new();
        let (mut errors, mut cancelled, mut nrows, mut bytes) = (0i64, 0i64, 0i64, 0i64);
        while i < rows.len() && rows[i].0 == day {
            ms.push(rows[i].1);
            errors += (rows[i].2 == "error") as i64;
            cancelled += (rows[i].2 == "cancelled") as i64;
            nrows += rows[i].3;
            bytes += rows[i].4;
            i += 1;
        }
        ms.sort_by(f64::total_cmp);
        let count = ms.len() as i64;
        let total: f64 = ms.iter().sum();
        let (p50, p95, max) = (
            percentile(&ms, 0.5),
            percentile(&ms, 0.95),
            ms.last().copied(),
        );
        tx.execute(
            "INSERT INTO metrics_daily
               (day, kind, count, errors, cancelled, total_ms, p50_ms, p95_ms, max_ms, rows, bytes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (day, kind) DO UPDATE SET
               p50_ms = CASE WHEN excluded.count > count THEN excluded.p50_ms ELSE p50_ms END,
               p95_ms = CASE WHEN excluded.count > count THEN excluded.p95_ms ELSE p95_ms END,
               max_ms = max(coalesce(max_ms, 0), excluded.max_ms),
               count = count + excluded.count, errors = errors + excluded.errors,
               cancelled = cancelled + excluded.cancelled,
               total_ms = total_ms + excluded.total_ms, rows = rows + excluded.rows,
               bytes = bytes + excluded.bytes",
            params![day, kind, count, errors, cancelled, total, p50, p95, max, nrows, bytes],
        )?;
    }
    tx.execute(delete, [cut])?;
    Ok(())
}

impl Catalog {
    /// Rows version `version` of `dataset` added: the rows of its files that the version
    /// before did not have (all of them for a replace).
    pub fn rows_added(&self, dataset: &str, version: u32) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT coalesce(sum(f.rows), 0) FROM files f
             JOIN versions v ON v.id = f.version_id JOIN datasets d ON d.id = v.dataset_id
             WHERE d.name = ?1 AND v.version = ?2 AND f.path NOT IN
               (SELECT f2.path FROM files f2 JOIN versions v2 ON v2.id = f2.version_id
                WHERE v2.dataset_id = d.id AND v2.version = ?2 - 1)",
            params![dataset, version],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }
}

#[cfg(test)]
impl Catalog {
    /// Runs `sql` on the catalog (tests that plant old metrics).
    pub(crate) fn execute_for_tests(&self, sql: &str) {
        self.conn.execute_batch(sql).unwrap();
    }

    /// The first value `sql` gives (tests).
    pub(crate) fn query_value_for_tests(&self, sql: &str) -> i64 {
        self.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

impl Catalog {
    /// What shapes a query's answer besides its datasets' versions: the names there are, the
    /// views' definitions, the columns
    /// tagged as personal data and the lake's settings, as one text (the result cache's key).
    pub fn answer_context(&self) -> Result<String> {
        Ok(self.conn.query_row(
            "SELECT coalesce((SELECT group_concat(name, char(0)) FROM
                 (SELECT name FROM datasets ORDER BY name)), '')
               || char(1) || coalesce((SELECT group_concat(name || '=' || sql, char(0)) FROM
                 (SELECT name, sql FROM views ORDER BY name)), '')
               || char(1) || coalesce((SELECT group_concat(dataset || '.' || column_name || ':' || kind, char(0))
                 FROM (SELECT * FROM pii_columns ORDER BY dataset, column_name)), '')
               || char(1) || coalesce((SELECT group_concat(key || '=' || value, char(0))
                 FROM (SELECT * FROM settings ORDER BY key)), '')",
            [],
            |r| r.get(0),
        )?)
    }

    /// When version `version` of `dataset` was committed, if it is still there and not
    /// vacuumed, and (with `current`) it is the dataset's current version.
    pub fn version_stamp(
        &self,
        dataset: &str,
        version: u32,
        current: bool,
    ) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT v.created_at FROM versions v JOIN datasets d ON d.id = v.dataset_id
                 WHERE d.name = ?1 AND v.version = ?2 AND v.vacuumed_at IS NULL
                   AND (?3 = 0 OR d.current_version = v.version)",
                params![dataset, version, current as i64],
                |r| r.get(0),
            )
            .optional()?)
    }
}
