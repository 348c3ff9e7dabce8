//! Rollups (continuous aggregates): derived datasets whose query groups one source dataset by a
//! time bucket, `time_bucket(…)` or `date_trunc(…)`, in its GROUP BY. `lake rollup create`
//! checks that shape; a refresh ([`super::refresh`]) of any derived dataset with
//! it recomputes only what the source's new rows touch.
//!
//! When the source's new versions only added files, the refresh reads the added files for the
//! earliest bucket their rows fall in, `lo`, and runs the query again with `time >= lo` added
//! to its WHERE. It keeps the rollup's rows of earlier buckets and puts the new answer after
//! them. That equals a rebuild:
//! - a bucket is a floor of its time, so every row of a bucket at or after `lo` has a time at
//!   or after `lo`: the filtered query reads all the rows of those buckets, and no row of an
//!   earlier one;
//! - the earlier buckets' rows did not change, since the source only gained files;
//! - rows without a time make their own group, made again when new rows have none.
//!
//! The added condition is a plain comparison of the time column, so the source's files and row
//! groups before `lo` are pruned by their statistics: an append of recent rows reads little.
//! Anything else (a replaced source, joins, windows, LIMIT, a pinned version, changed columns)
//! is made again in full, and the refresh says why.

use std::collections::HashSet;
use std::ops::ControlFlow;

use polars::prelude::*;
use sqlparser::ast::{
    visit_expressions, visit_expressions_mut, BinaryOperator, Expr, FunctionArg, FunctionArgExpr,
    FunctionArguments, GroupByExpr, Query, SelectItem, SetExpr, Statement, TableFactor,
    Value as SqlValue,
};

use crate::catalog::history::VersionSel;
use crate::catalog::lineage::Derivation;
use crate::error::{LakeError, Result};
use crate::query::{collect_cancellable, prepare, prepare_over, QueryOptions};
use crate::storage::CommittedVersion;
use crate::Lake;

/// The parts of a rollup's query a refresh needs.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The source dataset, as the query names it (lower case).
    pub source: String,
    /// Position of the bucket in the SELECT list.
    pub bucket_index: usize,
    /// The bucket, as SQL.
    pub bucket: String,
    bucket_expr: Expr,
    time: Expr,
    query: Query,
}

/// What an incremental refresh did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Incremental {
    /// Rows the source's new versions added.
    pub appended_rows: u64,
    /// The first bucket made again (as text), if any.
    pub since: Option<String>,
    /// Rollup rows kept as they were.
    pub kept: u64,
    /// Rollup rows made again.
    pub made: u64,
}

const BUCKET_FUNCTIONS: [&str; 2] = ["time_bucket", "date_trunc"];
/// Functions whose value changes between runs: a rollup using them is made again in full.
const MOVING: [&str; 8] = [
    "now",
    "current_date",
    "current_timestamp",
    "current_time",
    "localtimestamp",
    "localtime",
    "random",
    "rand",
];

/// The bucket call and its time argument, if `e` is one.
fn bucket_call(e: &Expr) -> Option<&Expr> {
    let Expr::Function(f) = e else { return None };
    let name = f.name.to_string().to_lowercase();
    if !BUCKET_FUNCTIONS.contains(&name.as_str()) || f.over.is_some() {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    match list.args.get(1) {
        Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(t))) => Some(t),
        _ => None,
    }
}

/// Whether `e` (a GROUP BY item) names the SELECT item `i`, `item`, aliased `alias`.
fn groups_by(g: &Expr, i: usize, item: &Expr, alias: Option<&str>) -> bool {
    match g {
        Expr::Identifier(id) => {
            g == item || alias.is_some_and(|a| a.eq_ignore_ascii_case(&id.value))
        }
        Expr::Value(v) => matches!(&v.value, SqlValue::Number(n, _) if n.parse() == Ok(i + 1)),
        _ => g == item,
    }
}

/// Reads a rollup's query: `Ok(Err(why))` when it is not one.
pub fn shape(sql: &str) -> Result<std::result::Result<Shape, String>> {
    let sql = super::query_text(sql);
    let guarded = crate::query::guard::guard(sql)?;
    let Statement::Query(query) = guarded.statement else {
        return Ok(Err("it is not a SELECT".into()));
    };
    Ok(shape_of(*query))
}

fn shape_of(query: Query) -> std::result::Result<Shape, String> {
    if query.with.is_some() {
        return Err("it has a WITH clause".into());
    }
    if query.limit_clause.is_some() || query.fetch.is_some() {
        return Err("LIMIT keeps only some groups".into());
    }
    let SetExpr::Select(s) = query.body.as_ref() else {
        return Err("it is not a single SELECT".into());
    };
    let [from] = s.from.as_slice() else {
        return Err("it does not read exactly one dataset".into());
    };
    let TableFactor::Table {
        name, args: None, ..
    } = &from.relation
    else {
        return Err("it does not read a dataset by name".into());
    };
    if !from.joins.is_empty() {
        return Err("it joins datasets".into());
    }
    let source = crate::query::bind::object_name_text(name).to_lowercase();
    if source.contains('@') {
        return Err("it reads a fixed version of its source".into());
    }
    if matches!(s.distinct, Some(sqlparser::ast::Distinct::On(_))) {
        return Err("it has DISTINCT ON".into());
    }
    let mut why = None;
    let _ = visit_expressions(&query, |e| {
        why = match e {
            Expr::Function(f) if f.over.is_some() => Some("it has a window function"),
            Expr::Function(f) if MOVING.contains(&f.name.to_string().to_lowercase().as_str()) => {
                Some("it depends on the time it runs (now(), current_date) or on chance")
            }
            Expr::Subquery(_) | Expr::InSubquery { .. } | Expr::Exists { .. } => {
                Some("it has a subquery")
            }
            Expr::Rollup(_) | Expr::Cube(_) | Expr::GroupingSets(_) => Some("it has grouping sets"),
            _ => None,
        };
        match why {
            Some(_) => ControlFlow::Break(()),
            None => ControlFlow::Continue(()),
        }
    });
    if let Some(why) = why {
        return Err(why.into());
    }
    let GroupByExpr::Expressions(groups, modifiers) = &s.group_by else {
        return Err("it has GROUP BY ALL; name the groups".into());
    };
    if !modifiers.is_empty() {
        return Err("it has GROUP BY modifiers".into());
    }
    let found = s.projection.iter().enumerate().find_map(|(i, item)| {
        let (e, alias) = match item {
            SelectItem::UnnamedExpr(e) => (e, None),
            SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value.as_str())),
            _ => return None,
        };
        let time = bucket_call(e)?;
        groups
            .iter()
            .any(|g| groups_by(g, i, e, alias))
            .then(|| (i, e.clone(), time.clone()))
    });
    let Some((bucket_index, bucket_expr, time)) = found else {
        return Err(
            "it has no time_bucket(…) or date_trunc(…) in both its SELECT list and GROUP BY".into(),
        );
    };
    Ok(Shape {
        source,
        bucket_index,
        bucket: bucket_expr.to_string(),
        bucket_expr,
        time,
        query,
    })
}

/// Parses `template`, putting `with[i].1` where the identifier `with[i].0` is.
fn expr_from(template: &str, with: &[(&str, &Expr)]) -> Expr {
    let dialect = sqlparser::dialect::GenericDialect {};
    let mut e = sqlparser::parser::Parser::new(&dialect)
        .try_with_sql(template)
        .and_then(|mut p| p.parse_expr())
        .expect("the template parses");
    let _ = visit_expressions_mut(&mut e, |x| {
        if let Expr::Identifier(i) = x {
            if let Some((_, by)) = with.iter().find(|(n, _)| *n == i.value) {
                // In brackets: `a + b IS NULL` would read as `a + (b IS NULL)`.
                *x = match by {
                    Expr::Identifier(_) | Expr::CompoundIdentifier(_) | Expr::Value(_) => {
                        (*by).clone()
                    }
                    _ => Expr::Nested(Box::new((*by).clone())),
                };
            }
        }
        ControlFlow::<()>::Continue(())
    });
    e
}

impl Shape {
    fn select_mut(q: &mut Query) -> &mut sqlparser::ast::Select {
        match q.body.as_mut() {
            SetExpr::Select(s) => s,
            _ => unreachable!("a shape is a single SELECT"),
        }
    }

    /// The earliest bucket, the rows and the rows with a time, of what the query reads.
    fn bounds_sql(&self) -> String {
        let mut q = self.query.clone();
        q.order_by = None;
        let s = Self::select_mut(&mut q);
        let b = ("__lake_b", &self.bucket_expr);
        let t = ("__lake_t", &self.time);
        s.projection = [
            ("min(__lake_b)", "lo"),
            ("count(*)", "n"),
            ("count(__lake_t)", "k"),
        ]
        .iter()
        .map(|(e, a)| SelectItem::ExprWithAlias {
            expr: expr_from(e, &[b, t]),
            alias: sqlparser::ast::Ident::new(*a),
        })
        .collect();
        s.group_by = GroupByExpr::Expressions(vec![], vec![]);
        s.having = None;
        s.distinct = None;
        q.to_string()
    }

    /// The query, reading only rows at or after `lo` (and rows without a time when `nulls`).
    fn recompute_sql(&self, lo: Option<&str>, nulls: bool) -> String {
        let mut q = self.query.clone();
        let s = Self::select_mut(&mut q);
        let t = ("__lake_t", &self.time);
        let lo_lit = lo.map(|lo| Expr::Value(SqlValue::SingleQuotedString(lo.into()).into()));
        let cond = match (&lo_lit, nulls) {
            (Some(l), false) => expr_from("__lake_t >= __lake_lo", &[t, ("__lake_lo", l)]),
            (Some(l), true) => expr_from(
                "(__lake_t >= __lake_lo OR __lake_t IS NULL)",
                &[t, ("__lake_lo", l)],
            ),
            (None, _) => expr_from("__lake_t IS NULL", &[t]),
        };
        s.selection = Some(match s.selection.take() {
            Some(w) => Expr::BinaryOp {
                left: Box::new(Expr::Nested(Box::new(w))),
                op: BinaryOperator::And,
                right: Box::new(cond),
            },
            None => cond,
        });
        q.to_string()
    }
}

/// A time value of a one-row column as SQL text the lake's comparisons read, and as the number
/// `dtype` stores (days or its time unit).
fn literal_of(col: &Column, dtype: &DataType) -> Option<(String, i64)> {
    let v = col.get(0).ok()?;
    if v.is_null() {
        return None;
    }
    let text = match col.dtype() {
        DataType::Date => col
            .cast(&DataType::String)
            .ok()?
            .get(0)
            .ok()?
            .str_value()
            .to_string(),
        DataType::Datetime(unit, _) => {
            let raw = col.to_physical_repr().cast(&DataType::Int64).ok()?;
            let raw = raw.i64().ok()?.get(0)?;
            let us = match unit {
                TimeUnit::Nanoseconds => raw.div_euclid(1000),
                TimeUnit::Microseconds => raw,
                TimeUnit::Milliseconds => raw.checked_mul(1000)?,
            };
            let t = chrono::DateTime::from_timestamp_micros(us)?;
            t.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
        }
        _ => return None,
    };
    let stored = col.cast(dtype).ok()?;
    let stored = stored.to_physical_repr().cast(&DataType::Int64).ok()?;
    Some((text, stored.i64().ok()?.get(0)?))
}

fn failed(e: PolarsError) -> LakeError {
    LakeError::QueryFailed(format!("refreshing a rollup: {e}"))
}

/// Refreshes the rollup `name`, made by `derivation`, from only what its source appended:
/// `Ok(Err(why))` when that cannot be done and it must be made again in full.
pub(crate) fn incremental(
    lake: &Lake,
    name: &str,
    derivation: &Derivation,
    opts: &QueryOptions,
) -> Result<std::result::Result<(CommittedVersion, Incremental), String>> {
    let shape = match shape(&derivation.sql)? {
        Ok(s) => s,
        Err(why) => return Ok(Err(format!("not a rollup: {why}"))),
    };
    let [input] = derivation.inputs.as_slice() else {
        return Ok(Err("it reads more than one dataset".into()));
    };
    if input.pinned || !input.dataset.eq_ignore_ascii_case(&shape.source) {
        return Ok(Err("its source is a view or a fixed version".into()));
    }
    let (old, new) = {
        let cat = lake.catalog();
        let old = cat.dataset_at(&input.dataset, &VersionSel::Number(input.version));
        (old, cat.require_dataset(&input.dataset)?)
    };
    let Ok(old) = old else {
        return Ok(Err(format!(
            "the version it read, {} v{}, is gone",
            input.dataset, input.version
        )));
    };
    let new_paths: HashSet<&str> = new.files.iter().map(|f| f.path.as_str()).collect();
    if !old
        .files
        .iter()
        .all(|f| new_paths.contains(f.path.as_str()))
    {
        return Ok(Err(format!(
            "{} was replaced since v{}, not appended to",
            input.dataset, input.version
        )));
    }
    let old_paths: HashSet<&str> = old.files.iter().map(|f| f.path.as_str()).collect();
    let added: HashSet<String> = new
        .files
        .iter()
        .filter(|f| !old_paths.contains(f.path.as_str()))
        .map(|f| f.path.clone())
        .collect();
    let appended_rows = new
        .files
        .iter()
        .filter(|f| added.contains(&f.path))
        .map(|f| f.rows)
        .sum();
    let same_source = |inputs: &[crate::catalog::lineage::InputVersion]| matches!(inputs, [i] if i.dataset == new.name && i.version == new.version);
    let bounds = prepare_over(lake, &shape.bounds_sql(), &added)?;
    if !same_source(&bounds.inputs) {
        return Ok(Err(format!("{} changed during the refresh", new.name)));
    }
    let bounds = collect_cancellable(bounds.frame, opts)?;
    let count = |c: &str| -> Result<u64> {
        let s = bounds.column(c).map_err(failed)?.cast(&DataType::UInt64);
        Ok(s.map_err(failed)?
            .u64()
            .map_err(failed)?
            .get(0)
            .unwrap_or(0))
    };
    let nulls = count("n")? > count("k")?;
    let current = lake.catalog().require_dataset(name)?;
    let old_rows = lake
        .scan_files(current.files.iter().map(|f| f.path.as_str()))?
        .and_then(|lf| lf.collect())
        .map_err(failed)?;
    let bucket_col = old_rows
        .get_column_names()
        .get(shape.bucket_index)
        .map(|c| c.to_string());
    let Some(bucket_col) = bucket_col else {
        return Ok(Err("its columns changed".into()));
    };
    let bucket_type = old_rows
        .column(&bucket_col)
        .map_err(failed)?
        .dtype()
        .clone();
    // The lake's SQL reads a time literal in the column's zone: only UTC (or none) is exact.
    if let DataType::Datetime(_, Some(tz)) = &bucket_type {
        if tz.as_str() != "UTC" {
            return Ok(Err(format!(
                "its buckets are times in the zone {tz}, not UTC"
            )));
        }
    }
    let lo_col = bounds.column("lo").map_err(failed)?;
    let lo = literal_of(lo_col, &bucket_type);
    if lo.is_none() && !lo_col.get(0).map(|v| v.is_null()).unwrap_or(true) {
        return Ok(Err(format!(
            "its bucket is a {}, not a time",
            lo_col.dtype()
        )));
    }
    let made = if lo.is_none() && !nulls {
        old_rows.clear()
    } else {
        let p = prepare(
            lake,
            &shape.recompute_sql(lo.as_ref().map(|l| l.0.as_str()), nulls),
        )?;
        if !same_source(&p.inputs) {
            return Ok(Err(format!("{} changed during the refresh", new.name)));
        }
        collect_cancellable(p.frame, opts)?
    };
    if made.schema() != old_rows.schema() {
        return Ok(Err("its columns or their types changed".into()));
    }
    // The rows of buckets before `lo`, and those without a time unless they are made again.
    let b = col(bucket_col.as_str());
    let earlier = match &lo {
        Some((_, stored)) => b.clone().cast(DataType::Int64).lt(lit(*stored)),
        None => b.clone().is_not_null(),
    };
    let keep = if nulls {
        earlier
    } else {
        earlier.or(b.is_null())
    };
    let kept = old_rows.lazy().filter(keep).collect().map_err(failed)?;
    let stats = Incremental {
        appended_rows,
        since: lo.map(|l| l.0),
        kept: kept.height() as u64,
        made: made.height() as u64,
    };
    let merged = kept.vstack(&made).map_err(failed)?;
    let inputs = vec![crate::catalog::lineage::InputVersion {
        dataset: new.name.clone(),
        version: new.version,
        pinned: false,
    }];
    let sql = super::query_text(&derivation.sql);
    let committed = super::keep_frame(lake, name, sql, inputs, merged)?;
    Ok(Ok((committed, stats)))
}

/// `lake rollup create`: [`super::create`] of a query with a rollup's shape.
pub fn create(lake: &Lake, name: &str, sql: &str, opts: &QueryOptions) -> Result<CommittedVersion> {
    if let Err(why) = shape(sql)? {
        return Err(LakeError::bad_input(
            "lake rollup create",
            None,
            format!(
                "this query cannot be a rollup: {why}. A rollup groups one dataset by \
                 time_bucket(INTERVAL '1 hour', ts) (or date_trunc('day', ts)) and other \
                 columns; use `lake create` for any other query"
            ),
        ));
    }
    super::create(lake, name, sql, opts)
}

/// A rollup as `lake rollup list` and the app show it.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RollupInfo {
    /// The rollup dataset.
    pub name: String,
    /// Its current version.
    pub version: u32,
    /// Rows.
    pub rows: u64,
    /// The dataset it groups.
    pub source: String,
    /// The source version its rows are from.
    pub read: u32,
    /// The source's current version (newer than `read` when stale).
    pub current: u32,
    /// The bucket, as SQL.
    pub bucket: String,
    /// When its current version was made.
    pub made_at: String,
}

/// Every derived dataset with a rollup's shape, by name.
pub fn list(lake: &Lake) -> Result<Vec<RollupInfo>> {
    let mut out = Vec::new();
    // Listed first: the catalog is not held while each one's freshness reads it.
    let all = lake.catalog().list_datasets()?;
    for d in all {
        let Some(f) = super::freshness(lake, &d.name)? else {
            continue;
        };
        let Ok(Ok(s)) = shape(&f.derivation.sql) else {
            continue;
        };
        let Some(input) = f.derivation.inputs.first() else {
            continue;
        };
        let current = f.newer.first().map(|n| n.current).unwrap_or(input.version);
        out.push(RollupInfo {
            name: d.name,
            version: d.version,
            rows: d.rows,
            source: input.dataset.clone(),
            read: input.version,
            current,
            bucket: s.bucket,
            made_at: d.created_at,
        });
    }
    Ok(out)
}
