#![cfg(test)]
//! Backups on real lakes: a backup restores to the same answers, a second one copies only what
//! changed, a file changed on disk is caught by name, and neither a refused nor an interrupted
//! backup changes the previous one or the lake.

use std::path::Path;

use crate::backup::{backup, restore, verify, BackupProgress, MANIFEST_FILE};
use crate::ingest::{CancelToken, Mode};
use crate::test_util::{first_i64, import_csv};
use crate::{Lake, LakeError};

fn none(_: BackupProgress) {}

fn lake_with(dir: &Path, rows: usize) -> Lake {
    let lake = Lake::init(&dir.join("lake")).unwrap();
    let text: String = std::iter::once("id,name\n".to_string())
        .chain((0..rows).map(|i| format!("{i},name {i}\n")))
        .collect();
    import_csv(&lake, dir, "people.csv", "people", &text, Mode::Replace);
    import_csv(
        &lake,
        dir,
        "more.csv",
        "more",
        "x\n1\n2\n3\n",
        Mode::Replace,
    );
    lake
}

fn run_backup(lake: &Lake, dest: &Path) -> crate::Result<crate::backup::BackupReport> {
    backup(lake.root(), dest, &CancelToken::new(), &mut none)
}

#[test]
fn a_backup_restores_to_the_same_answers_and_the_next_one_copies_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let lake = lake_with(dir.path(), 1000);
    let dest = dir.path().join("backups/one");
    let first = run_backup(&lake, &dest).unwrap();
    assert_eq!((first.files, first.copied, first.reused), (2, 2, 0));
    let v = verify(&dest, &CancelToken::new(), &mut none).unwrap();
    assert!(v.ok(), "{v:?}");
    assert_eq!(
        (v.kind.as_str(), v.files, v.without_checksum),
        ("backup", 2, 0)
    );

    // Nothing changed: nothing is copied but the catalog.
    let again = run_backup(&lake, &dest).unwrap();
    assert_eq!((again.copied, again.reused), (0, 2));

    // An append adds one file; a replace of `more` makes its old file unreferenced only once
    // vacuumed, so both stay.
    import_csv(
        &lake,
        dir.path(),
        "people2.csv",
        "people",
        "id,name\n5000,late\n",
        Mode::Append,
    );
    let third = run_backup(&lake, &dest).unwrap();
    assert_eq!((third.files, third.copied, third.reused), (3, 1, 2));

    // The restored lake answers as the lake does.
    let to = dir.path().join("restored");
    let r = restore(&dest, &to, &CancelToken::new(), &mut none).unwrap();
    assert_eq!(r.files, 3);
    let back = Lake::open(&to).unwrap();
    for sql in [
        "SELECT count(*) FROM people",
        "SELECT sum(id) FROM people",
        "SELECT sum(x) FROM more",
    ] {
        assert_eq!(
            first_i64(&back, sql).unwrap(),
            first_i64(&lake, sql).unwrap(),
            "{sql}"
        );
    }
    assert_eq!(
        first_i64(&back, "SELECT count(*) FROM people").unwrap(),
        1001
    );
    assert!(verify(&to, &CancelToken::new(), &mut none).unwrap().ok());
}

#[test]
fn files_the_lake_vacuumed_leave_the_backup_too() {
    let dir = tempfile::tempdir().unwrap();
    let lake = lake_with(dir.path(), 10);
    let dest = dir.path().join("b");
    run_backup(&lake, &dest).unwrap();
    import_csv(
        &lake,
        dir.path(),
        "more2.csv",
        "more",
        "x\n9\n",
        Mode::Replace,
    );
    let lock = lake.try_write_lock().unwrap();
    lake.vacuum(&lock, std::time::Duration::ZERO, false)
        .unwrap();
    drop(lock);
    let after = run_backup(&lake, &dest).unwrap();
    assert_eq!((after.files, after.copied, after.removed), (2, 1, 1));
    let v = verify(&dest, &CancelToken::new(), &mut none).unwrap();
    assert!(v.ok(), "{v:?}");
    let parquet = walk(&dest)
        .into_iter()
        .filter(|p| p.ends_with(".parquet"))
        .count();
    assert_eq!(parquet, 2, "the vacuumed file is gone from the backup");
}

#[test]
fn a_file_changed_on_disk_is_named_by_verify_and_stops_a_backup_without_harm() {
    let dir = tempfile::tempdir().unwrap();
    let lake = lake_with(dir.path(), 100);
    let dest = dir.path().join("b");
    run_backup(&lake, &dest).unwrap();
    let manifest_before = std::fs::read(dest.join(MANIFEST_FILE)).unwrap();
    import_csv(
        &lake,
        dir.path(),
        "p3.csv",
        "people",
        "id,name\n7,seven\n",
        Mode::Append,
    );

    // One byte of the new file flipped, the size unchanged.
    let rel = newest_parquet(&lake);
    let path = lake.root().join(&rel);
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();

    let v = verify(lake.root(), &CancelToken::new(), &mut none).unwrap();
    assert!(!v.ok());
    assert_eq!(v.kind, "lake");
    assert_eq!(v.problems.len(), 1, "{v:?}");
    assert_eq!(v.problems[0].path, rel);
    assert!(v.problems[0].problem.contains("checksum"), "{v:?}");

    let e = run_backup(&lake, &dest).unwrap_err();
    assert!(matches!(e, LakeError::Damaged(_)), "{e}");
    assert!(
        e.to_string()
            .contains(&rel.replace('/', std::path::MAIN_SEPARATOR_STR))
            || e.to_string().contains(&rel),
        "{e}"
    );
    assert_eq!(
        std::fs::read(dest.join(MANIFEST_FILE)).unwrap(),
        manifest_before
    );
    assert!(verify(&dest, &CancelToken::new(), &mut none).unwrap().ok());
    assert!(
        walk(&dest).iter().all(|p| !p.ends_with(".partial")),
        "{:?}",
        walk(&dest)
    );

    // A missing file too.
    std::fs::remove_file(&path).unwrap();
    let v = verify(lake.root(), &CancelToken::new(), &mut none).unwrap();
    assert_eq!(v.problems[0].problem, "missing");
}

#[test]
fn a_cancelled_backup_leaves_the_previous_one_whole() {
    let dir = tempfile::tempdir().unwrap();
    let lake = lake_with(dir.path(), 200_000);
    let dest = dir.path().join("b");
    run_backup(&lake, &dest).unwrap();
    import_csv(&lake, dir.path(), "p4.csv", "more", "x\n4\n", Mode::Replace);
    let big: String = std::iter::once("id,name\n".to_string())
        .chain((0..200_000).map(|i| format!("{i},again {i}\n")))
        .collect();
    import_csv(&lake, dir.path(), "p5.csv", "people", &big, Mode::Replace);
    let cancel = CancelToken::new();
    let c = cancel.clone();
    let e = backup(lake.root(), &dest, &cancel, &mut |p: BackupProgress| {
        if p.done_bytes > 0 {
            c.cancel();
        }
    })
    .unwrap_err();
    assert!(matches!(e, LakeError::Cancelled(_)), "{e}");
    let v = verify(&dest, &CancelToken::new(), &mut none).unwrap();
    assert!(v.ok(), "{v:?}");
    let to = dir.path().join("r");
    restore(&dest, &to, &CancelToken::new(), &mut none).unwrap();
    let old = Lake::open(&to).unwrap();
    assert_eq!(
        first_i64(&old, "SELECT sum(x) FROM more").unwrap(),
        6,
        "the old `more`"
    );
    // And the next backup completes.
    let done = run_backup(&lake, &dest).unwrap();
    assert_eq!(done.files, 4, "two versions of each");
    assert!(verify(&dest, &CancelToken::new(), &mut none).unwrap().ok());
}

#[test]
fn folders_that_cannot_take_a_backup_or_a_restore_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let lake = lake_with(dir.path(), 10);
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "mine").unwrap();
    let e = run_backup(&lake, &mine).unwrap_err();
    assert_eq!(e.code(), "not_a_backup", "{e}");
    assert_eq!(walk(&mine), vec!["notes.txt".to_string()]);
    // Inside the lake, or the lake itself.
    for inside in [lake.root().join("backup"), lake.root().to_path_buf()] {
        let e = run_backup(&lake, &inside).unwrap_err();
        assert!(e.to_string().contains("inside one another"), "{e}");
    }
    assert!(!lake.root().join("backup").exists());
    // Another lake is not a backup.
    let other = Lake::init(&dir.path().join("other")).unwrap();
    let e = run_backup(&lake, other.root()).unwrap_err();
    assert_eq!(e.code(), "not_a_backup", "{e}");
    // A restore never writes into a folder with files, nor reads a folder that is no backup.
    let dest = dir.path().join("b");
    run_backup(&lake, &dest).unwrap();
    let e = restore(&dest, &mine, &CancelToken::new(), &mut none).unwrap_err();
    assert_eq!(e.code(), "not_a_backup", "{e}");
    assert_eq!(walk(&mine), vec!["notes.txt".to_string()]);
    let e = restore(
        lake.root(),
        &dir.path().join("x"),
        &CancelToken::new(),
        &mut none,
    )
    .unwrap_err();
    assert_eq!(e.code(), "not_a_backup", "{e}");
    assert!(!dir.path().join("x").exists());
}

fn newest_parquet(lake: &Lake) -> String {
    let cat = lake.catalog();
    let files = cat.referenced_files().unwrap();
    files
        .into_iter()
        .map(|f| f.path)
        .filter(|p| p.starts_with("data/people/"))
        .max_by_key(|p| p.split('/').nth(2).and_then(|v| v[1..].parse::<u32>().ok()))
        .unwrap()
}

/// Every file under `root`, relative, sorted.
fn walk(root: &Path) -> Vec<String> {
    fn go(root: &Path, d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                go(root, &p, out);
            } else {
                out.push(
                    p.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let mut out = Vec::new();
    go(root, root, &mut out);
    out.sort();
    out
}

#[test]
fn a_backup_folder_takes_only_its_own_lake_and_is_never_opened_as_a_lake() {
    let dir = tempfile::tempdir().unwrap();
    let lake = lake_with(dir.path(), 10);
    let dest = dir.path().join("usb");
    run_backup(&lake, &dest).unwrap();
    let catalog_before = std::fs::read(dest.join("catalog.sqlite")).unwrap();
    // Another lake into the same folder would replace this lake's backup: refused.
    let other = Lake::init(&dir.path().join("other")).unwrap();
    import_csv(&other, dir.path(), "o.csv", "o", "z\n1\n", Mode::Replace);
    let e = run_backup(&other, &dest).unwrap_err();
    assert_eq!(e.code(), "not_a_backup", "{e}");
    assert!(e.to_string().contains("another lake"), "{e}");
    assert_eq!(
        std::fs::read(dest.join("catalog.sqlite")).unwrap(),
        catalog_before
    );
    // Opening the backup as a lake (which would change its catalog) is refused, untouched.
    for e in [
        Lake::open(&dest).err().unwrap(),
        Lake::init(&dest).err().unwrap(),
    ] {
        assert_eq!(e.code(), "not_a_lake", "{e}");
        assert!(e.to_string().contains("lake restore"), "{e}");
    }
    assert_eq!(
        std::fs::read(dest.join("catalog.sqlite")).unwrap(),
        catalog_before
    );
    assert!(!dest.join("lake.lock").exists());
    // A restored lake is the same lake: its next backup may go to the same folder.
    let to = dir.path().join("restored");
    restore(&dest, &to, &CancelToken::new(), &mut none).unwrap();
    let back = Lake::open(&to).unwrap();
    assert_eq!(run_backup(&back, &dest).unwrap().copied, 0);
}

#[test]
fn a_hand_edited_manifest_cannot_make_a_backup_remove_anything_but_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let lake = lake_with(dir.path(), 10);
    let dest = dir.path().join("b");
    run_backup(&lake, &dest).unwrap();
    let mpath = dest.join(MANIFEST_FILE);
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&mpath).unwrap()).unwrap();
    let fake = serde_json::json!({"bytes": 1, "sha256": "00"});
    for key in ["catalog.sqlite", "../outside.txt", "datapunk-lake.json"] {
        m["files"][key] = fake.clone();
    }
    std::fs::write(&mpath, serde_json::to_vec(&m).unwrap()).unwrap();
    std::fs::write(dir.path().join("outside.txt"), "mine").unwrap();
    let r = run_backup(&lake, &dest).unwrap();
    assert_eq!(r.removed, 0);
    assert!(dest.join("catalog.sqlite").exists() && dest.join("datapunk-lake.json").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("outside.txt")).unwrap(),
        "mine"
    );
    assert!(verify(&dest, &CancelToken::new(), &mut none).unwrap().ok());
}

#[test]
fn two_backups_into_one_folder_at_once_are_refused_not_mixed() {
    let dir = tempfile::tempdir().unwrap();
    let lake = lake_with(dir.path(), 10);
    let dest = dir.path().join("b");
    run_backup(&lake, &dest).unwrap();
    let manifest = std::fs::read(dest.join(MANIFEST_FILE)).unwrap();
    // Another process's backup holds the folder's lock.
    let held = std::fs::File::options()
        .write(true)
        .open(dest.join(".datapunk-backup.lock"))
        .unwrap();
    held.try_lock().unwrap();
    let e = run_backup(&lake, &dest).unwrap_err();
    assert_eq!(e.code(), "busy", "{e}");
    assert_eq!(std::fs::read(dest.join(MANIFEST_FILE)).unwrap(), manifest);
    drop(held);
    assert_eq!(run_backup(&lake, &dest).unwrap().copied, 0);
}
