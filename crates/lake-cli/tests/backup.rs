//! `lake backup`, `lake verify` and `lake restore` as a user runs them, and `kill -9` during a
//! backup: the previous backup and the lake must both stay whole, and the next backup finish.

use std::io::Write;
use std::path::Path;

use crate::common::{lake_bin, TestLake};

/// `lake --lake DIR`.
fn other(dir: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(lake_bin());
    c.arg("--lake").arg(dir).env_remove("LAKE_DIR");
    c
}

fn write_csv(path: &Path, rows: u64, tag: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "id,v,name").unwrap();
    for i in 0..rows {
        writeln!(f, "{i},{}.25,{tag} row {i} {}", i * 7 % 1000, i * 31 % 977).unwrap();
    }
}

#[test]
fn a_user_backs_up_verifies_a_changed_file_and_restores() {
    let lake = TestLake::new();
    let p = lake.dir.path().join("in/people.csv");
    write_csv(&p, 20_000, "p");
    lake.import(&[&p], &[]);
    let dest = lake.dir.path().join("backup");
    let d = dest.to_str().unwrap();
    let out = lake.ok(&["backup", d]);
    assert!(
        out.contains("Backed up 1 files") && out.contains("copied 1"),
        "{out}"
    );
    let again: serde_json::Value =
        serde_json::from_str(&lake.ok(&["backup", d, "--json"])).unwrap();
    assert_eq!(
        (again["copied"].as_u64(), again["reused"].as_u64()),
        (Some(0), Some(1))
    );
    assert!(lake.ok(&["verify", d]).contains("every file matches"));

    // A restore into a new folder answers as the lake does.
    let to = lake.dir.path().join("restored");
    let out = lake.ok(&["restore", d, "--to", to.to_str().unwrap()]);
    assert!(out.contains("Restored 1 files"), "{out}");
    let back = other(&to)
        .args([
            "query",
            "--format",
            "csv",
            "SELECT count(*) AS n, sum(id) AS s FROM people",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&back.stdout),
        lake.csv("SELECT count(*) AS n, sum(id) AS s FROM people")
    );

    // A changed byte in the lake: verify names the file and exits 1; a backup refuses it.
    let json: serde_json::Value = serde_json::from_str(&lake.ok(&["verify", "--json"])).unwrap();
    assert_eq!(json["problems"].as_array().unwrap().len(), 0);
    let file = walk(&lake.path().join("data"))
        .into_iter()
        .find(|f| f.ends_with(".parquet"))
        .unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n / 3] ^= 1;
    std::fs::write(&file, bytes).unwrap();
    let err = lake.fails(&["verify"]);
    assert!(
        err.contains("part-00000.parquet: does not match its checksum"),
        "{err}"
    );
    // The backup was made before the change: the next one is stopped before anything moves.
    std::fs::remove_dir_all(&dest).unwrap();
    let err = lake.fails(&["backup", d]);
    assert!(
        err.contains("damaged_lake") && err.contains("does not match its checksum"),
        "{err}"
    );
    // Restoring onto a lake that has data is refused, and the dataset-version restore still
    // asks for its version.
    let b2 = lake.dir.path().join("backup-of-restored");
    assert!(other(&to)
        .args(["backup", b2.to_str().unwrap()])
        .status()
        .unwrap()
        .success());
    let err = lake.fails(&[
        "restore",
        b2.to_str().unwrap(),
        "--to",
        lake.path().to_str().unwrap(),
    ]);
    assert!(
        err.contains("not_a_backup") && err.contains("is not empty"),
        "{err}"
    );
    let err = lake.fails(&["restore", "people"]);
    assert!(err.contains("--version N"), "{err}");
}

#[test]
fn kill_9_during_a_backup_leaves_the_previous_backup_and_the_lake_whole() {
    let lake = TestLake::new();
    let a = lake.dir.path().join("in/first.csv");
    write_csv(&a, 300_000, "a");
    lake.import(&[&a], &["--rows-per-file", "30000"]);
    let dest = lake.dir.path().join("backup");
    let d = dest.to_str().unwrap().to_string();
    lake.ok(&["backup", &d]);
    let manifest_before = std::fs::read(dest.join("datapunk-backup.json")).unwrap();
    let b = lake.dir.path().join("in/second.csv");
    write_csv(&b, 300_000, "b");
    lake.import(&[&b], &["--rows-per-file", "30000"]);
    let expect_first = lake.csv("SELECT count(*), sum(id) FROM first");
    let expect_second = lake.csv("SELECT count(*), sum(id) FROM second");

    let mut mid_way = 0;
    for (k, after_files) in [1usize, 3, 6].into_iter().enumerate() {
        let mut child = lake.cmd().args(["backup", &d]).spawn().unwrap();
        // Kill once the backup has copied `after_files` of the new dataset's files.
        let new_dir = dest.join("data/second");
        let started = std::time::Instant::now();
        loop {
            let seen = walk(&new_dir).len();
            if seen >= after_files || child.try_wait().unwrap().is_some() {
                break;
            }
            assert!(
                started.elapsed().as_secs() < 60,
                "the backup never got going"
            );
        }
        let _ = child.kill();
        let _ = child.wait();
        let finished = std::fs::read(dest.join("datapunk-backup.json")).unwrap() != manifest_before;
        mid_way += usize::from(!finished);
        // The backup verifies, and restores to a lake with `first` as it was (and `second`
        // either not at all or whole).
        assert!(
            lake.ok(&["verify", &d]).contains("every file matches"),
            "kill {k}"
        );
        let to = lake.dir.path().join(format!("restored-{k}"));
        lake.ok(&["restore", &d, "--to", to.to_str().unwrap()]);
        let q = |sql: &str| {
            let o = other(&to)
                .args(["query", "--format", "csv", sql])
                .output()
                .unwrap();
            (
                o.status.success(),
                String::from_utf8_lossy(&o.stdout).into_owned(),
            )
        };
        assert_eq!(
            q("SELECT count(*), sum(id) FROM first"),
            (true, expect_first.clone()),
            "kill {k}"
        );
        let second = q("SELECT count(*), sum(id) FROM second");
        assert!(
            !second.0 || second.1 == expect_second,
            "kill {k}: {second:?}"
        );
        // The lake itself was only read.
        assert!(
            lake.ok(&["verify"]).contains("every file matches"),
            "kill {k}"
        );
    }
    assert!(
        mid_way > 0,
        "every kill came after the backup had finished: nothing was tested"
    );
    // The next backup finishes and holds both.
    let done: serde_json::Value =
        serde_json::from_str(&lake.ok(&["backup", &d, "--json"])).unwrap();
    assert_eq!(done["files"].as_u64(), Some(20));
    assert!(lake.ok(&["verify", &d]).contains("every file matches"));
    let partials: Vec<String> = walk(&dest)
        .into_iter()
        .filter(|f| f.ends_with(".partial"))
        .collect();
    assert!(partials.is_empty(), "{partials:?}");
}

/// Every file under `dir` (absolute paths); none when it does not exist.
fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}
