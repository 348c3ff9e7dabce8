//! Index-only scans (`index_only`): the R-tree's answers against a scan of the files.
#![cfg(test)]

use polars::prelude::*;

use super::spatial_tests::{count, lake_with, lcg, random_points};
use crate::query::{explain_query, run_query, QueryOptions};
use crate::Lake;

fn run(lake: &Lake, sql: &str) -> DataFrame {
    run_query(lake, sql, &QueryOptions::default())
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .frame
}

fn plan(lake: &Lake, sql: &str) -> String {
    explain_query(lake, sql, false, &QueryOptions::default())
        .unwrap()
        .to_text()
}

fn drop_index(lake: &Lake, ds: &str) {
    let lock = lake.try_write_lock().unwrap();
    assert!(crate::spatial::index::drop(lake, &lock, ds, "lon,lat").unwrap());
}

/// Frames equal in names, types, order and values; floats to 1e-9 of their size (a sum in
/// another order may differ in its last bits).
fn same(a: &DataFrame, b: &DataFrame, what: &str) {
    assert_eq!(a.schema(), b.schema(), "{what}");
    assert_eq!(a.height(), b.height(), "{what}:\n{a}\n{b}");
    for (x, y) in a.columns().iter().zip(b.columns()) {
        if x.dtype().is_float() {
            let (x, y) = (
                x.cast(&DataType::Float64).unwrap(),
                y.cast(&DataType::Float64).unwrap(),
            );
            for (p, q) in x.f64().unwrap().iter().zip(y.f64().unwrap().iter()) {
                match (p, q) {
                    (Some(p), Some(q)) => assert!(
                        (p - q).abs() <= 1e-9 * p.abs().max(1.0),
                        "{what}: {p} against {q}"
                    ),
                    (p, q) => assert_eq!(p, q, "{what}"),
                }
            }
        } else {
            assert!(x.equals_missing(y), "{what}:\n{a}\n{b}");
        }
    }
}

#[test]
fn index_only_rows_are_the_scans_rows() {
    let (_dir, lake, _) = random_points(7, 5000);
    let mut s = 3u64;
    let mut queries = Vec::new();
    for _ in 0..6 {
        let (x, y) = (lcg(&mut s) * 40.0 - 10.0, lcg(&mut s) * 30.0 + 35.0);
        let (w, h) = (lcg(&mut s) * 10.0, lcg(&mut s) * 10.0);
        let m = lcg(&mut s) * 400_000.0;
        for pred in [
            format!("ST_Within(ST_Point(lon, lat), ST_MakeEnvelope({x}, {y}, {}, {}))", x + w, y + h),
            format!("ST_DWithin(ST_Point(lon, lat), ST_Point({x}, {y}), {m})"),
            format!("ST_Intersects(ST_GeomFromText('POLYGON(({x} {y}, {} {y}, {x} {}, {x} {y}))'), ST_Point(p.lon, p.lat))", x + w, y + h),
        ] {
            for q in [
                "SELECT sum(lon) AS s, avg(p.lat) AS a, min(lon) AS lo, max(lat) AS hi, count(*) AS n FROM pts p WHERE PRED",
                "SELECT lon, lat FROM pts p WHERE PRED",
                "SELECT lat FROM pts p WHERE PRED ORDER BY lon DESC LIMIT 7",
                "SELECT round(lon) AS x, count(*) AS n FROM pts p WHERE PRED AND lat > 45 GROUP BY 1 ORDER BY 1",
                "SELECT count(*) AS n FROM pts p WHERE lon < 5 AND PRED",
                "SELECT DISTINCT floor(lat) AS y FROM pts p WHERE PRED ORDER BY y",
                "SELECT count(*) AS n FROM pts p WHERE PRED LIMIT 0",
            ] {
                queries.push(q.replace("PRED", &pred));
            }
        }
    }
    let with: Vec<DataFrame> = queries.iter().map(|q| run(&lake, q)).collect();
    assert!(
        with.iter().any(|f| f.height() > 100),
        "some boxes hold many points"
    );
    for q in &queries {
        let p = plan(&lake, q);
        assert!(
            p.contains("IndexOnlyScan") && p.contains("rtree candidates="),
            "{q}: {p}"
        );
        assert!(
            !p.contains("Scan pts") || p.contains("no data file read"),
            "{p}"
        );
    }
    assert!(plan(&lake, &queries[1]).contains("pts: lon, lat from its R-tree"));
    drop_index(&lake, "pts");
    for (q, before) in queries.iter().zip(&with) {
        assert!(!plan(&lake, q).contains("IndexOnlyScan"), "{q}");
        same(before, &run(&lake, q), q);
    }
}

#[test]
fn index_only_refuses_queries_that_read_other_columns() {
    let (_dir, lake, _) = random_points(8, 600);
    let pred = "ST_Within(ST_Point(lon, lat), ST_MakeEnvelope(0, 40, 20, 60))";
    for q in [
        "SELECT id FROM pts WHERE PRED",
        "SELECT * FROM pts WHERE PRED",
        "SELECT lon FROM pts WHERE PRED ORDER BY id",
        "SELECT count(*) AS n FROM pts WHERE PRED AND id > 3",
        "SELECT count(*) AS n FROM pts WHERE PRED AND lon IN (SELECT lat FROM pts)",
        "SELECT count(*) AS n FROM pts a JOIN pts b ON a.id = b.id WHERE ST_Within(ST_Point(a.lon, a.lat), ST_MakeEnvelope(0, 40, 20, 60))",
        "WITH x AS (SELECT lon, lat FROM pts) SELECT count(*) AS n FROM x WHERE ST_Within(ST_Point(lon, lat), ST_MakeEnvelope(0, 40, 20, 60))",
        "SELECT count(*) AS n FROM pts WHERE ST_Within(ST_Point(lon, lat), ST_MakeEnvelope(0, 40, 20, 60)) OR lon > 25",
    ] {
        let q = q.replace("PRED", pred);
        let before = run(&lake, &q);
        assert!(!plan(&lake, &q).contains("IndexOnlyScan"), "{q}");
        assert!(before.height() > 0, "{q}");
    }
}

#[test]
fn index_only_counts_match_the_scan_on_edges_and_refuse_other_shapes() {
    // A grid of whole degrees, so many points lie exactly on the boxes' edges.
    let mut csv = String::from("id,lon,lat,kind\n");
    let mut i = 0;
    for x in -5..=5 {
        for y in -5..=5 {
            csv.push_str(&format!(
                "{i},{x},{y},{}\n",
                if i % 2 == 0 { "a" } else { "b" }
            ));
            i += 1;
        }
    }
    csv.push_str("999,,,a\n");
    let (_dir, lake) = lake_with(&[("grid.csv", &csv)]);
    let only = [
        "SELECT count(*) FROM grid WHERE ST_Within(ST_Point(lon, lat), ST_MakeEnvelope(0, 0, 2, 2))",
        "SELECT count(*) AS N FROM grid g WHERE ST_Intersects(ST_Point(g.lon, g.lat), ST_MakeEnvelope(0, 0, 2, 2))",
        "SELECT COUNT(*) AS c FROM grid WHERE ST_Contains(ST_GeomFromText('POLYGON((0 0, 4 0, 0 4, 0 0))'), ST_Point(lon, lat))",
        "SELECT count(*) AS c FROM grid WHERE ST_Intersects(ST_GeomFromText('POLYGON((0 0, 4 0, 0 4, 0 0))'), ST_Point(lon, lat))",
        "SELECT count(*) AS c FROM grid WHERE ST_DWithin(ST_Point(lon, lat), ST_Point(0, 0), 250000)",
        "SELECT count(*) AS c FROM grid WHERE ST_DWithin(ST_Point(0, 0), ST_Point(lon, lat), 250000) AND ST_Within(ST_Point(lon, lat), ST_MakeEnvelope(-1, -9, 9, 9))",
        "SELECT count(*) AS c FROM grid WHERE ST_Within(ST_Point(lon, lat), ST_MakeEnvelope(50, 50, 60, 60))",
    ];
    let other = [
        "SELECT count(*) AS c FROM grid WHERE ST_Within(ST_Point(lon, lat), ST_MakeEnvelope(0, 0, 2, 2)) AND kind = 'a'",
        "SELECT kind, count(*) AS c FROM grid WHERE ST_Within(ST_Point(lon, lat), ST_MakeEnvelope(-3, -3, 3, 3)) GROUP BY kind ORDER BY kind",
        "SELECT count(DISTINCT kind) AS c FROM grid WHERE ST_Within(ST_Point(lon, lat), ST_MakeEnvelope(-3, -3, 3, 3))",
        "SELECT count(*) AS c FROM grid WHERE ST_Within(ST_Point(lat, lon), ST_MakeEnvelope(-3, -3, 3, 3))",
    ];
    let run = |sql: &str| {
        run_query(&lake, sql, &QueryOptions::default())
            .unwrap()
            .frame
    };
    let plan = |sql: &str| {
        crate::query::explain_query(&lake, sql, false, &QueryOptions::default())
            .unwrap()
            .to_text()
    };
    let with: Vec<DataFrame> = only.iter().chain(&other).map(|q| run(q)).collect();
    for q in only {
        assert!(plan(q).contains("IndexOnlyScan"), "{q}: {}", plan(q));
    }
    for q in other {
        assert!(!plan(q).contains("IndexOnlyScan"), "{q}");
    }
    // Known answers: the 3x3 grid strictly inside (0,0)-(2,2) is the 1 point (1,1); with the
    // edges, 9; the triangle's interior holds (1,1), (1,2), (2,1); with its edges, 15; within
    // 250 km of (0,0) (2.25 degrees) lie 21, 13 of them east of -1.
    let n = |df: &DataFrame| df.columns()[0].i64().unwrap().get(0).unwrap();
    assert_eq!(
        with[..only.len()].iter().map(n).collect::<Vec<_>>(),
        vec![1, 9, 3, 15, 21, 13, 0]
    );
    assert_eq!(with[1].get_column_names()[0].as_str(), "N");
    // Without the index every query scans, with the same frames (names and types included).
    let lock = lake.try_write_lock().unwrap();
    assert!(crate::spatial::index::drop(&lake, &lock, "grid", "lon,lat").unwrap());
    drop(lock);
    for (q, before) in only.iter().chain(&other).zip(&with) {
        assert!(!plan(q).contains("IndexOnlyScan"), "{q}");
        assert!(run(q).equals_missing(before), "{q}:\n{}\n{before}", run(q));
    }
}

#[test]
fn index_only_rectangles_agree_with_the_polygon_test() {
    // Rectangles given as polygons in other orders, degenerate ones, and a spike that only
    // looks like a box: each is counted from the index and by the scan.
    let mut csv = String::from("id,lon,lat\n");
    let mut i = 0;
    for x in 0..=4 {
        for y in 0..=4 {
            csv.push_str(&format!("{i},{x},{y}\n"));
            i += 1;
        }
    }
    let (_dir, lake) = lake_with(&[("g.csv", &csv)]);
    let shapes = [
        "POLYGON((1 1, 1 3, 3 3, 3 1, 1 1))",
        "POLYGON((3 3, 1 3, 1 1, 3 1, 3 3))",
        "POLYGON((1 1, 3 1, 3 1, 1 1, 1 1))",
        "POLYGON((1 1, 3 1, 3 3, 3 1, 1 1))",
        "POLYGON((1 1, 3 3, 1 3, 3 1, 1 1))",
        "POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 3, 3 3, 3 1, 1 1))",
    ];
    let mut index = Vec::new();
    for shape in shapes {
        for f in [
            "ST_Within(ST_Point(lon, lat), GEOM)",
            "ST_Intersects(ST_Point(lon, lat), GEOM)",
        ] {
            let f = f.replace("GEOM", &format!("ST_GeomFromText('{shape}')"));
            let sql = format!("SELECT count(*) AS n FROM g WHERE {f}");
            index.push((sql.clone(), count(&lake, &sql)));
        }
    }
    let lock = lake.try_write_lock().unwrap();
    assert!(crate::spatial::index::drop(&lake, &lock, "g", "lon,lat").unwrap());
    drop(lock);
    for (sql, n) in index {
        assert_eq!(count(&lake, &sql), n, "{sql}");
    }
}

#[test]
fn index_only_keeps_the_pairs_own_types() {
    use crate::cancel::CancelToken;
    use crate::ingest::{import_paths, ImportOptions, NoProgress};
    let dir = tempfile::tempdir().unwrap();
    let mut s = 5u64;
    let (xs, ys): (Vec<f32>, Vec<f32>) = (0..3000)
        .map(|_| {
            (
                (lcg(&mut s) * 20.0) as f32,
                (lcg(&mut s) * 20.0 + 40.0) as f32,
            )
        })
        .unzip();
    let mut df = df!("lon" => xs, "lat" => ys).unwrap();
    let path = dir.path().join("f32.parquet");
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut df)
        .unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let r = import_paths(
        &lake,
        &[path],
        &ImportOptions::default(),
        &NoProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(r.indexes.len(), 1);
    let q = "SELECT lon, lat FROM f32 WHERE ST_Within(ST_Point(lon, lat), ST_MakeEnvelope(5, 45, 10, 50)) ORDER BY lat";
    let with = run(&lake, q);
    assert!(plan(&lake, q).contains("IndexOnlyScan"));
    assert_eq!(with.column("lon").unwrap().dtype(), &DataType::Float32);
    assert!(with.height() > 100);
    drop_index(&lake, "f32");
    same(&with, &run(&lake, q), q);
}
