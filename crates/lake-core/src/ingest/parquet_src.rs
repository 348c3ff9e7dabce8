//! Parquet files: read in slices of row groups so a large file never sits whole in memory.

use std::fs::File;

use polars::prelude::*;

use super::{FileReport, ReadCtx, BATCH_ROWS};
use crate::error::{IoContext, LakeError, Result};

fn bad(ctx: &ReadCtx<'_>, e: PolarsError) -> LakeError {
    LakeError::bad_input(
        &ctx.display,
        None,
        format!("not a readable Parquet file ({e}); check that the file is complete"),
    )
}

/// Copies a Parquet file into staging, re-encoded with statistics.
pub fn import_parquet(ctx: &ReadCtx<'_>) -> Result<FileReport> {
    let open = || File::open(ctx.path).ctx(|| format!("opening {}", ctx.display));
    let total = ParquetReader::new(open()?)
        .num_rows()
        .map_err(|e| bad(ctx, e))?;
    let size = std::fs::metadata(ctx.path).map(|m| m.len()).unwrap_or(0);
    let mut sink = ctx.sink(&ctx.prefix);
    let step = BATCH_ROWS * 4;
    let mut offset = 0usize;
    loop {
        ctx.check_cancel()?;
        let df = ParquetReader::new(open()?)
            .with_slice(Some((offset, step)))
            .finish()
            .map_err(|e| bad(ctx, e))?;
        let n = df.height();
        sink.write(df)?;
        offset += n;
        if total > 0 {
            ctx.bytes_read.store(
                (size as u128 * offset as u128 / total as u128) as u64,
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        ctx.report(offset as u64);
        if n == 0 || offset >= total {
            break;
        }
    }
    let schema = sink.column_defs();
    Ok(FileReport {
        files: sink.finish()?,
        schema,
        rows: offset as u64,
        skipped: 0,
    })
}
