//! Small helpers over SQL expressions that binding and rewriting both use.

use sqlparser::ast::{BinaryOperator, Expr, Query, Select, SetExpr, Statement, TableFactor};

/// The statement as one plain SELECT over one table: no WITH, set operation, join, table
/// function or dialect clause that changes which rows it reads. What the index rewrites
/// (`index_only`, `vector_search`) stand an index in for.
pub(crate) fn single_table_select(statement: &Statement) -> Option<(&Query, &Select)> {
    let Statement::Query(q) = statement else {
        return None;
    };
    let plain_query = q.with.is_none()
        && q.locks.is_empty()
        && q.for_clause.is_none()
        && q.settings.is_none()
        && q.format_clause.is_none()
        && q.pipe_operators.is_empty();
    let SetExpr::Select(s) = q.body.as_ref() else {
        return None;
    };
    let plain_select = s.top.is_none()
        && s.exclude.is_none()
        && s.into.is_none()
        && s.lateral_views.is_empty()
        && s.prewhere.is_none()
        && s.connect_by.is_empty()
        && s.cluster_by.is_empty()
        && s.distribute_by.is_empty()
        && s.sort_by.is_empty()
        && s.value_table_mode.is_none()
        && s.from.len() == 1
        && s.from[0].joins.is_empty()
        && matches!(&s.from[0].relation, TableFactor::Table { args: None, .. });
    (plain_query && plain_select).then_some((q.as_ref(), s.as_ref()))
}

/// `=`, `<>`, `<`, `<=`, `>`, `>=`.
pub fn is_comparison(op: &BinaryOperator) -> bool {
    matches!(
        op,
        BinaryOperator::Eq
            | BinaryOperator::NotEq
            | BinaryOperator::Lt
            | BinaryOperator::LtEq
            | BinaryOperator::Gt
            | BinaryOperator::GtEq
    )
}

/// The conjuncts of a condition, parentheses removed (`rewrite`'s `join_and` puts them back around ORs).
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

/// The conjuncts joined with AND again, each OR in parentheses; None for none.
pub(crate) fn join_and(parts: Vec<Expr>) -> Option<Expr> {
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

/// Aggregate functions whose answer does not depend on the order rows come in.
pub(crate) const ORDER_FREE_AGGREGATES: &[&str] = &[
    "count",
    "sum",
    "avg",
    "mean",
    "min",
    "max",
    "median",
    "stddev",
    "stddev_samp",
    "variance",
    "var_samp",
];

/// Every aggregate function name the engine knows (the order-free ones, then the rest).
pub(crate) fn is_aggregate(name: &str) -> bool {
    const MORE: &[&str] = &[
        "first",
        "last",
        "stddev_pop",
        "var_pop",
        "string_agg",
        "array_agg",
        "list",
        "mode",
        "quantile",
        "quantile_cont",
        "quantile_disc",
        "approx_count_distinct",
        "bool_and",
        "bool_or",
        "arg_min",
        "arg_max",
    ];
    ORDER_FREE_AGGREGATES.contains(&name) || MORE.contains(&name)
}
