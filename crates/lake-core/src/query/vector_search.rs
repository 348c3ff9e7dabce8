//! Top-k vector searches answered from a vector index:
//!
//! ```sql
//! SELECT … FROM t [WHERE …] ORDER BY array_cosine_distance(t.emb, [0.1, …]) LIMIT k
//! ```
//!
//! (or `array_distance`, `array_negative_inner_product` ascending, `array_cosine_similarity`,
//! `array_inner_product` descending, or an alias of one of them in the SELECT list). When the
//! column has an index by that metric, the index gives candidate rows, and only those rows
//! stand in for the table: the query itself then runs unchanged on them, so every distance it
//! shows and the order it gives are the functions' own, exactly as without the index. Only
//! which rows are candidates is approximate (an HNSW search's recall).
//!
//! With a WHERE clause, the rows that pass it are found first (reading the columns it tests,
//! never the vectors). Few of them: their vectors are compared exactly, from the index. Many:
//! the HNSW search is widened until k of its candidates pass; then, failing that, exact again.
//! So the answer has k rows whenever k rows pass.

use std::collections::HashMap;
use std::ops::ControlFlow;

use polars::prelude::*;
use sqlparser::ast::{
    visit_expressions, Expr, GroupByExpr, LimitClause, OrderByKind, SelectItem, SetExpr, Statement,
};

use crate::catalog::{DatasetVersion, FileEntry};
use crate::error::{LakeError, Result};
use crate::vector::backends::EF_SEARCH;
use crate::vector::{lake_index, Metric, VectorIndexFile};
use crate::Lake;

/// Filters passed by at most this many rows are answered by comparing their vectors exactly.
pub const EXACT_FILTERED_MAX: usize = 50_000;

/// What a vector search did, for the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorScan {
    /// The vector column.
    pub column: String,
    /// The metric.
    pub metric: Metric,
    /// `usearch`, `instant-distance` or `exact`.
    pub backend: String,
    /// How wide the search looked.
    pub ef: usize,
    /// The candidate rows handed to the query, and the index's entries.
    pub candidates: (u64, u64),
    /// Rows the WHERE clause passed, when there is one.
    pub filtered: Option<u64>,
    /// Whether the candidates came from comparing every passing row (exact).
    pub exact: bool,
}

/// The frame that stands in for the table, and what was done.
pub(super) struct Covered {
    pub dataset: String,
    pub frame: LazyFrame,
    pub scan: VectorScan,
    pub kept: Vec<FileEntry>,
}

/// A top-k query the index may answer.
struct TopK {
    dataset: String,
    column: String,
    metric: Metric,
    /// The vector searched for: written out, or a subquery that gives it.
    query: Probe,
    k: usize,
    filtered: bool,
    /// Whether rows without an index entry (a NULL, NaN or zero vector) would sort first:
    /// a descending order, or NULLS FIRST.
    missing_first: bool,
}

/// Aggregates the lake adds to the engine's (`time_bucket`'s `min_by`/`max_by`), and some the
/// engine may learn: over candidate rows any of them would see the candidates, not the table.
const MORE_AGGREGATES: &[&str] = &[
    "min_by",
    "max_by",
    "any_value",
    "corr",
    "covar_pop",
    "covar_samp",
];

fn aggregate(name: &str) -> bool {
    super::expr::is_aggregate(name) || MORE_AGGREGATES.contains(&name)
}

/// Whether the statement has a window function or an aggregate anywhere.
fn aggregates(statement: &Statement) -> bool {
    visit_expressions(statement, |e| match e {
        Expr::Function(f)
            if f.over.is_some()
                || f.filter.is_some()
                || !f.within_group.is_empty()
                || aggregate(&f.name.to_string().to_ascii_lowercase()) =>
        {
            ControlFlow::Break(())
        }
        _ => ControlFlow::Continue(()),
    })
    .is_break()
}

enum Probe {
    Literal(Vec<f32>),
    /// `(SELECT emb FROM t WHERE id = 42)`: another row's vector.
    Subquery(Box<Expr>),
    /// `embed('trip to Lisbon')`: a text's vector (the call, and the text).
    Embed(Box<Expr>, String),
}

fn probe_of(e: &Expr) -> Option<Probe> {
    match e {
        Expr::Subquery(_) => Some(Probe::Subquery(Box::new(e.clone()))),
        Expr::Function(f) if crate::text::is_text_function(&f.name.to_string()) => {
            embed_text(f).map(|t| Probe::Embed(Box::new(e.clone()), t))
        }
        other => literal_vector(other).map(Probe::Literal),
    }
}

/// The text of `embed('…')` written as one string literal.
fn embed_text(f: &sqlparser::ast::Function) -> Option<String> {
    use sqlparser::ast::{FunctionArg, FunctionArgExpr, FunctionArguments, Value};
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    let [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))] = list.args.as_slice() else {
        return None;
    };
    if f.over.is_some() || f.filter.is_some() || !list.clauses.is_empty() {
        return None;
    }
    match &v.value {
        Value::SingleQuotedString(t) => Some(t.clone()),
        _ => None,
    }
}

/// Writes `v` in place of `from` (a subquery or an `embed` call) in the statement: the
/// candidates stand in for the table, so nothing may compute the vector from them.
fn write_in(statement: &mut Statement, from: &Expr, v: &[f32]) {
    let to = vector_literal(v);
    let _ = sqlparser::ast::visit_expressions_mut(statement, |x| {
        if *x == *from {
            *x = to.clone();
        }
        ControlFlow::<()>::Continue(())
    });
}

/// A vector written with number literals: `[0.1, 0.2]`, maybe cast (`[…]::FLOAT[2]`).
fn literal_vector(e: &Expr) -> Option<Vec<f32>> {
    match e {
        Expr::Array(a) => a
            .elem
            .iter()
            .map(|x| super::spatial::number(x).map(|v| v as f32))
            .collect(),
        Expr::Cast {
            expr, data_type, ..
        } => {
            // Only to floats: a cast to integers would change the values the engine compares.
            let t = data_type.to_string().to_ascii_uppercase();
            let float = ["FLOAT", "REAL", "DOUBLE"].iter().any(|f| t.starts_with(f));
            float.then(|| literal_vector(expr)).flatten()
        }
        Expr::Nested(expr) => literal_vector(expr),
        _ => None,
    }
}

/// The table's column `e` names, when it is one.
fn column_of(e: &Expr, alias: &str, sole: bool, ds: &DatasetVersion) -> Option<String> {
    let name = match e {
        Expr::Identifier(i) if sole => &i.value,
        Expr::CompoundIdentifier(p) if p.len() == 2 && p[0].value.eq_ignore_ascii_case(alias) => {
            &p[1].value
        }
        Expr::Nested(i) => return column_of(i, alias, sole, ds),
        _ => return None,
    };
    ds.schema
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(name))
        .map(|c| c.name.clone())
}

fn limit_of(q: &sqlparser::ast::Query) -> Option<usize> {
    let Some(LimitClause::LimitOffset {
        limit: Some(limit),
        offset,
        limit_by,
    }) = &q.limit_clause
    else {
        return None;
    };
    if !limit_by.is_empty() {
        return None;
    }
    let n =
        |e: &Expr| super::spatial::number(e).filter(|v| *v >= 0.0 && v.fract() == 0.0 && *v <= 1e6);
    let skip = match offset {
        Some(o) => n(&o.value)?,
        None => 0.0,
    };
    Some((n(limit)? + skip) as usize)
}

/// The statement as a top-k search on one table's vector column, if it is one.
fn detect(statement: &Statement, versions: &HashMap<String, DatasetVersion>) -> Option<TopK> {
    let (q, s) = super::expr::single_table_select(statement)?;
    let ungrouped =
        matches!(&s.group_by, GroupByExpr::Expressions(e, m) if e.is_empty() && m.is_empty());
    // Rows per group, distinct rows or a window would be computed over the candidates only.
    let plain = ungrouped
        && q.fetch.is_none()
        && s.distinct.is_none()
        && s.having.is_none()
        && s.qualify.is_none()
        && s.named_window.is_empty();
    if !plain || aggregates(statement) {
        return None;
    }
    let (tables, sole) = super::bind::aliased_tables(s);
    let [(dataset, alias)] = tables.as_slice() else {
        return None;
    };
    let ds = versions.get(dataset)?;
    let k = limit_of(q)?;
    let order = q.order_by.as_ref()?;
    let OrderByKind::Expressions(exprs) = &order.kind else {
        return None;
    };
    let [by] = exprs.as_slice() else {
        return None;
    };
    // `ORDER BY d` where the SELECT list says `… AS d`.
    let mut key = &by.expr;
    if let Expr::Identifier(i) = key {
        for item in &s.projection {
            if let SelectItem::ExprWithAlias { expr, alias: a } = item {
                if a.value == i.value {
                    key = expr;
                }
            }
        }
    }
    let Expr::Function(f) = key else {
        return None;
    };
    let (metric, descending) = crate::vector::functions::index_metric(&f.name.to_string())?;
    let asc = by.options.asc.unwrap_or(true);
    if asc == descending {
        return None;
    }
    // The engine puts NULLs first in a descending order unless told otherwise.
    let missing_first = by.options.nulls_first.unwrap_or(!asc);
    let a = super::spatial::args(f);
    let [x, y] = a.as_slice() else {
        return None;
    };
    let (column, query) = match (column_of(x, alias, sole, ds), probe_of(y)) {
        (Some(c), Some(v)) => (c, v),
        _ => (column_of(y, alias, sole, ds)?, probe_of(x)?),
    };
    // The only subquery may be the one that gives the vector.
    let allowed = match &query {
        Probe::Subquery(e) => Some(e.as_ref()),
        Probe::Literal(_) | Probe::Embed(..) => None,
    };
    // A SELECT-list alias named like the column replaces it before ORDER BY is evaluated.
    let hidden = s.projection.iter().any(|p| match p {
        SelectItem::ExprWithAlias { alias, .. } => alias.value.eq_ignore_ascii_case(&column),
        SelectItem::Wildcard(o) | SelectItem::QualifiedWildcard(_, o) => o.opt_replace.is_some(),
        _ => false,
    });
    if hidden
        || subqueries(statement, allowed)
        || !lake_index::vector_columns(ds)
            .iter()
            .any(|(c, _)| *c == column)
    {
        return None;
    }
    Some(TopK {
        dataset: dataset.clone(),
        column,
        metric,
        query,
        k,
        filtered: s.selection.is_some(),
        missing_first,
    })
}

/// Whether the statement has a subquery other than `allowed`.
fn subqueries(statement: &Statement, allowed: Option<&Expr>) -> bool {
    visit_expressions(statement, |e| match e {
        Expr::Subquery(_) if Some(e) == allowed => ControlFlow::Continue(()),
        Expr::Subquery(_) | Expr::InSubquery { .. } | Expr::Exists { .. } => ControlFlow::Break(()),
        _ => ControlFlow::Continue(()),
    })
    .is_break()
}

/// The vector a subquery gives: one row, one column of numbers. It runs as a query of its own
/// (guarded and bound like any); None when it gives no row or no vector.
fn subquery_vector(lake: &Lake, e: &Expr) -> Result<Option<Vec<f32>>> {
    let Expr::Subquery(q) = e else {
        return Ok(None);
    };
    let prepared = super::prepare(lake, &q.to_string())?;
    let df = crate::storage::collect_shielded(prepared.frame.limit(2))
        .map_err(|e| LakeError::QueryFailed(format!("the subquery that gives the vector: {e}")))?;
    if df.height() != 1 || df.width() != 1 {
        return Ok(None);
    }
    // Written back as REAL[N], so only f32 vectors keep their values and type.
    if !matches!(df.columns()[0].dtype(), DataType::Array(i, _) | DataType::List(i) if **i == DataType::Float32)
    {
        return Ok(None);
    }
    let Ok(s) = df.columns()[0]
        .as_materialized_series()
        .cast(&DataType::List(Box::new(DataType::Float32)))
    else {
        return Ok(None);
    };
    let Some(inner) = s.list().ok().and_then(|l| l.get_as_series(0)) else {
        return Ok(None);
    };
    Ok(inner
        .f32()
        .ok()
        .and_then(|v| v.iter().collect::<Option<Vec<f32>>>()))
}

/// `v` as a literal the engine reads back to the same `f32`s: each written as the `f64` it is
/// exactly, cast to `REAL[N]` (`f32`).
fn vector_literal(v: &[f32]) -> Expr {
    let elem = v.iter().map(|x| super::spatial::lit(*x as f64)).collect();
    Expr::Cast {
        kind: sqlparser::ast::CastKind::DoubleColon,
        expr: Box::new(Expr::Array(sqlparser::ast::Array { elem, named: false })),
        array: false,
        data_type: sqlparser::ast::DataType::Array(
            sqlparser::ast::ArrayElemTypeDef::SquareBracket(
                // REAL: the engine reads FLOAT as a double.
                Box::new(sqlparser::ast::DataType::Real),
                Some(v.len() as u64),
            ),
        ),
        format: None,
    }
}

/// The columns of `ds` the statement reads (all of them for a `*`).
fn read_columns(statement: &Statement, ds: &DatasetVersion) -> Vec<String> {
    let star = matches!(statement, Statement::Query(q) if matches!(q.body.as_ref(),
        SetExpr::Select(s) if s.projection.iter().any(|p| matches!(p,
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..)))));
    let mut named = Vec::new();
    let _ = visit_expressions(statement, |e| {
        let name = match e {
            Expr::Identifier(i) => Some(&i.value),
            Expr::CompoundIdentifier(p) => p.last().map(|i| &i.value),
            _ => None,
        };
        if let Some(n) = name {
            named.push(n.to_ascii_lowercase());
        }
        ControlFlow::<()>::Continue(())
    });
    ds.schema
        .iter()
        .filter(|c| star || named.contains(&c.name.to_ascii_lowercase()))
        .map(|c| c.name.clone())
        .collect()
}

/// Answers the statement's top-k from an index when it is such a query and one exists: the
/// returned frame holds the candidate rows, to be registered as the table.
pub(super) fn cover(
    lake: &Lake,
    versions: &HashMap<String, DatasetVersion>,
    statement: &mut Statement,
) -> Result<Option<Covered>> {
    let Some(top) = detect(statement, versions) else {
        return Ok(None);
    };
    let ds = &versions[&top.dataset];
    let dim = lake_index::vector_columns(ds)
        .into_iter()
        .find_map(|(c, d)| (c == top.column).then_some(d));
    let Some(index) = lake_index::open(lake, ds, &top.column, top.metric)? else {
        return Ok(None);
    };
    let n = index.entries.len();
    // Rows the index does not hold: NULL vectors, NaN or infinite ones, zero ones by the cosine.
    let missing = ds.rows.saturating_sub(n as u64);
    if top.k == 0 || top.k > n || (missing > 0 && top.missing_first) {
        // Rows without an entry would be in the answer: every row is needed.
        return Ok(None);
    }
    let query = match &top.query {
        Probe::Literal(v) => v.clone(),
        Probe::Subquery(e) => {
            // A subquery the lake cannot run alone (one that names the outer table) is left
            // to the engine, with the scan.
            let Ok(Some(v)) = subquery_vector(lake, e) else {
                return Ok(None);
            };
            if Some(v.len()) != dim || v.iter().any(|x| !x.is_finite()) {
                return Ok(None);
            }
            // The candidates stand in for the table, so the subquery must not read them: its
            // answer is written in its place.
            write_in(statement, e, &v);
            v
        }
        Probe::Embed(e, text) => {
            // A text without a known word has no vector: every distance is NULL.
            let Some(v) = crate::text::embed_one(text)? else {
                return Ok(None);
            };
            if Some(v.len()) != dim {
                return Ok(None);
            }
            write_in(statement, e, &v);
            v
        }
    };
    let zero = query.iter().all(|v| *v == 0.0) && top.metric != Metric::L2;
    if Some(query.len()) != dim || query.iter().any(|v| !v.is_finite()) || zero {
        // A zero vector has no direction: every cosine is NaN and every inner product 0, so
        // no row is nearer than another.
        return Ok(None);
    }
    // A few more than asked, so rounding (the index ranks in f32, SQL in f64) cannot change
    // which rows make the first k.
    let want = (top.k * 2 + 10).min(n);
    let ef = EF_SEARCH.max(want);
    let (entries, filtered, exact, looked) = if top.filtered {
        let (passing, rows) = passing_entries(lake, ds, statement, &top.dataset, &index)?;
        if passing.len() < top.k && rows > passing.len() {
            // Passing rows without an entry would be in the answer.
            return Ok(None);
        }
        let (found, exact, looked) = filtered_search(&index, &query, &passing, want)?;
        (found, Some(rows as u64), exact, looked)
    } else {
        let found = index.index.search(&query, want, ef)?;
        if found.len() < want {
            // A backend that gives fewer than asked (instant-distance stops at its ef).
            let all: Vec<u32> = (0..n as u32).collect();
            let found = index.exact_among(&query, &all, want);
            (found.into_iter().map(|(e, _)| e).collect(), None, true, n)
        } else {
            let exact = index.index.backend() == crate::vector::BackendKind::Exact;
            (found.into_iter().map(|(e, _)| e).collect(), None, exact, ef)
        }
    };
    // The file's checksum, summed on another thread the first time it is opened, must have
    // matched before its candidates' rows are read.
    index.checked.wait()?;
    if entries.iter().any(|e| *e as usize >= n) {
        return Err(LakeError::Damaged(format!(
            "the vector index of {}.{} gave a row it does not hold; drop it with `lake index \
             drop {} {}` and create it again",
            ds.name, top.column, ds.name, top.column
        )));
    }
    let columns = read_columns(statement, ds);
    let (frame, kept) = candidate_frame(lake, ds, &index, &top.column, &columns, entries.clone())?;
    Ok(Some(Covered {
        dataset: top.dataset,
        frame: frame.lazy(),
        scan: VectorScan {
            column: top.column,
            metric: top.metric,
            backend: index.index.backend().name().to_string(),
            ef: looked,
            candidates: (entries.len() as u64, n as u64),
            filtered,
            exact,
        },
        kept,
    }))
}

/// The candidates among `passing` (sorted entries): exact when few pass, else the HNSW
/// search widened until `want` of its finds pass. Returns them, whether exact, and the width.
fn filtered_search(
    index: &VectorIndexFile,
    q: &[f32],
    passing: &[u32],
    want: usize,
) -> Result<(Vec<u32>, bool, usize)> {
    let n = index.entries.len();
    let exact = |w: usize| {
        let found = index.exact_among(q, passing, w);
        (
            found.into_iter().map(|(e, _)| e).collect(),
            true,
            passing.len(),
        )
    };
    if passing.len() <= EXACT_FILTERED_MAX
        || index.index.backend() == crate::vector::BackendKind::Exact
    {
        return Ok(exact(want));
    }
    // Expect a share `passing / n` of the finds to pass; look twice as wide as that needs.
    let mut wide = (want * n / passing.len()).saturating_mul(2).max(EF_SEARCH);
    while wide < n / 2 {
        let found = index.index.search(q, wide, wide)?;
        let found_len = found.len();
        let hits: Vec<u32> = found
            .into_iter()
            .map(|(e, _)| e)
            .filter(|e| passing.binary_search(e).is_ok())
            .take(want)
            .collect();
        if hits.len() >= want.min(passing.len()) {
            return Ok((hits, false, wide));
        }
        if found_len < wide {
            // The backend gives no more than this (instant-distance stops at its ef).
            break;
        }
        wide *= 4;
    }
    Ok(exact(want))
}

/// The index entries of the rows that pass the statement's WHERE clause, sorted.
fn passing_entries(
    lake: &Lake,
    ds: &DatasetVersion,
    statement: &Statement,
    name: &str,
    index: &VectorIndexFile,
) -> Result<(Vec<u32>, usize)> {
    let failed = |e: PolarsError| LakeError::QueryFailed(format!("filtering {}: {e}", ds.name));
    let mut frames = Vec::new();
    for (fi, f) in ds.files.iter().enumerate() {
        let lf = lake.scan_files([f.path.as_str()])?.map_err(failed)?;
        frames.push(
            lf.with_row_index("__lake_row", None)
                .with_column(lit(fi as u32).cast(DataType::UInt32).alias("__lake_file")),
        );
    }
    let ids = if frames.is_empty() {
        return Ok((Vec::new(), 0));
    } else {
        concat(frames, UnionArgs::default()).map_err(failed)?
    };
    let mut only = statement.clone();
    let Statement::Query(q) = &mut only else {
        unreachable!("detect takes queries only")
    };
    q.order_by = None;
    q.limit_clause = None;
    let SetExpr::Select(s) = q.body.as_mut() else {
        unreachable!("detect takes SELECTs only")
    };
    s.projection = ["__lake_file", "__lake_row"]
        .iter()
        .map(|c| SelectItem::UnnamedExpr(Expr::Identifier(sqlparser::ast::Ident::new(*c))))
        .collect();
    let text = only.to_string();
    super::guard::recheck_for_engine(&text, &only)?;
    let mut ctx =
        polars::sql::SQLContext::new().with_function_registry(super::time_bucket::registry());
    ctx.register(name, ids);
    let df = ctx
        .execute(&text)
        .and_then(crate::storage::collect_shielded)
        .map_err(failed)?;
    let (files, rows) = (
        df.column("__lake_file").and_then(|c| c.u32().cloned()),
        df.column("__lake_row").and_then(|c| c.idx().cloned()),
    );
    let (files, rows) = (files.map_err(failed)?, rows.map_err(failed)?);
    let mut out: Vec<u32> = files
        .into_no_null_iter()
        .zip(rows.into_no_null_iter())
        .filter_map(|(f, r)| {
            // A row index is u64 in a Polars built with big indexes.
            #[allow(clippy::unnecessary_cast)]
            let r = r as u32;
            index.entries.binary_search(&(f, r)).ok().map(|e| e as u32)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    Ok((out, df.height()))
}

/// The candidate rows, in file and row order: their `columns` read from the data files, and
/// the vector column from the index.
fn candidate_frame(
    lake: &Lake,
    ds: &DatasetVersion,
    index: &VectorIndexFile,
    column: &str,
    columns: &[String],
    mut entries: Vec<u32>,
) -> Result<(DataFrame, Vec<FileEntry>)> {
    entries.sort_unstable();
    let failed =
        |e: PolarsError| LakeError::QueryFailed(format!("reading {}'s nearest rows: {e}", ds.name));
    let others: Vec<polars::prelude::Expr> = columns
        .iter()
        .filter(|c| c.as_str() != column)
        .map(|c| col(c.as_str()))
        .collect();
    let mut parts: Vec<DataFrame> = Vec::new();
    let mut kept = Vec::new();
    let mut at = 0;
    let mut v = Vec::with_capacity(index.dim);
    while at < entries.len() {
        let file = index.entries[entries[at] as usize].0;
        let mut end = at;
        while end < entries.len() && index.entries[entries[end] as usize].0 == file {
            end += 1;
        }
        let group = &entries[at..end];
        at = end;
        let f = &ds.files[file as usize];
        kept.push(f.clone());
        let rows: Vec<IdxSize> = group
            .iter()
            .map(|e| index.entries[*e as usize].1 as IdxSize)
            .collect();
        let mut part = if others.is_empty() {
            DataFrame::empty_with_height(rows.len())
        } else {
            let all = lake
                .scan_files([f.path.as_str()])?
                .and_then(|lf| crate::storage::collect_shielded(lf.select(others.clone())))
                .map_err(failed)?;
            all.take(&IdxCa::from_vec("rows".into(), rows.clone()))
                .map_err(failed)?
        };
        let mut flat = Vec::with_capacity(group.len() * index.dim);
        for e in group {
            index.index.vector(*e, &mut v);
            flat.extend_from_slice(&v);
        }
        let vectors = Series::new(column.into(), flat)
            .reshape_array(&[
                ReshapeDimension::Infer,
                ReshapeDimension::new_dimension(index.dim as u64),
            ])
            .map_err(failed)?;
        part.with_column(vectors.into_column()).map_err(failed)?;
        parts.push(part);
    }
    let order: Vec<&str> = columns.iter().map(|c| c.as_str()).collect();
    let mut df = match parts.split_first_mut() {
        // No row passed the WHERE clause: no rows, with the table's columns.
        None => match ds.files.first() {
            None => DataFrame::empty(),
            Some(f) => lake
                .scan_files([f.path.as_str()])?
                .and_then(|lf| {
                    let all: Vec<polars::prelude::Expr> = order.iter().map(|c| col(*c)).collect();
                    crate::storage::collect_shielded(lf.select(all).limit(0))
                })
                .map_err(failed)?,
        },
        Some((first, rest)) => {
            for p in rest {
                first.vstack_mut(p).map_err(failed)?;
            }
            first.select(order).map_err(failed)?
        }
    };
    df.rechunk_mut();
    Ok((df, kept))
}
