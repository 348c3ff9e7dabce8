//! Small helpers over SQL expressions that binding and rewriting both use.

use sqlparser::ast::{BinaryOperator, Expr};

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
