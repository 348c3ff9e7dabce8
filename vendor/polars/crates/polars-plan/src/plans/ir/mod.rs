#[cfg(feature = "cse")]
mod canonical;
mod dot;
mod equality;
mod format;
#[cfg(feature = "cse")]
mod hash;
pub mod inputs;
mod schema;
pub(crate) mod tree_format;
mod unoptimized;

use std::borrow::Cow;
use std::fmt;
use std::sync::Mutex;

#[cfg(feature = "cse")]
pub(crate) use canonical::{CanonicalIRId, CanonicalIRMap};
pub use dot::{EscapeLabel, IRDotDisplay, PathsDisplay, ScanSourcesDisplay};
pub use equality::ExpressionComparator;
pub use format::{ExprIRDisplay, IRDisplay, write_group_by, write_ir_non_recursive};
#[cfg(feature = "cse")]
pub use hash::ExpressionHasher;
use polars_buffer::Buffer;
use polars_core::prelude::*;
use polars_utils::idx_vec::UnitVec;
use polars_utils::unique_id::UniqueId;
#[cfg(feature = "ir_serde")]
use serde::{Deserialize, Serialize};
use strum_macros::IntoStaticStr;
pub use unoptimized::{FunctionArgMap, UnoptimizedOperation};

use self::hive::HivePartitionsDf;
use crate::dsl::dsl_resolver::{DslResolver, ResolveDslArgs, ResolvedDsl};
use crate::prelude::*;

#[cfg_attr(feature = "ir_serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IRPlan {
    pub lp_top: Node,
    pub lp_arena: Arena<IR>,
    pub expr_arena: Arena<AExpr>,
}

#[derive(Clone, Copy)]
pub struct IRPlanRef<'a> {
    pub lp_top: Node,
    pub lp_arena: &'a Arena<IR>,
    pub expr_arena: &'a Arena<AExpr>,
}

/// [`IR`] is a representation of [`DslPlan`] with [`Node`]s which are allocated in an [`Arena`]
/// In this IR the logical plan has access to the full dataset.
#[derive(Clone, Debug, Default, IntoStaticStr)]
#[cfg_attr(feature = "ir_serde", derive(Serialize, Deserialize))]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum IR {
    #[cfg(feature = "python")]
    PythonScan {
        options: PythonOptions,
    },
    Slice {
        input: Node,
        offset: i64,
        len: IdxSize,
    },
    Filter {
        input: Node,
        predicate: ExprIR,
    },
    Scan {
        sources: ScanSources,
        file_info: FileInfo,
        hive_parts: Option<HivePartitionsDf>,
        predicate: Option<ExprIR>,
        /// * None: No skipping
        /// * Some(v): Files were skipped (filtered out)
        predicate_file_skip_applied: Option<PredicateFileSkip>,
        /// schema of the projected file
        output_schema: Option<SchemaRef>,
        scan_type: Box<FileScanIR>,
        /// generic options that can be used for all file types.
        unified_scan_args: Box<UnifiedScanArgs>,
        /// Whether the output order is observed. Cleared by the optimizer if it is not.
        maintain_order: bool,
    },
    DataFrameScan {
        df: Arc<DataFrame>,
        schema: SchemaRef,
        // Schema of the projected file
        // If `None`, no projection is applied
        output_schema: Option<SchemaRef>,
    },
    // Only selects columns (semantically only has row access).
    // This is a more restricted operation than `Select`.
    SimpleProjection {
        input: Node,
        columns: SchemaRef,
    },
    // Polars' `select` operation. This may access full materialized data.
    Select {
        input: Node,
        expr: Vec<ExprIR>,
        schema: SchemaRef,
        options: ProjectionOptions,
    },
    Sort {
        input: Node,
        by_column: Vec<ExprIR>,
        slice: Option<(i64, usize, Option<DynamicPred>)>,
        sort_options: SortMultipleOptions,
    },
    Cache {
        input: Node,
        /// This holds the `Arc<DslPlan>` to guarantee uniqueness.
        id: UniqueId,
    },
    GroupBy {
        input: Node,
        keys: Vec<ExprIR>,
        aggs: Vec<ExprIR>,
        schema: SchemaRef,
        maintain_order: bool,
        options: Arc<GroupbyOptionsIR>,
        apply: Option<PlanCallback<DataFrame, DataFrame>>,
    },
    Join {
        input_left: Node,
        input_right: Node,
        schema: SchemaRef,
        /// Holds the match condition, including the join keys.
        options: Arc<JoinOptionsIR>,
    },
    Gather {
        input: Node,
        idxs: Node,
        null_on_oob: bool,
    },
    HStack {
        input: Node,
        exprs: Vec<ExprIR>,
        schema: SchemaRef,
        options: ProjectionOptions,
    },
    /// Appends window expressions that share one partitioning and order to the input columns.
    ///
    /// - Every expression is an `over` with `GroupsToRows` mapping on exactly `partition_by`
    ///   and `order_by`. The result for a row only depends on the rows with the same key.
    /// - `partition_by` and `order_by` are columns of the input.
    /// - `maintain_order`: rows are output in input order. If false, the output order is
    ///   unspecified.
    /// - `ordered_eval`: the rows of a partition are evaluated in input order (ties in the
    ///   `order_by` column in input order, unless its `maintain_order` is false). If false, any
    ///   order within a partition is valid.
    /// - Only whole rows are moved, so the columns of an output row always belong together.
    Window {
        input: Node,
        partition_by: Vec<PlSmallStr>,
        order_by: Option<(Vec<PlSmallStr>, SortMultipleOptions)>,
        exprs: Vec<ExprIR>,
        schema: SchemaRef,
        maintain_order: bool,
        ordered_eval: bool,
    },
    Distinct {
        input: Node,
        options: DistinctOptionsIR,
    },
    MapFunction {
        input: Node,
        function: FunctionIR,
    },
    Union {
        inputs: Vec<Node>,
        options: UnionOptions,
    },
    /// Horizontal concatenation
    /// - Invariant: the names will be unique
    HConcat {
        inputs: Vec<Node>,
        schema: SchemaRef,
        options: HConcatOptions,
    },
    Sink {
        input: Node,
        payload: SinkTypeIR,
    },
    /// Node that allows for multiple plans to be executed in parallel with common subplan
    /// elimination and everything.
    SinkMultiple {
        inputs: Vec<Node>,
    },
    #[cfg(feature = "merge_sorted")]
    MergeSorted {
        input_left: Node,
        input_right: Node,
        key: Arc<[PlSmallStr]>,
        maintain_order: bool,
    },
    /// Recursive query. The output is the anchor rows followed by the rows of each round: a
    /// round runs `step` with the `WorkingTableScan` of `id` holding the rows of the round
    /// before. It ends when a round has no rows.
    ///
    /// The schema of `step` equals the schema of `anchor`.
    Recursive {
        anchor: Node,
        step: Node,
        id: UniqueId,
        /// The caches in `step` that are computed again in every round. All other caches in
        /// `step` are computed once for the whole query.
        round_local_caches: Arc<[UniqueId]>,
    },
    /// The rows of the round before, inside the `step` of the `Recursive` with this `id`. In the
    /// plan of a single round it also reads the value of a cache that is computed once.
    WorkingTableScan {
        id: UniqueId,
        schema: SchemaRef,
    },
    UnoptimizedDispatch {
        inputs: Vec<Node>,
        arg_map: FunctionArgMap,
        operation: UnoptimizedOperation,
    },
    Resolver {
        resolver: Arc<DslResolver>,
        resolver_schema: SchemaRef,

        projection: Option<Buffer<PlSmallStr>>,
        slice: Option<(i64, u64)>,
        filters: Buffer<ExprIR>,
        filter_drop_columns_idx: Option<usize>,

        // Note: Mutex from DslPlan this IR was created with. So that we cache
        // on repeated `collect()`s in  notebook environments.
        resolved_dsl: Arc<Mutex<PlIndexMap<ResolveDslArgs, ResolvedDsl>>>,
        // This should be tied to `resolved_dsl`, but it is stored outside the
        // Mutex as we need to be able to provide mutable references to the `Node`.
        resolved_ir: Option<Node>,
    },
    #[default]
    Invalid,
}

/// The sort keys of the order key `key` of an `over`. An ordered row encoding of several keys
/// is split into its keys, so they can be sorted without encoding them.
pub fn window_order_keys(
    key: Node,
    options: SortOptions,
    expr_arena: &Arena<AExpr>,
) -> (Vec<Node>, SortMultipleOptions) {
    // Only split encodings sorted in the default order: a descending order on the encoding
    // would reverse every key.
    if !options.descending
        && !options.nulls_last
        && let AExpr::Function {
            input,
            function:
                IRFunctionExpr::RowEncode(
                    _,
                    RowEncodingVariant::Ordered {
                        descending: Some(descending),
                        nulls_last: Some(nulls_last),
                        broadcast_nulls: None | Some(false),
                    },
                ),
            ..
        } = expr_arena.get(key)
        && descending.len() == input.len()
        && nulls_last.len() == input.len()
    {
        let options = SortMultipleOptions {
            descending: descending.clone(),
            nulls_last: nulls_last.clone(),
            multithreaded: options.multithreaded,
            maintain_order: options.maintain_order,
            limit: None,
        };
        return (input.iter().map(|e| e.node()).collect(), options);
    }
    (vec![key], (&options).into())
}

/// Whether every expression is an `over` with `GroupsToRows` mapping on exactly `partition_by`
/// and `order_by`, as [`IR::Window`] requires.
pub fn window_exprs_match_keys(
    exprs: &[ExprIR],
    partition_by: &[PlSmallStr],
    order_by: Option<&(Vec<PlSmallStr>, SortMultipleOptions)>,
    expr_arena: &Arena<AExpr>,
) -> bool {
    let is_column = |node: &Node, name: &PlSmallStr| match expr_arena.get(*node) {
        AExpr::Column(column) => column == name,
        _ => false,
    };
    exprs.iter().all(|e| match expr_arena.get(e.node()) {
        AExpr::Over {
            partition_by: expr_partition_by,
            order_by: expr_order_by,
            mapping: WindowMapping::GroupsToRows,
            ..
        } => {
            expr_partition_by.len() == partition_by.len()
                && expr_partition_by
                    .iter()
                    .zip(partition_by)
                    .all(|(node, name)| is_column(node, name))
                && match (expr_order_by, order_by) {
                    (None, None) => true,
                    (Some((key, expr_options)), Some((names, options))) => {
                        let (keys, expr_options) =
                            window_order_keys(*key, *expr_options, expr_arena);
                        keys.len() == names.len()
                            && keys
                                .iter()
                                .zip(names)
                                .all(|(node, name)| is_column(node, name))
                            && &expr_options == options
                    },
                    _ => false,
                }
        },
        _ => false,
    })
}

impl IRPlan {
    pub fn new(top: Node, ir_arena: Arena<IR>, expr_arena: Arena<AExpr>) -> Self {
        Self {
            lp_top: top,
            lp_arena: ir_arena,
            expr_arena,
        }
    }

    /// If `lp_top` is not a `Sink`, it will be set to an in-memory sink.
    pub fn ensure_root_node_is_sink(&mut self) {
        match self.root() {
            IR::Sink { .. } | IR::SinkMultiple { .. } => {},
            _ => {
                self.lp_top = self.lp_arena.add(IR::Sink {
                    input: self.lp_top,
                    payload: SinkTypeIR::Memory,
                })
            },
        }
    }

    pub fn root(&self) -> &IR {
        self.lp_arena.get(self.lp_top)
    }

    pub fn as_ref(&self) -> IRPlanRef<'_> {
        IRPlanRef {
            lp_top: self.lp_top,
            lp_arena: &self.lp_arena,
            expr_arena: &self.expr_arena,
        }
    }

    pub fn describe(&self) -> String {
        self.as_ref().describe()
    }

    pub fn describe_tree_format(&self) -> String {
        self.as_ref().describe_tree_format()
    }

    pub fn display(&self) -> format::IRDisplay<'_> {
        self.as_ref().display()
    }

    pub fn display_dot(&self) -> dot::IRDotDisplay<'_> {
        self.as_ref().display_dot()
    }
}

impl<'a> IRPlanRef<'a> {
    pub fn root(self) -> &'a IR {
        self.lp_arena.get(self.lp_top)
    }

    pub fn with_root(self, root: Node) -> Self {
        Self {
            lp_top: root,
            lp_arena: self.lp_arena,
            expr_arena: self.expr_arena,
        }
    }

    pub fn display(self) -> format::IRDisplay<'a> {
        format::IRDisplay::new(self)
    }

    pub fn display_dot(self) -> dot::IRDotDisplay<'a> {
        dot::IRDotDisplay::new(self)
    }

    pub fn describe(self) -> String {
        self.display().to_string()
    }

    pub fn describe_tree_format(self) -> String {
        let mut visitor = tree_format::TreeFmtVisitor::default();
        tree_format::TreeFmtNode::root_logical_plan(self).traverse(&mut visitor);
        format!("{visitor:#?}")
    }
}

impl fmt::Debug for IRPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        <format::IRDisplay as fmt::Display>::fmt(&self.display(), f)
    }
}

impl fmt::Debug for IRPlanRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        <format::IRDisplay as fmt::Display>::fmt(&self.display(), f)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    // skipped for now
    #[ignore]
    #[test]
    fn test_alp_size() {
        assert!(size_of::<IR>() <= 152);
    }
}
