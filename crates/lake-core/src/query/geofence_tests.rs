//! Fences and tracks: `geofence_events(...)` through the lake's SQL (a hand-made day, a
//! brute-force check on random tracks, the errors of a wrong call), saved fences, day tracks.
#![cfg(test)]

use polars::prelude::*;

use crate::cancel::CancelToken;
use crate::error::LakeError;
use crate::ingest::{import_paths, ImportOptions, NoProgress};
use crate::query::{run_query, QueryOptions};
use crate::Lake;

fn fence_json(fences: &[(&str, [f64; 4])]) -> String {
    let feats: Vec<String> = fences
        .iter()
        .map(|(name, [x0, y0, x1, y1])| {
            format!(
                r#"{{"type":"Feature","properties":{{"name":"{name}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        feats.join(",")
    )
}

/// A lake with `pts` (ts as seconds after 2019-01-07 00:00 UTC, lon, lat; shuffled on disk)
/// and `fences`.
fn lake_with(pts: &[(i64, Option<f64>, f64)], fences: &str) -> (tempfile::TempDir, Lake) {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("ts,lon,lat\n");
    // Reversed, so only the function's own ordering by time can get the stays right.
    for (t, x, y) in pts.iter().rev() {
        let ts = chrono::DateTime::from_timestamp(1_546_819_200 + t, 0).unwrap();
        let x = x.map(|x| x.to_string()).unwrap_or_default();
        csv.push_str(&format!("{},{x},{y}\n", ts.format("%Y-%m-%dT%H:%M:%SZ")));
    }
    let p = dir.path().join("pts.csv");
    std::fs::write(&p, csv).unwrap();
    let f = dir.path().join("fences.geojson");
    std::fs::write(&f, fences).unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    import_paths(
        &lake,
        &[p, f],
        &ImportOptions::default(),
        &NoProgress,
        &CancelToken::new(),
    )
    .unwrap();
    (dir, lake)
}

/// (fence, entered, left, points), seconds after the start.
fn stays(lake: &Lake, sql: &str) -> Vec<(String, i64, i64, i64)> {
    let out = run_query(lake, sql, &QueryOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let df = out.frame;
    let secs = |c: &str| -> Vec<i64> {
        let s = df.column(c).unwrap().cast(&DataType::Int64).unwrap();
        // Microseconds in the lake.
        s.i64()
            .unwrap()
            .into_no_null_iter()
            .map(|v| v / 1_000_000 - 1_546_819_200)
            .collect()
    };
    let (a, b) = (secs("entered_at"), secs("left_at"));
    let names = df.column("fence").unwrap().str().unwrap().clone();
    let pts = df.column("points").unwrap().i64().unwrap().clone();
    (0..df.height())
        .map(|i| {
            (
                names.get(i).unwrap().to_string(),
                a[i],
                b[i],
                pts.get(i).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_day_between_home_and_office() {
    let fences = fence_json(&[
        ("home", [0.0, 0.0, 1.0, 1.0]),
        ("office", [10.0, 10.0, 11.0, 11.0]),
    ]);
    let h = 3600;
    let pts = [
        (0, Some(0.5), 0.5),
        (h, Some(0.6), 0.5),
        (2 * h, Some(5.0), 5.0), // on the way
        (3 * h, None, 10.5),     // no place: left out
        (4 * h, Some(10.5), 10.5),
        (6 * h, Some(10.2), 10.9),
        (12 * h, Some(11.0), 10.5), // on the office's edge: inside
        (13 * h, Some(0.5), 0.5),
    ];
    let (_dir, lake) = lake_with(&pts, &fences);
    // The frame the function is read as can never be a dataset's name.
    assert!(crate::storage::validate_dataset_name("geofence_events-1").is_err());
    let got = stays(&lake, "SELECT * FROM geofence_events('pts', 'fences')");
    assert_eq!(
        got,
        vec![
            ("home".to_string(), 0, h, 2),
            ("office".to_string(), 4 * h, 12 * h, 3),
            ("home".to_string(), 13 * h, 13 * h, 1),
        ]
    );
    // "How many hours at the office per week": the stays feed ordinary SQL.
    let out = run_query(
        &lake,
        "SELECT fence, sum(duration_s) / 3600 AS hours FROM geofence_events('pts', 'fences') g \
         WHERE g.fence = 'office' GROUP BY fence",
        &QueryOptions::default(),
    )
    .unwrap();
    let hours = out.frame.column("hours").unwrap().f64().unwrap().get(0);
    assert_eq!(hours, Some(8.0));
}

fn lcg(seed: &mut u64) -> f64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (*seed >> 11) as f64 / (1u64 << 53) as f64
}

#[test]
fn stays_match_a_brute_force_walk_on_random_tracks() {
    for seed in [1u64, 7, 42] {
        let mut s = seed;
        let boxes: Vec<(String, [f64; 4])> = (0..5)
            .map(|i| {
                let (x, y) = (lcg(&mut s) * 8.0, lcg(&mut s) * 8.0);
                let (w, h) = (0.5 + lcg(&mut s) * 3.0, 0.5 + lcg(&mut s) * 3.0);
                (format!("f{i}"), [x, y, x + w, y + h])
            })
            .collect();
        let pts: Vec<(i64, Option<f64>, f64)> = (0..400)
            .map(|i| (i * 60, Some(lcg(&mut s) * 10.0), lcg(&mut s) * 10.0))
            .collect();
        let named: Vec<(&str, [f64; 4])> = boxes.iter().map(|(n, b)| (n.as_str(), *b)).collect();
        let (_dir, lake) = lake_with(&pts, &fence_json(&named));
        // The walk: for each fence, runs of consecutive points inside it.
        let mut expected = Vec::new();
        for (name, [x0, y0, x1, y1]) in &boxes {
            let mut run: Option<(i64, i64, i64)> = None;
            for (t, x, y) in &pts {
                let x = x.unwrap();
                let inside = x >= *x0 && x <= *x1 && *y >= *y0 && *y <= *y1;
                run = match (run, inside) {
                    (Some((a, _, n)), true) => Some((a, *t, n + 1)),
                    (None, true) => Some((*t, *t, 1)),
                    (Some((a, b, n)), false) => {
                        expected.push((name.clone(), a, b, n));
                        None
                    }
                    (None, false) => None,
                };
            }
            if let Some((a, b, n)) = run {
                expected.push((name.clone(), a, b, n));
            }
        }
        expected.sort_by(|p, q| (p.1, &p.0).cmp(&(q.1, &q.0)));
        let got = stays(&lake, "SELECT * FROM geofence_events('pts', 'fences')");
        assert!(!expected.is_empty());
        assert_eq!(got, expected, "seed {seed}");
    }
}

#[test]
fn wrong_calls_say_what_to_write() {
    let fences = fence_json(&[("home", [0.0, 0.0, 1.0, 1.0])]);
    let (_dir, lake) = lake_with(&[(0, Some(0.5), 0.5)], &fences);
    let err = |sql: &str| match run_query(&lake, sql, &QueryOptions::default()) {
        Ok(_) => panic!("{sql} ran"),
        Err(e) => e,
    };
    match err("SELECT * FROM geofence_events('pts', 'fencez')") {
        LakeError::UnknownDataset { message, .. } => {
            assert!(message.contains("did you mean 'fences'"), "{message}")
        }
        e => panic!("{e:?}"),
    }
    let e = err("SELECT * FROM geofence_events('pts')").to_string();
    assert!(
        e.contains("takes 2 arguments") && e.contains("geofence_events('"),
        "{e}"
    );
    let e = err("SELECT * FROM geofence_events(pts, fences)").to_string();
    assert!(e.contains("single quotes"), "{e}");
    // The fences must be shapes; the points need a time.
    let e = err("SELECT * FROM geofence_events('fences', 'pts')").to_string();
    assert!(
        e.contains("no geometry column") || e.contains("timestamp"),
        "{e}"
    );
    let e = err("SELECT * FROM read_parquet('x')").to_string();
    assert!(e.contains("not allowed"), "{e}");
}

#[test]
fn fences_are_saved_as_versions_and_bad_shapes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let v1 = crate::spatial::fences::save(
        &lake,
        "fences",
        "Home",
        "POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))",
    )
    .unwrap();
    let v2 = crate::spatial::fences::save(
        &lake,
        "fences",
        " Office ",
        "POLYGON((10 10, 11 10, 11 11, 10 10))",
    )
    .unwrap();
    assert_eq!((v1.version, v1.rows, v2.version, v2.rows), (1, 1, 2, 2));
    let out = run_query(
        &lake,
        "SELECT name FROM fences WHERE ST_Contains(geometry, ST_Point(0.5, 0.5))",
        &QueryOptions::default(),
    )
    .unwrap();
    assert_eq!(out.frame.height(), 1);
    let ix = lake.catalog().indexes(Some("fences")).unwrap();
    assert!(
        ix.iter().any(|i| i.column == "geometry" && i.entries == 2),
        "{ix:?}"
    );
    for (wkt, says) in [
        ("POINT(1 2)", "POLYGON"),
        ("POLYGON((0 0, 1 0", "WKT"),
        ("POLYGON((0 0, 200 0, 200 1, 0 0))", "longitude"),
        ("POLYGON EMPTY", "area"),
    ] {
        let e = crate::spatial::fences::save(&lake, "fences", "x", wkt)
            .unwrap_err()
            .to_string();
        assert!(
            e.to_lowercase().contains(&says.to_lowercase()),
            "{wkt}: {e}"
        );
    }
    let e = crate::spatial::fences::save(&lake, "fences", "  ", "POLYGON((0 0, 1 0, 1 1, 0 0))")
        .unwrap_err();
    assert!(e.to_string().contains("name"), "{e}");
    // Nothing of the refused ones reached the lake.
    assert_eq!(lake.catalog().dataset("fences").unwrap().unwrap().rows, 2);
}

#[test]
fn a_day_track_is_in_time_order_with_the_days_around_it() {
    let fences = fence_json(&[("home", [0.0, 0.0, 1.0, 1.0])]);
    let d = 86_400;
    let pts = [
        (100, Some(0.1), 0.1),
        (d + 300, Some(3.0), 3.0),
        (d + 200, Some(2.0), 2.0),
        (d + 250, None, 9.0),
        (3 * d + 5, Some(5.0), 5.0),
    ];
    let (_dir, lake) = lake_with(&pts, &fences);
    let t = crate::query::track::day_track(&lake, "pts", Some("2019-01-08"), None).unwrap();
    assert_eq!(
        (t.xs.clone(), t.ys.clone(), t.total),
        (vec![2.0, 3.0], vec![2.0, 3.0], 2)
    );
    assert_eq!(t.ts_ms[1] - t.ts_ms[0], 100_000.0);
    assert_eq!(
        (t.prev.as_deref(), t.next.as_deref()),
        (Some("2019-01-07"), Some("2019-01-10"))
    );
    // Without a day: the last one.
    let last = crate::query::track::day_track(&lake, "pts", None, None).unwrap();
    assert_eq!(
        (last.day.as_str(), last.xs.len(), last.next),
        ("2019-01-10", 1, None)
    );
    let empty = crate::query::track::day_track(&lake, "pts", Some("2019-01-09"), None).unwrap();
    assert_eq!(
        (empty.total, empty.prev.as_deref()),
        (0, Some("2019-01-08"))
    );
    let e = crate::query::track::day_track(&lake, "pts", Some("08/01/2019"), None).unwrap_err();
    assert!(e.to_string().contains("YYYY-MM-DD"), "{e}");
    // In New York (UTC-5 in January) the points fall on the evening before.
    let ny = Some("America/New_York");
    let t = crate::query::track::day_track(&lake, "pts", Some("2019-01-07"), ny).unwrap();
    assert_eq!(
        (t.xs.clone(), t.zone.as_str()),
        (vec![2.0, 3.0], "America/New_York")
    );
    assert_eq!(
        (t.prev.as_deref(), t.next.as_deref()),
        (Some("2019-01-06"), Some("2019-01-09"))
    );
    let last = crate::query::track::day_track(&lake, "pts", None, ny).unwrap();
    assert_eq!(last.day, "2019-01-09");
    let e = crate::query::track::day_track(&lake, "pts", None, Some("Mars/Olympus")).unwrap_err();
    assert!(e.to_string().contains("not a time zone"), "{e}");
}
