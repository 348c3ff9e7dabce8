use std::num::NonZeroUsize;
use std::sync::Arc;

use polars_async::executor::TaskMetricAggregator;
use polars_async::primitives::wait_group::WaitGroup;
use polars_core::config;
use polars_error::PolarsResult;
use polars_io::cloud::CloudOptions;
use polars_io::cloud::concurrency_config::FetchConfig;
#[cfg(feature = "csv")]
use polars_io::metrics::IOMetrics;
use polars_io::prelude::CsvReadOptions;
use polars_io::utils::byte_source::FileReadContext;
use polars_plan::dsl::ScanSource;
use polars_utils::pl_str::PlSmallStr;
use polars_utils::relaxed_cell::RelaxedCell;

use super::{CsvFileReader, DynByteSourceBuilder};
use crate::nodes::io_sources::multi_scan::reader_interface::FileReader;
use crate::nodes::io_sources::multi_scan::reader_interface::builder::FileReaderBuilder;
use crate::nodes::io_sources::multi_scan::reader_interface::capabilities::ReaderCapabilities;
use crate::nodes::io_sources::shared::file_init::CLOUD_PRE_INIT_LIMIT;

pub struct CsvReaderBuilder {
    pub options: Arc<CsvReadOptions>,
    pub prefetch_limit: RelaxedCell<usize>,
    pub prefetch_semaphore: std::sync::OnceLock<Arc<tokio::sync::Semaphore>>,
    pub shared_prefetch_wait_group_slot: Arc<std::sync::Mutex<Option<WaitGroup>>>,
    /// Shared with every file in the scan. Only relevant for `DynByteSourceBuilder::FilePread`.
    pub file_read_context: std::sync::OnceLock<FileReadContext>,
    pub io_metrics: std::sync::OnceLock<Arc<IOMetrics>>,
    pub task_metrics: std::sync::OnceLock<Arc<TaskMetricAggregator>>,
}

impl std::fmt::Debug for CsvReaderBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvReaderBuilder")
            .field("ignore_errors", &self.options.ignore_errors)
            .field("prefetch_limit", &self.prefetch_limit)
            .field("prefetch_semaphore", &self.prefetch_semaphore)
            .finish()
    }
}

impl FileReaderBuilder for CsvReaderBuilder {
    fn reader_name(&self) -> PolarsResult<PlSmallStr> {
        Ok(PlSmallStr::from_static("csv"))
    }

    fn reader_capabilities(&self) -> PolarsResult<ReaderCapabilities> {
        use ReaderCapabilities as RC;

        Ok(if self.options.parse_options.comment_prefix.is_some() {
            RC::empty()
        } else {
            RC::PRE_SLICE
        })
    }

    fn preferred_remote_pre_init(&self) -> Option<usize> {
        Some(CLOUD_PRE_INIT_LIMIT)
    }

    fn set_execution_state(&self, execution_state: &crate::execute::StreamingExecutionState) {
        if let Some(task_metrics) = execution_state.task_metrics.clone() {
            self.task_metrics.set(task_metrics).ok().unwrap();
        }

        // The maximum number of chunks actively being prefetched at any given point in time.
        let prefetch_limit = std::env::var("POLARS_CSV_CHUNK_PREFETCH_LIMIT")
            .map(|x| {
                x.parse::<NonZeroUsize>()
                    .ok()
                    .unwrap_or_else(|| {
                        panic!("invalid value for POLARS_CSV_CHUNK_PREFETCH_LIMIT: {x}")
                    })
                    .get()
            })
            .unwrap_or(execution_state.num_pipelines.saturating_mul(2))
            .max(1);

        self.prefetch_limit.store(prefetch_limit);

        if config::verbose() {
            eprintln!(
                "[CsvReaderBuilder]: prefetch_limit: {}",
                self.prefetch_limit.load()
            );
        }

        self.prefetch_semaphore
            .set(Arc::new(tokio::sync::Semaphore::new(prefetch_limit)))
            .unwrap()
    }

    fn set_io_metrics(&self, io_metrics: Arc<IOMetrics>) {
        self.io_metrics.set(io_metrics).ok().unwrap()
    }

    fn build_file_reader(
        &self,
        source: ScanSource,
        cloud_options: Option<Arc<CloudOptions>>,
        _scan_source_idx: usize,
    ) -> PolarsResult<Box<dyn FileReader>> {
        use crate::metrics::OptIOMetrics;
        use crate::nodes::io_sources::shared::file_init::ChunkPrefetchSync;

        let scan_source = source;
        let verbose = config::verbose();
        let options = self.options.clone();

        let byte_source_builder =
            if scan_source.is_cloud_url() || polars_config::config().force_async() {
                DynByteSourceBuilder::ObjectStore(FetchConfig::streaming())
            } else if scan_source.is_buffer() {
                DynByteSourceBuilder::Mmap
            } else {
                let read_context = self
                    .file_read_context
                    .get_or_init(|| FileReadContext::from_config("CsvReaderBuilder"));
                DynByteSourceBuilder::FilePread(read_context.clone())
            };

        let reader = CsvFileReader {
            scan_source,
            cloud_options,
            options,
            verbose,
            byte_source_builder,
            chunk_prefetch_sync: ChunkPrefetchSync {
                prefetch_limit: self.prefetch_limit.load(),
                prefetch_semaphore: Arc::clone(self.prefetch_semaphore.get().unwrap()),
                shared_prefetch_wait_group_slot: Arc::clone(&self.shared_prefetch_wait_group_slot),
                prev_all_spawned: None,
                current_all_spawned: None,
            },
            init_data: None,
            io_metrics: OptIOMetrics(self.io_metrics.get().cloned()),
            task_metrics: self.task_metrics.get().cloned(),
        };

        Ok(Box::new(reader) as Box<dyn FileReader>)
    }
}
