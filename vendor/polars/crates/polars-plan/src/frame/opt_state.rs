use bitflags::bitflags;

const DEFAULT_OPT_FLAGS: OptFlags = OptFlags::from_bits_truncate(
    OptFlags::all().bits()
        & !(OptFlags::STREAMING.bits()
            | OptFlags::EAGER.bits()
            | OptFlags::GPU.bits()
            | OptFlags::QUERY_MONITORING.bits()),
);

bitflags! {
#[derive(Copy, Clone, Debug)]
    /// Allowed optimizations.
    pub struct OptFlags: u32 {
        /// Only read columns that are used later in the query.
        const PROJECTION_PUSHDOWN = 1;
        /// Apply predicates/filters as early as possible.
        const PREDICATE_PUSHDOWN = 1 << 2;
        /// Cluster sequential `with_columns` calls to independent calls.
        const CLUSTER_WITH_COLUMNS = 1 << 3;
        /// Run many type coercion optimization rules until fixed point.
        const TYPE_COERCION = 1 << 4;
        /// Run many expression optimization rules until fixed point.
        const SIMPLIFY_EXPR = 1 << 5;
        /// Do type checking of the IR.
        const TYPE_CHECK = 1 << 6;
        /// Pushdown slices/limits.
        const SLICE_PUSHDOWN = 1 << 7;
        /// Run common-subplan-elimination. This elides duplicate plans and caches their
        /// outputs.
        const COMM_SUBPLAN_ELIM = 1 << 8;
        /// Run common-subexpression-elimination. This elides duplicate expressions and caches their
        /// outputs.
        const COMM_SUBEXPR_ELIM = 1 << 9;
        /// Is the query going to run on the GPU engine.
        const GPU = 1 << 10;
        /// Run on the streaming engine.
        const STREAMING = 1 << 11;
        /// Run every node eagerly. This turns off multi-node optimizations.
        const EAGER = 1 << 12;
        /// Use row estimates in cost planning.
        const ROW_ESTIMATE = 1 << 13;
        /// Replace simple projections with a faster inlined projection that skips the expression engine.
        const FAST_PROJECTION = 1 << 14;
        /// Check if operations are order dependent and unset maintaining_order if
        /// the order would not be observed.
        const CHECK_ORDER_OBSERVE = 1 << 15;
        /// Collapse consecutive sort nodes and pull them up through selecting nodes.
        const SORT_COLLAPSE = 1 << 16;
        /// Pre-partition hive partitioned joins or group-by's
        /// Only works if PREDICATE_PUSHDOWN is set
        const PARTITION_HIVE = 1 << 17;
        /// Observe this query with the registered observer.
        const QUERY_MONITORING = 1 << 18;
        /// Try to reorder joins.
        const JOIN_ORDER = 1 << 19;
    }
}

impl OptFlags {
    pub fn cluster_with_columns(&self) -> bool {
        self.contains(OptFlags::CLUSTER_WITH_COLUMNS)
    }

    pub fn join_order(&self) -> bool {
        self.contains(OptFlags::JOIN_ORDER)
    }

    pub fn cover_ir_conversion(&self, requested: OptFlags) -> bool {
        let mask =  // flags that can impact DSL->IR conversion
            Self::PREDICATE_PUSHDOWN | Self::SIMPLIFY_EXPR | Self::TYPE_COERCION | Self::TYPE_CHECK;
        (*self & mask).contains(requested & mask)
    }

    pub fn eager(&self) -> bool {
        self.contains(OptFlags::EAGER)
    }

    pub fn fast_projection(&self) -> bool {
        self.contains(OptFlags::FAST_PROJECTION)
    }

    pub fn gpu(&self) -> bool {
        self.contains(OptFlags::GPU)
    }

    pub fn predicate_pushdown(&self) -> bool {
        self.contains(OptFlags::PREDICATE_PUSHDOWN)
    }

    pub fn projection_pushdown(&self) -> bool {
        self.contains(OptFlags::PROJECTION_PUSHDOWN)
    }

    pub fn schema_only() -> Self {
        Self::TYPE_COERCION | Self::TYPE_CHECK
    }

    pub fn simplify_expr(&self) -> bool {
        self.contains(OptFlags::SIMPLIFY_EXPR)
    }

    pub fn slice_pushdown(&self) -> bool {
        self.contains(OptFlags::SLICE_PUSHDOWN)
    }

    pub fn streaming(&self) -> bool {
        self.contains(OptFlags::STREAMING)
    }

    pub fn query_monitoring(&self) -> bool {
        self.contains(OptFlags::QUERY_MONITORING)
    }

    pub fn partition_hive(&self) -> bool {
        self.contains(OptFlags::PARTITION_HIVE)
    }

    pub fn row_estimate(&self) -> bool {
        self.contains(OptFlags::ROW_ESTIMATE)
    }
}

impl Default for OptFlags {
    fn default() -> Self {
        DEFAULT_OPT_FLAGS
    }
}

/// AllowedOptimizations
pub type AllowedOptimizations = OptFlags;
