use std::num::NonZeroU64;
use std::sync::Arc;

use polars_arrow::datatypes::ArrowSchemaRef;
use polars_async::executor::{self, TaskMetricAggregator, TaskPriority};
use polars_async::primitives::connector;
use polars_buffer::Buffer;
use polars_core::runtime::ASYNC;
use polars_error::PolarsResult;
use polars_io::prelude::{ParquetWriteOptions, get_encodings};
use polars_parquet::write::{
    CompressedPage, Encoding, SchemaDescriptor, Version, WriteOptions, to_parquet_schema,
};
use polars_utils::IdxSize;
use polars_utils::index::NonZeroIdxSize;

use crate::nodes::io_sinks::components::sink_morsel::{SinkMorsel, SinkMorselPermit};
use crate::nodes::io_sinks::components::size::{SplitMode, TargetSinkMorselSize};
use crate::nodes::io_sinks::writers::interface::{
    FileOpenTaskHandle, FileWriterStarter, ideal_sink_morsel_size_env,
};
use crate::utils::tokio_handle_ext;

mod io_writer;
mod row_group_encoder;

pub struct ParquetWriterStarter {
    pub options: Arc<ParquetWriteOptions>,
    pub arrow_schema: ArrowSchemaRef,
    pub initialized_state: std::sync::Mutex<Option<InitializedState>>,
    pub row_group_size: Option<IdxSize>,
}

impl ParquetWriterStarter {
    pub fn try_new(
        options: Arc<ParquetWriteOptions>,
        arrow_schema: ArrowSchemaRef,
    ) -> PolarsResult<Self> {
        let initialized_state = match &options.encryption_properties {
            Some(encryption_properties) => {
                // Check the encrypted columns exist before any file is opened, rather than
                // when creating the writer for each file.
                let state = InitializedState::new(&arrow_schema)?;
                encryption_properties
                    .0
                    .validate_encrypted_column_names(&state.schema_descriptor)?;
                Some(state)
            },
            None => None,
        };

        Ok(Self {
            row_group_size: options
                .row_group_size
                .map(|x| IdxSize::try_from(x).unwrap()),
            options,
            arrow_schema,
            initialized_state: std::sync::Mutex::new(initialized_state),
        })
    }
}

#[derive(Clone)]
pub struct InitializedState {
    encodings: Buffer<Vec<Encoding>>,
    schema_descriptor: Arc<SchemaDescriptor>,
}

impl InitializedState {
    fn new(arrow_schema: &ArrowSchemaRef) -> PolarsResult<Self> {
        Ok(Self {
            encodings: get_encodings(arrow_schema),
            schema_descriptor: Arc::new(to_parquet_schema(arrow_schema)?),
        })
    }
}

struct EncodedRowGroup {
    num_rows: usize,
    data: Vec<Vec<CompressedPage>>,
    morsel_permit: SinkMorselPermit,
}

impl FileWriterStarter for ParquetWriterStarter {
    fn writer_name(&self) -> &str {
        "parquet"
    }

    fn target_sink_morsel_size(&self) -> TargetSinkMorselSize {
        let target_num_bytes_min_rows = const { NonZeroIdxSize::new(16384).unwrap() };

        if let Some(row_group_size) = self.row_group_size
            && row_group_size > 0
        {
            TargetSinkMorselSize {
                target_num_rows: row_group_size.try_into().unwrap(),
                target_num_bytes: NonZeroU64::MAX,
                target_num_bytes_min_rows,
                target_num_rows_mode: SplitMode::Exact,
            }
        } else {
            let (env_num_rows, env_num_bytes) = ideal_sink_morsel_size_env();

            TargetSinkMorselSize {
                target_num_rows: env_num_rows
                    .unwrap_or(const { NonZeroIdxSize::new(122_880).unwrap() }),
                target_num_bytes: env_num_bytes.unwrap_or(NonZeroU64::MAX),
                target_num_bytes_min_rows,
                target_num_rows_mode: SplitMode::Approximate,
            }
        }
    }

    fn start_file_writer(
        &self,
        morsel_rx: connector::Receiver<SinkMorsel>,
        file: FileOpenTaskHandle,
        num_pipelines: std::num::NonZeroUsize,
        task_metrics: Option<Arc<TaskMetricAggregator>>,
    ) -> PolarsResult<executor::JoinHandle<PolarsResult<()>>> {
        let InitializedState {
            encodings,
            schema_descriptor,
        } = {
            let mut initialized_state = self.initialized_state.lock().unwrap();

            if initialized_state.is_none() {
                *initialized_state = Some(InitializedState::new(&self.arrow_schema)?)
            };

            initialized_state.clone().unwrap()
        };

        let (encoded_row_group_tx, encoded_row_group_rx) = tokio::sync::mpsc::channel::<
            executor::AbortOnDropHandle<PolarsResult<EncodedRowGroup>>,
        >(num_pipelines.get());

        let key_value_metadata = self.options.key_value_metadata.clone();
        let write_options = WriteOptions {
            statistics: self.options.statistics,
            compression: self.options.compression.into(),
            version: Version::V1,
            data_page_size: self.options.data_page_size,
        };

        let arrow_schema = Arc::clone(&self.arrow_schema);
        let num_leaf_columns = schema_descriptor.columns().len();

        let io_handle = tokio_handle_ext::AbortOnDropHandle(
            ASYNC.spawn(
                io_writer::IOWriter {
                    file,
                    encoded_row_group_rx,
                    arrow_schema,
                    schema_descriptor: Arc::clone(&schema_descriptor),
                    write_options,
                    encodings: Buffer::clone(&encodings),
                    key_value_metadata,
                    num_leaf_columns,
                    encryption_properties: self
                        .options
                        .encryption_properties
                        .as_ref()
                        .map(|p| Arc::clone(&p.0)),
                }
                .run(),
            ),
        );

        let arrow_schema = Arc::clone(&self.arrow_schema);
        let compute_handle = executor::AbortOnDropHandle::new(executor::spawn(
            TaskPriority::High,
            task_metrics.as_deref(),
            row_group_encoder::RowGroupEncoder {
                morsel_rx,
                encoded_row_group_tx,
                arrow_schema,
                schema_descriptor,
                write_options,
                encodings,
                num_leaf_columns,
                task_metrics: task_metrics.clone(),
            }
            .run(),
        ));

        let metrics = task_metrics.as_deref();
        Ok(executor::spawn(TaskPriority::Low, metrics, async move {
            compute_handle.await?;
            io_handle.await.unwrap()?;
            Ok(())
        }))
    }
}
