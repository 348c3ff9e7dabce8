//! Plan nodes in SQL words, for people: `ORDER BY nation ASC, o_year DESC`, `GROUP BY nation →
//! sum(amount) AS sum_profit`, `INNER JOIN ON l_orderkey = o_orderkey`, `WHERE l_shipdate <=
//! '1998-09-02'`. Polars' own text (`SORT BY [descending: [false, tru…`) stays available as
//! the node's raw text. An expression this printer does not know is shown as Polars prints it,
//! with `col("x")` written `x`.

use polars::prelude::*;
use polars_plan::plans::expr_ir::{ExprIR, OutputName};
use polars_plan::plans::{AExpr, ExprIRDisplay, IRAggExpr, LiteralValue, IR};
use polars_plan::prelude::Operator;
use polars_utils::arena::{Arena, Node};

/// Values of a literal list shown before `…`.
const LIST_SHOWN: usize = 5;

/// A column name as a person reads it: the engine's own names for join-order copies, shared
/// subexpressions and correlated subqueries are shortened.
fn tidy(name: &str) -> String {
    let after_digits = |s: &str| {
        let d = s.bytes().take_while(u8::is_ascii_digit).count();
        (
            s[..d].to_string(),
            s[d..].trim_start_matches('_').to_string(),
        )
    };
    if let Some(rest) = name.strip_prefix("__POLARS_JOIN_ORDER_") {
        // One table joined twice (nation as n1 and n2): the copies stay apart.
        let (n, col) = after_digits(rest);
        return format!("{col}#{n}");
    }
    if let Some(n) = name.strip_prefix("__POLARS_HAVING_") {
        return format!("having{n}");
    }
    if let Some(hex) = name.strip_prefix("__POLARS_CSER_0x") {
        let n = u64::from_str_radix(hex, 16).map_or(0, |v| v & 0xffff);
        return format!("shared_expr{n}");
    }
    if let Some(rest) = name
        .strip_prefix("__POLARS_CORR__POLARS_TMP_SQL_")
        .or_else(|| name.strip_prefix("_POLARS_TMP_SQL_"))
    {
        let (n, col) = after_digits(rest);
        let col = col.strip_prefix("c_").unwrap_or(&col);
        return if col.is_empty() {
            format!("subquery{n}")
        } else {
            format!("subquery{n}.{col}")
        };
    }
    name.to_string()
}

/// `text` with every engine-made name in it shortened (`tidy`).
fn tidy_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            out.push_str(&tidy(&word));
            word.clear();
            out.push(c);
        }
    }
    out.pop();
    out
}

/// How tightly an operator binds (higher binds tighter).
fn precedence(op: &Operator) -> u8 {
    use Operator::*;
    match op {
        Or | LogicalOr | Xor => 1,
        And | LogicalAnd => 2,
        Eq | EqValidity | NotEq | NotEqValidity | Lt | LtEq | Gt | GtEq => 3,
        Plus | Minus => 4,
        _ => 5,
    }
}

fn op_text(op: &Operator) -> &'static str {
    use Operator::*;
    match op {
        Eq => "=",
        EqValidity => "IS NOT DISTINCT FROM",
        NotEq => "<>",
        NotEqValidity => "IS DISTINCT FROM",
        Lt => "<",
        LtEq => "<=",
        Gt => ">",
        GtEq => ">=",
        Plus => "+",
        Minus => "-",
        Multiply => "*",
        RustDivide | TrueDivide | TruncDivide => "/",
        FloorDivide => "DIV",
        Modulus => "%",
        And | LogicalAnd => "AND",
        Or | LogicalOr => "OR",
        Xor => "XOR",
    }
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn any_value(v: &AnyValue) -> String {
    match v {
        AnyValue::List(s) | AnyValue::Array(s, _) => values(s),
        AnyValue::Null => "NULL".into(),
        AnyValue::Boolean(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        AnyValue::String(s) => quote(s),
        AnyValue::StringOwned(s) => quote(s),
        v if v.is_primitive_numeric() || v.dtype().is_decimal() => v.to_string(),
        // Dates, times and the rest are shown as SQL shows them: quoted text.
        v => quote(v.to_string().trim_matches('"')),
    }
}

/// A list of values as SQL writes an IN list: `(1, 2, 3, …)`.
fn values(s: &Series) -> String {
    // An IN list may come as a list holding the list.
    if let (1, Ok(AnyValue::List(inner) | AnyValue::Array(inner, _))) = (s.len(), s.get(0)) {
        return values(&inner);
    }
    let shown: Vec<String> = s.iter().take(LIST_SHOWN).map(|v| any_value(&v)).collect();
    let more = if s.len() > LIST_SHOWN { ", …" } else { "" };
    format!("({}{more})", shown.join(", "))
}

fn literal(l: &LiteralValue) -> String {
    match l {
        LiteralValue::Scalar(sc) => any_value(sc.value()),
        LiteralValue::Series(s) => values(s),
        // Dynamic literals (an integer, a float, a string not yet typed).
        other => {
            let t = format!("{other:?}");
            match t.split_once(": ") {
                Some(("dyn str", v)) => quote(v),
                Some((_, v)) => v.to_string(),
                None => t,
            }
        }
    }
}

/// Polars' text of an expression, `col("x")` written `x`.
fn polars_text(node: Node, arena: &Arena<AExpr>) -> String {
    let t = ExprIRDisplay::display_node(node, arena).to_string();
    let mut out = String::with_capacity(t.len());
    let mut rest = t.as_str();
    while let Some(i) = rest.find("col(\"") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 5..];
        match after.find("\")") {
            Some(j) => {
                out.push_str(&after[..j]);
                rest = &after[j + 2..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn list(nodes: impl IntoIterator<Item = Node>, arena: &Arena<AExpr>) -> String {
    nodes
        .into_iter()
        .map(|n| expr(n, arena))
        .collect::<Vec<_>>()
        .join(", ")
}

fn agg(a: &IRAggExpr, arena: &Arena<AExpr>) -> String {
    let call = |f: &str, n: Node| format!("{f}({})", expr(n, arena));
    match a {
        IRAggExpr::Min { input, .. } => call("min", *input),
        IRAggExpr::Max { input, .. } => call("max", *input),
        IRAggExpr::Median(n) => call("median", *n),
        IRAggExpr::NUnique(n) => format!("count(DISTINCT {})", expr(*n, arena)),
        IRAggExpr::First(n) | IRAggExpr::FirstNonNull(n) => call("first", *n),
        IRAggExpr::Last(n) | IRAggExpr::LastNonNull(n) => call("last", *n),
        IRAggExpr::Mean(n) => call("avg", *n),
        IRAggExpr::Implode { input, .. } => call("array_agg", *input),
        IRAggExpr::Sum { input, .. } => call("sum", *input),
        IRAggExpr::Count { input, .. } => call("count", *input),
        IRAggExpr::Std(n, _) => call("stddev", *n),
        IRAggExpr::Var(n, _) => call("variance", *n),
        IRAggExpr::Item { input, .. } => expr(*input, arena),
    }
}

/// A function call, with the SQL forms of the common tests.
fn function(name: &str, args: &[String]) -> String {
    let a = |i: usize| args.get(i).map(String::as_str).unwrap_or("?");
    // An operand written between words keeps its parentheses when it is itself compound.
    let p = |i: usize| {
        let t = a(i);
        if t.contains(' ') && !(t.starts_with('(') && t.ends_with(')')) {
            format!("({t})")
        } else {
            t.to_string()
        }
    };
    match name {
        "is_null" => format!("{} IS NULL", p(0)),
        "is_not_null" => format!("{} IS NOT NULL", p(0)),
        "not" => format!("NOT {}", p(0)),
        "is_in" => format!("{} IN {}", p(0), a(1)),
        "is_between" => format!("{} BETWEEN {} AND {}", p(0), p(1), p(2)),
        "all_horizontal" => args.join(" AND "),
        "any_horizontal" => args.join(" OR "),
        "decimal_mul" => format!("{} * {}", p(0), p(1)),
        "decimal_div" => format!("{} / {}", p(0), p(1)),
        "str.contains" if args.len() == 2 => format!("{} contains {}", p(0), a(1)),
        // `dt.year`, `str.to_lowercase`: the function's own name reads as SQL.
        _ => {
            let short = name.split_once('.').map_or(name, |(_, f)| f);
            format!("{short}({})", args.join(", "))
        }
    }
}

/// One expression as SQL-like text.
pub(super) fn expr(node: Node, arena: &Arena<AExpr>) -> String {
    match arena.get(node) {
        AExpr::Column(c) => tidy(c),
        AExpr::Literal(l) => literal(l),
        AExpr::Len => "count(*)".into(),
        AExpr::BinaryExpr { left, op, right } => {
            let p = precedence(op);
            let side = |n: Node, right_side: bool| {
                let t = expr(n, arena);
                match arena.get(n) {
                    AExpr::BinaryExpr { op: inner, .. } => {
                        let q = precedence(inner);
                        let assoc = matches!(
                            op,
                            Operator::And
                                | Operator::LogicalAnd
                                | Operator::Or
                                | Operator::LogicalOr
                                | Operator::Plus
                                | Operator::Multiply
                        );
                        if q < p || (q == p && right_side && !assoc) {
                            format!("({t})")
                        } else {
                            t
                        }
                    }
                    _ => t,
                }
            };
            format!(
                "{} {} {}",
                side(*left, false),
                op_text(op),
                side(*right, true)
            )
        }
        AExpr::Cast { expr: e, dtype, .. } => format!(
            "CAST({} AS {})",
            expr(*e, arena),
            crate::catalog::sql_type::sql_type_name(&dtype.to_string())
        ),
        AExpr::Agg(a) => agg(a, arena),
        AExpr::Ternary {
            truthy,
            falsy,
            predicate,
        } => format!(
            "CASE WHEN {} THEN {} ELSE {} END",
            expr(*predicate, arena),
            expr(*truthy, arena),
            expr(*falsy, arena)
        ),
        AExpr::Function {
            input, function: f, ..
        } => {
            let args: Vec<String> = input.iter().map(|e| expr(e.node(), arena)).collect();
            function(&f.to_string(), &args)
        }
        AExpr::AnonymousFunction { input, fmt_str, .. } => {
            let args: Vec<String> = input.iter().map(|e| expr(e.node(), arena)).collect();
            function(fmt_str.as_str(), &args)
        }
        AExpr::Over {
            function: f,
            partition_by,
            order_by,
            ..
        } => {
            let mut over = Vec::new();
            if !partition_by.is_empty() {
                over.push(format!(
                    "PARTITION BY {}",
                    list(partition_by.iter().copied(), arena)
                ));
            }
            if let Some((o, opts)) = order_by {
                let dir = if opts.descending { "DESC" } else { "ASC" };
                over.push(format!("ORDER BY {} {dir}", expr(*o, arena)));
            }
            format!("{} OVER ({})", expr(*f, arena), over.join(" "))
        }
        _ => polars_text(node, arena),
    }
}

/// An output expression: its text, and `AS name` when it is renamed.
pub(super) fn named(e: &ExprIR, arena: &Arena<AExpr>) -> String {
    let t = expr(e.node(), arena);
    match e.output_name_inner() {
        OutputName::Alias(name) if tidy(name) != t => format!("{t} AS {}", tidy(name)),
        _ => t,
    }
}

fn named_list(es: &[ExprIR], arena: &Arena<AExpr>) -> String {
    es.iter()
        .map(|e| named(e, arena))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a node does, in SQL words; None for scans (which the plan describes from the catalog)
/// and nodes with nothing to add.
pub(super) fn describe(ir: &IR, arena: &Arena<AExpr>) -> Option<String> {
    Some(match ir {
        IR::Filter { predicate, .. } => format!("WHERE {}", expr(predicate.node(), arena)),
        IR::Select { expr: es, .. } => format!("SELECT {}", named_list(es, arena)),
        IR::SimpleProjection { columns, .. } => format!(
            "SELECT {}",
            columns
                .iter_names()
                .map(|n| tidy(n))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        IR::HStack { exprs, .. } => format!("adds {}", named_list(exprs, arena)),
        IR::Sort {
            by_column,
            slice,
            sort_options,
            ..
        } => {
            let keys: Vec<String> = by_column
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let desc = sort_options
                        .descending
                        .get(i)
                        .or(sort_options.descending.first())
                        .copied()
                        .unwrap_or(false);
                    format!(
                        "{} {}",
                        expr(e.node(), arena),
                        if desc { "DESC" } else { "ASC" }
                    )
                })
                .collect();
            let mut t = format!("ORDER BY {}", keys.join(", "));
            if let Some((offset, len, _)) = slice {
                t.push_str(&format!(" LIMIT {len}"));
                if *offset != 0 {
                    t.push_str(&format!(" OFFSET {offset}"));
                }
            }
            t
        }
        IR::GroupBy { keys, aggs, .. } => {
            let out = named_list(aggs, arena);
            if keys.is_empty() {
                format!("whole table → {out}")
            } else {
                format!("GROUP BY {} → {out}", named_list(keys, arena))
            }
        }
        IR::Join { options, .. } => {
            let (left, right) = options.options.key_vecs();
            let mut on: Vec<String> = left
                .iter()
                .zip(&right)
                .map(|(l, r)| format!("{} = {}", expr(l.node(), arena), expr(r.node(), arena)))
                .collect();
            if let Some(p) = options.options.fused_predicate() {
                let t = expr(p.node(), arena);
                on.push(if t.contains(" OR ") {
                    format!("({t})")
                } else {
                    t
                });
            }
            let how = options.args.how.to_string();
            if on.is_empty() {
                format!("{how} JOIN")
            } else {
                format!("{how} JOIN ON {}", on.join(" AND "))
            }
        }
        IR::Slice { offset, len, .. } => {
            if *offset == 0 {
                format!("LIMIT {len}")
            } else {
                format!("LIMIT {len} OFFSET {offset}")
            }
        }
        IR::Distinct { options, .. } => match &options.subset {
            Some(cols) => format!(
                "DISTINCT ON ({})",
                cols.iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => "DISTINCT".into(),
        },
        IR::Union { inputs, .. } => format!("UNION ALL of {} inputs", inputs.len()),
        IR::MapFunction { function, .. } => {
            let t = function.to_string();
            match t.strip_prefix("ROW INDEX name: ") {
                Some(name) => format!("adds a row number AS {}", tidy(name.trim())),
                None => tidy_words(&t),
            }
        }
        IR::Cache { .. } => "a result read once and shared".into(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_names_are_shortened() {
        assert_eq!(tidy("__POLARS_JOIN_ORDER_5_n_name"), "n_name#5");
        assert_eq!(tidy("_POLARS_TMP_SQL_7"), "subquery7");
        assert_eq!(tidy("__POLARS_HAVING_0"), "having0");
        assert_eq!(tidy("__POLARS_CSER_0x100000005"), "shared_expr5");
        assert_eq!(
            tidy("__POLARS_CORR__POLARS_TMP_SQL_2_c_ps_partkey"),
            "subquery2.ps_partkey"
        );
        assert_eq!(tidy("__POLARS_CORR__POLARS_TMP_SQL_2_res"), "subquery2.res");
        assert_eq!(tidy("l_orderkey"), "l_orderkey");
    }

    #[test]
    fn infix_forms_keep_the_parentheses_of_compound_operands() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            function("decimal_mul", &args(&["l_extendedprice", "1 - l_discount"])),
            "l_extendedprice * (1 - l_discount)"
        );
        assert_eq!(function("is_null", &args(&["a + b"])), "(a + b) IS NULL");
        assert_eq!(function("is_in", &args(&["x", "(1, 2)"])), "x IN (1, 2)");
        assert_eq!(function("dt.year", &args(&["ts"])), "year(ts)");
        assert_eq!(function("all_horizontal", &args(&["a", "b"])), "a AND b");
    }

    #[test]
    fn binary_expressions_keep_the_parentheses_precedence_needs() {
        let mut arena: Arena<AExpr> = Arena::new();
        let mut col = |n: &str| arena.add(AExpr::Column(n.into()));
        let (a, b, c) = (col("a"), col("b"), col("c"));
        let bin = |arena: &mut Arena<AExpr>, left, op, right| {
            arena.add(AExpr::BinaryExpr { left, op, right })
        };
        let minus = bin(&mut arena, b, Operator::Minus, c);
        let times = bin(&mut arena, a, Operator::Multiply, minus);
        assert_eq!(expr(times, &arena), "a * (b - c)");
        let sub = bin(&mut arena, a, Operator::Minus, minus);
        assert_eq!(expr(sub, &arena), "a - (b - c)");
        let or = bin(&mut arena, a, Operator::Or, b);
        let and = bin(&mut arena, or, Operator::And, c);
        assert_eq!(expr(and, &arena), "(a OR b) AND c");
        let eq = bin(&mut arena, a, Operator::Eq, b);
        let and2 = bin(&mut arena, eq, Operator::And, c);
        assert_eq!(expr(and2, &arena), "a = b AND c");
    }
}
