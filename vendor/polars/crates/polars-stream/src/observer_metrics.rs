use std::sync::Arc;

use parking_lot::Mutex;
use polars_descriptions::{
    CustomMetricDescription, MetricsSnapshotDescription, NodeMetricsDescription,
    QueryMetricsDescription,
};
use polars_observer::QueryMetricsSnapshotter;
use slotmap::{Key, SecondaryMap, SlotMap};

use crate::graph::GraphNodeKey;
use crate::metrics::{GraphMetrics, NodeMetrics, QueryMetrics};
use crate::physical_plan::PhysNodeKey;
use crate::skeleton::StreamingQuery;
use crate::{LogicalPipe, LogicalPipeKey};

pub struct StreamingQueryMetricsSnapshotter {
    pub metrics: Arc<Mutex<GraphMetrics>>,
    pub pipes: SlotMap<LogicalPipeKey, LogicalPipe>,
    pub phys_to_graph: SecondaryMap<PhysNodeKey, GraphNodeKey>,
}

impl StreamingQueryMetricsSnapshotter {
    pub fn from_query(query: &StreamingQuery) -> Option<Box<dyn QueryMetricsSnapshotter>> {
        let metrics = query.metrics.clone()?;
        Some(Box::new(Self {
            metrics,
            pipes: query.graph.pipes.clone(),
            phys_to_graph: query.phys_to_graph.clone(),
        }))
    }
}

impl QueryMetricsSnapshotter for StreamingQueryMetricsSnapshotter {
    fn snapshot(&self) -> MetricsSnapshotDescription {
        let mut metrics = { self.metrics.lock().clone() };
        metrics.flush(&self.pipes);

        let nodes = self
            .phys_to_graph
            .iter()
            .map(|(phys_key, graph_key)| {
                let node = metrics.get(*graph_key).cloned().unwrap_or_default();
                metrics_row(phys_key.data().as_ffi(), &node)
            })
            .collect();

        MetricsSnapshotDescription {
            query: query_row(metrics.query()),
            nodes,
        }
    }
}

fn query_row(m: &QueryMetrics) -> QueryMetricsDescription {
    QueryMetricsDescription {
        io_total_active_ns: m.io_total_active_ns,
        io_rx_active_ns: m.io_rx_active_ns,
        io_tx_active_ns: m.io_tx_active_ns,
        num_threads: m.num_threads,
    }
}

fn metrics_row(phys_node_key: u64, m: &NodeMetrics) -> NodeMetricsDescription {
    NodeMetricsDescription {
        phys_node_key,
        total_polls: m.total_polls,
        total_stolen_polls: m.total_stolen_polls,
        total_poll_time_ns: m.total_poll_time_ns,
        max_poll_time_ns: m.max_poll_time_ns,
        total_state_updates: m.total_state_updates,
        total_state_update_time_ns: m.total_state_update_time_ns,
        max_state_update_time_ns: m.max_state_update_time_ns,
        morsels_sent: m.morsels_sent,
        rows_sent: m.rows_sent,
        largest_morsel_sent: m.largest_morsel_sent,
        morsels_received: m.morsels_received,
        rows_received: m.rows_received,
        largest_morsel_received: m.largest_morsel_received,
        io_total_active_ns: m.io_total_active_ns,
        io_total_bytes_requested: m.io_total_bytes_requested,
        io_total_bytes_received: m.io_total_bytes_received,
        io_total_bytes_sent: m.io_total_bytes_sent,
        total_time_ns: m.total_poll_time_ns + m.total_state_update_time_ns,
        done: m.done,
        custom: m
            .custom
            .iter()
            .map(|metric| CustomMetricDescription {
                key: metric.key.to_string(),
                unit: metric.unit,
                value: metric.value,
            })
            .collect(),
    }
}
