pub mod builder;
mod chunk_reader;
mod line_batch_source;

use std::io::Cursor;
use std::iter::Iterator;
use std::num::NonZeroUsize;
use std::sync::Arc;

use async_trait::async_trait;
use chunk_reader::ChunkReader;
use futures::FutureExt;
use line_batch_source::{LineBatch, LineBatchSource};
use polars_async::executor::{AbortOnDropHandle, TaskMetricAggregator, spawn};
use polars_async::primitives::distributor_channel::distributor_channel;
use polars_async::primitives::oneshot_channel;
use polars_core::runtime::ASYNC;
use polars_error::{PolarsResult, polars_err};
use polars_io::cloud::CloudOptions;
use polars_io::metrics::OptIOMetrics;
use polars_io::prelude::_csv_read_internal::CountLines;
use polars_io::prelude::CsvReadOptions;
use polars_io::prelude::streaming::read_until_start_and_infer_schema;
use polars_io::utils::byte_source::{DynByteSource, DynByteSourceBuilder};
use polars_io::utils::compression::ByteSourceReader;
use polars_io::utils::stream_buf_reader::{ReaderSource, StreamBufReader};
use polars_plan::dsl::{ExtraColumnsPolicy, MissingColumnsPolicy, ScanSource};
use polars_utils::IdxSize;
use polars_utils::mem::prefetch::get_memory_prefetch_func;
use polars_utils::slice_enum::Slice;

use super::multi_scan::reader_interface::output::FileReaderOutputRecv;
use super::multi_scan::reader_interface::{BeginReadArgs, FileReader, FileReaderCallbacks};
use super::shared::chunk_data_fetch::ChunkDataFetcher;
use super::shared::file_init::{ChunkPrefetchSync, InitializedState};
use crate::DEFAULT_DISTRIBUTOR_BUFFER_SIZE;
use crate::morsel::SourceToken;
use crate::nodes::TaskPriority;
use crate::nodes::compute_node_prelude::*;
use crate::nodes::io_sources::multi_scan::reader_interface::Projection;
use crate::nodes::io_sources::multi_scan::reader_interface::output::FileReaderOutputSend;
use crate::utils::tokio_handle_ext;

/// Read all rows in the chunk
const NO_SLICE: (usize, usize) = (0, usize::MAX);
/// This is used if we finish the slice but still need a row count. It signals to the workers to
/// go into line-counting mode where they can skip parsing the chunks.
const SLICE_ENDED: (usize, usize) = (usize::MAX, 0);

struct CsvFileReader {
    scan_source: ScanSource,
    cloud_options: Option<Arc<CloudOptions>>,
    options: Arc<CsvReadOptions>,
    verbose: bool,
    pub byte_source_builder: DynByteSourceBuilder,
    pub chunk_prefetch_sync: ChunkPrefetchSync,
    pub init_data: Option<InitializedState>,
    pub io_metrics: OptIOMetrics,
    pub task_metrics: Option<Arc<TaskMetricAggregator>>,
}

#[async_trait]
impl FileReader for CsvFileReader {
    async fn initialize(&mut self) -> PolarsResult<()> {
        if self.init_data.is_some() {
            return Ok(());
        }

        self.init_data = Some(
            InitializedState::initialize(
                self.scan_source.clone(),
                self.byte_source_builder.clone(),
                self.cloud_options.clone(),
                self.io_metrics.clone(),
            )
            .await?,
        );

        Ok(())
    }

    fn prepare_read(&mut self) -> PolarsResult<()> {
        self.chunk_prefetch_sync
            .prepare_read(self.init_data.as_ref().unwrap());
        Ok(())
    }

    fn local_read_size(&self) -> Option<usize> {
        self.init_data.as_ref()?.local_read_size()
    }

    fn begin_read(
        &mut self,
        args: BeginReadArgs,
    ) -> PolarsResult<(FileReaderOutputRecv, JoinHandle<PolarsResult<()>>)> {
        let verbose = self.verbose;

        // Initialize.
        let InitializedState {
            file_size,
            compression,
            byte_source,
            prefix,
        } = self.init_data.clone().unwrap();

        let BeginReadArgs {
            projection: Projection::Plain(projected_schema),
            // Because we currently only support PRE_SLICE we don't need to handle row index here.
            row_index,
            pre_slice,
            predicate: None,
            cast_columns_policy: _,
            extra_columns_policy,
            missing_columns_policy,
            num_pipelines,
            disable_morsel_split: _,
            maintain_order: _,
            last_morsel_pipelines: _,
            callbacks:
                FileReaderCallbacks {
                    file_schema_tx,
                    n_rows_in_file_tx,
                    row_position_on_end_tx,
                },
        } = args
        else {
            panic!("unsupported args: {:?}", args)
        };

        assert!(row_index.is_none()); // Handled outside the reader for now.

        match &pre_slice {
            Some(Slice::Negative { .. }) => unimplemented!(),

            // We don't account for comments when slicing lines. We should never hit this panic -
            // the FileReaderBuilder does not indicate PRE_SLICE support when we have a comment
            // prefix.
            Some(pre_slice)
                if self.options.parse_options.comment_prefix.is_some() && pre_slice.len() > 0 =>
            {
                panic!("{pre_slice:?}")
            },

            _ => {},
        }

        // There are two byte sourcing strategies `ReaderSource`: (a) async parallel prefetch using a
        // streaming pipeline, or (b) an in-memory buffer, only to be used for uncompressed data
        // that is memory-mapped (local files) or fully fetched during initialization (small cloud
        // files).
        // The `compressed_reader` (of type `ByteSourceReader`) abstracts these source types.
        // The `use_async_prefetch` flag controls the optional pipeline startup behavior.
        let use_async_prefetch = self.init_data.as_ref().unwrap().uses_async_prefetch();

        const ASSUMED_COMPRESSION_RATIO: usize = 4;
        let decompressed_file_size_hint = match compression {
            None => Some(file_size),
            Some(_) => Some(file_size * ASSUMED_COMPRESSION_RATIO),
        };

        // Unify the two source options (uncompressed in-memory buffer, or streaming async with
        // transparent decompression), into one unified reader source.
        let reader_source = if use_async_prefetch {
            // Prepare parameters for Prefetch task.
            // TODO REFACTOR: use get_streaming_chunk_size(),
            const DEFAULT_CSV_CHUNK_SIZE: usize = 32 * 1024 * 1024;
            let memory_prefetch_func = get_memory_prefetch_func(verbose);
            let chunk_size = std::env::var("POLARS_CSV_CHUNK_SIZE")
                .map(|x| {
                    x.parse::<NonZeroUsize>()
                        .unwrap_or_else(|_| panic!("invalid value for POLARS_CSV_CHUNK_SIZE: {x}"))
                        .get()
                })
                .unwrap_or(DEFAULT_CSV_CHUNK_SIZE);

            let prefetch_limit = self
                .chunk_prefetch_sync
                .prefetch_limit
                .min(file_size.div_ceil(chunk_size))
                .max(1);

            let (prefetch_send, prefetch_recv) = tokio::sync::mpsc::channel(prefetch_limit);

            // Task: Prefetch.
            // Initiate parallel downloads of raw chunks.
            let byte_source = byte_source.clone();
            let prefetch_task = {
                let prefetch_semaphore = Arc::clone(&self.chunk_prefetch_sync.prefetch_semaphore);
                let prefetch_prev_all_spawned =
                    Option::take(&mut self.chunk_prefetch_sync.prev_all_spawned);
                let prefetch_current_all_spawned =
                    Option::take(&mut self.chunk_prefetch_sync.current_all_spawned);

                tokio_handle_ext::AbortOnDropHandle(ASYNC.spawn(async move {
                    let mut chunk_data_fetcher = ChunkDataFetcher {
                        memory_prefetch_func,
                        byte_source,
                        file_size,
                        chunk_size,
                        prefix,
                        prefetch_send,
                        prefetch_semaphore,
                        prefetch_current_all_spawned,
                    };

                    if let Some(prefetch_prev_all_spawned) = prefetch_prev_all_spawned {
                        prefetch_prev_all_spawned.wait().await;
                    }

                    chunk_data_fetcher.run().await?;

                    Ok(())
                }))
            };

            let stream_buf_reader = StreamBufReader::new(prefetch_recv, prefetch_task);
            ReaderSource::Streaming(stream_buf_reader)
        } else {
            let DynByteSource::Buffer(buffer) = byte_source.as_ref() else {
                unreachable!()
            };

            ReaderSource::Memory(Cursor::new(buffer.0.clone()))
        };

        let options = self.options.clone();
        let needs_full_row_count = n_rows_in_file_tx.is_some();
        let concurrency_strategy = self.byte_source_builder.concurrency_strategy().cloned();
        let chunk_size = self.byte_source_builder.chunk_size();

        // Create all channels.
        let (infer_schema_tx, infer_schema_rx) = oneshot_channel::channel();
        let (chunk_reader_tx, chunk_reader_rx) =
            tokio::sync::oneshot::channel::<PolarsResult<Arc<ChunkReader>>>();
        let chunk_reader_shared = chunk_reader_rx.shared();
        let (line_batch_tx, line_batch_receivers) =
            distributor_channel(num_pipelines, *DEFAULT_DISTRIBUTOR_BUFFER_SIZE);
        let (morsel_senders, rx) = FileReaderOutputSend::new_parallel(num_pipelines);

        // Task: Pre-read and infer schema.
        // Because StreamBufReader uses `blocking_recv`, this runs on tokio's elastic blocking pool.
        let infer_schema_handle =
            tokio_handle_ext::AbortOnDropHandle(ASYNC.spawn_blocking(move || {
                let mut reader = match reader_source {
                    // Zero-copy fast-path for uncompressed in-memory data.
                    ReaderSource::Memory(cursor) => {
                        ByteSourceReader::from_memory(cursor.into_inner())?
                    },
                    reader_source => ByteSourceReader::try_new(reader_source, compression)?,
                };
                let result = read_until_start_and_infer_schema(
                    &options,
                    Some(projected_schema.clone()),
                    extra_columns_policy == ExtraColumnsPolicy::Ignore,
                    missing_columns_policy == MissingColumnsPolicy::Insert,
                    decompressed_file_size_hint,
                    None,
                    &mut reader,
                )
                .map(|(inferred_schema, base_leftover)| {
                    (
                        inferred_schema,
                        base_leftover,
                        reader,
                        options,
                        projected_schema,
                    )
                });
                _ = infer_schema_tx.send(result);
                PolarsResult::Ok(())
            }));

        let task_metrics = self.task_metrics.as_deref();
        let line_batch_task_metrics = self.task_metrics.clone();

        // Task: Line batch source.
        // Create and send newline-aligned batches. Create chunk_reader for decoder.
        let line_batch_source_handle =
            AbortOnDropHandle::new(spawn(TaskPriority::Low, task_metrics, async move {
                let pre_read_result = infer_schema_rx.recv().await.map_err(
                    |_| polars_err!(ComputeError: "CSV pre-read task panicked or was dropped"),
                )?;

                let (inferred_schema, base_leftover, reader, options, projected_schema) =
                    match pre_read_result {
                        Ok(v) => v,
                        Err(e) => {
                            _ = chunk_reader_tx.send(Err(e.clone()));
                            return Err(e);
                        },
                    };

                let used_schema = Arc::new(inferred_schema);

                if let Some(tx) = file_schema_tx {
                    _ = tx.send(used_schema.clone())
                }

                let mut projection: Vec<usize> = projected_schema
                    .iter_names()
                    .filter_map(|name| used_schema.index_of(name))
                    .collect();

                projection.sort_unstable();

                if verbose {
                    eprintln!(
                        "[CsvFileReader]: project: {} / {}, \
                        slice: {:?}, \
                        use_async_prefetch: {}, \
                        concurrency_strategy: {:?}, \
                        chunk_size: {:?}",
                        projection.len(),
                        used_schema.len(),
                        pre_slice,
                        use_async_prefetch,
                        concurrency_strategy,
                        chunk_size
                    )
                }

                let quote_char = options.parse_options.quote_char;
                let eol_char = options.parse_options.eol_char;
                let comment_prefix = options.parse_options.comment_prefix.clone();

                let line_counter = CountLines::new(quote_char, eol_char, comment_prefix);
                let num_projected_columns = projection.len();

                let chunk_reader_result =
                    ChunkReader::try_new(options, used_schema, projection).map(Arc::new);
                _ = chunk_reader_tx.send(chunk_reader_result.clone());

                match chunk_reader_result {
                    Ok(_) => {
                        LineBatchSource {
                            base_leftover,
                            reader,
                            line_counter,
                            line_batch_tx,
                            pre_slice,
                            needs_full_row_count,
                            num_pipelines,
                            num_projected_columns,
                            task_metrics: line_batch_task_metrics,
                            verbose,
                        }
                        .run()
                        .await
                    },
                    Err(e) => Err(e),
                }
            }));

        // Task: Decode chunks.
        let n_workers = line_batch_receivers.len();

        let line_batch_decode_handles = line_batch_receivers
            .into_iter()
            .zip(morsel_senders)
            .enumerate()
            .map(|(worker_idx, (mut line_batch_rx, mut morsel_tx))| {
                // Only verbose log from the last worker to avoid flooding output.
                let verbose = verbose && worker_idx == n_workers - 1;
                let mut n_rows_processed: usize = 0;
                let chunk_reader_shared = chunk_reader_shared.clone();

                // Note: We don't use this (it is handled by the bridge). But morsels require a source token.
                let source_token = SourceToken::new();

                AbortOnDropHandle::new(spawn(TaskPriority::Low, task_metrics, async move {
                    let chunk_reader = chunk_reader_shared.await.map_err(
                        |_| polars_err!(ComputeError: "CSV pipeline dropped unexpectedly"),
                    )??;

                    while let Ok(LineBatch {
                        mem_slice,
                        n_lines,
                        slice,
                        row_offset,
                        morsel_seq,
                    }) = line_batch_rx.recv().await
                    {
                        let (offset, len) = match slice {
                            SLICE_ENDED => (0, 1),
                            v => v,
                        };

                        let (df, n_rows_in_chunk) = chunk_reader.read_chunk(
                            &mem_slice,
                            n_lines,
                            (offset, len),
                            row_offset,
                        )?;

                        n_rows_processed = n_rows_processed.saturating_add(n_rows_in_chunk);

                        if (offset, len) == SLICE_ENDED {
                            break;
                        }

                        let morsel = Morsel::new_unregistered(df, morsel_seq, source_token.clone());
                        if morsel_tx.send_morsel(morsel).await.is_err() {
                            break;
                        }
                    }

                    drop(morsel_tx);

                    if needs_full_row_count {
                        if verbose {
                            eprintln!(
                                "[CSV LineBatchProcessor {worker_idx}]: entering row count mode"
                            );
                        }

                        while let Ok(LineBatch {
                            mem_slice: _,
                            n_lines,
                            slice,
                            row_offset: _,
                            morsel_seq: _,
                        }) = line_batch_rx.recv().await
                        {
                            assert_eq!(slice, SLICE_ENDED);

                            n_rows_processed = n_rows_processed.saturating_add(n_lines);
                        }
                    }

                    PolarsResult::Ok(n_rows_processed)
                }))
            })
            .collect::<Vec<_>>();

        Ok((
            rx,
            spawn(TaskPriority::Low, task_metrics, async move {
                let mut row_position: usize = 0;

                for handle in line_batch_decode_handles {
                    let rows_processed = handle.await?;
                    row_position = row_position.saturating_add(rows_processed);
                }

                row_position = {
                    let rows_skipped = line_batch_source_handle.await?;
                    row_position.saturating_add(rows_skipped)
                };

                infer_schema_handle.await.unwrap()?;

                let row_position = IdxSize::try_from(row_position)
                    .map_err(|_| polars_err!(bigidx, ctx = "csv file", size = row_position))?;

                if let Some(n_rows_in_file_tx) = n_rows_in_file_tx {
                    assert!(needs_full_row_count);
                    _ = n_rows_in_file_tx.send(row_position);
                }

                if let Some(row_position_on_end_tx) = row_position_on_end_tx {
                    _ = row_position_on_end_tx.send(row_position);
                }

                Ok(())
            }),
        ))
    }
}
