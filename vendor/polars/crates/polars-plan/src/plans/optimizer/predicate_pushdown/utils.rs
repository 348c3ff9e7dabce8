use polars_core::chunked_array::cast::CastOptions;
use polars_core::prelude::*;
use polars_utils::aliases::ScratchIndexSet;
use polars_utils::idx_vec::UnitVec;
use polars_utils::itertools::Itertools;
use polars_utils::unitvec;

use super::keys::*;
use crate::plans::visitor::{AexprNode, RewriteRecursion, RewritingVisitor, TreeWalker};
use crate::prelude::*;

/// Scratch state for [`insert_predicate_dedup`], held for the duration of a pushdown pass.
#[derive(Default)]
pub(super) struct PredicateDedupState {
    canonical_exprs: CanonicalExprMap,
    min_terms: ScratchIndexSet<CanonicalExprId>,
}

pub(crate) fn combine_by_and(left: Node, right: Node, arena: &mut Arena<AExpr>) -> Node {
    arena.add(AExpr::BinaryExpr {
        left,
        op: Operator::And,
        right,
    })
}

/// Inserts a predicate into the map, de-duplicating against what is already there.
///
/// The map is keyed in a way that may cause some predicates to fall into the same bucket. In that
/// case the predicate is AND'ed with the existing node in that bucket, skipping the min-terms that
/// the existing node already contains.
pub(super) fn insert_predicate_dedup(
    acc_predicates: &mut PlIndexMap<PlSmallStr, ExprIR>,
    predicate: &ExprIR,
    expr_arena: &mut Arena<AExpr>,
    dedup: &mut PredicateDedupState,
) {
    let name = predicate_to_key(predicate.node(), expr_arena);

    acc_predicates
        .entry(name)
        .and_modify(|existing_predicate| {
            let PredicateDedupState {
                canonical_exprs,
                min_terms,
            } = dedup;

            let existing_min_terms = min_terms.get();
            existing_min_terms.extend(
                MintermIter::new(existing_predicate.node(), expr_arena)
                    .map(|min_term| canonical_exprs.resolve(min_term, expr_arena)),
            );

            let mut new_min_terms: UnitVec<Node> = unitvec![];
            new_min_terms.extend(MintermIter::new(predicate.node(), expr_arena));

            let mut out_node = existing_predicate.node();
            for new_min_term in new_min_terms {
                let id = canonical_exprs.resolve(new_min_term, expr_arena);
                if existing_min_terms.contains(&id) {
                    continue;
                }

                out_node = combine_by_and(new_min_term, out_node, expr_arena);
            }

            existing_predicate.set_node(out_node)
        })
        .or_insert_with(|| predicate.clone());
}

pub(crate) fn temporary_unique_key(acc_predicates: &PlIndexMap<PlSmallStr, ExprIR>) -> PlSmallStr {
    // TODO: Don't heap allocate during construction.
    let mut out_key = '\u{1D17A}'.to_string();
    let mut existing_keys = acc_predicates.keys();

    while acc_predicates.contains_key(&*out_key) {
        out_key.push_str(existing_keys.next().unwrap());
    }

    PlSmallStr::from_string(out_key)
}

pub(crate) fn combine_predicates<I>(iter: I, expr_arena: &mut Arena<AExpr>) -> Option<ExprIR>
where
    I: IntoIterator<Item = ExprIR>,
{
    // Order the predicates so that CSE can hit them.
    let mut exprs = iter.into_iter().collect_vec();
    exprs.sort_by(|a, b| a.output_name().cmp(b.output_name()));
    let mut iter = exprs.iter();
    let mut out = iter.next()?.node();

    for e in iter {
        out = expr_arena.add(AExpr::BinaryExpr {
            left: out,
            op: Operator::And,
            right: e.node(),
        });
    }

    Some(ExprIR::from_node(out, expr_arena))
}

/// Removes the min-terms containing a dynamic predicate from every accumulated predicate,
/// dropping the entries that end up empty.
///
/// Dynamic predicates are pruning hints - the operator that inserted them still applies the
/// actual semantics - so removing them only widens the predicate. Note that min-term
/// granularity matters here: a dynamic predicate is keyed on the column it filters, so it can
/// share a bucket with a user predicate on that same column.
#[cfg(feature = "python")]
pub(super) fn remove_dynamic_pred_minterms(
    acc_predicates: &mut PlIndexMap<PlSmallStr, ExprIR>,
    expr_arena: &mut Arena<AExpr>,
) {
    acc_predicates.retain(|_, predicate| {
        if !contains_dynamic_pred(predicate.node(), expr_arena) {
            return true;
        }

        let min_terms = MintermIter::new(predicate.node(), expr_arena)
            .filter(|node| !contains_dynamic_pred(*node, expr_arena))
            .collect::<UnitVec<_>>();

        let Some(node) = min_terms
            .into_iter()
            .reduce(|left, right| combine_by_and(left, right, expr_arena))
        else {
            return false;
        };

        predicate.set_node(node);
        true
    });
}

pub(crate) fn contains_dynamic_pred(node: Node, expr_arena: &Arena<AExpr>) -> bool {
    has_aexpr(node, expr_arena, |e| {
        matches!(
            e,
            AExpr::Function {
                function: IRFunctionExpr::DynamicPred { .. },
                ..
            }
        )
    })
}

/// Evaluates a condition on the column name inputs of every predicate, where if
/// the condition evaluates to true on any column name the predicate is
/// transferred to local.
pub(super) fn transfer_to_local_by_name<F>(
    expr_arena: &Arena<AExpr>,
    acc_predicates: &mut PlIndexMap<PlSmallStr, ExprIR>,
    mut condition: F,
) -> Vec<ExprIR>
where
    F: FnMut(&PlSmallStr) -> bool,
{
    let mut remove_keys = Vec::with_capacity(acc_predicates.len());

    for (key, predicate) in &*acc_predicates {
        let root_names = aexpr_to_leaf_names_iter(predicate.node(), expr_arena);
        for name in root_names {
            if condition(name) {
                remove_keys.push(key.clone());
                break;
            }
        }
    }
    let mut local_predicates = Vec::with_capacity(remove_keys.len());
    for key in remove_keys {
        if let Some(pred) = acc_predicates.swap_remove(&*key) {
            local_predicates.push(pred)
        }
    }
    local_predicates
}

/// * `col(A).alias(B).alias(C) => (C, A)`
/// * `col(A)                   => (A, A)`
/// * `col(A).sum().alias(B)    => None`
fn get_maybe_aliased_projection_to_input_name_map(
    e: &ExprIR,
    expr_arena: &Arena<AExpr>,
) -> Option<(PlSmallStr, PlSmallStr)> {
    let ae = expr_arena.get(e.node());
    match e.get_alias() {
        Some(alias) => match ae {
            AExpr::Column(c_name) => Some((alias.clone(), c_name.clone())),
            _ => None,
        },
        _ => match ae {
            AExpr::Column(c_name) => Some((c_name.clone(), c_name.clone())),
            _ => None,
        },
    }
}

/// The input `predicate`, on one column, may be pushed to past `node` when that is a filter or
/// projection; the predicate is renamed to the input's column on the way. `None` when the
/// predicate stays above `node`.
pub(crate) fn push_past(
    node: Node,
    predicate: &mut ExprIR,
    ir_arena: &Arena<IR>,
    expr_arena: &mut Arena<AExpr>,
    scratch: &mut UnitVec<Node>,
    maintain_errors: bool,
) -> PolarsResult<Option<Node>> {
    // Only tells the predicates of one eligibility check apart.
    let key = PlSmallStr::from_static("__POLARS_PUSH_PAST");
    match ir_arena.get(node) {
        IR::SimpleProjection { input, columns } => {
            let name = aexpr_to_leaf_names_iter(predicate.node(), expr_arena)
                .next()
                .unwrap();
            Ok(columns.contains(name).then_some(*input))
        },
        IR::Filter {
            input,
            predicate: filter,
        } => {
            let mut acc = PlIndexMap::default();
            acc.insert(key.clone(), predicate.clone());
            let tmp_key = temporary_unique_key(&acc);
            acc.insert(tmp_key.clone(), filter.clone());
            let (eligibility, _) = pushdown_eligibility(
                &[],
                false,
                &[(&tmp_key, filter.clone())],
                &acc,
                expr_arena,
                scratch,
                maintain_errors,
                *input,
                ir_arena,
            )?;
            Ok(eligibility.allows(&key).then_some(*input))
        },
        IR::Select { input, expr, .. }
        | IR::HStack {
            input, exprs: expr, ..
        } => {
            let mut acc = PlIndexMap::default();
            acc.insert(key.clone(), predicate.clone());
            let (eligibility, projection_map) = pushdown_eligibility(
                expr,
                true,
                &[],
                &acc,
                expr_arena,
                scratch,
                maintain_errors,
                *input,
                ir_arena,
            )?;
            if !eligibility.allows(&key)
                || aexpr_to_leaf_names_iter(predicate.node(), expr_arena)
                    .any(|name| projection_map.order_keeping_exprs.contains_key(name))
            {
                return Ok(None);
            }
            map_column_references(predicate, expr_arena, &projection_map.renames);
            Ok(Some(*input))
        },
        _ => Ok(None),
    }
}

/// How the output columns of a projection come from its input.
#[derive(Default)]
pub struct ProjectionMap {
    /// Output name to input name of the plain columns that get another name.
    pub renames: PlIndexMap<PlSmallStr, PlSmallStr>,
    /// Output name to its order-keeping expression of one input column.
    pub order_keeping_exprs: PlIndexMap<PlSmallStr, Node>,
}

impl ProjectionMap {
    /// Rewrite `expr` on the output columns to the same expression on the input columns.
    pub fn map_to_input(&self, expr: &mut ExprIR, expr_arena: &mut Arena<AExpr>) {
        if self.order_keeping_exprs.is_empty() {
            map_column_references(expr, expr_arena, &self.renames);
            return;
        }
        let node = self.map_node_to_input(expr.node(), expr_arena);
        *expr = ExprIR::from_node(node, expr_arena);
    }

    #[recursive::recursive]
    fn map_node_to_input(&self, node: Node, expr_arena: &mut Arena<AExpr>) -> Node {
        if let AExpr::Column(name) = expr_arena.get(node) {
            if let Some(input_name) = self.renames.get(name) {
                return expr_arena.add(AExpr::Column(input_name.clone()));
            }
            if let Some(&expr) = self.order_keeping_exprs.get(name) {
                return copy_without_strict_casts(expr, expr_arena);
            }
            return node;
        }
        let mut inputs = vec![];
        expr_arena.get(node).inputs_rev(&mut inputs);
        let new_inputs = inputs
            .iter()
            .rev()
            .map(|input| self.map_node_to_input(*input, expr_arena))
            .collect::<Vec<_>>();
        if new_inputs.iter().eq(inputs.iter().rev()) {
            return node;
        }
        let ae = expr_arena.get(node).clone().replace_inputs(&new_inputs);
        expr_arena.add(ae)
    }
}

/// Copies an order-keeping expression. Its casts can't fail, so they are made non-strict to not
/// block the pushdown of the predicate it ends up in.
#[recursive::recursive]
fn copy_without_strict_casts(node: Node, expr_arena: &mut Arena<AExpr>) -> Node {
    let mut ae = expr_arena.get(node).clone();
    if let AExpr::Cast { options, .. } = &mut ae {
        *options = CastOptions::NonStrict;
    }
    let mut inputs = vec![];
    ae.inputs_rev(&mut inputs);
    let new_inputs = inputs
        .iter()
        .rev()
        .map(|input| copy_without_strict_casts(*input, expr_arena))
        .collect::<Vec<_>>();
    expr_arena.add(ae.replace_inputs(&new_inputs))
}

#[derive(Debug)]
pub enum PushdownEligibility {
    Full,
    // Partial can happen when there are window exprs.
    Partial { to_local: Vec<PlSmallStr> },
    NoPushdown,
}

impl PushdownEligibility {
    /// Whether the predicate under `key` may be pushed down.
    pub fn allows(&self, key: &PlSmallStr) -> bool {
        match self {
            Self::Full => true,
            Self::Partial { to_local } => !to_local.contains(key),
            Self::NoPushdown => false,
        }
    }
}

#[allow(clippy::type_complexity)]
#[allow(clippy::too_many_arguments)]
pub fn pushdown_eligibility(
    projection_nodes: &[ExprIR],
    // Whether `projection_nodes` give the output columns, so that a predicate on an
    // order-keeping one may be rewritten to its expression.
    is_projection: bool,
    // Predicates that need to be checked (key, expr_ir)
    new_predicates: &[(&PlSmallStr, ExprIR)],
    // Note: These predicates have already passed checks.
    acc_predicates: &PlIndexMap<PlSmallStr, ExprIR>,
    expr_arena: &mut Arena<AExpr>,
    scratch: &mut UnitVec<Node>,
    maintain_errors: bool,
    input: Node,
    ir_arena: &Arena<IR>,
) -> PolarsResult<(PushdownEligibility, ProjectionMap)> {
    scratch.clear();
    let ae_nodes_stack = scratch;
    let input_ir = ir_arena.get(input);

    let mut alias_to_col_map =
        optimizer::init_hashmap::<PlSmallStr, PlSmallStr>(Some(projection_nodes.len()));
    let mut col_to_alias_map = alias_to_col_map.clone();
    let mut order_keeping_exprs = PlIndexMap::new();
    let mut input_schema = None;

    let mut modified_projection_columns =
        PlIndexSet::<PlSmallStr>::with_capacity(projection_nodes.len());
    let mut has_window = false;
    let mut common_window_inputs = PlIndexSet::<PlSmallStr>::new();

    // Important: Names inserted into any data structure by this function are
    // all non-aliased.
    // This function returns false if pushdown cannot be performed.
    let process_projection_or_predicate = |ae_nodes_stack: &mut UnitVec<Node>,
                                           has_window: &mut bool,
                                           common_window_inputs: &mut PlIndexSet<PlSmallStr>|
     -> ExprPushdownGroup {
        debug_assert_eq!(ae_nodes_stack.len(), 1);

        let mut partition_by_names = PlIndexSet::<PlSmallStr>::new();
        let mut expr_pushdown_eligibility = ExprPushdownGroup::Pushable;

        while let Some(node) = ae_nodes_stack.pop() {
            let ae = expr_arena.get(node);

            match ae {
                #[cfg(feature = "dynamic_group_by")]
                AExpr::Rolling { .. } => return ExprPushdownGroup::Barrier,
                AExpr::Over {
                    function: _,
                    partition_by,
                    order_by: _,
                    mapping: _,
                } => {
                    partition_by_names.clear();
                    partition_by_names.reserve(partition_by.len());

                    for node in partition_by.iter() {
                        // Only accept col()
                        if let AExpr::Column(name) = expr_arena.get(*node) {
                            partition_by_names.insert(name.clone());
                        } else {
                            // Nested windows can also qualify for push down.
                            // e.g.:
                            // * expr1 = min().over(A)
                            // * expr2 = sum().over(A, expr1)
                            // Both exprs window over A, so predicates referring
                            // to A can still be pushed.
                            ae_nodes_stack.push(*node);
                        }
                    }

                    if !*has_window {
                        for name in partition_by_names.drain(..) {
                            common_window_inputs.insert(name);
                        }

                        *has_window = true;
                    } else {
                        common_window_inputs.retain(|k| partition_by_names.contains(k))
                    }

                    // Cannot push into disjoint windows:
                    // e.g.:
                    // * sum().over(A)
                    // * sum().over(B)
                    if common_window_inputs.is_empty() {
                        return ExprPushdownGroup::Barrier;
                    }
                },
                _ => {
                    if let ExprPushdownGroup::Barrier =
                        expr_pushdown_eligibility.update_with_expr(ae_nodes_stack, ae, expr_arena)
                    {
                        return ExprPushdownGroup::Barrier;
                    }
                },
            }
        }

        expr_pushdown_eligibility
    };

    for e in projection_nodes.iter() {
        if let Some((alias, column_name)) =
            get_maybe_aliased_projection_to_input_name_map(e, expr_arena)
        {
            if alias != column_name {
                alias_to_col_map.insert(alias.clone(), column_name.clone());
                col_to_alias_map.insert(column_name, alias);
            }
            continue;
        }

        let is_order_keeping = is_projection && {
            let input_schema = input_schema.get_or_insert_with(|| input_ir.schema(ir_arena));
            order_keeping_column(e.node(), expr_arena, input_schema).is_some()
        };
        if is_order_keeping {
            order_keeping_exprs.insert(e.output_name().clone(), e.node());
        } else if !does_not_modify_rec(e.node(), expr_arena) {
            modified_projection_columns.insert(e.output_name().clone());
        }

        debug_assert!(ae_nodes_stack.is_empty());
        ae_nodes_stack.push(e.node());

        if process_projection_or_predicate(
            ae_nodes_stack,
            &mut has_window,
            &mut common_window_inputs,
        )
        .blocks_pushdown(maintain_errors)
        {
            return Ok((PushdownEligibility::NoPushdown, ProjectionMap::default()));
        }
    }

    if has_window {
        modified_projection_columns.extend(order_keeping_exprs.drain(..).map(|(name, _)| name));
    }

    if has_window && !col_to_alias_map.is_empty() {
        // Rename to aliased names.
        let mut new = PlIndexSet::<PlSmallStr>::with_capacity(2 * common_window_inputs.len());

        for key in common_window_inputs.into_iter() {
            if let Some(aliased) = col_to_alias_map.get(&key) {
                new.insert(aliased.clone());
            }
            // Ensure predicate does not refer to a different column that
            // got aliased to the same name as the window column. E.g.:
            // .with_columns(col(A).alias(C), sum=sum().over(C))
            // .filter(col(C) == ..)
            if !alias_to_col_map.contains_key(&key) {
                new.insert(key);
            }
        }

        if new.is_empty() {
            return Ok((PushdownEligibility::NoPushdown, ProjectionMap::default()));
        }

        common_window_inputs = new;
    }

    for (_, e) in new_predicates.iter() {
        debug_assert!(ae_nodes_stack.is_empty());
        ae_nodes_stack.push(e.node());

        let pd_group = process_projection_or_predicate(
            ae_nodes_stack,
            &mut has_window,
            &mut common_window_inputs,
        );

        if pd_group.blocks_pushdown(maintain_errors) {
            return Ok((PushdownEligibility::NoPushdown, ProjectionMap::default()));
        }
    }

    // Should have returned early.
    debug_assert!(!common_window_inputs.is_empty() || !has_window);

    // Note: has_window is constant.
    let can_use_column = |col: &str| {
        if has_window {
            common_window_inputs.contains(col) && !modified_projection_columns.contains(col)
        } else {
            !modified_projection_columns.contains(col)
        }
    };

    // For an allocation-free dyn iterator
    let mut check_predicates_all: Option<_> = None;
    let mut check_predicates_only_new: Option<_> = None;

    // We only need to check the new predicates if no columns were renamed and there are no window
    // aggregations.
    if !has_window
        && modified_projection_columns.is_empty()
        && !(
            // If there is only a single predicate, it may be fallible
            acc_predicates.len() == 1 && ir_removes_rows(input_ir)
        )
    {
        check_predicates_only_new = Some(new_predicates.iter().map(|(key, expr)| (*key, expr)))
    } else {
        check_predicates_all = Some(acc_predicates.iter())
    }

    let to_check_iter: &mut dyn Iterator<Item = (&PlSmallStr, &ExprIR)> = check_predicates_all
        .as_mut()
        .map(|x| x as _)
        .unwrap_or_else(|| check_predicates_only_new.as_mut().map(|x| x as _).unwrap());

    let mut allow_single_fallible = !ir_removes_rows(input_ir);
    ae_nodes_stack.clear();

    let to_local = to_check_iter
        .filter_map(|(key, e)| {
            debug_assert!(ae_nodes_stack.is_empty());

            ae_nodes_stack.push(e.node());

            let mut uses_blocked_name = false;
            let mut pd_group = ExprPushdownGroup::Pushable;

            while let Some(node) = ae_nodes_stack.pop() {
                let ae = expr_arena.get(node);

                if let AExpr::Column(name) = ae {
                    uses_blocked_name |= !can_use_column(name);
                } else {
                    pd_group.update_with_expr(ae_nodes_stack, ae, expr_arena);
                };

                if uses_blocked_name {
                    break;
                };
            }

            ae_nodes_stack.clear();

            if uses_blocked_name || matches!(pd_group, ExprPushdownGroup::Barrier) {
                allow_single_fallible = false;
            }

            if uses_blocked_name
                || matches!(
                    // Note: We do not use `blocks_pushdown()`, this fallible indicates that the
                    // predicate we are checking to push is fallible.
                    pd_group,
                    ExprPushdownGroup::Fallible | ExprPushdownGroup::Barrier
                )
            {
                Some(key.clone())
            } else {
                None
            }
        })
        .collect::<Vec<_>>();

    let projection_map = ProjectionMap {
        renames: alias_to_col_map,
        order_keeping_exprs,
    };
    Ok(match to_local.len() {
        0 => (PushdownEligibility::Full, projection_map),
        len if len == acc_predicates.len() => {
            if len == 1 && allow_single_fallible {
                (PushdownEligibility::Full, projection_map)
            } else {
                (PushdownEligibility::NoPushdown, projection_map)
            }
        },
        _ => (PushdownEligibility::Partial { to_local }, projection_map),
    })
}

/// Note: This may give false positives as it is a conservative function.
pub(crate) fn ir_removes_rows(ir: &IR) -> bool {
    use IR::*;

    match ir {
        DataFrameScan { .. }
        | SimpleProjection { .. }
        | Select { .. }
        | Cache { .. }
        | HStack { .. }
        | HConcat { .. } => false,

        GroupBy { options, .. } => options.slice.is_some(),

        Sort { slice, .. } => slice.is_some(),

        #[cfg(feature = "merge_sorted")]
        MergeSorted { .. } => false,

        #[cfg(feature = "python")]
        PythonScan { options } => options.n_rows.is_some(),

        // Scan currently may evaluate the predicate on the statistics of the
        // entire files list.
        Scan {
            unified_scan_args, ..
        } => unified_scan_args.pre_slice.is_some(),

        Union { options, .. } => options.slice.is_some(),

        _ => true,
    }
}

/// Maps column references within an expression. Used to handle column renaming when pushing
/// predicates.
///
/// This will add a new expression tree in the arena (i.e. it won't mutate the existing node in-place).
pub(crate) fn map_column_references(
    expr: &mut ExprIR,
    expr_arena: &mut Arena<AExpr>,
    rename_map: &PlIndexMap<PlSmallStr, PlSmallStr>,
) {
    map_column_references_with_casts(expr, expr_arena, rename_map, &Default::default())
}

/// Same as [`map_column_references`], but a renamed column whose original name is in `casts` is
/// cast to that dtype, so the expression keeps the dtype it was typed against.
pub(crate) fn map_column_references_with_casts(
    expr: &mut ExprIR,
    expr_arena: &mut Arena<AExpr>,
    rename_map: &PlIndexMap<PlSmallStr, PlSmallStr>,
    casts: &PlIndexMap<PlSmallStr, DataType>,
) {
    if rename_map.is_empty() {
        return;
    }

    let node = AexprNode::new(expr.node())
        .rewrite(
            &mut MapColumnReferences {
                rename_map,
                casts,
                column_nodes: PlIndexMap::with_capacity(rename_map.len()),
            },
            expr_arena,
        )
        .unwrap()
        .node();

    *expr = ExprIR::from_node(node, expr_arena);

    struct MapColumnReferences<'a> {
        rename_map: &'a PlIndexMap<PlSmallStr, PlSmallStr>,
        casts: &'a PlIndexMap<PlSmallStr, DataType>,
        // Keyed by the original column name.
        column_nodes: PlIndexMap<&'a str, Node>,
    }

    impl RewritingVisitor for MapColumnReferences<'_> {
        type Node = AexprNode;
        type Arena = Arena<AExpr>;

        fn pre_visit(
            &mut self,
            node: &Self::Node,
            arena: &mut Self::Arena,
        ) -> polars_core::prelude::PolarsResult<crate::prelude::visitor::RewriteRecursion> {
            let AExpr::Column(colname) = arena.get(node.node()) else {
                return Ok(RewriteRecursion::NoMutateAndContinue);
            };

            if !self.rename_map.contains_key(colname) {
                return Ok(RewriteRecursion::NoMutateAndContinue);
            }

            Ok(RewriteRecursion::MutateAndContinue)
        }

        fn mutate(
            &mut self,
            node: Self::Node,
            arena: &mut Self::Arena,
        ) -> polars_core::prelude::PolarsResult<Self::Node> {
            let AExpr::Column(colname) = arena.get(node.node()) else {
                unreachable!();
            };

            // Safety: Checked in pre_visit()
            let (colname, new_colname) = self.rename_map.get_key_value(colname).unwrap();

            if let Some(node) = self.column_nodes.get(colname.as_str()) {
                return Ok(AexprNode::new(*node));
            }

            let mut new_node = arena.add(AExpr::Column(new_colname.clone()));
            if let Some(dtype) = self.casts.get(colname) {
                new_node = arena.add(AExpr::Cast {
                    expr: new_node,
                    dtype: dtype.clone(),
                    options: CastOptions::Overflowing,
                });
            }
            self.column_nodes.insert(colname.as_str(), new_node);

            Ok(AexprNode::new(new_node))
        }
    }
}
