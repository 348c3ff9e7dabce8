use std::sync::Arc;

use parking_lot::Mutex;
use polars_async::executor::TaskMetricAggregator;
use polars_core::schema::Schema;
use polars_core::utils::accumulate_dataframes_vertical_unchecked;
use polars_ooc::{LeastRecentSpillContext, ParameterFreeSpillContext, SpillFrame};

use super::compute_node_prelude::*;
use crate::utils::in_memory_linearize::linearize;

#[derive(Debug)]
pub struct InMemorySinkNode {
    morsels_per_pipe: Mutex<Vec<Vec<Morsel>>>,
    schema: Arc<Schema>,
    spill_ctx: LeastRecentSpillContext,
}

impl InMemorySinkNode {
    pub fn new(schema: Arc<Schema>, task_metrics: Option<Arc<TaskMetricAggregator>>) -> Self {
        Self {
            morsels_per_pipe: Mutex::default(),
            schema,
            spill_ctx: LeastRecentSpillContext::new("in-memory-sink".into(), task_metrics),
        }
    }

    /// Takes the collected morsels in order, as frames registered in `spill_ctx`. They can be
    /// spilled while `spill_ctx` lives.
    pub fn take_spill_frames(&mut self, spill_ctx: &LeastRecentSpillContext) -> Arc<[SpillFrame]> {
        let morsels_per_pipe = core::mem::take(&mut *self.morsels_per_pipe.get_mut());
        linearize(morsels_per_pipe)
            .into_iter()
            .map(|morsel| {
                let sf = morsel.into_sf();
                spill_ctx.register_no_spill_check(&sf);
                sf
            })
            .collect()
    }
}

impl ComputeNode for InMemorySinkNode {
    fn name(&self) -> &str {
        "in-memory-sink"
    }

    fn update_state(
        &mut self,
        recv: &mut [PortState],
        send: &mut [PortState],
        _state: &StreamingExecutionState,
    ) -> PolarsResult<()> {
        assert!(send.is_empty());
        assert!(recv.len() == 1);

        // We are always ready to receive, unless the sender is done, then we're
        // also done.
        if recv[0] != PortState::Done {
            recv[0] = PortState::Ready;
        }
        Ok(())
    }

    fn memory_usage(&self) -> NodeMemoryUsage {
        NodeMemoryUsage::Accumulating
    }

    fn spawn<'env, 's>(
        &'env mut self,
        scope: &'s TaskScope<'s, 'env>,
        recv_ports: &mut [Option<RecvPort<'_>>],
        send_ports: &mut [Option<SendPort<'_>>],
        _state: &'s StreamingExecutionState,
        join_handles: &mut Vec<JoinHandle<PolarsResult<()>>>,
    ) {
        assert!(recv_ports.len() == 1 && send_ports.is_empty());
        let receivers = recv_ports[0].take().unwrap().parallel();

        for mut recv in receivers {
            let slf = &*self;
            join_handles.push(scope.spawn_task(TaskPriority::High, async move {
                let mut morsels = Vec::new();
                while let Ok(mut morsel) = recv.recv().await {
                    morsel.take_consume_token();
                    slf.spill_ctx.register(morsel.sf()).await;
                    morsels.push(morsel);
                }

                slf.morsels_per_pipe.lock().push(morsels);
                Ok(())
            }));
        }
    }

    fn get_output(&mut self) -> PolarsResult<Option<DataFrame>> {
        let morsels_per_pipe = core::mem::take(&mut *self.morsels_per_pipe.get_mut());
        let spillframes = linearize(morsels_per_pipe);
        if spillframes.is_empty() {
            Ok(Some(DataFrame::empty_with_schema(&self.schema)))
        } else {
            let dfs: Vec<_> = spillframes
                .into_iter()
                .map(|sf| sf.into_df_blocking())
                .collect();
            Ok(Some(accumulate_dataframes_vertical_unchecked(dfs)))
        }
    }
}
