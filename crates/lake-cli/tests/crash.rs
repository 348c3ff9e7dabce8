//! `kill -9` during imports at seeded points: the lake must always open with the previous or the
//! new state, never a mix, and leave no orphans behind.

use std::collections::HashSet;
use std::io::Write;
use std::time::Instant;

use crate::common::{lake_bin, TestLake};

fn write_ndjson(path: &std::path::Path, start: u64, n: u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in start..start + n {
        writeln!(
            f,
            "{{\"id\":{i},\"ts\":\"2024-01-01T00:00:{:02}Z\",\"name\":\"row {i}\",\"v\":{}.5,\"lon\":{},\"lat\":{}}}",
            i % 60,
            i % 1000,
            (i % 3600) as f64 / 10.0 - 180.0,
            (i % 1700) as f64 / 10.0 - 85.0
        )
        .unwrap();
    }
}

fn files_on_disk(dir: &std::path::Path) -> HashSet<String> {
    let mut out = HashSet::new();
    fn walk(root: &std::path::Path, d: &std::path::Path, out: &mut HashSet<String>) {
        if let Ok(rd) = std::fs::read_dir(d) {
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(root, &p, out);
                } else {
                    out.insert(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
                }
            }
        }
    }
    walk(dir, &dir.join("data"), &mut out);
    walk(dir, &dir.join("index"), &mut out);
    out
}

/// What every interrupted import must leave: integrity `ok`, exactly the files the catalog
/// references, and an empty staging folder.
fn assert_storage_clean(lake: &TestLake, when: &str) {
    let conn = rusqlite::Connection::open(lake.path().join("catalog.sqlite")).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok", "{when}");
    let mut st = conn
        .prepare("SELECT path FROM files UNION SELECT path FROM indexes")
        .unwrap();
    let referenced: HashSet<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        files_on_disk(&lake.path()),
        referenced,
        "{when}: orphaned or missing files"
    );
    assert!(
        std::fs::read_dir(lake.path().join("staging"))
            .unwrap()
            .next()
            .is_none(),
        "{when}: staging not cleaned"
    );
}

/// `points` kill times as fractions of a whole import, spread evenly over 0–110 % of it with a
/// seeded jitter, so they fall in parsing, writing and committing alike.
fn kill_fractions(mut seed: u64, points: u64) -> Vec<f64> {
    (0..points)
        .map(|k| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let jitter = (seed >> 40) as f64 / (1u64 << 24) as f64;
            (k as f64 + jitter) / points as f64 * 1.1
        })
        .collect()
}

/// Checks the lake after a kill; returns the version and rows of `big`.
fn check_consistent(lake: &TestLake) -> (u64, u64) {
    // Opening (any command) cleans up; then check what a user sees.
    let list: serde_json::Value = serde_json::from_str(&lake.ok(&["datasets", "--json"])).unwrap();
    let big = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "big")
        .expect("big survives");
    let rows = big["rows"].as_u64().unwrap();
    let version = big["version"].as_u64().unwrap();
    assert_eq!(
        lake.csv("SELECT count(*) AS n FROM big"),
        format!("n\n{rows}\n")
    );
    // The spatial index, when the version has one, covers every row; a spatial query answers
    // the same through it as the plain ranges do.
    let indexes: serde_json::Value =
        serde_json::from_str(&lake.ok(&["index", "list", "big", "--json"])).unwrap();
    if let Some(ix) = indexes.as_array().unwrap().first() {
        assert_eq!(ix["entries"].as_u64(), Some(rows), "{ix}");
        assert_eq!(ix["version"].as_u64(), Some(version), "{ix}");
    }
    assert_eq!(
        lake.csv("SELECT count(*) AS n FROM big WHERE ST_Intersects(ST_Point(lon, lat), ST_MakeEnvelope(-10, -10, 10, 10))"),
        lake.csv("SELECT count(*) AS n FROM big WHERE lon BETWEEN -10 AND 10 AND lat BETWEEN -10 AND 10")
    );
    let keep = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "keep")
        .expect("keep survives");
    assert_eq!(keep["rows"], 2);
    assert_storage_clean(lake, "after a kill");
    (version, rows)
}

#[test]
fn kill_9_during_import_never_leaves_a_mix() {
    let lake = TestLake::with_keep();
    let base = lake.dir.path().join("in/base.ndjson");
    write_ndjson(&base, 0, 1000);
    lake.import(&[&base], &["--name", "big"]);
    let added = 100_000;
    let batch = |k: u64| {
        let p = lake.dir.path().join(format!("in/more-{k}.ndjson"));
        write_ndjson(&p, 1000 + k * added, added);
        p
    };
    let args = |l: &TestLake, file: &std::path::Path| {
        let mut c = std::process::Command::new(lake_bin());
        c.arg("--lake").arg(l.path()).args([
            "import",
            "--json",
            "--name",
            "big",
            "--mode",
            "append",
            "--rows-per-file",
            "20000",
        ]);
        c.arg(file);
        c.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        c
    };
    // How long does a whole import take? Measure on another lake.
    let probe = TestLake::new();
    probe.import(&[&base], &["--name", "big"]);
    let first = batch(0);
    let t = Instant::now();
    assert!(args(&probe, &first).status().unwrap().success());
    let full = t.elapsed();

    // Kill points spread evenly over the import (and a little past it), in a seeded order.
    let points = 50u64;
    let (mut version, mut rows) = (1u64, 1000u64);
    let mut commits = 0;
    for (k, frac) in kill_fractions(0x5eed_1234, points).into_iter().enumerate() {
        let k = k as u64;
        let file = batch(k + 1);
        let mut child = args(&lake, &file).spawn().unwrap();
        std::thread::sleep(full.mul_f64(frac));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let (v, r) = check_consistent(&lake);
        if v == version {
            assert_eq!(r, rows, "kill point {k}: old version must be intact");
        } else {
            assert_eq!(
                (v, r),
                (version + 1, rows + added),
                "kill point {k}: new version must be whole"
            );
            commits += 1;
        }
        (version, rows) = (v, r);
        eprintln!(
            "kill point {k}: after {:?} of a {full:?} import; version {v}, {r} rows",
            full.mul_f64(frac)
        );
    }
    assert!(
        commits < points,
        "every kill came too late to test anything"
    );
    // A re-run of an interrupted import completes with exactly the expected counts.
    let last = batch(points + 1);
    let mut child = args(&lake, &last).spawn().unwrap();
    std::thread::sleep(full.mul_f64(0.5));
    let _ = child.kill();
    let _ = child.wait();
    let before = check_consistent(&lake);
    assert!(args(&lake, &last).status().unwrap().success());
    let after = check_consistent(&lake);
    assert_eq!(
        after.1,
        before.1 + if before.0 == version { added } else { 0 }
    );
}

/// Runs `lake ARGS` on `lake`, sends it Ctrl-C (SIGINT) after `ms` milliseconds; its output,
/// and how long it took to stop after the signal.
fn interrupted(
    lake: &TestLake,
    args: &[&str],
    ms: u64,
) -> (std::process::Output, std::time::Duration) {
    let child = std::process::Command::new(lake_bin())
        .arg("--lake")
        .arg(lake.path())
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(ms));
    let sent = Instant::now();
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    (out, sent.elapsed())
}

#[test]
fn ctrl_c_cancels_an_import_and_leaves_the_lake_as_it_was() {
    let lake = TestLake::with_keep();
    let big = lake.dir.path().join("in/big.ndjson");
    write_ndjson(&big, 0, 2_000_000);
    let big = big.to_str().unwrap();
    let (out, stopped_after) = interrupted(&lake, &["import", "--name", "big", big], 400);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[cancelled]"), "{stderr}");
    assert!(
        stopped_after < std::time::Duration::from_secs(3),
        "took {stopped_after:?}"
    );
    let list: serde_json::Value = serde_json::from_str(&lake.ok(&["datasets", "--json"])).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["keep"]);
    assert!(std::fs::read_dir(lake.path().join("staging"))
        .unwrap()
        .next()
        .is_none());
    assert!(!lake.path().join("data/big").exists());
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

/// Names and row counts of the `takeout.*` tables.
fn takeout_tables(lake: &TestLake) -> Vec<(String, u64)> {
    let list: serde_json::Value = serde_json::from_str(&lake.ok(&["datasets", "--json"])).unwrap();
    let mut out: Vec<(String, u64)> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["name"].as_str().unwrap().starts_with("takeout."))
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_string(),
                d["rows"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn kill_9_during_a_takeout_import_commits_all_tables_or_none() {
    // The small English export with a generated Records.json of 300,000 locations.
    let work = tempfile::tempdir().unwrap();
    let export = work.path().join("Takeout");
    copy_dir(
        &crate::common::manifest_dir().join("tests/fixtures/takeout/en/Takeout"),
        &export,
    );
    {
        let p = export.join("Location History (Timeline)/Records.json");
        let mut f = std::io::BufWriter::new(std::fs::File::create(p).unwrap());
        writeln!(f, "{{\"locations\": [").unwrap();
        for i in 0..300_000u64 {
            let sep = if i == 0 { "" } else { "," };
            writeln!(
                f,
                "{sep}{{\"latitudeE7\": {}, \"longitudeE7\": {}, \"accuracy\": {}, \
                 \"source\": \"WIFI\", \"timestamp\": \"2024-05-{:02}T{:02}:{:02}:{:02}.{:03}Z\"}}",
                515_000_000 + (i * 37) % 1_000_000,
                -1_200_000 - ((i * 53) % 1_000_000) as i64,
                5 + i % 40,
                1 + (i / 86_400) % 28,
                (i / 3600) % 24,
                (i / 60) % 60,
                i % 60,
                i % 1000
            )
            .unwrap();
        }
        writeln!(f, "]}}").unwrap();
    }
    let run = |l: &TestLake| {
        let mut c = std::process::Command::new(lake_bin());
        c.arg("--lake").arg(l.path()).arg("import").arg(&export);
        c.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        c
    };
    // What a whole import gives, and how long it takes, on a twin lake.
    let twin = TestLake::new();
    let t = Instant::now();
    assert!(run(&twin).status().unwrap().success());
    let full = t.elapsed();
    let expected = takeout_tables(&twin);
    assert!(expected.len() >= 15, "{expected:?}");
    let points_row = expected
        .iter()
        .find(|(n, _)| n == "takeout.location_points");
    assert!(
        points_row.is_some_and(|(_, r)| *r >= 300_000),
        "{expected:?}"
    );

    let lake = TestLake::with_keep();
    let reset = |lake: &TestLake| {
        if !takeout_tables(lake).is_empty() {
            let fresh = TestLake::with_keep();
            std::fs::remove_dir_all(lake.path()).unwrap();
            std::fs::rename(fresh.path(), lake.path()).unwrap();
        }
    };
    let (mut none, mut all) = (0, 0);
    for (k, frac) in kill_fractions(0x7a4e_0042, 25).into_iter().enumerate() {
        // Each kill starts from a lake without the export, so every point tests a first import.
        reset(&lake);
        let mut child = run(&lake).spawn().unwrap();
        std::thread::sleep(full.mul_f64(frac));
        let _ = child.kill();
        let _ = child.wait();
        let got = takeout_tables(&lake);
        if got.is_empty() {
            none += 1;
        } else {
            assert_eq!(got, expected, "kill point {k}: a partial Takeout commit");
            all += 1;
        }
        assert_storage_clean(&lake, &format!("kill point {k}"));
        assert_eq!(lake.csv("SELECT count(*) AS n FROM keep"), "n\n2\n");
    }
    eprintln!("takeout kill points: {none} before the commit, {all} after; whole import {full:?}");
    assert!(none > 0, "every kill came too late to test anything");
    // Killed half way, then run again: exactly the expected counts.
    reset(&lake);
    let mut child = run(&lake).spawn().unwrap();
    std::thread::sleep(full.mul_f64(0.5));
    let _ = child.kill();
    let _ = child.wait();
    assert!(run(&lake).status().unwrap().success());
    assert_eq!(takeout_tables(&lake), expected);
}

#[test]
fn ctrl_c_cancels_a_vector_index_build_and_the_lake_keeps_no_half_index() {
    let lake = TestLake::new();
    // 30,000 vectors of 8: a graph (above the exact scan's 20,000), seconds to build here.
    let path = lake.dir.path().join("in/vecs.ndjson");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..30_000u64 {
        let v: Vec<String> = (0..8)
            .map(|j| {
                format!(
                    "{:.3}",
                    ((i * 7919 + j * 104_729) % 1000) as f64 / 999.0 + 0.001
                )
            })
            .collect();
        writeln!(f, "{{\"id\":{i},\"emb\":[{}]}}", v.join(",")).unwrap();
    }
    drop(f);
    lake.ok(&["import", "--name", "vecs", path.to_str().unwrap()]);
    let (out, stopped_after) = interrupted(&lake, &["index", "create", "vecs", "emb"], 1200);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error[cancelled]: building the hnsw-cosine index of vecs (emb) was cancelled"
        ),
        "{stderr}"
    );
    assert!(
        stopped_after < std::time::Duration::from_secs(3),
        "took {stopped_after:?}"
    );
    assert!(lake
        .ok(&["index", "list", "vecs"])
        .trim()
        .starts_with("no indexes"));
    let written: Vec<_> = std::fs::read_dir(lake.path().join("index"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(
        written
            .iter()
            .all(|n| !n.to_string_lossy().ends_with(".vidx")),
        "{written:?}"
    );
}
