//! The query log: every query people ran, how it ended and what it read (the editor's history,
//! the monitoring page's query history and slow queries, `lake metrics`), and the plans of
//! EXPLAIN ANALYZE runs for "compare with an earlier run".

use rusqlite::{params, params_from_iter, types::Value, OptionalExtension};
use serde::Serialize;

use super::{audit, now_rfc3339, Catalog};
use crate::error::Result;

/// How many analyzed plans of one query the log keeps.
pub const PLANS_KEPT: u32 = 20;

/// What one query did, as the log records it.
#[derive(Debug, Clone, Default)]
pub struct QueryRecord<'a> {
    /// The SQL text.
    pub sql: &'a str,
    /// `ok`, `error` or `cancelled`.
    pub status: &'a str,
    /// The error's code.
    pub error_code: Option<&'a str>,
    /// Wall time.
    pub duration_ms: f64,
    /// Rows returned.
    pub rows: Option<u64>,
    /// What it read (unknown when it failed before reading).
    pub scan: Option<ScanSummary>,
    /// The process's peak resident memory while it ran (Linux).
    pub peak_bytes: Option<u64>,
    /// `hit` when the result cache answered it, `miss` when it was run and cached.
    pub cache: Option<&'a str>,
}

/// What a query read: files kept after pruning, their bytes, and the datasets.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScanSummary {
    /// The datasets it read, sorted.
    pub datasets: Vec<String>,
    /// Files it read.
    pub files_scanned: u64,
    /// Files pruning skipped (statistics, partitions or an R-tree).
    pub files_pruned: u64,
    /// Bytes on disk of the files it read.
    pub bytes_scanned: u64,
    /// Row groups the engine decoded, and (below) those the Parquet statistics let it skip,
    /// as the engine counts them; unknown when other engine work ran at the same time.
    pub row_groups_read: Option<u64>,
    /// See `row_groups_read`.
    pub row_groups_pruned: Option<u64>,
}

/// A query the user ran.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryEntry {
    /// When (RFC 3339, UTC).
    pub ts: String,
    /// The SQL text.
    pub sql: String,
    /// `ok`, `error` or `cancelled`.
    pub status: String,
    /// The error's code.
    pub error_code: Option<String>,
    /// How long it took.
    pub duration_ms: f64,
    /// Rows returned.
    pub rows: Option<u64>,
}

/// One run of a query, with what it read (the monitoring page's history and slow queries).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueryRun {
    /// The run's id in the log.
    pub id: i64,
    /// When, what, how it ended, how long and how many rows.
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub entry: HistoryEntry,
    /// What it read, when known.
    pub scan: Option<ScanSummary>,
    /// The process's peak resident memory while it ran.
    pub peak_bytes: Option<u64>,
    /// `hit`, `miss`, or none (not cacheable, or from before the cache).
    pub cache: Option<String>,
    /// Whether the log keeps an analyzed plan of this run.
    pub has_plan: bool,
}

/// Which runs to list.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct RunFilter {
    /// Text the SQL contains (any case).
    pub text: String,
    /// A dataset the query read.
    pub dataset: String,
    /// `ok`, `error` or `cancelled`; any when empty.
    pub status: String,
    /// At least this long.
    pub min_ms: f64,
    /// At or after this time (RFC 3339, UTC); any when empty.
    pub since: String,
    /// Slowest first instead of newest first.
    pub slowest: bool,
    /// At most this many (100 when 0).
    pub limit: u32,
}

const RUN_COLUMNS: &str = "id, ts, sql, status, error_code, duration_ms, rows, datasets, \
    files_scanned, files_pruned, bytes_scanned, row_groups_pruned, peak_bytes, cache, \
    plan IS NOT NULL, ";

/// The order of "slowest first" (the latest of equal times first).
const SLOWEST_FIRST: &str = "duration_ms DESC, id DESC";

fn opt_u64(v: Option<i64>) -> Option<u64> {
    v.map(|x| x.max(0) as u64)
}

fn run_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<QueryRun> {
    let datasets: Option<String> = r.get(7)?;
    let files_scanned: Option<i64> = r.get(8)?;
    let scan = files_scanned.map(|files| -> rusqlite::Result<ScanSummary> {
        Ok(ScanSummary {
            datasets: datasets
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok())
                .unwrap_or_default(),
            files_scanned: files.max(0) as u64,
            files_pruned: opt_u64(r.get(9)?).unwrap_or(0),
            bytes_scanned: opt_u64(r.get(10)?).unwrap_or(0),
            row_groups_read: opt_u64(r.get(15)?),
            row_groups_pruned: opt_u64(r.get(11)?),
        })
    });
    Ok(QueryRun {
        id: r.get(0)?,
        entry: HistoryEntry {
            ts: r.get(1)?,
            sql: r.get(2)?,
            status: r.get(3)?,
            error_code: r.get(4)?,
            duration_ms: r.get::<_, Option<f64>>(5)?.unwrap_or(0.0),
            rows: opt_u64(r.get(6)?),
        },
        scan: scan.transpose()?,
        peak_bytes: opt_u64(r.get(12)?),
        cache: r.get(13)?,
        has_plan: r.get(14)?,
    })
}

/// `synchronous=NORMAL` while it lives; `FULL` again when dropped.
struct Relaxed<'a>(&'a rusqlite::Connection);

impl<'a> Relaxed<'a> {
    fn new(conn: &'a rusqlite::Connection) -> Result<Relaxed<'a>> {
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(Relaxed(conn))
    }
}

impl Drop for Relaxed<'_> {
    fn drop(&mut self) {
        let _ = self.0.pragma_update(None, "synchronous", "FULL");
    }
}

impl Catalog {
    /// Records a finished, failed or cancelled query, in the query log and in the audit chain
    /// (what was asked, and how it ended).
    pub fn log_query(&self, q: &QueryRecord<'_>) -> Result<()> {
        let ts = now_rfc3339();
        // A log entry is not worth a disk flush per query (it was most of what logging cost):
        // it is committed without one, atomically still (WAL), and a power cut may lose the
        // last few. Data commits keep `synchronous=FULL`, set back when this returns.
        let _relaxed = Relaxed::new(&self.conn)?;
        let tx = self.conn.unchecked_transaction()?;
        let scan = q.scan.as_ref();
        let datasets = scan.map(|s| serde_json::to_string(&s.datasets).unwrap_or_default());
        tx.execute(
            "INSERT INTO query_log (ts, sql, status, error_code, duration_ms, rows, datasets,
               files_scanned, files_pruned, bytes_scanned, row_groups_pruned, peak_bytes, cache,
               row_groups_read)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                ts,
                q.sql,
                q.status,
                q.error_code,
                q.duration_ms,
                q.rows.map(|r| r as i64),
                datasets,
                scan.map(|s| s.files_scanned as i64),
                scan.map(|s| s.files_pruned as i64),
                scan.map(|s| s.bytes_scanned as i64),
                scan.and_then(|s| s.row_groups_pruned).map(|n| n as i64),
                q.peak_bytes.map(|b| b as i64),
                q.cache,
                scan.and_then(|s| s.row_groups_read).map(|n| n as i64),
            ],
        )?;
        let details = serde_json::json!({"sql": q.sql, "status": q.status, "error": q.error_code,
            "rows": q.rows, "ms": (q.duration_ms * 10.0).round() / 10.0});
        audit::append(&tx, &ts, "query", None, None, &details.to_string())?;
        tx.commit()?;
        self.maybe_compact_queries()
    }

    /// Records an EXPLAIN ANALYZE of `sql` with its plan (JSON).
    pub fn log_plan(
        &self,
        sql: &str,
        duration_ms: f64,
        rows: Option<u64>,
        plan: &str,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO query_log (ts, sql, status, error_code, duration_ms, rows, plan)
             VALUES (?1, ?2, 'ok', NULL, ?3, ?4, ?5)",
            params![
                now_rfc3339(),
                sql,
                duration_ms,
                rows.map(|r| r as i64),
                plan
            ],
        )?;
        // The plans of the runs before the last PLANS_KEPT are dropped (the runs stay).
        self.conn.execute(
            "UPDATE query_log SET plan = NULL WHERE sql = ?1 AND plan IS NOT NULL AND id NOT IN
               (SELECT id FROM query_log WHERE sql = ?1 AND plan IS NOT NULL
                ORDER BY id DESC LIMIT ?2)",
            params![sql, PLANS_KEPT],
        )?;
        Ok(())
    }

    /// The plans of the latest analyzed runs of `sql`, newest first: (when, plan JSON).
    pub fn plan_runs(&self, sql: &str, limit: u32) -> Result<Vec<(String, String)>> {
        let mut st = self.conn.prepare(
            "SELECT ts, plan FROM query_log WHERE sql = ?1 AND plan IS NOT NULL
             ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = st.query_map(params![sql, limit], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The most recent distinct queries, newest first (the editor's history).
    pub fn query_history(&self, limit: u32) -> Result<Vec<HistoryEntry>> {
        let mut st = self.conn.prepare(
            "SELECT ts, sql, status, error_code, duration_ms, rows FROM query_log
             WHERE id IN (SELECT max(id) FROM query_log GROUP BY sql)
             ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = st.query_map(params![limit], |r| {
            Ok(HistoryEntry {
                ts: r.get(0)?,
                sql: r.get(1)?,
                status: r.get(2)?,
                error_code: r.get(3)?,
                duration_ms: r.get::<_, Option<f64>>(4)?.unwrap_or(0.0),
                rows: opt_u64(r.get(5)?),
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Runs of queries that match `f`, newest (or slowest) first.
    pub fn query_runs(&self, f: &RunFilter) -> Result<Vec<QueryRun>> {
        if !self.has_metrics()? {
            return Ok(Vec::new());
        }
        let mut wh = vec!["1 = 1".to_string()];
        let mut args: Vec<Value> = Vec::new();
        let mut arg = |clause: &str, v: Value| {
            args.push(v);
            wh.push(clause.replace('?', &format!("?{}", args.len())));
        };
        if !f.text.is_empty() {
            arg(
                "instr(lower(sql), lower(?)) > 0",
                Value::Text(f.text.clone()),
            );
        }
        if !f.dataset.is_empty() {
            // The list is JSON: look for the quoted name, so `trips` does not match `trips2`.
            let quoted = serde_json::to_string(&f.dataset).unwrap_or_default();
            arg("instr(datasets, ?) > 0", Value::Text(quoted));
        }
        if !f.status.is_empty() {
            arg("status = ?", Value::Text(f.status.clone()));
        }
        if f.min_ms > 0.0 {
            arg("duration_ms >= ?", Value::Real(f.min_ms));
        }
        if !f.since.is_empty() {
            arg("ts >= ?", Value::Text(f.since.clone()));
        }
        let order = if f.slowest { SLOWEST_FIRST } else { "id DESC" };
        let limit = if f.limit == 0 { 100 } else { f.limit };
        self.runs_where(
            &format!("{} ORDER BY {order} LIMIT {limit}", wh.join(" AND ")),
            args,
        )
    }

    /// The runs matching `cond` (what follows `WHERE`, ordering included).
    fn runs_where(&self, cond: &str, args: Vec<Value>) -> Result<Vec<QueryRun>> {
        let sql = format!(
            "SELECT {RUN_COLUMNS}{} FROM query_log WHERE {cond}",
            self.row_groups_read_column()?
        );
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map(params_from_iter(args), run_from_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The runs `ids` (those still logged), slowest first as [`Self::query_runs`] orders them.
    pub fn query_runs_by_id(&self, ids: &[i64]) -> Result<Vec<QueryRun>> {
        if ids.is_empty() || !self.has_metrics()? {
            return Ok(Vec::new());
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        self.runs_where(
            &format!("id IN ({list}) ORDER BY {SLOWEST_FIRST}"),
            Vec::new(),
        )
    }

    /// The analyzed plan (JSON) kept with run `id`, if any.
    pub fn run_plan(&self, id: i64) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT plan FROM query_log WHERE id = ?1", [id], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?
            .flatten())
    }
}

/// How a query ended, as the metrics count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It answered.
    Ok,
    /// It failed.
    Error,
    /// It was cancelled (or timed out).
    Cancelled,
}

/// One query as the metrics count it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryPoint {
    /// Its entry in the log.
    pub id: i64,
    /// When (milliseconds since 1970, UTC).
    pub t: f64,
    /// Wall time.
    pub ms: f64,
    /// How it ended.
    pub ended: Ended,
    /// Rows returned.
    pub rows: u64,
    /// Files read and skipped, and bytes read (0 when unknown).
    pub files_scanned: u64,
    /// Files skipped.
    pub files_pruned: u64,
    /// Bytes read.
    pub bytes_scanned: u64,
    /// Row groups decoded and skipped by their statistics (0 when unknown).
    pub row_groups_read: u64,
    /// Row groups skipped.
    pub row_groups_pruned: u64,
    /// Whether the result cache answered it (`Some(true)`), or ran it and kept the answer.
    pub cache_hit: Option<bool>,
}

impl Catalog {
    /// `row_groups_read`, or `NULL` in a catalog opened read-only from before that column.
    fn row_groups_read_column(&self) -> Result<&'static str> {
        let has: i64 = self.conn.query_row(
            "SELECT count(*) FROM pragma_table_info('query_log') WHERE name = 'row_groups_read'",
            [],
            |r| r.get(0),
        )?;
        Ok(if has > 0 { "row_groups_read" } else { "NULL" })
    }

    /// Every query at or after `since` (RFC 3339), oldest first. Read from the index that
    /// holds these columns (`query_log_points`), never from the rows.
    pub fn query_points(&self, since: &str) -> Result<Vec<QueryPoint>> {
        self.points_where("ts >= ?1 ORDER BY ts", params![since])
    }

    /// The queries at or after `since` logged after the entry `after` (by id), in the order
    /// they were logged: what a kept list of points lacks.
    pub fn query_points_after(&self, since: &str, after: i64) -> Result<Vec<QueryPoint>> {
        self.points_where("id > ?2 AND ts >= ?1 ORDER BY id", params![since, after])
    }

    /// How many queries at or after `since` are logged up to the entry `upto`: fewer than a
    /// kept list of them holds when old detail was folded since (or any entry removed).
    pub fn query_points_upto(&self, since: &str, upto: i64) -> Result<u64> {
        if !self.has_metrics()? {
            return Ok(0);
        }
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM query_log WHERE ts >= ?1 AND id <= ?2",
            params![since, upto],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// How many entries have left the query log since the catalog began counting them (None
    /// in a catalog from before the count, opened read-only).
    pub fn query_log_forgotten(&self) -> Result<Option<u64>> {
        // The table and the trigger that keeps it, both.
        let kept: i64 = self.conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE (type = 'table' AND name = 'log_forgotten')
               OR (type = 'trigger' AND name = 'query_log_forgotten')",
            [],
            |r| r.get(0),
        )?;
        if kept < 2 {
            return Ok(None);
        }
        let n: Option<i64> = self
            .conn
            .query_row(
                "SELECT entries FROM log_forgotten WHERE log = 'query_log'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(n.map(|n| n.max(0) as u64))
    }

    /// One read snapshot of the catalog while it lives: what a report reads in several
    /// statements is of one moment, whatever another process writes meanwhile.
    pub fn read_snapshot(&self) -> Result<rusqlite::Transaction<'_>> {
        Ok(self.conn.unchecked_transaction()?)
    }

    fn points_where(&self, cond: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<QueryPoint>> {
        if !self.has_metrics()? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(&format!(
            "SELECT ts, duration_ms, status, rows, files_scanned, files_pruned, bytes_scanned,
                    cache, {}, row_groups_pruned, id
             FROM query_log WHERE {cond}",
            self.row_groups_read_column()?
        ))?;
        let count = |r: &rusqlite::Row<'_>, i| -> rusqlite::Result<u64> {
            Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0).max(0) as u64)
        };
        let rows = st.query_map(args, |r| {
            let ts = r.get_ref(0)?.as_str()?;
            let status = r.get_ref(2)?.as_str_or_null()?;
            let cache = r.get_ref(7)?.as_str_or_null()?;
            Ok(QueryPoint {
                id: r.get(10)?,
                t: super::metrics::ts_ms(ts),
                ms: r.get::<_, Option<f64>>(1)?.unwrap_or(0.0),
                ended: match status {
                    Some("ok") => Ended::Ok,
                    Some("cancelled") => Ended::Cancelled,
                    _ => Ended::Error,
                },
                rows: count(r, 3)?,
                files_scanned: count(r, 4)?,
                files_pruned: count(r, 5)?,
                bytes_scanned: count(r, 6)?,
                row_groups_read: count(r, 8)?,
                row_groups_pruned: count(r, 9)?,
                cache_hit: match cache {
                    Some("hit") => Some(true),
                    Some("miss") => Some(false),
                    _ => None,
                },
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}
