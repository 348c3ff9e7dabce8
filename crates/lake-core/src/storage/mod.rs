//! The lake on disk: folder layout, the write lock, staging, Parquet writing with statistics,
//! atomic commit of a version, and clean-up of leftovers on open.

mod writer;

use std::collections::HashSet;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

pub use writer::{ParquetSink, PartitionBy, StagedFile};

use crate::catalog::{Catalog, ColumnDef, FileEntry, NewVersion, SourceRecord};
use crate::error::{IoContext, LakeError, Result};

/// An open lake.
pub struct Lake {
    root: PathBuf,
    catalog: Mutex<Catalog>,
}

/// Held while a process writes to the lake; released on drop.
pub struct WriteLock {
    _file: File,
}

/// A job's private folder under `staging/`, removed when dropped (committed files have been
/// moved out of it by then).
pub struct StagingDir {
    path: PathBuf,
}

impl StagingDir {
    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for StagingDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// What one commit adds.
pub struct StagedVersion {
    /// Dataset name.
    pub dataset: String,
    /// `true` to keep the current version's files and add these.
    pub append: bool,
    /// Columns of the new version.
    pub schema: Vec<ColumnDef>,
    /// New files, in staging.
    pub files: Vec<StagedFile>,
    /// Sources read for this version.
    pub sources: Vec<SourceRecord>,
}

/// What a commit made visible.
#[derive(Debug, Clone)]
pub struct CommittedVersion {
    /// Dataset name.
    pub dataset: String,
    /// Its new version number.
    pub version: u32,
    /// Rows in the whole version.
    pub rows: u64,
    /// Rows this commit added.
    pub new_rows: u64,
    /// Files in the whole version.
    pub files: usize,
}

/// Checks a dataset name: lower-case words of `[a-z0-9_]` separated by single dots.
pub fn validate_dataset_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                && !part.as_bytes()[0].is_ascii_digit()
        });
    if ok {
        Ok(())
    } else {
        Err(LakeError::InvalidName(format!(
            "`{name}` is not a valid dataset name: use lower-case letters, digits and `_`, \
             optionally in dot-separated parts (e.g. `takeout.chrome_history`), not starting with a digit"
        )))
    }
}

/// Turns a file stem into a dataset name (`My Data-2024` → `my_data_2024`).
pub fn dataset_name_from_stem(stem: &str) -> String {
    let mut out = String::new();
    for c in stem.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() {
        "data".into()
    } else if out.as_bytes()[0].is_ascii_digit() {
        format!("_{out}")
    } else {
        out
    }
}

fn fsync_dir(path: &Path) -> Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .ctx(|| format!("syncing folder {}", path.display()))
}

impl Lake {
    /// Creates a lake in `dir` (the folder may exist) and opens it.
    pub fn init(dir: &Path) -> Result<Lake> {
        for sub in ["data", "staging", "index"] {
            fs::create_dir_all(dir.join(sub))
                .ctx(|| format!("creating {}", dir.join(sub).display()))?;
        }
        Self::open_inner(dir)
    }

    /// Opens an existing lake; fails with `not_a_lake` if `dir` has no catalog.
    pub fn open(dir: &Path) -> Result<Lake> {
        if !dir.join("catalog.sqlite").is_file() {
            return Err(LakeError::NotALake(format!(
                "{} is not a lake (no catalog.sqlite); create one with `lake --lake {} init`",
                dir.display(),
                dir.display()
            )));
        }
        for sub in ["data", "staging"] {
            fs::create_dir_all(dir.join(sub))
                .ctx(|| format!("creating {}", dir.join(sub).display()))?;
        }
        Self::open_inner(dir)
    }

    /// Opens the lake in `dir`, creating it first if needed.
    pub fn open_or_init(dir: &Path) -> Result<Lake> {
        if dir.join("catalog.sqlite").is_file() {
            Self::open(dir)
        } else {
            Self::init(dir)
        }
    }

    fn open_inner(dir: &Path) -> Result<Lake> {
        let catalog = Catalog::open(&dir.join("catalog.sqlite"))?;
        let lake = Lake {
            root: dir.to_path_buf(),
            catalog: Mutex::new(catalog),
        };
        // Only the lock holder may clean up: another process may be mid-commit.
        if let Ok(lock) = lake.try_write_lock() {
            lake.remove_leftovers(&lock)?;
        }
        Ok(lake)
    }

    /// The lake folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The catalog (one connection, shared).
    pub fn catalog(&self) -> MutexGuard<'_, Catalog> {
        self.catalog.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes the lake's write lock, failing at once with `busy` if another process has it.
    pub fn try_write_lock(&self) -> Result<WriteLock> {
        let path = self.root.join("lake.lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .ctx(|| format!("opening {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(WriteLock { _file: file }),
            Err(_) => Err(LakeError::Busy(format!(
                "another process is writing to the lake {}; wait for it to finish and try again",
                self.root.display()
            ))),
        }
    }

    /// Removes staging leftovers and data files no version references.
    fn remove_leftovers(&self, _lock: &WriteLock) -> Result<()> {
        let staging = self.root.join("staging");
        if let Ok(entries) = fs::read_dir(&staging) {
            for e in entries.flatten() {
                let p = e.path();
                let _ = if p.is_dir() {
                    fs::remove_dir_all(&p)
                } else {
                    fs::remove_file(&p)
                };
            }
        }
        let referenced = self.catalog().referenced_paths()?;
        let data = self.root.join("data");
        self.sweep(&data, &referenced)?;
        Ok(())
    }

    /// Deletes unreferenced files under `dir`; returns whether `dir` is now empty.
    fn sweep(&self, dir: &Path, referenced: &HashSet<String>) -> Result<bool> {
        let Ok(entries) = fs::read_dir(dir) else {
            return Ok(false);
        };
        let mut empty = true;
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if self.sweep(&p, referenced)? {
                    let _ = fs::remove_dir(&p);
                } else {
                    empty = false;
                }
            } else {
                let rel = self.relative(&p);
                if referenced.contains(&rel) {
                    empty = false;
                } else {
                    let _ = fs::remove_file(&p);
                }
            }
        }
        Ok(empty)
    }

    fn relative(&self, p: &Path) -> String {
        p.strip_prefix(&self.root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// Absolute path of a catalog-relative file path.
    pub fn absolute(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// A new private folder under `staging/`.
    pub fn new_staging(&self) -> Result<StagingDir> {
        let id = format!(
            "job-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        );
        let path = self.root.join("staging").join(id);
        fs::create_dir_all(&path).ctx(|| format!("creating {}", path.display()))?;
        Ok(StagingDir { path })
    }

    /// Moves staged files into `data/<dataset>/v<N>/` and makes the version visible in one
    /// catalog transaction. A crash before the transaction leaves only unreferenced files, which
    /// the next open removes.
    pub fn commit_version(
        &self,
        lock: &WriteLock,
        staged: StagedVersion,
    ) -> Result<CommittedVersion> {
        let mut v = self.commit_versions(lock, vec![staged])?;
        Ok(v.remove(0))
    }

    /// Like [`Lake::commit_version`] for several datasets at once: they all become visible in
    /// one catalog transaction, or none does.
    pub fn commit_versions(
        &self,
        _lock: &WriteLock,
        staged: Vec<StagedVersion>,
    ) -> Result<Vec<CommittedVersion>> {
        struct Prepared {
            dataset: String,
            version: u32,
            append: bool,
            schema: Vec<ColumnDef>,
            files: Vec<FileEntry>,
            sources: Vec<SourceRecord>,
            new_rows: u64,
        }
        let mut moved: Vec<PathBuf> = Vec::new();
        let mut dirs: Vec<PathBuf> = Vec::new();
        let mut prepared = Vec::new();
        let undo = |moved: &[PathBuf], dirs: &[PathBuf]| {
            for p in moved {
                let _ = fs::remove_file(p);
            }
            // Partition folders were pushed after their version folder.
            for d in dirs.iter().rev() {
                let _ = fs::remove_dir(d);
            }
        };
        for staged in staged {
            let step = (|| -> Result<Prepared> {
                validate_dataset_name(&staged.dataset)?;
                let (version, mut files, mut sources) = {
                    let cat = self.catalog();
                    let version = cat.max_version(&staged.dataset)? + 1;
                    let (files, sources) = match (staged.append, cat.dataset(&staged.dataset)?) {
                        (true, Some(current)) => {
                            let sources = cat.sources_of(current.version_id)?;
                            (current.files, sources)
                        }
                        _ => (Vec::new(), Vec::new()),
                    };
                    (version, files, sources)
                };
                let new_rows: u64 = staged.files.iter().map(|f| f.rows).sum();
                let dir = self
                    .root
                    .join("data")
                    .join(&staged.dataset)
                    .join(format!("v{version}"));
                fs::create_dir_all(&dir).ctx(|| format!("creating {}", dir.display()))?;
                dirs.push(dir.clone());
                let mut folders: Vec<PathBuf> = Vec::new();
                for (i, f) in staged.files.into_iter().enumerate() {
                    let folder = match &f.partition {
                        Some(p) => dir.join(p),
                        None => dir.clone(),
                    };
                    if folder != dir && !folders.contains(&folder) {
                        fs::create_dir_all(&folder)
                            .ctx(|| format!("creating {}", folder.display()))?;
                        dirs.push(folder.clone());
                        folders.push(folder.clone());
                    }
                    let target = folder.join(format!("part-{i:05}.parquet"));
                    fs::rename(&f.path, &target)
                        .ctx(|| format!("moving {} into {}", f.path.display(), target.display()))?;
                    moved.push(target.clone());
                    files.push(FileEntry {
                        path: self.relative(&target),
                        rows: f.rows,
                        bytes: f.bytes,
                        stats: f.stats,
                    });
                }
                for folder in &folders {
                    fsync_dir(folder)?;
                }
                fsync_dir(&dir)?;
                if let Some(parent) = dir.parent() {
                    fsync_dir(parent)?;
                }
                sources.extend(staged.sources);
                Ok(Prepared {
                    dataset: staged.dataset,
                    version,
                    append: staged.append,
                    schema: staged.schema,
                    files,
                    sources,
                    new_rows,
                })
            })();
            match step {
                Ok(p) => prepared.push(p),
                Err(e) => {
                    undo(&moved, &dirs);
                    return Err(e);
                }
            }
        }
        let versions: Vec<NewVersion<'_>> = prepared
            .iter()
            .map(|p| NewVersion {
                dataset: &p.dataset,
                version: p.version,
                mode: if p.append { "append" } else { "replace" },
                schema: &p.schema,
                files: &p.files,
                sources: &p.sources,
            })
            .collect();
        if let Err(e) = self.catalog().commit_versions(&versions) {
            undo(&moved, &dirs);
            return Err(e);
        }
        Ok(prepared
            .into_iter()
            .map(|p| CommittedVersion {
                rows: p.files.iter().map(|f| f.rows).sum(),
                files: p.files.len(),
                dataset: p.dataset,
                version: p.version,
                new_rows: p.new_rows,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_stems() {
        assert_eq!(dataset_name_from_stem("My Data-2024"), "my_data_2024");
        assert_eq!(dataset_name_from_stem("2024 trips"), "_2024_trips");
        assert_eq!(dataset_name_from_stem("---"), "data");
    }

    #[test]
    fn dataset_names_are_checked() {
        assert!(validate_dataset_name("takeout.chrome_history").is_ok());
        assert!(validate_dataset_name("Bad Name").is_err());
        assert!(validate_dataset_name("a..b").is_err());
        assert!(validate_dataset_name("../etc").is_err());
    }

    #[test]
    fn open_removes_staging_and_unreferenced_files() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(dir.path()).unwrap();
        drop(lake);
        fs::create_dir_all(dir.path().join("staging/job-x")).unwrap();
        fs::write(dir.path().join("staging/job-x/part.parquet"), b"x").unwrap();
        fs::create_dir_all(dir.path().join("data/t/v1")).unwrap();
        fs::write(dir.path().join("data/t/v1/part-00000.parquet"), b"x").unwrap();
        let _lake = Lake::open(dir.path()).unwrap();
        assert!(!dir.path().join("staging/job-x").exists());
        assert!(!dir.path().join("data/t").exists());
    }

    #[test]
    fn catalog_is_durable() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(dir.path()).unwrap();
        let (journal, sync, fk) = lake.catalog().durability().unwrap();
        assert_eq!(journal, "wal");
        assert_eq!(sync, 2, "synchronous=FULL");
        assert_eq!(fk, 1);
    }
}
