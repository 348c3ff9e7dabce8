//! Rewrites of the bound query that let Polars' SQL answer more and plan better:
//! - `[NOT] EXISTS` with one inequality correlation besides the keys (TPC-H Q21's
//!   `l2.l_suppkey <> l1.l_suppkey`) becomes a join with the per-key minimum and maximum;
//! - comma joins become explicit inner joins, ordered by sizes estimated from the catalog's
//!   statistics (Polars would join them in text order, through cross joins where two
//!   neighbours share no condition);
//! - conditions of a LEFT JOIN's ON that only name the right side move into the right side;
//! - a derived table's column list (`AS t (a, b)`) becomes aliases in its SELECT.
//!
//! Every rewrite keeps the query's meaning; a shape it cannot prove safe is left alone, for
//! Polars to run or to refuse.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, Expr, GroupByExpr, Ident, Join, JoinConstraint, JoinOperator, Query, Select,
    SelectItem, SetExpr, Statement, TableFactor, TableWithJoins, Visit, VisitMut, Visitor,
    VisitorMut,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

mod columns;
mod decorrelate;
mod joins;
mod relations;
#[cfg(test)]
mod tests;

// The parts take all of the above through `use super::*`.
use super::expr::{is_comparison, join_and, split_and};
use columns::*;
use decorrelate::*;
use joins::*;
use relations::*;

/// What the rewrites know of a dataset from the catalog.
#[derive(Debug, Clone, Default)]
pub struct TableStats {
    /// Column names, lower case.
    pub columns: Vec<String>,
    /// Rows in the current version.
    pub rows: u64,
    /// Estimated distinct values per column (lower case), where the statistics tell.
    pub distinct: HashMap<String, u64>,
}

/// Per dataset (as bound: lower case, unquoted).
pub type Stats = HashMap<String, TableStats>;

/// Rewrites `statement` in place and returns the names of the rules that changed it.
pub fn rewrite(statement: &mut Statement, stats: &Stats) -> Vec<String> {
    let Statement::Query(q) = statement else {
        return Vec::new();
    };
    let mut r = Rewriter {
        stats,
        ctes: HashMap::new(),
        next: 0,
        fired: Vec::new(),
        off: std::env::var("LAKE_REWRITES_OFF").unwrap_or_default(),
    };
    // A rule that meets a state it cannot handle breaks off the walk: the statement then runs
    // as written (slower, never a different answer).
    let original = q.clone();
    if VisitMut::visit(q.as_mut(), &mut r).is_break() {
        *q = original;
        return Vec::new();
    }
    r.fired
}

struct Rewriter<'a> {
    stats: &'a Stats,
    /// CTE name → its output columns, when known.
    ctes: HashMap<String, Option<HashSet<String>>>,
    next: usize,
    fired: Vec<String>,
    off: String,
}

impl Rewriter<'_> {
    fn fire(&mut self, rule: &str) {
        if !self.fired.iter().any(|r| r == rule) {
            self.fired.push(rule.to_string());
        }
    }
}

impl VisitorMut for Rewriter<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, q: &mut Query) -> ControlFlow<()> {
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                let cols = if cte.alias.columns.is_empty() {
                    output_columns(&cte.query, self)
                } else {
                    Some(
                        cte.alias
                            .columns
                            .iter()
                            .map(|c| c.name.value.to_lowercase())
                            .collect(),
                    )
                };
                self.ctes.insert(cte.alias.name.value.to_lowercase(), cols);
            }
        }
        ControlFlow::Continue(())
    }

    // Children first: a subquery is already rewritten when its parent looks at it.
    fn post_visit_query(&mut self, q: &mut Query) -> ControlFlow<()> {
        if let SetExpr::Select(select) = q.body.as_mut() {
            let projection_has_wildcard = select.projection.iter().any(|i| {
                matches!(
                    i,
                    SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..)
                )
            });
            let off = |k: &str| self.off == "all" || self.off.split(',').any(|o| o == k);
            let (a, b, c, d) = (
                off("columns"),
                off("left"),
                off("decorrelate"),
                off("joins"),
            );
            if !a {
                apply_column_lists(select, self);
            }
            if !b {
                push_left_join_conditions(select, self);
            }
            let left_joins = if c {
                Vec::new()
            } else {
                decorrelate(select, self)
            };
            if !d && plan_joins(select, self, left_joins, !projection_has_wildcard).is_none() {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }
}
