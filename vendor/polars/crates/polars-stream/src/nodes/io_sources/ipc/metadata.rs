use polars_arrow::io::ipc::read::OutOfSpecKind;
use polars_buffer::Buffer;
use polars_error::{PolarsResult, polars_bail, polars_ensure, polars_err};
use polars_io::configs::cloud_footer_read_size;
use polars_io::utils::byte_source::{ByteSource, DynByteSource};

/// Read the metadata bytes of an IPC file, does not decode the bytes. If during metadata fetch
/// the bytes of the entire file are loaded, it is returned in the second return value.
pub async fn read_ipc_metadata_bytes(
    byte_source: &DynByteSource,
    verbose: bool,
) -> PolarsResult<(Buffer<u8>, Option<Buffer<u8>>)> {
    const FOOTER_HEADER_SIZE: usize = 10;
    const ARROW_MAGIC_V1: [u8; 4] = *b"FEA1";
    const ARROW_MAGIC_V2: [u8; 6] = *b"ARROW1";

    let prefetch_size = if let DynByteSource::Buffer(_) = byte_source {
        // Mmapped or in-memory, reads are free.
        usize::MAX
    } else {
        cloud_footer_read_size()
    };

    // A suffix request returns the file size along with the tail, saving a round trip to
    // request the size separately.
    let (bytes, file_size) = byte_source.get_suffix(prefetch_size).await?;

    polars_ensure!(
        bytes.len() >= FOOTER_HEADER_SIZE,
        ComputeError: "ipc file size is smaller than the minimum"
    );

    let footer_header_bytes = bytes.clone().sliced((bytes.len() - FOOTER_HEADER_SIZE)..);

    if footer_header_bytes[4..] != ARROW_MAGIC_V2 {
        if footer_header_bytes[..4] == ARROW_MAGIC_V1 {
            polars_bail!(ComputeError: "feather v1 not supported");
        }
        return Err(polars_err!(oos = OutOfSpecKind::InvalidFooter));
    }

    let footer_size = u32::from_le_bytes(footer_header_bytes[..4].try_into().unwrap());
    let footer_size = footer_size as usize + FOOTER_HEADER_SIZE;

    polars_ensure!(
        file_size >= footer_size,
        ComputeError:
        "file size ({file_size}) is less than the indicated footer size ({footer_size})",
    );

    if bytes.len() < footer_size {
        debug_assert!(!matches!(byte_source, DynByteSource::Buffer(_)));
        if verbose {
            eprintln!(
                "[IpcFileReader]: Extra {} bytes need to be fetched for metadata \
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
                "[IpcFileReader]: Fetched all bytes for metadata on first try \
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
            Ok((metadata_bytes, None))
        }
    }
}
