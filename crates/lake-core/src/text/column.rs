//! `lake embed DATASET COLUMN`: a new version of the dataset with each text's vector in a new
//! `FLOAT[N]` column (`COLUMN_embedding` unless named), and a cosine vector index on it, so
//! `ORDER BY array_cosine_distance(col, embed('…')) LIMIT k` finds the nearest texts.
//!
//! The rows are read file by file and written to staging; the version is committed in one
//! step at the end, so a Cancel or a crash leaves the dataset as it was.

use std::time::Instant;

use polars::prelude::*;

use crate::cancel::CancelToken;
use crate::catalog::IndexInfo;
use crate::error::{LakeError, Result};
use crate::storage::{collect_shielded, ParquetSink, StagedVersion};
use crate::Lake;

/// Rows per Parquet file of the new version.
const ROWS_PER_FILE: u64 = 1_000_000;
/// Rows read, embedded and written at a time (a row group of the lake's files), between two
/// progress reports and Cancel checks.
const BATCH: usize = 128 * 1024;

/// What `lake embed` did.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EmbedReport {
    /// The dataset.
    pub dataset: String,
    /// Its new version.
    pub version: u32,
    /// The text column read.
    pub column: String,
    /// The vector column added.
    pub name: String,
    /// The size of its vectors.
    pub dim: usize,
    /// Rows in the dataset.
    pub rows: u64,
    /// Rows whose text gave a vector (the others are NULL: no text, or no known word).
    pub embedded: u64,
    /// Seconds spent embedding (not reading or writing).
    pub embed_s: f64,
    /// Seconds in all.
    pub total_s: f64,
    /// The index built on the new column, if asked.
    pub index: Option<IndexInfo>,
    /// What went wrong after the version was committed (an index that could not be built):
    /// the vectors are in; what to run is said.
    pub warning: Option<String>,
}

/// How far `lake embed` is, for a progress bar.
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EmbedProgress {
    /// Rows embedded so far.
    pub done: u64,
    /// Rows in all.
    pub total: u64,
    /// Seconds since it started.
    pub elapsed_s: f64,
}

fn bad(message: String) -> LakeError {
    LakeError::bad_input("lake embed", None, message)
}

/// The text column `spec` names (any case), checked.
fn text_column(ds: &crate::catalog::DatasetVersion, spec: &str) -> Result<String> {
    if let Some(c) = ds.schema.iter().find(|c| c.name.eq_ignore_ascii_case(spec)) {
        if c.dtype == "str" {
            return Ok(c.name.clone());
        }
        return Err(LakeError::Unsupported(format!(
            "{}.{} is a {} column; embed a text (VARCHAR) column",
            ds.name,
            c.name,
            crate::catalog::sql_type::sql_type_name(&c.dtype)
        )));
    }
    let texts: Vec<String> = ds
        .schema
        .iter()
        .filter(|c| c.dtype == "str")
        .map(|c| c.name.clone())
        .collect();
    Err(crate::hints::no_such_column(
        &ds.name,
        spec,
        &texts,
        ("its text columns are", "it has no text columns to embed"),
    ))
}

/// The Hive-style folder (`year=2024`) a data file is in, if any.
fn partition_folder(path: &str) -> Option<String> {
    let mut parts = path.rsplit('/');
    parts.next();
    parts.next().filter(|d| d.contains('=')).map(str::to_string)
}

/// Adds the vectors of `column`'s texts to `dataset` as the column `name` (default
/// `<column>_embedding`) in a new version; with `index`, builds its cosine vector index.
/// `progress` follows the rows; `cancel` stops it with the lake unchanged.
pub fn embed_column(
    lake: &Lake,
    dataset: &str,
    column: &str,
    name: Option<&str>,
    index: bool,
    progress: &dyn Fn(EmbedProgress),
    cancel: &CancelToken,
) -> Result<EmbedReport> {
    let start = Instant::now();
    let model = super::builtin()?;
    // A lake that cannot be written says so before the work, not after.
    lake.catalog().writable()?;
    let ds = lake.catalog().require_dataset(dataset)?;
    let column = text_column(&ds, column)?;
    if lake.catalog().derivation_of(ds.version_id)?.is_some() {
        return Err(bad(format!(
            "{} is made by a query (`lake create`): add `embed({})` to its query and refresh it, \
             or embed the dataset it reads",
            ds.name, column
        )));
    }
    let name = name.map_or_else(|| format!("{column}_embedding"), str::to_string);
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err(bad(format!(
            "`{name}` cannot name a column; choose another --name"
        )));
    }
    if let Some(c) = ds
        .schema
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(&name))
    {
        return Err(bad(format!(
            "{} already has a column `{}`; choose another name with --name, or query the \
             vectors it holds",
            ds.name, c.name
        )));
    }
    if ds.files.is_empty() {
        return Err(bad(format!(
            "{} has no files to read; import rows first",
            ds.name
        )));
    }
    let staging = lake.new_staging()?;
    let (mut files, mut schema) = (Vec::new(), Vec::new());
    let (mut done, mut embedded, mut embed_s) = (0u64, 0u64, 0f64);
    let report = |done| {
        progress(EmbedProgress {
            done,
            total: ds.rows,
            elapsed_s: start.elapsed().as_secs_f64(),
        })
    };
    report(0);
    let read = |e: PolarsError| LakeError::QueryFailed(format!("reading {}: {e}", ds.name));
    for (i, file) in ds.files.iter().enumerate() {
        // A file for each file: the rows keep their order and their year folders
        // (`year=2024/`, as a Takeout's tables have).
        let mut sink = ParquetSink::new(staging.path(), &format!("part-{i:05}"), ROWS_PER_FILE);
        let lf = lake.scan_files([file.path.as_str()])?.map_err(read)?;
        // A slice of rows at a time (a row group's worth), so a file of long texts is never
        // all in memory.
        let mut at = 0u64;
        loop {
            if cancel.is_cancelled() {
                return Err(LakeError::Cancelled(format!(
                    "embedding {}.{column} cancelled; the dataset is unchanged",
                    ds.name
                )));
            }
            let slice = lf.clone().slice(at as i64, BATCH as IdxSize);
            let mut part = collect_shielded(slice).map_err(read)?;
            let rows = part.height() as u64;
            if rows == 0 && at > 0 {
                break;
            }
            let t = Instant::now();
            let texts = part
                .column(&column)
                .map_err(read)?
                .as_materialized_series()
                .clone();
            let vectors =
                super::embed_strings(model, texts.str().map_err(read)?, name.as_str().into())
                    .map_err(read)?;
            embed_s += t.elapsed().as_secs_f64();
            embedded += (vectors.len() - vectors.null_count()) as u64;
            part.with_column(vectors.into_column()).map_err(read)?;
            sink.write(part)?;
            (at, done) = (at + rows, done + rows);
            report(done);
            if rows < BATCH as u64 {
                break;
            }
        }
        schema = sink.column_defs();
        let folder = partition_folder(&file.path);
        files.extend(sink.finish()?.into_iter().map(|mut f| {
            f.partition = f.partition.or_else(|| folder.clone());
            f
        }));
    }
    let lock = lake.try_write_lock()?;
    if lake.catalog().require_dataset(dataset)?.version != ds.version {
        return Err(bad(format!(
            "{} changed while its texts were being embedded (version {} now, {} then); run \
             `lake embed` again",
            ds.name,
            lake.catalog().require_dataset(dataset)?.version,
            ds.version
        )));
    }
    // The same source files: a re-import of them still finds nothing new, and lineage still
    // leads to them.
    let sources = lake.catalog().sources_of(ds.version_id)?;
    let staged = StagedVersion {
        dataset: ds.name.clone(),
        append: false,
        schema,
        files,
        sources,
        derivation: None,
        carry: None,
    };
    let committed = lake.commit_version(&lock, staged)?;
    drop(staging);
    // The vectors are in: an index that fails is a warning with what to run, not an error.
    let mut warning = None;
    let mut warn = |what: &str, e: LakeError| {
        // A Cancel during the index build keeps the vectors, which are committed by then.
        let why = match e {
            LakeError::Cancelled(_) => "its build was cancelled".to_string(),
            e => format!("could not be built ({e})"),
        };
        warning = Some(format!(
            "{} has its vectors, but {what} {why}; searches still work, more slowly; build it \
             with `lake index create {} {name}`",
            ds.name, ds.name
        ))
    };
    if let Err(e) =
        crate::spatial::index::index_new_versions(lake, &lock, std::slice::from_ref(&ds.name))
    {
        warn("its spatial index", e);
    }
    if let Err(e) = crate::vector::lake_index::carry_forward(lake, &lock, &ds.name) {
        warn("a vector index of its previous version", e);
    }
    let index = if index {
        let metric = crate::vector::Metric::Cosine;
        let of = (ds.name.as_str(), name.as_str());
        let built = crate::vector::lake_index::create_watched(
            lake,
            &lock,
            of,
            metric,
            None,
            &|_, _| {},
            cancel,
        );
        match built {
            Ok(built) => Some(built.info),
            Err(e) => {
                warn("the index of the new column", e);
                None
            }
        }
    } else {
        None
    };
    Ok(EmbedReport {
        dataset: ds.name,
        version: committed.version,
        column,
        name,
        dim: model.dim(),
        rows: done,
        embedded,
        embed_s,
        total_s: start.elapsed().as_secs_f64(),
        index,
        warning,
    })
}
