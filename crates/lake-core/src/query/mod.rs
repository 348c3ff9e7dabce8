//! Queries: the guard, binding against the catalog, file pruning from column statistics,
//! execution on Polars' lazy engine with cancellation and timeouts, and EXPLAIN [ANALYZE].

pub mod arrow_ipc;
pub mod bind;
pub mod guard;
pub mod output;
pub mod plan;
pub mod results;
pub mod rewrite;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use polars::prelude::*;
use polars::sql::SQLContext;
use serde_json::Value;

use crate::catalog::{ColumnStats, DatasetVersion, FileEntry};
use crate::error::{LakeError, Result};
use crate::ingest::CancelToken;
use crate::Lake;
use bind::SimplePredicate;

pub use plan::{PlanNode, QueryPlan};

/// Which Polars engine runs a query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QueryEngine {
    /// The in-memory engine: cancel stops the computation itself, so the next query runs at
    /// once. The default, and the right one for long-lived processes such as the desktop app.
    #[default]
    InMemory,
    /// Polars' streaming engine: much faster on some plans (25× on a filtered top-k over 10 M
    /// rows, bench/bench.py), but it cannot be interrupted: on cancel the caller gets control
    /// back at once while the computation goes on in the background and holds Polars' threads
    /// (a cancelled cross join delayed the next query by 75 s in the test below). Only for
    /// processes that exit after a cancel, like the CLI.
    Streaming,
}

/// How to run a query.
#[derive(Debug, Clone, Default)]
pub struct QueryOptions {
    /// Give up after this long.
    pub timeout: Option<Duration>,
    /// Stop when this is cancelled.
    pub cancel: Option<CancelToken>,
    /// The engine.
    pub engine: QueryEngine,
}

impl QueryOptions {
    fn stop_reason(&self, start: Instant) -> Option<LakeError> {
        let timed_out = self.timeout.is_some_and(|t| start.elapsed() >= t);
        let cancelled = self.cancel.as_ref().is_some_and(|c| c.is_cancelled());
        (timed_out || cancelled).then(|| {
            LakeError::Cancelled(if timed_out {
                format!(
                    "query stopped after the {:.1} s timeout; the lake is unchanged",
                    self.timeout.unwrap_or_default().as_secs_f64()
                )
            } else {
                "query cancelled; the lake is unchanged".into()
            })
        })
    }
}

fn engine_error(e: PolarsError) -> LakeError {
    let msg = e.to_string();
    let first = msg.lines().next().unwrap_or("");
    // A scalar subquery (`x > (SELECT …)`) is run by Polars as an `item` aggregation.
    if let Some(n) = first
        .strip_prefix("aggregation 'item' expected no or a single value, got ")
        .and_then(|r| r.strip_suffix(" values"))
    {
        return LakeError::QueryFailed(format!(
            "a scalar subquery returned {n} rows; it must return at most one \
             (add a WHERE, an aggregate such as max(), or LIMIT 1)"
        ));
    }
    LakeError::QueryFailed(first.to_string())
}

/// A query's result.
pub struct QueryOutput {
    /// The rows.
    pub frame: DataFrame,
    /// The plan, for EXPLAIN statements.
    pub plan: Option<QueryPlan>,
    /// Wall time.
    pub elapsed: Duration,
}

/// Files of a dataset kept for a query after pruning.
#[derive(Debug, Clone)]
pub struct ScanChoice {
    /// Dataset name.
    pub dataset: String,
    /// Files kept.
    pub kept: Vec<FileEntry>,
    /// Files in the version.
    pub total: usize,
    /// For EXPLAIN, of the kept files' row groups: how many their statistics rule out, and how
    /// many there are.
    pub row_groups: Option<(usize, usize)>,
}

/// A query ready to run: the lazy frame plus what binding and pruning decided.
pub struct Prepared {
    /// The lazy query.
    pub frame: LazyFrame,
    /// Per dataset, the files kept.
    pub scans: Vec<ScanChoice>,
    /// Was this an EXPLAIN (Some(analyze))?
    pub explain: Option<bool>,
    /// The SQL rewrites that changed the query ([`rewrite`]).
    pub rules: Vec<String>,
}

fn cmp_json(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Converts a literal to the representation the statistics use for `dtype`: numbers for
/// numeric columns, days for dates, microseconds for timestamps, text for text.
fn literal_for(dtype: &str, v: &Value) -> Option<Value> {
    let numeric = dtype.starts_with('i') || dtype.starts_with('u') || dtype.starts_with('f');
    match v {
        Value::Number(_) if numeric => Some(v.clone()),
        Value::String(s) if dtype == "str" => Some(Value::String(s.clone())),
        Value::String(s) if dtype == "date" => {
            crate::ingest::table::parse_date_days(s).map(Into::into)
        }
        Value::String(s) if dtype.starts_with("datetime") => {
            crate::ingest::table::parse_datetime_us(s)
                .or_else(|| {
                    crate::ingest::table::parse_date_days(s).map(|d| d as i64 * 86_400_000_000)
                })
                .map(Into::into)
        }
        _ => None,
    }
}

/// Whether a file may hold rows matching every predicate, judging by its statistics.
pub fn file_may_match(file: &FileEntry, preds: &[SimplePredicate]) -> bool {
    stats_may_match(file.rows, &file.stats, preds)
}

/// Whether `rows` rows with these column statistics (a file's, or a row group's) may hold rows
/// matching every predicate.
fn stats_may_match(rows: u64, stats: &[ColumnStats], preds: &[SimplePredicate]) -> bool {
    preds.iter().all(|p| {
        let Some(st) = stats
            .iter()
            .find(|s| s.column.eq_ignore_ascii_case(&p.column))
        else {
            return true;
        };
        if rows > 0 && st.null_count == rows {
            return false; // comparisons with NULL are never true
        }
        let Some(v) = literal_for(&st.dtype, &p.value) else {
            return true;
        };
        let (Some(min), Some(max)) = (&st.min, &st.max) else {
            return true;
        };
        let ge_min = |strict: bool| match cmp_json(max, &v) {
            Some(o) => {
                if strict {
                    o.is_gt()
                } else {
                    o.is_ge()
                }
            }
            None => true,
        };
        let le_max = |strict: bool| match cmp_json(min, &v) {
            Some(o) => {
                if strict {
                    o.is_lt()
                } else {
                    o.is_le()
                }
            }
            None => true,
        };
        match p.op {
            ">" => ge_min(true),
            ">=" => ge_min(false),
            "<" => le_max(true),
            "<=" => le_max(false),
            "=" => ge_min(false) && le_max(false),
            _ => true,
        }
    })
}

/// For EXPLAIN: how many row groups of the kept files the statistics in their Parquet footers
/// rule out for every use of the dataset, and how many there are, as `(pruned, total)`. Polars'
/// reader skips those row groups itself (and may skip more: it judges the whole predicate);
/// this counts what the same comparisons as file pruning conclude. `None` when a footer cannot
/// be read.
fn row_group_pruning(
    lake: &Lake,
    files: &[FileEntry],
    uses: &[&Vec<SimplePredicate>],
) -> Option<(usize, usize)> {
    let judged = |c: &&ColumnStats| {
        uses.iter()
            .any(|p| p.iter().any(|p| p.column.eq_ignore_ascii_case(&c.column)))
    };
    let (mut pruned, mut total) = (0, 0);
    for f in files {
        // The columns the conditions name, as the catalog has them (name and type).
        let columns: Vec<&ColumnStats> = f.stats.iter().filter(judged).collect();
        let file = std::fs::File::open(lake.data_file(&f.path).ok()?).ok()?;
        let mut reader = ParquetReader::new(file);
        let meta = reader.get_metadata().ok()?.clone();
        for rg in &meta.row_groups {
            total += 1;
            let stats: Vec<ColumnStats> = columns
                .iter()
                .filter_map(|c| {
                    let mut chunks = rg.columns_under_root_iter(&c.column)?;
                    let chunk = chunks.next().filter(|_| chunks.len() == 0)?;
                    let st = chunk.statistics(&meta.footer_buf)?.ok()?;
                    row_group_stat(c, &st)
                })
                .collect();
            let rows = rg.num_rows() as u64;
            if !uses.iter().any(|p| stats_may_match(rows, &stats, p)) {
                pruned += 1;
            }
        }
    }
    Some((pruned, total))
}

/// A column chunk's Parquet statistics in the representation of the catalog's (`like`, the
/// file's): numbers for numeric columns, days for dates, microseconds for timestamps, text for
/// text. `None` where the physical values do not compare like the column's (unsigned integers
/// stored as signed, other time units, decimals).
fn row_group_stat(
    like: &ColumnStats,
    st: &polars_parquet::parquet::statistics::Statistics,
) -> Option<ColumnStats> {
    use polars_parquet::parquet::statistics::Statistics as S;
    let dtype = like.dtype.as_str();
    let signed = dtype.starts_with('i')
        || dtype == "date"
        || (dtype.starts_with("datetime") && dtype.contains("μs"));
    let float = |v: f64| serde_json::Number::from_f64(v).map(Value::Number);
    let (nulls, min, max) = match st {
        S::Int32(p) if signed => (
            p.null_count,
            p.min_value.map(Value::from),
            p.max_value.map(Value::from),
        ),
        S::Int64(p) if signed => (
            p.null_count,
            p.min_value.map(Value::from),
            p.max_value.map(Value::from),
        ),
        S::Float(p) if dtype.starts_with('f') => (
            p.null_count,
            p.min_value.and_then(|v| float(v as f64)),
            p.max_value.and_then(|v| float(v as f64)),
        ),
        S::Double(p) if dtype.starts_with('f') => (
            p.null_count,
            p.min_value.and_then(float),
            p.max_value.and_then(float),
        ),
        S::Binary(p) if dtype == "str" => {
            let text = |v: &Option<Vec<u8>>| {
                let text = std::str::from_utf8(v.as_deref()?).ok()?;
                Some(Value::String(text.to_owned()))
            };
            (p.null_count, text(&p.min_value), text(&p.max_value))
        }
        _ => return None,
    };
    Some(ColumnStats {
        column: like.column.clone(),
        dtype: like.dtype.clone(),
        null_count: nulls.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
        min,
        max,
    })
}

fn scan_frame(lake: &Lake, ds: &DatasetVersion, files: &[FileEntry]) -> Result<LazyFrame> {
    if files.is_empty() {
        // Every file was pruned: no rows, but the columns must still bind.
        return Ok(DataFrame::empty_with_schema(&version_schema(lake, ds)?).lazy());
    }
    // Checked to resolve inside the lake, and absolute, so never read as a URL or `~`.
    let paths: Vec<PlRefPath> = files
        .iter()
        .map(|f| {
            Ok(PlRefPath::new(
                lake.data_file(&f.path)?.to_string_lossy().as_ref(),
            ))
        })
        .collect::<Result<_>>()?;
    let args = ScanArgsParquet {
        cache: false,
        // A lake folder named `a[1]` or `*` must not read other folders' files.
        glob: false,
        // Partition folders (`year=2024/`) are for other engines; the columns are in the files.
        hive_options: HiveOptions::new_disabled(),
        ..Default::default()
    };
    LazyFrame::scan_parquet_sources(ScanSources::Paths(paths.into_iter().collect()), args)
        .map_err(|e| LakeError::QueryFailed(format!("opening the files of {}: {e}", ds.name)))
}

fn version_schema(lake: &Lake, ds: &DatasetVersion) -> Result<Schema> {
    // The schema as Polars reads it from a file's footer (types are exact there).
    if let Some(f) = ds.files.first() {
        let file = std::fs::File::open(lake.data_file(&f.path)?)
            .map_err(|e| LakeError::io(format!("opening {}", f.path), e))?;
        let arrow = ParquetReader::new(file).schema().map_err(|e| {
            LakeError::QueryFailed(format!("reading the schema of {}: {e}", ds.name))
        })?;
        return Ok(Schema::from_arrow_schema(arrow.as_ref()));
    }
    Ok(Schema::default())
}

/// Guards, binds and plans `sql` without running it.
pub fn prepare(lake: &Lake, sql: &str) -> Result<Prepared> {
    prepare_with(lake, sql, false)
}

/// [`prepare`]; `for_explain` (or an `EXPLAIN` in `sql`) also counts the row groups that
/// statistics rule out, for the plan.
fn prepare_with(lake: &Lake, sql: &str, for_explain: bool) -> Result<Prepared> {
    let guarded = guard::guard(sql)?;
    let for_explain = for_explain || guarded.explain.is_some();
    let original = guarded.statement.clone();
    let query_stmt = match guarded.statement {
        sqlparser::ast::Statement::Explain { statement, .. } => *statement,
        s => s,
    };
    let known: HashSet<String> = lake.catalog().dataset_names()?.into_iter().collect();
    let mut bound = bind::bind(query_stmt, &known)?;
    // Each dataset's current version, read from the catalog once.
    let mut versions: HashMap<String, DatasetVersion> = HashMap::new();
    for name in &bound.datasets {
        let ds = lake.catalog().dataset(name)?.ok_or_else(|| {
            LakeError::Internal(format!("dataset {name} vanished while planning"))
        })?;
        versions.insert(name.clone(), ds);
    }
    bind::float_quotients(&mut bound.statement);
    let preds = bind::pruning_predicates(&bound.statement);
    let stats: rewrite::Stats = versions
        .iter()
        .map(|(name, ds)| (name.clone(), table_stats(ds)))
        .collect();
    let rules = rewrite::rewrite(&mut bound.statement, &stats);
    let mut ctx = SQLContext::new();
    let mut scans = Vec::new();
    let mut columns: HashMap<String, Vec<String>> = HashMap::new();
    for name in &bound.datasets {
        let ds = &versions[name];
        columns.insert(
            name.clone(),
            ds.schema.iter().map(|c| c.name.clone()).collect(),
        );
        // Keep a file if any use of the dataset may need it.
        let uses: Vec<&Vec<SimplePredicate>> = preds
            .iter()
            .filter(|(d, _)| d == name)
            .map(|(_, p)| p)
            .collect();
        let kept: Vec<FileEntry> = ds
            .files
            .iter()
            .filter(|f| uses.is_empty() || uses.iter().any(|p| file_may_match(f, p)))
            .cloned()
            .collect();
        let lf = scan_frame(lake, ds, &kept)?;
        ctx.register(name, lf);
        // Only an EXPLAIN reads the footers; a query leaves row groups to Polars' reader. A use
        // without conditions needs every row group.
        let row_groups = if for_explain && !uses.is_empty() && uses.iter().all(|p| !p.is_empty()) {
            row_group_pruning(lake, &kept, &uses)
        } else {
            None
        };
        scans.push(ScanChoice {
            dataset: name.clone(),
            kept,
            total: ds.files.len(),
            row_groups,
        });
    }
    let rewritten = bound.statement.to_string();
    // Polars parses this text again: it must be exactly the statement checked and rewritten.
    guard::recheck_for_engine(&rewritten, &bound.statement)?;
    if std::env::var_os("LAKE_SHOW_SQL").is_some() {
        // For people debugging a plan: the SQL Polars is given, after the rewrites.
        eprintln!("-- rewritten SQL:\n{rewritten}");
    }
    let mut frame = ctx
        .execute(&rewritten)
        .map_err(|e| polars_query_error(e, &original, &columns))?;
    frame
        .collect_schema()
        .map_err(|e| polars_query_error(e, &original, &columns))?;
    Ok(Prepared {
        frame,
        scans,
        explain: guarded.explain,
        rules,
    })
}

/// What the SQL rewrites know of a dataset: its columns, rows and, for integer columns, the
/// distinct values the statistics allow (at most the rows, at most max - min + 1).
fn table_stats(ds: &DatasetVersion) -> rewrite::TableStats {
    let rows: u64 = ds.files.iter().map(|f| f.rows).sum();
    let mut distinct = HashMap::new();
    // Integer columns only: a range says little about the distinct values of text or floats.
    for c in ds
        .schema
        .iter()
        .filter(|c| c.dtype.starts_with('i') || c.dtype.starts_with('u') || c.dtype == "date")
    {
        let name = c.name.to_lowercase();
        let range = ds
            .files
            .iter()
            .try_fold((i64::MAX, i64::MIN), |(lo, hi), f| {
                let st = f.stats.iter().find(|s| s.column == c.name)?;
                let (min, max) = (st.min.as_ref()?.as_i64()?, st.max.as_ref()?.as_i64()?);
                Some((lo.min(min), hi.max(max)))
            });
        let span = range
            .filter(|(lo, hi)| lo <= hi)
            .map(|(lo, hi)| (hi as i128 - lo as i128 + 1).min(u64::MAX as i128) as u64);
        if let Some(span) = span {
            distinct.insert(name, span.min(rows).max(1));
        }
    }
    rewrite::TableStats {
        columns: ds.schema.iter().map(|c| c.name.to_lowercase()).collect(),
        rows,
        distinct,
    }
}

fn polars_query_error(
    e: PolarsError,
    original: &sqlparser::ast::Statement,
    columns: &HashMap<String, Vec<String>>,
) -> LakeError {
    let text = e.to_string();
    if let Some(err) = (text.contains("unable to find column")
        || matches!(e, PolarsError::ColumnNotFound(_)))
    .then(|| bind::unknown_column(&text, original, columns))
    .flatten()
    {
        return err;
    }
    let first = text.lines().next().unwrap_or(&text).to_string();
    if matches!(e, PolarsError::SQLSyntax(_)) && first.contains("not supported") {
        return LakeError::Unsupported(tidy_unsupported(&first));
    }
    if matches!(e, PolarsError::SQLSyntax(_)) {
        return LakeError::Parse {
            message: first,
            position: None,
        };
    }
    if first.contains("not supported")
        || first.contains("not currently supported")
        || first.contains("unsupported")
        || first.contains("not yet supported")
    {
        return LakeError::Unsupported(tidy_unsupported(&first));
    }
    LakeError::QueryFailed(cap(&first))
}

/// Polars names an unsupported SQL expression by dumping its syntax tree; say it in words.
fn tidy_unsupported(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("expression ") {
        let variant: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let what = match variant.as_str() {
            "Exists" => "EXISTS subqueries",
            "GroupingSets" => "GROUPING SETS",
            "Rollup" => "ROLLUP",
            "Cube" => "CUBE",
            "Subquery" => "scalar subqueries in this position",
            "InSubquery" => "IN (subquery) in this position",
            "Interval" => "this INTERVAL form",
            "" => "this expression",
            other => return format!("the SQL construct `{other}` is not supported yet"),
        };
        return format!(
            "{what} are not supported yet; rewrite the query (for example with a JOIN)"
        );
    }
    // "EXISTS subquery is not currently supported in this position: Query { with: None, … }"
    if let Some(i) = msg.find(": ").filter(|&i| {
        let rest = &msg[i + 2..];
        let word: String = rest
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        word.starts_with(|c: char| c.is_ascii_uppercase())
            && rest[word.len()..].trim_start().starts_with(['(', '{'])
    }) {
        return format!("{}; rewrite the query (for example with a JOIN)", &msg[..i]);
    }
    cap(msg)
}

fn cap(msg: &str) -> String {
    if msg.chars().count() <= 300 {
        return msg.to_string();
    }
    let mut s: String = msg.chars().take(300).collect();
    s.push('…');
    s
}

/// Sets the engine's defaults for a lake, whose files are all on a local disk. Call it first
/// thing in `main`, before any thread starts (it sets environment variables, which Polars reads).
///
/// Polars' streaming Parquet reader decodes up to 512 row groups ahead, a depth meant to hide the
/// latency of object stores; on a local disk it only holds memory. Two per pipeline (one being
/// decoded, one waiting) kept TPC-H SF1 as fast (geomean 0.97× the time) and lowered peak memory
/// by up to a fifth (Q1: 430 MB to 340 MB); one per pipeline was 1.4× slower. A value the user
/// set wins.
///
/// On Linux it also turns transparent huge pages off for the process (`PR_SET_THP_DISABLE`,
/// which mimalloc applies itself when `MIMALLOC_ALLOW_THP=0`; a value of that variable the user
/// set wins). mimalloc asks for huge pages on its segments, so every first touch of a 2 MiB
/// region made the kernel zero (and, with fragmented memory, compact) a whole huge page: 38% of
/// a slow TPC-H Q16 run was that zeroing, and queries took twice their usual time at random.
/// Without them, peak memory on TPC-H SF1 fell by a fifth to a half (Q6 129 to 93 MiB, Q3 187
/// to 107 MiB, Q21 397 to 288 MiB) for 0.96-1.0x the geomean time.
pub fn tune_engine_for_local_files() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: prctl with this option only sets a flag of the calling process.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
    const PREFETCH: &str = "POLARS_ROW_GROUP_PREFETCH_SIZE";
    if std::env::var_os(PREFETCH).is_none() {
        let threads = std::env::var("POLARS_MAX_THREADS")
            .ok()
            .and_then(|t| t.parse::<usize>().ok())
            .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
            .unwrap_or(1);
        std::env::set_var(PREFETCH, (2 * threads).max(4).to_string());
    }
}

/// The name of the thread that runs the streaming engine (a panic hook can keep quiet about it:
/// such a panic is caught and the query is run again in memory).
pub const STREAMING_THREAD: &str = "lake-streaming-query";

/// Keeps the panic hook from printing the engine's abort unwinding, which is how Polars stops
/// a cancelled query (and is caught): such a panic is not a crash. Other panics print as before.
pub fn quiet_engine_abort_panics() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let text = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
        if text.is_some_and(|t| t.starts_with("__POLARS_ABORT_")) {
            return;
        }
        default_hook(info)
    }));
}

/// What Polars says when a query was stopped by a cancel (its own or another query's).
const INTERRUPTED: &str = "query interrupted";

/// Collects a lazy frame on Polars' pool while watching the cancel token and the deadline.
pub fn collect_cancellable(frame: LazyFrame, opts: &QueryOptions) -> Result<DataFrame> {
    let start = Instant::now();
    match opts.engine {
        // A cancel stops the engine everywhere through Polars' process-wide abort flag (see
        // vendor/polars/VENDORED.md), so queries of other tabs running at that moment end with
        // "query interrupted" too. Those are run again here; only the cancelled one stops.
        QueryEngine::InMemory => loop {
            let handle = frame.clone().collect_concurrently().map_err(engine_error)?;
            let result = loop {
                if let Some(r) = handle.fetch() {
                    break r;
                }
                if let Some(stop) = opts.stop_reason(start) {
                    handle.cancel();
                    return Err(stop);
                }
                std::thread::sleep(Duration::from_millis(5));
            };
            match result {
                Err(e) if e.to_string().contains(INTERRUPTED) => {
                    if let Some(stop) = opts.stop_reason(start) {
                        return Err(stop);
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                r => return r.map_err(engine_error),
            }
        },
        QueryEngine::Streaming => {
            let (tx, rx) = std::sync::mpsc::channel();
            let fallback = frame.clone();
            let spawned = std::thread::Builder::new()
                .name(STREAMING_THREAD.into())
                .spawn(move || {
                    // A plain query (no multi-sink) always yields a single frame.
                    let result =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                            frame
                                .collect_with_engine(Engine::Streaming)
                                .map(|r| r.unwrap_single())
                        }));
                    let _ = tx.send(result);
                });
            if spawned.is_err() {
                return Err(LakeError::Internal("could not start a query thread".into()));
            }
            loop {
                match rx.recv_timeout(Duration::from_millis(5)) {
                    Ok(Ok(r)) => return r.map_err(engine_error),
                    // Polars' streaming engine still has gaps where it panics (count(*) over
                    // UNION ALL, for one); the in-memory engine answers those.
                    Ok(Err(_panic)) => {
                        let rest = QueryOptions {
                            timeout: opts.timeout.map(|t| t.saturating_sub(start.elapsed())),
                            cancel: opts.cancel.clone(),
                            engine: QueryEngine::InMemory,
                        };
                        return collect_cancellable(fallback, &rest);
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                        return Err(LakeError::Internal(
                            "the query thread stopped without a result".into(),
                        ))
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                }
                if let Some(stop) = opts.stop_reason(start) {
                    return Err(stop);
                }
            }
        }
    }
}

/// Runs `sql` (a query or an EXPLAIN) and logs it in the catalog.
pub fn run_query(lake: &Lake, sql: &str, opts: &QueryOptions) -> Result<QueryOutput> {
    let start = Instant::now();
    let result = run_inner(lake, sql, opts, start);
    let ms = start.elapsed().as_secs_f64() * 1e3;
    let _ = match &result {
        Ok(out) => lake
            .catalog()
            .log_query(sql, "ok", None, ms, Some(out.frame.height() as u64)),
        Err(e) => lake
            .catalog()
            .log_query(sql, "error", Some(e.code()), ms, None),
    };
    result
}

fn run_inner(lake: &Lake, sql: &str, opts: &QueryOptions, start: Instant) -> Result<QueryOutput> {
    let prepared = prepare(lake, sql)?;
    if let Some(analyze) = prepared.explain {
        let plan = plan::explain(prepared, analyze, opts)?;
        let text = plan.to_text();
        let frame = DataFrame::new(
            text.lines().count(),
            vec![Column::new("plan".into(), text.lines().collect::<Vec<_>>())],
        )
        .map_err(|e| LakeError::Internal(e.to_string()))?;
        return Ok(QueryOutput {
            frame,
            plan: Some(plan),
            elapsed: start.elapsed(),
        });
    }
    let frame = collect_cancellable(prepared.frame, opts)?;
    Ok(QueryOutput {
        frame,
        plan: None,
        elapsed: start.elapsed(),
    })
}

/// EXPLAIN [ANALYZE] of a query, given with or without the EXPLAIN keyword.
pub fn explain_query(
    lake: &Lake,
    sql: &str,
    analyze: bool,
    opts: &QueryOptions,
) -> Result<QueryPlan> {
    let mut prepared = prepare_with(lake, sql, true)?;
    // `sql` may itself be `EXPLAIN [ANALYZE] ...`: the guard already parsed that.
    let analyze = analyze || prepared.explain == Some(true);
    prepared.explain = Some(analyze);
    plan::explain(prepared, analyze, opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{import_paths, ImportOptions, NoProgress};

    fn lake_with_numbers() -> (tempfile::TempDir, Lake) {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("n.csv");
        let mut text = String::from("a\n");
        for i in 0..3000 {
            text.push_str(&format!("{i}\n"));
        }
        std::fs::write(&csv, text).unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        let r = import_paths(
            &lake,
            &[csv],
            &ImportOptions::default(),
            &NoProgress,
            &CancelToken::new(),
        )
        .unwrap();
        assert_eq!(r.datasets[0].rows, 3000);
        (dir, lake)
    }

    #[test]
    fn a_scalar_subquery_with_many_rows_says_so() {
        let (_dir, lake) = lake_with_numbers();
        let err = run_query(
            &lake,
            "SELECT a FROM n WHERE a > (SELECT a FROM n WHERE a < 3)",
            &QueryOptions::default(),
        )
        .err()
        .expect("three rows cannot be one value");
        assert_eq!(err.code(), "query_failed");
        assert!(
            err.to_string()
                .contains("a scalar subquery returned 3 rows; it must return at most one"),
            "{err}"
        );
        // No rows is no value (NULL): the comparison holds for no row.
        let none = run_query(
            &lake,
            "SELECT a FROM n WHERE a > (SELECT a FROM n WHERE a < 0)",
            &QueryOptions::default(),
        )
        .unwrap();
        assert_eq!(none.frame.height(), 0);
    }

    #[test]
    fn unsupported_messages_do_not_dump_syntax_trees() {
        assert_eq!(
            tidy_unsupported(
                "EXISTS subquery is not currently supported in this position: Query { with: None, body: Select(Select {"
            ),
            "EXISTS subquery is not currently supported in this position; rewrite the query (for example with a JOIN)"
        );
        assert_eq!(
            tidy_unsupported("function foo is not supported: use bar"),
            "function foo is not supported: use bar"
        );
    }

    #[test]
    fn cancelling_one_query_leaves_another_running_query_its_answer() {
        // A cancel stops Polars through its process-wide abort flag, so the other tab's query is
        // interrupted too and must be run again, invisibly, to the same answer.
        let (_dir, lake) = lake_with_numbers();
        let slow =
            "SELECT count(*) FROM n x CROSS JOIN n y CROSS JOIN n z WHERE x.a + y.a + z.a = -1";
        // 3000 x 3000 x 40 candidate triples; x + y + z = 100 has 101 - z solutions for each z.
        let other = "SELECT count(*) AS c FROM n x CROSS JOIN n y CROSS JOIN (SELECT a FROM n WHERE a < 40) z \
                     WHERE x.a + y.a + z.a = 100";
        let token = CancelToken::new();
        let cancel_opts = QueryOptions {
            cancel: Some(token.clone()),
            ..Default::default()
        };
        let (other_result, other_took) = std::thread::scope(|s| {
            let cancelled = s.spawn(|| run_query(&lake, slow, &cancel_opts));
            let t = Instant::now();
            let other = s.spawn(|| run_query(&lake, other, &QueryOptions::default()));
            std::thread::sleep(Duration::from_millis(300));
            token.cancel();
            assert_eq!(cancelled.join().unwrap().err().unwrap().code(), "cancelled");
            let r = other.join().unwrap();
            (r, t.elapsed())
        });
        let out = other_result.expect("the other query has its answer");
        assert!(
            other_took > Duration::from_millis(300),
            "the other query ended before the cancel ({other_took:?}), so this proves nothing"
        );
        assert_eq!(
            out.frame.column("c").unwrap().get(0).unwrap(),
            AnyValue::Int64((0..40).map(|z| 101 - z).sum())
        );
    }

    #[test]
    fn in_memory_cancel_stops_the_work_so_the_next_query_is_fast() {
        // (The streaming engine's prompt return is covered by the CLI timeout test; its
        // computation runs on, see QueryEngine, so only this engine can promise the next query.)
        let (_dir, lake) = lake_with_numbers();
        let slow =
            "SELECT count(*) FROM n x CROSS JOIN n y CROSS JOIN n z WHERE x.a + y.a + z.a = -1";
        let opts = QueryOptions {
            timeout: Some(Duration::from_millis(300)),
            ..Default::default()
        };
        assert_eq!(
            opts.engine,
            QueryEngine::InMemory,
            "the library default is cancellable"
        );
        let t = Instant::now();
        let err = run_query(&lake, slow, &opts).err().expect("cancelled");
        assert_eq!(err.code(), "cancelled");
        assert!(
            t.elapsed() < Duration::from_millis(800),
            "{:?}",
            t.elapsed()
        );
        let t = Instant::now();
        let out = run_query(&lake, "SELECT sum(a) AS s FROM n", &QueryOptions::default()).unwrap();
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "next query took {:?}",
            t.elapsed()
        );
        assert_eq!(
            out.frame.column("s").unwrap().get(0).unwrap(),
            AnyValue::Int64(4_498_500)
        );
        // A user's Cancel, 1.5 s in (as in the app's e2e; by then the engine is deep in the
        // join): the query returns within 0.5 s of it, and the next one runs at once.
        let token = CancelToken::new();
        let opts = QueryOptions {
            cancel: Some(token.clone()),
            ..Default::default()
        };
        let (cancelled_at, returned_at) = std::thread::scope(|s| {
            let h = s.spawn(|| {
                let r = run_query(&lake, slow, &opts);
                (r.err().map(|e| e.code()), Instant::now())
            });
            std::thread::sleep(Duration::from_millis(1500));
            let at = Instant::now();
            token.cancel();
            let (code, done) = h.join().unwrap();
            assert_eq!(code, Some("cancelled"));
            (at, done)
        });
        let latency = returned_at.saturating_duration_since(cancelled_at);
        assert!(latency < Duration::from_millis(500), "{latency:?}");
        let t = Instant::now();
        let out = run_query(
            &lake,
            "SELECT count(*) AS c FROM n",
            &QueryOptions::default(),
        )
        .unwrap();
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "the query after a cancel took {:?}",
            t.elapsed()
        );
        assert_eq!(out.frame.height(), 1);
        let token = CancelToken::new();
        token.cancel();
        let opts = QueryOptions {
            cancel: Some(token),
            engine: QueryEngine::InMemory,
            ..Default::default()
        };
        assert_eq!(
            run_query(&lake, slow, &opts).err().unwrap().code(),
            "cancelled"
        );
    }
}

#[cfg(test)]
mod engine_tests {
    use polars::sql::SQLContext;

    /// Whatever text reaches the engine, its SQL context has no function that reads a file
    /// (vendor/polars/VENDORED.md, change 5): the guard is not the only wall.
    #[test]
    fn the_engine_sql_context_reads_no_files() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("secret.csv");
        std::fs::write(&csv, "a\n1\n").unwrap();
        let p = csv.display();
        for f in [
            "read_csv",
            "read_parquet",
            "read_ipc",
            "read_json",
            "read_ndjson",
            "READ_CSV",
        ] {
            let sql = format!("SELECT * FROM {f}('{p}')");
            let err = SQLContext::new()
                .execute(&sql)
                .and_then(|lf| lf.collect())
                .err()
                .unwrap_or_else(|| panic!("{sql} ran"));
            assert!(err.to_string().contains("reads files"), "{sql}: {err}");
        }
        // Table functions that read nothing still work.
        let n = SQLContext::new()
            .execute("SELECT * FROM generate_series(1, 3)")
            .unwrap()
            .collect()
            .unwrap();
        assert_eq!(n.height(), 3);
    }
}
