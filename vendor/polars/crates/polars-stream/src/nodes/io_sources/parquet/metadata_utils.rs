use polars_buffer::Buffer;
use polars_error::PolarsResult;
use polars_io::configs::cloud_footer_read_size;
use polars_io::utils::byte_source::{ByteSource, DynByteSource};

/// Read the metadata bytes of a parquet file, does not decode the bytes. If during metadata fetch
/// the bytes of the entire file are loaded, it is returned in the second return value.
pub async fn read_parquet_metadata_bytes(
    byte_source: &DynByteSource,
    file_size: Option<usize>,
    verbose: bool,
) -> PolarsResult<(Buffer<u8>, Option<Buffer<u8>>)> {
    use polars_parquet::parquet::error::ParquetError;
    use polars_parquet::parquet::{ENCRYPTED_PARQUET_MAGIC, PARQUET_MAGIC};

    const FOOTER_HEADER_SIZE: usize = polars_parquet::parquet::FOOTER_SIZE as usize;

    let prefetch_size = if let DynByteSource::Buffer(_) = byte_source {
        // Mmapped or in-memory, reads are free.
        usize::MAX
    } else {
        cloud_footer_read_size()
    };

    let (bytes, file_size) = match file_size {
        Some(file_size) => {
            let bytes = byte_source
                .get_range(file_size.saturating_sub(prefetch_size)..file_size)
                .await?;
            (bytes, file_size)
        },
        None => byte_source.get_suffix(prefetch_size).await?,
    };

    if file_size < FOOTER_HEADER_SIZE {
        return Err(ParquetError::OutOfSpec(format!(
            "file size ({file_size}) is less than minimum size required to store parquet footer ({FOOTER_HEADER_SIZE})"
        ))
        .into());
    }

    let footer_header_bytes = bytes.clone().sliced((bytes.len() - FOOTER_HEADER_SIZE)..);

    let (v, remaining) = footer_header_bytes.as_slice().split_at(4);
    let footer_size = u32::from_le_bytes(v.try_into().unwrap());

    if remaining != PARQUET_MAGIC && remaining != ENCRYPTED_PARQUET_MAGIC {
        return Err(ParquetError::OutOfSpec(format!(
            r#"expected parquet magic bytes "{}" or "{}" in footer, got "{}" instead"#,
            std::str::from_utf8(&PARQUET_MAGIC).unwrap(),
            std::str::from_utf8(&ENCRYPTED_PARQUET_MAGIC).unwrap(),
            String::from_utf8_lossy(remaining)
        ))
        .into());
    }

    let footer_size = footer_size as usize + FOOTER_HEADER_SIZE;

    if file_size < footer_size {
        return Err(ParquetError::OutOfSpec(format!(
            "file size ({file_size}) is less than the indicated footer size ({footer_size})"
        ))
        .into());
    }

    if bytes.len() < footer_size {
        debug_assert!(!matches!(byte_source, DynByteSource::Buffer(_)));
        if verbose {
            eprintln!(
                "[ParquetFileReader]: Extra {} bytes need to be fetched for metadata \
                (prefetched = {}, actual size = {})",
                footer_size - bytes.len(),
                bytes.len(),
                footer_size,
            );
        }

        let mut out = Vec::with_capacity(footer_size);
        let offset = file_size - footer_size;
        let len = footer_size - bytes.len();
        let delta_bytes = byte_source.get_range(offset..(offset + len)).await?;

        debug_assert!(out.capacity() >= delta_bytes.len() + bytes.len());

        out.extend_from_slice(&delta_bytes);
        out.extend_from_slice(&bytes);

        Ok((Buffer::from_vec(out), None))
    } else {
        if verbose && !matches!(byte_source, DynByteSource::Buffer(_)) {
            eprintln!(
                "[ParquetFileReader]: Fetched all bytes for metadata on first try \
                (prefetched = {}, actual size = {}, excess = {}, total file size = {})",
                bytes.len(),
                footer_size,
                bytes.len() - footer_size,
                file_size,
            );
        }

        let metadata_bytes = bytes.clone().sliced((bytes.len() - footer_size)..);

        if bytes.len() == file_size {
            Ok((metadata_bytes, Some(bytes)))
        } else {
            debug_assert!(!matches!(byte_source, DynByteSource::Buffer(_)));
            // The footer is held for the lifetime of the metadata, so copy it out rather
            // than pin the whole prefetch for a fraction of its bytes.
            let metadata_bytes = if bytes.len() >= 2 * footer_size {
                Buffer::from_vec(metadata_bytes.to_vec())
            } else {
                metadata_bytes
            };

            Ok((metadata_bytes, None))
        }
    }
}
