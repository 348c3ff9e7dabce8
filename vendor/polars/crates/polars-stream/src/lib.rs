#![recursion_limit = "256"]
mod dispatch;
mod skeleton;

use std::sync::LazyLock;

pub use skeleton::{run_query, visualize_physical_plan};

mod execute;
mod execution_order;
pub use dispatch::build_streaming_query_executor;
pub(crate) mod expression;
mod graph;
pub use graph::{GraphNodeKey, LogicalPipe, LogicalPipeKey};
mod hash_shuffle;
pub use skeleton::StreamingQuery;
mod metrics;
pub use metrics::{
    AggMode, CustomMetric, GraphMetrics, Metric, MetricKind, MetricReporter, NodeMetrics,
    NodeMetricsRegistry, QueryMetrics, kind,
};
mod observer_metrics;
pub use observer_metrics::StreamingQueryMetricsSnapshotter;
pub use polars_observer::{
    QueryMetricsSnapshotter, QueryObserver, QueryObserverFactory, new_query_observer,
    register_query_observer_factory,
};
mod morsel;
pub mod nodes;
mod physical_plan;
pub use physical_plan::{
    NodeStyle, PhysNode, PhysNodeKey, PhysNodeKind, ZipBehavior, physical_plan_to_description,
};
mod pipe;
// Datapunk Lake: row groups considered and skipped, counted for the embedding application.
pub mod scan_counts;
mod utils;

// TODO: experiment with these.
static DEFAULT_LINEARIZER_BUFFER_SIZE: LazyLock<usize> = LazyLock::new(|| {
    std::env::var("POLARS_DEFAULT_LINEARIZER_BUFFER_SIZE")
        .map(|x| x.parse().unwrap())
        .unwrap_or(4)
});

static DEFAULT_DISTRIBUTOR_BUFFER_SIZE: LazyLock<usize> = LazyLock::new(|| {
    std::env::var("POLARS_DEFAULT_DISTRIBUTOR_BUFFER_SIZE")
        .map(|x| x.parse().unwrap())
        .unwrap_or(4)
});

static DEFAULT_ZIP_HEAD_BUFFER_SIZE: LazyLock<usize> = LazyLock::new(|| {
    std::env::var("POLARS_DEFAULT_ZIP_HEAD_BUFFER_SIZE")
        .map(|x| x.parse().unwrap())
        .unwrap_or(4)
});

polars_utils::define_unique_column_name!("PHYS");
