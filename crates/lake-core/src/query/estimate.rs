//! Row estimates for EXPLAIN from the catalog's statistics: each file's rows, and per column its
//! smallest and largest value, nulls and distinct count (`storage::sketch`).
//!
//! - A filter keeps the share of the column's range its bounds cover, `1/distinct` of the rows
//!   per `=` or `IN` value, the share of its nulls for `IS NULL`, the share of the text range a
//!   `LIKE 'prefix%'` covers; conditions multiply (AND) or add (OR) as if independent.
//! - A scan's rows are the kept files' rows, capped by the row groups left after pruning.
//! - A join on keys gives `|L|·|R| / max(distinct L key, distinct R key)`, the usual
//!   containment rule; further keys divide by the square root of theirs (keys of one table
//!   correlate). Semi and anti joins keep the share of left keys found on the right.
//! - A group-by gives the product of its keys' distinct counts, at most its input's rows.
//! - A column whose distinct count is not known counts as `√rows` distinct values: the
//!   middle, on a log scale, between one value and all values different.

use std::collections::HashMap;

use polars::prelude::*;
use polars_plan::plans::expr_ir::ExprIR;
use polars_plan::plans::{AExpr, IRPlan, LiteralValue, IR};
use polars_plan::prelude::Operator;
use polars_utils::arena::{Arena, Node};

use super::ScanChoice;
use crate::catalog::FileEntry;

/// A filter condition the statistics cannot judge keeps this share.
const UNKNOWN: f64 = 1.0 / 3.0;
/// `x LIKE '%text%'`-like tests keep this share.
const CONTAINS: f64 = 0.1;

/// What the estimator knows of a column.
#[derive(Debug, Clone, Default)]
struct Col {
    distinct: Option<f64>,
    lo: Option<f64>,
    hi: Option<f64>,
    null_share: f64,
    /// For dates and timestamps: how many of the stored units make a day.
    day: Option<f64>,
}

/// Units per day of a temporal type named as the catalog names it (`date`, `datetime[μs, UTC]`).
fn units_per_day(dtype: &str) -> Option<f64> {
    match dtype {
        "date" => Some(1.0),
        d if d.starts_with("datetime[ms") => Some(86_400e3),
        d if d.starts_with("datetime[μs") || d.starts_with("datetime[us") => Some(86_400e6),
        d if d.starts_with("datetime[ns") => Some(86_400e9),
        _ => None,
    }
}

/// Distinct values of a date part (`year(d)`, `month(d)`) of a column spanning `days` days.
fn date_part_distinct(function: &str, days: f64) -> Option<f64> {
    let part = function.rsplit('.').next().unwrap_or(function);
    Some(match part {
        "year" | "iso_year" => days / 365.25 + 1.0,
        "quarter" => (days / 91.3 + 1.0).min(4.0),
        "month" => (days / 30.44 + 1.0).min(12.0),
        "week" => (days / 7.0 + 1.0).min(53.0),
        "weekday" => (days + 1.0).min(7.0),
        "day" => (days + 1.0).min(31.0),
        "ordinal_day" => (days + 1.0).min(366.0),
        "hour" => (days * 24.0 + 1.0).min(24.0),
        "date" => days + 1.0,
        _ => return None,
    })
}

/// A node's estimated rows and what is known of its columns.
#[derive(Debug, Clone, Default)]
pub(super) struct Est {
    pub rows: f64,
    cols: HashMap<String, Col>,
}

impl Est {
    fn distinct(&self, name: &str) -> f64 {
        let d = self.cols.get(name).and_then(|c| c.distinct);
        d.unwrap_or_else(|| self.rows.sqrt())
            .clamp(1.0, self.rows.max(1.0))
    }

    /// The same columns over `rows` rows: no column has more distinct values than rows.
    fn with_rows(mut self, rows: f64) -> Est {
        let rows = rows.max(0.0);
        for c in self.cols.values_mut() {
            c.distinct = c.distinct.map(|d| d.min(rows.max(1.0)));
        }
        self.rows = rows;
        self
    }
}

/// Text as a number in [0, 1), keeping its order on the first 7 bytes, so text ranges and
/// prefixes have a size.
fn text_key(s: &str) -> f64 {
    s.bytes()
        .take(7)
        .enumerate()
        .map(|(i, b)| b as f64 / 256f64.powi(i as i32 + 1))
        .sum()
}

fn json_num(v: &serde_json::Value) -> Option<f64> {
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

/// The one column an expression is computed from (`year(o_orderdate)`), if just one.
fn only_column(node: Node, arena: &Arena<AExpr>) -> Option<String> {
    let mut found: Option<String> = None;
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let e = arena.get(n);
        if let AExpr::Column(c) = e {
            match &found {
                Some(f) if f != c.as_str() => return None,
                _ => found = Some(c.to_string()),
            }
        }
        e.inputs_rev(&mut stack);
    }
    found
}

/// The share of `e`'s rows where `node` holds.
fn selectivity(node: Node, arena: &Arena<AExpr>, e: &Est) -> f64 {
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
                    let lo = text_key(&p);
                    let hi = lo + 256f64.powi(-(p.len().min(7) as i32));
                    let by_range = range_share(&stats(), lo, hi).unwrap_or(CONTAINS);
                    by_range.max(1.0 / col().map_or(e.rows, |c| e.distinct(c)).max(1.0))
                }
                _ => UNKNOWN,
            }
        }
        "contains" | "ends_with" | "contains_any" => CONTAINS,
        _ => UNKNOWN,
    }
}

/// The dataset a data file belongs to (`…/data/<dataset>/…`).
pub(super) fn dataset_of_path(path: &str) -> Option<String> {
    let p = path.replace('\\', "/");
    let i = p.rfind("/data/")?;
    p[i + 6..].split('/').next().map(str::to_string)
}

/// Estimates every node of an optimized plan, bottom up.
pub(super) struct Estimator<'a> {
    pub plan: &'a IRPlan,
    pub scans: &'a [ScanChoice],
    memo: HashMap<Node, Est>,
}

/// What the files say of each column: range, nulls and distinct values.
fn file_columns(files: &[FileEntry], rows: f64) -> HashMap<String, Col> {
    // Per column: what is known, and each file's (rows with a value, distinct values).
    type Seen = (Col, Vec<Option<(u64, u64)>>);
    let mut out: HashMap<String, Seen> = HashMap::new();
    for f in files {
        for s in &f.stats {
            let (c, counts) = out.entry(s.column.clone()).or_default();
            let lo = s.min.as_ref().and_then(json_num);
            let hi = s.max.as_ref().and_then(json_num);
            c.lo = match (c.lo, lo) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            c.hi = match (c.hi, hi) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            c.null_share += s.null_count as f64;
            c.day = c.day.or_else(|| units_per_day(&s.dtype));
            counts.push(s.distinct.map(|d| (f.rows.saturating_sub(s.null_count), d)));
        }
    }
    out.into_iter()
        .map(|(name, (mut c, counts))| {
            c.null_share = if rows > 0.0 { c.null_share / rows } else { 0.0 };
            c.distinct = counts
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .filter(|v| v.len() == files.len())
                .map(|v| crate::catalog::merge_distinct(&v) as f64);
            (name, c)
        })
        .collect()
}

impl<'a> Estimator<'a> {
    pub fn new(plan: &'a IRPlan, scans: &'a [ScanChoice]) -> Self {
        Estimator {
            plan,
            scans,
            memo: HashMap::new(),
        }
    }

    /// The estimated rows out of `node`.
    pub fn rows(&mut self, node: Node) -> u64 {
        self.est(node).rows.round().max(0.0) as u64
    }

    fn est(&mut self, node: Node) -> Est {
        if let Some(e) = self.memo.get(&node) {
            return e.clone();
        }
        let e = self.compute(node);
        self.memo.insert(node, e.clone());
        e
    }

    fn compute(&mut self, node: Node) -> Est {
        let arena = &self.plan.expr_arena;
        let ir = self.plan.lp_arena.get(node);
        match ir {
            IR::Scan {
                sources,
                predicate,
                file_info,
                unified_scan_args,
                ..
            } => {
                // A LIMIT the engine pushed into the scan.
                let limit = unified_scan_args
                    .pre_slice
                    .as_ref()
                    .map_or(f64::INFINITY, |s| s.len() as f64);
                let ds = sources
                    .first_path()
                    .and_then(|p| dataset_of_path(p.as_str()));
                let choice = ds.and_then(|d| self.scans.iter().find(|s| s.dataset == d));
                let Some(c) = choice else {
                    let rows = file_info.stats.rows.value().unwrap_or(0) as f64;
                    let base = Est {
                        rows,
                        cols: HashMap::new(),
                    };
                    let kept = predicate
                        .as_ref()
                        .map_or(rows, |p| rows * selectivity(p.node(), arena, &base));
                    return base.with_rows(kept.min(limit));
                };
                let rows = c.kept.iter().map(|f| f.rows).sum::<u64>() as f64;
                let base = Est {
                    rows,
                    cols: file_columns(&c.kept, rows),
                };
                // The row groups left after pruning bound what the filter can keep.
                let cap = match c.row_groups {
                    Some((pruned, total)) if total > 0 => {
                        rows * (total - pruned) as f64 / total as f64
                    }
                    _ => rows,
                };
                let kept = match predicate {
                    Some(p) => rows * selectivity(p.node(), arena, &base),
                    None => rows,
                };
                base.with_rows(kept.min(cap).min(limit))
            }
            IR::DataFrameScan { df, .. } => Est {
                rows: df.height() as f64,
                cols: HashMap::new(),
            },
            IR::Filter { input, predicate } => {
                let e = self.est(*input);
                let s = selectivity(predicate.node(), arena, &e);
                let rows = e.rows * s;
                e.with_rows(rows)
            }
            IR::Select { input, expr, .. } => {
                let e = self.est(*input);
                let all_agg = !expr.is_empty()
                    && expr
                        .iter()
                        .all(|x| matches!(arena.get(x.node()), AExpr::Agg(_) | AExpr::Len));
                let rows = if all_agg { 1.0 } else { e.rows };
                let cols = expr
                    .iter()
                    .map(|x| (x.output_name().to_string(), self.derived(x, &e)))
                    .collect();
                Est { rows, cols }
            }
            IR::HStack { input, exprs, .. } => {
                let mut e = self.est(*input);
                for x in exprs {
                    let c = self.derived(x, &e);
                    e.cols.insert(x.output_name().to_string(), c);
                }
                e
            }
            IR::SimpleProjection { input, columns } => {
                let e = self.est(*input);
                let cols = columns
                    .iter_names()
                    .filter_map(|n| e.cols.get(n.as_str()).map(|c| (n.to_string(), c.clone())))
                    .collect();
                Est { rows: e.rows, cols }
            }
            IR::Join {
                input_left,
                input_right,
                options,
                ..
            } => {
                let (l, r) = (self.est(*input_left), self.est(*input_right));
                let (lk, rk) = options.options.key_vecs();
                let mut ratios: Vec<(f64, f64)> = lk
                    .iter()
                    .zip(&rk)
                    .map(|(a, b)| (self.key_distinct(a, &l), self.key_distinct(b, &r)))
                    .collect();
                ratios.sort_by(|a, b| b.0.max(b.1).total_cmp(&a.0.max(a.1)));
                let divisor: f64 = ratios
                    .iter()
                    .enumerate()
                    .map(|(i, (a, b))| if i == 0 { a.max(*b) } else { a.max(*b).sqrt() })
                    .product();
                let inner = if ratios.is_empty() {
                    l.rows * r.rows
                } else {
                    l.rows * r.rows / divisor.max(1.0)
                };
                let inner = match options.options.fused_predicate() {
                    Some(p) => inner * UNKNOWN.max(selectivity(p.node(), arena, &l)),
                    None => inner,
                };
                // Keys of the left side found on the right, as a share.
                let found = ratios.first().map_or(1.0, |(a, b)| (b / a).min(1.0));
                let how = options.args.how.to_string().to_uppercase();
                let rows = match how.as_str() {
                    "LEFT" => inner.max(l.rows),
                    "RIGHT" => inner.max(r.rows),
                    "FULL" => inner.max(l.rows).max(r.rows),
                    "SEMI" => l.rows * found,
                    "ANTI" => l.rows * (1.0 - found),
                    _ => inner,
                };
                let mut cols = l.cols.clone();
                if !matches!(how.as_str(), "SEMI" | "ANTI") {
                    let suffix = options.args.suffix().to_string();
                    for (k, v) in &r.cols {
                        let name = if cols.contains_key(k) {
                            format!("{k}{suffix}")
                        } else {
                            k.clone()
                        };
                        cols.insert(name, v.clone());
                    }
                }
                Est {
                    rows,
                    cols: cols.clone(),
                }
                .with_rows(rows)
            }
            IR::GroupBy {
                input, keys, aggs, ..
            } => {
                let e = self.est(*input);
                let groups = if keys.is_empty() {
                    1.0
                } else {
                    keys.iter()
                        .map(|k| self.key_distinct(k, &e))
                        .product::<f64>()
                        .min(e.rows)
                };
                let mut cols: HashMap<String, Col> = keys
                    .iter()
                    .map(|k| (k.output_name().to_string(), self.derived(k, &e)))
                    .collect();
                for a in aggs {
                    cols.insert(a.output_name().to_string(), Col::default());
                }
                Est { rows: groups, cols }.with_rows(groups)
            }
            IR::Distinct { input, options } => {
                let e = self.est(*input);
                let names: Vec<String> = match &options.subset {
                    Some(s) => s.iter().map(|c| c.to_string()).collect(),
                    None => self
                        .plan
                        .lp_arena
                        .get(*input)
                        .schema(&self.plan.lp_arena)
                        .iter_names()
                        .map(|n| n.to_string())
                        .collect(),
                };
                let groups = if names.is_empty() {
                    e.rows
                } else {
                    names
                        .iter()
                        .map(|n| e.distinct(n))
                        .product::<f64>()
                        .min(e.rows)
                };
                e.with_rows(groups)
            }
            IR::Slice { input, len, .. } => {
                let e = self.est(*input);
                let rows = e.rows.min(*len as f64);
                e.with_rows(rows)
            }
            IR::Sort { input, slice, .. } => {
                let e = self.est(*input);
                match slice {
                    Some((_, len, _)) => {
                        let rows = e.rows.min(*len as f64);
                        e.with_rows(rows)
                    }
                    None => e,
                }
            }
            IR::Union { inputs, .. } => {
                let parts: Vec<Est> = inputs.iter().map(|n| self.est(*n)).collect();
                let rows = parts.iter().map(|p| p.rows).sum();
                let first = parts.into_iter().next().unwrap_or_default();
                Est {
                    rows,
                    cols: first.cols,
                }
                .with_rows(rows)
            }
            other => {
                let inputs: Vec<Node> = other.inputs().collect();
                match inputs.first() {
                    Some(n) => self.est(*n),
                    None => Est::default(),
                }
            }
        }
    }

    /// What is known of an output expression's column: a column passed on (or renamed) keeps
    /// its statistics; a function of one column has at most its distinct values.
    fn derived(&self, x: &ExprIR, e: &Est) -> Col {
        let arena = &self.plan.expr_arena;
        match arena.get(x.node()) {
            AExpr::Column(c) => e.cols.get(c.as_str()).cloned().unwrap_or_default(),
            AExpr::Literal(_) => Col {
                distinct: Some(1.0),
                ..Col::default()
            },
            AExpr::Agg(_) | AExpr::Len => Col::default(),
            other => match only_column(x.node(), arena) {
                Some(c) => {
                    let src = e.cols.get(&c).cloned().unwrap_or_default();
                    // A date part has as many values as the column's span holds.
                    let part = match (other, src.lo, src.hi, src.day) {
                        (AExpr::Function { function, .. }, Some(lo), Some(hi), Some(day)) => {
                            date_part_distinct(&function.to_string(), (hi - lo) / day)
                        }
                        _ => None,
                    };
                    let distinct = match (part, src.distinct) {
                        (Some(p), Some(d)) => Some(p.min(d)),
                        (p, d) => p.or(d),
                    };
                    Col {
                        distinct,
                        ..Col::default()
                    }
                }
                None => Col::default(),
            },
        }
    }

    fn key_distinct(&self, x: &ExprIR, e: &Est) -> f64 {
        let c = self.derived(x, e);
        c.distinct
            .unwrap_or_else(|| e.rows.sqrt())
            .clamp(1.0, e.rows.max(1.0))
    }
}
