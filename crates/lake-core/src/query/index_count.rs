//! An index-only count: `SELECT count(*) FROM t WHERE <spatial predicates>`, where every
//! condition tests one coordinate pair of `t` against a constant geometry, is answered from the
//! pair's R-tree alone when the version has one. The index holds each row's exact coordinates,
//! so the count is of the entries in the predicates' box that pass the same test the `ST_`
//! function makes; no data file is read. EXPLAIN shows it as an `IndexOnlyScan`.

use std::collections::HashMap;

use polars::prelude::*;
use sqlparser::ast::{Expr, GroupByExpr, SelectItem, SetExpr, Statement, TableFactor};

use super::spatial::{exact_conjunct, Exact};
use crate::catalog::{ColumnDef, DatasetVersion};
use crate::error::{LakeError, Result};
use crate::spatial::index::Target;
use crate::spatial::rtree::BBox;
use crate::Lake;

/// A count the R-tree may answer.
pub(super) struct IndexCount {
    /// The dataset.
    pub dataset: String,
    /// The output column's name.
    pub name: String,
    target: Target,
    bbox: BBox,
    tests: Vec<Exact>,
}

/// The statement as an index-only count, if it is one: one table, no joins, grouping, ordering,
/// limits or other output, and every condition a spatial predicate on one coordinate pair.
pub(super) fn detect(
    statement: &Statement,
    schemas: &HashMap<String, Vec<ColumnDef>>,
) -> Option<IndexCount> {
    let Statement::Query(q) = statement else {
        return None;
    };
    let plain_query = q.with.is_none()
        && q.order_by.is_none()
        && q.limit_clause.is_none()
        && q.fetch.is_none()
        && q.locks.is_empty()
        && q.for_clause.is_none()
        && q.settings.is_none()
        && q.format_clause.is_none()
        && q.pipe_operators.is_empty();
    let SetExpr::Select(s) = q.body.as_ref() else {
        return None;
    };
    let no_grouping =
        matches!(&s.group_by, GroupByExpr::Expressions(e, m) if e.is_empty() && m.is_empty());
    let plain_select = s.distinct.is_none()
        && s.top.is_none()
        && s.exclude.is_none()
        && s.into.is_none()
        && s.lateral_views.is_empty()
        && s.prewhere.is_none()
        && s.connect_by.is_empty()
        && s.cluster_by.is_empty()
        && s.distribute_by.is_empty()
        && s.sort_by.is_empty()
        && s.having.is_none()
        && s.named_window.is_empty()
        && s.qualify.is_none()
        && s.value_table_mode.is_none()
        && no_grouping
        && s.from.len() == 1
        && s.from[0].joins.is_empty()
        && matches!(&s.from[0].relation, TableFactor::Table { args: None, .. });
    if !(plain_query && plain_select) {
        return None;
    }
    let is_count =
        |e: &Expr| matches!(e, Expr::Function(_)) && e.to_string().eq_ignore_ascii_case("count(*)");
    let name = match s.projection.as_slice() {
        [SelectItem::UnnamedExpr(e)] if is_count(e) => "len".to_string(),
        [SelectItem::ExprWithAlias { expr, alias }] if is_count(expr) => alias.value.clone(),
        _ => return None,
    };
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
    let mut tests = Vec::new();
    for p in &parts {
        let (t, b, exact) = exact_conjunct(p, alias, sole, schema)?;
        if !matches!(t, Target::Points { .. }) || target.as_ref().is_some_and(|x| *x != t) {
            return None;
        }
        target = Some(t);
        bbox = [
            bbox[0].max(b[0]),
            bbox[1].max(b[1]),
            bbox[2].min(b[2]),
            bbox[3].min(b[3]),
        ];
        tests.push(exact);
    }
    Some(IndexCount {
        dataset: dataset.clone(),
        name,
        target: target?,
        bbox,
        tests,
    })
}

/// The count from the R-tree of `ds`, if it has a current one: the one-row answer, and the
/// candidates and entries the search saw.
pub(super) fn answer(
    lake: &Lake,
    ds: &DatasetVersion,
    ic: &IndexCount,
) -> Result<Option<(DataFrame, (u64, u64))>> {
    let Some(tree) = crate::spatial::index::open(lake, ds, &ic.target)? else {
        return Ok(None);
    };
    // When every test is against a rectangle, a point passes exactly when it lies inside each
    // (on the edges too where they count); a node wholly inside them all is counted whole.
    let rects: Option<Vec<(BBox, bool)>> = ic.tests.iter().map(Exact::as_rectangle).collect();
    let passes = |x: f64, y: f64| match &rects {
        Some(rs) => rs.iter().all(|(r, edges)| in_rect(r, *edges, x, y)),
        None => ic.tests.iter().all(|t| t.holds(x, y)),
    };
    let (mut n, mut candidates) = (0i64, 0u64);
    let whole = std::cell::Cell::new(0u64);
    if ic.bbox[0] <= ic.bbox[2] && ic.bbox[1] <= ic.bbox[3] {
        tree.search(
            &ic.bbox,
            &mut |node| {
                let b = &node.bbox;
                let all = rects.as_ref().is_some_and(|rs| {
                    rs.iter()
                        .all(|(r, e)| in_rect(r, *e, b[0], b[1]) && in_rect(r, *e, b[2], b[3]))
                });
                if all {
                    whole.set(whole.get() + node.below);
                }
                all
            },
            &mut |e| {
                candidates += 1;
                if passes(e.bbox[0], e.bbox[1]) {
                    n += 1;
                }
            },
        )?;
    }
    candidates += whole.get();
    n += whole.get() as i64;
    let df = DataFrame::new(1, vec![Column::new(ic.name.as_str().into(), [n])])
        .map_err(|e| LakeError::Internal(format!("the index-only count: {e}")))?;
    Ok(Some((df, (candidates, tree.len() as u64))))
}

/// Whether (x, y) lies inside `r` (on its edges too with `edges`).
fn in_rect(r: &BBox, edges: bool, x: f64, y: f64) -> bool {
    if edges {
        x >= r[0] && x <= r[2] && y >= r[1] && y <= r[3]
    } else {
        x > r[0] && x < r[2] && y > r[1] && y < r[3]
    }
}
