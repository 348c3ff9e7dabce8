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

use polars_plan::plans::expr_ir::ExprIR;
use polars_plan::plans::{AExpr, IRPlan, IR};
use polars_utils::arena::{Arena, Node};

use super::selectivity::{json_num, selectivity, Col, Est, UNKNOWN};
use super::ScanChoice;
use crate::catalog::FileEntry;

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

/// Whether an expression gives one value for the whole input (`CAST(sum(x) AS f64) / 7`):
/// every column it reads is under an aggregate.
fn one_value(node: Node, arena: &Arena<AExpr>) -> bool {
    match arena.get(node) {
        AExpr::Agg(_) | AExpr::Len => true,
        AExpr::Function { function, .. }
            if matches!(
                function.to_string().rsplit('.').next(),
                Some("has_nulls" | "null_count" | "n_unique" | "approx_n_unique" | "len")
            ) =>
        {
            true
        }
        AExpr::Column(_) => false,
        AExpr::Literal(_) => true,
        e => {
            let mut inputs = Vec::new();
            e.inputs_rev(&mut inputs);
            !inputs.is_empty() && inputs.into_iter().all(|n| one_value(n, arena))
        }
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
/// The dataset a data file belongs to (`…/data/<dataset>/…`).
pub(super) fn dataset_of_path(path: &str) -> Option<String> {
    let p = path.replace('\\', "/");
    let parts: Vec<&str> = p.split('/').collect();
    // `data/<dataset>/v<N>/…`: the last `data` two folders above a version folder (a dataset
    // may itself be named `data`).
    let is_version =
        |s: &str| s.len() > 1 && s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit());
    (0..parts.len().saturating_sub(2))
        .rev()
        .find(|&i| parts[i] == "data" && is_version(parts[i + 2]))
        .map(|i| parts[i + 1].to_string())
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
                let all_agg = !expr.is_empty() && expr.iter().all(|x| one_value(x.node(), arena));
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
                    // Keys of a filtered left side all found on the right still leave some out.
                    "ANTI" => l.rows * (1.0 - found).max(0.1),
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
