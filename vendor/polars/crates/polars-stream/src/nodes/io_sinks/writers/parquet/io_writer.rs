use std::sync::Arc;

use polars_arrow::datatypes::ArrowSchemaRef;
use polars_async::executor::{self};
use polars_buffer::Buffer;
use polars_error::PolarsResult;
use polars_io::parquet::write::BatchedWriter;
use polars_io::prelude::KeyValueMetadata;
use polars_parquet::parquet::encryption::encrypt::FileEncryptionProperties;
use polars_parquet::write::{
    Encoding, FileWriter, SchemaDescriptor, WriteOptions, write_metadata_sidecar,
};

use crate::nodes::io_sinks::writers::interface::FileOpenTaskHandle;
use crate::nodes::io_sinks::writers::parquet::EncodedRowGroup;

pub struct IOWriter {
    pub file: FileOpenTaskHandle,
    pub encoded_row_group_rx:
        tokio::sync::mpsc::Receiver<executor::AbortOnDropHandle<PolarsResult<EncodedRowGroup>>>,
    pub arrow_schema: ArrowSchemaRef,
    pub schema_descriptor: Arc<SchemaDescriptor>,
    pub write_options: WriteOptions,
    pub encodings: Buffer<Vec<Encoding>>,
    pub key_value_metadata: Option<KeyValueMetadata>,
    pub num_leaf_columns: usize,
    pub encryption_properties: Option<Arc<FileEncryptionProperties>>,
}

impl IOWriter {
    pub async fn run(self) -> PolarsResult<()> {
        let IOWriter {
            file,
            mut encoded_row_group_rx,
            arrow_schema,
            schema_descriptor,
            write_options,
            encodings,
            key_value_metadata,
            num_leaf_columns,
            encryption_properties,
        } = self;

        let (mut file, sync_on_close) = file.await?;
        let mut buffered_file = file.as_buffered_writable();

        let mut parquet_writer = BatchedWriter::new(
            std::sync::Mutex::new(FileWriter::try_new_with_parquet_schema(
                &mut buffered_file,
                Arc::unwrap_or_clone(arrow_schema),
                Arc::unwrap_or_clone(schema_descriptor),
                write_options,
                encryption_properties,
            )?),
            encodings,
            write_options,
            false,
            key_value_metadata,
        );

        while let Some(handle) = encoded_row_group_rx.recv().await {
            let EncodedRowGroup {
                num_rows,
                data,
                morsel_permit,
            } = handle.await?;
            assert_eq!(data.len(), num_leaf_columns);
            parquet_writer.write_row_group(num_rows as u64, &data)?;
            drop(data);
            drop(morsel_permit);
        }

        parquet_writer.finish()?;
        // Encrypted files have no plaintext metadata to expose.
        let parquet_metadata = {
            let writer = parquet_writer.get_writer().lock().unwrap();
            writer
                .metadata()
                .map(|metadata| {
                    let mut out = Vec::new();
                    write_metadata_sidecar(&mut out, metadata)?;
                    PolarsResult::Ok(out)
                })
                .transpose()?
        };
        drop(parquet_writer);
        buffered_file.flush()?;
        drop(buffered_file);

        if let Some(parquet_metadata) = parquet_metadata {
            file.set_parquet_metadata(parquet_metadata);
        }
        file.close(sync_on_close).await?;

        Ok(())
    }
}
