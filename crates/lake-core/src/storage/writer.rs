//! Writes batches to Parquet files in staging, rolling to a new file every N rows, and keeps
//! per-file column statistics (rows, nulls, min, max) for the catalog.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde_json::Value;

use super::sketch::Sketch;
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
    /// SHA-256 (hex) of its bytes, hashed as they were written.
    pub sha256: Option<String>,
}

/// A file that remembers its first write error, so a failure inside the Parquet writer (which
/// reports it as a format error) surfaces as the I/O error it was: a full disk, say. It hashes
/// what it writes (the checksum `lake verify` and backups compare with), so the file is never
/// read back for it.
struct Recording {
    file: File,
    first_error: std::sync::Arc<std::sync::Mutex<Option<(std::io::ErrorKind, String)>>>,
    hash: std::sync::Arc<std::sync::Mutex<sha2::Sha256>>,
}

impl std::io::Write for Recording {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf).inspect_err(|e| self.record(e))?;
        sha2::Digest::update(
            &mut *self.hash.lock().unwrap_or_else(|p| p.into_inner()),
            &buf[..n],
        );
        Ok(n)
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
    hash: std::sync::Arc<std::sync::Mutex<sha2::Sha256>>,
    path: PathBuf,
    rows: u64,
    stats: Vec<ColumnStats>,
    /// Per column, its distinct values so far (None once a batch could not be hashed).
    sketches: Vec<Option<Sketch>>,
    /// Rows accepted but not yet written: batches arrive in slivers (a partitioned import
    /// splits each batch by year), and each write would be its own row group.
    pending: Vec<DataFrame>,
    /// Their estimated in-memory size.
    pending_bytes: usize,
}

/// Whether a column of bytes named `name` holds geometry (WKB): `geometry`, `geom`,
/// `geometry_wkb`, `wkb`, `shape` and the like.
pub fn is_geometry_column_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("geom") || n == "wkb" || n.ends_with("_wkb") || n == "shape"
}

/// GeoParquet 1.1 file metadata (the `geo` key) for the schema's geometry columns, so GeoPandas,
/// DuckDB and GDAL read them as geometry: WKB, lon/lat on WGS84 (the default CRS, OGC:CRS84).
pub fn geoparquet_metadata(schema: &Schema) -> Option<String> {
    let cols: Vec<&str> = schema
        .iter()
        .filter(|(n, dt)| **dt == DataType::Binary && is_geometry_column_name(n))
        .map(|(n, _)| n.as_str())
        .collect();
    let primary = *cols.first()?;
    let columns: serde_json::Map<String, Value> = cols
        .iter()
        .map(|c| {
            let spec = serde_json::json!({"encoding": "WKB", "geometry_types": []});
            (c.to_string(), spec)
        })
        .collect();
    let meta =
        serde_json::json!({"version": "1.1.0", "primary_column": primary, "columns": columns});
    Some(meta.to_string())
}

/// Rows per row group. Readers pay per row group, so slivers of a few hundred rows made the
/// lake's files read 1.5–2.5× slower than the same data in groups of this size (TPC-H SF1).
const ROW_GROUP_ROWS: usize = 128 * 1024;

/// A row group is written early when its rows hold this much (mail bodies, long texts), so
/// wide rows do not pile up in memory.
const ROW_GROUP_BYTES: usize = 64 << 20;

/// What the open files of a partitioned import may hold back together; beyond it the largest
/// is written out.
const PENDING_BUDGET: usize = 256 << 20;

impl OpenFile {
    /// Writes the pending rows as whole row groups of [`ROW_GROUP_ROWS`]; with `all` (the file
    /// is closing, or memory is short), or once they hold [`ROW_GROUP_BYTES`], the rest too.
    fn write_groups(&mut self, all: bool) -> Result<()> {
        let all = all || self.pending_bytes >= ROW_GROUP_BYTES;
        let rows: usize = self.pending.iter().map(|f| f.height()).sum();
        if rows == 0 || (!all && rows < ROW_GROUP_ROWS) {
            return Ok(());
        }
        let bytes_per_row = self.pending_bytes / rows;
        let mut frames = std::mem::take(&mut self.pending).into_iter();
        let mut acc = frames.next().expect("pending rows are in frames");
        for f in frames {
            if let Err(e) = acc.vstack_mut_owned(f) {
                return Err(write_err(self, e));
            }
        }
        self.pending_bytes = 0;
        let mut offset = 0;
        while acc.height() - offset >= ROW_GROUP_ROWS || (all && offset < acc.height()) {
            let n = ROW_GROUP_ROWS.min(acc.height() - offset);
            let mut group = acc.slice(offset as i64, n);
            // One chunk is one row group.
            group.rechunk_mut_par();
            if let Err(e) = self.writer.write_batch(&group) {
                return Err(write_err(self, e));
            }
            offset += n;
        }
        if offset < acc.height() {
            let rest = acc.slice(offset as i64, acc.height() - offset);
            self.pending_bytes = rest.height() * bytes_per_row;
            self.pending.push(rest);
        }
        Ok(())
    }
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
    /// What is done to each batch before it is written (adding a geometry column, say).
    transform: Option<BatchTransform>,
}

/// A change made to every batch a sink writes.
pub type BatchTransform = fn(&mut DataFrame) -> PolarsResult<()>;

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
                distinct: None,
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
            transform: None,
        }
    }

    /// Applies `f` to each batch before writing it.
    pub fn with_transform(mut self, f: Option<BatchTransform>) -> Self {
        self.transform = f;
        self
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
        // Eager, not a lazy `collect()`: a lazy plan runs on Polars' engine, which stops at the
        // process-wide abort flag that a query's Cancel raises, so an import running beside a
        // cancelled query would fail (see `partitioning_ignores_a_cancel_of_a_query`).
        let years = df
            .column(&c)
            .and_then(|s| s.as_materialized_series().year())
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
        // Each year's file holds back up to a row group; many years at once must not.
        loop {
            let held = |s: &ParquetSink| s.open.as_ref().map_or(0, |o| o.pending_bytes);
            let total: usize = self.parts.values().map(held).sum();
            if total <= PENDING_BUDGET {
                return Ok(());
            }
            let Some(largest) = self.parts.values_mut().max_by_key(|s| held(s)) else {
                return Ok(());
            };
            if let Some(open) = largest.open.as_mut() {
                open.write_groups(true)?;
            }
        }
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
        let _t = crate::meter::phases::Phase::Write.timer();
        if let Some(f) = self.transform {
            f(&mut df).map_err(|e| LakeError::Internal(format!("preparing a batch: {e}")))?;
        }
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
                open.rows += now.height() as u64;
                merge_stats(&mut open.stats, frame_stats(&now));
                for (k, c) in open.sketches.iter_mut().zip(now.columns()) {
                    if k.as_mut()
                        .is_some_and(|k| !k.add(c.as_materialized_series()))
                    {
                        *k = None;
                    }
                }
                open.pending_bytes += now.estimated_size(false);
                open.pending.push(now);
                open.write_groups(false)?;
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
        let hash = std::sync::Arc::default();
        let file = Recording {
            file,
            first_error: std::sync::Arc::clone(&io_error),
            hash: std::sync::Arc::clone(&hash),
        };
        let schema = self.schema.clone().unwrap_or_default();
        let geo = geoparquet_metadata(&schema).map(|v| {
            polars::io::parquet::write::KeyValueMetadata::from_static(vec![("geo".into(), v)])
        });
        let writer = ParquetWriter::new(file)
            .with_key_value_metadata(geo)
            // LZ4 (the LZ4_RAW codec every current Parquet reader knows): files about half
            // again as large as with zstd, but TPC-H SF1 queries read them 1.3–2× faster.
            .with_compression(ParquetCompression::Lz4Raw)
            .with_statistics(StatisticsOptions::full())
            .with_row_group_size(Some(ROW_GROUP_ROWS))
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
                distinct: None,
            })
            .collect();
        let sketches = schema.iter().map(|_| Some(Sketch::default())).collect();
        self.open = Some(OpenFile {
            writer,
            io_error,
            hash,
            path,
            rows: 0,
            stats,
            sketches,
            pending: Vec::new(),
            pending_bytes: 0,
        });
        Ok(())
    }

    fn close_file(&mut self) -> Result<()> {
        if let Some(mut open) = self.open.take() {
            open.write_groups(true)?;
            if let Err(e) = open.writer.finish() {
                return Err(write_err(&open, e));
            }
            drop(open.writer);
            let f = File::open(&open.path).ctx(|| format!("opening {}", open.path.display()))?;
            f.sync_all()
                .ctx(|| format!("syncing {}", open.path.display()))?;
            let bytes = f.metadata().map(|m| m.len()).unwrap_or(0);
            for (s, k) in open.stats.iter_mut().zip(&open.sketches) {
                s.distinct = k
                    .as_ref()
                    .map(|k| k.estimate().min(open.rows.saturating_sub(s.null_count)));
            }
            let hash = std::mem::take(&mut *open.hash.lock().unwrap_or_else(|p| p.into_inner()));
            self.done.push(StagedFile {
                path: open.path,
                rows: open.rows,
                bytes,
                stats: open.stats,
                partition: self.folder.clone(),
                sha256: Some(format!("{:x}", sha2::Digest::finalize(hash))),
            });
        }
        Ok(())
    }

    /// Closes the last file and returns all files. A sink that saw only an empty batch still
    /// yields one empty file so the dataset has a schema.
    pub fn finish(mut self) -> Result<Vec<StagedFile>> {
        let _t = crate::meter::phases::Phase::Write.timer();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The row groups and codec of a written file.
    fn layout(path: &Path) -> (Vec<usize>, Vec<String>) {
        let mut reader = ParquetReader::new(File::open(path).unwrap());
        let meta = reader.get_metadata().unwrap();
        let groups = meta.row_groups.iter().map(|g| g.num_rows()).collect();
        let codecs = meta
            .row_groups
            .iter()
            .flat_map(|g| g.parquet_columns().iter())
            .map(|c| format!("{:?}", c.compression().unwrap()))
            .collect();
        (groups, codecs)
    }

    #[test]
    fn partitioned_slivers_become_whole_lz4_row_groups() {
        let dir = tempfile::tempdir().unwrap();
        let mut sink =
            ParquetSink::new(dir.path(), "t", 10_000_000).partitioned_by(Some(PartitionBy {
                column: "day".into(),
                strict: true,
                source: "t.csv".into(),
            }));
        // 100 batches of 3,000 rows, each spread over three years: 1,000-row slivers per
        // year and batch, as an import of rows in no particular order hands them over.
        let total = 300_000usize;
        for b in 0..100 {
            let ids: Vec<i64> = (b * 3000..(b + 1) * 3000).map(|i| i as i64).collect();
            let days: Vec<i32> = ids.iter().map(|i| (i % 3) as i32 * 366).collect();
            let df = DataFrame::new(
                3000,
                vec![
                    Column::new("id".into(), ids),
                    Column::new("day".into(), days)
                        .cast(&DataType::Date)
                        .unwrap(),
                ],
            )
            .unwrap();
            sink.write(df).unwrap();
        }
        let files = sink.finish().unwrap();
        assert_eq!(files.len(), 3, "one file per year");
        assert_eq!(files.iter().map(|f| f.rows).sum::<u64>(), total as u64);
        for f in &files {
            let (groups, codecs) = layout(&f.path);
            // 100,000 rows per year: one row group, not 100 slivers of 1,000.
            assert_eq!(groups, vec![100_000], "{}", f.path.display());
            assert!(codecs.iter().all(|c| c == "Lz4Raw"), "{codecs:?}");
        }
    }

    #[test]
    fn large_files_split_into_groups_of_row_group_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut sink = ParquetSink::new(dir.path(), "t", 10_000_000);
        let n = ROW_GROUP_ROWS * 2 + 5;
        // Uneven batches, so groups straddle them.
        let mut start = 0;
        while start < n {
            let len = 7_777.min(n - start);
            let ids: Vec<i64> = (start..start + len).map(|i| i as i64).collect();
            sink.write(DataFrame::new(len, vec![Column::new("id".into(), ids)]).unwrap())
                .unwrap();
            start += len;
        }
        let files = sink.finish().unwrap();
        assert_eq!(files.len(), 1);
        let (groups, _) = layout(&files[0].path);
        assert_eq!(groups, vec![ROW_GROUP_ROWS, ROW_GROUP_ROWS, 5]);
        let back = ParquetReader::new(File::open(&files[0].path).unwrap())
            .finish()
            .unwrap();
        let ids = back.column("id").unwrap().i64().unwrap().clone();
        assert_eq!(ids.len(), n);
        assert!(
            ids.iter().enumerate().all(|(i, v)| v == Some(i as i64)),
            "rows stay in order"
        );
    }

    #[test]
    fn wide_rows_make_smaller_row_groups_instead_of_piling_up() {
        let dir = tempfile::tempdir().unwrap();
        let mut sink = ParquetSink::new(dir.path(), "mail", 10_000_000);
        // 12,000 rows of 8 KiB bodies: 96 MiB, more than a row group may hold back.
        let body = "x".repeat(8 * 1024);
        for b in 0..12 {
            let ids: Vec<i64> = (b * 1000..(b + 1) * 1000).collect();
            let bodies: Vec<&str> = vec![body.as_str(); 1000];
            let df = DataFrame::new(
                1000,
                vec![
                    Column::new("id".into(), ids),
                    Column::new("body".into(), bodies),
                ],
            )
            .unwrap();
            sink.write(df).unwrap();
        }
        let files = sink.finish().unwrap();
        let (groups, _) = layout(&files[0].path);
        assert!(groups.len() >= 2, "{groups:?}");
        assert!(
            groups.iter().all(|&g| g * 8 * 1024 <= 2 * ROW_GROUP_BYTES),
            "{groups:?}"
        );
        assert_eq!(groups.iter().sum::<usize>(), 12_000);
    }
}
