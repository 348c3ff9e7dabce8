//! Writes batches to Parquet files in staging, rolling to a new file every N rows, and keeps
//! per-file column statistics (rows, nulls, min, max) for the catalog.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde_json::Value;

use crate::catalog::{compare_stat_values, ColumnDef, ColumnStats};
use crate::error::{IoContext, LakeError, Result};

/// A finished, fsynced file in staging.
#[derive(Debug)]
pub struct StagedFile {
    /// Where it is now.
    pub path: PathBuf,
    /// Rows.
    pub rows: u64,
    /// Size.
    pub bytes: u64,
    /// Column statistics.
    pub stats: Vec<ColumnStats>,
    /// The Hive-style partition folder it belongs in (`year=2024`), if any.
    pub partition: Option<String>,
}

/// A file that remembers its first write error, so a failure inside the Parquet writer (which
/// reports it as a format error) surfaces as the I/O error it was: a full disk, say.
struct Recording {
    file: File,
    first_error: std::sync::Arc<std::sync::Mutex<Option<(std::io::ErrorKind, String)>>>,
}

impl std::io::Write for Recording {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf).inspect_err(|e| self.record(e))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush().inspect_err(|e| self.record(e))
    }
}

impl Recording {
    fn record(&self, e: &std::io::Error) {
        let mut slot = self.first_error.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert_with(|| (e.kind(), e.to_string()));
    }
}

struct OpenFile {
    writer: polars::io::parquet::write::BatchedWriter<Recording>,
    io_error: std::sync::Arc<std::sync::Mutex<Option<(std::io::ErrorKind, String)>>>,
    path: PathBuf,
    rows: u64,
    stats: Vec<ColumnStats>,
}

/// Rolls batches into Parquet files of at most `rows_per_file` rows.
pub struct ParquetSink {
    dir: PathBuf,
    prefix: String,
    rows_per_file: u64,
    open: Option<OpenFile>,
    done: Vec<StagedFile>,
    schema: Option<Schema>,
    partition: Option<PartitionBy>,
    /// Per year of the partition column, its own sink, whose files go in `year=<year>/`.
    parts: std::collections::BTreeMap<Option<i32>, ParquetSink>,
    /// This sink's partition folder.
    folder: Option<String>,
}

/// Files split by the year of a date or timestamp column, so the catalog's per-file statistics
/// let a query on a time range skip whole years.
#[derive(Debug, Clone)]
pub struct PartitionBy {
    /// The column.
    pub column: String,
    /// Whether a missing or non-temporal column is an error (a user's `--partition-by`) or
    /// means no partitioning (the Takeout tables' default on `ts`).
    pub strict: bool,
    /// The file being read, for errors.
    pub source: String,
}

fn polars_err(path: &Path, e: PolarsError) -> LakeError {
    match e {
        PolarsError::IO { error, .. } => LakeError::io(
            format!("writing {}", path.display()),
            std::io::Error::new(error.kind(), error.to_string()),
        ),
        e => LakeError::Internal(format!("writing {}: {e}", path.display())),
    }
}

/// A writer error, as the I/O error underneath when the file saw one.
fn write_err(open: &OpenFile, e: PolarsError) -> LakeError {
    let io = open
        .io_error
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    match io {
        Some((kind, msg)) => LakeError::io(
            format!("writing {}", open.path.display()),
            std::io::Error::new(kind, msg),
        ),
        None => polars_err(&open.path, e),
    }
}

/// The JSON form of a min or max value: numbers for numeric and temporal types (days or
/// microseconds since the epoch), text for strings.
fn scalar_json(v: AnyValue<'_>) -> Option<Value> {
    match v {
        AnyValue::Boolean(b) => Some(Value::Bool(b)),
        AnyValue::Int8(x) => Some(x.into()),
        AnyValue::Int16(x) => Some(x.into()),
        AnyValue::Int32(x) => Some(x.into()),
        AnyValue::Int64(x) => Some(x.into()),
        AnyValue::UInt8(x) => Some(x.into()),
        AnyValue::UInt16(x) => Some(x.into()),
        AnyValue::UInt32(x) => Some(x.into()),
        AnyValue::UInt64(x) => Some(x.into()),
        AnyValue::Float32(x) if x.is_finite() => Some((x as f64).into()),
        AnyValue::Float64(x) if x.is_finite() => Some(x.into()),
        AnyValue::Date(d) => Some(d.into()),
        AnyValue::Datetime(t, _, _) | AnyValue::DatetimeOwned(t, _, _) => Some(t.into()),
        AnyValue::String(s) => Some(Value::String(s.to_string())),
        AnyValue::StringOwned(s) => Some(Value::String(s.to_string())),
        _ => None,
    }
}

/// Statistics of every column of `df`.
pub fn frame_stats(df: &DataFrame) -> Vec<ColumnStats> {
    df.columns()
        .iter()
        .map(|c| {
            let s = c.as_materialized_series();
            let dtype = s.dtype();
            let physical_ok = dtype.is_primitive_numeric()
                || dtype.is_temporal()
                || matches!(dtype, DataType::String | DataType::Boolean);
            let (min, max) = if physical_ok && s.null_count() < s.len() {
                let min = s
                    .min_reduce()
                    .ok()
                    .and_then(|sc| scalar_json(sc.value().clone()));
                let max = s
                    .max_reduce()
                    .ok()
                    .and_then(|sc| scalar_json(sc.value().clone()));
                (min, max)
            } else {
                (None, None)
            };
            ColumnStats {
                column: s.name().to_string(),
                dtype: dtype.to_string(),
                null_count: s.null_count() as u64,
                min,
                max,
            }
        })
        .collect()
}

fn merge_stats(acc: &mut [ColumnStats], new: Vec<ColumnStats>) {
    for (a, n) in acc.iter_mut().zip(new) {
        a.null_count += n.null_count;
        a.min = match (a.min.take(), n.min) {
            (Some(x), Some(y)) => Some(if compare_stat_values(&y, &x).is_lt() {
                y
            } else {
                x
            }),
            (x, y) => x.or(y),
        };
        a.max = match (a.max.take(), n.max) {
            (Some(x), Some(y)) => Some(if compare_stat_values(&y, &x).is_gt() {
                y
            } else {
                x
            }),
            (x, y) => x.or(y),
        };
    }
}

impl ParquetSink {
    /// A sink writing `<prefix>-NNNNN.parquet` files into `dir`.
    pub fn new(dir: &Path, prefix: &str, rows_per_file: u64) -> Self {
        ParquetSink {
            dir: dir.to_path_buf(),
            prefix: prefix.to_string(),
            rows_per_file: rows_per_file.max(1),
            open: None,
            done: Vec::new(),
            schema: None,
            partition: None,
            parts: std::collections::BTreeMap::new(),
            folder: None,
        }
    }

    /// Splits the files by the year of a column (see [`PartitionBy`]).
    pub fn partitioned_by(mut self, partition: Option<PartitionBy>) -> Self {
        self.partition = partition;
        self
    }

    /// The year of each row's partition column, or None when this batch is not partitioned.
    fn years(&self, df: &DataFrame) -> Result<Option<Int32Chunked>> {
        let Some(p) = &self.partition else {
            return Ok(None);
        };
        let fail = |msg: String| -> Result<Option<Int32Chunked>> {
            if p.strict {
                Err(LakeError::bad_input(&p.source, None, msg))
            } else {
                Ok(None)
            }
        };
        let Some(c) = df
            .get_column_names()
            .into_iter()
            .find(|n| n.eq_ignore_ascii_case(&p.column))
            .cloned()
        else {
            let names: Vec<String> = df
                .get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect();
            return fail(format!(
                "--partition-by: there is no column `{}`; the columns are {}",
                p.column,
                names.join(", ")
            ));
        };
        let dtype = df.column(&c).map(|s| s.dtype().clone()).ok();
        if !matches!(dtype, Some(DataType::Date) | Some(DataType::Datetime(..))) {
            return fail(format!(
                "--partition-by needs a date or timestamp column; `{c}` is {}",
                dtype.map(|d| d.to_string()).unwrap_or_default()
            ));
        }
        let years = df
            .clone()
            .lazy()
            .select([col(c.clone()).dt().year().alias("year")])
            .collect()
            .and_then(|y| y.column("year").and_then(|c| c.i32().cloned()))
            .map_err(|e| LakeError::Internal(format!("partitioning by {c}: {e}")))?;
        Ok(Some(years))
    }

    fn write_partitioned(&mut self, df: DataFrame, years: Int32Chunked) -> Result<()> {
        let column = self
            .partition
            .as_ref()
            .map(|p| p.column.clone())
            .unwrap_or_default();
        let distinct: std::collections::BTreeSet<Option<i32>> = years.iter().collect();
        for year in distinct {
            let mask: BooleanChunked = match year {
                Some(y) => years.equal(y),
                None => years.is_null(),
            };
            let part = df
                .filter(&mask)
                .map_err(|e| LakeError::Internal(format!("partitioning by {column}: {e}")))?;
            // Hive's name for the partition of NULLs, as other engines expect it.
            let label = year.map_or_else(
                || "__HIVE_DEFAULT_PARTITION__".to_string(),
                |y| y.to_string(),
            );
            let sink = self.parts.entry(year).or_insert_with(|| {
                let mut s = ParquetSink::new(
                    &self.dir,
                    &format!("{}-{column}-{label}", self.prefix),
                    self.rows_per_file,
                );
                s.folder = Some(format!("year={label}"));
                s
            });
            sink.write(part)?;
        }
        Ok(())
    }

    /// The schema of the batches written so far.
    pub fn schema(&self) -> Option<&Schema> {
        self.schema.as_ref()
    }

    /// The columns written so far, as the catalog records them.
    pub fn column_defs(&self) -> Vec<ColumnDef> {
        self.schema
            .iter()
            .flat_map(|s| s.iter())
            .map(|(n, t)| ColumnDef {
                name: n.to_string(),
                dtype: t.to_string(),
            })
            .collect()
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.done.iter().map(|f| f.rows).sum::<u64>()
            + self.open.as_ref().map_or(0, |o| o.rows)
            + self.parts.values().map(ParquetSink::rows).sum::<u64>()
    }

    /// Writes a batch, splitting it across files as needed.
    pub fn write(&mut self, mut df: DataFrame) -> Result<()> {
        if df.height() == 0 && self.schema.is_some() {
            return Ok(());
        }
        match &self.schema {
            None => self.schema = Some(df.schema().as_ref().clone()),
            Some(s) if s != df.schema().as_ref() => {
                return Err(LakeError::Internal(format!(
                    "batch schema changed while writing {}",
                    self.dir.display()
                )))
            }
            _ => {}
        }
        if df.height() > 0 {
            if let Some(years) = self.years(&df)? {
                return self.write_partitioned(df, years);
            }
        }
        loop {
            if self.open.is_none() {
                self.open_file()?;
            }
            let open = self.open.as_mut().expect("just opened");
            let room = (self.rows_per_file - open.rows) as usize;
            let (now, rest) = if df.height() > room {
                let (a, b) = df.split_at(room as i64);
                (a, Some(b))
            } else {
                (df, None)
            };
            if now.height() > 0 {
                if let Err(e) = open.writer.write_batch(&now) {
                    return Err(write_err(open, e));
                }
                open.rows += now.height() as u64;
                merge_stats(&mut open.stats, frame_stats(&now));
            }
            if open.rows >= self.rows_per_file {
                self.close_file()?;
            }
            match rest {
                Some(r) => df = r,
                None => break,
            }
        }
        Ok(())
    }

    fn open_file(&mut self) -> Result<()> {
        let path = self
            .dir
            .join(format!("{}-{:05}.parquet", self.prefix, self.done.len()));
        let file = File::create(&path).ctx(|| format!("creating {}", path.display()))?;
        let io_error = std::sync::Arc::default();
        let file = Recording {
            file,
            first_error: std::sync::Arc::clone(&io_error),
        };
        let schema = self.schema.clone().unwrap_or_default();
        let writer = ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .with_statistics(StatisticsOptions::full())
            .with_row_group_size(Some(128 * 1024))
            .batched(&schema)
            .map_err(|e| polars_err(&path, e))?;
        let stats = schema
            .iter()
            .map(|(n, dt)| ColumnStats {
                column: n.to_string(),
                dtype: dt.to_string(),
                null_count: 0,
                min: None,
                max: None,
            })
            .collect();
        self.open = Some(OpenFile {
            writer,
            io_error,
            path,
            rows: 0,
            stats,
        });
        Ok(())
    }

    fn close_file(&mut self) -> Result<()> {
        if let Some(open) = self.open.take() {
            if let Err(e) = open.writer.finish() {
                return Err(write_err(&open, e));
            }
            drop(open.writer);
            let f = File::open(&open.path).ctx(|| format!("opening {}", open.path.display()))?;
            f.sync_all()
                .ctx(|| format!("syncing {}", open.path.display()))?;
            let bytes = f.metadata().map(|m| m.len()).unwrap_or(0);
            self.done.push(StagedFile {
                path: open.path,
                rows: open.rows,
                bytes,
                stats: open.stats,
                partition: self.folder.clone(),
            });
        }
        Ok(())
    }

    /// Closes the last file and returns all files. A sink that saw only an empty batch still
    /// yields one empty file so the dataset has a schema.
    pub fn finish(mut self) -> Result<Vec<StagedFile>> {
        let parts = std::mem::take(&mut self.parts);
        if !parts.is_empty() {
            // Batches before the partition column appeared (none in practice) stay as written.
            self.close_file()?;
            let mut files = self.done;
            for (_, sink) in parts {
                files.extend(sink.finish()?);
            }
            return Ok(files);
        }
        if self.done.is_empty() && self.open.is_none() && self.schema.is_some() {
            self.open_file()?;
        }
        self.close_file()?;
        Ok(self.done)
    }
}
