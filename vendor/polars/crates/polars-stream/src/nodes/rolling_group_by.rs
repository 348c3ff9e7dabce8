use std::sync::Arc;

use polars_async::executor::{JoinHandle, TaskPriority, TaskScope};
use polars_async::primitives::wait_group::WaitGroup;
use polars_core::frame::DataFrame;
use polars_core::prelude::{Column, DataType, GroupsType};
use polars_core::schema::Schema;
use polars_defs::time::duration::{Duration, ensure_duration_matches_dtype};
use polars_defs::time::group_by::{ClosedWindow, IndexRange, RollingWindowPlacement};
use polars_error::{PolarsError, PolarsResult, polars_ensure};
use polars_expr::state::ExecutionState;
use polars_ops::series::SeriesMethods;
use polars_time::IndexSpace;
use polars_time::prelude::RollingWindower;
use polars_utils::IdxSize;
use polars_utils::pl_str::PlSmallStr;
use polars_utils::relaxed_cell::RelaxedCell;

use super::ComputeNode;
use crate::DEFAULT_DISTRIBUTOR_BUFFER_SIZE;
use crate::execute::StreamingExecutionState;
use crate::expression::StreamExpr;
use crate::graph::PortState;
use crate::morsel::{Morsel, MorselSeq, SourceToken};
use crate::pipe::{RecvPort, SendPort};
use crate::utils::morsel_distributor::morsel_distributor;

type NextWindows = (Vec<[IdxSize; 2]>, DataFrame, Column);

pub struct RollingGroupBy {
    buf_df: DataFrame,
    /// How many `buf_df` rows did we discard of already?
    buf_df_offset: IdxSize,
    /// Casted index column, which may need to keep around old values.
    buf_index_column: Column,
    /// Uncasted index column.
    buf_key_column: Column,

    seq: MorselSeq,

    slice_offset: IdxSize,
    slice_length: IdxSize,

    index_column: PlSmallStr,
    space: IndexSpace,
    windower: RollingWindower,
    placement: Option<PlacementTracker>,
    aggs: Arc<[(PlSmallStr, StreamExpr)]>,
    seq_offset: Arc<RelaxedCell<u64>>,
}

impl RollingGroupBy {
    #[expect(clippy::too_many_arguments)]
    pub fn new(
        schema: Arc<Schema>,
        index_column: PlSmallStr,
        period: Duration,
        offset: Duration,
        closed: ClosedWindow,
        placement: Option<RollingWindowPlacement>,
        slice: Option<(IdxSize, IdxSize)>,
        aggs: Arc<[(PlSmallStr, StreamExpr)]>,
    ) -> PolarsResult<Self> {
        polars_ensure!(
            !period.is_zero() && !period.negative(),
            ComputeError: "rolling window period should be strictly positive",
        );

        let key_dtype = schema.get(&index_column).unwrap();
        ensure_duration_matches_dtype(period, key_dtype, "period")?;
        ensure_duration_matches_dtype(offset, key_dtype, "offset")?;

        let space = IndexSpace::rolling(key_dtype)?;

        let buf_df = DataFrame::empty_with_arc_schema(schema.clone());
        let buf_key_column = Column::new_empty(index_column.clone(), key_dtype);
        let buf_index_column = Column::new_empty(index_column.clone(), &space.window_dtype());

        let windower =
            RollingWindower::new(period, offset, closed, space.time_unit, space.tz().cloned());

        let (slice_offset, slice_length) = slice.unwrap_or((0, IdxSize::MAX));

        let placement = placement.map(|p| PlacementTracker::new(p, &space.window_dtype()));

        Ok(Self {
            buf_df,
            buf_df_offset: 0,
            buf_index_column,
            buf_key_column,
            seq: MorselSeq::default(),
            slice_offset,
            slice_length,
            index_column,
            space,
            windower,
            placement,
            aggs,
            seq_offset: Arc::default(),
        })
    }

    async fn evaluate_one(
        windows: Vec<[IdxSize; 2]>,
        key: Column,
        aggs: &[(PlSmallStr, StreamExpr)],
        state: &ExecutionState,
        mut df: DataFrame,
    ) -> PolarsResult<DataFrame> {
        assert_eq!(windows.len(), key.len());

        let groups = GroupsType::new_slice(windows, true, true).into_sliceable();

        // @NOTE:
        // Rechunk so we can use specialized rolling kernels.
        //
        // This can be removed if / when the rolling kernels are chunking aware.
        df.rechunk_mut();

        let mut columns = Vec::with_capacity(1 + aggs.len());
        let height = key.len();
        columns.push(key);
        for (name, agg) in aggs.iter() {
            let mut agg = agg.evaluate_on_groups(&df, &groups, state).await?;
            let agg = agg.finalize();
            columns.push(agg.with_name(name.clone()));
        }

        Ok(unsafe { DataFrame::new_unchecked(height, columns) })
    }

    /// Progress the state and get the next available evaluation windows, data and key.
    fn next_windows(&mut self, finalize: bool) -> PolarsResult<Option<NextWindows>> {
        let buf_index_col_dt = self.buf_index_column.datetime()?;
        let mut time = Vec::new();
        time.extend(
            buf_index_col_dt
                .physical()
                .downcast_iter()
                .map(|arr| arr.values().as_slice()),
        );

        let mut windows = Vec::new();
        let num_retired = if finalize {
            self.windower.finalize(&time, &mut windows);
            self.buf_key_column.len() as IdxSize
        } else {
            self.windower.insert(&time, &mut windows)?
        };

        if num_retired == 0 && windows.is_empty() {
            return Ok(None);
        }

        let start_row_offset = self.buf_df_offset;

        self.buf_index_column = self.buf_index_column.slice(num_retired as i64, usize::MAX);
        let new_buf_df = self.buf_df.slice(num_retired as i64, usize::MAX);
        let data = std::mem::replace(&mut self.buf_df, new_buf_df);
        self.buf_df_offset += num_retired;

        if windows.is_empty() {
            return Ok(None);
        }

        let mut key;
        (key, self.buf_key_column) = self.buf_key_column.split_at(windows.len() as i64);
        if let Some(placement) = &mut self.placement {
            if let Some(range) = placement.next_batch_slice(windows.len() as i64)? {
                windows.truncate(range.end);
                windows.drain(..range.start);
                key = key.slice(range.start as i64, range.len());
                if windows.is_empty() {
                    return Ok(None);
                }
            }
        }
        let key = key.slice(self.slice_offset as i64, self.slice_length as usize);

        let offset = windows[0][0];
        let end = windows.last().unwrap();
        let end = end[0] + end[1];

        if self.slice_offset as usize > windows.len() {
            self.slice_offset -= windows.len() as IdxSize;
            windows.clear();
        } else if self.slice_offset > 0 {
            let offset = self.slice_offset as usize;
            self.slice_offset = self.slice_offset.saturating_sub(windows.len() as IdxSize);
            windows.drain(..offset);
        }

        windows.truncate(windows.len().min(self.slice_length as usize));
        self.slice_length -= windows.len() as IdxSize;

        if windows.is_empty() {
            return Ok(None);
        }

        // Prune the data that is not covered by the windows and update the windows accordingly.
        windows.iter_mut().for_each(|[s, _]| *s -= offset);
        let data = data.slice(
            (offset - start_row_offset) as i64,
            (end - start_row_offset) as usize,
        );

        Ok(Some((windows, data, key)))
    }

    fn is_past_range(&self) -> bool {
        self.placement.as_ref().is_some_and(|p| p.is_past_range())
    }
}

impl ComputeNode for RollingGroupBy {
    fn name(&self) -> &str {
        "rolling-group-by"
    }

    fn update_state(
        &mut self,
        recv: &mut [PortState],
        send: &mut [PortState],
        _state: &StreamingExecutionState,
    ) -> PolarsResult<()> {
        assert!(recv.len() == 1 && send.len() == 1);

        if self.slice_length == 0 || self.is_past_range() {
            recv[0] = PortState::Done;
            send[0] = PortState::Done;
            std::mem::take(&mut self.buf_df);
            return Ok(());
        }

        if send[0] == PortState::Done {
            recv[0] = PortState::Done;
            std::mem::take(&mut self.buf_df);
        } else if recv[0] == PortState::Done {
            if self.buf_df.height() == 0 {
                send[0] = PortState::Done;
            } else {
                send[0] = PortState::Ready;
            }
        } else {
            recv.swap_with_slice(send);
        }

        Ok(())
    }

    fn spawn<'env, 's>(
        &'env mut self,
        scope: &'s TaskScope<'s, 'env>,
        recv_ports: &mut [Option<RecvPort<'_>>],
        send_ports: &mut [Option<SendPort<'_>>],
        state: &'s StreamingExecutionState,
        join_handles: &mut Vec<JoinHandle<PolarsResult<()>>>,
    ) {
        assert!(recv_ports.len() == 1 && send_ports.len() == 1);

        let Some(recv) = recv_ports[0].take() else {
            // We no longer have to receive data. Finalize and send all remaining data.
            assert!(self.buf_df.height() > 0);
            assert!(self.slice_length > 0);
            let mut send = send_ports[0].take().unwrap().serial();
            join_handles.push(scope.spawn_task(TaskPriority::High, async move {
                if let Some((windows, df, key)) = self.next_windows(true)? {
                    let df = Self::evaluate_one(
                        windows,
                        key,
                        &self.aggs,
                        &state.in_memory_exec_state,
                        df,
                    )
                    .await?;

                    _ = send
                        .send(Morsel::new_unregistered(
                            df,
                            self.seq.successor().offset_by_u64(self.seq_offset.load()),
                            SourceToken::new(),
                        ))
                        .await;
                }

                self.buf_df = self.buf_df.clear();
                self.buf_key_column = self.buf_key_column.clear();
                self.buf_index_column = self.buf_index_column.clear();
                if let Some(placement) = &mut self.placement {
                    placement.clear_indices();
                }

                Ok(())
            }));
            return;
        };

        let mut recv = recv.serial();
        let send = send_ports[0].take().unwrap().parallel();

        let (mut distributor, rxs) = morsel_distributor(
            send.len(),
            *DEFAULT_DISTRIBUTOR_BUFFER_SIZE,
            self.seq_offset.clone(),
        );

        // Worker tasks.
        //
        // These evaluate the aggregations.
        join_handles.extend(rxs.into_iter().zip(send).map(|(mut rx, mut tx)| {
            let wg = WaitGroup::default();
            let aggs = self.aggs.clone();
            let state = state.in_memory_exec_state.split();
            scope.spawn_task(TaskPriority::High, async move {
                while let Ok((mut morsel, (key, windows))) = rx.recv().await {
                    morsel = morsel
                        .async_try_map::<PolarsError, _, _>(async |df| {
                            Self::evaluate_one(windows, key, &aggs, &state, df).await
                        })
                        .await?;
                    morsel.set_consume_token(wg.token());

                    if tx.send(morsel).await.is_err() {
                        break;
                    }
                    wg.wait().await;
                }

                Ok(())
            })
        }));

        // Distributor task.
        //
        // This finds boundaries to distribute to worker threads over.
        join_handles.push(scope.spawn_task(TaskPriority::High, async move {
            let mut prev_max = None;
            while let Ok(morsel) = recv.recv().await
                && self.slice_length > 0
                && !self.is_past_range()
            {
                let (sf, seq, source_token, wait_token) = morsel.into_inner();
                let df = sf.into_df().await;
                self.seq = seq;
                drop(wait_token);

                if df.height() == 0 {
                    continue;
                }

                let morsel_index_column = df.column(&self.index_column)?;
                polars_ensure!(
                    morsel_index_column.null_count() == 0,
                    ComputeError: "null values in `rolling` not supported, fill nulls."
                );
                morsel_index_column
                    .as_materialized_series()
                    .ensure_sorted_arg("rolling")?;
                if let Some(prev_max) = prev_max {
                    polars_ensure!(prev_max <= morsel_index_column.get(0)?,
                        InvalidOperation: "argument in operation 'rolling' is not sorted, please sort the 'expr/series/column' first");
                }
                prev_max = Some(
                    morsel_index_column
                        .get(morsel_index_column.len() - 1)?
                        .into_static(),
                );
                self.buf_key_column.append(morsel_index_column)?;
                let index_column = self.space.cast_to_space(morsel_index_column)?;
                if let Some(placement) = &mut self.placement {
                    placement.append_indices(&index_column)?;
                }
                self.buf_index_column.append(&index_column)?;
                self.buf_df.vstack_mut_owned(df)?;

                if let Some((windows, df, key)) = self.next_windows(false)? {
                    if distributor
                        .send((
                            Morsel::new_unregistered(df, seq, source_token),
                            (key, windows),
                        ))
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
            }

            Ok(())
        }));
    }
}

/// A tracker of windows to output.
struct PlacementTracker {
    /// The range of indices to output.
    valid_index_range: IndexRange,
    /// The index column in the window space, appended in lockstep with the key column.
    /// `buf_index_column` retires values at a different pace, hence a second column.
    index_buf: Column,
    is_past_range: bool,
}

impl PlacementTracker {
    pub fn new(placement: RollingWindowPlacement, window_dtype: &DataType) -> Self {
        Self {
            valid_index_range: placement.owned_range,
            index_buf: Column::new_empty(PlSmallStr::EMPTY, window_dtype),
            is_past_range: false,
        }
    }

    pub fn append_indices(&mut self, index_column: &Column) -> PolarsResult<()> {
        self.index_buf.append(index_column).map(drop)
    }

    pub fn clear_indices(&mut self) {
        self.index_buf = self.index_buf.clear();
    }

    /// Removes the indices for the batch from the internal buffer. Returns a range to slice the
    /// batch by, or None if no slicing is needed.
    pub fn next_batch_slice(&mut self, count: i64) -> PolarsResult<Option<std::ops::Range<usize>>> {
        let key_space;
        (key_space, self.index_buf) = self.index_buf.split_at(count);
        let values = key_space.datetime()?.physical();
        // The key is sorted, so the owned rows are one contiguous range. Most batches lie
        // fully inside it and pass through untouched.
        let first = values.first().unwrap();
        let last = values.last().unwrap();
        let range = self.valid_index_range;
        if range.is_past(last) {
            self.is_past_range = true;
        }
        let out = if !(range.contains(first) && range.contains(last)) {
            let values = values.rechunk();
            let range = range.row_range(values.cont_slice()?);
            Some(range)
        } else {
            None
        };

        Ok(out)
    }

    pub fn is_past_range(&self) -> bool {
        self.is_past_range
    }
}
