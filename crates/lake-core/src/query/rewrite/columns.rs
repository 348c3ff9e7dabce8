//! Derived-table column lists (`AS t (a, b)` becomes aliases in the SELECT) and LEFT JOIN
//! conditions that name only the right side (moved into it).

use super::*;

/// `(SELECT a, count(b) FROM …) AS t (x, y)` → `(SELECT a AS x, count(b) AS y FROM …) AS t`.
pub(super) fn apply_column_lists(select: &mut Select, r: &mut Rewriter) {
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
pub(super) fn push_left_join_conditions(select: &mut Select, r: &mut Rewriter) {
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
            let (Some(filter), Some(kept)) = (join_and(right_only), join_and(keep)) else {
                continue;
            };
            let Some(pushed) = parse_relation(&format!(
                "(SELECT * FROM {} WHERE {filter}) AS {}",
                j.relation,
                Ident::with_quote('"', alias.clone())
            )) else {
                continue;
            };
            *on = kept;
            j.relation = pushed;
            r.fire("left_join_condition_pushdown");
        }
    }
}
