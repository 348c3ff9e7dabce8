//! `lake verify`: every file a lake's or a backup's catalog references, against its size and
//! checksum, and the catalog itself.

use std::fs;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::{canonical_lake, hash_stream, inside, mismatch, read_manifest, BackupProgress};
use crate::cancel::CancelToken;
use crate::catalog::files::LakeFile;
use crate::catalog::Catalog;
use crate::error::{IoContext, LakeError, Result};
use crate::storage::identity::CATALOG_FILE;

/// What `verify` found.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VerifyReport {
    /// The folder checked (a lake or a backup).
    pub folder: String,
    /// `lake` or `backup`.
    pub kind: String,
    /// SQLite's check of the catalog: `ok`, or what is wrong.
    pub catalog: String,
    /// Files the catalog references.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Files with no checksum recorded (written before lakes kept them): size checked only.
    pub without_checksum: u64,
    /// Each file that is missing, of the wrong size or whose bytes changed.
    pub problems: Vec<VerifyProblem>,
    /// Wall time, ms.
    pub elapsed_ms: f64,
}

impl VerifyReport {
    /// Whether everything matched.
    pub fn ok(&self) -> bool {
        self.catalog == "ok" && self.problems.is_empty()
    }
}

/// One file `verify` found wrong.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VerifyProblem {
    /// Relative to the folder.
    pub path: String,
    /// What is wrong, in words.
    pub problem: String,
}

/// Checks every file the catalog in `dir` (a lake or a backup) references against its size and
/// checksum, and the catalog itself with SQLite's `quick_check`. Reads only.
pub fn verify(
    dir: &Path,
    cancel: &CancelToken,
    progress: &mut dyn FnMut(BackupProgress),
) -> Result<VerifyReport> {
    let start = Instant::now();
    let root = canonical_lake(dir)?;
    let manifest = read_manifest(dir)?;
    let catalog = Catalog::open_read_only(&root.join(CATALOG_FILE))?;
    let files = catalog.referenced_files()?;
    let mut report = VerifyReport {
        folder: dir.display().to_string(),
        kind: if manifest.is_some() { "backup" } else { "lake" }.into(),
        catalog: catalog.quick_check()?,
        files: files.len() as u64,
        bytes: files.iter().map(|f| f.bytes).sum(),
        without_checksum: 0,
        problems: Vec::new(),
        elapsed_ms: 0.0,
    };
    drop(catalog);
    if let Some(m) = &manifest {
        let (_, sha) = crate::storage::sha256_file(&root.join(CATALOG_FILE))
            .ctx(|| format!("reading {}", dir.display()))?;
        if !m.catalogs.contains(&sha) {
            report.problems.push(VerifyProblem {
                path: CATALOG_FILE.into(),
                problem: "does not match the backup's checksum of it".into(),
            });
        }
    }
    let mut done = BackupProgress {
        done_bytes: 0,
        total_bytes: report.bytes,
    };
    for f in &files {
        let expected = f.sha256.clone().or_else(|| {
            manifest
                .as_ref()
                .and_then(|m| m.files.get(&f.path))
                .map(|h| h.sha256.clone())
        });
        report.without_checksum += u64::from(expected.is_none());
        let found = check_file(&root, f, expected.as_deref(), cancel, &mut |n| {
            done.done_bytes += n;
            progress(done);
        })?;
        if let Some(problem) = found {
            report.problems.push(VerifyProblem {
                path: f.path.clone(),
                problem,
            });
        }
    }
    report.elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
    Ok(report)
}

/// Reads one referenced file of a verify: `Some(problem)` when it is wrong.
fn check_file(
    root: &Path,
    f: &LakeFile,
    sha256: Option<&str>,
    cancel: &CancelToken,
    advanced: &mut dyn FnMut(u64),
) -> Result<Option<String>> {
    let path = match inside(root, &f.path, "folder") {
        Ok(p) => p,
        Err(LakeError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Some("missing".into()))
        }
        Err(e) => return Ok(Some(e.to_string())),
    };
    let want = LakeFile {
        sha256: sha256.map(str::to_string),
        ..f.clone()
    };
    if let Ok(m) = fs::metadata(&path) {
        if m.len() != f.bytes {
            return Ok(mismatch(&want, m.len(), ""));
        }
    }
    if sha256.is_none() {
        advanced(f.bytes);
        return Ok(None);
    }
    match hash_stream(&path, None, cancel, advanced) {
        Ok((total, sha)) => Ok(mismatch(&want, total, &sha)),
        Err(LakeError::Io { source, .. }) => Ok(Some(format!("cannot be read: {source}"))),
        Err(e) => Err(e),
    }
}
