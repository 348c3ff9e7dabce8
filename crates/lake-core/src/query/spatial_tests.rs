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

fn lake_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Lake) {
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

fn one(lake: &Lake, sql: &str) -> AnyValue<'static> {
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
