//! Column-level lineage: which input columns feed which output columns of a query, worked out
//! from the bound SQL. The kinds follow OpenLineage's column-lineage facet: a `DIRECT` input
//! gives an output column its value (`IDENTITY`, `TRANSFORMATION` or `AGGREGATION`); an
//! `INDIRECT` one decides which rows there are or what a value is (`FILTER`, `JOIN`,
//! `GROUP_BY`, `SORT`, `WINDOW`, `CONDITIONAL`). Whole-query indirect inputs (a WHERE, a
//! join's ON) are listed once, for the dataset, as OpenLineage's facet does.
//!
//! Scopes follow SQL: WITH names, subqueries in FROM with their aliases, qualified and bare
//! column names, `*` and `alias.*` (with EXCLUDE), set operations by position, correlated
//! subqueries against the outer query's tables.

use std::collections::{BTreeSet, HashMap};
use std::ops::ControlFlow;

use serde::Serialize;
use sqlparser::ast::{
    Expr, GroupByExpr, JoinConstraint, JoinOperator, ObjectNamePart, Query, Select, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, TableFactor, Visit, Visitor,
    WildcardAdditionalOptions, WindowType,
};

/// One input column of an output column (or of the whole result).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnInput {
    /// The dataset read (its base name, without a time-travel version).
    pub dataset: String,
    /// Its column.
    pub column: String,
    /// `DIRECT` or `INDIRECT`.
    pub kind: String,
    /// `IDENTITY`, `TRANSFORMATION`, `AGGREGATION`, `FILTER`, `JOIN`, `GROUP_BY`, `SORT`,
    /// `WINDOW` or `CONDITIONAL`.
    pub subtype: String,
}

/// An output column and the inputs it is made from.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutputColumn {
    /// The column's name in the result.
    pub name: String,
    /// Its inputs, sorted.
    pub inputs: Vec<ColumnInput>,
}

/// A query's column lineage.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnLineage {
    /// The result's columns, in order.
    pub columns: Vec<OutputColumn>,
    /// Inputs that shape the whole result (filters, joins, grouping, sorting).
    pub dataset: Vec<ColumnInput>,
}

/// How an input reaches a value, weakest first: a later kind wins when two meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Sub {
    Identity,
    Transformation,
    Aggregation,
}

/// Why an input decides rows or values without giving them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Ind {
    Filter,
    Join,
    GroupBy,
    Sort,
    Window,
    Conditional,
}

type Col = (String, String);
type Direct = BTreeSet<(Col, Sub)>;
type Indirect = BTreeSet<(Col, Ind)>;

/// A relation in scope: a dataset, a WITH name or a subquery, under its alias.
#[derive(Clone, Default)]
struct Rel {
    alias: String,
    cols: Vec<(String, Direct, Indirect)>,
}

/// What a query or subquery yields: its columns, and the inputs shaping every row.
#[derive(Clone, Default)]
struct Out {
    cols: Vec<(String, Direct, Indirect)>,
    rows: Indirect,
}

/// The columns of each table the query names (`people`, `people@v2`), lower-case.
pub type Schemas = HashMap<String, Vec<String>>;

/// The column lineage of `query`, whose tables' columns are in `schemas`. Time-travel names
/// (`people@v2`) count as their dataset.
pub fn analyze(query: &Query, schemas: &Schemas) -> ColumnLineage {
    let out = Analyzer { schemas }.query(query, &HashMap::new(), &[]);
    let mut dataset: BTreeSet<ColumnInput> = out.rows.iter().map(indirect).collect();
    let columns = out
        .cols
        .into_iter()
        .map(|(name, d, i)| {
            let mut inputs: BTreeSet<ColumnInput> = d.iter().map(direct).collect();
            inputs.extend(i.iter().map(indirect));
            OutputColumn {
                name,
                inputs: inputs.into_iter().collect(),
            }
        })
        .collect();
    ColumnLineage {
        columns,
        dataset: std::mem::take(&mut dataset).into_iter().collect(),
    }
}

fn direct(((d, c), s): &(Col, Sub)) -> ColumnInput {
    let subtype = match s {
        Sub::Identity => "IDENTITY",
        Sub::Transformation => "TRANSFORMATION",
        Sub::Aggregation => "AGGREGATION",
    };
    ColumnInput {
        dataset: d.clone(),
        column: c.clone(),
        kind: "DIRECT".into(),
        subtype: subtype.into(),
    }
}

fn indirect(((d, c), i): &(Col, Ind)) -> ColumnInput {
    let subtype = match i {
        Ind::Filter => "FILTER",
        Ind::Join => "JOIN",
        Ind::GroupBy => "GROUP_BY",
        Ind::Sort => "SORT",
        Ind::Window => "WINDOW",
        Ind::Conditional => "CONDITIONAL",
    };
    ColumnInput {
        dataset: d.clone(),
        column: c.clone(),
        kind: "INDIRECT".into(),
        subtype: subtype.into(),
    }
}

struct Analyzer<'a> {
    schemas: &'a Schemas,
}

type Ctes = HashMap<String, Out>;

impl Analyzer<'_> {
    fn query(&self, q: &Query, ctes: &Ctes, outer: &[Rel]) -> Out {
        let mut scope = ctes.clone();
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                let mut out = self.query(&cte.query, &scope, outer);
                rename(
                    &mut out.cols,
                    cte.alias.columns.iter().map(|c| &c.name.value),
                );
                scope.insert(cte.alias.name.value.to_lowercase(), out);
            }
        }
        let order: Vec<&Expr> = match q.order_by.as_ref().map(|o| &o.kind) {
            Some(sqlparser::ast::OrderByKind::Expressions(v)) => {
                v.iter().map(|o| &o.expr).collect()
            }
            _ => Vec::new(),
        };
        self.set_expr(&q.body, &scope, outer, &order)
    }

    fn set_expr(&self, body: &SetExpr, ctes: &Ctes, outer: &[Rel], order: &[&Expr]) -> Out {
        match body {
            SetExpr::Select(s) => self.select(s, ctes, outer, order),
            SetExpr::Query(q) => self.query(q, ctes, outer),
            SetExpr::SetOperation { left, right, .. } => {
                let mut l = self.set_expr(left, ctes, outer, &[]);
                let r = self.set_expr(right, ctes, outer, &[]);
                for (i, (_, d, ind)) in l.cols.iter_mut().enumerate() {
                    if let Some((_, rd, ri)) = r.cols.get(i) {
                        d.extend(rd.iter().cloned());
                        ind.extend(ri.iter().cloned());
                    }
                }
                l.rows.extend(r.rows);
                // ORDER BY after a UNION names the result's columns.
                for e in order {
                    let rel = Rel {
                        alias: String::new(),
                        cols: l.cols.clone(),
                    };
                    let (d, _) = self.expr(e, std::slice::from_ref(&rel), ctes);
                    l.rows.extend(d.into_iter().map(|(c, _)| (c, Ind::Sort)));
                }
                l
            }
            SetExpr::Values(v) => Out {
                cols: v
                    .rows
                    .first()
                    .map(|r| {
                        (1..=r.len())
                            .map(|i| (format!("column{i}"), Direct::new(), Indirect::new()))
                            .collect()
                    })
                    .unwrap_or_default(),
                rows: Indirect::new(),
            },
            _ => Out::default(),
        }
    }

    fn select(&self, s: &Select, ctes: &Ctes, outer: &[Rel], order: &[&Expr]) -> Out {
        let mut rels = Vec::new();
        let mut rows = Indirect::new();
        let mut join_on: Vec<&Expr> = Vec::new();
        let mut using: Vec<String> = Vec::new();
        for twj in &s.from {
            self.relation(&twj.relation, ctes, outer, &mut rels, &mut rows);
            for j in &twj.joins {
                self.relation(&j.relation, ctes, outer, &mut rels, &mut rows);
                match constraint(&j.join_operator) {
                    Some(JoinConstraint::On(e)) => join_on.push(e),
                    Some(JoinConstraint::Using(names)) => {
                        using.extend(names.iter().filter_map(last_ident))
                    }
                    _ => {}
                }
            }
        }
        // Outer tables resolve what the query's own do not (correlated subqueries).
        let mut scope = rels.clone();
        scope.extend(outer.iter().cloned());
        let mut cols = Vec::new();
        for item in &s.projection {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let (d, i) = self.expr(e, &scope, ctes);
                    cols.push((expr_name(e), d, i));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let (d, i) = self.expr(expr, &scope, ctes);
                    cols.push((alias.value.clone(), d, i));
                }
                SelectItem::ExprWithAliases { expr, aliases } => {
                    let (d, i) = self.expr(expr, &scope, ctes);
                    for a in aliases {
                        cols.push((a.value.clone(), d.clone(), i.clone()));
                    }
                }
                SelectItem::Wildcard(opts) => {
                    for r in &rels {
                        push_all(&mut cols, r, opts);
                    }
                }
                SelectItem::QualifiedWildcard(kind, opts) => {
                    let SelectItemQualifiedWildcardKind::ObjectName(name) = kind else {
                        continue;
                    };
                    let Some(alias) = last_ident(name) else {
                        continue;
                    };
                    if let Some(r) = rels.iter().find(|r| r.alias == alias) {
                        push_all(&mut cols, r, opts);
                    }
                }
            }
        }
        for e in join_on {
            self.decide(e, Ind::Join, &scope, ctes, &mut rows);
        }
        for name in &using {
            for r in &rels {
                if let Some((_, d, _)) = r.cols.iter().find(|(n, ..)| n.eq_ignore_ascii_case(name))
                {
                    rows.extend(d.iter().map(|(c, _)| (c.clone(), Ind::Join)));
                }
            }
        }
        for e in s.selection.iter().chain(&s.having).chain(&s.qualify) {
            self.decide(e, Ind::Filter, &scope, ctes, &mut rows);
        }
        // GROUP BY and ORDER BY may name an output column by its alias or position.
        let mut named = scope.clone();
        named.push(Rel {
            alias: String::new(),
            cols: cols.clone(),
        });
        if let GroupByExpr::Expressions(exprs, _) = &s.group_by {
            for e in exprs {
                match position(e).and_then(|p| cols.get(p)) {
                    Some((_, d, _)) => {
                        rows.extend(d.iter().map(|(c, _)| (c.clone(), Ind::GroupBy)))
                    }
                    None => self.decide(e, Ind::GroupBy, &named, ctes, &mut rows),
                }
            }
        }
        for e in order {
            match position(e).and_then(|p| cols.get(p)) {
                Some((_, d, _)) => rows.extend(d.iter().map(|(c, _)| (c.clone(), Ind::Sort))),
                None => self.decide(e, Ind::Sort, &named, ctes, &mut rows),
            }
        }
        Out { cols, rows }
    }

    /// Adds the columns `e` reads to `rows`, as deciding them for `why`.
    fn decide(&self, e: &Expr, why: Ind, rels: &[Rel], ctes: &Ctes, rows: &mut Indirect) {
        let (d, i) = self.expr(e, rels, ctes);
        rows.extend(d.into_iter().map(|(c, _)| (c, why)));
        rows.extend(i.into_iter().map(|(c, _)| (c, why)));
    }

    /// Adds the relation `tf` brings into scope, and what shapes its rows.
    fn relation(
        &self,
        tf: &TableFactor,
        ctes: &Ctes,
        outer: &[Rel],
        rels: &mut Vec<Rel>,
        rows: &mut Indirect,
    ) {
        match tf {
            TableFactor::Table { name, alias, .. } => {
                let text = name
                    .0
                    .iter()
                    .map(|p| match p {
                        ObjectNamePart::Identifier(i) => i.value.to_lowercase(),
                        other => other.to_string().to_lowercase(),
                    })
                    .collect::<Vec<_>>()
                    .join(".");
                let short = text.rsplit('.').next().unwrap_or(&text).to_string();
                let mut rel = if let Some(out) = ctes.get(&text).filter(|_| name.0.len() == 1) {
                    rows.extend(out.rows.iter().cloned());
                    Rel {
                        alias: short.clone(),
                        cols: out.cols.clone(),
                    }
                } else {
                    let base = match super::time_travel::split_name(&text) {
                        Some((b, _)) => b.to_string(),
                        None => text.clone(),
                    };
                    let cols = self
                        .schemas
                        .get(&text)
                        .or_else(|| self.schemas.get(&base))
                        .map(|cols| {
                            cols.iter()
                                .map(|c| {
                                    let d =
                                        Direct::from([((base.clone(), c.clone()), Sub::Identity)]);
                                    (c.clone(), d, Indirect::new())
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let short = base.rsplit('.').next().unwrap_or(&base).to_string();
                    Rel { alias: short, cols }
                };
                if let Some(a) = alias {
                    rel.alias = a.name.value.to_lowercase();
                    rename(&mut rel.cols, a.columns.iter().map(|c| &c.name.value));
                }
                rels.push(rel);
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                let mut out = self.query(subquery, ctes, outer);
                rows.extend(out.rows.iter().cloned());
                let mut rel = Rel {
                    alias: String::new(),
                    cols: std::mem::take(&mut out.cols),
                };
                if let Some(a) = alias {
                    rel.alias = a.name.value.to_lowercase();
                    rename(&mut rel.cols, a.columns.iter().map(|c| &c.name.value));
                }
                rels.push(rel);
            }
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => {
                self.relation(&table_with_joins.relation, ctes, outer, rels, rows);
                for j in &table_with_joins.joins {
                    self.relation(&j.relation, ctes, outer, rels, rows);
                    if let Some(JoinConstraint::On(e)) = constraint(&j.join_operator) {
                        let (d, _) = self.expr(e, rels, ctes);
                        rows.extend(d.into_iter().map(|(c, _)| (c, Ind::Join)));
                    }
                }
            }
            _ => {}
        }
    }

    /// The columns `e` reads, resolved in `rels`: those giving its value, and those deciding
    /// it (a CASE's conditions, a window's partition and order, an aggregate's FILTER).
    fn expr(&self, e: &Expr, rels: &[Rel], ctes: &Ctes) -> (Direct, Indirect) {
        let mut w = Walker {
            an: self,
            rels,
            ctes,
            top: e,
            depth: 0,
            agg: 0,
            marks: Vec::new(),
            pending: Vec::new(),
            direct: Direct::new(),
            indirect: Indirect::new(),
        };
        let _ = e.visit(&mut w);
        (w.direct, w.indirect)
    }
}

fn constraint(op: &JoinOperator) -> Option<&JoinConstraint> {
    use JoinOperator::*;
    match op {
        Join(c) | Inner(c) | Left(c) | LeftOuter(c) | Right(c) | RightOuter(c) | FullOuter(c)
        | CrossJoin(c) | Semi(c) | LeftSemi(c) | RightSemi(c) | Anti(c) | LeftAnti(c)
        | RightAnti(c) | StraightJoin(c) => Some(c),
        AsOf { constraint, .. } => Some(constraint),
        _ => None,
    }
}

/// `GROUP BY 1`: the zero-based output position.
fn position(e: &Expr) -> Option<usize> {
    match e {
        Expr::Value(v) => match &v.value {
            sqlparser::ast::Value::Number(n, _) => n.parse::<usize>().ok()?.checked_sub(1),
            _ => None,
        },
        _ => None,
    }
}

fn rename<'a>(cols: &mut [(String, Direct, Indirect)], names: impl Iterator<Item = &'a String>) {
    for (c, n) in cols.iter_mut().zip(names) {
        c.0 = n.clone();
    }
}

fn push_all(cols: &mut Vec<(String, Direct, Indirect)>, r: &Rel, opts: &WildcardAdditionalOptions) {
    let excluded: Vec<String> = match &opts.opt_exclude {
        Some(sqlparser::ast::ExcludeSelectItem::Single(n)) => last_ident(n).into_iter().collect(),
        Some(sqlparser::ast::ExcludeSelectItem::Multiple(v)) => {
            v.iter().filter_map(last_ident).collect()
        }
        None => Vec::new(),
    };
    for c in &r.cols {
        if !excluded.contains(&c.0.to_lowercase()) {
            cols.push(c.clone());
        }
    }
}

/// The last part of a dotted name, lower-case.
fn last_ident(name: &sqlparser::ast::ObjectName) -> Option<String> {
    match name.0.last() {
        Some(ObjectNamePart::Identifier(i)) => Some(i.value.to_lowercase()),
        _ => None,
    }
}

/// The name an unaliased expression gets: a column's own name, else the SQL text (the caller
/// replaces it with the result's real name where it knows it).
fn expr_name(e: &Expr) -> String {
    match e {
        Expr::Identifier(i) => i.value.clone(),
        Expr::CompoundIdentifier(v) => v.last().map(|i| i.value.clone()).unwrap_or_default(),
        other => other.to_string(),
    }
}

/// Walks an expression, skipping subqueries' insides (analysed as queries of their own).
struct Walker<'a, 'b> {
    an: &'a Analyzer<'b>,
    rels: &'a [Rel],
    ctes: &'a Ctes,
    top: &'a Expr,
    /// Nesting of subqueries entered by the visitor (their columns are not ours).
    depth: usize,
    /// Nesting of aggregate calls.
    agg: usize,
    /// Deciding parts being walked (a CASE condition, a window key), innermost last.
    marks: Vec<(*const Expr, Ind)>,
    /// Deciding parts named by their parent, by address, not yet entered.
    pending: Vec<(*const Expr, Ind)>,
    direct: Direct,
    indirect: Indirect,
}

impl Walker<'_, '_> {
    fn resolve(&self, qualifier: Option<&str>, column: &str) -> Option<&Direct> {
        let col = column.to_lowercase();
        self.rels
            .iter()
            .filter(|r| qualifier.is_none_or(|q| r.alias == q))
            .find_map(|r| {
                r.cols
                    .iter()
                    .find(|(n, ..)| n.to_lowercase() == col)
                    .map(|(_, d, _)| d)
            })
    }

    fn inside_mark(&self) -> Option<Ind> {
        self.marks.last().map(|(_, i)| *i)
    }

    fn take(&mut self, found: Direct, plain: bool) {
        match self.inside_mark() {
            Some(why) => self
                .indirect
                .extend(found.into_iter().map(|(c, _)| (c, why))),
            None => {
                let sub = if self.agg > 0 {
                    Sub::Aggregation
                } else if plain {
                    Sub::Identity
                } else {
                    Sub::Transformation
                };
                self.direct
                    .extend(found.into_iter().map(|(c, s)| (c, s.max(sub))));
            }
        }
    }

    fn subquery(&mut self, q: &Query, as_value: bool) {
        let out = self.an.query(q, self.ctes, self.rels);
        self.indirect.extend(out.rows.iter().cloned());
        for (_, d, i) in out.cols {
            if as_value {
                let d = d
                    .into_iter()
                    .map(|(c, s)| (c, s.max(Sub::Transformation)))
                    .collect();
                self.take(d, false);
            } else {
                self.indirect
                    .extend(d.into_iter().map(|(c, _)| (c, Ind::Filter)));
            }
            self.indirect.extend(i);
        }
    }
}

impl Visitor for Walker<'_, '_> {
    type Break = ();

    fn pre_visit_query(&mut self, _q: &Query) -> ControlFlow<()> {
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _q: &Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        if self.depth > 0 {
            return ControlFlow::Continue(());
        }
        if let Some(why) = self.marks_for(e) {
            self.marks.push((e as *const Expr, why));
        }
        let plain = std::ptr::eq(e, self.top);
        match e {
            Expr::Identifier(i) => {
                if let Some(d) = self.resolve(None, &i.value).cloned() {
                    self.take(d, plain);
                }
            }
            Expr::CompoundIdentifier(v) if v.len() >= 2 => {
                let q = v[v.len() - 2].value.to_lowercase();
                if let Some(d) = self.resolve(Some(&q), &v[v.len() - 1].value).cloned() {
                    self.take(d, plain);
                }
            }
            Expr::Subquery(q) => self.subquery(q, true),
            Expr::InSubquery { subquery, .. } => self.subquery(subquery, false),
            Expr::Exists { subquery, .. } => self.subquery(subquery, false),
            Expr::Function(f) => {
                let name = f.name.to_string().to_lowercase();
                if super::expr::is_aggregate(&name) {
                    self.agg += 1;
                }
                if let Some(WindowType::WindowSpec(w)) = &f.over {
                    for p in w
                        .partition_by
                        .iter()
                        .chain(w.order_by.iter().map(|o| &o.expr))
                    {
                        self.pending.push((p as *const Expr, Ind::Window));
                    }
                }
                if let Some(filter) = &f.filter {
                    self.pending
                        .push((&**filter as *const Expr, Ind::Conditional));
                }
            }
            Expr::Case {
                operand,
                conditions,
                ..
            } => {
                for c in operand
                    .iter()
                    .map(|o| &**o)
                    .chain(conditions.iter().map(|w| &w.condition))
                {
                    self.pending.push((c as *const Expr, Ind::Conditional));
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        if self.depth > 0 {
            return ControlFlow::Continue(());
        }
        if let Expr::Function(f) = e {
            let name = f.name.to_string().to_lowercase();
            if super::expr::is_aggregate(&name) {
                self.agg -= 1;
            }
        }
        if self.marks.last().is_some_and(|(p, _)| std::ptr::eq(*p, e)) {
            self.marks.pop();
        }
        ControlFlow::Continue(())
    }
}

impl Walker<'_, '_> {
    /// Whether entering `e` starts a deciding part: it was marked by its parent (a window's
    /// keys, a FILTER) or is a CASE condition.
    fn marks_for(&mut self, e: &Expr) -> Option<Ind> {
        // The walk below an active deciding part stays deciding.
        let ptr = e as *const Expr;
        if let Some(pos) = self.pending.iter().position(|(p, _)| *p == ptr) {
            return Some(self.pending.remove(pos).1);
        }
        None
    }
}

/// The column lineage of `sql` on `lake`, with the views it uses expanded. Each table's
/// columns come from the catalog: a time-travel name's version, the version in `read` (a
/// derived dataset's inputs), else the current one. `names`, the result's real column names,
/// replace the ones worked out from the SQL when there are as many.
pub fn of_sql(
    lake: &crate::Lake,
    sql: &str,
    read: &[crate::catalog::lineage::InputVersion],
    names: Option<&[String]>,
) -> crate::error::Result<ColumnLineage> {
    use crate::catalog::history::VersionSel;
    let guarded = super::guard::guard(sql)?;
    let mut statement = match guarded.statement {
        sqlparser::ast::Statement::Explain { statement, .. } => *statement,
        s => s,
    };
    let known: std::collections::HashSet<String> =
        lake.catalog().dataset_names()?.into_iter().collect();
    super::views::expand(lake, &mut statement, &known)?;
    let mut tables = BTreeSet::new();
    let _ = sqlparser::ast::visit_relations(&statement, |name| {
        tables.insert(super::bind::object_name_text(name).to_lowercase());
        ControlFlow::<()>::Continue(())
    });
    let mut schemas = Schemas::new();
    for t in tables {
        let (base, sel) = match super::time_travel::split_name(&t) {
            Some((b, sel)) => (b.to_string(), Some(sel)),
            None => (t.clone(), None),
        };
        if !known.contains(&base) {
            continue;
        }
        let sel = sel.or_else(|| {
            read.iter()
                .find(|i| i.dataset == base && !i.pinned)
                .map(|i| VersionSel::Number(i.version))
        });
        // Only the columns: a version's row, not its files and statistics.
        let schema = match sel {
            Some(VersionSel::Number(v)) => match lake.catalog().version_schema(&base, v)? {
                Some((s, _)) => s,
                // Fails as a query of it would (no such version, or vacuumed).
                None => {
                    lake.catalog()
                        .dataset_at(&base, &VersionSel::Number(v))?
                        .schema
                }
            },
            Some(sel) => lake.catalog().dataset_at(&base, &sel)?.schema,
            None => match lake.catalog().dataset(&base)? {
                Some(d) => d.schema,
                None => continue,
            },
        };
        schemas.insert(t, schema.into_iter().map(|c| c.name).collect());
    }
    let sqlparser::ast::Statement::Query(q) = &statement else {
        return Ok(ColumnLineage::default());
    };
    let mut lineage = analyze(q, &schemas);
    if let Some(names) = names.filter(|n| n.len() == lineage.columns.len()) {
        for (c, n) in lineage.columns.iter_mut().zip(names) {
            c.name = n.clone();
        }
    }
    Ok(lineage)
}

#[cfg(test)]
#[path = "column_lineage_tests.rs"]
mod tests;
