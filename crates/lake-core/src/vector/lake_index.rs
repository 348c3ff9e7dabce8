//! The vector indexes of a lake: building one on a dataset's `FLOAT[N]` column for its current
//! version, dropping it, and opening the one a query can use.
//!
//! An index is tied to the version it was built from (its file lists the version's data files
//! and their rows), is written beside its final name and recorded in the catalog in one step
//! (`Lake::write_derived`), so a crash during a build leaves nothing behind.

use std::sync::Arc;

use polars::prelude::*;

use super::backends;
use super::index::{BackendKind, Metric, VectorIndexFile};
use crate::cancel::CancelToken;
use crate::catalog::{DatasetVersion, IndexInfo};
use crate::error::{LakeError, Result};
use crate::storage::{collect_shielded, WriteLock};
use crate::Lake;

/// The size of a `FLOAT[N]` column as the catalog records its type (`array[f32, N]`).
pub fn vector_dim(dtype: &str) -> Option<usize> {
    dtype
        .strip_prefix("array[f32, ")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// The vector columns of `ds`, with their sizes.
pub fn vector_columns(ds: &DatasetVersion) -> Vec<(String, usize)> {
    ds.schema
        .iter()
        .filter_map(|c| Some((c.name.clone(), vector_dim(&c.dtype)?)))
        .collect()
}

/// The column `spec` names in `ds` (any case), with its size, when it is a vector column.
pub fn resolve(ds: &DatasetVersion, spec: &str) -> Result<(String, usize)> {
    let vectors = vector_columns(ds);
    if let Some(v) = vectors.iter().find(|(c, _)| c.eq_ignore_ascii_case(spec)) {
        return Ok(v.clone());
    }
    if let Some(c) = ds.schema.iter().find(|c| c.name.eq_ignore_ascii_case(spec)) {
        return Err(LakeError::Unsupported(format!(
            "{}.{} is a {} column, not a vector (FLOAT[N]) column; an HNSW index is built on \
             vectors",
            ds.name,
            c.name,
            crate::catalog::sql_type::sql_type_name(&c.dtype)
        )));
    }
    let names: Vec<String> = vectors.into_iter().map(|(c, _)| c).collect();
    Err(crate::hints::no_such_column(
        &ds.name,
        spec,
        &names,
        (
            "its vector columns are",
            "it has no vector (FLOAT[N]) columns to index",
        ),
    ))
}

/// Rows of a file read at a time (a row group of the lake's files).
const SLICE: usize = 128 * 1024;

/// Vectors end to end, and each one's file and row.
pub type Vectors = (Vec<f32>, Vec<(u32, u32)>);

/// The vectors of `column` in the version's files, end to end, and each one's file and row.
/// NULL vectors, and vectors holding NaN or an infinity, are left out: no distance to them is
/// a number.
pub fn read_vectors(lake: &Lake, ds: &DatasetVersion, column: &str, dim: usize) -> Result<Vectors> {
    // Sized once (no doubling on the way), and filled a row group's worth of rows at a time:
    // the vectors are in memory once, beside one slice of the file.
    let mut flat = Vec::with_capacity(usize::try_from(ds.rows).unwrap_or(0).saturating_mul(dim));
    let mut entries = Vec::new();
    for (fi, f) in ds.files.iter().enumerate() {
        let failed = |e: PolarsError| {
            LakeError::QueryFailed(format!("reading {} for its vector index: {e}", f.path))
        };
        let lf = lake
            .scan_files([f.path.as_str()])?
            .map_err(failed)?
            .select([col(column)]);
        let mut at = 0u64;
        while at < f.rows {
            let df =
                collect_shielded(lf.clone().slice(at as i64, SLICE as IdxSize)).map_err(failed)?;
            let s = df.columns()[0].as_materialized_series().rechunk();
            std::mem::drop(df);
            let arr = s.array().map_err(failed)?;
            let values = arr.get_inner();
            let values = values.f32().map_err(failed)?;
            let dense = values.cont_slice().ok();
            let nulls = arr.is_null();
            for i in 0..arr.len() {
                if nulls.get(i) == Some(true) {
                    continue;
                }
                let start = flat.len();
                match dense {
                    Some(d) => flat.extend_from_slice(&d[i * dim..(i + 1) * dim]),
                    None => flat.extend(
                        (i * dim..(i + 1) * dim).map(|k| values.get(k).unwrap_or(f32::NAN)),
                    ),
                }
                let Ok(row) = u32::try_from(at + i as u64) else {
                    return Err(LakeError::Unsupported(format!(
                        "{} holds more than 4,294,967,295 rows; a vector index covers files of \
                         fewer",
                        f.path
                    )));
                };
                if flat[start..].iter().all(|v| v.is_finite()) {
                    entries.push((fi as u32, row));
                } else {
                    flat.truncate(start);
                }
            }
            if arr.is_empty() {
                break;
            }
            at += arr.len() as u64;
        }
    }
    Ok((flat, entries))
}

/// What a build made, and how long its parts took.
#[derive(Debug, Clone)]
pub struct Built {
    /// The catalog's record.
    pub info: IndexInfo,
    /// The backend used.
    pub backend: BackendKind,
    /// Seconds reading the vectors from the data files.
    pub read_s: f64,
    /// Seconds building the search structure.
    pub build_s: f64,
}

/// Builds (or rebuilds) the vector index of `column` on `dataset`'s current version; `backend`
/// None lets [`backends::choose`] pick by size.
pub fn create(
    lake: &Lake,
    lock: &WriteLock,
    dataset: &str,
    column: &str,
    metric: Metric,
    backend: Option<BackendKind>,
) -> Result<Built> {
    let none = CancelToken::new();
    create_watched(
        lake,
        lock,
        (dataset, column),
        metric,
        backend,
        &|_, _| {},
        &none,
    )
}

/// [`create`], with `progress(inserted, all)` called about ten times a second while a graph
/// is built; `cancel` stops the build with the lake unchanged (an index being rebuilt stays).
pub fn create_watched(
    lake: &Lake,
    lock: &WriteLock,
    (dataset, column): (&str, &str),
    metric: Metric,
    backend: Option<BackendKind>,
    progress: &dyn Fn(usize, usize),
    cancel: &CancelToken,
) -> Result<Built> {
    let ds = lake.catalog().require_dataset(dataset)?;
    let (column, dim) = resolve(&ds, column)?;
    let t = std::time::Instant::now();
    let (flat, entries) = read_vectors(lake, &ds, &column, dim)?;
    let (flat, entries) = if metric == Metric::Cosine {
        drop_zero_vectors(flat, entries, dim)
    } else {
        (flat, entries)
    };
    let read_s = t.elapsed().as_secs_f64();
    let kind = backend.unwrap_or_else(|| backends::choose(entries.len()));
    let t = std::time::Instant::now();
    let stopped = || {
        LakeError::Cancelled(format!(
            "building the {} index of {} ({column}) was cancelled; the lake is unchanged",
            metric.kind(),
            ds.name
        ))
    };
    if cancel.is_cancelled() {
        return Err(stopped());
    }
    let index = backends::build_watched(kind, metric, dim, flat, &mut |done, all| {
        progress(done, all);
        !cancel.is_cancelled()
    })
    .map_err(|e| match e {
        LakeError::Cancelled(_) => stopped(),
        e => e,
    })?;
    let build_s = t.elapsed().as_secs_f64();
    // Rebuilding: the old file goes before the new one is written (queries scan meanwhile),
    // so a failed write never removes a file the catalog still lists, and no process keeps
    // the old one cached. It goes after the build, so a cancelled build leaves it.
    let listed = lake
        .catalog()
        .remove_index(ds.version_id, &column, &metric.kind())?;
    if let Some(p) = listed {
        lake.remove_derived(lock, &p)?;
    }
    let file = VectorIndexFile {
        metric,
        dim,
        files: ds.files.iter().map(|f| (f.path.clone(), f.rows)).collect(),
        entries,
        index,
        checked: super::index::Checked::known("", true),
    };
    Ok(Built {
        info: write(lake, lock, &ds, &column, metric, &file)?,
        backend: kind,
        read_s,
        build_s,
    })
}

/// A zero vector has no direction: its cosine is NaN, so it is never among the nearest, and
/// the cosine index leaves it out.
fn drop_zero_vectors(flat: Vec<f32>, entries: Vec<(u32, u32)>, dim: usize) -> Vectors {
    let keep: Vec<bool> = flat
        .chunks_exact(dim.max(1))
        .map(|v| super::index::inv_norm(v) > 0.0)
        .collect();
    if !keep.contains(&false) {
        return (flat, entries);
    }
    let flat = flat
        .chunks_exact(dim.max(1))
        .zip(&keep)
        .filter(|(_, k)| **k)
        .flat_map(|(v, _)| v.iter().copied())
        .collect();
    let entries = entries
        .into_iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(e, _)| e)
        .collect();
    (flat, entries)
}

/// Writes `file` as the index of `column` by `metric` on version `ds`, and records it.
fn write(
    lake: &Lake,
    lock: &WriteLock,
    ds: &DatasetVersion,
    column: &str,
    metric: Metric,
    file: &VectorIndexFile,
) -> Result<IndexInfo> {
    let path =
        crate::storage::index_file_path(&ds.name, ds.version, &metric.kind(), column, "vidx");
    let info = |(entries, bytes): (u64, u64)| IndexInfo {
        dataset: ds.name.clone(),
        version: ds.version,
        column: column.to_string(),
        kind: metric.kind(),
        path: path.clone(),
        entries,
        bytes,
        created_at: crate::catalog::now_rfc3339(),
    };
    let written = lake.write_derived(
        lock,
        &path,
        |f| {
            file.write_file(f)
                .map_err(|e| LakeError::io(format!("writing {path}"), e))
        },
        |cat, job, sizes| cat.add_index(job, ds.version_id, &info(*sizes)),
    )?;
    Ok(info(written))
}

/// Carries the vector indexes of `dataset`'s previous version over to its current one, after
/// an import or any other new version: an append adds its rows to a USearch graph in place (the
/// old version's file is left as it was); anything else is built again. Returns what it built.
pub fn carry_forward(lake: &Lake, lock: &WriteLock, dataset: &str) -> Result<Vec<IndexInfo>> {
    let Some(ds) = lake.catalog().dataset(dataset)? else {
        return Ok(Vec::new());
    };
    if ds.version < 2 || !lake.catalog().indexes_at(dataset, ds.version)?.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    // Bound first: the catalog's guard must not live through the loop, which writes to it.
    let before = lake.catalog().indexes_at(dataset, ds.version - 1)?;
    for old in before {
        let Some(metric) = Metric::ALL.into_iter().find(|m| m.kind() == old.kind) else {
            continue;
        };
        let Some((column, dim)) = vector_columns(&ds)
            .into_iter()
            .find(|(c, _)| *c == old.column)
        else {
            continue;
        };
        if ds.rows > crate::spatial::index::AUTO_INDEX_MAX_ROWS {
            continue;
        }
        if let Some(info) = extend(lake, lock, &ds, &old, metric, &column, dim)? {
            out.push(info);
        } else {
            out.push(create(lake, lock, dataset, &column, metric, None)?.info);
        }
    }
    Ok(out)
}

/// The index `old` of the previous version with the current version's new files added, when
/// its files are the first of the current version's and its backend adds in place.
fn extend(
    lake: &Lake,
    lock: &WriteLock,
    ds: &DatasetVersion,
    old: &IndexInfo,
    metric: Metric,
    column: &str,
    dim: usize,
) -> Result<Option<IndexInfo>> {
    // A private copy: the cached one may be in use by queries of the old version.
    let bytes = std::fs::read(lake.root().join(&old.path))
        .map_err(|e| LakeError::io(format!("reading {}", old.path), e))?;
    let mut file = VectorIndexFile::parse(&bytes, &old.path, backends::read)?;
    std::mem::drop(bytes);
    let prefix = file.files.len() <= ds.files.len()
        && file
            .files
            .iter()
            .zip(&ds.files)
            .all(|((p, r), f)| *p == f.path && *r == f.rows);
    if !prefix || file.dim != dim || file.metric != metric {
        return Ok(None);
    }
    let known = file.files.len();
    let added = DatasetVersion {
        files: ds.files[known..].to_vec(),
        ..ds.clone()
    };
    let (flat, entries) = read_vectors(lake, &added, column, dim)?;
    let (flat, entries) = if metric == Metric::Cosine {
        drop_zero_vectors(flat, entries, dim)
    } else {
        (flat, entries)
    };
    let first = file.entries.len() as u32;
    if !file.index.append(first, &flat)? {
        return Ok(None);
    }
    file.entries
        .extend(entries.into_iter().map(|(f, r)| (f + known as u32, r)));
    file.files = ds.files.iter().map(|f| (f.path.clone(), f.rows)).collect();
    Ok(Some(write(lake, lock, ds, column, metric, &file)?))
}

/// Drops every vector index on `column` of `dataset`'s current version; how many there were.
pub fn drop(lake: &Lake, lock: &WriteLock, dataset: &str, column: &str) -> Result<usize> {
    let ds = lake.catalog().require_dataset(dataset)?;
    let (column, _) = resolve(&ds, column)?;
    let mut dropped = 0;
    for m in Metric::ALL {
        let listed = lake
            .catalog()
            .remove_index(ds.version_id, &column, &m.kind())?;
        if let Some(p) = listed {
            lake.remove_derived(lock, &p)?;
            dropped += 1;
        }
    }
    Ok(dropped)
}

/// The index of `column` by `metric` on version `ds`, if it has one built from its files.
pub fn open(
    lake: &Lake,
    ds: &DatasetVersion,
    column: &str,
    metric: Metric,
) -> Result<Option<Arc<VectorIndexFile>>> {
    let kind = metric.kind();
    let Some(info) = lake
        .catalog()
        .indexes(Some(&ds.name))?
        .into_iter()
        .find(|i| i.kind == kind && i.column == column && i.version == ds.version)
    else {
        return Ok(None);
    };
    let file = lake.cached(&info.path, |b| {
        VectorIndexFile::parse_mapped(b, &info.path, backends::read)
    })?;
    let dim = vector_columns(ds)
        .into_iter()
        .find_map(|(c, d)| (c == column).then_some(d));
    if file.metric != metric || Some(file.dim) != dim {
        return Err(LakeError::Damaged(format!(
            "the vector index {} is not the {} index of {} it is listed as; drop it with \
             `lake index drop {} {column}` and create it again",
            info.path,
            metric.kind(),
            column,
            ds.name
        )));
    }
    let same_files = file.files.len() == ds.files.len()
        && file
            .files
            .iter()
            .zip(&ds.files)
            .all(|((p, r), f)| *p == f.path && *r == f.rows);
    Ok(same_files.then_some(file))
}

/// Searches `index` for each of `queries` (end to end, the index's size each), one after
/// another on this thread: the `k` nearest rows of each, as row numbers across the version's
/// files in order. What `lake index search` and `make bench-vector` measure.
pub fn search_many(
    index: &VectorIndexFile,
    queries: &[f32],
    k: usize,
    ef: usize,
) -> Result<Vec<Vec<u64>>> {
    let mut first_row = Vec::with_capacity(index.files.len());
    let mut at = 0u64;
    for (_, rows) in &index.files {
        first_row.push(at);
        at += rows;
    }
    let mut out = Vec::with_capacity(queries.len() / index.dim.max(1));
    for q in queries.chunks_exact(index.dim.max(1)) {
        let found = index.index.search(q, k, ef.max(k))?;
        out.push(
            found
                .into_iter()
                .filter_map(|(e, _)| {
                    let (f, r) = *index.entries.get(e as usize)?;
                    Some(first_row[f as usize] + r as u64)
                })
                .collect(),
        );
    }
    Ok(out)
}
