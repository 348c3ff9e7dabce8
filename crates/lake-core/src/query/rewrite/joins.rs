//! Join planning: comma joins become explicit inner joins ordered by estimated sizes, with ORs
//! factored, uncorrelated `IN (subquery)` filters as semi joins and filters moved into join inputs.

use super::*;

/// Selectivity guesses for a condition on one relation.
pub(super) fn selectivity(e: &Expr, unit: &Unit, stats: &Stats) -> f64 {
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
        Expr::BinaryOp { op, .. } if is_comparison(op) => 0.33,
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
/// `(a AND b) OR (c) OR …` of `branches`; `None` when there is none, or one is empty.
fn or_of_ands(branches: Vec<Vec<Expr>>) -> Option<Expr> {
    let mut or: Option<Expr> = None;
    for b in branches {
        let b = Expr::Nested(Box::new(join_and(b)?));
        or = Some(match or {
            None => b,
            Some(a) => Expr::BinaryOp {
                left: Box::new(a),
                op: BinaryOperator::Or,
                right: Box::new(b),
            },
        });
    }
    or
}

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
            // (Without branches, `p` itself stays: true, if redundant with the common part.)
            if let Some(or) = or_of_ands(conj.clone()) {
                rest = Expr::Nested(Box::new(or));
            }
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
            // An implied filter: leaving it out changes no answer.
            if let Some(or) = or_of_ands(only_u) {
                changed = true;
                out.push(Expr::Nested(Box::new(or)));
            }
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

/// Turns comma joins into explicit joins in an estimated-cheapest order, with the left joins
/// `decorrelate` produced after them. `None` for a state it cannot handle (which the checks
/// before it rule out); the whole statement is then left as written.
pub(super) fn plan_joins(
    select: &mut Select,
    r: &mut Rewriter,
    left_joins: Vec<(TableFactor, Vec<Expr>)>,
    reorder: bool,
) -> Option<()> {
    if select.from.len() <= 1 && left_joins.is_empty() {
        return Some(());
    }
    if select.from.is_empty() {
        return Some(());
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
        return Some(());
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
        if let (1, Some(&u)) = (set.len(), set.iter().next()) {
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
            let Some(w) = join_and(conds.iter().map(|c| parts[*c].clone()).collect()) else {
                continue;
            };
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
    let order_from = |start: usize| -> Option<(Vec<usize>, f64)> {
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
            let (u, out) = best?;
            order.push(u);
            cur = out;
            cost += out;
        }
        Some((order, cost))
    };
    let order = if reorder {
        (0..n)
            .map(order_from)
            .collect::<Option<Vec<_>>>()?
            .into_iter()
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
        let twj = from[u].take()?;
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
    let mut chain = first?;
    for (relation, on) in left_joins {
        chain.joins.push(Join {
            relation,
            global: false,
            join_operator: JoinOperator::LeftOuter(JoinConstraint::On(join_and(on)?)),
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
    Some(())
}
