//! Queries: the guard, binding against the catalog, file pruning from column statistics,
//! execution on Polars' lazy engine with cancellation and timeouts, and EXPLAIN [ANALYZE].

pub mod arrow_ipc;
pub mod bind;
pub mod cache;
mod cache_tests;
pub mod chart;
pub mod chart_svg;
pub mod column_lineage;
mod errors;
mod estimate;
mod estimate_tests;
mod execute;
mod expr;
pub mod gapfill;
pub mod geofence;
#[cfg(test)]
mod geofence_tests;
pub mod guard;
mod index_only;
mod index_only_tests;
mod logged;
pub use logged::run_query;
pub mod lttb;
pub mod mask;
pub mod output;
pub mod plan;
pub mod plan_diff;
pub mod plan_html;
mod plan_text;
mod prune;
mod range_window_tests;
pub mod results;
pub mod rewrite;
mod selectivity;
pub mod spatial;
pub mod spatial_join;
#[cfg(test)]
mod spatial_tests;
pub mod time_bucket;
mod time_bucket_tests;
pub mod time_travel;
pub mod track;
pub mod vector_search;
mod vector_search_tests;
mod vector_tests;
pub mod views;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use polars::prelude::*;
use polars::sql::SQLContext;

use crate::cancel::CancelToken;
use crate::catalog::{DatasetVersion, FileEntry};
use crate::error::{LakeError, Result};
use crate::Lake;
use bind::SimplePredicate;

use errors::{engine_error, no_panic, polars_query_error};
pub use execute::{
    collect_cancellable, quiet_engine_abort_panics, tune_engine_for_local_files, STREAMING_THREAD,
};
pub use plan::{PlanNode, QueryPlan};
pub use prune::file_may_match;
use prune::row_group_pruning;

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
    /// Run it even when the result cache holds its answer (to time the engine, as `lake query
    /// --repeat N --no-cache` does); the answer is still kept there.
    pub no_cache: bool,
    /// The process ends after this query (the CLI's `lake query`), so the result cache can
    /// neither answer it nor keep its answer for a later one: its key is not worked out.
    pub one_shot: bool,
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

/// A query's result.
pub struct QueryOutput {
    /// The rows.
    pub frame: DataFrame,
    /// The plan, for EXPLAIN statements.
    pub plan: Option<QueryPlan>,
    /// Wall time.
    pub elapsed: Duration,
    /// The dataset versions it read, for the lineage of an export made from it.
    pub inputs: Vec<crate::catalog::lineage::InputVersion>,
    /// Columns masked as personal data (the lake's `mask_pii` setting).
    pub masked: Vec<String>,
    /// What it read (none for an EXPLAIN).
    pub scan: Option<crate::catalog::query_log::ScanSummary>,
    /// Answered from the result cache ([`cache`]).
    pub cached: bool,
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
    /// When an R-tree answered a spatial predicate: its candidates, and its entries.
    pub rtree: Option<(u64, u64)>,
    /// The R-tree stood in for the table (`index_only`); no file was read.
    pub index_only: bool,
    /// A vector index gave the rows (`vector_search`): what it did.
    pub vector: Option<vector_search::VectorScan>,
}

/// A query ready to run: the lazy frame plus what binding and pruning decided.
pub struct Prepared {
    /// The lazy query.
    pub frame: LazyFrame,
    /// Per dataset, the files kept.
    pub scans: Vec<ScanChoice>,
    /// Was this an EXPLAIN (Some(analyze))?
    pub explain: Option<bool>,
    /// The spatial joins it runs through an R-tree.
    pub spatial_joins: Vec<spatial_join::SpatialJoin>,
    /// The SQL rewrites that changed the query ([`rewrite`]).
    pub rules: Vec<String>,
    /// The dataset versions it reads, sorted (what a derived dataset records).
    pub inputs: Vec<crate::catalog::lineage::InputVersion>,
}

fn scan_frame(lake: &Lake, ds: &DatasetVersion, files: &[FileEntry]) -> Result<LazyFrame> {
    if files.is_empty() {
        // Every file was pruned: no rows, but the columns must still bind.
        return Ok(DataFrame::empty_with_schema(&version_schema(lake, ds)?).lazy());
    }
    lake.scan_files(files.iter().map(|f| f.path.as_str()))?
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
    no_panic(sql, || prepare_with(lake, sql, false, None))
}

/// [`prepare`] reading only the files in `only` (paths relative to the lake) of each dataset:
/// what a rollup reads of the rows a source's new versions appended.
pub(crate) fn prepare_over(lake: &Lake, sql: &str, only: &HashSet<String>) -> Result<Prepared> {
    no_panic(sql, || prepare_with(lake, sql, false, Some(only)))
}

/// [`prepare`]; `for_explain` (or an `EXPLAIN` in `sql`) also counts the row groups that
/// statistics rule out, for the plan.
fn prepare_with(
    lake: &Lake,
    sql: &str,
    for_explain: bool,
    only: Option<&HashSet<String>>,
) -> Result<Prepared> {
    use crate::meter::stages::{Lap, Stage};
    let mut lap = Lap::start();
    let guarded = guard::guard(sql)?;
    lap.to(Stage::Guard);
    let for_explain = for_explain || guarded.explain.is_some();
    let original = guarded.statement.clone();
    let query_stmt = match guarded.statement {
        sqlparser::ast::Statement::Explain { statement, .. } => *statement,
        s => s,
    };
    let known: HashSet<String> = lake.catalog().dataset_names()?.into_iter().collect();
    let mut query_stmt = query_stmt;
    views::expand(lake, &mut query_stmt, &known)?;
    let geofences = geofence::bind_table_functions(&mut query_stmt, &known)?;
    let frames: HashSet<String> = geofences.iter().map(|g| g.frame.to_lowercase()).collect();
    let mut bound = bind::bind(query_stmt, &known, &frames)?;
    for g in &geofences {
        for d in [&g.points, &g.fences] {
            if !bound.datasets.contains(d) {
                bound.datasets.push(d.clone());
            }
        }
    }
    // Each dataset's version (the current one, or the one a time-travel name asks for), read
    // from the catalog once.
    let mut versions: HashMap<String, DatasetVersion> = HashMap::new();
    for name in &bound.datasets {
        let ds = match time_travel::split_name(name) {
            Some((base, sel)) => lake.catalog().dataset_at(base, &sel)?,
            None => lake.catalog().dataset(name)?.ok_or_else(|| {
                LakeError::Internal(format!("dataset {name} vanished while planning"))
            })?,
        };
        versions.insert(name.clone(), ds);
    }
    let mut inputs: Vec<crate::catalog::lineage::InputVersion> = versions
        .iter()
        .map(|(name, d)| crate::catalog::lineage::InputVersion {
            dataset: d.name.clone(),
            version: d.version,
            pinned: time_travel::split_name(name).is_some(),
        })
        .collect();
    inputs.sort();
    inputs.dedup();
    lap.to(Stage::Bind);
    bind::float_quotients(&mut bound.statement);
    let nearest = if calls(&bound.statement, crate::vector::is_vector_function) {
        vector_search::cover(lake, &versions, &mut bound.statement)?
    } else {
        None
    };
    let mut covered = None;
    let (spatial_uses, joins) = if uses_spatial_functions(&bound.statement) {
        let schemas: HashMap<String, Vec<crate::catalog::ColumnDef>> = versions
            .iter()
            .map(|(n, d)| (n.clone(), d.schema.clone()))
            .collect();
        covered = index_only::cover(lake, &versions, &mut bound.statement, &schemas)?;
        if let Some(c) = covered.as_ref().filter(|c| c.whole) {
            return Ok(Prepared {
                frame: c.frame.clone(),
                scans: vec![index_only_scan(&versions[&c.dataset], c)],
                explain: guarded.explain,
                rules: Vec::new(),
                spatial_joins: Vec::new(),
                inputs,
            });
        }
        let rows: HashMap<String, u64> =
            versions.iter().map(|(n, d)| (n.clone(), d.rows)).collect();
        let joins = spatial_join::rewrite_spatial_joins(&mut bound.statement, &schemas, &rows);
        (
            spatial::spatial_predicates(&mut bound.statement, &schemas),
            joins,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let preds = bind::pruning_predicates(&bound.statement);
    let stats: rewrite::Stats = versions
        .iter()
        .map(|(name, ds)| (name.clone(), table_stats(ds)))
        .collect();
    let rules = rewrite::rewrite(&mut bound.statement, &stats);
    let post = gapfill::prepare_post(&mut bound.statement)?;
    let mut ctx = SQLContext::new();
    if time_bucket::prepare(&mut bound.statement) | uses_lake_functions(&bound.statement) {
        // Only then: a context with functions of its own plans the SQL eagerly.
        ctx = ctx.with_function_registry(time_bucket::registry());
    }
    lap.to(Stage::Rewrite);
    let mut scans = Vec::new();
    let mut columns: HashMap<String, Vec<String>> = HashMap::new();
    for name in &bound.datasets {
        let ds = &versions[name];
        columns.insert(
            name.clone(),
            ds.schema.iter().map(|c| c.name.clone()).collect(),
        );
        if let Some(c) = covered.as_ref().filter(|c| &c.dataset == name) {
            ctx.register(name, c.frame.clone());
            scans.push(index_only_scan(ds, c));
            continue;
        }
        if let Some(v) = nearest.as_ref().filter(|v| &v.dataset == name) {
            ctx.register(name, v.frame.clone());
            scans.push(ScanChoice {
                dataset: name.clone(),
                kept: v.kept.clone(),
                total: ds.files.len(),
                row_groups: None,
                rtree: None,
                index_only: false,
                vector: Some(v.scan.clone()),
            });
            continue;
        }
        // Keep a file if any use of the dataset may need it.
        let uses: Vec<&Vec<SimplePredicate>> = preds
            .iter()
            .filter(|(d, _)| d == name)
            .map(|(_, p)| p)
            .collect();
        let mut keep: Vec<bool> = ds
            .files
            .iter()
            .map(|f| {
                only.is_none_or(|o| o.contains(&f.path))
                    && (uses.is_empty() || uses.iter().any(|p| file_may_match(f, p)))
            })
            .collect();
        // The R-tree rules files out only when the dataset is read once: its predicates then
        // bind every row read.
        let rtree = if uses.len() == 1 {
            rtree_files(lake, ds, &spatial_uses, &mut keep)?
        } else {
            None
        };
        let kept: Vec<FileEntry> = ds
            .files
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(f, _)| f.clone())
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
            rtree,
            index_only: false,
            vector: None,
        });
    }
    for g in &geofences {
        let (p, f) = (&versions[&g.points], &versions[&g.fences]);
        let events = geofence::frame(
            (p, scan_frame(lake, p, &p.files)?),
            (f, scan_frame(lake, f, &f.files)?),
        )?;
        ctx.register(&g.frame, events);
    }
    for sj in &joins {
        let (b, p) = (&versions[&sj.build.dataset], &versions[&sj.probe.dataset]);
        let (build, probe) = spatial_join::frames(
            sj,
            scan_frame(lake, b, &b.files)?,
            scan_frame(lake, p, &p.files)?,
        )?;
        ctx.register(&sj.build.frame, build);
        ctx.register(&sj.probe.frame, probe);
    }
    lap.to(Stage::Prune);
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
    if let Some(step) = post {
        frame = step.apply(frame);
    }
    frame
        .collect_schema()
        .map_err(|e| polars_query_error(e, &original, &columns))?;
    lap.to(Stage::Plan);
    Ok(Prepared {
        frame,
        scans,
        explain: guarded.explain,
        rules,
        spatial_joins: joins,
        inputs,
    })
}

/// The scan an R-tree stood in for: no file read.
fn index_only_scan(ds: &DatasetVersion, c: &index_only::Covered) -> ScanChoice {
    ScanChoice {
        dataset: ds.name.clone(),
        kept: Vec::new(),
        total: ds.files.len(),
        row_groups: None,
        rtree: Some(c.rtree),
        index_only: true,
        vector: None,
    }
}

/// Looks each spatial predicate on `ds` up in its R-tree, if it has one: files with no
/// candidate are no longer kept. Returns the candidates and entries of the narrowest lookup.
fn rtree_files(
    lake: &Lake,
    ds: &DatasetVersion,
    uses: &[spatial::SpatialUse],
    keep: &mut [bool],
) -> Result<Option<(u64, u64)>> {
    let mut best: Option<(u64, u64)> = None;
    for u in uses.iter().filter(|u| u.dataset == ds.name) {
        let Some(tree) = crate::spatial::index::open(lake, ds, &u.target)? else {
            continue;
        };
        let mut hit = vec![false; keep.len()];
        let mut candidates = 0u64;
        tree.search(&u.bbox, &mut |_| false, &mut |e| {
            candidates += 1;
            if let Some(h) = hit.get_mut(e.file as usize) {
                *h = true;
            }
        })?;
        for (k, h) in keep.iter_mut().zip(hit) {
            *k &= h;
        }
        if best.is_none_or(|(c, _)| candidates < c) {
            best = Some((candidates, tree.len() as u64));
        }
    }
    Ok(best)
}

/// Whether `statement` calls an `ST_` function.
fn uses_spatial_functions(statement: &sqlparser::ast::Statement) -> bool {
    calls(statement, crate::spatial::is_spatial_function)
}

/// Whether `statement` calls a function of the lake's own besides `time_bucket`.
fn uses_lake_functions(statement: &sqlparser::ast::Statement) -> bool {
    calls(statement, |f| {
        crate::spatial::is_spatial_function(f)
            || crate::vector::is_vector_function(f)
            || crate::text::is_text_function(f)
    })
}

/// Whether `statement` calls a function whose name `is` says yes to.
fn calls(statement: &sqlparser::ast::Statement, is: impl Fn(&str) -> bool) -> bool {
    use sqlparser::ast::{visit_expressions, Expr};
    visit_expressions(statement, |e| match e {
        Expr::Function(f) if is(&f.name.to_string()) => std::ops::ControlFlow::Break(()),
        _ => std::ops::ControlFlow::Continue(()),
    })
    .is_break()
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

/// Runs `sql` for the lake's own views (the timeline's counts), without logging it: the query
/// history and the audit log keep what people ran.
pub(crate) fn run_unlogged(lake: &Lake, sql: &str, opts: &QueryOptions) -> Result<QueryOutput> {
    no_panic(sql, || run_inner(lake, sql, opts, Instant::now()))
}

fn run_inner(lake: &Lake, sql: &str, opts: &QueryOptions, start: Instant) -> Result<QueryOutput> {
    // (run_query already guards against panics: prepare_with, not prepare.)
    let prepared = prepare_with(lake, sql, false, None)?;
    if let Some(analyze) = prepared.explain {
        let inputs = prepared.inputs.clone();
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
            inputs,
            masked: Vec::new(),
            scan: None,
            cached: false,
        });
    }
    let inputs = prepared.inputs;
    let scan = logged::scan_summary(&prepared.scans);
    let mut lap = crate::meter::stages::Lap::start();
    let mut frame = collect_cancellable(prepared.frame, opts)?;
    let masked = mask::mask_result(lake, sql, &mut frame)?;
    lap.to(crate::meter::stages::Stage::Execute);
    Ok(QueryOutput {
        frame,
        plan: None,
        elapsed: start.elapsed(),
        inputs,
        masked,
        scan: Some(scan),
        cached: false,
    })
}

/// EXPLAIN [ANALYZE] of a query, given with or without the EXPLAIN keyword.
pub fn explain_query(
    lake: &Lake,
    sql: &str,
    analyze: bool,
    opts: &QueryOptions,
) -> Result<QueryPlan> {
    no_panic(sql, || {
        let mut prepared = prepare_with(lake, sql, true, None)?;
        // `sql` may itself be `EXPLAIN [ANALYZE] ...`: the guard already parsed that.
        let analyze = analyze || prepared.explain == Some(true);
        prepared.explain = Some(analyze);
        let mut plan = plan::explain(prepared, analyze, opts)?;
        plan.cached = !analyze && cache::would_answer(lake, sql);
        if analyze {
            // Kept for "compare with the previous run"; the engine text is left out (it is the
            // bulk of a plan, and a diff does not read it).
            let mut kept = plan.clone();
            kept.strip_raw();
            let json = serde_json::to_string(&kept).unwrap_or_default();
            let rows = plan.root.actual_rows;
            let _ = lake
                .catalog()
                .log_plan(sql, plan.total_ms.unwrap_or(0.0), rows, &json);
        }
        Ok(plan)
    })
}

/// An earlier EXPLAIN ANALYZE of a query.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanRun {
    /// When it ran (RFC 3339, UTC).
    pub ts: String,
    /// Its plan, without the engine's text of each node.
    pub plan: QueryPlan,
}

/// The latest analyzed runs of `sql`, newest first (the one just run included).
pub fn plan_runs(lake: &Lake, sql: &str, limit: u32) -> Result<Vec<PlanRun>> {
    Ok(lake
        .catalog()
        .plan_runs(sql, limit)?
        .into_iter()
        .filter_map(|(ts, json)| {
            let plan = serde_json::from_str(&json).ok()?;
            Some(PlanRun { ts, plan })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::errors::tidy_unsupported;
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
