//! Relations and column ownership: what the rewrites know of FROM items and the columns they
//! hold, and the small expression helpers every rewrite shares.

use super::*;

/// One FROM item (a relation with its explicit joins) as the rewrites see it.
pub(super) struct Unit {
    /// Aliases (lower case) of the relations in it.
    pub(super) aliases: Vec<String>,
    /// All its columns, when known.
    pub(super) columns: Option<HashSet<String>>,
    /// The dataset, when the unit is a single dataset.
    pub(super) dataset: Option<String>,
    /// Estimated rows before any filter.
    pub(super) rows: f64,
    /// The relations joined explicitly inside the unit after its first one (`a LEFT JOIN b
    /// ON …` has `b`): their aliases and columns (when known).
    pub(super) trailing: Vec<(String, Option<HashSet<String>>)>,
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
pub(super) fn relation(
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

pub(super) fn units_of(from: &[TableWithJoins], r: &Rewriter) -> Option<Vec<Unit>> {
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
pub(super) fn output_columns(q: &Query, r: &Rewriter) -> Option<HashSet<String>> {
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
pub(super) enum Owner {
    Unit(usize),
    /// Not a column of this scope: the enclosing query's.
    Outer,
    Unknown,
}

pub(super) fn owner(e: &Expr, units: &[Unit]) -> Option<Owner> {
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
pub(super) fn owners(e: &Expr, units: &[Unit]) -> (Vec<Owner>, bool) {
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

pub(super) fn parse_expr(sql: &str) -> Option<Expr> {
    Parser::new(&GenericDialect {})
        .try_with_sql(sql)
        .ok()?
        .parse_expr()
        .ok()
}

pub(super) fn parse_relation(sql: &str) -> Option<TableFactor> {
    let mut st = Parser::parse_sql(&GenericDialect {}, &format!("SELECT * FROM {sql}")).ok()?;
    let Statement::Query(q) = st.pop()? else {
        return None;
    };
    let SetExpr::Select(s) = *q.body else {
        return None;
    };
    s.from.into_iter().next().map(|t| t.relation)
}

pub(super) fn is_plain_column(e: &Expr) -> bool {
    matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
}
