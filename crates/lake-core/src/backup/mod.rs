//! Back up, restore and verify a lake (`lake backup`, `lake restore`, `lake verify`, and the
//! app's Back up now and Restore).
//!
//! A backup is a folder shaped like a lake: `catalog.sqlite`, a copy of the catalog as it was at
//! one instant (SQLite's online backup API, so it is consistent while the app or an import
//! writes), the data and index files that copy references, and `datapunk-backup.json`, the
//! manifest of every file it holds with its size and SHA-256.
//! - **Incremental.** A lake's files never change once written, so a file the manifest already
//!   holds with the catalog's size and checksum is not copied again.
//! - **Crash-safe.** New files are copied under a `.partial` name, fsynced and renamed. Then the
//!   manifest lists the old files and the new ones, and both catalogs' checksums; then the new
//!   catalog replaces the old one; only then are files the new catalog no longer references
//!   removed, and the manifest written without them. A backup killed at any point leaves a
//!   backup whose catalog, files and manifest agree, and the lake is only ever read.
//! - **Checked.** Every copied byte is hashed on the way and compared with the checksum the
//!   lake recorded when it wrote the file; a mismatch stops the backup and names the file.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cancel::CancelToken;
use crate::catalog::files::LakeFile;
use crate::catalog::Catalog;
use crate::error::{IoContext, LakeError, Result};
use crate::storage::identity::{classify, marker_text, FolderKind, CATALOG_FILE, MARKER_FILE};

mod restore;
mod verify;
pub use restore::{restore, RestoreReport};
pub use verify::{verify, VerifyProblem, VerifyReport};

/// The manifest a backup folder holds.
pub const MANIFEST_FILE: &str = crate::storage::identity::BACKUP_MANIFEST_FILE;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    format: String,
    format_version: u32,
    created_at: String,
    /// The lake it is a backup of (`identity::lake_identity`): a backup folder takes backups of
    /// that lake only. Empty in a new folder.
    #[serde(default)]
    lake: String,
    /// The checksums of the catalog the folder may hold: while a backup replaces it, the old
    /// one's and the new one's.
    catalogs: Vec<String>,
    files: BTreeMap<String, Held>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Held {
    bytes: u64,
    sha256: String,
}

/// How far a backup, restore or verify is: bytes done of the bytes it has to read.
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupProgress {
    /// Bytes copied or checked so far.
    pub done_bytes: u64,
    /// Bytes to copy or check in all.
    pub total_bytes: u64,
}

/// What a backup did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupReport {
    /// The backup folder.
    pub folder: String,
    /// Files the backup holds (data and index files).
    pub files: u64,
    /// Of them, copied by this backup.
    pub copied: u64,
    /// Of them, already in the backup unchanged (not copied again).
    pub reused: u64,
    /// Files the lake no longer references (vacuumed), removed from the backup.
    pub removed: u64,
    /// Bytes the backup holds, the catalog included.
    pub bytes: u64,
    /// Bytes this backup copied, the catalog included.
    pub bytes_copied: u64,
    /// Wall time, ms.
    pub elapsed_ms: f64,
}

/// Backs the lake in `lake_dir` up into `dest`: a new or empty folder, or one an earlier backup
/// wrote (then only what changed is copied). The lake is only read.
pub fn backup(
    lake_dir: &Path,
    dest: &Path,
    cancel: &CancelToken,
    progress: &mut dyn FnMut(BackupProgress),
) -> Result<BackupReport> {
    let start = Instant::now();
    let lake_root = canonical_lake(lake_dir)?;
    let lake_id = crate::storage::identity::lake_identity(&lake_root);
    let previous = prepare_dest(&lake_root, dest)?;
    if !previous.lake.is_empty() && !lake_id.is_empty() && previous.lake != lake_id {
        return Err(LakeError::NotABackup(format!(
            "{} holds the backup of another lake (made {}); back this lake up into another \
             folder (nothing in it was changed)",
            dest.display(),
            previous.lake
        )));
    }
    if previous.files.is_empty() && !dest.join(MANIFEST_FILE).exists() {
        // First, so a first backup killed half-way is still known as this folder's own.
        write_manifest(dest, &new_manifest(&lake_id))?;
    }
    // One backup into a folder at a time (the app's and the CLI's, say); released on return.
    let _lock = lock_dest(dest)?;
    let dest_root = crate::storage::platform::canonical(dest)
        .ctx(|| format!("resolving {}", dest.display()))?;
    // 1. The catalog as it is now: every later step reads the files this copy references.
    let partial = dest.join(format!("{CATALOG_FILE}.partial"));
    remove_if_present(&partial)?;
    let copied = Catalog::open_read_only(&lake_root.join(CATALOG_FILE))
        .and_then(|c| c.snapshot_to(&partial))
        .and_then(|_| sync_file(&partial))
        .and_then(|_| Catalog::open_read_only(&partial)?.referenced_files())
        .and_then(|files| {
            let at = Target {
                lake_root: &lake_root,
                dest,
                dest_root: &dest_root,
                partial: &partial,
            };
            copy_files(&at, &previous, &files, cancel, progress)
        });
    let (mut manifest, mut report) = match copied.map(|(mut m, r)| {
        m.lake = lake_id.clone();
        (m, r)
    }) {
        Ok(done) => done,
        Err(e) => {
            let _ = fs::remove_file(&partial);
            return Err(e);
        }
    };
    // 3. The new catalog takes the old one's place only now that all it references is here,
    // and the manifest holds both, old and new.
    let (_, catalog_sha) =
        crate::storage::sha256_file(&partial).ctx(|| format!("reading {}", partial.display()))?;
    manifest.catalogs = vec![catalog_sha];
    let mut both = new_manifest(&lake_id);
    both.catalogs = manifest.catalogs.clone();
    both.catalogs.extend(previous.catalogs.iter().cloned());
    both.files = previous.files.clone();
    both.files.extend(manifest.files.clone());
    write_manifest(dest, &both)?;
    fs::rename(&partial, dest.join(CATALOG_FILE))
        .ctx(|| format!("moving the catalog copy into {}", dest.display()))?;
    sync_dir(dest)?;
    // The lake's own marker (its identity goes with the backup, and with a restore of it).
    let marker =
        fs::read(lake_root.join(MARKER_FILE)).unwrap_or_else(|_| marker_text().into_bytes());
    write_atomically(&dest.join(MARKER_FILE), &marker)?;
    // 4. Files the lake no longer references (vacuumed), which only the manifest listed.
    // Only plain data or index paths, never through a link: a hand-edited manifest removes
    // nothing else.
    for path in previous.files.keys() {
        let plain = crate::catalog::check_data_path(path).is_ok()
            || crate::catalog::indexes::check_index_path(path).is_ok();
        if !plain || manifest.files.contains_key(path) {
            continue;
        }
        let p = dest_root.join(path);
        let is_file = fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_file());
        if is_file && inside(&dest_root, path, "backup").is_ok() && fs::remove_file(&p).is_ok() {
            report.removed += 1;
            remove_empty_parents(&dest_root, &p);
        }
    }
    write_manifest(dest, &manifest)?;
    report.elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
    Ok(report)
}

/// Where a backup copies from and to.
struct Target<'a> {
    lake_root: &'a Path,
    dest: &'a Path,
    dest_root: &'a Path,
    /// The catalog's copy, not yet in place.
    partial: &'a Path,
}

/// Step 2 of a backup: copies each of `files` the backup does not hold yet.
fn copy_files(
    at: &Target,
    previous: &Manifest,
    files: &[LakeFile],
    cancel: &CancelToken,
    progress: &mut dyn FnMut(BackupProgress),
) -> Result<(Manifest, BackupReport)> {
    let mut manifest = new_manifest("");
    let held_before = |f: &LakeFile| {
        let had = previous.files.get(&f.path)?;
        let same = had.bytes == f.bytes && f.sha256.as_ref().is_none_or(|s| *s == had.sha256);
        let there = fs::metadata(at.dest.join(&f.path)).is_ok_and(|m| m.len() == f.bytes);
        (same && there).then(|| had.clone())
    };
    let to_copy: u64 = files
        .iter()
        .filter(|f| held_before(f).is_none())
        .map(|f| f.bytes)
        .sum();
    let catalog_bytes = fs::metadata(at.partial).map(|m| m.len()).unwrap_or(0);
    let mut report = BackupReport {
        folder: at.dest.display().to_string(),
        files: files.len() as u64,
        copied: 0,
        reused: 0,
        removed: 0,
        bytes: catalog_bytes,
        bytes_copied: catalog_bytes,
        elapsed_ms: 0.0,
    };
    let mut done = BackupProgress {
        done_bytes: 0,
        total_bytes: to_copy,
    };
    let mut touched = std::collections::BTreeSet::new();
    for f in files {
        report.bytes += f.bytes;
        if let Some(had) = held_before(f) {
            report.reused += 1;
            manifest.files.insert(f.path.clone(), had);
            continue;
        }
        let from = inside(at.lake_root, &f.path, "lake")?;
        let to = at.dest.join(&f.path);
        make_parent_inside(at.dest_root, &to)?;
        let sha256 = copy_checked(&from, &to, f, cancel, &mut |n| {
            done.done_bytes += n;
            progress(done);
        })?;
        report.copied += 1;
        report.bytes_copied += f.bytes;
        if let Some(parent) = to.parent() {
            touched.insert(parent.to_path_buf());
        }
        manifest.files.insert(
            f.path.clone(),
            Held {
                bytes: f.bytes,
                sha256,
            },
        );
    }
    // The new files' folders, deepest first, then their parents: durable before the catalog
    // that references them replaces the old one (a power cut too leaves a whole backup).
    let mut dirs: std::collections::BTreeSet<PathBuf> = std::collections::BTreeSet::new();
    for d in touched {
        let mut p = Some(d.as_path());
        while let Some(q) = p.filter(|q| q.starts_with(at.dest) && *q != at.dest) {
            dirs.insert(q.to_path_buf());
            p = q.parent();
        }
    }
    for d in dirs.iter().rev() {
        sync_dir(d)?;
    }
    Ok((manifest, report))
}

/// The backup folder's lock, held while a backup writes into it.
const LOCK_FILE: &str = ".datapunk-backup.lock";

fn lock_dest(dest: &Path) -> Result<File> {
    let path = dest.join(LOCK_FILE);
    crate::storage::platform::try_lock_file(&path)
        .ctx(|| format!("opening {}", path.display()))?
        .ok_or_else(|| {
            LakeError::Busy(format!(
                "another backup is writing into {}; wait for it to finish and try again",
                dest.display()
            ))
        })
}

/// The lake (or backup) folder `dir`, resolved; an error unless it holds a lake's catalog.
fn canonical_lake(dir: &Path) -> Result<PathBuf> {
    match classify(dir)? {
        FolderKind::Lake | FolderKind::LegacyLake => {
            crate::storage::platform::canonical(dir).ctx(|| format!("resolving {}", dir.display()))
        }
        FolderKind::Missing => Err(LakeError::NotALake(format!(
            "{} does not exist",
            dir.display()
        ))),
        FolderKind::Empty => Err(LakeError::NotALake(format!(
            "{} is an empty folder, not a lake or a backup",
            dir.display()
        ))),
        FolderKind::Other(why) => Err(LakeError::NotALake(format!(
            "{} is not a lake or a backup: {why}",
            dir.display()
        ))),
    }
}

/// Checks `dest` may take a backup of the lake at `lake_root`, creating it when new; returns
/// the manifest of the backup it already holds (empty for a new one).
fn prepare_dest(lake_root: &Path, dest: &Path) -> Result<Manifest> {
    let refuse = |why: String| {
        LakeError::NotABackup(format!(
            "{} cannot take the backup: {why} (nothing in it was changed)",
            dest.display()
        ))
    };
    let resolved = resolve_maybe_missing(dest)?;
    if resolved.starts_with(lake_root) || lake_root.starts_with(&resolved) {
        return Err(refuse(
            "a backup and its lake cannot be inside one another; choose a folder outside the lake"
                .into(),
        ));
    }
    match classify(dest)? {
        FolderKind::Missing => {
            fs::create_dir_all(dest).ctx(|| format!("creating {}", dest.display()))?;
            Ok(Manifest::default())
        }
        FolderKind::Empty => Ok(Manifest::default()),
        FolderKind::Lake | FolderKind::LegacyLake => read_manifest(dest)?.ok_or_else(|| {
            refuse("it is a lake, not a backup; choose an empty folder or an earlier backup".into())
        }),
        FolderKind::Other(_) if dest.join(MANIFEST_FILE).exists() => {
            // A first backup killed before its catalog was in place: its files are the
            // backup's own, listed nowhere yet; copied again (and replaced) as needed.
            read_manifest(dest)?;
            Ok(Manifest::default())
        }
        FolderKind::Other(why) => Err(refuse(format!(
            "{why}; choose an empty folder or one an earlier backup wrote"
        ))),
    }
}

/// `path` resolved with links, even when its last parts do not exist yet.
fn resolve_maybe_missing(path: &Path) -> Result<PathBuf> {
    let mut tail = Vec::new();
    let mut p = path.to_path_buf();
    loop {
        if let Ok(real) = crate::storage::platform::canonical(&p) {
            return Ok(tail.iter().rev().fold(real, |acc: PathBuf, t| acc.join(t)));
        }
        match (p.file_name().map(|n| n.to_os_string()), p.parent()) {
            (Some(name), Some(parent)) => {
                tail.push(name);
                p = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => {
                return Err(LakeError::NotABackup(format!(
                    "{} is not a folder path",
                    path.display()
                )))
            }
        }
    }
}

fn new_manifest(lake: &str) -> Manifest {
    Manifest {
        format: "datapunk-lake-backup".into(),
        format_version: 1,
        created_at: crate::catalog::now_rfc3339(),
        lake: lake.to_string(),
        ..Default::default()
    }
}

fn write_manifest(dir: &Path, m: &Manifest) -> Result<()> {
    let text = serde_json::to_vec_pretty(m).map_err(|e| LakeError::Internal(e.to_string()))?;
    write_atomically(&dir.join(MANIFEST_FILE), &text)
}

fn read_manifest(dir: &Path) -> Result<Option<Manifest>> {
    let path = dir.join(MANIFEST_FILE);
    let text = match fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(LakeError::io(format!("reading {}", path.display()), e)),
    };
    serde_json::from_slice::<Manifest>(&text)
        .ok()
        .filter(|m| m.format == "datapunk-lake-backup")
        .map(Some)
        .ok_or_else(|| {
            LakeError::NotABackup(format!(
                "{} is not a backup manifest this version can read",
                path.display()
            ))
        })
}

/// `root/rel`, resolved, which must stay inside `root` (a link must not lead a backup or a
/// restore to other files).
fn inside(root: &Path, rel: &str, what: &str) -> Result<PathBuf> {
    let path = root.join(rel);
    let real = crate::storage::platform::canonical(&path).map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "; the {what}'s catalog lists it, so it was removed by hand or by a vacuum that \
                 ran meanwhile: run `lake verify`, and try again"
            )
        } else {
            String::new()
        };
        LakeError::io(format!("reading {}{hint}", path.display()), e)
    })?;
    if real.starts_with(root) {
        Ok(real)
    } else {
        Err(LakeError::Damaged(format!(
            "{rel} in the {what} leads outside it (to {}); nothing was copied from it",
            real.display()
        )))
    }
}

/// Creates the folders above `file` and checks they resolve inside `root`.
fn make_parent_inside(root: &Path, file: &Path) -> Result<()> {
    let Some(parent) = file.parent() else {
        return Ok(());
    };
    fs::create_dir_all(parent).ctx(|| format!("creating {}", parent.display()))?;
    let real = crate::storage::platform::canonical(parent)
        .ctx(|| format!("resolving {}", parent.display()))?;
    if real.starts_with(root) {
        Ok(())
    } else {
        Err(LakeError::Damaged(format!(
            "{} leads outside {} (to {}); nothing was written through it",
            parent.display(),
            root.display(),
            real.display()
        )))
    }
}

/// Copies `from` to `to` (through `to.partial`, fsynced and renamed), hashing on the way, and
/// fails, leaving `to` as it was, unless the bytes have `want`'s size and (when known)
/// checksum. Returns the checksum.
fn copy_checked(
    from: &Path,
    to: &Path,
    want: &LakeFile,
    cancel: &CancelToken,
    advanced: &mut dyn FnMut(u64),
) -> Result<String> {
    let partial = PathBuf::from(format!("{}.partial", to.display()));
    remove_if_present(&partial)?;
    let copied = File::create_new(&partial)
        .ctx(|| format!("creating {}", partial.display()))
        .and_then(|mut out| {
            let done = hash_stream(from, Some((&mut out, &partial)), cancel, advanced)?;
            out.sync_all()
                .ctx(|| format!("writing {}", partial.display()))?;
            Ok(done)
        });
    let checked = copied.and_then(|(bytes, sha)| match mismatch(want, bytes, &sha) {
        Some(why) => Err(LakeError::Damaged(format!(
            "{} {why}: it changed after it was written, so it was not copied. Run `lake verify` \
             to list every such file",
            from.display()
        ))),
        None => Ok(sha),
    });
    match checked {
        Ok(sha) => {
            fs::rename(&partial, to).ctx(|| format!("moving {} into place", partial.display()))?;
            Ok(sha)
        }
        Err(e) => {
            let _ = fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// Reads `from` to its end in 1 MiB blocks, hashing every byte and writing it to `out` when
/// given; `advanced` hears of each block, and a Cancel stops it. Returns the size and SHA-256.
fn hash_stream(
    from: &Path,
    mut out: Option<(&mut File, &Path)>,
    cancel: &CancelToken,
    advanced: &mut dyn FnMut(u64),
) -> Result<(u64, String)> {
    let mut input = File::open(from).ctx(|| format!("reading {}", from.display()))?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        if cancel.is_cancelled() {
            return Err(LakeError::Cancelled(
                "cancelled; nothing was changed: the lake, and any earlier backup, are as they were"
                    .into(),
            ));
        }
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(LakeError::io(format!("reading {}", from.display()), e)),
        };
        hash.update(&buf[..n]);
        if let Some((file, path)) = out.as_mut() {
            file.write_all(&buf[..n])
                .ctx(|| format!("writing {}", path.display()))?;
        }
        total += n as u64;
        advanced(n as u64);
    }
    Ok((total, format!("{:x}", hash.finalize())))
}

/// Why `bytes` and `sha` are not what `want` records, if they are not.
fn mismatch(want: &LakeFile, bytes: u64, sha: &str) -> Option<String> {
    if bytes != want.bytes {
        return Some(format!(
            "has {bytes} bytes where the catalog records {}",
            want.bytes
        ));
    }
    match &want.sha256 {
        Some(s) if s != sha => Some(format!(
            "does not match its checksum (recorded {}…, found {}…)",
            &s[..s.len().min(12)],
            &sha[..sha.len().min(12)]
        )),
        _ => None,
    }
}

fn remove_if_present(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(LakeError::io(format!("removing {}", path.display()), e))
        }
        _ => Ok(()),
    }
}

/// Removes the now empty folders between `file` and `root`.
fn remove_empty_parents(root: &Path, file: &Path) {
    let mut d = file.parent();
    while let Some(p) = d {
        if p == root || !p.starts_with(root) || fs::remove_dir(p).is_err() {
            break;
        }
        d = p.parent();
    }
}

fn sync_file(path: &Path) -> Result<()> {
    crate::storage::platform::sync_file(path).ctx(|| format!("writing {}", path.display()))
}

fn sync_dir(path: &Path) -> Result<()> {
    crate::storage::fsync_dir(path)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = PathBuf::from(format!("{}.tmp", path.display()));
    let mut f = File::create(&tmp).ctx(|| format!("writing {}", tmp.display()))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .ctx(|| format!("writing {}", tmp.display()))?;
    fs::rename(&tmp, path).ctx(|| format!("writing {}", path.display()))
}
