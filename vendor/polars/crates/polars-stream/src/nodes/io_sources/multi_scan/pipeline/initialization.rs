use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use polars_async::executor::{self, AbortOnDropHandle, TaskPriority};
use polars_async::primitives::connector::{self};
use polars_core::prelude::PlHashMap;
use polars_core::runtime::ASYNC;
use polars_error::PolarsResult;
use polars_io::metrics::IOMetrics;
use polars_mem_engine::scan_predicate::functions::InitializeScanPredicateResult;
use polars_mem_engine::scan_predicate::initialize_scan_predicate;
use polars_plan::dsl::PredicateFileSkip;
use polars_utils::row_counter::RowCounter;
use polars_utils::slice_enum::Slice;
use tokio::sync::Semaphore;

use crate::execute::StreamingExecutionState;
use crate::nodes::io_sources::multi_scan::components::bridge::{BridgeRecvPort, BridgeState};
use crate::nodes::io_sources::multi_scan::components::row_deletions::{
    DeletionFilesProvider, ExternalFilterMask, RowDeletionsInit,
};
use crate::nodes::io_sources::multi_scan::config::MultiScanConfig;
use crate::nodes::io_sources::multi_scan::functions::resolve_slice::resolve_to_positive_slice;
use crate::nodes::io_sources::multi_scan::functions::{
    calc_max_concurrent_scan_bytes, is_compressed_source,
};
use crate::nodes::io_sources::multi_scan::pipeline::models::{
    ExtraOperations, InitializedPipelineState, ReadBytesLimit, ResolvedSliceInfo,
    StartReaderArgsConstant, UnorderedFiles,
};
use crate::nodes::io_sources::multi_scan::pipeline::tasks::attach_reader_to_bridge::AttachReaderToBridge;
use crate::nodes::io_sources::multi_scan::pipeline::tasks::bridge::spawn_bridge;
use crate::nodes::io_sources::multi_scan::pipeline::tasks::reader_starter::{
    InitializedReaderState, ReaderStarter,
};
use crate::nodes::io_sources::multi_scan::reader_interface::FileReader;
use crate::nodes::io_sources::multi_scan::reader_interface::capabilities::ReaderCapabilities;

pub fn initialize_multi_scan_pipeline(
    config: Arc<MultiScanConfig>,
    execution_state: StreamingExecutionState,
    io_metrics: Option<Arc<IOMetrics>>,
) -> PolarsResult<InitializedPipelineState> {
    assert!(config.num_pipelines() > 0);

    if config.verbose {
        eprintln!(
            "[MultiScanTaskInit]: \
            {} sources, \
            reader name: {}, \
            {:?}, \
            n_readers_pre_init: {}, \
            max_concurrent_scans: {}, \
            disable_morsel_split: {}, \
            maintain_order: {}",
            config.sources.len(),
            config.file_reader_builder.reader_name()?,
            config.reader_capabilities(),
            config.n_readers_pre_init(),
            config.max_concurrent_scans(),
            config.disable_morsel_split,
            config.maintain_order,
        );
    }

    let bridge_state = Arc::new(Mutex::new(BridgeState::NotYetStarted));

    let (bridge_handle, bridge_recv_port_tx, phase_channel_tx) =
        spawn_bridge(bridge_state.clone(), execution_state.task_metrics());

    let task_metrics = execution_state.task_metrics.clone();
    let task_handle = executor::spawn(TaskPriority::Low, task_metrics.as_deref(), async move {
        finish_initialize_multi_scan_pipeline(
            config,
            bridge_recv_port_tx,
            execution_state,
            io_metrics,
        )
        .await?;
        bridge_handle.await;
        Ok(())
    });

    Ok(InitializedPipelineState {
        task_handle: AbortOnDropHandle::new(task_handle),
        phase_channel_tx,
        bridge_state,
    })
}

async fn finish_initialize_multi_scan_pipeline(
    config: Arc<MultiScanConfig>,
    bridge_recv_port_tx: connector::Sender<BridgeRecvPort>,
    execution_state: StreamingExecutionState,
    io_metrics: Option<Arc<IOMetrics>>,
) -> PolarsResult<()> {
    let verbose = config.verbose;

    let (skip_files_mask, predicate) = match config.predicate_file_skip_applied {
        None => {
            let InitializeScanPredicateResult {
                skip_files_mask,
                can_skip_scan_predicate,
            } = initialize_scan_predicate(
                config.predicate.as_ref().map(|x| &x.scan_io_predicate),
                config.hive_parts.as_deref(),
                config.table_statistics.as_ref(),
                verbose,
            )?;

            (
                skip_files_mask,
                if can_skip_scan_predicate {
                    None
                } else {
                    config.predicate.as_ref()
                },
            )
        },
        Some(PredicateFileSkip {
            no_residual_predicate: false,
            original_len: _,
        }) => (None, config.predicate.as_ref()),
        Some(PredicateFileSkip {
            no_residual_predicate: true,
            original_len: _,
        }) => (None, None),
    };

    if let Some(skip_files_mask) = &skip_files_mask {
        assert_eq!(skip_files_mask.len(), config.sources.len());
    }

    if verbose {
        eprintln!(
            "[MultiScanTaskInit]: \
            predicate: {:?}, \
            deletion_files: {:?}, \
            skip files mask: {:?}, \
            predicate to reader: {:?}",
            config.predicate.is_some().then_some("<predicate>"),
            config
                .deletion_files
                .is_some()
                .then_some("<deletion_files>"),
            skip_files_mask.is_some().then_some("<skip_files>"),
            predicate.is_some().then_some("<predicate>"),
        )
    }

    'early_return: {
        if skip_files_mask
            .as_ref()
            .is_some_and(|x| x.num_skipped_files() == x.len())
        {
            if verbose {
                eprintln!("[MultiScanTaskInit]: early return (filter excludes all files)")
            }
        } else if config.pre_slice.as_ref().is_some_and(|x| x.len() == 0) {
            if cfg!(debug_assertions) {
                panic!("should quit earlier");
            }

            if verbose {
                eprintln!("[MultiScanTaskInit]: early return (pre_slice.len == 0)")
            }
        } else {
            break 'early_return;
        }

        return Ok(());
    }

    let predicate = predicate.cloned();

    let num_pipelines = config.num_pipelines();
    let reader_capabilities = config.reader_capabilities()?;

    // Remote paths, or any path under `POLARS_FORCE_ASYNC`. Files and buffers never qualify.
    let sources_run_async = config.sources.first().is_some_and(|x| x.run_async());

    if sources_run_async && reader_capabilities.contains(ReaderCapabilities::NEEDS_FILE_CACHE_INIT)
    {
        // In cloud execution the entries may not exist at this point due to DSL resolution
        // happening on a separate machine.
        let sources = config.sources.clone();
        let cloud_options = config.cloud_options.clone();

        ASYNC
            .spawn(async move {
                let sources = sources.clone();
                assert!(sources.as_paths().is_some());

                polars_io::file_cache::init_entries_from_uri_list(
                    (0..sources.len())
                        .map(move |i| sources.as_paths().unwrap().get(i).unwrap().clone()),
                    cloud_options.as_deref(),
                )
                .await
            })
            .await
            .unwrap()?;
    }

    // Row index should only be pushed if we have a predicate or negative slice as there is a
    // serial synchronization cost from needing to track the row position.
    if config.row_index.is_some() {
        debug_assert!(
            config.predicate.is_some() || matches!(config.pre_slice, Some(Slice::Negative { .. }))
        );
    }

    let ResolvedSliceInfo {
        scan_source_idx,
        row_index,
        pre_slice,
        initialized_readers,
        row_deletions,
    } = match config.pre_slice {
        // This can hugely benefit NDJSON, as it can read backwards.
        Some(Slice::Negative { .. })
            if config.sources.len() == 1
                && reader_capabilities.contains(ReaderCapabilities::NEGATIVE_PRE_SLICE)
                && (config.row_index.is_none()
                    || reader_capabilities.contains(ReaderCapabilities::ROW_INDEX))
                && (config.deletion_files.is_none()
                    || reader_capabilities.contains(ReaderCapabilities::EXTERNAL_FILTER_MASK))
                && (config.file_reader_builder.is_external_python_reader()
                    || !ASYNC
                        .spawn(is_compressed_source(
                            config.sources.get(0).unwrap().into_owned()?,
                            config.cloud_options.clone(),
                            io_metrics.clone(),
                        ))
                        .await
                        .unwrap()?) =>
        {
            if verbose {
                eprintln!("[MultiScanTaskInit]: Single file negative slice");
            }

            ResolvedSliceInfo {
                scan_source_idx: 0,
                row_index: config.row_index.clone(),
                pre_slice: config.pre_slice.clone(),
                initialized_readers: None,
                row_deletions: Default::default(),
            }
        },
        _ => {
            if let Some(Slice::Negative { .. }) = config.pre_slice {
                if verbose {
                    eprintln!("[MultiScanTaskInit]: Begin resolving negative slice to positive");
                }
            }

            resolve_to_positive_slice(&config, &execution_state, io_metrics.clone()).await?
        },
    };

    let initialized_row_deletions: Arc<PlHashMap<usize, ExternalFilterMask>> =
        Arc::new(row_deletions);

    let cast_columns_policy = config.cast_columns_policy.clone();
    let extra_columns_policy = config.extra_columns_policy;
    let missing_columns_policy = config.missing_columns_policy;
    let include_file_paths = config.include_file_paths.clone();

    let extra_ops = ExtraOperations {
        row_index,
        row_index_col_idx: config.row_index.as_ref().map_or(usize::MAX, |x| {
            config.final_output_schema.index_of(&x.name).unwrap()
        }),
        pre_slice,
        include_file_paths,
        file_path_col_idx: config.include_file_paths.as_ref().map_or(usize::MAX, |x| {
            config.final_output_schema.index_of(x).unwrap()
        }),
        predicate,
    };

    if verbose {
        eprintln!(
            "[MultiScanTaskInit]: \
            scan_source_idx: {}, \
            extra_ops: {:?}",
            scan_source_idx, extra_ops,
        )
    }

    // Pre-initialized readers if we resolved a negative slice.
    let mut initialized_readers: VecDeque<(Box<dyn FileReader>, RowCounter)> = initialized_readers
        .map(|(idx, readers)| {
            // Sanity check
            assert_eq!(idx, scan_source_idx);
            readers
        })
        .unwrap_or_default();

    let has_row_index_or_slice = extra_ops.has_row_index_or_slice();

    let max_concurrent_scans = config.max_concurrent_scans();

    // Files to initialize. A resolved negative slice ends at the last initialized reader.
    let init_range = {
        let end = if initialized_readers.is_empty() {
            config.sources.len()
        } else {
            scan_source_idx + initialized_readers.len()
        };
        scan_source_idx..end
    };

    let n_effective_sources = init_range.len()
        - skip_files_mask.as_ref().map_or(0, |m| {
            m.clone()
                .sliced(init_range.start, init_range.len())
                .num_skipped_files()
        });

    // Emit files in the order their morsels become ready if the output order is not observed.
    // The first condition that keeps files ordered, if any.
    let files_ordered_reason = if config.maintain_order {
        Some("order observed")
    } else if max_concurrent_scans <= 1 {
        Some("single scan")
    } else if n_effective_sources <= 1 {
        Some("single source")
    } else if !reader_capabilities.contains(ReaderCapabilities::UNORDERED_FILES) {
        Some("no capability")
    } else if !sources_run_async {
        // Local reads have no stragglers to hide, only a larger decoded backlog.
        Some("not remote")
    } else if std::env::var("POLARS_FORCE_ORDERED_MULTISCAN").as_deref() == Ok("1") {
        Some("forced")
    } else {
        None
    };
    let unordered_files = files_ordered_reason.is_none();

    // Row positions are only tracked with a row index or slice, so readers may start unordered.
    let init_ordered_reason = if !unordered_files {
        None
    } else if has_row_index_or_slice {
        Some("row index or slice")
    } else if std::env::var("POLARS_FORCE_ORDERED_READER_INIT").as_deref() == Ok("1") {
        Some("forced")
    } else {
        None
    };
    let unordered_init = unordered_files && init_ordered_reason.is_none();

    let config = config.clone();

    // Buffered initialization stream. This concurrently calls `FileReader::initialize()`,
    // allowing for e.g. concurrent Parquet metadata fetch.
    let readers_init_iter = {
        let skip_files_mask = skip_files_mask.clone();

        let mut range = init_range;

        if verbose {
            let n_filtered = skip_files_mask.clone().map_or(0, |x| {
                x.sliced(range.start, range.len()).num_skipped_files()
            });
            let n_readers_init = range.len() - n_filtered;

            eprintln!(
                "\
                [MultiScanTaskInit]: Readers init: {} / ({} total) \
                (range: {:?}, filtered out: {})",
                n_readers_init,
                config.sources.len(),
                range,
                n_filtered,
            )
        }

        if let Some(skip_files_mask) = &skip_files_mask {
            range.end = range
                .end
                .min(skip_files_mask.len() - skip_files_mask.trailing_skipped_files());
        }

        // Note, range does not alter the indexes (`scan_source_idx`) of `scan_sources`.
        let range = range.filter(move |scan_source_idx| {
            let can_skip = !has_row_index_or_slice
                && skip_files_mask
                    .as_ref()
                    .is_some_and(|x| x.is_skipped_file(*scan_source_idx));

            !can_skip
        });

        let sources = config.sources.clone();
        let cloud_options = config.cloud_options.clone();
        let file_reader_builder = config.file_reader_builder.clone();
        let task_metrics = execution_state.task_metrics.clone();

        // Note: The list of sources is fixed, so indexing via `scan_source_idx` is sound.
        // The list of sources is captured so that in the case of Delta deletion vector,
        // the first callback has everything needed to request all deletion vectors.
        let deletion_files_provider = DeletionFilesProvider::try_new(
            config.deletion_files.clone(),
            config.sources.clone(),
            &execution_state,
            io_metrics,
        )?;

        let init_futures = futures::stream::iter(range).map(move |scan_source_idx| {
            let sources = sources.clone();
            let cloud_options = cloud_options.clone();
            let file_reader_builder = file_reader_builder.clone();
            let deletion_files_provider = deletion_files_provider.clone();
            let initialized_row_deletions = initialized_row_deletions.clone();

            let maybe_initialized = initialized_readers.pop_front();
            let scan_source = sources.get(scan_source_idx).unwrap().into_owned();

            let metrics = task_metrics.as_deref();
            AbortOnDropHandle::new(executor::spawn(TaskPriority::Low, metrics, async move {
                let (scan_source, reader, n_rows_in_file) = async {
                    if verbose {
                        eprintln!("[MultiScan]: Initialize source {scan_source_idx}");
                    }

                    let scan_source = scan_source?;

                    if let Some((reader, n_rows_in_file)) = maybe_initialized {
                        return PolarsResult::Ok((scan_source, reader, Some(n_rows_in_file)));
                    }

                    let mut reader = file_reader_builder.build_file_reader(
                        scan_source.clone(),
                        cloud_options.clone(),
                        scan_source_idx,
                    )?;

                    reader.initialize().await?;
                    let opt_n_rows = reader
                        .fast_n_rows_in_file()
                        .await?
                        .map(|num_phys_rows| RowCounter::new(num_phys_rows, 0));

                    PolarsResult::Ok((scan_source, reader, opt_n_rows))
                }
                .await?;

                let row_deletions: Option<RowDeletionsInit> = initialized_row_deletions
                    .get(&scan_source_idx)
                    .map(|x| RowDeletionsInit::Initialized(x.clone()))
                    .or_else(|| {
                        deletion_files_provider.spawn_row_deletions_init(
                            scan_source_idx,
                            cloud_options,
                            num_pipelines,
                            verbose,
                        )
                    });

                Ok(InitializedReaderState {
                    scan_source_idx,
                    scan_source,
                    reader,
                    n_rows_in_file,
                    row_deletions,
                })
            }))
        });

        let n_readers_pre_init = config.n_readers_pre_init().max(1);
        if unordered_init {
            init_futures.buffer_unordered(n_readers_pre_init).boxed()
        } else {
            init_futures.buffered(n_readers_pre_init).boxed()
        }
    };

    let sources = config.sources.clone();
    let hive_parts = config.hive_parts.clone();
    let final_output_schema = config.final_output_schema.clone();
    let file_projection_builder = config.file_projection_builder.clone();
    let disable_morsel_split = config.disable_morsel_split;

    // Share the last-morsel split budget across files in the scan: divide it by the number
    // of files that can be in flight at once, so the total morsel count at end-of-file
    // boundaries stays bounded by `num_pipelines`.
    let last_morsel_pipelines =
        num_pipelines.div_ceil(n_effective_sources.min(max_concurrent_scans).max(1));

    let (started_reader_tx, started_reader_rx) =
        tokio::sync::mpsc::channel(max_concurrent_scans.max(2) - 1);

    if verbose {
        eprintln!(
            "[MultiScanTaskInit]: unordered_files: {unordered_files}{}, unordered_init: {unordered_init}{}",
            fmt_reason(files_ordered_reason),
            fmt_reason(init_ordered_reason),
        );
    }

    let unordered_files = unordered_files.then(|| UnorderedFiles {
        reader_slots: Arc::new(Semaphore::new(max_concurrent_scans)),
        merge_capacity: num_pipelines,
    });

    let reader_starter_handle = AbortOnDropHandle::new(executor::spawn(
        TaskPriority::Low,
        execution_state.task_metrics(),
        ReaderStarter {
            reader_capabilities,
            n_sources: sources.len(),

            readers_init_iter,
            started_reader_tx,
            max_concurrent_scans,
            read_bytes_limit: ReadBytesLimit::new(calc_max_concurrent_scan_bytes(num_pipelines)),
            unordered_files: unordered_files.clone(),
            skip_files_mask,
            extra_ops,
            constant_args: StartReaderArgsConstant {
                hive_parts,
                final_output_schema,
                reader_capabilities,
                file_projection_builder,
                cast_columns_policy,
                extra_columns_policy,
                missing_columns_policy,
                forbid_extra_columns: config.forbid_extra_columns.clone(),
                num_pipelines,
                disable_morsel_split,
                maintain_order: config.maintain_order,
                last_morsel_pipelines,
                verbose,
                task_metrics: execution_state.task_metrics.clone(),
            },
            verbose,
        }
        .run(),
    ));

    let attach_to_bridge_handle = AbortOnDropHandle::new(executor::spawn(
        TaskPriority::Low,
        execution_state.task_metrics(),
        AttachReaderToBridge {
            started_reader_rx,
            reader_starter_handle,
            bridge_recv_port_tx,
            unordered_files,
            verbose,
            task_metrics: execution_state.task_metrics.clone(),
        }
        .run(),
    ));

    attach_to_bridge_handle.await?;

    Ok(())
}

fn fmt_reason(reason: Option<&str>) -> String {
    reason.map_or_else(String::new, |r| format!(" (reason: {r})"))
}
