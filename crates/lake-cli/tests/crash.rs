//! `kill -9` during imports at seeded points: the lake must always open with the previous or the
//! new state, never a mix, and leave no orphans behind.

use std::collections::HashSet;
use std::io::Write;
use std::time::{Duration, Instant};

use crate::common::{lake_bin, TestLake};

fn write_ndjson(path: &std::path::Path, start: u64, n: u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in start..start + n {
        writeln!(
            f,
            "{{\"id\":{i},\"ts\":\"2024-01-01T00:00:{:02}Z\",\"name\":\"row {i}\",\"v\":{}.5}}",
            i % 60,
            i % 1000
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
    out
}

fn check_consistent(lake: &TestLake, base_rows: u64, added_rows: u64) -> bool {
    // Opening (any command) cleans up; then check what a user sees.
    let list: serde_json::Value = serde_json::from_str(&lake.ok(&["datasets", "--json"])).unwrap();
    let big = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "big")
        .expect("big survives");
    let rows = big["rows"].as_u64().unwrap();
    let committed = match big["version"].as_u64().unwrap() {
        1 => {
            assert_eq!(rows, base_rows);
            false
        }
        2 => {
            assert_eq!(rows, base_rows + added_rows);
            true
        }
        v => panic!("unexpected version {v}"),
    };
    assert_eq!(
        lake.csv("SELECT count(*) AS n FROM big"),
        format!("n\n{rows}\n")
    );
    let keep = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "keep")
        .expect("keep survives");
    assert_eq!(keep["rows"], 2);
    let conn = rusqlite::Connection::open(lake.path().join("catalog.sqlite")).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let mut st = conn.prepare("SELECT DISTINCT path FROM files").unwrap();
    let referenced: HashSet<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        files_on_disk(&lake.path()),
        referenced,
        "orphaned or missing files"
    );
    let staging: Vec<_> = std::fs::read_dir(lake.path().join("staging"))
        .unwrap()
        .collect();
    assert!(staging.is_empty(), "staging not cleaned");
    committed
}

#[test]
fn kill_9_during_import_never_leaves_a_mix() {
    let lake = TestLake::new();
    let keep = lake.file("keep.csv", "a\n1\n2\n");
    lake.import(&[&keep], &[]);
    let base = lake.dir.path().join("in/base.ndjson");
    write_ndjson(&base, 0, 1000);
    lake.import(&[&base], &["--name", "big"]);
    let more = lake.dir.path().join("in/more.ndjson");
    let added = 200_000;
    write_ndjson(&more, 1000, added);

    let args = |l: &TestLake| {
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
        c.arg(&more);
        c.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        c
    };
    // How long does a whole import take? Measure on a copy of the lake.
    let probe = TestLake::new();
    probe.import(&[&base], &["--name", "big"]);
    let t = Instant::now();
    assert!(args(&probe).status().unwrap().success());
    let full = t.elapsed();

    let mut seed: u64 = 0x5eed_1234;
    let mut survived = 0;
    let mut committed_seen = false;
    for _ in 0..12 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let frac = (seed >> 33) as f64 / (1u64 << 31) as f64;
        let delay = full.mul_f64(frac * 1.1);
        let mut child = args(&lake).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        committed_seen |= check_consistent(&lake, 1000, added);
        survived += 1;
        eprintln!("kill point {survived}: after {delay:?} of a {full:?} import; committed: {committed_seen}");
        if committed_seen {
            break;
        }
    }
    assert!(survived > 0);
    // A re-run completes with exactly the expected counts.
    let status = args(&lake).status().unwrap();
    assert!(status.success());
    assert!(check_consistent(&lake, 1000, added));
    let _ = Duration::from_secs(0);
}
