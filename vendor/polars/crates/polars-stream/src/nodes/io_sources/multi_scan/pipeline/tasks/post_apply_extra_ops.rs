use std::sync::Arc;

use polars_async::executor::{self, AbortOnDropHandle, TaskMetricAggregator, TaskPriority};
use polars_async::primitives::distributor_channel::distributor_channel;
use polars_error::PolarsResult;
use polars_utils::relaxed_cell::RelaxedCell;
use polars_utils::row_counter::RowCounter;
use polars_utils::slice_enum::Slice;

use crate::morsel::{Morsel, MorselLinearizer};
use crate::nodes::io_sources::multi_scan::components::apply_extra_ops::ApplyExtraOps;
use crate::nodes::io_sources::multi_scan::reader_interface::output::FileReaderOutputRecv;

pub struct PostApplyExtraOps {
    pub reader_output_port: FileReaderOutputRecv,
    pub ops_applier: Arc<ApplyExtraOps>,
    /// We have this because initialization of `ops_applier` causes `reader_output_port` to have the
    /// first morsel consumed.
    pub first_morsel: Morsel,
    pub first_morsel_position: RowCounter,
    pub num_pipelines: usize,
    pub max_concurrent_scans: usize,
    pub task_metrics: Option<Arc<TaskMetricAggregator>>,
}

impl PostApplyExtraOps {
    pub fn run(self) -> (MorselLinearizer, AbortOnDropHandle<PolarsResult<()>>) {
        let PostApplyExtraOps {
            mut reader_output_port,
            ops_applier,
            first_morsel,
            first_morsel_position,
            num_pipelines,
            max_concurrent_scans,
            task_metrics,
        } = self;
        let metrics = task_metrics.as_deref();

        let verbose = polars_core::config::verbose();
        let rows_before = Arc::new(RelaxedCell::new_u64(0));
        let rows_after = Arc::new(RelaxedCell::new_u64(0));

        // Avoid O(n^2) memory for concurrent scans, with n being the number of threads.
        let stage_pipelines = num_pipelines.div_ceil(max_concurrent_scans).max(1);
        let (mut distr_tx, distr_receivers) = distributor_channel(stage_pipelines, 1);

        // Distributor
        {
            let ops_applier = ops_applier.clone();
            executor::spawn(TaskPriority::Low, metrics, async move {
                // Position tracking
                let mut row_counter: RowCounter = first_morsel_position;

                let mut morsel = first_morsel;

                // Should only run the pipeline if we have an operation we need to apply.
                let ApplyExtraOps::Initialized {
                    physical_pre_slice,
                    external_filter_mask,
                    ..
                } = ops_applier.as_ref()
                else {
                    unreachable!();
                };

                assert!(
                    physical_pre_slice
                        .as_ref()
                        .is_none_or(|x| matches!(x, Slice::Positive { .. }))
                );

                loop {
                    let row_count_this_morsel = {
                        let physical_rows = morsel.height();
                        // # Multiple cases
                        // * If row deletions are being done in post-apply, we'll have the deleted row count here.
                        // * If row deletions were pushed to the reader, `external_filter_mask` here is `None`, so we'll
                        //   have 0 deleted rows in the `deleted_rows` counter.
                        //   * Instead, `physical_rows` will be a counter that has the `deleted_rows` count subtracted
                        //     from it (because we are taking the height of the morsels after the rows are deleted).
                        let deleted_rows = external_filter_mask.as_ref().map_or(0, |mask| {
                            let Slice::Positive { offset, len } = Slice::Positive {
                                offset: row_counter.num_physical_rows(),
                                len: morsel.height(),
                            }
                            .restrict_to_bounds(mask.len()) else {
                                unreachable!()
                            };

                            mask.slice(offset, len).num_deleted_rows()
                        });

                        RowCounter::new(physical_rows, deleted_rows)
                    };

                    // We hit this if a reader does not support PRE_SLICE.
                    if physical_pre_slice
                        .clone()
                        .is_some_and(|x| x.offsetted(row_counter.num_physical_rows()).len() == 0)
                    {
                        // Note: We do not return any flag indicating that we have reached end of slice
                        // from this context. The read should be stopped on a higher level by using
                        // the `row_position_on_end_tx` callback from the reader.
                        break;
                    }

                    if distr_tx.send((morsel, row_counter)).await.is_err() {
                        break;
                    }

                    row_counter = row_counter.add(row_count_this_morsel);

                    let Ok(v) = reader_output_port.recv().await else {
                        break;
                    };

                    morsel = v;
                }
            })
        };

        let (rx, senders) = MorselLinearizer::new(stage_pipelines, 4);

        let worker_handles = distr_receivers
            .into_iter()
            .zip(senders)
            .map(|(mut morsel_rx, mut morsel_tx)| {
                let ops_applier = ops_applier.clone();
                let rows_before = rows_before.clone();
                let rows_after = rows_after.clone();

                AbortOnDropHandle::new(executor::spawn(TaskPriority::Low, metrics, async move {
                    while let Ok((mut morsel, row_offset)) = morsel_rx.recv().await {
                        rows_before.fetch_add(morsel.height() as u64);
                        let mut df = morsel.df_mut().await;
                        ops_applier.apply_to_df(&mut df, row_offset)?;
                        drop(df);
                        rows_after.fetch_add(morsel.height() as u64);
                        if morsel_tx.insert(morsel).await.is_err() {
                            break;
                        }
                    }

                    PolarsResult::Ok(())
                }))
            })
            .collect::<Vec<_>>();

        let handle = executor::spawn(TaskPriority::Low, metrics, async move {
            for handle in worker_handles {
                handle.await?;
            }

            //@TODO: known issue: we never get here when the returned df is empty
            if verbose {
                eprintln!(
                    "[PostApplyExtraOps]: rows_before: {}, rows_after: {}",
                    rows_before.load(),
                    rows_after.load(),
                );
            }

            Ok(())
        });

        (rx, AbortOnDropHandle::new(handle))
    }
}
