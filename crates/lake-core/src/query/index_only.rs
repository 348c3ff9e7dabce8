//! Index-only scans. A query on one table whose WHERE clause tests one coordinate pair against
//! constant geometries, and which reads no other column of the table, is answered from the
//! pair's R-tree when the version has one: the index holds each row's exact coordinates, as
//! SQLite's R*Tree does, so no data file is read.
//!
//! - `SELECT count(*) … WHERE <spatial tests>` is counted from the tree, with whole nodes
//!   inside a rectangle counted at once.
//! - Anything else (`sum(lon)`, `SELECT lon, lat … ORDER BY … LIMIT …`, grouping, other
//!   conditions on the pair) reads the entries that pass the tests into a frame of the pair's
//!   two columns, which stands in for the table; the tests are taken out of the WHERE clause
//!   and the rest of the query runs on that frame. Rows come in file order, as a scan gives
//!   them, unless the query only aggregates.
//!
//! EXPLAIN shows either as an `IndexOnlyScan`.

use std::collections::HashMap;
use std::ops::ControlFlow;

use polars::prelude::*;
use sqlparser::ast::{
    visit_expressions, Expr, GroupByExpr, Select, SelectItem, SetExpr, Statement,
};

use super::spatial::{exact_conjunct, Exact};
use crate::catalog::{ColumnDef, DatasetVersion};
use crate::error::{LakeError, Result};
use crate::spatial::index::Target;
use crate::spatial::rtree::{BBox, FlatRTree};
use crate::Lake;

/// What the R-tree stands in for.
pub(super) struct Covered {
    /// The dataset.
    pub dataset: String,
    /// The whole answer (a count), or the frame that replaces the table.
    pub frame: LazyFrame,
    /// Whether `frame` is the whole answer.
    pub whole: bool,
    /// The candidates the search saw, and the tree's entries.
    pub rtree: (u64, u64),
}

/// A query the R-tree may answer.
struct IndexOnly {
    dataset: String,
    target: Target,
    bbox: BBox,
    tests: Vec<Exact>,
    /// The conditions the tests leave, on the pair alone.
    rest: Option<Expr>,
    /// `SELECT count(*) [AS name]` with nothing else: the output column's name.
    count: Option<String>,
    /// Whether the query only aggregates, so the rows' order cannot matter.
    aggregates_only: bool,
}

/// Answers `statement` from an R-tree if it can: a count is the whole answer; otherwise the
/// tests are taken out of the statement and the returned frame stands in for the table.
pub(super) fn cover(
    lake: &Lake,
    versions: &HashMap<String, DatasetVersion>,
    statement: &mut Statement,
    schemas: &HashMap<String, Vec<ColumnDef>>,
) -> Result<Option<Covered>> {
    let Some(io) = detect(statement, schemas) else {
        return Ok(None);
    };
    let ds = &versions[&io.dataset];
    let Some(tree) = crate::spatial::index::open(lake, ds, &io.target)? else {
        return Ok(None);
    };
    let rtree_of = |candidates: u64| (candidates, tree.len() as u64);
    if let (Some(name), None) = (&io.count, &io.rest) {
        let (n, candidates) = count(&tree, &io)?;
        let df = DataFrame::new(1, vec![Column::new(name.as_str().into(), [n])])
            .map_err(|e| LakeError::Internal(format!("the index-only count: {e}")))?;
        return Ok(Some(Covered {
            dataset: io.dataset,
            frame: df.lazy(),
            whole: true,
            rtree: rtree_of(candidates),
        }));
    }
    let Target::Points { lon, lat } = &io.target else {
        return Ok(None);
    };
    // The pair's own types, so the frame is the table's two columns as a scan reads them.
    let Some(types) = pair_types(ds, lon, lat) else {
        return Ok(None);
    };
    let (xs, ys, candidates) = entries(&tree, &io)?;
    let column = |name: &str, v: Vec<f64>, t: &DataType| {
        Column::new(name.into(), v)
            .cast(t)
            .map_err(|e| LakeError::Internal(format!("the index-only scan of {name}: {e}")))
    };
    let n = xs.len();
    let df = DataFrame::new(
        n,
        vec![column(lon, xs, &types.0)?, column(lat, ys, &types.1)?],
    )
    .map_err(|e| LakeError::Internal(format!("the index-only scan: {e}")))?;
    let Statement::Query(q) = statement else {
        unreachable!("detect takes queries only")
    };
    let SetExpr::Select(s) = q.body.as_mut() else {
        unreachable!("detect takes SELECTs only")
    };
    s.selection = io.rest;
    Ok(Some(Covered {
        dataset: io.dataset,
        frame: df.lazy(),
        whole: false,
        rtree: rtree_of(candidates),
    }))
}

/// The statement as an index-only query, if it is one: one table and no subqueries, some
/// conditions that test one coordinate pair against constant geometries, and no other column
/// of the table read anywhere.
fn detect(statement: &Statement, schemas: &HashMap<String, Vec<ColumnDef>>) -> Option<IndexOnly> {
    let (q, s) = super::expr::single_table_select(statement)?;
    let (tables, sole) = super::bind::aliased_tables(s);
    let [(dataset, alias)] = tables.as_slice() else {
        return None;
    };
    let schema = schemas.get(dataset)?;
    let mut parts = Vec::new();
    super::expr::split_and(s.selection.clone()?, &mut parts);
    let mut target: Option<Target> = None;
    let mut bbox: BBox = [
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::INFINITY,
    ];
    let (mut tests, mut rest) = (Vec::new(), Vec::new());
    for p in parts {
        match exact_conjunct(&p, alias, sole, schema) {
            Some((t, b, exact))
                if matches!(t, Target::Points { .. })
                    && target.as_ref().is_none_or(|x| *x == t) =>
            {
                target = Some(t);
                bbox = [
                    bbox[0].max(b[0]),
                    bbox[1].max(b[1]),
                    bbox[2].min(b[2]),
                    bbox[3].min(b[3]),
                ];
                tests.push(exact);
            }
            _ => rest.push(p),
        }
    }
    let target = target?;
    let Target::Points { lon, lat } = &target else {
        return None;
    };
    if lon.eq_ignore_ascii_case(lat) || !reads_only(statement, schema, [lon, lat]) {
        return None;
    }
    Some(IndexOnly {
        dataset: dataset.clone(),
        target,
        bbox,
        tests,
        rest: super::expr::join_and(rest),
        count: count_only(q, s),
        aggregates_only: aggregates_only(s),
    })
}

/// Whether the statement reads no column of `schema` but `pair`, and has no subquery or `*`.
fn reads_only(statement: &Statement, schema: &[ColumnDef], pair: [&String; 2]) -> bool {
    let Statement::Query(q) = statement else {
        return false;
    };
    let SetExpr::Select(s) = q.body.as_ref() else {
        return false;
    };
    let star = s.projection.iter().any(|p| {
        matches!(
            p,
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..)
        )
    });
    let other = |name: &str| {
        schema.iter().any(|c| c.name.eq_ignore_ascii_case(name))
            && !pair.iter().any(|p| p.eq_ignore_ascii_case(name))
    };
    let found = visit_expressions(statement, |e| match e {
        Expr::Identifier(i) if other(&i.value) => ControlFlow::Break(()),
        Expr::CompoundIdentifier(p) if p.last().is_some_and(|i| other(&i.value)) => {
            ControlFlow::Break(())
        }
        Expr::Subquery(_) | Expr::InSubquery { .. } | Expr::Exists { .. } => ControlFlow::Break(()),
        _ => ControlFlow::Continue(()),
    });
    !star && found.is_continue()
}

/// `SELECT count(*) [AS name]` and nothing else: the output column's name.
fn count_only(q: &sqlparser::ast::Query, s: &Select) -> Option<String> {
    let plain = q.order_by.is_none()
        && q.limit_clause.is_none()
        && q.fetch.is_none()
        && s.distinct.is_none()
        && s.having.is_none()
        && s.named_window.is_empty()
        && s.qualify.is_none()
        && matches!(&s.group_by, GroupByExpr::Expressions(e, m) if e.is_empty() && m.is_empty());
    let is_count =
        |e: &Expr| matches!(e, Expr::Function(_)) && e.to_string().eq_ignore_ascii_case("count(*)");
    match s.projection.as_slice() {
        _ if !plain => None,
        [SelectItem::UnnamedExpr(e)] if is_count(e) => Some("len".to_string()),
        [SelectItem::ExprWithAlias { expr, alias }] if is_count(expr) => Some(alias.value.clone()),
        _ => None,
    }
}

/// Whether the SELECT gives one row of aggregates (so the order rows come in cannot matter).
fn aggregates_only(s: &Select) -> bool {
    let aggregate = |e: &Expr| match e {
        Expr::Function(f) => {
            super::expr::ORDER_FREE_AGGREGATES.contains(&f.name.to_string().to_lowercase().as_str())
        }
        _ => false,
    };
    let ungrouped =
        matches!(&s.group_by, GroupByExpr::Expressions(e, m) if e.is_empty() && m.is_empty());
    ungrouped
        && s.projection.iter().all(|p| match p {
            SelectItem::UnnamedExpr(e) => aggregate(e),
            SelectItem::ExprWithAlias { expr, .. } => aggregate(expr),
            _ => false,
        })
}

/// The pair's types as the catalog records them (Polars' names), when both are numbers a float
/// holds exactly.
fn pair_types(ds: &DatasetVersion, lon: &str, lat: &str) -> Option<(DataType, DataType)> {
    let exact = |name: &str| {
        let c = ds.schema.iter().find(|c| c.name == name)?;
        Some(match c.dtype.as_str() {
            "f64" => DataType::Float64,
            "f32" => DataType::Float32,
            "i8" => DataType::Int8,
            "i16" => DataType::Int16,
            "i32" => DataType::Int32,
            "u8" => DataType::UInt8,
            "u16" => DataType::UInt16,
            "u32" => DataType::UInt32,
            _ => return None,
        })
    };
    Some((exact(lon)?, exact(lat)?))
}

/// The rectangles of the tests, when every test is against one (with whether edges count).
fn rectangles(io: &IndexOnly) -> Option<Vec<(BBox, bool)>> {
    io.tests.iter().map(Exact::as_rectangle).collect()
}

fn passes(io: &IndexOnly, rects: &Option<Vec<(BBox, bool)>>, x: f64, y: f64) -> bool {
    match rects {
        Some(rs) => rs.iter().all(|(r, edges)| in_rect(r, *edges, x, y)),
        None => io.tests.iter().all(|t| t.holds(x, y)),
    }
}

/// Whether a node's box lies inside every rectangle, so all its entries pass.
fn all_inside(rects: &Option<Vec<(BBox, bool)>>, b: &BBox) -> bool {
    rects.as_ref().is_some_and(|rs| {
        rs.iter()
            .all(|(r, e)| in_rect(r, *e, b[0], b[1]) && in_rect(r, *e, b[2], b[3]))
    })
}

fn searchable(io: &IndexOnly) -> bool {
    io.bbox[0] <= io.bbox[2] && io.bbox[1] <= io.bbox[3]
}

/// The entries that pass every test, counted (nodes wholly inside counted whole), and the
/// candidates seen.
fn count(tree: &FlatRTree, io: &IndexOnly) -> Result<(i64, u64)> {
    let rects = rectangles(io);
    let (mut n, mut candidates) = (0i64, 0u64);
    let whole = std::cell::Cell::new(0u64);
    if searchable(io) {
        tree.search(
            &io.bbox,
            &mut |node| {
                let all = all_inside(&rects, &node.bbox);
                if all {
                    whole.set(whole.get() + node.below);
                }
                all
            },
            &mut |e| {
                candidates += 1;
                if passes(io, &rects, e.bbox[0], e.bbox[1]) {
                    n += 1;
                }
            },
        )?;
    }
    Ok((n + whole.get() as i64, candidates + whole.get()))
}

/// The coordinates of the entries that pass every test, in file order unless the query only
/// aggregates, and the candidates seen.
fn entries(tree: &FlatRTree, io: &IndexOnly) -> Result<(Vec<f64>, Vec<f64>, u64)> {
    let rects = rectangles(io);
    // A query that only aggregates takes the coordinates as the tree gives them; any other
    // keeps each entry's place in the files, to put them back in file order.
    let hits = std::cell::RefCell::new(Hits::default());
    let candidates = std::cell::Cell::new(0u64);
    let mut failed = None;
    let ordered = !io.aggregates_only;
    if searchable(io) {
        tree.search(
            &io.bbox,
            &mut |node| {
                if !all_inside(&rects, &node.bbox) {
                    return false;
                }
                match tree.entries_below(node) {
                    Ok(range) => {
                        candidates.set(candidates.get() + range.len() as u64);
                        let mut h = hits.borrow_mut();
                        h.reserve(range.len(), ordered);
                        for i in range {
                            h.push(tree.entry(i), ordered);
                        }
                    }
                    Err(e) => failed = Some(e),
                }
                true
            },
            &mut |e| {
                candidates.set(candidates.get() + 1);
                if passes(io, &rects, e.bbox[0], e.bbox[1]) {
                    hits.borrow_mut().push(e, ordered);
                }
            },
        )?;
    }
    if let Some(e) = failed {
        return Err(e);
    }
    let Hits {
        mut xs,
        mut ys,
        keys,
    } = hits.into_inner();
    if ordered {
        // Sorted together, so each value moves with its key in one pass of the memory.
        let mut rows: Vec<(u64, f64, f64)> = keys
            .into_iter()
            .zip(xs)
            .zip(ys)
            .map(|((k, x), y)| (k, x, y))
            .collect();
        rows.sort_unstable_by_key(|r| r.0);
        xs = rows.iter().map(|r| r.1).collect();
        ys = rows.iter().map(|r| r.2).collect();
    }
    Ok((xs, ys, candidates.get()))
}

/// The coordinates an index-only scan found, with each one's place in the files when the
/// rows' order matters.
#[derive(Default)]
struct Hits {
    xs: Vec<f64>,
    ys: Vec<f64>,
    keys: Vec<u64>,
}

impl Hits {
    fn reserve(&mut self, n: usize, ordered: bool) {
        self.xs.reserve(n);
        self.ys.reserve(n);
        if ordered {
            self.keys.reserve(n);
        }
    }

    fn push(&mut self, e: crate::spatial::rtree::Entry, ordered: bool) {
        self.xs.push(e.bbox[0]);
        self.ys.push(e.bbox[1]);
        if ordered {
            self.keys.push(key(e.file, e.row));
        }
    }
}

fn key(file: u32, row: u32) -> u64 {
    (file as u64) << 32 | row as u64
}

/// Whether (x, y) lies inside `r` (on its edges too with `edges`).
fn in_rect(r: &BBox, edges: bool, x: f64, y: f64) -> bool {
    if edges {
        x >= r[0] && x <= r[2] && y >= r[1] && y <= r[3]
    } else {
        x > r[0] && x < r[2] && y > r[1] && y < r[3]
    }
}
