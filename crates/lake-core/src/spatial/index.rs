//! The lake's R-tree indexes: which columns get one, building one for a dataset's current
//! version, listing and dropping them, and opening the one a query or the map can use.
//!
//! A pair of coordinate columns (`lon`/`lat`, `lng`/`lat`, `longitude`/`latitude`, with the
//! same prefix, such as `start_lon`/`start_lat`) is indexed as points and named `lon,lat`. A
//! geometry column (WKB bytes, or WKT text) is indexed by each row's bounding box.

use std::sync::Arc;

use geo::Geometry;
use polars::prelude::*;

use super::rtree::{self, FlatRTree, Item, PointItem};
use crate::catalog::{ColumnDef, DatasetVersion, IndexInfo};
use crate::error::{LakeError, Result};
use crate::storage::{collect_shielded, WriteLock};
use crate::Lake;

/// Imports index datasets of at most this many rows by themselves (10 M points took 3.2 s and
/// 2 GB at the peak in `make bench-spatial`).
pub const AUTO_INDEX_MAX_ROWS: u64 = 20_000_000;

/// The kind name of the R-tree.
pub const RTREE: &str = "rtree";

/// What an index covers.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Points from two number columns.
    Points {
        /// Longitude (x) column.
        lon: String,
        /// Latitude (y) column.
        lat: String,
    },
    /// A geometry column, by bounding box.
    Geometry(String),
}

impl Target {
    /// The expressions that read it from a frame: two floats, or the geometry column.
    pub fn exprs(&self) -> Vec<Expr> {
        match self {
            Target::Points { lon, lat } => vec![
                col(lon.as_str()).cast(DataType::Float64),
                col(lat.as_str()).cast(DataType::Float64),
            ],
            Target::Geometry(g) => vec![col(g.as_str())],
        }
    }

    /// Its values in `cols`, read by [`Target::exprs`]: points, or the column's geometries.
    pub fn geometries(&self, cols: &[Column]) -> PolarsResult<Vec<Option<Geometry>>> {
        match self {
            Target::Points { .. } => {
                let (x, y) = (cols[0].f64()?, cols[1].f64()?);
                Ok(x.iter()
                    .zip(y.iter())
                    .map(|(x, y)| Some(geo::Point::new(x?, y?).into()))
                    .collect())
            }
            Target::Geometry(_) => super::functions::geometry_values(&cols[0]),
        }
    }

    /// Its values in a frame that holds its columns.
    pub fn read(&self, df: &DataFrame) -> PolarsResult<Vec<Option<Geometry>>> {
        let cols = df.clone().lazy().select(self.exprs()).collect()?;
        self.geometries(cols.columns())
    }

    /// The name the catalog and `lake index list` use: `lon,lat`, or the column.
    pub fn key(&self) -> String {
        match self {
            Target::Points { lon, lat } => format!("{lon},{lat}"),
            Target::Geometry(c) => c.clone(),
        }
    }
}

fn is_number(t: &str) -> bool {
    t.starts_with('f') || t.starts_with('i') || t.starts_with('u') || t.starts_with("decimal")
}

/// The coordinate pairs among `schema`'s number columns.
pub fn coordinate_pairs(schema: &[ColumnDef]) -> Vec<Target> {
    let number = |name: &str| {
        schema
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name) && is_number(&c.dtype))
            .map(|c| c.name.clone())
    };
    let mut out = Vec::new();
    for c in schema.iter().filter(|c| is_number(&c.dtype)) {
        let lower = c.name.to_ascii_lowercase();
        for (lon_word, lat_word) in [("lon", "lat"), ("lng", "lat"), ("longitude", "latitude")] {
            if let Some(prefix) = lower.strip_suffix(lon_word) {
                if let Some(lat) = number(&format!("{prefix}{lat_word}")) {
                    out.push(Target::Points {
                        lon: c.name.clone(),
                        lat,
                    });
                }
            }
        }
    }
    out
}

/// Geometry columns: WKB bytes named like a geometry.
pub fn geometry_columns(schema: &[ColumnDef]) -> Vec<Target> {
    schema
        .iter()
        .filter(|c| c.dtype == "binary" && crate::storage::is_geometry_column_name(&c.name))
        .map(|c| Target::Geometry(c.name.clone()))
        .collect()
}

/// What `spec` names in `ds`: `lon,lat`, one column of a coordinate pair, or a geometry column.
pub fn resolve(ds: &DatasetVersion, spec: &str) -> Result<Target> {
    let pairs = coordinate_pairs(&ds.schema);
    let spec_l = spec.to_ascii_lowercase().replace(' ', "");
    if let Some(t) = pairs.iter().find(|t| match t {
        Target::Points { lon, lat } => {
            spec_l == format!("{lon},{lat}").to_ascii_lowercase()
                || spec_l == lon.to_ascii_lowercase()
                || spec_l == lat.to_ascii_lowercase()
        }
        Target::Geometry(_) => false,
    }) {
        return Ok(t.clone());
    }
    if let Some(c) = ds.schema.iter().find(|c| c.name.eq_ignore_ascii_case(spec)) {
        if c.dtype == "binary" || c.dtype == "str" {
            return Ok(Target::Geometry(c.name.clone()));
        }
        return Err(LakeError::Unsupported(format!(
            "{}.{} is a {} column, not geometry or coordinates; index a geometry column \
             (WKB or WKT) or a pair of coordinate columns written `lon,lat`",
            ds.name, c.name, c.dtype
        )));
    }
    let found: Vec<String> = pairs
        .iter()
        .chain(geometry_columns(&ds.schema).iter())
        .map(Target::key)
        .collect();
    Err(crate::hints::no_such_column(
        &ds.name,
        spec,
        &found,
        (
            "it can be indexed on",
            "it has no geometry or coordinate columns to index",
        ),
    ))
}

/// Reads what the index holds from the version's files.
/// The boxes of `geoms` (rows of data file `file`) as index items; NULLs are left out.
pub fn items_of(geoms: &[Option<Geometry>], file: u32, out: &mut Vec<Item>) {
    for (row, g) in geoms.iter().enumerate() {
        if let Some(b) = g.as_ref().and_then(rtree::bbox_of) {
            out.push(Item {
                lo: [b[0], b[1]],
                hi: [b[2], b[3]],
                file,
                row: row as u32,
            });
        }
    }
}

/// The points of a coordinate pair, read from all the version's files in one scan (on every
/// core), straight into entries: no geometry is made per row.
fn point_items(lake: &Lake, ds: &DatasetVersion, t: &Target) -> Result<Vec<PointItem>> {
    let failed =
        |e: PolarsError| LakeError::QueryFailed(format!("reading {} for its index: {e}", ds.name));
    let df = lake
        .scan_files(ds.files.iter().map(|f| f.path.as_str()))?
        .and_then(|lf| collect_shielded(lf.select(t.exprs())))
        .map_err(failed)?;
    let total: u64 = ds.files.iter().map(|f| f.rows).sum();
    if df.height() as u64 != total {
        return Err(LakeError::Damaged(format!(
            "{}'s files hold {} rows, not the {total} the catalog records",
            ds.name,
            df.height()
        )));
    }
    let x = df.columns()[0].f64().map_err(failed)?.rechunk();
    let y = df.columns()[1].f64().map_err(failed)?.rechunk();
    let mut out = Vec::with_capacity(x.len());
    let (mut xs, mut ys) = (x.iter(), y.iter());
    for (fi, f) in ds.files.iter().enumerate() {
        for row in 0..f.rows {
            if let (Some(Some(x)), Some(Some(y))) = (xs.next(), ys.next()) {
                out.push(PointItem {
                    xy: [x, y],
                    file: fi as u32,
                    row: row as u32,
                });
            }
        }
    }
    Ok(out)
}

/// The boxes of a geometry column, read file by file.
fn box_items(lake: &Lake, ds: &DatasetVersion, t: &Target) -> Result<Vec<Item>> {
    let mut out = Vec::with_capacity(ds.rows as usize);
    for (fi, f) in ds.files.iter().enumerate() {
        let df = lake
            .scan_files([f.path.as_str()])?
            .and_then(|lf| collect_shielded(lf.select(t.exprs())))
            .map_err(|e| {
                LakeError::QueryFailed(format!("reading {} for its index: {e}", f.path))
            })?;
        let geoms = t
            .geometries(df.columns())
            .map_err(|e| LakeError::BadInput {
                path: f.path.clone(),
                location: None,
                message: format!("{}.{}: {e}", ds.name, t.key()),
            })?;
        items_of(&geoms, fi as u32, &mut out);
    }
    Ok(out)
}

/// Builds (or rebuilds) the R-tree of `spec` on `dataset`'s current version.
pub fn create(lake: &Lake, lock: &WriteLock, dataset: &str, spec: &str) -> Result<IndexInfo> {
    let ds = lake.catalog().require_dataset(dataset)?;
    let target = resolve(&ds, spec)?;
    build_for(lake, lock, &ds, &target)
}

fn build_for(lake: &Lake, lock: &WriteLock, ds: &DatasetVersion, t: &Target) -> Result<IndexInfo> {
    match t {
        Target::Points { .. } => store(lake, lock, ds, t, point_items(lake, ds, t)?, true),
        Target::Geometry(_) => {
            let items = box_items(lake, ds, t)?;
            // A column of points (GPX, the Takeout's places) is stored as points: 24 bytes an
            // entry, not a box's 40.
            if items.iter().all(|i| i.lo == i.hi) {
                let points = items.iter().map(|i| PointItem {
                    xy: i.lo,
                    file: i.file,
                    row: i.row,
                });
                store(lake, lock, ds, t, points.collect(), true)
            } else {
                store(lake, lock, ds, t, items, false)
            }
        }
    }
}

/// Writes the R-tree of `items` as the index file of `t` on `ds`, and records it.
fn store<T: rtree::Indexed>(
    lake: &Lake,
    lock: &WriteLock,
    ds: &DatasetVersion,
    t: &Target,
    items: Vec<T>,
    points: bool,
) -> Result<IndexInfo> {
    let files: Vec<(String, u64)> = ds.files.iter().map(|f| (f.path.clone(), f.rows)).collect();
    let path = crate::storage::index_file_path(&ds.name, ds.version, RTREE, &t.key(), "rtree");
    let info = |(entries, bytes): (u64, u64)| IndexInfo {
        dataset: ds.name.clone(),
        version: ds.version,
        column: t.key(),
        kind: RTREE.into(),
        path: path.clone(),
        entries,
        bytes,
        created_at: crate::catalog::now_rfc3339(),
    };
    let written = lake.write_derived(
        lock,
        &path,
        |w| {
            rtree::write(items, &files, points, w)
                .map_err(|e| LakeError::io(format!("writing {path}"), e))
        },
        |cat, job, sizes| cat.add_index(job, ds.version_id, &info(*sizes)),
    )?;
    Ok(info(written))
}

/// Indexes every coordinate pair and geometry column of the datasets' current versions (after
/// an import). Returns what it built.
pub fn index_new_versions(
    lake: &Lake,
    lock: &WriteLock,
    datasets: &[String],
) -> Result<Vec<IndexInfo>> {
    let mut out = Vec::new();
    for name in datasets {
        let Some(ds) = lake.catalog().dataset(name)? else {
            continue;
        };
        if ds.rows > AUTO_INDEX_MAX_ROWS {
            // Building holds about 200 bytes a row at its peak: a huge import is not made to
            // wait for it or risk memory; `lake index create` builds it when wanted.
            continue;
        }
        let mut targets = coordinate_pairs(&ds.schema);
        targets.extend(geometry_columns(&ds.schema));
        for t in targets {
            out.push(build_for(lake, lock, &ds, &t)?);
        }
    }
    Ok(out)
}

/// Drops the index of `spec` on `dataset`'s current version; false when there was none.
pub fn drop(lake: &Lake, lock: &WriteLock, dataset: &str, spec: &str) -> Result<bool> {
    let ds = lake.catalog().require_dataset(dataset)?;
    let target = resolve(&ds, spec)?;
    let path = lake
        .catalog()
        .remove_index(ds.version_id, &target.key(), RTREE)?;
    match path {
        Some(p) => lake.remove_derived(lock, &p).map(|_| true),
        None => Ok(false),
    }
}

/// The R-tree of `t` on version `ds`, if it has one whose files are the version's.
pub fn open(lake: &Lake, ds: &DatasetVersion, t: &Target) -> Result<Option<Arc<FlatRTree>>> {
    let key = t.key();
    let Some(info) = lake
        .catalog()
        .indexes(Some(&ds.name))?
        .into_iter()
        .find(|i| i.kind == RTREE && i.column == key && i.version == ds.version)
    else {
        return Ok(None);
    };
    let tree = lake.cached(&info.path, |b| FlatRTree::parse(b, &info.path))?;
    let same_files = tree.files.len() == ds.files.len()
        && tree
            .files
            .iter()
            .zip(&ds.files)
            .all(|((p, r), f)| *p == f.path && *r == f.rows);
    Ok(same_files.then_some(tree))
}

/// The first indexed point target of `ds`, for the map.
pub fn map_target(ds: &DatasetVersion) -> Option<Target> {
    coordinate_pairs(&ds.schema).into_iter().next()
}
