//! Writing results: a table for people, and CSV (RFC 4180), JSON, NDJSON and Parquet for
//! machines. Timestamps are written as ISO 8601 UTC with `Z`.

use std::io::Write;

use polars::prelude::*;

use crate::error::{LakeError, Result};

/// Output formats of `lake query`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// A text table.
    Table,
    /// RFC 4180 CSV with a header.
    Csv,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// Apache Parquet.
    Parquet,
}

impl OutputFormat {
    /// Parses a `--format` value.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "table" => Self::Table,
            "csv" => Self::Csv,
            "json" => Self::Json,
            "ndjson" => Self::Ndjson,
            "parquet" => Self::Parquet,
            _ => return None,
        })
    }
}

/// Timestamps and dates as ISO 8601 text (UTC timestamps end in `Z`).
pub fn temporal_to_text(df: &DataFrame) -> Result<DataFrame> {
    let cols = df
        .columns()
        .iter()
        .map(|c| {
            let s = c.as_materialized_series();
            let out = match s.dtype() {
                DataType::Datetime(_, tz) => {
                    let fmt = if tz.is_none() || tz.as_ref().is_some_and(|t| t.as_str() == "UTC") {
                        "%Y-%m-%dT%H:%M:%S%.fZ"
                    } else {
                        "%Y-%m-%dT%H:%M:%S%.f%:z"
                    };
                    s.datetime()
                        .and_then(|ca| ca.to_string(fmt))
                        .map(|ca| ca.into_series())
                }
                _ => Ok(s.clone()),
            };
            out.map(Column::from)
        })
        .collect::<PolarsResult<Vec<_>>>()
        .map_err(|e| LakeError::Internal(format!("formatting timestamps: {e}")))?;
    DataFrame::new(df.height(), cols).map_err(|e| LakeError::Internal(e.to_string()))
}

fn io_err(e: PolarsError) -> LakeError {
    LakeError::io("writing the result", std::io::Error::other(e.to_string()))
}

/// Writes `df` in `format`.
pub fn write_frame<W: Write>(df: &DataFrame, format: OutputFormat, out: &mut W) -> Result<()> {
    match format {
        OutputFormat::Table => {
            let text = temporal_to_text(df)?;
            writeln!(out, "{text}").map_err(|e| LakeError::io("writing the result", e))?;
            Ok(())
        }
        OutputFormat::Csv => {
            let mut text = temporal_to_text(df)?;
            CsvWriter::new(out)
                .include_header(true)
                .finish(&mut text)
                .map_err(io_err)
        }
        OutputFormat::Json | OutputFormat::Ndjson => {
            let mut text = temporal_to_text(df)?;
            JsonWriter::new(out)
                .with_json_format(if format == OutputFormat::Json {
                    JsonFormat::Json
                } else {
                    JsonFormat::JsonLines
                })
                .finish(&mut text)
                .map_err(io_err)
        }
        OutputFormat::Parquet => {
            let mut df = df.clone();
            ParquetWriter::new(out)
                .with_compression(ParquetCompression::Zstd(None))
                .finish(&mut df)
                .map(|_| ())
                .map_err(io_err)
        }
    }
}
