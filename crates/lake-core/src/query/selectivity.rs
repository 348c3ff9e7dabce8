//! The share of rows a condition keeps, from what the statistics say of its columns
//! (`query::estimate` describes the rules).

use polars::prelude::*;
use polars_plan::plans::expr_ir::ExprIR;
use polars_plan::plans::{AExpr, LiteralValue};
use polars_plan::prelude::Operator;
use polars_utils::arena::{Arena, Node};

use std::collections::HashMap;

/// What the estimator knows of a column.
#[derive(Debug, Clone, Default)]
pub(super) struct Col {
    pub distinct: Option<f64>,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    pub null_share: f64,
    /// For dates and timestamps: how many of the stored units make a day.
    pub day: Option<f64>,
}

/// A node's estimated rows and what is known of its columns.
#[derive(Debug, Clone, Default)]
pub(super) struct Est {
    pub rows: f64,
    pub cols: HashMap<String, Col>,
}

impl Est {
    pub fn distinct(&self, name: &str) -> f64 {
        let d = self.cols.get(name).and_then(|c| c.distinct);
        d.unwrap_or_else(|| self.rows.sqrt())
            .clamp(1.0, self.rows.max(1.0))
    }

    /// The same columns over `rows` rows: no column has more distinct values than rows.
    pub fn with_rows(mut self, rows: f64) -> Est {
        let rows = rows.max(0.0);
        for c in self.cols.values_mut() {
            c.distinct = c.distinct.map(|d| d.min(rows.max(1.0)));
        }
        self.rows = rows;
        self
    }
}

/// A filter condition the statistics cannot judge keeps this share.
pub(super) const UNKNOWN: f64 = 1.0 / 3.0;
/// `x LIKE '%text%'`-like tests keep this share.
const CONTAINS: f64 = 0.1;

/// Text as a number in [0, 1), keeping its order on the first 7 bytes, so text ranges and
/// prefixes have a size.
fn text_key(s: &str) -> f64 {
    s.bytes()
        .take(7)
        .enumerate()
        .map(|(i, b)| b as f64 / 256f64.powi(i as i32 + 1))
        .sum()
}

/// How many leading bytes two `text_key`s share (at most 6, what an f64 holds exactly).
fn common_bytes(a: f64, b: f64) -> usize {
    let byte = |k: f64, i: i32| ((k * 256f64.powi(i + 1)).floor() as u64) % 256;
    (0..6).take_while(|&i| byte(a, i) == byte(b, i)).count()
}

pub(super) fn json_num(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => Some(text_key(s)),
        serde_json::Value::Bool(b) => Some(*b as u8 as f64),
        _ => None,
    }
}

fn any_num(v: &AnyValue) -> Option<f64> {
    match v {
        AnyValue::String(s) => Some(text_key(s)),
        AnyValue::StringOwned(s) => Some(text_key(s)),
        AnyValue::Boolean(b) => Some(*b as u8 as f64),
        AnyValue::Date(d) => Some(*d as f64),
        AnyValue::Datetime(t, _, _) | AnyValue::DatetimeOwned(t, _, _) => Some(*t as f64),
        AnyValue::Decimal(v, _, scale) => Some(*v as f64 / 10f64.powi(*scale as i32)),
        v => v.extract::<f64>(),
    }
}

/// The values of an IN list (which may come as a list holding the list).
fn list_len(s: &Series) -> usize {
    match s.get(0) {
        Ok(AnyValue::List(inner) | AnyValue::Array(inner, _)) if s.len() == 1 => inner.len(),
        _ => s.len(),
    }
}

/// A constant's value as a number, or the number of values of a list constant.
enum Lit {
    One(Option<f64>),
    Many(usize),
}

fn literal(node: Node, arena: &Arena<AExpr>) -> Option<Lit> {
    match arena.get(node) {
        AExpr::Literal(LiteralValue::Scalar(sc)) => Some(match sc.value() {
            AnyValue::List(s) | AnyValue::Array(s, _) => Lit::Many(list_len(s)),
            v => Lit::One(any_num(v)),
        }),
        AExpr::Literal(LiteralValue::Series(s)) => Some(Lit::Many(list_len(s))),
        AExpr::Literal(l) => {
            // Dynamic literals (not yet typed): `dyn int: 5`, `dyn str: abc`.
            let t = format!("{l:?}");
            let v = t.split_once(": ").map(|(k, v)| {
                if k.contains("str") {
                    Some(text_key(v))
                } else {
                    v.trim().parse::<f64>().ok()
                }
            });
            Some(Lit::One(v.flatten()))
        }
        AExpr::Cast { expr, .. } => literal(*expr, arena),
        _ => None,
    }
}

/// The column an expression reads, looking through casts.
fn column(node: Node, arena: &Arena<AExpr>) -> Option<&str> {
    match arena.get(node) {
        AExpr::Column(c) => Some(c.as_str()),
        AExpr::Cast { expr, .. } => column(*expr, arena),
        _ => None,
    }
}

/// The share of `e`'s rows where `node` holds.
pub(super) fn selectivity(node: Node, arena: &Arena<AExpr>, e: &Est) -> f64 {
    let s = match arena.get(node) {
        AExpr::BinaryExpr { left, op, right } => binary(*left, *op, *right, arena, e),
        AExpr::Function {
            input, function, ..
        } => {
            let name = function.to_string();
            let args: Vec<Node> = input.iter().map(ExprIR::node).collect();
            call(&name, &args, arena, e)
        }
        AExpr::Literal(_) => match literal(node, arena) {
            Some(Lit::One(Some(v))) => v,
            _ => UNKNOWN,
        },
        AExpr::Cast { expr, .. } => selectivity(*expr, arena, e),
        AExpr::Column(_) => 0.5,
        _ => UNKNOWN,
    };
    s.clamp(0.0, 1.0)
}

/// The conditions under `nodes` joined by AND, flattened.
fn conjuncts(nodes: &[Node], arena: &Arena<AExpr>, out: &mut Vec<Node>) {
    for &n in nodes {
        match arena.get(n) {
            AExpr::BinaryExpr {
                left,
                op: Operator::And | Operator::LogicalAnd,
                right,
            } => conjuncts(&[*left, *right], arena, out),
            AExpr::Function {
                input, function, ..
            } if function.to_string().ends_with("all_horizontal") => {
                let args: Vec<Node> = input.iter().map(ExprIR::node).collect();
                conjuncts(&args, arena, out)
            }
            _ => out.push(n),
        }
    }
}

/// A bound on a column by a constant: (column, value, is it a lower bound).
fn bound(node: Node, arena: &Arena<AExpr>) -> Option<(&str, f64, bool)> {
    let AExpr::BinaryExpr { left, op, right } = arena.get(node) else {
        return None;
    };
    let (c, v, op) = match (column(*left, arena), literal(*right, arena)) {
        (Some(c), Some(Lit::One(Some(v)))) => (c, v, *op),
        _ => match (literal(*left, arena), column(*right, arena)) {
            (Some(Lit::One(Some(v))), Some(c)) => (c, v, op.swap_operands()?),
            _ => return None,
        },
    };
    match op {
        Operator::Gt | Operator::GtEq => Some((c, v, true)),
        Operator::Lt | Operator::LtEq => Some((c, v, false)),
        _ => None,
    }
}

/// AND of conditions: bounds on one column make one range (`x >= 5 AND x < 7` keeps the share
/// between 5 and 7, not the product of the two halves); the rest multiply.
fn all_of(nodes: &[Node], arena: &Arena<AExpr>, e: &Est) -> f64 {
    let mut parts = Vec::new();
    conjuncts(nodes, arena, &mut parts);
    let mut ranges: Vec<(&str, f64, f64)> = Vec::new();
    let mut s = 1.0;
    for n in parts {
        match bound(n, arena) {
            Some((c, v, lower))
                if e.cols
                    .get(c)
                    .is_some_and(|c| c.lo.is_some() && c.hi.is_some()) =>
            {
                let at = match ranges.iter().position(|r| r.0 == c) {
                    Some(i) => i,
                    None => {
                        ranges.push((c, f64::NEG_INFINITY, f64::INFINITY));
                        ranges.len() - 1
                    }
                };
                let r = &mut ranges[at];
                if lower {
                    r.1 = r.1.max(v);
                } else {
                    r.2 = r.2.min(v);
                }
            }
            _ => s *= selectivity(n, arena, e),
        }
    }
    for (c, lo, hi) in ranges {
        let col = &e.cols[c];
        let share = if lo > hi {
            0.0
        } else {
            range_share(col, lo, hi).unwrap_or(UNKNOWN)
        };
        // A range as narrow as one value still holds that value's rows.
        let one = (1.0 - col.null_share) / e.distinct(c);
        s *= if lo <= hi {
            share.max(one.min(1.0))
        } else {
            0.0
        };
    }
    s
}

fn range_share(col: &Col, lo: f64, hi: f64) -> Option<f64> {
    let (a, b) = (col.lo?, col.hi?);
    if b <= a {
        return Some(if lo <= a && a <= hi { 1.0 } else { 0.0 });
    }
    Some(((hi.min(b) - lo.max(a)) / (b - a)).clamp(0.0, 1.0))
}

fn binary(l: Node, op: Operator, r: Node, arena: &Arena<AExpr>, e: &Est) -> f64 {
    use Operator::*;
    match op {
        And | LogicalAnd => return all_of(&[l, r], arena, e),
        Or | LogicalOr => {
            let (a, b) = (selectivity(l, arena, e), selectivity(r, arena, e));
            return a + b - a * b;
        }
        _ => {}
    }
    // Column against a constant, the constant on either side.
    let (name, value, op) = match (column(l, arena), literal(r, arena)) {
        (Some(c), Some(Lit::One(v))) => (c, v, op),
        _ => match (literal(l, arena), column(r, arena)) {
            (Some(Lit::One(v)), Some(c)) => (c, v, op.swap_operands().unwrap_or(op)),
            _ => {
                // Two columns: equal ones match as a join does.
                return match (column(l, arena), column(r, arena), op) {
                    (Some(a), Some(b), Eq | EqValidity) => 1.0 / e.distinct(a).max(e.distinct(b)),
                    (Some(a), Some(b), NotEq | NotEqValidity) => {
                        1.0 - 1.0 / e.distinct(a).max(e.distinct(b))
                    }
                    _ => UNKNOWN,
                };
            }
        },
    };
    let col = e.cols.get(name).cloned().unwrap_or_default();
    let present = 1.0 - col.null_share;
    // A value outside the column's range is in no row.
    let outside = match (value, col.lo, col.hi) {
        (Some(v), Some(lo), Some(hi)) => v < lo || v > hi,
        _ => false,
    };
    let eq = || {
        if outside {
            0.0
        } else {
            present / e.distinct(name)
        }
    };
    let Some(v) = value else {
        return if matches!(op, Eq | EqValidity) {
            eq()
        } else {
            UNKNOWN
        };
    };
    let below = |inclusive: bool| {
        range_share(&col, f64::NEG_INFINITY, v)
            .map(|s| present * s + if inclusive { eq() } else { 0.0 })
            .unwrap_or(UNKNOWN)
    };
    match op {
        Eq | EqValidity => eq(),
        NotEq | NotEqValidity => present - eq(),
        Lt => below(false),
        LtEq => below(true),
        Gt => (present - below(true)).max(0.0),
        GtEq => (present - below(false)).max(0.0),
        _ => UNKNOWN,
    }
}

fn call(name: &str, args: &[Node], arena: &Arena<AExpr>, e: &Est) -> f64 {
    let arg = |i: usize| args.get(i).copied();
    let col = || arg(0).and_then(|n| column(n, arena));
    let stats = || {
        col()
            .and_then(|c| e.cols.get(c))
            .cloned()
            .unwrap_or_default()
    };
    let f = name.rsplit('.').next().unwrap_or(name);
    match f {
        "not" => arg(0).map_or(UNKNOWN, |n| 1.0 - selectivity(n, arena, e)),
        "is_null" => stats().null_share,
        "is_not_null" => 1.0 - stats().null_share,
        "all_horizontal" => all_of(args, arena, e),
        "any_horizontal" => {
            1.0 - args
                .iter()
                .map(|n| 1.0 - selectivity(*n, arena, e))
                .product::<f64>()
        }
        "is_in" => match (col(), arg(1).and_then(|n| literal(n, arena))) {
            (Some(c), Some(Lit::Many(k))) => k as f64 / e.distinct(c),
            (Some(c), Some(Lit::One(_))) => 1.0 / e.distinct(c),
            _ => UNKNOWN,
        },
        "is_between" => {
            let bound = |i| match arg(i).and_then(|n| literal(n, arena)) {
                Some(Lit::One(v)) => v,
                _ => None,
            };
            match (bound(1), bound(2)) {
                (Some(lo), Some(hi)) => range_share(&stats(), lo, hi).unwrap_or(UNKNOWN),
                _ => UNKNOWN,
            }
        }
        "starts_with" => {
            let prefix = arg(1).and_then(|n| match arena.get(n) {
                AExpr::Literal(l) => l.extract_str().map(str::to_string),
                _ => None,
            });
            match prefix {
                Some(p) if !p.is_empty() => {
                    // The prefix's share of the column's text range, up to the first byte where
                    // the smallest and largest values differ; each further character keeps
                    // 0.6 of it (text is far from evenly spread over 256 byte values).
                    let s = stats();
                    let same = match (s.lo, s.hi) {
                        (Some(a), Some(b)) => common_bytes(a, b),
                        _ => 0,
                    };
                    let head: String = p.chars().take(same + 1).collect();
                    let lo = text_key(&head);
                    let hi = lo + 256f64.powi(-(head.len().min(7) as i32));
                    let by_range = range_share(&s, lo, hi).unwrap_or(CONTAINS);
                    let rest = p.chars().count().saturating_sub(same + 1) as i32;
                    let floor = 1.0 / col().map_or(e.rows, |c| e.distinct(c)).max(1.0);
                    (by_range * 0.6f64.powi(rest)).max(floor)
                }
                _ => UNKNOWN,
            }
        }
        "contains" | "ends_with" | "contains_any" => CONTAINS,
        _ => UNKNOWN,
    }
}
