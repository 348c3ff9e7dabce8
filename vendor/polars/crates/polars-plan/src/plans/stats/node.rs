//! Cardinality estimates for a node of the IR.
//!
//! Anything that cannot be estimated yields `None` rather than a guess, so a caller
//! can tell "no estimate" apart from "estimated to be small".

use std::sync::Arc;

use polars_core::prelude::DataType;
use polars_core::scalar::Scalar;
use polars_core::schema::Schema;
use polars_utils::aliases::InitHashMaps;
#[expect(clippy::disallowed_types)] // We don't iterate over it.
use polars_utils::aliases::PlHashMap;
use polars_utils::arena::{Arena, Node};
use polars_utils::pl_str::PlSmallStr;
use polars_utils::slice_enum::Slice;
use recursive::recursive;

use super::{
    Card, DEFAULT_REL_ERR, ScanColumnStats, ScanColumnStatsMap, leaf_row_count, range_width,
};
use crate::plans::aexpr::filter_constraint::{ColumnBounds, and_chain_bounds};
use crate::plans::{
    AExpr, ExprIR, IR, IRBooleanFunction, IRFunctionExpr, JoinTypeOptionsIR, into_column,
};
use crate::prelude::{JoinType, Operator};

// We don't iterate over it.
#[expect(clippy::disallowed_types)]
pub(crate) type StatsCache = PlHashMap<Node, Option<NodeStats>>;

/// Fallback selectivity for a filter conjunct with no better estimate.
const DEFAULT_SELECTIVITY: f64 = 0.2;

/// Largest relative error an NDV may carry and still steer a decision.
const MAX_NDV_REL_ERR: f32 = DEFAULT_REL_ERR;

const MIN_CARDINALITY: f64 = 1.0;

/// Cardinality estimates for the rows a node emits.
#[derive(Debug, Clone, Default)]
pub struct NodeStats {
    /// Estimated rows, after any filter pushed into the leaf.
    pub filtered: f64,
    /// Estimated rows, before those filters.
    /// We want to know this as we divide a join by the number
    /// of distinct values in the original set.
    pub unfiltered: f64,
    /// Rows the node cannot emit more than. A guarantee, not an estimate.
    max_rows: Option<f64>,
    /// Per output column, sparse. An absent column is unknown.
    columns: Option<Arc<ScanColumnStatsMap>>,
}

/// Estimate the rows a subplan produces.
///
/// `None` means the subtree is not modelled (a python scan, an opaque function, a
/// gather by a computed index).
pub fn node_stats(
    node: Node,
    ir_arena: &Arena<IR>,
    expr_arena: &Arena<AExpr>,
) -> Option<NodeStats> {
    node_stats_with_cache(node, ir_arena, expr_arena, &mut StatsCache::new())
}

/// [`node_stats`], reusing what `cache` already holds.
///
/// Every node is estimated from its inputs, so a caller asking about many nodes of
/// one subplan would otherwise re-walk the same descendants once per ancestor. The
/// cache is keyed on [`Node`] and is only valid while the arenas are unchanged.
#[recursive]
pub(crate) fn node_stats_with_cache(
    node: Node,
    ir_arena: &Arena<IR>,
    expr_arena: &Arena<AExpr>,
    cache: &mut StatsCache,
) -> Option<NodeStats> {
    if let Some(hit) = cache.get(&node) {
        return hit.clone();
    }
    let ir = ir_arena.get(node);
    let stats = match ir {
        IR::Scan {
            predicate,
            file_info,
            unified_scan_args,
            ..
        } => {
            let rows = leaf_row_count(ir);
            // Estimates must be at least one, but the row bound can be exactly zero.
            let unfiltered = (rows.value()? as f64).max(MIN_CARDINALITY);
            let mut max_rows = match rows {
                Card::Exact(rows) => Some(rows as f64),
                _ => None,
            };
            // The slice is applied before the predicate, so it narrows first.
            let mut filtered = unfiltered;
            if let Some(slice) = &unified_scan_args.pre_slice {
                filtered = sliced(filtered, slice.clone());
                max_rows = max_rows.map(|m| sliced(m, slice.clone()));
            }
            let columns = scan_columns(ir);
            if let Some(p) = predicate {
                filtered = apply_predicate(
                    filtered,
                    unfiltered,
                    p.node(),
                    expr_arena,
                    columns.as_deref(),
                    &file_info.schema,
                );
            }
            Some(NodeStats {
                filtered,
                unfiltered,
                max_rows,
                columns,
            })
        },

        IR::DataFrameScan { .. } => {
            let rows = (leaf_row_count(ir).value()? as f64).max(MIN_CARDINALITY);
            Some(NodeStats::of_rows(rows))
        },
        IR::GroupBy {
            input,
            keys,
            options,
            apply,
            ..
        } => {
            // Those can produce more groups.
            if apply.is_some() || options.is_rolling() || options.is_dynamic() {
                return None;
            }
            let inner = node_stats_with_cache(*input, ir_arena, expr_arena, cache)?;
            // A computed key holds neither the values nor the distinct count of the
            // column it is named after, so only a key reading one column contributes.
            let ndv = keys
                .iter()
                .map(|k| into_column(k.node(), expr_arena))
                .collect::<Option<Vec<_>>>()
                .and_then(|mut sources| {
                    // Several keys reading one column split it no finer than one of
                    // them does, so it must be counted once.
                    sources.sort_unstable();
                    sources.dedup();
                    inner.key_distinct_count_product(&sources)
                });
            let names: Vec<&PlSmallStr> = keys.iter().map(|k| k.output_name()).collect();
            Some(one_row_per_group(inner, &names, ndv, options.slice))
        },
        IR::Distinct { input, options } => {
            let input_schema;
            let names: Vec<&PlSmallStr> = match &options.subset {
                Some(subset) => subset.iter().collect(),
                None => {
                    input_schema = ir_arena.get(*input).schema(ir_arena).into_owned();
                    input_schema.iter_names().collect()
                },
            };
            let inner = node_stats_with_cache(*input, ir_arena, expr_arena, cache)?;
            let ndv = inner.key_distinct_count_product(&names);
            Some(one_row_per_group(inner, &names, ndv, options.slice))
        },
        IR::Filter { input, predicate } => {
            let inner = node_stats_with_cache(*input, ir_arena, expr_arena, cache)?;
            let filtered = apply_predicate(
                inner.filtered,
                inner.unfiltered,
                predicate.node(),
                expr_arena,
                inner.columns.as_deref(),
                &ir_arena.get(*input).schema(ir_arena),
            );
            Some(inner.filter(filtered))
        },
        IR::SimpleProjection { input, .. } | IR::Cache { input, .. } => {
            node_stats_with_cache(*input, ir_arena, expr_arena, cache)
        },
        IR::Sort { input, slice, .. } => {
            let inner = node_stats_with_cache(*input, ir_arena, expr_arena, cache)?;
            Some(match slice {
                None => inner,
                Some((offset, len, _)) => inner.slice((*offset, *len)),
            })
        },
        IR::Slice { input, offset, len } => {
            let inner = node_stats_with_cache(*input, ir_arena, expr_arena, cache)?;
            Some(inner.slice((*offset, *len as usize)))
        },
        IR::Union { inputs, options } => {
            let mut acc = NodeStats::of_rows(0.0);
            for input in inputs {
                let inner = node_stats_with_cache(*input, ir_arena, expr_arena, cache)?;
                acc.filtered += inner.filtered;
                acc.unfiltered += inner.unfiltered;
                acc.max_rows = acc.max_rows.zip(inner.max_rows).map(|(a, b)| a + b);
            }
            acc.filtered = acc.filtered.max(MIN_CARDINALITY);
            acc.unfiltered = acc.unfiltered.max(MIN_CARDINALITY);
            acc.max_rows = acc.max_rows.map(|m| m.max(MIN_CARDINALITY));
            Some(match options.slice {
                None => acc,
                Some(slice) => acc.slice(slice),
            })
        },
        // Both sides are divided by the shared domain of a key pair, see
        // `join_cardinality`.
        IR::Join {
            input_left,
            input_right,
            options,
            ..
        } => {
            // As-of, inequality and range matches are not modelled.
            let JoinTypeOptionsIR::Equi {
                on,
                fused_predicate,
            } = &options.options
            else {
                return None;
            };
            let left = node_stats_with_cache(*input_left, ir_arena, expr_arena, cache)?;
            let right = node_stats_with_cache(*input_right, ir_arena, expr_arena, cache)?;

            let how = &options.args.how;
            // The right side of a semi- or anti-join is a set of values from the left
            // key's own domain.
            let own_domain = |left_key: Option<&PlSmallStr>| match how {
                #[cfg(feature = "semi_anti_join")]
                JoinType::Semi | JoinType::Anti => left_key.and_then(|name| left.int_domain(name)),
                _ => None,
            };
            let key_domains = composite_key_domain(
                on.iter().map(|(left_key, right_key)| {
                    let left_key = left_key.plain_column(expr_arena);
                    let right_key = right_key.plain_column(expr_arena);
                    let domain = key_domain(&left, left_key, &right, right_key);
                    let domain = own_domain(left_key).map_or(domain, |own| domain.max(own));
                    let unique_rows = unique_side_rows(&left, left_key, &right, domain)
                        .or_else(|| unique_side_rows(&right, right_key, &left, domain));
                    (domain, unique_rows)
                }),
                left.unfiltered.max(right.unfiltered),
            );
            let rows = |l: f64, r: f64| join_rows(how, l, r, join_cardinality(l, r, key_domains));

            let filtered = rows(left.filtered, right.filtered)?;
            let stats = if how.is_semi_anti() {
                // A filter on the left side: its rows are narrowed, its key domain
                // is not.
                left.filter(filtered)
            } else {
                NodeStats {
                    filtered,
                    unfiltered: rows(left.unfiltered, right.unfiltered)?,
                    max_rows: join_max_rows(how, &left, &right),
                    columns: join_columns(&left, &right),
                }
            };

            // Only narrows `filtered`; an estimated selectivity is not an upper bound, so
            // `max_rows` and the key-domain columns are carried over untouched.
            let stats = match fused_predicate {
                None => stats,
                Some(fused_predicate) => {
                    let filtered = apply_predicate(
                        stats.filtered,
                        stats.unfiltered,
                        fused_predicate.node(),
                        expr_arena,
                        stats.columns.as_deref(),
                        &ir.schema(ir_arena),
                    );
                    stats.filter(filtered)
                },
            };

            Some(match options.args.slice {
                None => stats,
                Some(slice) => stats.slice(slice),
            })
        },
        // A gather emits one row per index, and its indices are a frame of their own,
        // so its height is that frame's.
        IR::Gather { input, idxs, .. } => {
            let idxs = node_stats_with_cache(*idxs, ir_arena, expr_arena, cache)?;
            let inner = node_stats_with_cache(*input, ir_arena, expr_arena, cache)?;
            Some(NodeStats {
                // A gather may repeat a row, so it can be taller than its input, but
                // it reaches no key the input did not already hold.
                filtered: idxs.filtered,
                unfiltered: inner.unfiltered,
                max_rows: idxs.max_rows,
                columns: inner.columns,
            })
        },
        IR::Select { input, expr, .. } => {
            if expr.is_empty() || !expr.iter().all(|e| keeps_height(e, expr_arena)) {
                return None;
            }
            let inner = node_stats_with_cache(*input, ir_arena, expr_arena, cache)?;
            if expr.iter().all(|e| e.is_scalar(expr_arena)) {
                return Some(NodeStats::of_rows(MIN_CARDINALITY));
            }
            let columns = passed_through_columns(&inner, expr, expr_arena);
            Some(NodeStats { columns, ..inner })
        },
        IR::HStack { input, exprs, .. } | IR::Window { input, exprs, .. } => {
            let inner = node_stats_with_cache(*input, ir_arena, expr_arena, cache)?;
            let columns = shadowed_columns(&inner, exprs, expr_arena);
            Some(NodeStats { columns, ..inner })
        },
        _ => None,
    };
    cache.insert(node, stats.clone());
    stats
}

impl NodeStats {
    /// The same leaf with fewer of its rows selected. The key domain is untouched.
    fn filter(mut self, filtered: f64) -> Self {
        self.filtered = filtered;
        self
    }

    /// The same leaf narrowed by `slice`, applied to the estimate and the bound.
    fn slice(mut self, slice: impl Into<Slice> + Clone) -> Self {
        self.max_rows = self.max_rows.map(|m| sliced(m, slice.clone()));
        let filtered = sliced(self.filtered, slice);
        self.filter(filtered)
    }

    /// Estimates for a relation of exactly `rows` rows carrying no column
    /// statistics.
    pub fn of_rows(rows: f64) -> Self {
        Self {
            filtered: rows,
            unfiltered: rows,
            max_rows: Some(rows),
            columns: None,
        }
    }

    /// Rows the node is guaranteed not to exceed.
    pub fn max_rows(&self) -> Option<f64> {
        self.max_rows
    }

    /// Statistics for one output column.
    pub fn column(&self, name: &str) -> Option<&ScanColumnStats> {
        self.columns.as_ref()?.get(name)
    }

    /// Distinct values in `name`, when known well enough to steer a decision.
    ///
    /// Never more than the rows the node emits.
    fn distinct_count_key(&self, name: &str) -> Option<f64> {
        let distinct = self.column(name)?.distinct.confident(MAX_NDV_REL_ERR)?;
        Some((distinct as f64).clamp(MIN_CARDINALITY, self.unfiltered))
    }

    /// Values `name` could hold, from its integer range. Estimates its distinct
    /// count from above, for a column of a scan that carried min/max.
    fn int_domain(&self, name: &str) -> Option<f64> {
        let domain = self.column(name)?.int_domain()?;
        Some(domain.clamp(MIN_CARDINALITY, self.unfiltered))
    }

    /// Distinct values in `name`: the larger of its distinct count and its
    /// integer domain.
    pub fn key_distinct_estimate(&self, name: &str) -> Option<f64> {
        match (self.distinct_count_key(name), self.int_domain(name)) {
            (Some(ndv), Some(domain)) => Some(ndv.max(domain)),
            (ndv, domain) => ndv.or(domain),
        }
    }

    /// Distinct combinations of `keys`, or `None` unless every one is known.
    ///
    /// The product assumes the keys are independent, which is an upper bound; the
    /// caller caps it at the row count.
    fn key_distinct_count_product(&self, keys: &[&PlSmallStr]) -> Option<f64> {
        keys.iter()
            .map(|name| self.distinct_count_key(name))
            .try_fold(1.0, |acc, ndv| Some(acc * ndv?))
    }
}

/// Rows a join of the given type emits, given the sizes of its sides and the rows an
/// inner join of them would emit. `None` for a join type that is not modelled.
fn join_rows(how: &JoinType, left: f64, right: f64, inner: f64) -> Option<f64> {
    let rows = match how {
        JoinType::Inner => inner,
        // An outer side keeps every row it has, matched or not.
        JoinType::Left => inner.max(left),
        JoinType::Right => inner.max(right),
        JoinType::Full => inner.max(left + right),
        // A semi-join emits the left rows that matched, an anti-join the rest.
        #[cfg(feature = "semi_anti_join")]
        JoinType::Semi => inner.min(left),
        #[cfg(feature = "semi_anti_join")]
        JoinType::Anti => left - inner.min(left),
        JoinType::Cross => left * right,
        // As-of, inequality and range matches are not modelled.
        _ => return None,
    };
    Some(rows.max(MIN_CARDINALITY))
}

/// A bound on the rows a join emits, for the types that have one. An equi-join can
/// repeat a row of either side once per match on the other, so most of them do not.
fn join_max_rows(how: &JoinType, left: &NodeStats, right: &NodeStats) -> Option<f64> {
    match how {
        // Every pair, and no more.
        JoinType::Cross => Some(left.max_rows? * right.max_rows?),
        _ => None,
    }
}

/// Column statistics of a join output: those of both sides, minus any name they
/// share. A shared name is either coalesced or suffixed, and which side the output
/// column came from is no longer clear.
fn join_columns(left: &NodeStats, right: &NodeStats) -> Option<Arc<ScanColumnStatsMap>> {
    match (&left.columns, &right.columns) {
        (None, None) => None,
        (Some(columns), None) | (None, Some(columns)) => Some(columns.clone()),
        (Some(left), Some(right)) => {
            let mut merged = ScanColumnStatsMap::default();
            let mut take_from = |from: &ScanColumnStatsMap, other: &ScanColumnStatsMap| {
                for (name, stats) in from.iter().filter(|(name, _)| !other.contains_key(*name)) {
                    merged.insert(name.clone(), stats.clone());
                }
            };
            take_from(left, right);
            take_from(right, left);
            Some(Arc::new(merged))
        },
    }
}

/// Column statistics of a scan, keyed on its output names.
fn scan_columns(ir: &IR) -> Option<Arc<ScanColumnStatsMap>> {
    let IR::Scan { file_info, .. } = ir else {
        return None;
    };
    file_info.stats.columns.clone()
}

/// Statistics for the outputs of `exprs` that are a column of the input under its
/// own name or an alias of it. Anything computed holds values the input statistics
/// do not describe.
fn passed_through_columns(
    inner: &NodeStats,
    exprs: &[ExprIR],
    expr_arena: &Arena<AExpr>,
) -> Option<Arc<ScanColumnStatsMap>> {
    let mut kept = ScanColumnStatsMap::default();
    for e in exprs {
        let source = into_column(e.node(), expr_arena)?;
        if let Some(stats) = inner.column(source) {
            kept.insert(e.output_name().clone(), stats.clone());
        }
    }
    (!kept.is_empty()).then(|| Arc::new(kept))
}

/// The input's statistics, less every column `exprs` overwrites with a computed
/// one. `with_columns` keeps the rest of the frame as it was.
fn shadowed_columns(
    inner: &NodeStats,
    exprs: &[ExprIR],
    expr_arena: &Arena<AExpr>,
) -> Option<Arc<ScanColumnStatsMap>> {
    let columns = inner.columns.as_ref()?;
    let overwrites = |e: &ExprIR| {
        into_column(e.node(), expr_arena) != Some(e.output_name())
            && columns.contains_key(e.output_name())
    };
    if !exprs.iter().any(overwrites) {
        return Some(Arc::clone(columns));
    }
    let kept: ScanColumnStatsMap = columns
        .iter()
        .filter(|(name, _)| {
            !exprs
                .iter()
                .any(|e| e.output_name() == *name && overwrites(e))
        })
        .map(|(name, stats)| (name.clone(), stats.clone()))
        .collect();
    (!kept.is_empty()).then(|| Arc::new(kept))
}

/// Whether an expression leaves the frame's height alone, either by producing one
/// value per row or by producing a scalar that broadcasts back to it.
///
/// Anything else — an explode, a range, a slice — sets the height from something
/// other than the input, and is not modelled.
fn keeps_height(expr: &ExprIR, expr_arena: &Arena<AExpr>) -> bool {
    expr.is_length_preserving(expr_arena) || expr.is_scalar(expr_arena)
}

/// Estimates for a node emitting one row per distinct combination of `keys`,
/// optionally sliced.
///
/// `keys` names the output columns, and `ndv` is the distinct combinations they hold
/// if that is known.
///
/// The output columns are the keys, each holding as many distinct values as the
/// node has rows.
fn one_row_per_group(
    inner: NodeStats,
    keys: &[&PlSmallStr],
    ndv: Option<f64>,
    slice: Option<(i64, usize)>,
) -> NodeStats {
    let mut groups = NodeStats {
        filtered: n_groups(inner.filtered, keys.len(), ndv),
        unfiltered: n_groups(inner.unfiltered, keys.len(), ndv),
        max_rows: inner.max_rows,
        columns: None,
    };
    if let Some(slice) = slice {
        // Grouping is what set the key domain here, so the slice narrows that too.
        groups.filtered = sliced(groups.filtered, slice);
        groups.unfiltered = sliced(groups.unfiltered, slice);
        groups.max_rows = groups.max_rows.map(|m| sliced(m, slice));
    }
    groups.columns = single_key_column(keys, groups.filtered);
    groups
}

/// A group-by over one key holds exactly one row per distinct value of it. Several
/// keys say nothing about any one of them.
fn single_key_column(keys: &[&PlSmallStr], rows: f64) -> Option<Arc<ScanColumnStatsMap>> {
    let [name] = keys else { return None };
    let mut map = ScanColumnStatsMap::default();
    map.insert(
        (*name).clone(),
        ScanColumnStats {
            distinct: Card::approx(rows as u64),
            null_count: Card::Unknown,
            avg_byte_width: None,
            int_range: None,
            int_range_partial: false,
            sampled_row_groups: None,
        },
    );
    Some(Arc::new(map))
}

/// Rows left after applying `slice` to a relation of `rows` rows.
fn sliced(rows: f64, slice: impl Into<Slice>) -> f64 {
    let bounded = slice.into().restrict_to_bounds(rows as usize);
    (bounded.len() as f64).max(MIN_CARDINALITY)
}

/// Estimated distinct combinations of `n_keys` grouping keys over `rows` rows.
///
/// Without `ndv` this interpolates between the two ends that are known: no keys is a
/// single group, and any number of keys is at most one group per row. Each key added
/// moves the estimate closer to the input.
fn n_groups(rows: f64, n_keys: usize, ndv: Option<f64>) -> f64 {
    if n_keys == 0 {
        return MIN_CARDINALITY;
    }
    if let Some(ndv) = ndv {
        return ndv.clamp(MIN_CARDINALITY, rows);
    }
    let exponent = n_keys as f64 / (n_keys as f64 + 1.0);
    rows.powf(exponent).clamp(MIN_CARDINALITY, rows)
}

/// Rows left after `predicate`.
///
/// `rows` is what the conjuncts narrow. `unfiltered` is the relation the column
/// statistics describe, which a slice may already have cut into.
fn apply_predicate(
    rows: f64,
    unfiltered: f64,
    predicate: Node,
    expr_arena: &Arena<AExpr>,
    columns: Option<&ScanColumnStatsMap>,
    schema: &Schema,
) -> f64 {
    let (selectivity, _) =
        predicate_selectivity(predicate, expr_arena, columns, schema, unfiltered);
    (rows * selectivity).max(MIN_CARDINALITY)
}

/// Fraction of rows `predicate` keeps, estimated per column for the constraints of
/// its `AND` chain and one conjunct at a time for the rest. The flag is `false` when
/// any part of it fell back to [`DEFAULT_SELECTIVITY`].
#[recursive]
fn predicate_selectivity(
    predicate: Node,
    expr_arena: &Arena<AExpr>,
    columns: Option<&ScanColumnStatsMap>,
    schema: &Schema,
    rows: f64,
) -> (f64, bool) {
    let chain = and_chain_bounds(predicate, schema, expr_arena);
    if chain.unsat {
        return (0.0, true);
    }
    let mut selectivity = 1.0;
    let mut known = true;
    let mut apply = |factor: Option<f64>| {
        known &= factor.is_some();
        selectivity *= factor.unwrap_or(DEFAULT_SELECTIVITY);
    };
    let mut non_null_counted = Vec::new();
    for bounds in &chain.columns {
        let factor = column_selectivity(bounds, columns, schema, rows);
        if factor.is_some() {
            non_null_counted.push(&bounds.name);
        }
        apply(factor);
    }
    for &conjunct in &chain.other {
        // The column's estimate already holds only its non-null rows.
        if let Some((name, false)) = null_check(conjunct, expr_arena)
            && non_null_counted.contains(&name)
        {
            continue;
        }
        apply(conjunct_selectivity(
            conjunct, expr_arena, columns, schema, rows,
        ));
    }
    (selectivity, known)
}

/// Integer range and type of `name`, when the range covers all its sources and is
/// in the unit of its values.
fn int_range<'a>(
    name: &str,
    columns: Option<&ScanColumnStatsMap>,
    schema: &'a Schema,
) -> Option<(i128, i128, &'a DataType)> {
    let dtype = schema.get(name)?;
    // Files of one scan may store a `Datetime`, `Duration` or `Time` in different
    // units, and their ranges are merged as stored.
    if !(dtype.is_integer() || dtype.is_date()) {
        return None;
    }
    let stats = columns?.get(name)?;
    let (min, max) = stats.int_range?;
    (max >= min && !stats.int_range_partial).then_some((min, max, dtype))
}

fn int_value(value: &Scalar, dtype: &DataType) -> Option<i128> {
    (value.dtype() == dtype).then_some(())?;
    value.as_any_value().extract::<i128>()
}

/// Fraction of rows holding a null in `name`, when it is known.
fn null_fraction(name: &str, columns: Option<&ScanColumnStatsMap>, rows: f64) -> Option<f64> {
    let nulls = columns?.get(name)?.null_count.confident(0.0)?;
    Some((nulls as f64 / rows.max(MIN_CARDINALITY)).clamp(0.0, 1.0))
}

/// Fraction of rows a column's constraints keep, assuming its non-null values are
/// spread evenly over its integer range.
fn column_selectivity(
    bounds: &ColumnBounds,
    columns: Option<&ScanColumnStatsMap>,
    schema: &Schema,
    rows: f64,
) -> Option<f64> {
    let (min, max, dtype) = int_range(&bounds.name, columns, schema)?;
    let lower = match &bounds.lower {
        Some((value, inclusive)) => int_value(value, dtype)?.saturating_add(i128::from(!inclusive)),
        None => min,
    };
    let upper = match &bounds.upper {
        Some((value, inclusive)) => int_value(value, dtype)?.saturating_sub(i128::from(!inclusive)),
        None => max,
    };
    let (lower, upper) = (lower.max(min), upper.min(max));
    // The distinct values of `values` inside the kept range.
    let kept_values = |values: &[Scalar]| -> Option<Vec<i128>> {
        let mut kept = values
            .iter()
            .map(|value| int_value(value, dtype))
            .collect::<Option<Vec<_>>>()?;
        kept.retain(|v| (lower..=upper).contains(v));
        kept.sort_unstable();
        kept.dedup();
        Some(kept)
    };
    let excluded = kept_values(&bounds.excluded)?;
    let kept = match &bounds.allowed {
        Some(allowed) => {
            let mut allowed = kept_values(allowed)?;
            allowed.retain(|v| excluded.binary_search(v).is_err());
            allowed.len() as f64
        },
        None => range_width(lower, upper).max(0.0) - excluded.len() as f64,
    };
    let non_null = 1.0 - null_fraction(&bounds.name, columns, rows).unwrap_or(0.0);
    Some(kept.max(0.0) / range_width(min, max) * non_null)
}

/// Fraction of rows one conjunct keeps, or `None` when nothing describes it.
fn conjunct_selectivity(
    conjunct: Node,
    expr_arena: &Arena<AExpr>,
    columns: Option<&ScanColumnStatsMap>,
    schema: &Schema,
    rows: f64,
) -> Option<f64> {
    // Its value is only known at run time.
    if let AExpr::Function {
        function: IRFunctionExpr::DynamicPred { .. },
        ..
    } = expr_arena.get(conjunct)
    {
        return Some(1.0);
    }
    if let AExpr::BinaryExpr {
        left,
        op: Operator::Or | Operator::LogicalOr,
        right,
    } = expr_arena.get(conjunct)
    {
        let (left, left_known) = predicate_selectivity(*left, expr_arena, columns, schema, rows);
        let (right, right_known) = predicate_selectivity(*right, expr_arena, columns, schema, rows);
        return (left_known && right_known).then_some(left + right - left * right);
    }
    let (name, is_null) = null_check(conjunct, expr_arena)?;

    let Some(null_fraction) = null_fraction(name, columns, rows) else {
        // Nothing describes the column. Most frames are mostly non-null; how many rows
        // hold a null is anyone's guess.
        return (!is_null).then_some(1.0);
    };
    Some(if is_null {
        null_fraction
    } else {
        1.0 - null_fraction
    })
}

/// The column an `is_null` or `is_not_null` check reads, and whether it keeps the
/// nulls.
fn null_check(conjunct: Node, expr_arena: &Arena<AExpr>) -> Option<(&PlSmallStr, bool)> {
    match expr_arena.get(conjunct) {
        AExpr::Function {
            input,
            function: IRFunctionExpr::Boolean(function),
            ..
        } => {
            let is_null = match function {
                IRBooleanFunction::IsNull => true,
                IRBooleanFunction::IsNotNull => false,
                _ => return None,
            };
            let [arg] = input.as_slice() else {
                return None;
            };
            Some((into_column(arg.node(), expr_arena)?, is_null))
        },
        // Pushing an equi-join key into one of its sides leaves `x == x` behind. That
        // is a null check on the key, not the arbitrary comparison it looks like.
        AExpr::BinaryExpr {
            left,
            op: Operator::Eq,
            right,
        } => {
            let name = into_column(*left, expr_arena)?;
            (name == into_column(*right, expr_arena)?).then_some((name, false))
        },
        _ => None,
    }
}

/// Estimate the rows produced by joining two relations of the given sizes.
///
/// `key_domain_product` is the product, over every equi-key pair bridging the two
/// sides, of that key's domain size (see [`key_domain`]).
///
/// This is `|A| * |B| / DISTINCT(key)`, extended over multiple keys.
pub fn join_cardinality(left: f64, right: f64, key_domain_product: f64) -> f64 {
    // Every factor comes from `key_domain`, which floors at `MIN_CARDINALITY`, so
    // the product is always >= 1.
    (left * right / key_domain_product).max(MIN_CARDINALITY)
}

/// Domain size of a composite key, from the domains of the columns making it up.
///
/// Each part is its domain, and the rows of a side it is unique on, if any. The
/// parts multiply, which holds only if they vary independently. `max_rows` bounds
/// the result, since neither side holds more distinct combinations than it has rows.
///
/// Once one part is unique on a side, each row of the other side matches at most one
/// row there, so the other parts cannot narrow the join further. The rows of that
/// side then bound the result instead.
pub fn composite_key_domain(parts: impl Iterator<Item = (f64, Option<f64>)>, max_rows: f64) -> f64 {
    let mut product = 1.0;
    let mut largest = MIN_CARDINALITY;
    let mut unique_rows: Option<f64> = None;
    for (domain, rows) in parts {
        product *= domain;
        largest = largest.max(domain);
        if let Some(rows) = rows {
            unique_rows = Some(unique_rows.map_or(rows, |r| r.max(rows)));
        }
    }
    let bound = unique_rows.map_or(max_rows, |rows| rows.max(largest));
    product.min(bound).max(MIN_CARDINALITY)
}

/// The rows of `side`, if the key joining it to `other` is unique on it.
///
/// Only the smaller side counts. Its own distinct count, or else its range, must
/// reach its rows. Without either, [`key_domain`] guessed the key unique on the
/// smaller side, and the shared `domain` reaching its rows says so.
pub fn unique_side_rows(
    side: &NodeStats,
    key: Option<&PlSmallStr>,
    other: &NodeStats,
    domain: f64,
) -> Option<f64> {
    let rows = side.unfiltered;
    let distinct = key
        .and_then(|name| {
            side.distinct_count_key(name)
                .or_else(|| side.int_domain(name))
        })
        .unwrap_or(domain);
    (rows <= other.unfiltered && distinct >= rows).then_some(rows)
}

/// Domain size of the key joining two leaves.
///
/// With distinct counts on both sides the domain is the larger of the two: every
/// value a side holds is in the domain, whether or not the other side has it.
///
/// Otherwise a value range stands in for a distinct count. With a range on both
/// sides, the one repeating the key least sets the domain. With a range on at most
/// one side the two cannot be compared, so the smaller relation sets it, by its own
/// range where it has one and by its row count otherwise.
pub fn key_domain(
    left: &NodeStats,
    left_key: Option<&PlSmallStr>,
    right: &NodeStats,
    right_key: Option<&PlSmallStr>,
) -> f64 {
    let left_ndv = left_key.and_then(|name| left.distinct_count_key(name));
    let right_ndv = right_key.and_then(|name| right.distinct_count_key(name));
    let domain = match (left_ndv, right_ndv) {
        (Some(l), Some(r)) => l.max(r),
        _ => {
            // `int_domain` is already bounded by the side's own rows.
            let left_range = left_key.and_then(|name| left.int_domain(name));
            let right_range = right_key.and_then(|name| right.int_domain(name));
            let estimate = match (left_range, right_range) {
                // Distinct values per row, cross multiplied rather than divided.
                (Some(l), Some(r)) => {
                    let (l_per_row, r_per_row) = (l * right.unfiltered, r * left.unfiltered);
                    if l_per_row > r_per_row
                        // A tie goes to the smaller relation, whose key is likelier
                        // to be unique.
                        || (l_per_row == r_per_row && left.unfiltered <= right.unfiltered)
                    {
                        l
                    } else {
                        r
                    }
                },
                // A missing range says nothing about uniqueness, so it must not be
                // compared against a known one. At most one side has a range here.
                _ if left.unfiltered == right.unfiltered => {
                    left_range.or(right_range).unwrap_or(left.unfiltered)
                },
                _ if left.unfiltered < right.unfiltered => left_range.unwrap_or(left.unfiltered),
                _ => right_range.unwrap_or(right.unfiltered),
            };
            // A known distinct count on either side is a lower bound, since every
            // value it holds is in the domain.
            left_ndv
                .or(right_ndv)
                .map_or(estimate, |ndv| estimate.max(ndv))
        },
    };
    domain.max(MIN_CARDINALITY)
}

#[cfg(test)]
mod tests {
    use polars_core::prelude::AnyValue;

    use super::*;

    fn leaf(unfiltered: f64, filtered: f64) -> NodeStats {
        NodeStats {
            filtered,
            unfiltered,
            ..Default::default()
        }
    }

    impl NodeStats {
        /// The same leaf, with statistics for one of its columns.
        fn with_column(mut self, name: &str, stats: ScanColumnStats) -> Self {
            let mut map = self.columns.as_deref().cloned().unwrap_or_default();
            map.insert(PlSmallStr::from_str(name), stats);
            self.columns = Some(Arc::new(map));
            self
        }
    }

    /// A leaf whose join key carries an integer range.
    fn leaf_with_range(rows: f64, range: (i128, i128)) -> NodeStats {
        leaf(rows, rows).with_column(
            "k",
            ScanColumnStats {
                int_range: Some(range),
                ..Default::default()
            },
        )
    }

    /// A leaf whose join key has a known distinct count.
    fn leaf_with_ndv(unfiltered: f64, filtered: f64, key: &str, ndv: u64) -> NodeStats {
        leaf(unfiltered, filtered).with_column(
            key,
            ScanColumnStats {
                distinct: Card::Exact(ndv),
                ..Default::default()
            },
        )
    }

    fn key(name: &str) -> PlSmallStr {
        PlSmallStr::from_str(name)
    }

    /// Joining a heavily filtered dimension must shrink the fact table so that it
    /// sorts ahead of the alternatives.
    #[test]
    fn filtered_dimension_shrinks_the_fact_table() {
        let inventory = leaf(11_745_000.0, 11_745_000.0);
        // date_dim filtered from 73049 rows down to roughly 60.
        let date_dim = leaf(73_049.0, 60.0);
        let item = leaf(18_000.0, 18_000.0);
        let warehouse = leaf(5.0, 5.0);

        let with_date = join_cardinality(
            inventory.filtered,
            date_dim.filtered,
            key_domain(&inventory, Some(&key("k")), &date_dim, Some(&key("k"))),
        );
        let with_item = join_cardinality(
            inventory.filtered,
            item.filtered,
            key_domain(&inventory, Some(&key("k")), &item, Some(&key("k"))),
        );
        let with_warehouse = join_cardinality(
            inventory.filtered,
            warehouse.filtered,
            key_domain(&inventory, Some(&key("k")), &warehouse, Some(&key("k"))),
        );

        // 11.7M * 60 / 73049
        assert!((with_date - 9_646.0).abs() < 50.0, "got {with_date}");
        // An unfiltered dimension joined on its key reproduces the fact table.
        assert!((with_item - 11_745_000.0).abs() < 1.0, "got {with_item}");
        assert!(
            (with_warehouse - 11_745_000.0).abs() < 1.0,
            "got {with_warehouse}"
        );

        assert!(with_date < with_item && with_date < with_warehouse);
    }

    /// A fact table's key range says which values it holds, not how many distinct
    /// values the dimension it joins has, so it must not bound the shared domain: a
    /// selective dimension has to shrink the fact table rather than multiply it.
    #[test]
    fn a_facts_key_range_does_not_bound_the_dimensions_domain() {
        // store_sales spans about five years of date keys, a range far narrower than
        // date_dim's row count.
        let store_sales = leaf_with_range(28_800_991.0, (2_450_816, 2_452_642));
        // Renamed apart, the dimension carries no statistics of its own.
        let date_dim = leaf(73_049.0, 2_922.0);

        let domain = key_domain(&store_sales, Some(&key("k")), &date_dim, Some(&key("k")));
        let out = join_cardinality(store_sales.filtered, date_dim.filtered, domain);

        assert_eq!(domain, 73_049.0);
        // 28.8M * 2922 / 73049, well under the fact table it filters.
        assert!((out - 1_152_055.0).abs() < 50.0, "got {out}");
    }

    /// A dimension one row larger than the table it joins still holds the key
    /// uniquely, so it sets the domain however the two compare in size.
    #[test]
    fn the_least_repeated_side_describes_the_domain() {
        // The fact repeats 100 keys over a million rows; the dimension is one row
        // larger and holds a million distinct ones.
        let fact = leaf_with_range(1_000_000.0, (0, 99));
        let dim = leaf_with_range(1_000_001.0, (0, 1_000_000));

        let domain = key_domain(&fact, Some(&key("k")), &dim, Some(&key("k")));
        assert_eq!(domain, 1_000_001.0);
        assert_eq!(
            domain,
            key_domain(&dim, Some(&key("k")), &fact, Some(&key("k")))
        );
    }

    /// A key with no range is unknown, not unique: the side that has one still sets
    /// the domain.
    #[test]
    fn a_missing_range_does_not_outrank_a_known_one() {
        // Joining on a computed key loses the fact's range.
        let fact = leaf(100_000.0, 100_000.0);
        let dim = leaf_with_range(1_000.0, (1, 100));

        let domain = key_domain(&fact, Some(&key("k")), &dim, Some(&key("k")));
        assert_eq!(domain, 100.0);
        assert_eq!(
            domain,
            key_domain(&dim, Some(&key("k")), &fact, Some(&key("k")))
        );
    }

    /// A known range sets the domain however the row counts compare, so equal counts
    /// must not hand the estimate to whichever side is written first.
    #[test]
    fn equal_row_counts_keep_the_only_known_range() {
        let opaque = leaf(100_000.0, 100_000.0);
        let ranged = leaf_with_range(100_000.0, (1, 1_000));

        let forwards = key_domain(&opaque, Some(&key("k")), &ranged, Some(&key("k")));
        let backwards = key_domain(&ranged, Some(&key("k")), &opaque, Some(&key("k")));

        assert_eq!(forwards, 1_000.0);
        assert_eq!(forwards, backwards);
    }

    /// Equal row counts leave neither side the smaller one, so the estimate must not
    /// depend on which way round the join happens to be written.
    #[test]
    fn equal_row_counts_estimate_the_same_domain_either_way() {
        let narrow = leaf_with_range(1_000_000.0, (0, 99));
        let wide = leaf_with_range(1_000_000.0, (0, 999_999));

        let forwards = key_domain(&narrow, Some(&key("k")), &wide, Some(&key("k")));
        let backwards = key_domain(&wide, Some(&key("k")), &narrow, Some(&key("k")));

        assert_eq!(forwards, backwards);
        // The domain holds both sides, so the join reproduces its input.
        assert_eq!(forwards, 1_000_000.0);
    }

    /// Once the filtered dimension is folded in, the remaining joins must not
    /// re-inflate the intermediate.
    #[test]
    fn unfiltered_dimensions_do_not_inflate() {
        let inventory = leaf(11_745_000.0, 11_745_000.0);
        let item = leaf(18_000.0, 18_000.0);
        let acc = 9_646.0;

        let out = join_cardinality(
            acc,
            item.filtered,
            key_domain(&inventory, Some(&key("k")), &item, Some(&key("k"))),
        );
        assert!((out - acc).abs() < 1.0, "got {out}");
    }

    /// Every join type is bounded by what its match semantics allow, whatever the
    /// inner-join estimate says.
    #[test]
    fn join_types_stay_within_their_bounds() {
        let (left, right) = (1000.0, 20.0);

        // A match that keeps few rows: the outer sides still keep all of theirs.
        let selective = 5.0;
        assert_eq!(
            join_rows(&JoinType::Inner, left, right, selective),
            Some(5.0)
        );
        assert_eq!(
            join_rows(&JoinType::Left, left, right, selective),
            Some(left)
        );
        assert_eq!(
            join_rows(&JoinType::Right, left, right, selective),
            Some(right)
        );
        assert_eq!(
            join_rows(&JoinType::Full, left, right, selective),
            Some(left + right)
        );

        // A match that fans out: an outer join is at least as large as the inner one.
        let fanning = 5000.0;
        assert_eq!(
            join_rows(&JoinType::Left, left, right, fanning),
            Some(fanning)
        );
        assert_eq!(
            join_rows(&JoinType::Cross, left, right, fanning),
            Some(20_000.0)
        );
    }

    /// A semi-join is a subset of its left side and an anti-join is the complement,
    /// so the two must add up to it however far off the inner estimate is.
    #[cfg(feature = "semi_anti_join")]
    #[test]
    fn semi_and_anti_partition_the_left_side() {
        let left = 1000.0;
        for inner in [0.0, 5.0, 400.0, 1000.0, 5000.0] {
            let semi = join_rows(&JoinType::Semi, left, 20.0, inner).unwrap();
            let anti = join_rows(&JoinType::Anti, left, 20.0, inner).unwrap();
            assert!(semi <= left && anti <= left, "{inner}: {semi} / {anti}");
            // Both floor at one row, so they only sum to the left side above that.
            assert!(semi + anti <= left + MIN_CARDINALITY, "{inner}");
        }
    }

    /// A join type we do not model must say so rather than fall back to a guess.
    #[cfg(feature = "iejoin")]
    #[test]
    fn unmodelled_join_types_have_no_estimate() {
        assert_eq!(join_rows(&JoinType::IEJoin, 1000.0, 20.0, 5.0), None);
    }

    /// The two ends of the group-count estimate are known exactly; only what lies
    /// between them is assumed.
    #[test]
    fn group_count_is_bounded_by_one_and_the_input() {
        // No key at all is a global aggregate.
        assert_eq!(n_groups(1_000_000.0, 0, None), 1.0);
        // One group per row is the most a group-by can emit.
        assert!(n_groups(1000.0, 8, None) <= 1000.0);
        assert_eq!(n_groups(1.0, 3, None), 1.0);
        // Adding a key can only move the estimate towards the input.
        let by_keys: Vec<f64> = (1..6).map(|k| n_groups(1_000_000.0, k, None)).collect();
        assert!(by_keys.windows(2).all(|w| w[0] < w[1]), "{by_keys:?}");
        assert!(by_keys.iter().all(|&g| g < 1_000_000.0), "{by_keys:?}");
    }

    #[test]
    fn slicing_counts_from_either_end_and_never_reaches_zero() {
        // Plain head.
        assert_eq!(sliced(100.0, (0i64, 10)), 10.0);
        // A slice longer than what is left of the relation.
        assert_eq!(sliced(100.0, (95i64, 10)), 5.0);
        // A negative offset counts back from the end.
        assert_eq!(sliced(100.0, (-5i64, 10)), 5.0);
        // One reaching past the start keeps only the part that overlaps.
        assert_eq!(sliced(100.0, (-105i64, 10)), 5.0);
        // Nothing left over floors, rather than producing an estimate that would
        // dominate every ordering decision.
        assert_eq!(sliced(100.0, (-200i64, 10)), MIN_CARDINALITY);
        assert_eq!(sliced(100.0, (200i64, 10)), MIN_CARDINALITY);
        assert_eq!(sliced(100.0, (0i64, 0)), MIN_CARDINALITY);
    }

    /// A slice narrows the relation but not the key domain the other side joins
    /// against, so it carries its selectivity over the way a filter does.
    #[test]
    fn a_sliced_dimension_shrinks_the_fact_table() {
        let inventory = leaf(11_745_000.0, 11_745_000.0);
        let date_dim = leaf(73_049.0, 73_049.0);
        let rows = sliced(date_dim.filtered, (0i64, 10));
        let head = date_dim.filter(rows);

        let out = join_cardinality(
            inventory.filtered,
            head.filtered,
            key_domain(&inventory, Some(&key("k")), &head, Some(&key("k"))),
        );
        // 11.7M * 10 / 73049. Dividing by the ten rows left would reproduce the
        // fact table whole.
        assert!((out - 1608.0).abs() < 5.0, "got {out}");
        assert!(out < inventory.filtered);
    }

    /// With distinct counts on both sides the domain is the larger of them, not the
    /// smaller relation.
    #[test]
    fn key_domain_takes_the_larger_distinct_count() {
        let fact = leaf_with_ndv(1_000_000.0, 1_000_000.0, "k", 500);
        let dim = leaf_with_ndv(800.0, 800.0, "k", 800);

        assert_eq!(
            key_domain(&fact, Some(&key("k")), &dim, Some(&key("k"))),
            800.0
        );
        // Without them the smaller relation is assumed to hold the key uniquely.
        let opaque = leaf(800.0, 800.0);
        assert_eq!(
            key_domain(&fact, Some(&key("k")), &opaque, Some(&key("k"))),
            800.0
        );
    }

    /// Once one part of a composite key is unique on a side, the other parts do not
    /// narrow the join further.
    #[test]
    fn composite_key_domain_stops_at_a_unique_part() {
        // (ts, region) against a 576 row price table, unique on ts there.
        let parts = [(576.0, Some(576.0)), (400.0, None)];
        assert_eq!(composite_key_domain(parts.into_iter(), 46_000.0), 576.0);

        let parts = [(576.0, None), (400.0, None)];
        assert_eq!(composite_key_domain(parts.into_iter(), 46_000.0), 46_000.0);

        // The bound never drops below a part's own domain.
        let parts = [(10_000.0, Some(100.0)), (5.0, None)];
        assert_eq!(composite_key_domain(parts.into_iter(), 1e6), 10_000.0);
    }

    /// A key is unique on the smaller side only by that side's own statistics, not
    /// by a domain the larger side set.
    #[test]
    fn unique_side_rows_reads_the_smaller_side() {
        let k = key("k");
        let large = leaf_with_range(1_000_000.0, (0, 9_999));
        // 2000 rows over 10 values.
        let small = leaf_with_range(2_000.0, (0, 9));
        let domain = key_domain(&large, Some(&k), &small, Some(&k));
        assert!(domain >= 2_000.0);
        assert_eq!(unique_side_rows(&small, Some(&k), &large, domain), None);

        // Without statistics the key is guessed unique on the smaller side.
        // A known distinct count wins over a wide range.
        let sparse = leaf(2_000.0, 2_000.0).with_column(
            "k",
            ScanColumnStats {
                distinct: Card::Exact(10),
                int_range: Some((0, 1_000_000)),
                ..Default::default()
            },
        );
        assert_eq!(unique_side_rows(&sparse, Some(&k), &large, 1e6), None);

        let opaque = leaf(2_000.0, 2_000.0);
        let domain = key_domain(&large, Some(&k), &opaque, Some(&k));
        assert_eq!(
            unique_side_rows(&opaque, Some(&k), &large, domain),
            Some(2_000.0)
        );
        assert_eq!(unique_side_rows(&large, Some(&k), &opaque, domain), None);
    }

    /// A distinct count that is only a rough bound must not steer the domain.
    #[test]
    fn a_low_confidence_distinct_count_is_ignored() {
        let dim = leaf(800.0, 800.0).with_column(
            "k",
            ScanColumnStats {
                distinct: Card::Approx {
                    value: 4,
                    rel_err: 1.0,
                },
                ..Default::default()
            },
        );

        let fact = leaf_with_ndv(1_000_000.0, 1_000_000.0, "k", 500);
        // The rough count of 4 would otherwise dominate as the max.
        assert_eq!(
            key_domain(&fact, Some(&key("k")), &dim, Some(&key("k"))),
            800.0
        );
    }

    /// A value range narrower than a known distinct count must not shrink the
    /// domain below it.
    #[test]
    fn a_one_sided_distinct_count_survives_the_range_fallback() {
        // 100 values wide over a million rows, so the fact repeats its key heavily.
        let fact = leaf_with_range(1_000_000.0, (0, 99));
        let dim = leaf_with_ndv(800.0, 800.0, "k", 500);

        // The dimension sets the domain, and its 500 known distinct keys are a lower
        // bound on it. The fact's narrow range does not drag it below either.
        assert_eq!(
            key_domain(&fact, Some(&key("k")), &dim, Some(&key("k"))),
            800.0
        );
        // The same holds with no distinct count anywhere: a relation whose key is
        // unknown still repeats it less than the fact does.
        let opaque = leaf(800.0, 800.0);
        assert_eq!(
            key_domain(&fact, Some(&key("k")), &opaque, Some(&key("k"))),
            800.0
        );
    }

    /// A known distinct count replaces the interpolation between one group and one
    /// group per row.
    #[test]
    fn group_count_uses_a_known_distinct_count() {
        assert_eq!(n_groups(1_000_000.0, 1, Some(12.0)), 12.0);
        // Never more groups than rows, however the keys combine.
        assert_eq!(n_groups(10.0, 2, Some(400.0)), 10.0);
        // The interpolation still covers an unknown key.
        assert!(n_groups(1_000_000.0, 1, None) > 12.0);
    }

    #[test]
    fn null_counts_drive_is_null_selectivity() {
        let stats = leaf(1000.0, 1000.0).with_column(
            "a",
            ScanColumnStats {
                null_count: Card::Exact(250),
                ..Default::default()
            },
        );
        let map = stats.columns.as_deref().unwrap();

        let mut expr_arena = Arena::new();
        let col = expr_arena.add(AExpr::Column(PlSmallStr::from_str("a")));
        let is_null = expr_arena.add(AExpr::Function {
            input: vec![ExprIR::from_node(col, &expr_arena)],
            function: IRFunctionExpr::Boolean(IRBooleanFunction::IsNull),
            options: crate::prelude::FunctionOptions::elementwise(),
        });

        // A quarter of the rows are null, against the flat 0.2 fallback.
        let kept = apply_predicate(
            1000.0,
            1000.0,
            is_null,
            &expr_arena,
            Some(map),
            &Schema::default(),
        );
        assert!((kept - 250.0).abs() < 1e-9, "got {kept}");
        // An unknown column falls back.
        let kept = apply_predicate(
            1000.0,
            1000.0,
            is_null,
            &expr_arena,
            None,
            &Schema::default(),
        );
        assert!((kept - 200.0).abs() < 1e-9, "got {kept}");
    }

    #[test]
    fn selectivity_compounds_per_conjunct_and_never_reaches_zero() {
        // Two opaque conjuncts, so both fall back to the flat selectivity.
        let mut expr_arena = Arena::new();
        let a = expr_arena.add(AExpr::Column(PlSmallStr::from_str("a")));
        let b = expr_arena.add(AExpr::Column(PlSmallStr::from_str("b")));
        let and = expr_arena.add(AExpr::BinaryExpr {
            left: a,
            op: crate::plans::Operator::And,
            right: b,
        });

        let one = apply_predicate(1000.0, 1000.0, a, &expr_arena, None, &Schema::default());
        assert!((one - 200.0).abs() < 1e-9, "got {one}");
        let two = apply_predicate(1000.0, 1000.0, and, &expr_arena, None, &Schema::default());
        assert!((two - 40.0).abs() < 1e-9, "got {two}");
        // However many conjuncts pile up, an estimate never reaches zero.
        assert_eq!(
            apply_predicate(1.0, 1.0, and, &expr_arena, None, &Schema::default()),
            MIN_CARDINALITY
        );
    }

    /// A leaf over one column `a` of `dtype` with the integer range `range`, and a
    /// schema for it.
    fn ranged_column(dtype: DataType, range: (i128, i128)) -> (NodeStats, Schema) {
        let stats = leaf(1000.0, 1000.0).with_column(
            "a",
            ScanColumnStats {
                int_range: Some(range),
                ..Default::default()
            },
        );
        let schema = Schema::from_iter([(PlSmallStr::from_str("a"), dtype)]);
        (stats, schema)
    }

    fn compare(expr_arena: &mut Arena<AExpr>, op: Operator, value: Scalar) -> Node {
        let left = expr_arena.add(AExpr::Column(PlSmallStr::from_str("a")));
        let right = expr_arena.add(AExpr::Literal(value.into()));
        expr_arena.add(AExpr::BinaryExpr { left, op, right })
    }

    fn and(expr_arena: &mut Arena<AExpr>, left: Node, right: Node) -> Node {
        expr_arena.add(AExpr::BinaryExpr {
            left,
            op: Operator::And,
            right,
        })
    }

    #[test]
    fn range_bounds_on_one_column_are_one_interval() {
        let (stats, schema) = ranged_column(DataType::Int64, (0, 999));
        let map = stats.columns.as_deref();
        let mut expr_arena = Arena::new();
        let lower = compare(&mut expr_arena, Operator::GtEq, Scalar::from(100i64));
        let upper = compare(&mut expr_arena, Operator::Lt, Scalar::from(300i64));
        let both = and(&mut expr_arena, lower, upper);

        let kept = apply_predicate(1000.0, 1000.0, both, &expr_arena, map, &schema);
        assert!((kept - 200.0).abs() < 1e-9, "got {kept}");
        let kept = apply_predicate(1000.0, 1000.0, lower, &expr_arena, map, &schema);
        assert!((kept - 900.0).abs() < 1e-9, "got {kept}");
        // Without a range the column's bounds count once.
        let kept = apply_predicate(1000.0, 1000.0, both, &expr_arena, None, &schema);
        assert!((kept - 200.0).abs() < 1e-9, "got {kept}");
    }

    #[cfg(feature = "dtype-date")]
    #[test]
    fn date_bounds_use_the_date_range() {
        // 1992-01-01 to 1998-08-02 as days since the epoch.
        let (stats, schema) = ranged_column(DataType::Date, (8035, 10440));
        let map = stats.columns.as_deref();
        let mut expr_arena = Arena::new();
        let date = |days| Scalar::new(DataType::Date, AnyValue::Date(days));
        // 1994-01-01 to 1995-01-01.
        let lower = compare(&mut expr_arena, Operator::GtEq, date(8766));
        let upper = compare(&mut expr_arena, Operator::Lt, date(9131));
        let both = and(&mut expr_arena, lower, upper);

        let kept = apply_predicate(1000.0, 1000.0, both, &expr_arena, map, &schema);
        assert!((kept - 1000.0 * 365.0 / 2406.0).abs() < 1e-9, "got {kept}");

        // A literal of another type says nothing about the range.
        let other = compare(&mut expr_arena, Operator::GtEq, Scalar::from(8766i32));
        let kept = apply_predicate(1000.0, 1000.0, other, &expr_arena, map, &schema);
        assert!((kept - 200.0).abs() < 1e-9, "got {kept}");
    }

    #[test]
    fn bounds_outside_the_range_keep_no_rows() {
        let (stats, schema) = ranged_column(DataType::Int64, (0, 999));
        let map = stats.columns.as_deref();
        let mut expr_arena = Arena::new();
        let above = compare(&mut expr_arena, Operator::Gt, Scalar::from(999i64));
        let kept = apply_predicate(1000.0, 1000.0, above, &expr_arena, map, &schema);
        assert_eq!(kept, MIN_CARDINALITY);

        let lower = compare(&mut expr_arena, Operator::Gt, Scalar::from(500i64));
        let upper = compare(&mut expr_arena, Operator::Lt, Scalar::from(100i64));
        let crossed = and(&mut expr_arena, lower, upper);
        let kept = apply_predicate(1000.0, 1000.0, crossed, &expr_arena, map, &schema);
        assert_eq!(kept, MIN_CARDINALITY);
    }

    #[test]
    fn or_of_known_parts_is_their_union() {
        let (stats, schema) = ranged_column(DataType::Int64, (0, 999));
        let map = stats.columns.as_deref();
        let mut expr_arena = Arena::new();
        let one = compare(&mut expr_arena, Operator::Eq, Scalar::from(1i64));
        let two = compare(&mut expr_arena, Operator::Eq, Scalar::from(2i64));
        let either = expr_arena.add(AExpr::BinaryExpr {
            left: one,
            op: Operator::Or,
            right: two,
        });
        let kept = apply_predicate(1_000_000.0, 1_000_000.0, either, &expr_arena, map, &schema);
        assert!((kept - 1999.0).abs() < 1e-6, "got {kept}");

        // One unknown side leaves the whole `OR` unknown.
        let opaque = expr_arena.add(AExpr::Column(PlSmallStr::from_str("b")));
        let either = expr_arena.add(AExpr::BinaryExpr {
            left: one,
            op: Operator::Or,
            right: opaque,
        });
        let kept = apply_predicate(1000.0, 1000.0, either, &expr_arena, map, &schema);
        assert!((kept - 200.0).abs() < 1e-9, "got {kept}");
    }

    #[cfg(feature = "is_in")]
    fn is_in(expr_arena: &mut Arena<AExpr>, values: &[i64]) -> Node {
        use polars_core::prelude::{NamedFrom, Series};

        let a = expr_arena.add(AExpr::Column(PlSmallStr::from_str("a")));
        let values = Series::new(PlSmallStr::EMPTY, values);
        let haystack = expr_arena.add(AExpr::Literal(
            Scalar::new(
                DataType::List(Box::new(DataType::Int64)),
                AnyValue::List(values),
            )
            .into(),
        ));
        expr_arena.add(AExpr::Function {
            input: vec![
                ExprIR::from_node(a, expr_arena),
                ExprIR::from_node(haystack, expr_arena),
            ],
            function: IRFunctionExpr::Boolean(IRBooleanFunction::IsIn {
                nulls_equal: false,
                needle_cast: None,
            }),
            options: crate::prelude::FunctionOptions::elementwise(),
        })
    }

    #[cfg(feature = "is_in")]
    #[test]
    fn is_in_keeps_the_distinct_values_inside_the_range() {
        let (stats, schema) = ranged_column(DataType::Int64, (0, 999));
        let map = stats.columns.as_deref();
        let mut expr_arena = Arena::new();
        let node = is_in(&mut expr_arena, &[1, 2, 5000]);
        let kept = apply_predicate(1000.0, 1000.0, node, &expr_arena, map, &schema);
        assert!((kept - 2.0).abs() < 1e-9, "got {kept}");

        let node = is_in(&mut expr_arena, &[1; 100]);
        let kept = apply_predicate(1000.0, 1000.0, node, &expr_arena, map, &schema);
        assert!((kept - 1.0).abs() < 1e-9, "got {kept}");
    }

    #[cfg(feature = "is_in")]
    #[test]
    fn is_in_and_bounds_on_one_column_are_one_estimate() {
        let (stats, schema) = ranged_column(DataType::Int64, (0, 999));
        let map = stats.columns.as_deref();
        let mut expr_arena = Arena::new();
        let node = is_in(&mut expr_arena, &[10, 11, 500]);
        let lower = compare(&mut expr_arena, Operator::GtEq, Scalar::from(10i64));
        let upper = compare(&mut expr_arena, Operator::LtEq, Scalar::from(11i64));
        let bounds = and(&mut expr_arena, lower, upper);
        let both = and(&mut expr_arena, node, bounds);
        let kept = apply_predicate(100_000.0, 100_000.0, both, &expr_arena, map, &schema);
        assert!((kept - 200.0).abs() < 1e-9, "got {kept}");
    }

    #[test]
    fn exclusions_outside_the_range_keep_every_row() {
        let (stats, schema) = ranged_column(DataType::Int64, (0, 0));
        let map = stats.columns.as_deref();
        let mut expr_arena = Arena::new();
        let node = compare(&mut expr_arena, Operator::NotEq, Scalar::from(1i64));
        let kept = apply_predicate(1000.0, 1000.0, node, &expr_arena, map, &schema);
        assert!((kept - 1000.0).abs() < 1e-9, "got {kept}");

        let node = compare(&mut expr_arena, Operator::NotEq, Scalar::from(0i64));
        let kept = apply_predicate(1000.0, 1000.0, node, &expr_arena, map, &schema);
        assert_eq!(kept, MIN_CARDINALITY);
    }

    #[test]
    fn a_range_holds_only_the_non_null_rows() {
        let stats = leaf(1000.0, 1000.0).with_column(
            "a",
            ScanColumnStats {
                int_range: Some((0, 0)),
                null_count: Card::Exact(900),
                ..Default::default()
            },
        );
        let schema = Schema::from_iter([(PlSmallStr::from_str("a"), DataType::Int64)]);
        let mut expr_arena = Arena::new();
        let node = compare(&mut expr_arena, Operator::GtEq, Scalar::from(0i64));
        let kept = apply_predicate(
            1000.0,
            1000.0,
            node,
            &expr_arena,
            stats.columns.as_deref(),
            &schema,
        );
        assert!((kept - 100.0).abs() < 1e-9, "got {kept}");
    }

    #[test]
    fn a_partial_range_is_not_used() {
        let mut expr_arena = Arena::new();
        let node = compare(&mut expr_arena, Operator::Gt, Scalar::from(999i64));

        let stats = leaf(1000.0, 1000.0).with_column(
            "a",
            ScanColumnStats {
                int_range: Some((0, 999)),
                int_range_partial: true,
                ..Default::default()
            },
        );
        let schema = Schema::from_iter([(PlSmallStr::from_str("a"), DataType::Int64)]);
        let kept = apply_predicate(
            1000.0,
            1000.0,
            node,
            &expr_arena,
            stats.columns.as_deref(),
            &schema,
        );
        assert!((kept - 200.0).abs() < 1e-9, "got {kept}");
    }

    #[cfg(feature = "dtype-datetime")]
    #[test]
    fn a_datetime_range_is_not_used() {
        let mut expr_arena = Arena::new();
        let (stats, schema) = ranged_column(
            DataType::Datetime(polars_core::prelude::TimeUnit::Milliseconds, None),
            (0, 999),
        );
        let value = Scalar::new(
            DataType::Datetime(polars_core::prelude::TimeUnit::Milliseconds, None),
            AnyValue::Datetime(999, polars_core::prelude::TimeUnit::Milliseconds, None),
        );
        let node = compare(&mut expr_arena, Operator::Gt, value);
        let kept = apply_predicate(
            1000.0,
            1000.0,
            node,
            &expr_arena,
            stats.columns.as_deref(),
            &schema,
        );
        assert!((kept - 200.0).abs() < 1e-9, "got {kept}");
    }

    #[test]
    fn a_not_null_check_on_a_ranged_column_counts_once() {
        let stats = leaf(1000.0, 1000.0).with_column(
            "a",
            ScanColumnStats {
                int_range: Some((0, 0)),
                null_count: Card::Exact(900),
                ..Default::default()
            },
        );
        let schema = Schema::from_iter([(PlSmallStr::from_str("a"), DataType::Int64)]);
        let map = stats.columns.as_deref();
        let mut expr_arena = Arena::new();
        let bound = compare(&mut expr_arena, Operator::GtEq, Scalar::from(0i64));
        let a = expr_arena.add(AExpr::Column(PlSmallStr::from_str("a")));
        let not_null = expr_arena.add(AExpr::Function {
            input: vec![ExprIR::from_node(a, &expr_arena)],
            function: IRFunctionExpr::Boolean(IRBooleanFunction::IsNotNull),
            options: crate::prelude::FunctionOptions::elementwise(),
        });
        let self_eq = expr_arena.add(AExpr::BinaryExpr {
            left: a,
            op: Operator::Eq,
            right: a,
        });
        for check in [not_null, self_eq] {
            let both = and(&mut expr_arena, bound, check);
            let kept = apply_predicate(1000.0, 1000.0, both, &expr_arena, map, &schema);
            assert!((kept - 100.0).abs() < 1e-9, "got {kept}");
        }
    }

    #[test]
    fn a_full_width_integer_range_is_counted() {
        for (dtype, range, bound) in [
            (DataType::UInt64, (0, u64::MAX as i128), Scalar::from(0u64)),
            (
                DataType::Int64,
                (i64::MIN as i128, i64::MAX as i128),
                Scalar::from(i64::MIN),
            ),
        ] {
            let (stats, schema) = ranged_column(dtype, range);
            let mut expr_arena = Arena::new();
            let bound = compare(&mut expr_arena, Operator::GtEq, bound);
            let kept = apply_predicate(
                1000.0,
                1000.0,
                bound,
                &expr_arena,
                stats.columns.as_deref(),
                &schema,
            );
            assert!((kept - 1000.0).abs() < 1e-9, "got {kept}");
        }
    }

    #[test]
    #[cfg(feature = "dtype-categorical")]
    fn opposite_null_checks_keep_nothing() {
        let stats = leaf(1000.0, 1000.0).with_column(
            "a",
            ScanColumnStats {
                null_count: Card::Exact(0),
                ..Default::default()
            },
        );
        let dtype = DataType::from_frozen_categories(
            polars_core::prelude::FrozenCategories::new(["x", "y"]).unwrap(),
        );
        let schema = Schema::from_iter([(PlSmallStr::from_str("a"), dtype)]);
        let map = stats.columns.as_deref();
        let mut expr_arena = Arena::new();
        let a = expr_arena.add(AExpr::Column(PlSmallStr::from_str("a")));
        let mut null_check = |function| {
            expr_arena.add(AExpr::Function {
                input: vec![ExprIR::from_node(a, &expr_arena)],
                function: IRFunctionExpr::Boolean(function),
                options: crate::prelude::FunctionOptions::elementwise(),
            })
        };
        let not_null = null_check(IRBooleanFunction::IsNotNull);
        let is_null = null_check(IRBooleanFunction::IsNull);

        for (first, second) in [(not_null, is_null), (is_null, not_null)] {
            let both = and(&mut expr_arena, first, second);
            let kept = apply_predicate(1000.0, 1000.0, both, &expr_arena, map, &schema);
            assert_eq!(kept, MIN_CARDINALITY);
        }
    }
}
