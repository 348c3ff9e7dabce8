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
    /// Apache Parquet (GeoParquet when the result has a geometry column).
    Parquet,
    /// A GeoJSON FeatureCollection: each row a feature, its geometry from a geometry column or
    /// a lon/lat pair, the other columns its properties.
    GeoJson,
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
            "geojson" => Self::GeoJson,
            _ => return None,
        })
    }
}

/// Timestamps and dates as ISO 8601 text: UTC timestamps end in `Z`, others in their offset; a
/// timestamp without a zone (a local wall time, as `ts AT TIME ZONE 'Europe/Berlin'` gives) has
/// no suffix, so it never reads as UTC.
pub fn temporal_to_text(df: &DataFrame) -> Result<DataFrame> {
    let cols = df
        .columns()
        .iter()
        .map(|c| {
            let s = c.as_materialized_series();
            let out = match s.dtype() {
                DataType::Datetime(_, tz) => {
                    let fmt = if tz.is_none() {
                        "%Y-%m-%dT%H:%M:%S%.f"
                    } else if tz.as_ref().is_some_and(|t| t.as_str() == "UTC") {
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

/// Lists, vectors and structs as JSON text (`[0.1, 0.2]`), for CSV, which has no nested values.
fn nested_to_text(df: &DataFrame) -> Result<DataFrame> {
    let nested = |t: &DataType| {
        matches!(
            t,
            DataType::List(_) | DataType::Array(..) | DataType::Struct(_)
        )
    };
    if !df.columns().iter().any(|c| nested(c.dtype())) {
        return Ok(df.clone());
    }
    let cols = df
        .columns()
        .iter()
        .map(|c| {
            if !nested(c.dtype()) {
                return Ok(c.clone());
            }
            let s = c.as_materialized_series();
            let mut one = DataFrame::new(s.len(), vec![s.clone().into_column()])?;
            let mut buf = Vec::new();
            JsonWriter::new(&mut buf)
                .with_json_format(JsonFormat::JsonLines)
                .finish(&mut one)?;
            let text = String::from_utf8_lossy(&buf);
            // Each line is {"name":value}: the value is what follows the key.
            let key = serde_json::to_string(s.name().as_str()).unwrap_or_default();
            let values: StringChunked = text
                .lines()
                .zip(s.iter())
                .map(|(line, v)| {
                    (!matches!(v, AnyValue::Null)).then(|| {
                        line.trim()
                            .strip_prefix('{')
                            .and_then(|l| l.strip_suffix('}'))
                            .and_then(|l| l.strip_prefix(key.as_str()))
                            .and_then(|l| l.strip_prefix(':'))
                            .unwrap_or(line)
                            .to_string()
                    })
                })
                .collect();
            Ok(values.with_name(s.name().clone()).into_column())
        })
        .collect::<PolarsResult<Vec<_>>>()
        .map_err(|e| LakeError::Internal(format!("formatting nested values: {e}")))?;
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
            let mut text = nested_to_text(&temporal_to_text(df)?)?;
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
        OutputFormat::GeoJson => write_geojson(df, out),
        OutputFormat::Parquet => {
            let mut df = df.clone();
            let geo = crate::storage::geoparquet_metadata(df.schema()).map(|v| {
                polars::io::parquet::write::KeyValueMetadata::from_static(vec![("geo".into(), v)])
            });
            ParquetWriter::new(out)
                .with_key_value_metadata(geo)
                .with_compression(ParquetCompression::Zstd(None))
                .finish(&mut df)
                .map(|_| ())
                .map_err(io_err)
        }
    }
}

/// The rows as a GeoJSON FeatureCollection.
fn write_geojson<W: Write>(df: &DataFrame, out: &mut W) -> Result<()> {
    use crate::spatial::index::{coordinate_pairs, geometry_columns, Target};
    let defs: Vec<crate::catalog::ColumnDef> = df
        .schema()
        .iter()
        .map(|(n, t)| crate::catalog::ColumnDef {
            name: n.to_string(),
            dtype: t.to_string(),
        })
        .collect();
    let target = geometry_columns(&defs)
        .into_iter()
        .chain(coordinate_pairs(&defs))
        .next()
        .ok_or_else(|| {
            LakeError::Unsupported(
                "GeoJSON needs a geometry column (WKB, named like `geometry`) or a lon/lat pair of \
                 columns; add one, for example ST_Point(lon, lat) AS geometry"
                    .into(),
            )
        })?;
    let geoms = target
        .read(df)
        .map_err(|e| LakeError::QueryFailed(format!("GeoJSON geometry: {e}")))?;
    // The properties: every other column, as the JSON output writes them.
    let drop: Vec<&str> = match &target {
        Target::Geometry(g) => vec![g.as_str()],
        Target::Points { .. } => vec![],
    };
    let mut props = temporal_to_text(&df.drop_many(drop.iter().copied()))?;
    let binary: Vec<String> = props
        .schema()
        .iter()
        .filter(|(_, t)| **t == DataType::Binary)
        .map(|(n, _)| n.to_string())
        .collect();
    props = props.drop_many(binary.iter().map(String::as_str));
    let mut buf = Vec::new();
    JsonWriter::new(&mut buf)
        .with_json_format(JsonFormat::Json)
        .finish(&mut props)
        .map_err(io_err)?;
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&buf).unwrap_or_default();
    let features: Vec<serde_json::Value> = geoms
        .iter()
        .enumerate()
        .map(|(i, g)| {
            serde_json::json!({
                "type": "Feature",
                "geometry": g.as_ref().map(crate::spatial::text::to_geojson),
                "properties": rows.get(i).cloned().unwrap_or(serde_json::Value::Null),
            })
        })
        .collect();
    let fc = serde_json::json!({"type": "FeatureCollection", "features": features});
    serde_json::to_writer(&mut *out, &fc)
        .map_err(|e| LakeError::io("writing the result", std::io::Error::other(e)))?;
    writeln!(out).map_err(|e| LakeError::io("writing the result", e))
}

/// Whether a CSV cell would start a formula in a spreadsheet (`=`, `+`, `-`, `@`, or a tab or
/// carriage return before one).
fn starts_formula(s: &str) -> bool {
    matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// The frame with every text cell (and column name) that a spreadsheet would run as a formula
/// prefixed with `'`, the usual defence against CSV formula injection. Numbers are left alone.
pub fn spreadsheet_safe(df: &DataFrame) -> Result<DataFrame> {
    let guard = |s: &str| -> String {
        if starts_formula(s) {
            format!("'{s}")
        } else {
            s.to_string()
        }
    };
    let cols = df
        .columns()
        .iter()
        .map(|c| {
            let name = guard(c.name());
            let s = c.as_materialized_series();
            let out: Series = match s.dtype() {
                DataType::String => s
                    .str()
                    .map_err(|e| LakeError::Internal(e.to_string()))?
                    .iter()
                    .map(|v| v.map(guard))
                    .collect::<StringChunked>()
                    .into_series(),
                _ => s.clone(),
            };
            Ok(Column::from(out.with_name(name.into())))
        })
        .collect::<Result<Vec<_>>>()?;
    DataFrame::new(df.height(), cols).map_err(|e| LakeError::Internal(e.to_string()))
}

/// Writes `df` to `path` in `format` all at once: into a temporary file beside it, synced, then
/// renamed over it, so a failed or interrupted export never leaves half a file (and never
/// touches an existing file until the new one is whole). `spreadsheet_safe` applies to CSV.
pub fn export_to_file(
    df: &DataFrame,
    format: OutputFormat,
    path: &std::path::Path,
    spreadsheet_safe_csv: bool,
) -> Result<()> {
    let safe;
    let df = if spreadsheet_safe_csv && format == OutputFormat::Csv {
        safe = spreadsheet_safe(df)?;
        &safe
    } else {
        df
    };
    write_file_atomically(path, |mut w| write_frame(df, format, &mut w))
}

/// Writes `path` through a hidden file beside it, synced, then renamed over it: a reader never
/// sees half a file, and a failed write leaves no trace.
pub fn write_file_atomically(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let tmp = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let written = (|| {
        // A new file only: a link planted under the temporary name (a shared folder) is not
        // followed and written through.
        let mut f = std::fs::File::create_new(&tmp)
            .map_err(|e| LakeError::io(format!("creating {}", tmp.display()), e))?;
        let mut w = std::io::BufWriter::new(&mut f);
        write(&mut w)?;
        w.flush()
            .map_err(|e| LakeError::io(format!("writing {}", tmp.display()), e))?;
        drop(w);
        f.sync_all()
            .map_err(|e| LakeError::io(format!("writing {}", tmp.display()), e))?;
        std::fs::rename(&tmp, path)
            .map_err(|e| LakeError::io(format!("writing {}", path.display()), e))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_numbers_kept() {
        let df = df! {
            "=name" => ["=1+2", "+SUM(A1)", "-x", "@cmd", "\t=x", "plain", "a=b"],
            "n" => [-1i64, 2, 3, 4, 5, 6, 7],
        }
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        export_to_file(&df, OutputFormat::Csv, &p, true).unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "'=name,n\n'=1+2,-1\n'+SUM(A1),2\n'-x,3\n'@cmd,4\n'\t=x,5\nplain,6\na=b,7\n"
        );
        // Nothing else is left beside it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
