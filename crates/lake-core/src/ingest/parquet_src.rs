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

/// The list-of-floats columns of the first batch whose rows all hold the same number (at least
/// 2) of values: vectors, stored as `FLOAT[N]`.
fn vector_columns(df: &DataFrame) -> Vec<(PlSmallStr, usize)> {
    df.columns()
        .iter()
        .filter(|c| {
            matches!(c.dtype(), DataType::List(i) if matches!(**i, DataType::Float32 | DataType::Float64))
        })
        .filter_map(|c| {
            let lens = c.list().ok()?.lst_lengths();
            let (min, max) = (lens.min()?, lens.max()?);
            (min == max && min >= 2).then(|| (c.name().clone(), min as usize))
        })
        .collect()
}

/// Casts the vector columns of a batch whose first row is row `first` of the file.
fn as_vectors(
    ctx: &ReadCtx<'_>,
    df: &mut DataFrame,
    vectors: &[(PlSmallStr, usize)],
    first: usize,
) -> Result<()> {
    for (name, dim) in vectors {
        let c = df.column(name).map_err(|e| bad(ctx, e))?;
        let lens = c.list().map_err(|e| bad(ctx, e))?.lst_lengths();
        if let Some((i, n)) = lens
            .iter()
            .enumerate()
            .find_map(|(i, n)| n.filter(|n| *n as usize != *dim).map(|n| (i, n)))
        {
            return Err(LakeError::bad_input(
                &ctx.display,
                Some(format!("row {}", first + i + 1)),
                format!("`{name}` holds {n} values; the column holds vectors of {dim} numbers (FLOAT[{dim}])"),
            ));
        }
        let cast = c
            .cast(&DataType::Array(Box::new(DataType::Float32), *dim))
            .map_err(|e| bad(ctx, e))?;
        df.replace(name, cast).map_err(|e| bad(ctx, e))?;
    }
    Ok(())
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
    let mut vectors = None;
    loop {
        ctx.check_cancel()?;
        let mut df = ParquetReader::new(open()?)
            .with_slice(Some((offset, step)))
            .finish()
            .map_err(|e| bad(ctx, e))?;
        let vectors = vectors.get_or_insert_with(|| vector_columns(&df));
        as_vectors(ctx, &mut df, vectors, offset)?;
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
