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
    let _ = VisitMut::visit(q.as_mut(), &mut r);
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
            if !d {
                plan_joins(select, self, left_joins, !projection_has_wildcard);
            }
        }
        ControlFlow::Continue(())
    }
}

// ---------------------------------------------------------------------------------------------
// Relations and column ownership

/// One FROM item (a relation with its explicit joins) as the rewrites see it.
struct Unit {
    /// Aliases (lower case) of the relations in it.
    aliases: Vec<String>,
    /// All its columns, when known.
    columns: Option<HashSet<String>>,
    /// The dataset, when the unit is a single dataset.
    dataset: Option<String>,
    /// Estimated rows before any filter.
    rows: f64,
    /// The relations joined explicitly inside the unit after its first one (`a LEFT JOIN b
    /// ON …` has `b`): their aliases and columns (when known).
    trailing: Vec<(String, Option<HashSet<String>>)>,
}

fn object_name_text(tf: &TableFactor) -> Option<String> {
    match tf {
        TableFactor::Table { name, .. } => Some(
            name.0
                .iter()
                .filter_map(|p| p.as_ident().map(|i| i.value.clone()))
                .collect::<Vec<_>>()
                .join(".")
                .to_lowercase(),
        ),
        _ => None,
    }
}

/// Alias, columns and dataset of one relation.
fn relation(
    tf: &TableFactor,
    r: &Rewriter,
) -> (Option<String>, Option<HashSet<String>>, Option<String>) {
    match tf {
        TableFactor::Table {
            alias, args: None, ..
        } => {
            let name = object_name_text(tf).unwrap_or_default();
            let alias = alias
                .as_ref()
                .map(|a| a.name.value.to_lowercase())
                .unwrap_or_else(|| name.rsplit('.').next().unwrap_or(&name).to_string());
            if let Some(cols) = r.ctes.get(&name) {
                return (Some(alias), cols.clone(), None);
            }
            match r.stats.get(&name) {
                Some(s) => (
                    Some(alias),
                    Some(s.columns.iter().cloned().collect()),
                    Some(name),
                ),
                None => (Some(alias), None, None),
            }
        }
        TableFactor::Derived {
            subquery,
            alias: Some(a),
            ..
        } => {
            let cols = if a.columns.is_empty() {
                output_columns(subquery, r)
            } else {
                Some(
                    a.columns
                        .iter()
                        .map(|c| c.name.value.to_lowercase())
                        .collect(),
                )
            };
            (Some(a.name.value.to_lowercase()), cols, None)
        }
        _ => (None, None, None),
    }
}

fn units_of(from: &[TableWithJoins], r: &Rewriter) -> Option<Vec<Unit>> {
    from.iter()
        .map(|twj| {
            let mut aliases = Vec::new();
            let mut columns = Some(HashSet::new());
            let mut rows: f64 = 1.0;
            let mut dataset = None;
            let mut trailing = Vec::new();
            let all = std::iter::once(&twj.relation).chain(twj.joins.iter().map(|j| &j.relation));
            for (i, tf) in all.enumerate() {
                let (alias, cols, ds) = relation(tf, r);
                let alias = alias?;
                if i > 0 {
                    trailing.push((alias.clone(), cols.clone()));
                }
                aliases.push(alias);
                columns = match (columns, cols) {
                    (Some(mut a), Some(b)) => {
                        a.extend(b);
                        Some(a)
                    }
                    _ => None,
                };
                let n = relation_rows(tf, r);
                rows = rows.max(n);
                dataset = if i == 0 { ds } else { None };
            }
            Some(Unit {
                aliases,
                columns,
                dataset,
                rows,
                trailing,
            })
        })
        .collect()
}

/// Rows of a relation before filters: a dataset's rows; for a derived table or a CTE, the
/// largest dataset inside, a tenth of it when grouped.
fn relation_rows(tf: &TableFactor, r: &Rewriter) -> f64 {
    if let Some(name) = object_name_text(tf) {
        if let Some(s) = r.stats.get(&name) {
            return s.rows.max(1) as f64;
        }
    }
    struct Largest<'a> {
        stats: &'a Stats,
        rows: u64,
        grouped: bool,
    }
    impl Visitor for Largest<'_> {
        type Break = ();
        fn pre_visit_table_factor(&mut self, tf: &TableFactor) -> ControlFlow<()> {
            if let Some(n) = object_name_text(tf) {
                if let Some(s) = self.stats.get(&n) {
                    self.rows = self.rows.max(s.rows);
                }
            }
            ControlFlow::Continue(())
        }
        fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
            if let SetExpr::Select(s) = q.body.as_ref() {
                if matches!(&s.group_by, GroupByExpr::Expressions(v, _) if !v.is_empty()) {
                    self.grouped = true;
                }
            }
            ControlFlow::Continue(())
        }
    }
    let mut l = Largest {
        stats: r.stats,
        rows: 1000,
        grouped: false,
    };
    let _ = tf.visit(&mut l);
    if l.grouped {
        (l.rows as f64 / 10.0).max(1.0)
    } else {
        l.rows as f64
    }
}

/// The output column names of a query, when all are known.
fn output_columns(q: &Query, r: &Rewriter) -> Option<HashSet<String>> {
    let select = match q.body.as_ref() {
        SetExpr::Select(s) => s,
        SetExpr::SetOperation { left, .. } => {
            if let SetExpr::Select(s) = left.as_ref() {
                s
            } else {
                return None;
            }
        }
        _ => return None,
    };
    let mut out = HashSet::new();
    for item in &select.projection {
        match item {
            SelectItem::ExprWithAlias { alias, .. } => {
                out.insert(alias.value.to_lowercase());
            }
            SelectItem::UnnamedExpr(Expr::Identifier(i)) => {
                out.insert(i.value.to_lowercase());
            }
            SelectItem::UnnamedExpr(Expr::CompoundIdentifier(p)) => {
                out.insert(p.last()?.value.to_lowercase());
            }
            SelectItem::Wildcard(_) => {
                for u in units_of(&select.from, r)? {
                    out.extend(u.columns?);
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Unit(usize),
    /// Not a column of this scope: the enclosing query's.
    Outer,
    Unknown,
}

fn owner(e: &Expr, units: &[Unit]) -> Option<Owner> {
    match e {
        Expr::Identifier(i) => {
            let name = i.value.to_lowercase();
            let hits: Vec<usize> = units
                .iter()
                .enumerate()
                .filter(|(_, u)| u.columns.as_ref().is_some_and(|c| c.contains(&name)))
                .map(|(i, _)| i)
                .collect();
            Some(match hits.as_slice() {
                [one] => Owner::Unit(*one),
                [] if units.iter().all(|u| u.columns.is_some()) => Owner::Outer,
                _ => Owner::Unknown,
            })
        }
        Expr::CompoundIdentifier(p) if p.len() == 2 => {
            let q = p[0].value.to_lowercase();
            Some(match units.iter().position(|u| u.aliases.contains(&q)) {
                Some(i) => Owner::Unit(i),
                None => Owner::Outer,
            })
        }
        Expr::CompoundIdentifier(_) => Some(Owner::Unknown),
        Expr::Nested(inner) => owner(inner, units),
        _ => None,
    }
}

/// The owners of the columns an expression names, outside its subqueries, and whether it
/// holds a subquery.
fn owners(e: &Expr, units: &[Unit]) -> (Vec<Owner>, bool) {
    struct Walk<'u> {
        units: &'u [Unit],
        depth: usize,
        out: Vec<Owner>,
        subquery: bool,
    }
    impl Visitor for Walk<'_> {
        type Break = ();
        fn pre_visit_query(&mut self, _q: &Query) -> ControlFlow<()> {
            self.depth += 1;
            self.subquery = true;
            ControlFlow::Continue(())
        }
        fn post_visit_query(&mut self, _q: &Query) -> ControlFlow<()> {
            self.depth -= 1;
            ControlFlow::Continue(())
        }
        fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
            if self.depth == 0 && matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) {
                if let Some(o) = owner(e, self.units) {
                    self.out.push(o);
                }
            }
            ControlFlow::Continue(())
        }
    }
    let mut w = Walk {
        units,
        depth: 0,
        out: Vec::new(),
        subquery: false,
    };
    let _ = e.visit(&mut w);
    (w.out, w.subquery)
}

/// The conjuncts of a condition, parentheses removed ([`join_and`] puts them back around ORs).
pub(crate) fn split_and(e: Expr, out: &mut Vec<Expr>) {
    match e {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            split_and(*left, out);
            split_and(*right, out);
        }
        Expr::Nested(inner) => split_and(*inner, out),
        other => out.push(other),
    }
}

fn join_and(parts: Vec<Expr>) -> Option<Expr> {
    parts
        .into_iter()
        .map(|p| match p {
            Expr::BinaryOp {
                op: BinaryOperator::Or,
                ..
            } => Expr::Nested(Box::new(p)),
            p => p,
        })
        .reduce(|a, b| Expr::BinaryOp {
            left: Box::new(a),
            op: BinaryOperator::And,
            right: Box::new(b),
        })
}

fn parse_expr(sql: &str) -> Option<Expr> {
    Parser::new(&GenericDialect {})
        .try_with_sql(sql)
        .ok()?
        .parse_expr()
        .ok()
}

fn parse_relation(sql: &str) -> Option<TableFactor> {
    let mut st = Parser::parse_sql(&GenericDialect {}, &format!("SELECT * FROM {sql}")).ok()?;
    let Statement::Query(q) = st.pop()? else {
        return None;
    };
    let SetExpr::Select(s) = *q.body else {
        return None;
    };
    s.from.into_iter().next().map(|t| t.relation)
}

fn is_plain_column(e: &Expr) -> bool {
    matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
}

// ---------------------------------------------------------------------------------------------
// Derived-table column lists and LEFT JOIN conditions

/// `(SELECT a, count(b) FROM …) AS t (x, y)` → `(SELECT a AS x, count(b) AS y FROM …) AS t`.
fn apply_column_lists(select: &mut Select, r: &mut Rewriter) {
    for twj in &mut select.from {
        let all =
            std::iter::once(&mut twj.relation).chain(twj.joins.iter_mut().map(|j| &mut j.relation));
        for tf in all {
            let TableFactor::Derived {
                subquery,
                alias: Some(a),
                ..
            } = tf
            else {
                continue;
            };
            if a.columns.is_empty() {
                continue;
            }
            let SetExpr::Select(inner) = subquery.body.as_mut() else {
                continue;
            };
            if inner.projection.len() != a.columns.len()
                || inner.projection.iter().any(|i| {
                    matches!(
                        i,
                        SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..)
                    )
                })
            {
                continue;
            }
            for (item, col) in inner.projection.iter_mut().zip(&a.columns) {
                let expr = match std::mem::replace(
                    item,
                    SelectItem::UnnamedExpr(Expr::value(sqlparser::ast::Value::Null)),
                ) {
                    SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e,
                    other => {
                        *item = other;
                        continue;
                    }
                };
                *item = SelectItem::ExprWithAlias {
                    expr,
                    alias: col.name.clone(),
                };
            }
            a.columns.clear();
            r.fire("derived_column_aliases");
        }
    }
}

/// `a LEFT JOIN b ON a.k = b.k AND b.x LIKE '…'` → `a LEFT JOIN (SELECT * FROM b WHERE b.x
/// LIKE '…') AS b ON a.k = b.k`: Polars' joins take only equalities in ON.
fn push_left_join_conditions(select: &mut Select, r: &mut Rewriter) {
    for twj in &mut select.from {
        for j in &mut twj.joins {
            let (JoinOperator::Left(JoinConstraint::On(on))
            | JoinOperator::LeftOuter(JoinConstraint::On(on))) = &mut j.join_operator
            else {
                continue;
            };
            let (Some(alias), Some(columns), Some(_)) = relation(&j.relation, r) else {
                continue;
            };
            let right = [Unit {
                trailing: Vec::new(),
                aliases: vec![alias.clone()],
                columns: Some(columns),
                dataset: None,
                rows: 0.0,
            }];
            let mut parts = Vec::new();
            split_and(on.clone(), &mut parts);
            let (right_only, keep): (Vec<Expr>, Vec<Expr>) = parts.into_iter().partition(|p| {
                let (o, sub) = owners(p, &right);
                !sub && !o.is_empty() && o.iter().all(|o| *o == Owner::Unit(0))
            });
            if right_only.is_empty() || keep.is_empty() {
                continue;
            }
            let filter = join_and(right_only).expect("not empty");
            let Some(pushed) = parse_relation(&format!(
                "(SELECT * FROM {} WHERE {filter}) AS {}",
                j.relation,
                Ident::with_quote('"', alias.clone())
            )) else {
                continue;
            };
            *on = join_and(keep).expect("not empty");
            j.relation = pushed;
            r.fire("left_join_condition_pushdown");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Decorrelation

/// A subquery's WHERE, split by how it reaches out of its own FROM.
struct Correlation {
    /// `inner = outer` pairs.
    keys: Vec<(Expr, Expr)>,
    /// `inner op outer` comparisons other than `=`, with the inner column on the left.
    others: Vec<(Expr, BinaryOperator, Expr)>,
    /// Conditions on the subquery's own columns.
    local: Vec<Expr>,
}

fn flip(op: &BinaryOperator) -> BinaryOperator {
    match op {
        BinaryOperator::Lt => BinaryOperator::Gt,
        BinaryOperator::LtEq => BinaryOperator::GtEq,
        BinaryOperator::Gt => BinaryOperator::Lt,
        BinaryOperator::GtEq => BinaryOperator::LtEq,
        o => o.clone(),
    }
}

fn correlation(select: &Select, r: &Rewriter) -> Option<Correlation> {
    let units = units_of(&select.from, r)?;
    if units.iter().any(|u| u.columns.is_none()) || select.from.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if let Some(w) = &select.selection {
        split_and(w.clone(), &mut parts);
    }
    let mut c = Correlation {
        keys: Vec::new(),
        others: Vec::new(),
        local: Vec::new(),
    };
    for p in parts {
        let (o, _) = owners(&p, &units);
        if !o.contains(&Owner::Outer) {
            c.local.push(p);
            continue;
        }
        let Expr::BinaryOp { left, op, right } = &p else {
            return None;
        };
        if !super::bind::is_comparison(op) || !is_plain_column(left) || !is_plain_column(right) {
            return None;
        }
        let (lo, ro) = (owner(left, &units)?, owner(right, &units)?);
        let (inner, op, outer) = match (lo, ro) {
            (Owner::Unit(_), Owner::Outer) => {
                (left.as_ref().clone(), op.clone(), right.as_ref().clone())
            }
            (Owner::Outer, Owner::Unit(_)) => {
                (right.as_ref().clone(), flip(op), left.as_ref().clone())
            }
            _ => return None,
        };
        if op == BinaryOperator::Eq {
            c.keys.push((inner, outer));
        } else {
            c.others.push((inner, op, outer));
        }
    }
    Some(c)
}

fn simple_subquery(q: &Query) -> Option<&Select> {
    if q.with.is_some() || q.order_by.is_some() || q.limit_clause.is_some() || q.fetch.is_some() {
        return None;
    }
    let SetExpr::Select(s) = q.body.as_ref() else {
        return None;
    };
    let grouped = match &s.group_by {
        GroupByExpr::Expressions(v, m) => !v.is_empty() || !m.is_empty(),
        GroupByExpr::All(_) => true,
    };
    if grouped || s.having.is_some() || s.qualify.is_some() || s.top.is_some() {
        return None;
    }
    Some(s)
}

struct Derived {
    /// The derived table, for the outer FROM.
    relation: TableFactor,
    /// `outer = key` conditions.
    on: Vec<Expr>,
    /// The derived table's name.
    name: String,
}

fn grouped_derived(
    n: usize,
    select: &Select,
    c: &Correlation,
    values: &[(String, String)],
    key_filter: Option<String>,
) -> Option<Derived> {
    let name = format!("__sq{n}");
    let mut items = Vec::new();
    let mut group = Vec::new();
    let mut on = Vec::new();
    for (i, (inner, outer)) in c.keys.iter().enumerate() {
        items.push(format!("{inner} AS {name}_k{i}"));
        group.push(inner.to_string());
        on.push(parse_expr(&format!("{outer} = {name}_k{i}"))?);
    }
    for (expr, col) in values {
        items.push(format!("{expr} AS {name}_{col}"));
    }
    let from: Vec<String> = select.from.iter().map(|t| t.to_string()).collect();
    let filter = join_and(c.local.clone())
        .map(|w| format!(" WHERE {w}"))
        .unwrap_or_default();
    let sql = format!(
        "(SELECT {} FROM {}{}{filter} GROUP BY {}) AS {name}",
        items.join(", "),
        from.join(", "),
        key_filter.unwrap_or_default(),
        group.join(", ")
    );
    Some(Derived {
        relation: parse_relation(&sql)?,
        on,
        name,
    })
}

/// The query a correlated subquery sits in: its FROM items and WHERE conjuncts.
struct Outer<'a> {
    units: Option<Vec<Unit>>,
    from: &'a [TableWithJoins],
    parts: &'a [Expr],
}

/// Whether a subquery names only its own columns (it can run on its own).
fn uncorrelated(q: &Query, r: &Rewriter) -> bool {
    let SetExpr::Select(s) = q.body.as_ref() else {
        return false;
    };
    let Some(units) = units_of(&s.from, r) else {
        return false;
    };
    if units.iter().any(|u| u.columns.is_none()) {
        return false;
    }
    let mut exprs: Vec<&Expr> = s.selection.iter().chain(s.having.iter()).collect();
    for item in &s.projection {
        match item {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => exprs.push(e),
            _ => {}
        }
    }
    if let GroupByExpr::Expressions(v, _) = &s.group_by {
        exprs.extend(v.iter());
    }
    exprs.into_iter().all(|e| {
        !owners(e, &units)
            .0
            .iter()
            .any(|o| matches!(o, Owner::Outer | Owner::Unknown))
    })
}

/// Sideways information passing: when the outer relation that holds a correlation key is
/// filtered (TPC-H Q17's `part` by brand and container), the derived table only needs the keys
/// that pass, so its FROM gets `LEFT SEMI JOIN (SELECT key FROM relation WHERE filters)` and it
/// groups a fraction of the rows. Exact: the derived table is only ever joined on that key,
/// with outer rows that pass the same filters. The clause's text, for [`grouped_derived`].
fn key_filter(
    c: &Correlation,
    inner_from: &[TableWithJoins],
    outer: &Outer,
    r: &mut Rewriter,
) -> Option<String> {
    if inner_from.len() != 1 {
        return None; // the semi join would bind to the last FROM item only
    }
    let units = outer.units.as_ref()?;
    for (inner, outer_key) in &c.keys {
        let Some(Owner::Unit(u)) = owner(outer_key, units) else {
            continue;
        };
        let twj = &outer.from[u];
        if !twj.joins.is_empty() || units[u].dataset.is_none() {
            continue;
        }
        let mut filters = Vec::new();
        let mut sel = 1.0;
        for p in outer.parts {
            let (o, sub) = owners(p, units);
            if o.is_empty() || o.iter().any(|o| *o != Owner::Unit(u)) {
                continue;
            }
            if sub {
                // Only an uncorrelated IN (subquery) is a plain filter.
                let Expr::InSubquery { subquery, .. } = p else {
                    continue;
                };
                if !uncorrelated(subquery, r) {
                    continue;
                }
            }
            sel *= selectivity(p, &units[u], r.stats);
            filters.push(p.clone());
        }
        if filters.is_empty() || sel > 0.2 {
            continue;
        }
        let w = join_and(filters)?;
        let name = format!("__sq{}", r.next);
        r.next += 1;
        return Some(format!(
            " LEFT SEMI JOIN (SELECT DISTINCT {outer_key} AS {name}_k FROM {} WHERE {w}) AS {name} \
             ON {inner} = {name}_k",
            twj.relation
        ));
    }
    None
}

/// `[NOT] EXISTS (SELECT … WHERE inner.k = outer.k AND inner.s < outer.s …)`: the derived
/// table of per-key minimum (for `<`; maximum for `>`) of `s`, and the test on it. `<>` (TPC-H Q21) is left
/// to Polars, which since 2.1 decorrelates it itself as a join with a fused predicate; measured
/// on SF1, that is faster than the two aggregates here (Q21 0.28 s against 0.50 s), while for
/// `<`/`>` the single minimum or maximum stays ahead (0.36 s against 0.59 s).
fn decorrelate_exists(
    q: &Query,
    negated: bool,
    ctx: &Outer,
    r: &mut Rewriter,
) -> Option<(Derived, Expr)> {
    let s = simple_subquery(q)?;
    let c = correlation(s, r)?;
    let [(inner, op, outer)] = c.others.as_slice() else {
        return None;
    };
    // The one aggregate the test needs: some inner value below the outer one exists when the
    // smallest is, above when the largest is.
    let agg = match op {
        BinaryOperator::Lt | BinaryOperator::LtEq => "min",
        BinaryOperator::Gt | BinaryOperator::GtEq => "max",
        _ => return None,
    };
    if c.keys.is_empty() {
        return None;
    }
    let filter = key_filter(&c, &s.from, ctx, r);
    let filtered = filter.is_some();
    let n = r.next;
    let d = grouped_derived(n, s, &c, &[(format!("{agg}({inner})"), agg.into())], filter)?;
    let test = format!("{}_{agg} {op} {outer}", d.name);
    let test = if negated {
        format!("NOT COALESCE({test}, FALSE)")
    } else {
        test
    };
    let test = parse_expr(&test)?;
    r.next += 1;
    r.fire("decorrelate_exists");
    if filtered {
        r.fire("subquery_key_filter");
    }
    Some((d, test))
}

/// Turns the correlated subqueries of `select`'s WHERE into joins: inner ones are added to
/// FROM (with their conditions in WHERE), left ones are returned for [`plan_joins`].
fn decorrelate(select: &mut Select, r: &mut Rewriter) -> Vec<(TableFactor, Vec<Expr>)> {
    let mut left = Vec::new();
    let Some(w) = select.selection.take() else {
        return left;
    };
    // Left joins can only go after a FROM that plan_joins can flatten.
    let units = units_of(&select.from, r);
    let flattenable = select.from.iter().skip(1).all(|t| t.joins.is_empty()) && units.is_some();
    let mut parts = Vec::new();
    split_and(w, &mut parts);
    let all = parts.clone();
    let from = select.from.clone();
    let outer = Outer {
        units,
        from: &from,
        parts: &all,
    };
    let mut out = Vec::new();
    for p in parts {
        // Correlated scalar subqueries (`x < (SELECT avg(y) … WHERE t.k = o.k)`) are left to
        // Polars, which since 2.1 decorrelates them itself: measured on SF1 against the grouped
        // join this rewrite used to build, TPC-H Q2 0.84-0.91x, Q20 0.82-0.93x, Q17 1.0x.
        let Expr::Exists { subquery, negated } = &p else {
            out.push(p);
            continue;
        };
        let negated = *negated;
        let done = if negated && !flattenable {
            None
        } else {
            decorrelate_exists(subquery, negated, &outer, r)
        };
        match done {
            Some((d, test)) if negated => {
                left.push((d.relation, d.on));
                out.push(test);
            }
            Some((d, test)) => {
                select.from.push(TableWithJoins {
                    relation: d.relation,
                    joins: Vec::new(),
                });
                out.extend(d.on);
                out.push(test);
            }
            None => out.push(p),
        }
    }
    select.selection = join_and(out);
    left
}

// ---------------------------------------------------------------------------------------------
// Join planning

/// Selectivity guesses for a condition on one relation.
fn selectivity(e: &Expr, unit: &Unit, stats: &Stats) -> f64 {
    let distinct = |c: &Expr| -> Option<f64> {
        let name = match c {
            Expr::Identifier(i) => i.value.to_lowercase(),
            Expr::CompoundIdentifier(p) => p.last()?.value.to_lowercase(),
            _ => return None,
        };
        stats
            .get(unit.dataset.as_ref()?)?
            .distinct
            .get(&name)
            .map(|d| *d as f64)
    };
    match e {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } => distinct(left)
            .or_else(|| distinct(right))
            .map(|d| 1.0 / d.max(1.0))
            .unwrap_or(0.1),
        Expr::BinaryOp { op, .. } if super::bind::is_comparison(op) => 0.33,
        Expr::Between { negated: false, .. } => 0.25,
        Expr::Like { negated: false, .. } | Expr::ILike { negated: false, .. } => 0.2,
        Expr::Like { negated: true, .. } | Expr::ILike { negated: true, .. } => 0.9,
        Expr::InList {
            list,
            negated: false,
            expr,
        } => (list.len() as f64 / distinct(expr).unwrap_or(10.0)).min(1.0),
        Expr::Nested(inner) => selectivity(inner, unit, stats),
        Expr::InSubquery { negated: false, .. } => 0.2,
        _ => 0.5,
    }
}

fn column_distinct(e: &Expr, unit: &Unit, stats: &Stats) -> f64 {
    let name = match e {
        Expr::Identifier(i) => Some(i.value.to_lowercase()),
        Expr::CompoundIdentifier(p) => p.last().map(|i| i.value.to_lowercase()),
        _ => None,
    };
    name.and_then(|n| {
        stats
            .get(unit.dataset.as_ref()?)?
            .distinct
            .get(&n)
            .map(|d| *d as f64)
    })
    .unwrap_or(unit.rows)
    .max(1.0)
}

struct Edge {
    a: usize,
    b: usize,
    /// Distinct values of the key on the larger side, the join's divisor.
    divisor: f64,
    cond: usize,
}

fn split_or(e: &Expr, out: &mut Vec<Expr>) {
    match e {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Or,
            right,
        } => {
            split_or(left, out);
            split_or(right, out);
        }
        Expr::Nested(inner) => split_or(inner, out),
        other => out.push(other.clone()),
    }
}

/// `(a AND b) OR (a AND c)` → `a AND (b OR c)`, so a join condition repeated in every branch
/// (TPC-H Q19's `p_partkey = l_partkey`) becomes a join key instead of a cross join's filter;
/// and, per relation, the OR of each branch's conditions on it alone is added as a filter that
/// relation's scan can apply (implied, so the original OR stays).
fn factor_ors(parts: &mut Vec<Expr>, units: &[Unit]) -> bool {
    let mut changed = false;
    let mut out = Vec::new();
    for p in std::mem::take(parts) {
        let mut branches = Vec::new();
        split_or(&p, &mut branches);
        if branches.len() < 2 {
            out.push(p);
            continue;
        }
        let mut conj: Vec<Vec<Expr>> = branches
            .into_iter()
            .map(|b| {
                let mut v = Vec::new();
                split_and(b, &mut v);
                v
            })
            .collect();
        let text = |e: &Expr| e.to_string();
        let common: Vec<Expr> = conj[0]
            .iter()
            .filter(|c| {
                conj[1..]
                    .iter()
                    .all(|b| b.iter().any(|x| text(x) == text(c)))
            })
            .cloned()
            .collect();
        let mut rest = p.clone();
        if !common.is_empty() {
            changed = true;
            let names: HashSet<String> = common.iter().map(text).collect();
            for b in &mut conj {
                b.retain(|x| !names.contains(&text(x)));
            }
            out.extend(common);
            if conj.iter().any(|b| b.is_empty()) {
                continue; // one branch is now TRUE: so is the OR
            }
            rest = Expr::Nested(Box::new(
                conj.iter()
                    .map(|b| Expr::Nested(Box::new(join_and(b.clone()).expect("not empty"))))
                    .reduce(|a, b| Expr::BinaryOp {
                        left: Box::new(a),
                        op: BinaryOperator::Or,
                        right: Box::new(b),
                    })
                    .expect("two branches"),
            ));
        }
        for u in 0..units.len() {
            let only_u: Vec<Vec<Expr>> = conj
                .iter()
                .map(|b| {
                    b.iter()
                        .filter(|x| {
                            let (o, sub) = owners(x, units);
                            !sub && !o.is_empty() && o.iter().all(|o| *o == Owner::Unit(u))
                        })
                        .cloned()
                        .collect()
                })
                .collect();
            let all_u = conj.iter().zip(&only_u).all(|(b, o)| b.len() == o.len());
            if only_u.iter().any(Vec::is_empty) || all_u {
                continue; // some branch says nothing about u alone, or the OR is u's already
            }
            changed = true;
            out.push(Expr::Nested(Box::new(
                only_u
                    .into_iter()
                    .map(|b| Expr::Nested(Box::new(join_and(b).expect("not empty"))))
                    .reduce(|a, b| Expr::BinaryOp {
                        left: Box::new(a),
                        op: BinaryOperator::Or,
                        right: Box::new(b),
                    })
                    .expect("two branches"),
            )));
        }
        out.push(rest);
    }
    *parts = out;
    changed
}

/// `col IN (SELECT x FROM … GROUP BY … HAVING …)`, uncorrelated, on one relation's column: the
/// subquery as a derived table for a semi join on that relation. Polars would otherwise run
/// such an IN (one it cannot turn into a join itself) as a filter after all the joins (TPC-H
/// Q18 joined 6 M rows before keeping 399).
fn semi_join(p: &Expr, units: &[Unit], r: &mut Rewriter) -> Option<(usize, TableFactor, Expr)> {
    let Expr::InSubquery {
        expr,
        subquery,
        negated: false,
    } = p
    else {
        return None;
    };
    if !is_plain_column(expr) || !uncorrelated(subquery, r) {
        return None;
    }
    let Some(Owner::Unit(u)) = owner(expr, units) else {
        return None;
    };
    let mut q = subquery.clone();
    let SetExpr::Select(s) = q.body.as_mut() else {
        return None;
    };
    let [item] = s.projection.as_mut_slice() else {
        return None;
    };
    let e = match item {
        SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e.clone(),
        _ => return None,
    };
    let name = format!("__sq{}", r.next);
    *item = SelectItem::ExprWithAlias {
        expr: e,
        alias: Ident::new(format!("{name}_k")),
    };
    let relation = parse_relation(&format!("({q}) AS {name}"))?;
    let on = parse_expr(&format!("{expr} = {name}_k"))?;
    r.next += 1;
    r.fire("in_subquery_to_semi_join");
    Some((u, relation, on))
}

/// Orders the FROM items of `select` into one chain of explicit joins (smallest estimated
/// intermediate results first, when `reorder`), with the conditions that link them in ON, and
/// appends `left_joins`.
/// Whether `e` may name a column of a relation joined inside `unit` after its first one (and
/// so cannot be a condition of the join that brings in the unit's first relation).
fn names_trailing(e: &Expr, unit: &Unit) -> bool {
    if unit.trailing.is_empty() {
        return false;
    }
    let mut hit = false;
    let _ = sqlparser::ast::visit_expressions(e, |x| {
        let named = match x {
            Expr::CompoundIdentifier(p) if p.len() == 2 => {
                let q = p[0].value.to_lowercase();
                unit.trailing.iter().any(|(a, _)| *a == q)
            }
            Expr::Identifier(i) => {
                let name = i.value.to_lowercase();
                unit.trailing
                    .iter()
                    .any(|(_, c)| c.as_ref().is_none_or(|c| c.contains(&name)))
            }
            _ => false,
        };
        if named {
            hit = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    hit
}

/// `FROM (a JOIN b ON …) JOIN c ON …, d`: a parenthesised join at the head of a FROM item is
/// the same as its joins written out (joins associate to the left), which the rewrites below
/// and Polars both handle.
fn flatten_nested_head(twj: TableWithJoins, changed: &mut bool) -> TableWithJoins {
    match twj.relation {
        TableFactor::NestedJoin {
            table_with_joins,
            alias: None,
        } => {
            *changed = true;
            let inner = flatten_nested_head(*table_with_joins, changed);
            let mut joins = inner.joins;
            joins.extend(twj.joins);
            TableWithJoins {
                relation: inner.relation,
                joins,
            }
        }
        relation => TableWithJoins {
            relation,
            joins: twj.joins,
        },
    }
}

fn plan_joins(
    select: &mut Select,
    r: &mut Rewriter,
    left_joins: Vec<(TableFactor, Vec<Expr>)>,
    reorder: bool,
) {
    if select.from.len() <= 1 && left_joins.is_empty() {
        return;
    }
    if select.from.is_empty() {
        return;
    }
    let mut flattened = false;
    select.from = std::mem::take(&mut select.from)
        .into_iter()
        .map(|t| flatten_nested_head(t, &mut flattened))
        .collect();
    if flattened {
        r.fire("nested_joins_flattened");
    }
    let Some(units) = units_of(&select.from, r) else {
        return;
    };
    let mut parts = Vec::new();
    if let Some(w) = select.selection.take() {
        split_and(w, &mut parts);
    }
    if factor_ors(&mut parts, &units) {
        r.fire("or_factoring");
    }
    let n = units.len();
    let mut est: Vec<f64> = units.iter().map(|u| u.rows).collect();
    // `col IN (uncorrelated subquery)` on one relation: a semi join right after it joins.
    let mut semi: Vec<Vec<(TableFactor, Expr)>> = (0..n).map(|_| Vec::new()).collect();
    let mut kept = Vec::new();
    for p in parts {
        if let Some((u, relation, on)) = semi_join(&p, &units, r) {
            est[u] *= 0.2;
            semi[u].push((relation, on));
        } else {
            kept.push(p);
        }
    }
    let parts = kept;
    let mut edges = Vec::new();
    // Per unit, its own conditions; and the conditions across units.
    let mut local: Vec<Vec<usize>> = (0..n).map(|_| Vec::new()).collect();
    let mut cross: Vec<usize> = Vec::new();
    for (ci, p) in parts.iter().enumerate() {
        let (o, sub) = owners(p, &units);
        if sub || o.is_empty() || o.iter().any(|o| !matches!(o, Owner::Unit(_))) {
            continue;
        }
        let set: HashSet<usize> = o
            .iter()
            .filter_map(|o| match o {
                Owner::Unit(i) => Some(*i),
                _ => None,
            })
            .collect();
        if set.len() == 1 {
            let u = *set.iter().next().expect("one");
            est[u] *= selectivity(p, &units[u], r.stats);
            local[u].push(ci);
            continue;
        }
        cross.push(ci);
        if let Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } = p
        {
            let (lo, _) = owners(left, &units);
            let (ro, _) = owners(right, &units);
            if let ([Owner::Unit(a)], [Owner::Unit(b)]) = (lo.as_slice(), ro.as_slice()) {
                if a != b {
                    let divisor = column_distinct(left, &units[*a], r.stats)
                        .max(column_distinct(right, &units[*b], r.stats));
                    edges.push(Edge {
                        a: *a,
                        b: *b,
                        divisor,
                        cond: ci,
                    });
                }
            }
        }
    }
    let est: Vec<f64> = est.into_iter().map(|e| e.max(1.0)).collect();
    // Polars keeps every WHERE condition above the joins when one of them spans two relations
    // and is not a join key (TPC-H Q19's OR): each relation's own conditions then move into it,
    // as `(SELECT * FROM t WHERE …) AS t`, so its scan filters.
    let mut used = vec![false; parts.len()];
    let residual_cross = cross.iter().any(|c| !edges.iter().any(|e| e.cond == *c));
    if residual_cross {
        for (u, conds) in local.iter().enumerate() {
            let twj = &mut select.from[u];
            if conds.is_empty()
                || !twj.joins.is_empty()
                || !matches!(twj.relation, TableFactor::Table { .. })
                || units[u].dataset.is_none()
            {
                continue;
            }
            let w = join_and(conds.iter().map(|c| parts[*c].clone()).collect()).expect("not empty");
            let alias = units[u].aliases[0].clone();
            let TableFactor::Table { name, .. } = &twj.relation else {
                continue;
            };
            let Some(wrapped) = parse_relation(&format!(
                "(SELECT * FROM {name} AS {} WHERE {w}) AS {}",
                Ident::with_quote('"', alias.clone()),
                Ident::with_quote('"', alias.clone())
            )) else {
                continue;
            };
            twj.relation = wrapped;
            for c in conds {
                used[*c] = true;
            }
            r.fire("filters_into_join_inputs");
        }
    }
    // Left-deep greedy orders from every start; the cheapest (sum of estimated intermediate
    // rows) wins. Without reordering, the text order.
    let order_from = |start: usize| -> (Vec<usize>, f64) {
        let mut order = vec![start];
        let mut cur = est[start];
        let mut cost = cur;
        while order.len() < n {
            let mut best: Option<(usize, f64)> = None;
            for u in (0..n).filter(|u| !order.contains(u)) {
                let divisor = edges
                    .iter()
                    .filter(|e| {
                        (e.a == u && order.contains(&e.b)) || (e.b == u && order.contains(&e.a))
                    })
                    .map(|e| e.divisor)
                    .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.max(d))));
                let out = match divisor {
                    Some(d) => cur * est[u] / d,
                    None => cur * est[u] * 1e6, // a cross join: last resort
                };
                if best.is_none_or(|(_, b)| out < b) {
                    best = Some((u, out));
                }
            }
            let (u, out) = best.expect("a unit is left");
            order.push(u);
            cur = out;
            cost += out;
        }
        (order, cost)
    };
    let order = if reorder {
        (0..n)
            .map(order_from)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(o, _)| o)
            .unwrap_or_default()
    } else {
        (0..n).collect()
    };
    let mut joined: Vec<usize> = Vec::new();
    let mut from = select.from.drain(..).map(Some).collect::<Vec<_>>();
    let mut first: Option<TableWithJoins> = None;
    for &u in &order {
        let twj = from[u].take().expect("each unit once");
        let semis = std::mem::take(&mut semi[u]);
        let add_semis = |chain: &mut TableWithJoins| {
            for (relation, on) in semis {
                chain.joins.push(Join {
                    relation,
                    global: false,
                    join_operator: JoinOperator::LeftSemi(JoinConstraint::On(on)),
                });
            }
        };
        let Some(chain) = first.as_mut() else {
            let mut chain = twj;
            add_semis(&mut chain);
            first = Some(chain);
            joined.push(u);
            continue;
        };
        let mut conds: Vec<Expr> = Vec::new();
        for e in &edges {
            // A condition on a relation the unit joins explicitly waits for it (in WHERE).
            if !used[e.cond]
                && ((e.a == u && joined.contains(&e.b)) || (e.b == u && joined.contains(&e.a)))
                && !names_trailing(&parts[e.cond], &units[u])
            {
                used[e.cond] = true;
                conds.push(parts[e.cond].clone());
            }
        }
        let join_operator = match join_and(conds) {
            Some(on) => JoinOperator::Join(JoinConstraint::On(on)),
            None => JoinOperator::CrossJoin(JoinConstraint::None),
        };
        chain.joins.push(Join {
            relation: twj.relation,
            global: false,
            join_operator,
        });
        // The unit's own joins follow its first relation, as written.
        chain.joins.extend(twj.joins);
        add_semis(chain);
        joined.push(u);
    }
    let mut chain = first.expect("at least one unit");
    for (relation, on) in left_joins {
        chain.joins.push(Join {
            relation,
            global: false,
            join_operator: JoinOperator::LeftOuter(JoinConstraint::On(
                join_and(on).expect("a left join has keys"),
            )),
        });
    }
    select.from = vec![chain];
    select.selection = join_and(
        parts
            .into_iter()
            .zip(used)
            .filter(|(_, u)| !u)
            .map(|(p, _)| p)
            .collect(),
    );
    if n > 1 {
        r.fire("comma_joins_to_inner_joins");
        if reorder && order.iter().enumerate().any(|(i, u)| i != *u) {
            r.fire("join_reordering");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats() -> Stats {
        let t = |cols: &[&str], rows: u64| TableStats {
            columns: cols.iter().map(|c| c.to_string()).collect(),
            rows,
            distinct: cols.iter().map(|c| (c.to_string(), rows)).collect(),
        };
        [
            (
                "big".to_string(),
                t(&["b_id", "b_small", "b_mid", "b_x"], 1_000_000),
            ),
            ("mid".to_string(), t(&["m_id", "m_y"], 10_000)),
            ("small".to_string(), t(&["s_id", "s_name"], 10)),
        ]
        .into_iter()
        .collect()
    }

    fn run(sql: &str) -> (String, Vec<String>) {
        let mut st = Parser::parse_sql(&GenericDialect {}, sql)
            .unwrap()
            .remove(0);
        let fired = rewrite(&mut st, &stats());
        (st.to_string(), fired)
    }

    #[test]
    fn comma_joins_become_ordered_inner_joins() {
        let (sql, fired) = run("SELECT s_name, count(*) FROM big, mid, small \
             WHERE b_mid = m_id AND b_small = s_id AND s_name = 'x' AND (m_y = 1 OR m_y = 2) \
             GROUP BY s_name");
        assert_eq!(
            sql,
            "SELECT s_name, count(*) FROM small JOIN big ON b_small = s_id JOIN mid ON b_mid = m_id \
             WHERE s_name = 'x' AND (m_y = 1 OR m_y = 2) GROUP BY s_name"
        );
        assert_eq!(fired, ["comma_joins_to_inner_joins", "join_reordering"]);
        // SELECT * keeps the text order (its column order depends on it).
        let (sql, _) = run("SELECT * FROM big, small WHERE b_small = s_id");
        assert_eq!(sql, "SELECT * FROM big JOIN small ON b_small = s_id");
        // No condition between two relations: a cross join, never a lost row.
        let (sql, _) = run("SELECT s_name, m_y FROM small, mid");
        assert!(sql.contains("CROSS JOIN"), "{sql}");
    }

    #[test]
    fn correlated_scalar_subqueries_are_left_to_polars() {
        for q in [
            "SELECT b_id FROM big WHERE b_x < (SELECT 0.2 * avg(b_x) FROM big AS i WHERE i.b_mid = big.b_mid)",
            "SELECT m_id FROM mid WHERE 0 = (SELECT count(*) FROM big WHERE b_mid = m_id)",
        ] {
            let (sql, fired) = run(q);
            assert!(sql.contains("(SELECT "), "{sql}");
            assert!(!sql.contains("__sq"), "{sql}");
            assert!(
                !fired.iter().any(|f| f.starts_with("decorrelate")),
                "{fired:?}"
            );
        }
    }

    #[test]
    fn exists_with_inequality_uses_min_and_max() {
        let (sql, _) = run(
            "SELECT b_id FROM big AS o WHERE EXISTS (SELECT * FROM big AS i WHERE i.b_mid = o.b_mid AND i.b_small < o.b_small) \
             AND NOT EXISTS (SELECT * FROM big AS j WHERE j.b_mid = o.b_mid AND j.b_small > o.b_small AND j.b_x > 5)",
        );
        assert_eq!(
            sql,
            "SELECT b_id FROM \
             (SELECT i.b_mid AS __sq0_k0, min(i.b_small) AS __sq0_min FROM big AS i GROUP BY i.b_mid) AS __sq0 JOIN big AS o ON o.b_mid = __sq0_k0 \
             LEFT OUTER JOIN (SELECT j.b_mid AS __sq1_k0, max(j.b_small) AS __sq1_max FROM big AS j WHERE j.b_x > 5 GROUP BY j.b_mid) AS __sq1 ON o.b_mid = __sq1_k0 \
             WHERE __sq0_min < o.b_small \
             AND NOT COALESCE(__sq1_max > o.b_small, false)"
        );
    }

    #[test]
    fn exists_with_not_equal_is_left_to_polars() {
        let (sql, fired) = run(
            "SELECT b_id FROM big AS o WHERE EXISTS (SELECT * FROM big AS i WHERE i.b_mid = o.b_mid AND i.b_small <> o.b_small)",
        );
        assert!(sql.contains("WHERE EXISTS (SELECT"), "{sql}");
        assert!(
            !fired.contains(&"decorrelate_exists".to_string()),
            "{fired:?}"
        );
    }

    #[test]
    fn ors_give_up_their_common_join_key_and_per_relation_filters() {
        let (sql, fired) = run(
            "SELECT b_id FROM big, mid WHERE (b_mid = m_id AND m_y = 1 AND b_x = 2) \
             OR (b_mid = m_id AND m_y = 3 AND b_x = 4)",
        );
        assert_eq!(
            sql,
            "SELECT b_id FROM (SELECT * FROM mid AS \"mid\" WHERE ((m_y = 1) OR (m_y = 3))) AS \"mid\" \
             JOIN (SELECT * FROM big AS \"big\" WHERE ((b_x = 2) OR (b_x = 4))) AS \"big\" \
             ON b_mid = m_id WHERE ((m_y = 1 AND b_x = 2) OR (m_y = 3 AND b_x = 4))"
        );
        assert!(fired.contains(&"or_factoring".to_string()));
        assert!(fired.contains(&"filters_into_join_inputs".to_string()));
    }

    #[test]
    fn grouped_in_subqueries_become_semi_joins_and_filtered_keys_narrow_subqueries() {
        let (sql, fired) = run("SELECT s_name, b_x FROM small, big WHERE b_small = s_id \
             AND b_id IN (SELECT b_mid FROM big GROUP BY b_mid HAVING sum(b_x) > 3)");
        assert_eq!(
            sql,
            "SELECT s_name, b_x FROM small JOIN big ON b_small = s_id LEFT SEMI JOIN \
             (SELECT b_mid AS __sq0_k FROM big GROUP BY b_mid HAVING sum(b_x) > 3) AS __sq0 \
             ON b_id = __sq0_k"
        );
        assert!(fired.contains(&"in_subquery_to_semi_join".to_string()));
        let (sql, fired) = run(
            "SELECT b_id FROM big, small WHERE b_small = s_id AND s_name = 'x' \
             AND EXISTS (SELECT * FROM big AS i WHERE i.b_small = s_id AND i.b_x < big.b_x)",
        );
        assert!(
            sql.contains(
                "FROM big AS i LEFT SEMI JOIN (SELECT DISTINCT s_id AS __sq0_k FROM small \
                 WHERE s_name = 'x') AS __sq0 ON i.b_small = __sq0_k GROUP BY i.b_small"
            ),
            "{sql}"
        );
        assert!(fired.contains(&"subquery_key_filter".to_string()));
    }

    #[test]
    fn left_join_right_only_conditions_move_into_the_right_side() {
        let (sql, fired) = run(
            "SELECT c, count(*) FROM (SELECT m_id, count(b_id) FROM mid LEFT OUTER JOIN big \
             ON m_id = b_mid AND b_x NOT LIKE '%a%' GROUP BY m_id) AS t (k, c) GROUP BY c",
        );
        assert_eq!(
            sql,
            "SELECT c, count(*) FROM (SELECT m_id AS k, count(b_id) AS c FROM mid LEFT OUTER JOIN \
             (SELECT * FROM big WHERE b_x NOT LIKE '%a%') AS \"big\" ON m_id = b_mid GROUP BY m_id) AS t GROUP BY c"
        );
        assert!(fired.contains(&"left_join_condition_pushdown".to_string()));
        assert!(fired.contains(&"derived_column_aliases".to_string()));
    }
}
