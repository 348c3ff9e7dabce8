//! `lake restore`: a backup into a new or empty folder, every file checked on the way.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use super::{
    canonical_lake, copy_checked, inside, make_parent_inside, read_manifest, sync_dir,
    write_atomically, BackupProgress, MANIFEST_FILE,
};
use crate::cancel::CancelToken;
use crate::catalog::files::LakeFile;
use crate::catalog::Catalog;
use crate::error::{IoContext, LakeError, Result};
use crate::storage::identity::{classify, marker_text, FolderKind, CATALOG_FILE, MARKER_FILE};

/// Inside a restore's temporary folder while it is filled: says the folder is the restore's own.
const RESTORING_MARK: &str = ".datapunk-restoring";

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RestoreReport {
    /// The restored lake's folder.
    pub folder: String,
    /// Files restored (data and index files).
    pub files: u64,
    /// Bytes restored, the catalog included.
    pub bytes: u64,
    /// Wall time, ms.
    pub elapsed_ms: f64,
}

/// Restores the backup in `src` into `to`, a new or empty folder: every file is checked against
/// the backup's checksums on the way, into a temporary folder beside `to` that becomes `to`
/// only when whole. Nothing is written into an existing lake or any other folder with files.
pub fn restore(
    src: &Path,
    to: &Path,
    cancel: &CancelToken,
    progress: &mut dyn FnMut(BackupProgress),
) -> Result<RestoreReport> {
    let start = Instant::now();
    let Some(manifest) = read_manifest(src)? else {
        return Err(LakeError::NotABackup(format!(
            "{} is not a backup of a lake (it has no {MANIFEST_FILE}); choose the folder a \
             backup wrote",
            src.display()
        )));
    };
    let src_root = canonical_lake(src)?;
    match classify(to)? {
        FolderKind::Missing | FolderKind::Empty => {}
        _ => {
            return Err(LakeError::NotABackup(format!(
                "{} is not empty; restore into a new or empty folder (nothing in it was changed)",
                to.display()
            )))
        }
    }
    let catalog = LakeFile {
        path: CATALOG_FILE.into(),
        bytes: fs::metadata(src.join(CATALOG_FILE))
            .ctx(|| format!("reading {}", src.display()))?
            .len(),
        sha256: None,
    };
    let (_, catalog_sha) = crate::storage::sha256_file(&src_root.join(CATALOG_FILE))
        .ctx(|| format!("reading {}", src.display()))?;
    if !manifest.catalogs.contains(&catalog_sha) {
        return Err(LakeError::Damaged(format!(
            "the catalog in {} does not match the backup's checksums: it changed after the \
             backup wrote it; nothing was restored",
            src.display()
        )));
    }
    let catalog = LakeFile {
        sha256: Some(catalog_sha),
        ..catalog
    };
    let mut files = Catalog::open_read_only(&src_root.join(CATALOG_FILE))?.referenced_files()?;
    for f in &mut files {
        if f.sha256.is_none() {
            f.sha256 = manifest.files.get(&f.path).map(|h| h.sha256.clone());
        }
    }
    let mut done = BackupProgress {
        done_bytes: 0,
        total_bytes: catalog.bytes + files.iter().map(|f| f.bytes).sum::<u64>(),
    };
    let tmp = restoring_folder(to)?;
    let filled = (|| -> Result<()> {
        let tmp_root = crate::storage::platform::canonical(&tmp)
            .ctx(|| format!("resolving {}", tmp.display()))?;
        for f in std::iter::once(&catalog).chain(&files) {
            let to_file = tmp.join(&f.path);
            make_parent_inside(&tmp_root, &to_file)?;
            let from = inside(&src_root, &f.path, "backup")?;
            copy_checked(&from, &to_file, f, cancel, &mut |n| {
                done.done_bytes += n;
                progress(done);
            })?;
        }
        // The backup's marker is the lake's: the restored lake is the same lake.
        let marker =
            fs::read(src_root.join(MARKER_FILE)).unwrap_or_else(|_| marker_text().into_bytes());
        write_atomically(&tmp.join(MARKER_FILE), &marker)?;
        sync_dir(&tmp)?;
        if to.exists() {
            fs::remove_dir(to).ctx(|| format!("replacing the empty folder {}", to.display()))?;
        }
        fs::rename(&tmp, to).ctx(|| format!("moving the restored lake to {}", to.display()))
    })();
    if let Err(e) = filled {
        // The folder is the restore's own (its mark is in it until it is whole).
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // Whole and in place: the mark goes last, so an interrupted restore's folder is always
    // known as the restore's own.
    fs::remove_file(to.join(RESTORING_MARK)).ctx(|| format!("finishing {}", to.display()))?;
    match to.parent() {
        Some(p) if !p.as_os_str().is_empty() => sync_dir(p)?,
        _ => sync_dir(Path::new("."))?,
    }
    // Opening it proves it is a lake, and makes the folders and lock a lake has.
    drop(crate::storage::Lake::open(to)?);
    Ok(RestoreReport {
        folder: to.display().to_string(),
        files: files.len() as u64,
        bytes: done.total_bytes,
        elapsed_ms: start.elapsed().as_secs_f64() * 1000.0,
    })
}

/// A new temporary folder beside `to` for a restore, with the mark that says it is the
/// restore's own; one an interrupted restore left (with that mark) is removed first.
fn restoring_folder(to: &Path) -> Result<PathBuf> {
    let name = to
        .file_name()
        .ok_or_else(|| LakeError::NotABackup(format!("{} is not a folder path", to.display())))?;
    let parent = match to.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).ctx(|| format!("creating {}", parent.display()))?;
    let tmp = parent.join(format!(".{}.restoring", name.to_string_lossy()));
    if fs::symlink_metadata(&tmp).is_ok() {
        if !tmp.join(RESTORING_MARK).is_file() {
            return Err(LakeError::NotABackup(format!(
                "{} is in the way of the restore and is not one this app left; move it away",
                tmp.display()
            )));
        }
        fs::remove_dir_all(&tmp).ctx(|| format!("removing {}", tmp.display()))?;
    }
    fs::create_dir(&tmp).ctx(|| format!("creating {}", tmp.display()))?;
    fs::write(tmp.join(RESTORING_MARK), b"").ctx(|| format!("writing {}", tmp.display()))?;
    Ok(tmp)
}
