use std::collections::VecDeque;
use std::sync::Arc;

use polars_async::executor::TaskMetricAggregator;
use polars_async::primitives::wait_group::WaitGroup;
use polars_ooc::{LeastRecentSpillContext, ParameterFreeSpillContext, SpillFrame};

use super::compute_node_prelude::*;
use crate::morsel::SourceToken;

enum ReverseState {
    Buffering(Buffer),
    Emitting { buffer: Buffer, seq: MorselSeq },
    Done,
}

#[derive(Default)]
struct Buffer {
    frames: VecDeque<SpillFrame>,
    total_len: usize,
}

pub struct ReverseNode {
    state: ReverseState,
    /// Frames are emitted back-to-front, so it's best to spill the ones we received first
    spill_ctx: LeastRecentSpillContext,
}

impl ReverseNode {
    pub fn new(task_metrics: Option<Arc<TaskMetricAggregator>>) -> ReverseNode {
        ReverseNode {
            state: ReverseState::Buffering(Buffer::default()),
            spill_ctx: LeastRecentSpillContext::new("reverse".into(), task_metrics),
        }
    }
}

impl ComputeNode for ReverseNode {
    fn name(&self) -> &str {
        "reverse"
    }

    fn memory_usage(&self) -> NodeMemoryUsage {
        match &self.state {
            ReverseState::Buffering(..) => NodeMemoryUsage::Accumulating,
            ReverseState::Emitting { .. } => NodeMemoryUsage::Draining,
            ReverseState::Done => NodeMemoryUsage::Bounded,
        }
    }

    fn update_state(
        &mut self,
        recv: &mut [PortState],
        send: &mut [PortState],
        _state: &StreamingExecutionState,
    ) -> PolarsResult<()> {
        // Stop streaming if downstream says it is done.
        if send[0] == PortState::Done {
            self.state = ReverseState::Done;
        }

        if recv[0] == PortState::Done
            && let ReverseState::Buffering(buffer) = &mut self.state
        {
            // Stop buffering and become a source.
            // If it is empty it is handled further down.
            self.state = ReverseState::Emitting {
                buffer: core::mem::take(buffer),
                seq: MorselSeq::default(),
            };
        }

        if let ReverseState::Emitting { buffer, .. } = &mut self.state
            && buffer.total_len == 0
        {
            self.state = ReverseState::Done
        }

        match &mut self.state {
            ReverseState::Buffering(_) => {
                recv[0] = PortState::Ready;
                send[0] = PortState::Blocked;
            },

            ReverseState::Emitting { .. } => {
                recv[0] = PortState::Done;
                send[0] = PortState::Ready
            },

            ReverseState::Done => {
                recv[0] = PortState::Done;
                send[0] = PortState::Done;
            },
        }

        Ok(())
    }

    fn spawn<'env, 's>(
        &'env mut self,
        scope: &'s TaskScope<'s, 'env>,
        recv_ports: &mut [Option<RecvPort<'_>>],
        send_ports: &mut [Option<SendPort<'_>>],
        _state: &'s StreamingExecutionState,
        join_handles: &mut Vec<JoinHandle<PolarsResult<()>>>,
    ) {
        assert!(recv_ports.len() == 1 && send_ports.len() == 1);
        match &mut self.state {
            ReverseState::Buffering(buffer) => {
                let mut recv = recv_ports[0].take().unwrap().serial();
                assert!(send_ports[0].is_none());
                let spill_ctx = self.spill_ctx.clone();
                join_handles.push(scope.spawn_task(TaskPriority::High, async move {
                    while let Ok(morsel) = recv.recv().await {
                        buffer.total_len += morsel.height();
                        let sf = morsel.into_sf();
                        spill_ctx.register(&sf).await;
                        buffer.frames.push_back(sf);
                    }
                    Ok(())
                }));
            },

            ReverseState::Emitting { buffer, seq } => {
                assert!(recv_ports[0].is_none());
                let mut sender = send_ports[0].take().unwrap().serial();

                join_handles.push(scope.spawn_task(TaskPriority::Low, async move {
                    let source_token = SourceToken::new();
                    let wait_group = WaitGroup::default();
                    while let Some(sf) = buffer.frames.pop_back() {
                        buffer.total_len -= sf.height();
                        let df = sf.into_df().await.reverse();
                        let mut morsel = Morsel::new_unregistered(df, *seq, source_token.clone());
                        *seq = seq.successor();
                        morsel.set_consume_token(wait_group.token());

                        if sender.send(morsel).await.is_err() {
                            break;
                        }
                        wait_group.wait().await;
                        if source_token.stop_requested() {
                            break;
                        }
                    }
                    Ok(())
                }));
            },

            ReverseState::Done => unreachable!(),
        }
    }
}
