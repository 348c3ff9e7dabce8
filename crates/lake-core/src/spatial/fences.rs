//! Named fences: polygons a user draws on the map (or writes as WKT) saved as rows of a fence
//! dataset (`fences` unless told otherwise), ready for `geofence_events(...)`. Each save makes
//! a new version of that dataset, committed like an import, and indexes it.

use geo::Geometry;
use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::catalog::SourceRecord;
use crate::error::{LakeError, Result};
use crate::storage::{CommittedVersion, ParquetSink, StagedVersion};
use crate::Lake;

/// The dataset fences go to by default.
pub const DEFAULT_DATASET: &str = "fences";

/// Longest fence name accepted.
const MAX_NAME: usize = 200;

fn bad(msg: String) -> LakeError {
    LakeError::bad_input("the fence", None, msg)
}

/// Reads and checks a fence: a polygon or multipolygon in lon/lat degrees.
pub fn parse_fence(wkt: &str) -> Result<Geometry> {
    let g = super::text::from_wkt(wkt)
        .map_err(bad)?
        .ok_or_else(|| bad("the shape is empty; draw at least three points".into()))?;
    if !matches!(g, Geometry::Polygon(_) | Geometry::MultiPolygon(_)) {
        return Err(bad(
            "a fence must be a POLYGON or MULTIPOLYGON (an area, not a point or a line)".into(),
        ));
    }
    let b = super::rtree::bbox_of(&g).ok_or_else(|| bad("the shape has no area".into()))?;
    let in_range = b[0] >= -180.0 && b[2] <= 180.0 && b[1] >= -90.0 && b[3] <= 90.0;
    if !(in_range && b[2] > b[0] && b[3] > b[1]) {
        return Err(bad(format!(
            "the shape's box {:?} is not an area within longitude -180..180 and latitude -90..90",
            b
        )));
    }
    Ok(g)
}

/// Saves `wkt` as the fence `name` in `dataset`: a new version of it with one more row
/// (`name`, `geometry`), made and indexed like an import's.
pub fn save(lake: &Lake, dataset: &str, name: &str, wkt: &str) -> Result<CommittedVersion> {
    crate::storage::validate_dataset_name(dataset)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(bad(format!(
            "give the fence a name of 1 to {MAX_NAME} characters"
        )));
    }
    let g = parse_fence(wkt)?;
    let lock = lake.try_write_lock()?;
    let current = lake.catalog().dataset(dataset)?;
    let wkb = super::wkb::to_vec(&g);
    let df = DataFrame::new(
        1,
        vec![
            StringChunked::from_slice("name".into(), &[name]).into_column(),
            BinaryChunked::from_slice("geometry".into(), &[wkb.as_slice()]).into_column(),
        ],
    )
    .map_err(|e| LakeError::Internal(format!("building the fence row: {e}")))?;
    let staging = lake.new_staging()?;
    let mut sink = ParquetSink::new(staging.path(), "fence", 1_000_000);
    sink.write(df)?;
    let schema = sink.column_defs();
    if let Some(cur) = &current {
        if cur.schema != schema {
            return Err(bad(format!(
                "{dataset} has other columns than a fence dataset (name, geometry); save the \
                 fence to another dataset"
            )));
        }
    }
    let text = super::text::to_wkt(&g);
    let staged = StagedVersion {
        dataset: dataset.to_string(),
        append: current.is_some(),
        schema,
        files: sink.finish()?,
        sources: vec![SourceRecord {
            sha256: format!("{:x}", Sha256::digest(text.as_bytes())),
            path: format!("fence '{name}' drawn on the map"),
            bytes: text.len() as u64,
            rows: 1,
            skipped_rows: 0,
        }],
    };
    let committed = lake.commit_version(&lock, staged)?;
    drop(staging);
    super::index::index_new_versions(lake, &lock, &[dataset.to_string()])?;
    Ok(committed)
}
