//! Choose the build side of a join from plan-time statistics.

use std::sync::Arc;

use polars_core::prelude::Schema;
use polars_defs::join::JoinBuildSide;
use polars_utils::arena::{Arena, Node};

use crate::plans::stats::{StatsCache, node_stats_with_cache};
use crate::plans::{AExpr, IR, NodeStats};
use crate::prelude::MaintainOrderJoin;

/// A side has to be this many times smaller to be picked as the build side.
pub(super) const LOPSIDED_FACTOR: f64 = 8.0;

/// Bytes assumed for a value whose width neither the statistics nor the dtype give.
const DEFAULT_VALUE_WIDTH: f64 = 16.0;

/// Set the preferred build side of every join whose inputs are confidently
/// lopsided.
pub(super) fn set_join_build_sides(
    root: Node,
    ir_arena: &mut Arena<IR>,
    expr_arena: &Arena<AExpr>,
) {
    let mut stats = StatsCache::default();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let ir = ir_arena.get(node);
        ir.copy_inputs(&mut stack);
        let IR::Join {
            input_left,
            input_right,
            options,
            ..
        } = ir
        else {
            continue;
        };
        if options.args.build_side.is_some()
            || options.args.maintain_order != MaintainOrderJoin::None
            || !(options.args.how.is_equi() || options.args.how.is_cross())
        {
            continue;
        }
        let (left, right) = (*input_left, *input_right);
        // equi joins sample lopsideness at runtime.
        // cross joins don't so, plan time estimates
        // are all we have. TODO!: change this if that
        // assumption changes.
        let may_estimate = options.args.how.is_cross();
        let Some(side) = build_side(left, right, may_estimate, ir_arena, expr_arena, &mut stats)
        else {
            continue;
        };
        let IR::Join { options, .. } = ir_arena.get_mut(node) else {
            unreachable!()
        };
        Arc::make_mut(options).args.build_side = Some(side);
    }
}

/// The side to prefer building the hash table from, or `None` if the statistics
/// do not settle it.
///
/// Both sides are measured by the same quantity: their row bounds where both have
/// one, and their row estimates otherwise. A bound against an estimate can name the
/// larger input, since a filter narrows the estimate and leaves the bound alone.
/// Without `may_estimate` a missing bound settles nothing.
fn build_side(
    left: Node,
    right: Node,
    may_estimate: bool,
    ir_arena: &Arena<IR>,
    expr_arena: &Arena<AExpr>,
    stats: &mut StatsCache,
) -> Option<JoinBuildSide> {
    let (left_stats, left_width) = side_stats(left, ir_arena, expr_arena, stats)?;
    let left_bound = left_stats.max_rows();
    if left_bound.is_none() && !may_estimate {
        return None;
    }
    let (right_stats, right_width) = side_stats(right, ir_arena, expr_arena, stats)?;
    let (left_rows, right_rows) = match (left_bound, right_stats.max_rows()) {
        (Some(left_rows), Some(right_rows)) => (left_rows, right_rows),
        _ if may_estimate => (left_stats.filtered, right_stats.filtered),
        _ => return None,
    };
    let (left, right) = (left_rows * left_width, right_rows * right_width);
    if left * LOPSIDED_FACTOR <= right {
        Some(JoinBuildSide::PreferLeft)
    } else if right * LOPSIDED_FACTOR <= left {
        Some(JoinBuildSide::PreferRight)
    } else {
        None
    }
}

/// Statistics of one input of the join, and the bytes one of its rows takes.
pub(super) fn side_stats(
    node: Node,
    ir_arena: &Arena<IR>,
    expr_arena: &Arena<AExpr>,
    cache: &mut StatsCache,
) -> Option<(NodeStats, f64)> {
    let stats = node_stats_with_cache(node, ir_arena, expr_arena, cache)?;
    let schema = ir_arena.get(node).schema(ir_arena);
    let width = row_width(&schema, &stats);
    Some((stats, width))
}

/// Bytes one row of `schema` takes, from the statistics where they describe a
/// column and from its dtype otherwise.
fn row_width(schema: &Schema, stats: &NodeStats) -> f64 {
    schema
        .iter()
        .map(
            |(name, dtype)| match stats.column(name).and_then(|c| c.avg_byte_width) {
                Some(width) => f64::from(width),
                None => dtype.byte_width().unwrap_or(DEFAULT_VALUE_WIDTH),
            },
        )
        .sum()
}
