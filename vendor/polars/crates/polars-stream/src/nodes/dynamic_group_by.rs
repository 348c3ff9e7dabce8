use std::sync::Arc;

use polars_async::executor::{JoinHandle, TaskPriority, TaskScope};
use polars_async::primitives::wait_group::WaitGroup;
use polars_core::frame::DataFrame;
use polars_core::prelude::{
    Column, GroupsType, Int64Chunked, IntoColumn, slice_groups_are_monotonic,
};
use polars_core::schema::Schema;
use polars_core::series::IsSorted;
use polars_defs::time::duration::ensure_duration_matches_dtype;
use polars_defs::time::group_by::{DynamicGroupOptionsIR, Label};
use polars_error::{PolarsError, PolarsResult, polars_ensure};
use polars_expr::state::ExecutionState;
use polars_time::prelude::GroupByDynamicWindower;
use polars_time::{IndexSpace, LB_NAME, UB_NAME};
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

type NextWindows = (Vec<[IdxSize; 2]>, Vec<i64>, Vec<i64>, DataFrame);

pub struct DynamicGroupBy {
    buf_df: DataFrame,
    /// How many `buf_df` rows did we discard of already?
    buf_df_offset: IdxSize,
    buf_index_column: Column,

    seq: MorselSeq,

    slice_offset: IdxSize,
    slice_length: IdxSize,

    group_by: Option<PlSmallStr>,
    index_column: PlSmallStr,
    index_column_idx: usize,
    label: Label,
    include_boundaries: bool,
    space: IndexSpace,
    windower: GroupByDynamicWindower,
    aggs: Arc<[(PlSmallStr, StreamExpr)]>,
    seq_offset: Arc<RelaxedCell<u64>>,
}
impl DynamicGroupBy {
    pub fn new(
        schema: Arc<Schema>,
        options: DynamicGroupOptionsIR,
        aggs: Arc<[(PlSmallStr, StreamExpr)]>,
        slice: Option<(IdxSize, IdxSize)>,
    ) -> PolarsResult<Self> {
        let DynamicGroupOptionsIR {
            index_column,
            every,
            period,
            offset,
            label,
            include_boundaries,
            closed_window,
            start_by,
            placement,
        } = options;

        polars_ensure!(!every.negative(), ComputeError: "'every' argument must be positive");

        let (index_column_idx, _, index_dtype) = schema.get_full(&index_column).unwrap();
        ensure_duration_matches_dtype(every, index_dtype, "every")?;
        ensure_duration_matches_dtype(period, index_dtype, "period")?;
        ensure_duration_matches_dtype(offset, index_dtype, "offset")?;

        let space = IndexSpace::dynamic(index_dtype)?;

        let buf_df = DataFrame::empty_with_arc_schema(schema.clone());
        let buf_index_column = Column::new_empty(index_column.clone(), &space.window_dtype());

        let windower = GroupByDynamicWindower::new(
            period,
            offset,
            every,
            start_by,
            closed_window,
            space.time_unit,
            space.tz().cloned(),
            include_boundaries || matches!(label, Label::Left),
            include_boundaries || matches!(label, Label::Right),
            placement,
        );

        let (slice_offset, slice_length) = slice.unwrap_or((0, IdxSize::MAX));

        Ok(Self {
            buf_df,

            buf_df_offset: 0,
            buf_index_column,
            seq: MorselSeq::default(),

            slice_offset,
            slice_length,

            group_by: None,
            index_column,
            index_column_idx,
            label,
            include_boundaries,
            space,
            windower,
            aggs,
            seq_offset: Arc::default(),
        })
    }

    #[expect(clippy::too_many_arguments)]
    async fn evaluate_one(
        windows: Vec<[IdxSize; 2]>,
        lower_bound: Vec<i64>,
        upper_bound: Vec<i64>,
        aggs: &[(PlSmallStr, StreamExpr)],
        state: &ExecutionState,
        mut df: DataFrame,

        group_by: Option<&str>,
        index_column_name: &str,
        index_column_idx: usize,
        space: &IndexSpace,
        label: Label,
        include_boundaries: bool,
    ) -> PolarsResult<DataFrame> {
        let height = windows.len();
        // Window ends are not necessarily non-decreasing (month clamping, DST).
        let monotonic = slice_groups_are_monotonic(&windows);
        let groups = GroupsType::new_slice(windows, true, monotonic).into_sliceable();

        // @NOTE:
        // Rechunk so we can use specialized rolling/dynamic kernels.
        df.rechunk_mut();

        let mut columns =
            Vec::with_capacity(if include_boundaries { 2 } else { 0 } + 1 + aggs.len());

        // Construct `lower_bound`, `upper_bound` and `key` columns that might be included in the
        // output dataframe.
        {
            let mut lower = Int64Chunked::new_vec(PlSmallStr::from_static(LB_NAME), lower_bound);
            let mut upper = Int64Chunked::new_vec(PlSmallStr::from_static(UB_NAME), upper_bound);
            if group_by.is_none() {
                lower.set_sorted_flag(IsSorted::Ascending);
                upper.set_sorted_flag(IsSorted::Ascending);
            }
            let window_dtype = space.window_dtype();
            let mut lower = lower.into_column().cast(&window_dtype)?;
            let mut upper = upper.into_column().cast(&window_dtype)?;

            let index_column = &df.columns()[index_column_idx];
            let key = match label {
                Label::DataPoint => unsafe { index_column.agg_first(&groups) },
                Label::Left => space
                    .cast_from_space(&lower)?
                    .with_name(index_column_name.into()),
                Label::Right => space
                    .cast_from_space(&upper)?
                    .with_name(index_column_name.into()),
            };
            lower = space.cast_to_boundary(&lower)?;
            upper = space.cast_to_boundary(&upper)?;

            if include_boundaries {
                columns.extend([lower, upper]);
            }
            columns.push(key);
        }

        for (name, agg) in aggs.iter() {
            let mut agg = agg.evaluate_on_groups(&df, &groups, state).await?;
            let agg = agg.finalize();
            columns.push(agg.with_name(name.clone()));
        }

        Ok(unsafe { DataFrame::new_unchecked(height, columns) })
    }

    /// Progress the state and get the next available evaluation windows, data and key.
    fn next_windows(&mut self, finalize: bool) -> PolarsResult<Option<NextWindows>> {
        let mut windows = Vec::new();
        let mut lower_bound = Vec::new();
        let mut upper_bound = Vec::new();

        let num_retired = if finalize {
            self.windower
                .finalize(&mut windows, &mut lower_bound, &mut upper_bound);
            self.buf_df.height() as IdxSize
        } else {
            let mut offset = self.windower.num_seen() - self.buf_df_offset;
            let ca = self.buf_index_column.datetime()?;
            for arr in ca.physical().downcast_iter() {
                let arr_len = arr.len() as IdxSize;
                if offset >= arr_len {
                    offset -= arr_len;
                    continue;
                }

                self.windower.insert(
                    &arr.values().as_slice()[offset as usize..],
                    &mut windows,
                    &mut lower_bound,
                    &mut upper_bound,
                )?;
                offset = offset.saturating_sub(arr_len);
            }
            self.windower.lowest_needed_index() - self.buf_df_offset
        };

        if windows.is_empty() {
            if num_retired > 0 {
                self.buf_df = self.buf_df.slice(num_retired as i64, usize::MAX);
                self.buf_index_column = self.buf_index_column.slice(num_retired as i64, usize::MAX);
                self.buf_df_offset += num_retired;
            }

            return Ok(None);
        }

        // Prune the data that is not covered by the windows and update the windows accordingly.
        // Window starts are non-decreasing, but their ends are not: a window opened later
        // can end earlier (month clamping, DST), so take the max rather than the last.
        let offset = windows[0][0];
        let end = windows.iter().map(|[s, len]| s + len).max().unwrap();

        if self.slice_offset as usize > windows.len() {
            self.slice_offset -= windows.len() as IdxSize;
            windows.clear();
            lower_bound.clear();
            upper_bound.clear();
        } else if self.slice_offset > 0 {
            let offset = self.slice_offset as usize;
            self.slice_offset = self.slice_offset.saturating_sub(windows.len() as IdxSize);
            windows.drain(..offset);
            lower_bound.drain(..offset.min(lower_bound.len()));
            upper_bound.drain(..offset.min(upper_bound.len()));
        }

        let trunc_length = windows.len().min(self.slice_length as usize);
        windows.truncate(trunc_length);
        lower_bound.truncate(trunc_length);
        upper_bound.truncate(trunc_length);
        self.slice_length -= windows.len() as IdxSize;

        windows.iter_mut().for_each(|[s, _]| *s -= offset);
        let data = self.buf_df.slice(
            (offset - self.buf_df_offset) as i64,
            (end - self.buf_df_offset) as usize,
        );

        self.buf_df = self.buf_df.slice(num_retired as i64, usize::MAX);
        self.buf_index_column = self.buf_index_column.slice(num_retired as i64, usize::MAX);
        self.buf_df_offset += num_retired;

        if windows.is_empty() {
            return Ok(None);
        }

        Ok(Some((windows, lower_bound, upper_bound, data)))
    }
}

impl ComputeNode for DynamicGroupBy {
    fn name(&self) -> &str {
        "dynamic-group-by"
    }

    fn update_state(
        &mut self,
        recv: &mut [PortState],
        send: &mut [PortState],
        _state: &StreamingExecutionState,
    ) -> PolarsResult<()> {
        assert!(recv.len() == 1 && send.len() == 1);

        if self.slice_length == 0 || self.windower.is_done() {
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
                if let Some((windows, lower_bound, upper_bound, df)) = self.next_windows(true)? {
                    let df = Self::evaluate_one(
                        windows,
                        lower_bound,
                        upper_bound,
                        &self.aggs,
                        &state.in_memory_exec_state,
                        df,
                        self.group_by.as_deref(),
                        self.index_column.as_str(),
                        self.index_column_idx,
                        &self.space,
                        self.label,
                        self.include_boundaries,
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

            let group_by = self.group_by.clone();
            let index_column = self.index_column.clone();
            let index_column_idx = self.index_column_idx;
            let space = self.space.clone();
            let label = self.label;
            let include_boundaries = self.include_boundaries;

            scope.spawn_task(TaskPriority::High, async move {
                while let Ok((mut morsel, (windows, lower_bound, upper_bound))) = rx.recv().await {
                    morsel = morsel
                        .async_try_map::<PolarsError, _, _>(async |df| {
                            Self::evaluate_one(
                                windows,
                                lower_bound,
                                upper_bound,
                                &aggs,
                                &state,
                                df,
                                group_by.as_deref(),
                                index_column.as_str(),
                                index_column_idx,
                                &space,
                                label,
                                include_boundaries,
                            )
                            .await
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
            while let Ok(morsel) = recv.recv().await
                && self.slice_length > 0
                && !self.windower.is_done()
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
                    ComputeError: "null values in `group_by_dynamic` not supported, fill nulls."
                );

                let morsel_index_column = self.space.cast_to_space(morsel_index_column)?;

                self.buf_df.vstack_mut_owned(df)?;
                self.buf_index_column.append_owned(morsel_index_column)?;

                if let Some((windows, lower_bound, upper_bound, df)) = self.next_windows(false)? {
                    if distributor
                        .send((
                            Morsel::new_unregistered(df, seq, source_token),
                            (windows, lower_bound, upper_bound),
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
