//! Named fences: polygons a user draws on the map (or writes as WKT) saved as rows of a fence
//! dataset (`fences` unless told otherwise), ready for `geofence_events(...)`. Each save makes
//! a new version of that dataset, committed like an import, and indexes it.

use geo::Geometry;
use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::catalog::SourceRecord;
use crate::error::{LakeError, Result};
use crate::storage::{collect_shielded, CommittedVersion, ParquetSink, StagedVersion};
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
        derivation: None,
        carry: None,
    };
    let committed = lake.commit_version(&lock, staged)?;
    drop(staging);
    super::index::index_new_versions(lake, &lock, &[dataset.to_string()])?;
    Ok(committed)
}

/// A saved fence, for the map: its name and its shape as GeoJSON text.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fence {
    /// Its name.
    pub name: String,
    /// Its polygon, as a GeoJSON geometry.
    pub geojson: String,
}

/// Fences drawn on the map at most.
const MAX_LISTED: usize = 10_000;

/// The fences of `dataset` (none when it does not exist yet), in the order they were saved.
pub fn list(lake: &Lake, dataset: &str) -> Result<Vec<Fence>> {
    let Some(ds) = lake.catalog().dataset(dataset)? else {
        return Ok(Vec::new());
    };
    let has = |c: &str| ds.schema.iter().any(|d| d.name == c);
    if !(has("name") && has("geometry")) {
        return Err(bad(format!(
            "{dataset} is not a fence dataset (it needs name and geometry columns)"
        )));
    }
    let failed = |e: PolarsError| LakeError::QueryFailed(format!("reading {dataset}: {e}"));
    let df = lake
        .scan_files(ds.files.iter().map(|f| f.path.as_str()))?
        .and_then(|lf| {
            collect_shielded(
                lf.select([col("name").cast(DataType::String), col("geometry")])
                    .limit(MAX_LISTED as IdxSize),
            )
        })
        .map_err(failed)?;
    let names = df.columns()[0].str().map_err(failed)?;
    let shapes = df.columns()[1].binary().map_err(failed)?;
    let mut out = Vec::with_capacity(df.height());
    for (name, wkb) in names.iter().zip(shapes.iter()) {
        let (Some(name), Some(wkb)) = (name, wkb) else {
            continue;
        };
        let g = super::wkb::read(wkb).map_err(|e| {
            LakeError::Damaged(format!(
                "{dataset}: the fence {name:?} is not valid WKB ({e})"
            ))
        })?;
        if let Some(g) = g {
            out.push(Fence {
                name: name.to_string(),
                geojson: super::text::to_geojson(&g).to_string(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_fences_list_back_as_geojson_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        assert!(list(&lake, DEFAULT_DATASET).unwrap().is_empty());
        save(
            &lake,
            DEFAULT_DATASET,
            "Office",
            "POLYGON((0 0, 1 0, 1 1, 0 0))",
        )
        .unwrap();
        save(
            &lake,
            DEFAULT_DATASET,
            " Home ",
            "POLYGON((5 5, 6 5, 6 6, 5 5))",
        )
        .unwrap();
        let got = list(&lake, DEFAULT_DATASET).unwrap();
        let names: Vec<&str> = got.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Office", "Home"]);
        let g: serde_json::Value = serde_json::from_str(&got[1].geojson).unwrap();
        assert_eq!(g["type"], "Polygon");
        assert_eq!(g["coordinates"][0][1], serde_json::json!([6.0, 5.0]));
        assert!(save(&lake, DEFAULT_DATASET, "Line", "LINESTRING(0 0, 1 1)").is_err());
        assert_eq!(list(&lake, DEFAULT_DATASET).unwrap().len(), 2);
    }
}
