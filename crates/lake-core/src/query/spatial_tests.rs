//! The `ST_` functions through the lake's SQL, against answers computed independently by shapely
//! (GEOS) and committed in `expected.json` (scripts/spatial-expected.py made it).
#![cfg(test)]

use geo::{Geometry, Relate};
use polars::prelude::*;
use serde_json::Value;

use crate::cancel::CancelToken;
use crate::ingest::{import_paths, ImportOptions, NoProgress};
use crate::query::{run_query, QueryOptions};
use crate::spatial::text::from_wkt;
use crate::Lake;

pub(super) fn lake_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Lake) {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<_> = files
        .iter()
        .map(|(name, text)| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        })
        .collect();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    import_paths(
        &lake,
        &paths,
        &ImportOptions::default(),
        &NoProgress,
        &CancelToken::new(),
    )
    .unwrap();
    (dir, lake)
}

pub(super) fn one(lake: &Lake, sql: &str) -> AnyValue<'static> {
    let out =
        run_query(lake, sql, &QueryOptions::default()).unwrap_or_else(|e| panic!("{sql}: {e}"));
    assert_eq!(out.frame.height(), 1, "{sql}");
    out.frame.columns()[0].get(0).unwrap().into_static()
}

fn same_geometry(a: &Geometry, b: &Geometry) -> bool {
    match (a, b) {
        (Geometry::Point(p), Geometry::Point(q)) => {
            (p.x() - q.x()).abs() < 1e-9 && (p.y() - q.y()).abs() < 1e-9
        }
        _ => a.relate(b).is_equal_topo(),
    }
}

#[test]
fn functions_agree_with_shapely() {
    let (_dir, lake) = lake_with(&[("one.csv", "x\n1\n")]);
    let fixture: Value = serde_json::from_str(include_str!("../spatial/expected.json")).unwrap();
    let cases = fixture["cases"].as_array().unwrap();
    assert!(cases.len() > 50);
    for c in cases {
        let expr = c["sql"].as_str().unwrap();
        let got = one(&lake, &format!("SELECT {expr} AS v FROM one"));
        let want = &c["expected"];
        let ok = match (&got, want) {
            (AnyValue::Float64(g), Value::Number(w)) => {
                let w = w.as_f64().unwrap();
                (g - w).abs() <= 1e-9 * w.abs().max(1.0)
            }
            (AnyValue::Int32(g), Value::Number(w)) => Some(*g as i64) == w.as_i64(),
            (AnyValue::Boolean(g), Value::Bool(w)) => g == w,
            (AnyValue::StringOwned(g), Value::String(w)) => {
                let (g, w) = (from_wkt(g).unwrap().unwrap(), from_wkt(w).unwrap().unwrap());
                same_geometry(&g, &w)
            }
            _ => false,
        };
        assert!(ok, "{expr}: lake says {got:?}, shapely {want}");
    }
}

const PLACES: &str = "name,lon,lat,shape\n\
    Brandenburg Gate,13.3777,52.5163,POINT (13.3777 52.5163)\n\
    Alexanderplatz,13.4132,52.5219,\n\
    Eiffel Tower,2.2945,48.8584,\"POLYGON ((2.29 48.85, 2.30 48.85, 2.30 48.86, 2.29 48.86, 2.29 48.85))\"\n\
    Nowhere,,,\n";

#[test]
fn functions_work_on_table_columns_with_nulls() {
    let (_dir, lake) = lake_with(&[("places.csv", PLACES)]);
    let names = |sql: &str| -> Vec<String> {
        let out = run_query(&lake, sql, &QueryOptions::default()).unwrap();
        out.frame
            .column("name")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|s| s.unwrap().to_string())
            .collect()
    };
    // Within 5 km of the Berlin TV tower, by lon/lat columns.
    assert_eq!(
        names("SELECT name FROM places WHERE ST_DWithin(ST_Point(lon, lat), ST_Point(13.4094, 52.5208), 5000) ORDER BY name"),
        ["Alexanderplatz", "Brandenburg Gate"]
    );
    assert_eq!(
        names("SELECT name FROM places WHERE ST_Within(ST_Point(lon, lat), ST_MakeEnvelope(0, 45, 5, 50))"),
        ["Eiffel Tower"]
    );
    // WKT text columns are geometry; a NULL geometry gives NULL, not an error.
    let out = run_query(
        &lake,
        "SELECT name, ST_Area(shape) AS a FROM places ORDER BY name",
        &QueryOptions::default(),
    )
    .unwrap();
    let a = out.frame.column("a").unwrap().f64().unwrap();
    assert_eq!(a.null_count(), 2);
    assert!((a.get(2).unwrap() - 0.0001).abs() < 1e-9, "{a:?}");
    // Metres between two columns' points: Brandenburg Gate to Alexanderplatz is about 2.5 km.
    let d = one(&lake, "SELECT ST_Distance_Sphere(ST_Point(a.lon, a.lat), ST_Point(b.lon, b.lat)) FROM places a JOIN places b ON a.name = 'Brandenburg Gate' AND b.name = 'Alexanderplatz'");
    let AnyValue::Float64(d) = d else {
        panic!("{d:?}")
    };
    assert!((2300.0..2700.0).contains(&d), "{d}");
}

#[test]
fn bad_geometry_is_a_clear_error() {
    let (_dir, lake) = lake_with(&[("places.csv", PLACES)]);
    let err = |sql: &str| {
        run_query(&lake, sql, &QueryOptions::default())
            .err()
            .unwrap_or_else(|| panic!("{sql} ran"))
    };
    let e = err("SELECT ST_Area(name) FROM places");
    assert_eq!(e.code(), "query_failed");
    assert!(
        e.to_string().contains("ST_AREA: argument 1: invalid WKT"),
        "{e}"
    );
    assert!(e.to_string().contains("'Brandenburg Gate'"), "{e}");
    let e = err("SELECT ST_X(shape) FROM places");
    assert!(
        e.to_string().contains("ST_X takes a POINT, not a POLYGON"),
        "{e}"
    );
    let e = err("SELECT ST_Area(lon) FROM places");
    assert!(e.to_string().contains("must be a geometry"), "{e}");
    assert!(e.to_string().contains("DOUBLE"), "{e}");
    let e = err("SELECT ST_Point(lon) FROM places");
    assert!(
        e.to_string().contains("ST_POINT takes 2 arguments, not 1"),
        "{e}"
    );
    let e = err("SELECT ST_GeomFromWKB(CAST(name AS BLOB)) FROM places");
    assert!(
        e.to_string().contains("byte order must be 0 or 1, not 66"),
        "{e}"
    );
}

pub(super) fn lcg(seed: &mut u64) -> f64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (*seed >> 11) as f64 / (1u64 << 53) as f64
}

/// Random points in files of 500 rows, sorted by longitude so files cover strips.
pub(super) fn random_points(seed: u64, n: usize) -> (tempfile::TempDir, Lake, Vec<(f64, f64)>) {
    let mut s = seed;
    let mut pts: Vec<(f64, f64)> = (0..n)
        .map(|_| (lcg(&mut s) * 40.0 - 10.0, lcg(&mut s) * 30.0 + 35.0))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut csv = String::from("id,lon,lat\n");
    for (i, (x, y)) in pts.iter().enumerate() {
        csv.push_str(&format!("{i},{x},{y}\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("pts.csv");
    std::fs::write(&p, csv).unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let opts = ImportOptions {
        rows_per_file: 500,
        ..Default::default()
    };
    let r = import_paths(&lake, &[p], &opts, &NoProgress, &CancelToken::new()).unwrap();
    assert_eq!(r.indexes.len(), 1, "the import indexes lon,lat");
    assert_eq!(r.indexes[0].column, "lon,lat");
    assert_eq!(r.indexes[0].entries, n as u64);
    (dir, lake, pts)
}

pub(super) fn count(lake: &Lake, sql: &str) -> i64 {
    match one(lake, sql) {
        AnyValue::Int64(n) => n,
        AnyValue::UInt32(n) => n as i64,
        other => panic!("{sql}: {other:?}"),
    }
}

#[test]
fn answers_are_the_same_with_and_without_the_index() {
    use crate::spatial::functions::haversine_m;
    use geo::Point;
    let (_dir, lake, pts) = random_points(42, 6000);
    let mut s = 9u64;
    let mut queries = Vec::new();
    for _ in 0..12 {
        let (x, y) = (lcg(&mut s) * 40.0 - 10.0, lcg(&mut s) * 30.0 + 35.0);
        let (w, h) = (lcg(&mut s) * 8.0, lcg(&mut s) * 8.0);
        let want = pts
            .iter()
            .filter(|(px, py)| *px >= x && *px <= x + w && *py >= y && *py <= y + h)
            .count() as i64;
        queries.push((format!("SELECT count(*) AS n FROM pts WHERE ST_Within(ST_Point(lon, lat), ST_MakeEnvelope({x}, {y}, {}, {}))", x + w, y + h), want));
        let m = lcg(&mut s) * 300_000.0;
        let c = Point::new(x, y);
        let want = pts
            .iter()
            .filter(|(px, py)| haversine_m(c, Point::new(*px, *py)) <= m)
            .count() as i64;
        queries.push((format!("SELECT count(*) AS n FROM pts WHERE ST_DWithin(ST_Point(lon, lat), ST_Point({x}, {y}), {m})"), want));
    }
    // A count with only spatial conditions is answered by the index alone; with another
    // condition the files are read, and the index rules some out.
    let scanned: Vec<(String, i64)> = queries
        .iter()
        .map(|(sql, want)| (format!("{sql} AND id >= 0"), *want))
        .collect();
    let mut pruned_somewhere = false;
    for (sql, want) in &queries {
        assert_eq!(count(&lake, sql), *want, "{sql}");
        let plan = crate::query::explain_query(&lake, sql, false, &QueryOptions::default())
            .unwrap()
            .to_text();
        assert!(
            plan.contains("IndexOnlyScan") && plan.contains("rtree candidates="),
            "{plan}"
        );
    }
    for (sql, want) in &scanned {
        assert_eq!(count(&lake, sql), *want, "{sql}");
        let plan = crate::query::explain_query(&lake, sql, false, &QueryOptions::default())
            .unwrap()
            .to_text();
        // With every file ruled out the scan is of no file at all.
        let none_read = plan.contains("InMemoryScan");
        assert!(!plan.contains("IndexOnlyScan"), "{plan}");
        assert!(plan.contains("rtree candidates=") || none_read, "{plan}");
        pruned_somewhere |= none_read || !plan.contains("pruned_files=0/");
    }
    let queries: Vec<(String, i64)> = queries.into_iter().chain(scanned).collect();
    assert!(pruned_somewhere, "no query let the index skip a file");
    // Without the index: the same answers, and no rtree flag.
    let lock = lake.try_write_lock().unwrap();
    assert!(crate::spatial::index::drop(&lake, &lock, "pts", "lon,lat").unwrap());
    drop(lock);
    assert!(lake.catalog().indexes(None).unwrap().is_empty());
    for (sql, want) in &queries {
        assert_eq!(count(&lake, sql), *want, "{sql} without the index");
        let plan = crate::query::explain_query(&lake, sql, false, &QueryOptions::default())
            .unwrap()
            .to_text();
        assert!(!plan.contains("rtree"), "{plan}");
    }
}

#[test]
fn each_version_has_its_own_index_and_reopening_reads_it() {
    let (dir, lake, _) = random_points(5, 1200);
    let first = lake.catalog().indexes(Some("pts")).unwrap().remove(0);
    let path = lake.root().join(&first.path);
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    drop(lake);
    let lake = Lake::open(&dir.path().join("lake")).unwrap();
    let sql = "SELECT count(*) AS n FROM pts WHERE ST_Intersects(ST_MakeEnvelope(0, 40, 5, 45), ST_Point(lon, lat))";
    let n = count(&lake, sql);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified,
        "reopening rebuilt the index"
    );
    // An append makes version 2 with its own index over all rows; version 1's stays recorded.
    let more = dir.path().join("more.csv");
    std::fs::write(&more, "id,lon,lat\n9000,2.5,42.5\n").unwrap();
    let opts = ImportOptions {
        name: Some("pts".into()),
        mode: crate::ingest::Mode::Append,
        ..Default::default()
    };
    let r = import_paths(&lake, &[more], &opts, &NoProgress, &CancelToken::new()).unwrap();
    assert_eq!((r.indexes[0].version, r.indexes[0].entries), (2, 1201));
    assert_eq!(count(&lake, sql), n + 1);
    assert!(path.exists(), "the old version's index is kept with it");
    // Bad requests say what to do.
    let lock = lake.try_write_lock().unwrap();
    let e = crate::spatial::index::create(&lake, &lock, "pts", "nope")
        .err()
        .unwrap();
    assert!(
        e.to_string().contains("it can be indexed on: lon,lat"),
        "{e}"
    );
    let e = crate::spatial::index::create(&lake, &lock, "pts", "id")
        .err()
        .unwrap();
    assert!(e.to_string().contains("not geometry or coordinates"), "{e}");
    let e = crate::spatial::index::create(&lake, &lock, "nosuch", "lon,lat")
        .err()
        .unwrap();
    assert_eq!(e.code(), "unknown_dataset");
}

#[test]
fn a_failed_index_write_leaves_nothing_and_a_crashed_one_is_cleaned_on_open() {
    let (dir, lake, _) = random_points(8, 100);
    let lock = lake.try_write_lock().unwrap();
    let rel = "index/pts/v1/rtree-test.rtree";
    let e = lake
        .write_derived(
            &lock,
            rel,
            |w| std::io::Write::write_all(w, b"bytes").map_err(|e| crate::LakeError::io("test", e)),
            |_, _, _| Err(crate::LakeError::Internal("refused".into())),
        )
        .err()
        .unwrap();
    assert!(e.to_string().contains("refused"));
    assert!(!lake.root().join(rel).exists());
    // A crash after the file is in place but before the catalog row: the journal has it.
    let job = "index-crashed";
    lake.catalog()
        .journal_add(
            job,
            &[(crate::catalog::journal::EntryKind::File, rel.into())],
        )
        .unwrap();
    std::fs::write(lake.root().join(rel), b"half").unwrap();
    drop(lock);
    drop(lake);
    let lake = Lake::open(&dir.path().join("lake")).unwrap();
    assert!(
        !lake.root().join(rel).exists(),
        "clean-up removes the unrecorded index"
    );
    assert_eq!(
        lake.catalog().indexes(None).unwrap().len(),
        1,
        "the recorded one stays"
    );
    assert!(lake
        .root()
        .join(&lake.catalog().indexes(None).unwrap()[0].path)
        .exists());
}

#[test]
fn geojson_geometry_is_geoparquet_and_indexed_by_its_boxes() {
    let gj = r#"{"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "square"}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]]}},
        {"type": "Feature", "properties": {"name": "far"}, "geometry": {"type": "Point", "coordinates": [50, 50]}}
    ]}"#;
    let (_dir, lake) = lake_with(&[("shapes.geojson", gj)]);
    let ds = lake.catalog().dataset("shapes").unwrap().unwrap();
    let mut reader = ParquetReader::new(
        std::fs::File::open(lake.data_file(&ds.files[0].path).unwrap()).unwrap(),
    );
    let meta = reader.get_metadata().unwrap().clone();
    let kv = meta.key_value_metadata().clone().unwrap_or_default();
    let geo = kv
        .iter()
        .find(|k| k.key == "geo")
        .expect("a GeoParquet `geo` key");
    let geo: Value = serde_json::from_str(geo.value.as_deref().unwrap()).unwrap();
    assert_eq!(geo["version"], "1.1.0");
    assert_eq!(geo["primary_column"], "geometry_wkb");
    assert_eq!(geo["columns"]["geometry_wkb"]["encoding"], "WKB");
    // The import indexed the geometry column by its boxes, and a query uses it.
    let ix = lake.catalog().indexes(Some("shapes")).unwrap();
    assert!(
        ix.iter()
            .any(|i| i.column == "geometry_wkb" && i.entries == 2),
        "{ix:?}"
    );
    let sql =
        "SELECT name FROM shapes WHERE ST_Intersects(geometry_wkb, ST_MakeEnvelope(3, 3, 5, 5))";
    let out = run_query(&lake, sql, &QueryOptions::default()).unwrap();
    assert_eq!(
        out.frame.column("name").unwrap().str().unwrap().get(0),
        Some("square")
    );
    assert_eq!(out.frame.height(), 1);
    let plan = crate::query::explain_query(&lake, sql, false, &QueryOptions::default())
        .unwrap()
        .to_text();
    assert!(plan.contains("rtree candidates=1/2"), "{plan}");
}

#[test]
fn spatial_joins_run_through_an_rtree_with_the_answers_of_a_scan() {
    use crate::spatial::functions::{contains, haversine_m};
    use geo::Point;
    let (dir, lake, pts) = random_points(77, 4000);
    // Regions (WKT text, overlapping) and sites (points), imported beside the points.
    let mut s = 3u64;
    let mut regions = Vec::new();
    let mut csv = String::from("name,shape\n");
    for i in 0..40 {
        let (x, y) = (lcg(&mut s) * 36.0 - 10.0, lcg(&mut s) * 26.0 + 35.0);
        let (w, h) = (lcg(&mut s) * 4.0 + 0.5, lcg(&mut s) * 4.0 + 0.5);
        let wkt = format!(
            "POLYGON (({x} {y}, {} {y}, {} {}, {x} {}, {x} {y}))",
            x + w,
            x + w,
            y + h,
            y + h
        );
        csv.push_str(&format!("r{i:02},\"{wkt}\"\n"));
        regions.push((format!("r{i:02}"), from_wkt(&wkt).unwrap().unwrap()));
    }
    let mut sites = String::from("site,lon,lat\n");
    let mut site_pts = Vec::new();
    for i in 0..25 {
        let (x, y) = (lcg(&mut s) * 40.0 - 10.0, lcg(&mut s) * 30.0 + 35.0);
        sites.push_str(&format!("s{i},{x},{y}\n"));
        site_pts.push(Point::new(x, y));
    }
    let (rp, sp) = (dir.path().join("regions.csv"), dir.path().join("sites.csv"));
    std::fs::write(&rp, csv).unwrap();
    std::fs::write(&sp, sites).unwrap();
    import_paths(
        &lake,
        &[rp, sp],
        &ImportOptions::default(),
        &NoProgress,
        &CancelToken::new(),
    )
    .unwrap();

    // Point in polygon, both ways round, against a scan in Rust.
    let want: Vec<(String, i64)> = regions
        .iter()
        .map(|(n, g)| {
            let c = pts
                .iter()
                .filter(|(x, y)| contains(g, &Point::new(*x, *y).into()))
                .count();
            (n.clone(), c as i64)
        })
        .filter(|(_, c)| *c > 0)
        .collect();
    assert!(
        want.len() > 10,
        "too few regions hold points to test anything"
    );
    for sql in [
        "SELECT r.name, count(*) AS n FROM regions r JOIN pts p ON ST_Contains(r.shape, ST_Point(p.lon, p.lat)) GROUP BY r.name ORDER BY r.name",
        "SELECT r.name, count(*) AS n FROM pts p JOIN regions r ON ST_Within(ST_Point(p.lon, p.lat), r.shape) GROUP BY r.name ORDER BY r.name",
        // A comma join with the predicate in WHERE (beside another condition) is one too.
        "SELECT r.name, count(*) AS n FROM regions r, pts p WHERE p.id >= 0 AND ST_Contains(r.shape, ST_Point(p.lon, p.lat)) GROUP BY r.name ORDER BY r.name",
        "SELECT r.name, count(*) AS n FROM pts p, regions r WHERE ST_Intersects(ST_Point(p.lon, p.lat), r.shape) GROUP BY r.name ORDER BY r.name",
    ] {
        let out = run_query(&lake, sql, &QueryOptions::default()).unwrap();
        let names = out.frame.column("name").unwrap().str().unwrap().clone();
        let counts = out.frame.column("n").unwrap().cast(&DataType::Int64).unwrap();
        let got: Vec<(String, i64)> = names
            .iter()
            .zip(counts.i64().unwrap().iter())
            .map(|(n, c)| (n.unwrap().to_string(), c.unwrap()))
            .collect();
        assert_eq!(got, want, "{sql}");
        let plan = crate::query::explain_query(&lake, sql, false, &QueryOptions::default()).unwrap().to_text();
        assert!(plan.contains("SpatialJoin"), "{plan}");
        assert!(!plan.to_lowercase().contains("cross"), "{plan}");
    }
    // SELECT * shows the tables' columns only.
    let all = run_query(
        &lake,
        "SELECT * FROM regions r JOIN pts p ON ST_Contains(r.shape, ST_Point(p.lon, p.lat))",
        &QueryOptions::default(),
    )
    .unwrap();
    let names: Vec<String> = all
        .frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(names, ["name", "shape", "id", "lon", "lat"]);
    assert_eq!(
        all.frame.height() as i64,
        want.iter().map(|(_, c)| c).sum::<i64>()
    );
    // Points within 80 km of a site, on the sphere.
    let want = pts
        .iter()
        .map(|(x, y)| {
            site_pts
                .iter()
                .filter(|s| haversine_m(**s, Point::new(*x, *y)) <= 80_000.0)
                .count()
        })
        .sum::<usize>() as i64;
    let n = count(&lake, "SELECT count(*) AS n FROM pts p JOIN sites s ON ST_DWithin(ST_Point(p.lon, p.lat), ST_Point(s.lon, s.lat), 80000)");
    assert_eq!(n, want);
    assert!(want > 0);
}

#[test]
fn results_export_as_geojson_and_geoparquet() {
    use crate::query::output::{write_frame, OutputFormat};
    let (_dir, lake) = lake_with(&[("places.csv", PLACES)]);
    let out = run_query(
        &lake,
        "SELECT name, lon, lat FROM places WHERE lon IS NOT NULL ORDER BY name",
        &QueryOptions::default(),
    )
    .unwrap();
    let mut buf = Vec::new();
    write_frame(&out.frame, OutputFormat::GeoJson, &mut buf).unwrap();
    let fc: Value = serde_json::from_slice(&buf).unwrap();
    let f = fc["features"].as_array().unwrap();
    assert_eq!(f.len(), 3);
    assert_eq!(f[0]["geometry"]["type"], "Point");
    assert_eq!(f[0]["properties"]["name"], "Alexanderplatz");
    assert_eq!(f[0]["geometry"]["coordinates"][0], 13.4132);
    // A geometry column is the geometry (and not a property); Parquet gets GeoParquet metadata.
    let out = run_query(
        &lake,
        "SELECT name, ST_Point(lon, lat) AS geometry FROM places WHERE lon IS NOT NULL",
        &QueryOptions::default(),
    )
    .unwrap();
    let mut buf = Vec::new();
    write_frame(&out.frame, OutputFormat::GeoJson, &mut buf).unwrap();
    let fc: Value = serde_json::from_slice(&buf).unwrap();
    assert!(fc["features"][0]["properties"].get("geometry").is_none());
    let mut pq = Vec::new();
    write_frame(&out.frame, OutputFormat::Parquet, &mut pq).unwrap();
    let mut reader = ParquetReader::new(std::io::Cursor::new(pq));
    let kv = reader
        .get_metadata()
        .unwrap()
        .key_value_metadata()
        .clone()
        .unwrap_or_default();
    assert!(kv.iter().any(|k| k.key == "geo"), "GeoParquet metadata");
    // Without coordinates, a clear error.
    let out = run_query(&lake, "SELECT name FROM places", &QueryOptions::default()).unwrap();
    let e = write_frame(&out.frame, OutputFormat::GeoJson, &mut Vec::new()).unwrap_err();
    assert!(e.to_string().contains("needs a geometry column"), "{e}");
}

#[test]
fn the_map_gets_points_or_cells_that_add_up() {
    use crate::spatial::viewport::{viewport, ViewportRequest};
    let (_dir, lake, pts) = random_points(21, 5000);
    let req = |bbox: [f64; 4], max_points: usize| ViewportRequest {
        dataset: "pts".into(),
        column: None,
        bbox,
        max_points,
        grid: (20, 12),
    };
    // Everything: more than the limit, so cells whose counts add up to all points.
    let all = viewport(&lake, &req([-10.0, 35.0, 30.0, 65.0], 1000)).unwrap();
    assert_eq!((all.total, all.entries), (5000, 5000));
    assert!(all.rows.is_empty() && !all.counts.is_empty() && all.counts.len() <= 240);
    assert_eq!(all.counts.iter().sum::<u64>(), 5000);
    // A small box: its points one by one, each with the row it came from.
    let b = [0.0, 40.0, 3.0, 43.0];
    let few = viewport(&lake, &req(b, 1000)).unwrap();
    let want = pts
        .iter()
        .filter(|(x, y)| *x >= b[0] && *x <= b[2] && *y >= b[1] && *y <= b[3])
        .count();
    assert_eq!(
        (few.total as usize, few.xs.len(), few.rows.len()),
        (want, want, want)
    );
    let [f, r] = few.rows[0];
    let row = crate::spatial::viewport::row_at(&lake, "pts", f, r).unwrap();
    assert_eq!(
        row.column("lon").unwrap().f64().unwrap().get(0),
        Some(few.xs[0])
    );
    assert!(
        viewport(&lake, &req([5.0, 0.0, 1.0, 1.0], 10)).is_err(),
        "west past east"
    );
}

#[test]
fn a_result_with_lon_lat_gets_a_map_of_its_rows() {
    use crate::query::results::ResultSet;
    let (_dir, lake) = lake_with(&[("places.csv", PLACES)]);
    let out = run_query(
        &lake,
        "SELECT name, lon, lat FROM places ORDER BY name",
        &QueryOptions::default(),
    )
    .unwrap();
    let mut r = ResultSet::new(out.frame);
    let v = r
        .map_viewport([0.0, 40.0, 20.0, 60.0], 100, (10, 10))
        .unwrap();
    assert_eq!(
        (v.total, v.entries),
        (3, 3),
        "the row without coordinates is not drawn"
    );
    // Rows are the view's: Alexanderplatz is row 0 of the sorted result.
    let i = v.rows.iter().position(|r| r[1] == 0).unwrap();
    assert_eq!((v.xs[i], v.ys[i]), (13.4132, 52.5219));
    let none = run_query(&lake, "SELECT name FROM places", &QueryOptions::default()).unwrap();
    let e = ResultSet::new(none.frame)
        .map_viewport([0.0, 0.0, 1.0, 1.0], 10, (1, 1))
        .unwrap_err();
    assert!(e.to_string().contains("no lon/lat columns"), "{e}");
}

#[test]
fn gpx_points_get_a_geoparquet_geometry_column() {
    let gpx = r#"<?xml version="1.0"?><gpx version="1.1" creator="t"><trk><name>run</name><trkseg>
        <trkpt lat="52.5" lon="13.4"><time>2024-05-01T10:00:00Z</time></trkpt>
        <trkpt lat="52.6" lon="13.5"><time>2024-05-01T10:01:00Z</time></trkpt>
        </trkseg></trk></gpx>"#;
    let (_dir, lake) = lake_with(&[("run.gpx", gpx)]);
    let ds = lake.catalog().dataset("run").unwrap().unwrap();
    assert!(
        ds.schema
            .iter()
            .any(|c| c.name == "geometry" && c.dtype == "binary"),
        "{:?}",
        ds.schema
    );
    let mut reader = ParquetReader::new(
        std::fs::File::open(lake.data_file(&ds.files[0].path).unwrap()).unwrap(),
    );
    let meta = reader.get_metadata().unwrap().clone();
    let kv = meta.key_value_metadata().clone().unwrap_or_default();
    assert!(kv.iter().any(|k| k.key == "geo"), "a GeoParquet `geo` key");
    assert_eq!(
        one(
            &lake,
            "SELECT string_agg(ST_AsText(geometry), ';' ORDER BY ts) FROM run"
        ),
        AnyValue::StringOwned("POINT (13.4 52.5);POINT (13.5 52.6)".into())
    );
    // A column of points is indexed as points, as small as the coordinate pair's index.
    let idx = lake.catalog().indexes(Some("run")).unwrap();
    let bytes = |c: &str| idx.iter().find(|i| i.column == c).map(|i| i.bytes);
    assert!(bytes("geometry").is_some(), "{idx:?}");
    assert_eq!(bytes("geometry"), bytes("lon,lat"), "{idx:?}");
    let n = "SELECT count(*) AS n FROM run WHERE ST_Intersects(geometry, ST_MakeEnvelope(13.45, 52.55, 14, 53))";
    assert_eq!(count(&lake, n), 1);
}
