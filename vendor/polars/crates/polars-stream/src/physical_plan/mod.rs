use std::num::NonZeroUsize;
use std::sync::Arc;

use polars_buffer::Buffer;
use polars_core::frame::DataFrame;
#[cfg(any(
    feature = "dtype-date",
    feature = "dtype-datetime",
    feature = "dtype-time"
))]
use polars_core::prelude::DataType;
use polars_core::prelude::{IdxSize, InitHashMaps, PlHashMap, PlIndexMap, SortMultipleOptions};
use polars_core::schema::{Schema, SchemaRef};
use polars_defs::join::JoinArgs;
use polars_error::PolarsResult;
use polars_io::RowIndex;
use polars_io::cloud::CloudOptions;
#[cfg(any(
    feature = "dtype-date",
    feature = "dtype-datetime",
    feature = "dtype-time"
))]
use polars_plan::dsl::StrptimeOptions;
use polars_plan::dsl::deletion::DeletionFilesList;
use polars_plan::dsl::{
    CastColumnsPolicy, ColumnsUdf, ExtraColumnsPolicy, FileSinkOptions, MissingColumnsPolicy,
    PartitionedSinkOptionsIR, PredicateFileSkip, ScanSources, TableStatistics,
};
use polars_plan::plans::expr_ir::ExprIR;
use polars_plan::plans::hive::HivePartitionsDf;
use polars_plan::plans::options::{JoinTypeOptionsIR, RuntimeFilter};
use polars_plan::plans::{AExpr, DataFrameUdf, DynamicPred, FunctionArgMap, IR};

mod fmt;
mod io;
mod lower_expr;
mod lower_group_by;
mod lower_ir;
mod scalar_window;
mod split_select;
mod to_description;
mod to_graph;

pub use fmt::{NodeStyle, visualize_plan};
use polars_defs::time::duration::Duration;
#[cfg(feature = "dynamic_group_by")]
use polars_defs::time::group_by::DynamicGroupOptionsIR;
use polars_defs::time::group_by::{ClosedWindow, RollingWindowPlacement};
use polars_plan::prelude::PlanCallback;
use polars_utils::arena::{Arena, Node};
use polars_utils::pl_str::PlSmallStr;
use polars_utils::slice_enum::Slice;
use polars_utils::{UnitVec, unitvec};
use slotmap::{DenseSlotMap, SecondaryMap};
pub use to_description::physical_plan_to_description;
pub use to_graph::physical_plan_to_graph;

pub use self::lower_ir::StreamingLowerIRContext;
use crate::nodes::io_sources::multi_scan::components::forbid_extra_columns::ForbidExtraColumns;
use crate::nodes::io_sources::multi_scan::components::projection::builder::ProjectionBuilder;
use crate::nodes::io_sources::multi_scan::reader_interface::builder::FileReaderBuilder;
use crate::nodes::rolling_fixed_window::RollingFixedWindow;
use crate::physical_plan::lower_expr::ExprCache;

slotmap::new_key_type! {
    /// Key used for physical nodes.
    pub struct PhysNodeKey;
}

impl PhysNodeKey {
    pub fn as_ffi(&self) -> u64 {
        self.0.as_ffi()
    }
}

/// A node in the physical plan.
///
/// A physical plan is created when the `IR` is translated to a directed
/// acyclic graph of operations that can run on the streaming engine.
#[derive(Clone, Debug)]
pub struct PhysNode {
    output_schemas: UnitVec<Arc<Schema>>,
    kind: PhysNodeKind,
}

impl PhysNode {
    pub fn new(output_schema: Arc<Schema>, kind: PhysNodeKind) -> Self {
        Self {
            output_schemas: unitvec![output_schema],
            kind,
        }
    }

    pub fn new_multi_output(output_schemas: UnitVec<Arc<Schema>>, kind: PhysNodeKind) -> Self {
        Self {
            output_schemas,
            kind,
        }
    }

    pub fn output_schema(&self, port_idx: usize) -> &Arc<Schema> {
        &self.output_schemas[port_idx]
    }

    pub fn output_schema_mut(&mut self, port_idx: usize) -> &mut Arc<Schema> {
        &mut self.output_schemas[port_idx]
    }

    pub fn kind(&self) -> &PhysNodeKind {
        &self.kind
    }

    pub fn kind_mut(&mut self) -> &mut PhysNodeKind {
        &mut self.kind
    }
}

/// A handle representing a physical stream of data with a fixed schema in the
/// physical plan. It consists of a reference to a physical node as well as the
/// output port on that node to connect to receive the stream.
#[derive(Clone, Debug, Copy, PartialEq, Eq, Hash)]
pub struct PhysStream {
    pub node: PhysNodeKey,
    pub port: usize,
}

impl PhysStream {
    #[allow(unused)]
    pub fn new(node: PhysNodeKey, port: usize) -> Self {
        Self { node, port }
    }

    // Convenience method to refer to the first output port of a physical node.
    pub fn first(node: PhysNodeKey) -> Self {
        Self { node, port: 0 }
    }

    pub fn output_schema<'sm>(
        &self,
        sm: &'sm DenseSlotMap<PhysNodeKey, PhysNode>,
    ) -> &'sm Arc<Schema> {
        sm[self.node].output_schema(self.port)
    }

    pub fn output_schema_mut<'sm>(
        &self,
        sm: &'sm mut DenseSlotMap<PhysNodeKey, PhysNode>,
    ) -> &'sm mut Arc<Schema> {
        sm[self.node].output_schema_mut(self.port)
    }
}

/// Behaviour when handling multiple DataFrames with different heights.

#[derive(Clone, Debug, Copy)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "physical_plan_visualization_schema",
    derive(schemars::JsonSchema)
)]
pub enum ZipBehavior {
    /// Fill the shorter DataFrames with nulls to the height of the longest DataFrame.
    NullExtend,
    /// All inputs must be the same height, or have length 1 in which case they are broadcast.
    Broadcast,
    /// Raise an error if the DataFrames have different heights.
    Strict,
}

#[derive(Clone, Debug)]
pub enum PhysNodeKind {
    InMemorySource {
        df: Arc<DataFrame>,
        disable_morsel_split: bool,
    },

    Select {
        input: PhysStream,
        selectors: Vec<ExprIR>,
        extend_original: bool,
        rechunk_input: bool,
    },

    InputIndependentSelect {
        selectors: Vec<ExprIR>,
    },

    WithRowIndex {
        input: PhysStream,
        name: PlSmallStr,
        offset: Option<IdxSize>,
    },

    Reduce {
        input: PhysStream,
        exprs: Vec<ExprIR>,
    },

    StreamingSlice {
        input: PhysStream,
        offset: usize,
        length: usize,
    },

    Reverse {
        input: PhysStream,
    },

    NegativeSlice {
        input: PhysStream,
        offset: i64,
        length: usize,
    },

    DynamicSlice {
        input: PhysStream,
        offset: PhysStream,
        length: PhysStream,
    },

    Shift {
        input: PhysStream,
        offset: PhysStream,
        fill: Option<PhysStream>,
    },

    Filter {
        input: PhysStream,
        predicate: ExprIR,
        /// (projected columns, num_input_columns).
        projection: Option<(Vec<PlSmallStr>, usize)>,
    },

    SimpleProjection {
        input: PhysStream,
        // Key: output column, value: input column.
        columns: PlIndexMap<PlSmallStr, PlSmallStr>,
    },

    InMemorySink {
        input: PhysStream,
    },

    CallbackSink {
        input: PhysStream,
        function: PlanCallback<DataFrame, bool>,
        maintain_order: bool,
        chunk_size: Option<NonZeroUsize>,
    },

    FileSink {
        input: PhysStream,
        options: FileSinkOptions,
    },

    PartitionedSink {
        input: PhysStream,
        options: PartitionedSinkOptionsIR,
    },

    SinkMultiple {
        sinks: Vec<PhysNodeKey>,
    },

    /// Generic fallback for (as-of-yet) unsupported streaming mappings.
    /// Fully sinks all data to an in-memory data frame and uses the in-memory
    /// engine to perform the map.
    InMemoryMap {
        input: PhysStream,
        map: Arc<dyn DataFrameUdf>,
        /// A formatted string of what the in-memory map is. This usually calls format on the IR.
        format_str: Option<String>,
    },

    /// Evaluates window expressions that share one partitioning and appends them to the input
    /// columns. Without `maintain_order` the rows are output in an unspecified order.
    Window {
        input: PhysStream,
        partition_by: Vec<PlSmallStr>,
        order_by: Option<(Vec<PlSmallStr>, SortMultipleOptions)>,
        exprs: Vec<ExprIR>,
        /// Evaluate the rows of a partition in input order.
        ordered_eval: bool,
        maintain_order: bool,
        /// Reduce each window to one value per partition, see `nodes::scalar_window`.
        scalar: bool,
    },

    Map {
        input: PhysStream,
        map: Arc<dyn DataFrameUdf>,
        /// A formatted string of what the map is. This usually calls format on the IR.
        format_str: Option<String>,
    },

    ColumnarFunction {
        inputs: Vec<PhysStream>,
        func: Arc<dyn ColumnsUdf>,
        arg_map: Option<FunctionArgMap>,
        output_name: PlSmallStr,
        format_str: Option<String>,
    },

    /// Applies `func` to batches of consecutive rows, where the output of each row only depends
    /// on the rows in its `window`.
    RollingFixedWindowFunction {
        input: PhysStream,
        func: Arc<dyn ColumnsUdf>,
        window: RollingFixedWindow,
        output_name: PlSmallStr,
        format_str: String,
    },

    /// Streaming strptime without an explicit format.
    #[cfg(any(
        feature = "dtype-date",
        feature = "dtype-datetime",
        feature = "dtype-time"
    ))]
    StrptimeInfer {
        input: PhysStream,
        dtype: DataType,
        options: StrptimeOptions,

        /// Name the input had before lowering aliased it; used in error messages.
        input_name: PlSmallStr,

        /// Ambiguous can be `raise`, `earliest`, `latest` and `null`.
        ///
        /// If it is broadcast and it is `raise` or `null`, we can actually execute it in this
        /// node. So
        /// - `false` -> "null"
        /// - `true`  -> "raise"
        ambiguous_is_raise: bool,
    },

    SortedGroupBy {
        input: PhysStream,
        key: PlSmallStr,
        aggs: Vec<ExprIR>,
        slice: Option<(IdxSize, IdxSize)>,
    },

    Sort {
        input: PhysStream,
        by_column: Vec<ExprIR>,
        slice: Option<(i64, usize)>,
        sort_options: SortMultipleOptions,
    },

    TopK {
        input: PhysStream,
        k: PhysStream,
        by_column: Vec<ExprIR>,
        reverse: Vec<bool>,
        nulls_last: Vec<bool>,
        dyn_pred: Option<DynamicPred>,
    },

    Repeat {
        value: PhysStream,
        repeats: PhysStream,
    },

    #[cfg(feature = "cum_agg")]
    CumAgg {
        input: PhysStream,
        kind: crate::nodes::cum_agg::CumAggKind,
    },

    // Parameter is the input stream
    GatherEvery {
        input: PhysStream,
        n: usize,
        offset: usize,
    },
    ForwardFill {
        input: PhysStream,
        limit: Option<IdxSize>,
    },
    BackwardFill {
        input: PhysStream,
        limit: Option<IdxSize>,
    },
    #[cfg(feature = "interpolate")]
    Interpolate {
        input: PhysStream,
        method: polars_defs::expr::InterpolationMethod,
    },
    Rle(PhysStream),
    RleId(PhysStream),
    SortedUnique {
        input: PhysStream,
        keys: Vec<PlSmallStr>,
    },
    PeakMinMax {
        input: PhysStream,
        is_peak_max: bool,
    },
    IsSorted {
        input: PhysStream,
        descending: Option<bool>,
        nulls_last: Option<bool>,
        output_name: PlSmallStr,
    },

    OrderedUnion {
        inputs: Vec<PhysStream>,
    },

    UnorderedUnion {
        inputs: Vec<PhysStream>,
    },

    Zip {
        inputs: Vec<PhysStream>,
        zip_behavior: ZipBehavior,
    },

    #[allow(unused)]
    Multiplexer {
        input: PhysStream,
    },

    MultiScan {
        scan_sources: ScanSources,
        /// Bytes per source if loaded. For cloud visualization.
        bytes_per_source: Option<Buffer<u64>>,

        file_reader_builder: Arc<dyn FileReaderBuilder>,
        cloud_options: Option<Arc<CloudOptions>>,

        /// Columns to project from the file.
        file_projection_builder: ProjectionBuilder,
        /// Final output schema of morsels being sent out of MultiScan.
        output_schema: SchemaRef,

        row_index: Option<RowIndex>,
        pre_slice: Option<Slice>,
        predicate: Option<ExprIR>,
        predicate_file_skip_applied: Option<PredicateFileSkip>,

        hive_parts: Option<HivePartitionsDf>,
        include_file_paths: Option<PlSmallStr>,
        cast_columns_policy: CastColumnsPolicy,
        extra_columns_policy: ExtraColumnsPolicy,
        missing_columns_policy: MissingColumnsPolicy,
        forbid_extra_columns: Option<ForbidExtraColumns>,

        deletion_files: Option<DeletionFilesList>,
        table_statistics: Option<TableStatistics>,

        /// Schema of columns contained in the file. Does not contain external columns (e.g. hive / row_index).
        file_schema: SchemaRef,
        disable_morsel_split: bool,
        /// If false, rows within a file may be emitted in any order.
        maintain_order: bool,
    },

    #[cfg(feature = "python")]
    PythonScan {
        options: polars_plan::plans::python::PythonOptions,
    },

    GroupBy {
        inputs: Vec<PhysStream>,
        // Must have the same schema when applied for each input.
        key_per_input: Vec<Vec<ExprIR>>,
        // Elementwise expressions evaluated inside the group-by node, producing derived
        // columns which `aggs_per_input` may reference in addition to the input columns.
        fused_agg_inputs_per_input: Vec<Vec<ExprIR>>,
        // Must be a 'simple' expression, a singular column (of the input or of
        // `fused_agg_inputs_per_input`) feeding into a single aggregate, or Len.
        aggs_per_input: Vec<Vec<ExprIR>>,
    },

    #[cfg(feature = "dynamic_group_by")]
    DynamicGroupBy {
        input: PhysStream,
        options: DynamicGroupOptionsIR,
        aggs: Vec<ExprIR>,
        slice: Option<(IdxSize, IdxSize)>,
    },

    #[cfg(feature = "dynamic_group_by")]
    RollingGroupBy {
        input: PhysStream,
        index_column: PlSmallStr,
        period: Duration,
        offset: Duration,
        closed: ClosedWindow,
        placement: Option<RollingWindowPlacement>,
        slice: Option<(IdxSize, IdxSize)>,
        aggs: Vec<ExprIR>,
    },

    #[cfg(feature = "is_first_distinct")]
    IsFirstDistinct {
        input: PhysStream,
        out_name: PlSmallStr,
        columns: Vec<PlSmallStr>,
    },

    EquiJoin {
        input_left: PhysStream,
        input_right: PhysStream,
        left_on: Vec<ExprIR>,
        right_on: Vec<ExprIR>,
        args: JoinArgs,
        /// Extra match condition, in the join's output namespace, applied per candidate
        /// pair. See `JoinTypeOptionsIR::Equi`.
        fused_predicate: Option<ExprIR>,
        /// See `JoinOptionsIR::runtime_filters`.
        runtime_filters: Vec<RuntimeFilter>,
    },

    MergeJoin {
        input_left: PhysStream,
        input_right: PhysStream,
        left_on: Vec<PlSmallStr>,
        right_on: Vec<PlSmallStr>,
        tmp_left_key_col: Option<PlSmallStr>,
        tmp_right_key_col: Option<PlSmallStr>,
        descending: bool,
        nulls_last: bool,
        keys_row_encoded: bool,
        args: JoinArgs,
    },

    SemiAntiJoin {
        input_left: PhysStream,
        input_right: PhysStream,
        left_on: Vec<ExprIR>,
        right_on: Vec<ExprIR>,
        args: JoinArgs,
        output_bool: bool,
        /// See `JoinOptionsIR::runtime_filters`.
        runtime_filters: Vec<RuntimeFilter>,
    },

    CrossJoin {
        input_left: PhysStream,
        input_right: PhysStream,
        args: JoinArgs,
    },

    AsOfJoin {
        input_left: PhysStream,
        input_right: PhysStream,
        left_on: PlSmallStr,
        right_on: PlSmallStr,
        tmp_left_key_col: Option<PlSmallStr>,
        tmp_right_key_col: Option<PlSmallStr>,
        by_descending: Option<Vec<bool>>,
        by_nulls_last: Option<Vec<bool>>,
        args: JoinArgs,
    },

    #[cfg(feature = "iejoin")]
    RangeJoin {
        input_left: PhysStream,
        input_right: PhysStream,
        left_on: Vec<PlSmallStr>,
        right_on: Vec<PlSmallStr>,
        tmp_left_key_cols: Vec<Option<PlSmallStr>>,
        tmp_right_key_cols: Vec<Option<PlSmallStr>>,
        descending: bool,
        args: JoinArgs,
        options: polars_defs::join::IEJoinOptions,
    },

    /// Generic fallback for (as-of-yet) unsupported streaming joins.
    /// Fully sinks all data to in-memory data frames and uses the in-memory
    /// engine to perform the join.
    InMemoryJoin {
        input_left: PhysStream,
        input_right: PhysStream,
        args: JoinArgs,
        /// Holds the match condition, including the join keys.
        options: JoinTypeOptionsIR,
    },

    #[cfg(feature = "merge_sorted")]
    MergeSorted {
        input_left: PhysStream,
        input_right: PhysStream,
        maintain_order: bool,
    },

    /// Frames held by a recursive query, which stay spillable while they are read.
    SpillFrameSource {
        frames: Arc<[polars_ooc::SpillFrame]>,
        schema: SchemaRef,
    },

    /// Recursive query: collects the anchor and the caches the step reads, then runs the step
    /// as its own streaming query once per round.
    Recursive {
        anchor: PhysStream,
        externals: Vec<PhysStream>,
        step: Arc<crate::nodes::recursive::RecursiveStep>,
    },

    Gather {
        input: PhysStream,
        idxs: PhysStream,
        null_on_oob: bool,
    },

    #[cfg(feature = "ewma")]
    EwmMean {
        input: PhysStream,
        options: polars_ops::series::EWMOptions,
    },

    #[cfg(feature = "ewma")]
    EwmSum {
        input: PhysStream,
        options: polars_ops::series::EWMOptions,
    },

    #[cfg(feature = "ewma")]
    EwmVar {
        input: PhysStream,
        options: polars_ops::series::EWMOptions,
    },

    #[cfg(feature = "ewma")]
    EwmStd {
        input: PhysStream,
        options: polars_ops::series::EWMOptions,
    },
}

fn visit_node_inputs_mut(
    roots: Vec<PhysNodeKey>,
    phys_sm: &mut DenseSlotMap<PhysNodeKey, PhysNode>,
    visit: impl FnMut(&mut PhysStream),
) {
    _visit_nodes_impl(roots, phys_sm, |_, _| (), visit)
}

fn visit_nodes_mut(
    roots: Vec<PhysNodeKey>,
    phys_sm: &mut DenseSlotMap<PhysNodeKey, PhysNode>,
    visit: impl FnMut(PhysNodeKey, &mut DenseSlotMap<PhysNodeKey, PhysNode>),
) {
    _visit_nodes_impl(roots, phys_sm, visit, |_| ())
}

fn _visit_nodes_impl(
    roots: Vec<PhysNodeKey>,
    phys_sm: &mut DenseSlotMap<PhysNodeKey, PhysNode>,
    mut visit_node: impl FnMut(PhysNodeKey, &mut DenseSlotMap<PhysNodeKey, PhysNode>),
    mut visit_input: impl FnMut(&mut PhysStream),
) {
    let mut to_visit = roots;
    let mut seen: SecondaryMap<PhysNodeKey, ()> =
        to_visit.iter().copied().map(|n| (n, ())).collect();
    macro_rules! rec {
        ($n:expr) => {
            let n = $n;
            if seen.insert(n, ()).is_none() {
                to_visit.push(n)
            }
        };
    }
    while let Some(node) = to_visit.pop() {
        match &mut phys_sm[node].kind {
            PhysNodeKind::InMemorySource { .. }
            | PhysNodeKind::SpillFrameSource { .. }
            | PhysNodeKind::MultiScan { .. }
            | PhysNodeKind::InputIndependentSelect { .. } => {},
            #[cfg(feature = "python")]
            PhysNodeKind::PythonScan { .. } => {},
            PhysNodeKind::Select { input, .. }
            | PhysNodeKind::WithRowIndex { input, .. }
            | PhysNodeKind::Reduce { input, .. }
            | PhysNodeKind::StreamingSlice { input, .. }
            | PhysNodeKind::Reverse { input }
            | PhysNodeKind::NegativeSlice { input, .. }
            | PhysNodeKind::Filter { input, .. }
            | PhysNodeKind::SimpleProjection { input, .. }
            | PhysNodeKind::InMemorySink { input }
            | PhysNodeKind::CallbackSink { input, .. }
            | PhysNodeKind::FileSink { input, .. }
            | PhysNodeKind::PartitionedSink { input, .. }
            | PhysNodeKind::InMemoryMap { input, .. }
            | PhysNodeKind::Window { input, .. }
            | PhysNodeKind::SortedGroupBy { input, .. }
            | PhysNodeKind::Map { input, .. }
            | PhysNodeKind::RollingFixedWindowFunction { input, .. }
            | PhysNodeKind::Sort { input, .. }
            | PhysNodeKind::Multiplexer { input }
            | PhysNodeKind::GatherEvery { input, .. }
            | PhysNodeKind::ForwardFill { input, .. }
            | PhysNodeKind::BackwardFill { input, .. }
            | PhysNodeKind::Rle(input)
            | PhysNodeKind::RleId(input)
            | PhysNodeKind::SortedUnique { input, .. }
            | PhysNodeKind::PeakMinMax { input, .. }
            | PhysNodeKind::IsSorted { input, .. } => {
                rec!(input.node);
                visit_input(input);
            },

            #[cfg(feature = "interpolate")]
            PhysNodeKind::Interpolate { input, .. } => {
                rec!(input.node);
                visit_input(input);
            },

            #[cfg(feature = "is_first_distinct")]
            PhysNodeKind::IsFirstDistinct { input, .. } => {
                rec!(input.node);
                visit_input(input);
            },

            #[cfg(any(
                feature = "dtype-date",
                feature = "dtype-datetime",
                feature = "dtype-time"
            ))]
            PhysNodeKind::StrptimeInfer { input, .. } => {
                rec!(input.node);
                visit_input(input);
            },

            #[cfg(feature = "dynamic_group_by")]
            PhysNodeKind::DynamicGroupBy { input, .. } => {
                rec!(input.node);
                visit_input(input);
            },
            #[cfg(feature = "dynamic_group_by")]
            PhysNodeKind::RollingGroupBy { input, .. } => {
                rec!(input.node);
                visit_input(input);
            },

            #[cfg(feature = "cum_agg")]
            PhysNodeKind::CumAgg { input, .. } => {
                rec!(input.node);
                visit_input(input);
            },

            PhysNodeKind::InMemoryJoin {
                input_left,
                input_right,
                ..
            }
            | PhysNodeKind::EquiJoin {
                input_left,
                input_right,
                ..
            }
            | PhysNodeKind::MergeJoin {
                input_left,
                input_right,
                ..
            }
            | PhysNodeKind::SemiAntiJoin {
                input_left,
                input_right,
                ..
            }
            | PhysNodeKind::CrossJoin {
                input_left,
                input_right,
                ..
            }
            | PhysNodeKind::AsOfJoin {
                input_left,
                input_right,
                ..
            } => {
                rec!(input_left.node);
                rec!(input_right.node);
                visit_input(input_left);
                visit_input(input_right);
            },

            #[cfg(feature = "iejoin")]
            PhysNodeKind::RangeJoin {
                input_left,
                input_right,
                ..
            } => {
                rec!(input_left.node);
                rec!(input_right.node);
                visit_input(input_left);
                visit_input(input_right);
            },

            #[cfg(feature = "merge_sorted")]
            PhysNodeKind::MergeSorted {
                input_left,
                input_right,
                ..
            } => {
                rec!(input_left.node);
                rec!(input_right.node);
                visit_input(input_left);
                visit_input(input_right);
            },

            PhysNodeKind::Gather { input, idxs, .. } => {
                rec!(input.node);
                rec!(idxs.node);
                visit_input(input);
                visit_input(idxs);
            },

            PhysNodeKind::TopK { input, k, .. } => {
                rec!(input.node);
                rec!(k.node);
                visit_input(input);
                visit_input(k);
            },

            PhysNodeKind::DynamicSlice {
                input,
                offset,
                length,
            } => {
                rec!(input.node);
                rec!(offset.node);
                rec!(length.node);
                visit_input(input);
                visit_input(offset);
                visit_input(length);
            },

            PhysNodeKind::Shift {
                input,
                offset,
                fill,
            } => {
                rec!(input.node);
                rec!(offset.node);
                if let Some(fill) = fill {
                    rec!(fill.node);
                }
                visit_input(input);
                visit_input(offset);
                if let Some(fill) = fill {
                    visit_input(fill);
                }
            },

            PhysNodeKind::Repeat { value, repeats } => {
                rec!(value.node);
                rec!(repeats.node);
                visit_input(value);
                visit_input(repeats);
            },

            PhysNodeKind::Recursive {
                anchor, externals, ..
            } => {
                rec!(anchor.node);
                visit_input(anchor);
                for input in externals {
                    rec!(input.node);
                    visit_input(input);
                }
            },

            PhysNodeKind::GroupBy { inputs, .. }
            | PhysNodeKind::OrderedUnion { inputs }
            | PhysNodeKind::UnorderedUnion { inputs }
            | PhysNodeKind::Zip { inputs, .. }
            | PhysNodeKind::ColumnarFunction { inputs, .. } => {
                for input in inputs {
                    rec!(input.node);
                    visit_input(input);
                }
            },

            PhysNodeKind::SinkMultiple { sinks } => {
                for sink in sinks {
                    rec!(*sink);
                    visit_input(&mut PhysStream::first(*sink));
                }
            },

            #[cfg(feature = "ewma")]
            PhysNodeKind::EwmMean { input, options: _ }
            | PhysNodeKind::EwmSum { input, options: _ }
            | PhysNodeKind::EwmVar { input, options: _ }
            | PhysNodeKind::EwmStd { input, options: _ } => {
                rec!(input.node);
                visit_input(input)
            },
        }

        visit_node(node, phys_sm);
    }
}

fn insert_multiplexers(
    roots: Vec<PhysNodeKey>,
    phys_sm: &mut DenseSlotMap<PhysNodeKey, PhysNode>,
    phys_to_ir: &mut SecondaryMap<PhysNodeKey, Node>,
) {
    let mut refcount: PlIndexMap<_, usize> = PlIndexMap::new();
    visit_node_inputs_mut(roots.clone(), phys_sm, |i| {
        *refcount.entry(*i).or_insert(0) += 1;
    });

    let mut multiplexer_map: PlHashMap<PhysStream, PhysStream> = refcount
        .into_iter()
        .filter(|(_stream, refcount)| *refcount > 1)
        .map(|(stream, refcount)| {
            let input_schema = Arc::clone(stream.output_schema(phys_sm));
            let multiplexer_node = phys_sm.insert(PhysNode::new_multi_output(
                (0..refcount).map(|_| Arc::clone(&input_schema)).collect(),
                PhysNodeKind::Multiplexer { input: stream },
            ));
            let source_ir_node = phys_to_ir[stream.node];
            phys_to_ir.insert(multiplexer_node, source_ir_node);
            (stream, PhysStream::first(multiplexer_node))
        })
        .collect();

    visit_node_inputs_mut(roots, phys_sm, |i| {
        if let Some(m) = multiplexer_map.get_mut(i) {
            *i = *m;
            m.port += 1;
        }
    });
}

fn split_multiplexers(
    roots: Vec<PhysNodeKey>,
    phys_sm: &mut DenseSlotMap<PhysNodeKey, PhysNode>,
    phys_to_ir: &mut SecondaryMap<PhysNodeKey, Node>,
) {
    let mut refcount: SecondaryMap<PhysNodeKey, usize> = SecondaryMap::new();
    visit_node_inputs_mut(roots.clone(), phys_sm, |i| {
        *refcount.entry(i.node).unwrap().or_insert(0) += 1;
    });

    let mut split_map: SecondaryMap<PhysNodeKey, (PhysNode, Node)> = SecondaryMap::new();
    for (k, n) in phys_sm.iter() {
        if let PhysNodeKind::Multiplexer { input } = n.kind {
            if let PhysNodeKind::InMemorySource { .. } = phys_sm[input.node].kind {
                split_map.insert(k, (phys_sm[input.node].clone(), phys_to_ir[input.node]));
            }
        }
    }

    let mut replacements: SecondaryMap<PhysNodeKey, Vec<PhysStream>> = split_map
        .into_iter()
        .map(|(k, (n, source_ir_node))| {
            let repls = (0..refcount[k]).map(|_| {
                let clone = phys_sm.insert(n.clone());
                phys_to_ir.insert(clone, source_ir_node);
                PhysStream::first(clone)
            });
            (k, repls.collect())
        })
        .collect();

    visit_node_inputs_mut(roots, phys_sm, |i| {
        if let Some(r) = replacements.get_mut(i.node) {
            *i = r.pop().unwrap();
        }
    });
}

fn fuse_drops(
    roots: Vec<PhysNodeKey>,
    phys_sm: &mut DenseSlotMap<PhysNodeKey, PhysNode>,
    phys_to_ir: &mut SecondaryMap<PhysNodeKey, Node>,
) {
    // Collect first: fusing swaps nodes, which would stop the traversal from reaching the
    // inputs of the fused filter.
    let mut projection_keys = Vec::new();
    visit_nodes_mut(roots, phys_sm, |key, phys_sm| {
        if let PhysNodeKind::SimpleProjection { .. } = phys_sm[key].kind() {
            projection_keys.push(key);
        }
    });

    for key in projection_keys {
        let PhysNodeKind::SimpleProjection { input, .. } = phys_sm[key].kind() else {
            continue;
        };
        let len_before_drop = input.output_schema(phys_sm).len();
        let input = input.node;

        let Some([simple_proj_node, input_node]) = phys_sm.get_disjoint_mut([key, input]) else {
            continue;
        };

        if input_node.output_schemas.len() != 1 {
            continue;
        }

        let PhysNodeKind::SimpleProjection { input: _, columns } = simple_proj_node.kind_mut()
        else {
            unreachable!()
        };

        let has_rename = columns.iter().any(|(k, v)| k != v);

        // TODO: Figure out why `input_schema.try_project` fails below with e.g. "\"_POLARS_TMP_7253\" not found"
        if has_rename {
            continue;
        }

        let PhysNodeKind::Filter { projection, .. } = input_node.kind_mut() else {
            continue;
        };
        let len_before_drop = projection.as_ref().map_or(len_before_drop, |(_, len)| *len);
        *projection = Some((Vec::from_iter(columns.keys().cloned()), len_before_drop));

        let input_schema = input_node.output_schema_mut(0);
        *input_schema = Arc::new(input_schema.try_project(columns.keys()).unwrap());

        if simple_proj_node.output_schemas.len() == 1 {
            std::mem::swap(simple_proj_node, input_node);
            // The filter now lives in the projection's slot; move the attribution with it so
            // the surviving node keeps the `Filter` IR node.
            let proj_ir_node = phys_to_ir[key];
            let filter_ir_node = phys_to_ir[input];
            phys_to_ir.insert(key, filter_ir_node);
            phys_to_ir.insert(input, proj_ir_node);
        }
    }
}

/// Sets `rechunk_input` on any `Select` node directly feeding into a `GroupBy`.
///
/// The group-by consumes the selected key/aggregation columns in bulk, so it is
/// worth paying for a rechunk of the select's output to get contiguous inputs.
fn rechunk_group_by_inputs(
    roots: Vec<PhysNodeKey>,
    phys_sm: &mut DenseSlotMap<PhysNodeKey, PhysNode>,
) {
    visit_nodes_mut(roots, phys_sm, |key, phys_sm| {
        let PhysNodeKind::GroupBy { inputs, .. } = phys_sm[key].kind() else {
            return;
        };

        let input_nodes: Vec<PhysNodeKey> = inputs.iter().map(|i| i.node).collect();
        for input_node in input_nodes {
            if let PhysNodeKind::Select { rechunk_input, .. } = phys_sm[input_node].kind_mut() {
                *rechunk_input = true;
            }
        }
    });
}

pub fn build_physical_plan(
    root: Node,
    ir_arena: &mut Arena<IR>,
    expr_arena: &mut Arena<AExpr>,
    phys_sm: &mut DenseSlotMap<PhysNodeKey, PhysNode>,
    ctx: StreamingLowerIRContext<'_>,
) -> PolarsResult<(PhysNodeKey, SecondaryMap<PhysNodeKey, Node>)> {
    let original_ir_len = ir_arena.len();
    let mut schema_cache = PlHashMap::with_capacity(ir_arena.len());
    let mut expr_cache = ExprCache::with_capacity(expr_arena.len());
    let mut cache_nodes = PlHashMap::new();
    let mut phys_to_ir: SecondaryMap<PhysNodeKey, Node> =
        SecondaryMap::with_capacity(ir_arena.len());
    let phys_root = lower_ir::lower_ir(
        root,
        ir_arena,
        expr_arena,
        phys_sm,
        &mut phys_to_ir,
        original_ir_len,
        &mut schema_cache,
        &mut expr_cache,
        &mut cache_nodes,
        ctx,
        None,
    )?;
    insert_multiplexers(vec![phys_root.node], phys_sm, &mut phys_to_ir);
    split_multiplexers(vec![phys_root.node], phys_sm, &mut phys_to_ir);
    fuse_drops(vec![phys_root.node], phys_sm, &mut phys_to_ir);

    // TODO: remove this after fusing pre-select into group-by node.
    rechunk_group_by_inputs(vec![phys_root.node], phys_sm);

    Ok((phys_root.node, phys_to_ir))
}
