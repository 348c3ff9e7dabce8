//! Decorrelation: correlated `[NOT] EXISTS` subqueries with one inequality besides the keys
//! become joins with a grouped derived table.

use super::*;

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
        if !is_comparison(op) || !is_plain_column(left) || !is_plain_column(right) {
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
pub(super) fn uncorrelated(q: &Query, r: &Rewriter) -> bool {
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
pub(super) fn decorrelate(select: &mut Select, r: &mut Rewriter) -> Vec<(TableFactor, Vec<Expr>)> {
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
