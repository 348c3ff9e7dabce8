//! What makes a folder a lake, and what the lake may touch: nothing it did not write. Each case
//! was a way to lose files before lakes were recognisable and clean-up was journaled.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{lake_bin, TestLake};

/// Every file under `dir` with its bytes (links as their target's path), to prove that nothing
/// changed.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            let t = e.file_type().unwrap();
            if t.is_symlink() {
                let target = std::fs::read_link(&p).unwrap();
                out.insert(rel, target.to_string_lossy().as_bytes().to_vec());
            } else if t.is_dir() {
                out.insert(rel, b"<dir>".to_vec());
                walk(root, &p, out);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn lake_at(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(lake_bin())
        .arg("--lake")
        .arg(dir)
        .args(args)
        .env_remove("LAKE_DIR")
        .output()
        .unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A project folder that holds `data/` and `staging/` of its own (the reported data loss).
fn project_folder(root: &Path) -> PathBuf {
    let p = root.join("project");
    std::fs::create_dir_all(p.join("data/raw")).unwrap();
    std::fs::create_dir_all(p.join("staging")).unwrap();
    std::fs::write(p.join("data/raw/measurements.parquet"), b"my parquet").unwrap();
    std::fs::write(p.join("data/notes.txt"), b"my notes").unwrap();
    std::fs::write(p.join("staging/draft.csv"), b"a,b\n1,2\n").unwrap();
    std::fs::write(p.join("README.md"), b"# my project").unwrap();
    p
}

#[test]
fn a_folder_that_is_not_a_lake_is_refused_by_every_command_and_left_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let project = project_folder(tmp.path());
    let csv = tmp.path().join("x.csv");
    std::fs::write(&csv, "a\n1\n").unwrap();
    let before = snapshot(&project);
    for args in [
        vec!["init"],
        vec!["import", csv.to_str().unwrap()],
        vec!["datasets"],
        vec!["query", "SELECT 1"],
    ] {
        let out = lake_at(&project, &args);
        assert_eq!(out.status.code(), Some(1), "lake {args:?}");
        let err = stderr(&out);
        assert!(err.starts_with("error[not_a_lake]"), "lake {args:?}: {err}");
        assert!(err.contains("nothing in it was changed"), "{err}");
        assert_eq!(
            snapshot(&project),
            before,
            "lake {args:?} changed the folder"
        );
    }
    // The app's "Open lake" and "Create lake" go through the same Lake::open / Lake::init.
}

#[test]
fn a_foreign_catalog_sqlite_is_not_opened_for_writing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("other-app");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/keep.bin"), b"keep").unwrap();
    {
        let c = rusqlite::Connection::open(dir.join("catalog.sqlite")).unwrap();
        c.execute_batch("CREATE TABLE datasets (id INTEGER); INSERT INTO datasets VALUES (1);")
            .unwrap();
    }
    let before = snapshot(&dir);
    let out = lake_at(&dir, &["init"]);
    assert!(
        stderr(&out).starts_with("error[not_a_lake]"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("without a lake's tables"),
        "{}",
        stderr(&out)
    );
    let out = lake_at(&dir, &["datasets"]);
    assert!(
        stderr(&out).starts_with("error[not_a_lake]"),
        "{}",
        stderr(&out)
    );
    // Not even SQLite's -wal or -shm files appeared.
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn init_takes_a_new_or_empty_folder_and_the_lake_is_recognisable() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(lake_at(&empty, &["init"]).status.success());
    let marker = std::fs::read_to_string(empty.join("datapunk-lake.json")).unwrap();
    assert!(marker.contains("\"format\": \"datapunk-lake\""), "{marker}");
    let c = rusqlite::Connection::open(empty.join("catalog.sqlite")).unwrap();
    let id: i32 = c
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(id, 0x4450_4C4B, "application id DPLK");
    // Init again opens it.
    let out = lake_at(&empty, &["init"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("opened existing"));
}

#[test]
fn clean_up_removes_only_what_the_journal_lists_and_never_follows_a_link() {
    let lake = TestLake::with_keep();
    let root = lake.path();
    // Someone else's files, in the lake's own folders and outside it.
    let outside = lake.dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("precious.parquet"), b"precious").unwrap();
    std::fs::write(root.join("data/stray.parquet"), b"stray").unwrap();
    std::fs::create_dir_all(root.join("staging/job-1-2-3")).unwrap();
    std::fs::write(
        root.join("staging/job-1-2-3/part.parquet"),
        b"looks like ours",
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, root.join("data/linked")).unwrap();
    // A journal entry planted to point through that link: clean-up must not act on it.
    {
        let c = rusqlite::Connection::open(root.join("catalog.sqlite")).unwrap();
        c.execute(
            "INSERT INTO journal (job, kind, path, created_at) VALUES
             ('job-x', 'file', 'data/linked/precious.parquet', 'now'),
             ('job-x', 'file', '../outside/precious.parquet', 'now'),
             ('job-x', 'staging', 'staging/../../outside', 'now')",
            [],
        )
        .unwrap();
    }
    let outside_before = snapshot(&outside);
    let out = lake.run(&["datasets"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let note = stderr(&out);
    assert!(
        note.contains("not the lake's and were left alone"),
        "{note}"
    );
    assert!(note.contains("data/stray.parquet"), "{note}");
    assert_eq!(snapshot(&outside), outside_before);
    assert_eq!(
        std::fs::read(root.join("data/stray.parquet")).unwrap(),
        b"stray"
    );
    assert_eq!(
        std::fs::read(root.join("staging/job-1-2-3/part.parquet")).unwrap(),
        b"looks like ours"
    );
    assert!(root.join("data/linked").symlink_metadata().is_ok());
    assert_eq!(lake.csv("SELECT count(*) AS n FROM keep"), "n\n2\n");
}

#[test]
fn a_lake_moved_or_copied_elsewhere_opens_whole_and_loses_nothing() {
    let lake = TestLake::with_keep();
    let root = lake.path();
    let copy = lake.dir.path().join("copy of lake");
    let status = Command::new("cp")
        .arg("-a")
        .arg(&root)
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success());
    let moved = lake.dir.path().join("moved");
    std::fs::rename(&root, &moved).unwrap();
    for dir in [&copy, &moved] {
        let before = snapshot(dir);
        let out = lake_at(
            dir,
            &["query", "--format", "csv", "SELECT sum(a) AS s FROM keep"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "s\n3\n");
        // Only the catalog's WAL and the lock file may change, never a data file.
        let after = snapshot(dir);
        for (p, bytes) in &before {
            if p.starts_with("data") || p.starts_with("staging") {
                assert_eq!(after.get(p), Some(bytes), "{}", p.display());
            }
        }
        assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    }
}

#[test]
fn a_read_only_lake_answers_queries_and_refuses_changes() {
    let lake = TestLake::with_keep();
    let root = lake.path();
    // Make the catalog whole in its main file, then take write access away.
    {
        let c = rusqlite::Connection::open(root.join("catalog.sqlite")).unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    let csv = lake.file("more.csv", "a\n5\n");
    let run = |args: &[&str]| {
        let mut c = if unsafe { libc::geteuid() } == 0 {
            // Root may write anywhere: run as nobody, for whom the folder is read-only.
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]);
            c.arg(lake_bin());
            c
        } else {
            Command::new(lake_bin())
        };
        c.arg("--lake").arg(&root).args(args).env_remove("LAKE_DIR");
        c.output().unwrap()
    };
    let chmod = |mode: &str| {
        let ok = Command::new("chmod")
            .args(["-R", mode])
            .arg(&root)
            .status()
            .unwrap();
        assert!(ok.success());
    };
    // Readable by all (the temp folders above it too), writable by none but the owner.
    let mut p = root.clone();
    while let Some(parent) = p.parent() {
        if parent == std::path::Path::new("/") || parent == std::env::temp_dir() {
            break;
        }
        let _ = Command::new("chmod").arg("a+rx").arg(parent).status();
        p = parent.to_path_buf();
    }
    chmod("a+rX,go-w");
    if unsafe { libc::geteuid() } != 0 {
        chmod("a-w");
    }
    let before = snapshot(&root);
    let out = run(&["query", "--format", "csv", "SELECT sum(a) AS s FROM keep"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "s\n3\n");
    let out = run(&["import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("error[read_only]"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&root), before);
    chmod("u+w");
}

#[test]
fn a_lake_folder_whose_name_is_a_glob_reads_only_its_own_files() {
    let tmp = tempfile::tempdir().unwrap();
    // `la[k]e` as a glob matches `lake`, the other lake beside it.
    let other = tmp.path().join("lake");
    let mine = tmp.path().join("la[k]e");
    for (dir, rows) in [(&other, "a\n100\n200\n"), (&mine, "a\n1\n")] {
        let f = tmp.path().join("t.csv");
        std::fs::write(&f, rows).unwrap();
        let out = lake_at(dir, &["import", f.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    for (dir, want) in [(&mine, "n,s\n1,1\n"), (&other, "n,s\n2,300\n")] {
        let out = lake_at(
            dir,
            &[
                "query",
                "--format",
                "csv",
                "SELECT count(*) AS n, sum(a) AS s FROM t",
            ],
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            want,
            "{}",
            dir.display()
        );
    }
}

#[test]
fn a_catalog_that_points_outside_the_lake_is_refused() {
    let lake = TestLake::with_keep();
    let root = lake.path();
    let outside = lake.dir.path().join("outside.parquet");
    let first: String = {
        let c = rusqlite::Connection::open(root.join("catalog.sqlite")).unwrap();
        c.query_row("SELECT path FROM files LIMIT 1", [], |r| r.get(0))
            .unwrap()
    };
    std::fs::copy(root.join(&first), &outside).unwrap();
    let set_path = |p: &str| {
        let c = rusqlite::Connection::open(root.join("catalog.sqlite")).unwrap();
        c.execute("UPDATE files SET path = ?1", [p]).unwrap();
    };
    for bad in [
        outside.to_str().unwrap(),
        "../outside.parquet",
        "data/../../outside.parquet",
        "data/keep/v1/../../../../outside.parquet",
    ] {
        set_path(bad);
        let err = lake.fails(&["query", "SELECT count(*) FROM keep"]);
        assert!(err.contains("error[damaged_lake]"), "{bad}: {err}");
    }
    // A link inside data/ that leads out of the lake.
    set_path(&first);
    std::fs::remove_file(root.join(&first)).unwrap();
    std::os::unix::fs::symlink(&outside, root.join(&first)).unwrap();
    let err = lake.fails(&["query", "SELECT count(*) FROM keep"]);
    assert!(err.contains("error[damaged_lake]"), "{err}");
    assert!(err.contains("leads outside the lake"), "{err}");
}

#[test]
fn a_lake_folder_with_a_hostile_name_works_like_any_other() {
    let tmp = tempfile::tempdir().unwrap();
    // Characters SQLite would read as URI syntax, a space, non-ASCII.
    let dir = tmp.path().join("my lake?a=1#b%20 é");
    let f = tmp.path().join("t.csv");
    std::fs::write(&f, "a\n1\n2\n").unwrap();
    let out = lake_at(&dir, &["import", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = lake_at(
        &dir,
        &["query", "--format", "csv", "SELECT sum(a) AS s FROM t"],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "s\n3\n",
        "{}",
        stderr(&out)
    );
    assert!(dir.join("datapunk-lake.json").exists());
}
