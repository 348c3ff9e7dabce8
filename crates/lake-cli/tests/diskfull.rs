//! Disk full and I/O errors: an LD_PRELOAD shim (tests/shim/failwrite.c, built with the
//! system C compiler) makes every write into the lake fail from the N-th one on, and the test
//! walks N over a whole import. Each run must end with a typed error (no panic, no signal),
//! staging cleaned by the failing process itself, and the catalog and data files unchanged.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::common::{lake_bin, manifest_dir, run_measured, TestLake};

fn shim() -> &'static Path {
    static SHIM: OnceLock<PathBuf> = OnceLock::new();
    SHIM.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("lake-failwrite-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let so = dir.join("failwrite.so");
        let src = manifest_dir().join("tests/shim/failwrite.c");
        let out = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
            .args(["-shared", "-fPIC", "-O1", "-o"])
            .arg(&so)
            .arg(&src)
            .arg("-ldl")
            .output()
            .expect("a C compiler (cc) to build the write-failure shim");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        so
    })
}

fn import_cmd(lake: &Path, inputs: &[PathBuf]) -> Command {
    let mut c = Command::new(lake_bin());
    c.arg("--lake")
        .arg(lake)
        .args(["import", "--rows-per-file", "5000"])
        .args(inputs)
        .env("LD_PRELOAD", shim())
        .env("FAILWRITE_PREFIX", lake);
    c
}

/// Names, versions and rows of the datasets, and the data files on disk.
fn state(lake: &TestLake) -> (String, BTreeSet<String>) {
    let list = lake.ok(&["datasets", "--json"]);
    let mut files = BTreeSet::new();
    fn walk(root: &Path, d: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    walk(&lake.path(), &lake.path().join("data"), &mut files);
    (list, files)
}

#[test]
fn a_write_failing_anywhere_in_an_import_leaves_the_lake_unchanged() {
    let src = manifest_dir().join("tests/fixtures/takeout/en");
    let lake = TestLake::with_keep();
    let mut rows = String::new();
    for i in 0..20_000 {
        rows.push_str(&format!(
            "{{\"id\":{i},\"name\":\"n{i}\",\"v\":{}.5}}\n",
            i % 97
        ));
    }
    let nd = lake.file("events.ndjson", rows);
    let inputs = vec![src.join("Takeout"), src.join("Timeline.json"), nd];

    // How many writes does the whole import make? Count them on a twin lake.
    let twin = TestLake::with_keep();
    let count_file = twin.dir.path().join("count");
    let mut c = import_cmd(&twin.path(), &inputs);
    c.env("FAILWRITE_COUNT", &count_file);
    let m = run_measured(c);
    assert_eq!(m.code, Some(0), "{}", m.stderr);
    let total: u64 = std::fs::read_to_string(&count_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(
        total > 20,
        "only {total} writes counted: is the shim loaded?"
    );

    let before = state(&lake);
    // Every write when there are few, else 60 spread over all of them (first and last too).
    let points: Vec<u64> = if total <= 60 {
        (1..=total).collect()
    } else {
        (0..60).map(|k| 1 + k * (total - 1) / 59).collect()
    };
    let mut codes = std::collections::BTreeMap::<String, u32>::new();
    let mut after_commit = 0;
    for &n in &points {
        let mut c = import_cmd(&lake.path(), &inputs);
        c.env("FAILWRITE_AT", n.to_string());
        let m = run_measured(c);
        if m.code == Some(0) && n + 5 >= total {
            // The last writes come after the commit (the WAL checkpoint as the catalog
            // closes): failing them loses nothing, and the import stands whole.
            assert_eq!(lake.csv("SELECT count(*) AS n FROM events"), "n\n20000\n");
            after_commit += 1;
            continue;
        }
        assert_eq!(
            m.code,
            Some(1),
            "write {n}/{total}: expected a clean failure, got {:?}: {}",
            m.code,
            m.stderr
        );
        assert!(!m.stderr.contains("panicked"), "write {n}: {}", m.stderr);
        let code = m
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("error[")?.split(']').next())
            .unwrap_or_else(|| panic!("write {n}: no typed error in: {}", m.stderr))
            .to_string();
        assert_ne!(code, "internal", "write {n}: {}", m.stderr);
        *codes.entry(code).or_default() += 1;
        // The failing process cleaned its own staging (nothing has opened the lake since).
        let staged: Vec<_> = std::fs::read_dir(lake.path().join("staging"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(staged.is_empty(), "write {n}: staging left: {staged:?}");
        assert_eq!(state(&lake), before, "write {n}: the lake changed");
        let conn = rusqlite::Connection::open(lake.path().join("catalog.sqlite")).unwrap();
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok", "write {n}");
    }
    eprintln!(
        "{} failure points over {total} writes; error codes: {codes:?}; {after_commit} after \
         the commit",
        points.len()
    );
    assert!(after_commit <= 1);
    // And with the disk back, the same import works.
    let m = run_measured(import_cmd(&lake.path(), &inputs));
    assert_eq!(m.code, Some(0), "{}", m.stderr);
    assert_eq!(lake.csv("SELECT count(*) AS n FROM events"), "n\n20000\n");
}
