//! The lake on disk: folder layout, what makes a folder a lake ([`identity`]), the write lock,
//! staging, Parquet writing with statistics, atomic commit of a version, and clean-up after a
//! crash ([`cleanup`]), which removes only what the lake's own journal lists.

mod cleanup;
mod derived;
pub mod identity;
pub mod platform;
pub mod sketch;
pub mod versions;
mod writer;

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

pub use cleanup::CleanupReport;
pub use derived::{index_file_path, FileBytes};
pub use writer::{
    geoparquet_metadata, is_geometry_column_name, BatchTransform, ParquetSink, PartitionBy,
    StagedFile,
};

use crate::catalog::journal::EntryKind;
use crate::catalog::{Catalog, ColumnDef, FileEntry, NewVersion, SourceRecord};
use crate::error::{IoContext, LakeError, Result};
use identity::{classify, FolderKind, CATALOG_FILE, MARKER_FILE};

/// An open lake.
pub struct Lake {
    root: PathBuf,
    /// The root with links resolved: the lake reads and removes files only under it.
    canonical_root: PathBuf,
    catalog: Mutex<Catalog>,
    read_only: bool,
    /// What the clean-up on open did, when this process could run it.
    cleanup: Option<CleanupReport>,
    /// Derived files (indexes) read by this process, by path ([`Lake::cached`]).
    derived: DerivedCache,
    /// Per-lake state of other modules, by type ([`Lake::memo`]): the result cache.
    memo: Mutex<
        std::collections::HashMap<
            std::any::TypeId,
            std::sync::Arc<dyn std::any::Any + Send + Sync>,
        >,
    >,
}

type DerivedCache =
    Mutex<std::collections::HashMap<String, std::sync::Arc<dyn std::any::Any + Send + Sync>>>;

/// Held while a process writes to the lake; released on drop.
pub struct WriteLock {
    _file: File,
    // Writing work (imports, index builds, fences) is never stopped by a query's Cancel.
    _shield: polars::error::abort::AbortShield,
    // Its reads would count in a query's row groups (`meter::solo`).
    _busy: crate::meter::solo::Mark,
}

/// A job's private folder under `staging/`, removed when dropped (committed files have been
/// moved out of it by then). The journal lists it, so a crash leaves nothing clean-up cannot
/// tell apart.
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
    /// The query that made it, for a derived dataset (`None` for imports).
    pub derivation: Option<crate::catalog::lineage::Derivation>,
    /// With `append`: only these of the current version's files (paths) are carried over, and
    /// the version is recorded as a `retention` (all are carried when `None`).
    pub carry: Option<Vec<String>>,
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

/// The size and SHA-256 (hex) of the file at `path`, read once in 1 MiB blocks.
pub fn sha256_file(path: &Path) -> std::io::Result<(u64, String)> {
    use sha2::Digest;
    use std::io::Read;
    let mut f = File::open(path)?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                h.update(&buf[..n]);
                total += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((total, format!("{:x}", h.finalize())))
}

/// Makes a folder's entries durable (after files were created or renamed in it).
pub(crate) fn fsync_dir(path: &Path) -> Result<()> {
    platform::sync_dir(path).ctx(|| format!("syncing folder {}", path.display()))
}

/// The default lake, the one the app creates and opens: `lake` in the platform data folder of
/// the app (`org.datapunk.lake`), as Tauri's `app_data_dir` names it: `$XDG_DATA_HOME` or
/// `~/.local/share` on Linux, `~/Library/Application Support` on macOS, `%APPDATA%` on Windows.
pub fn default_lake_dir() -> PathBuf {
    platform::data_home(platform::Os::current(), &|k| std::env::var_os(k))
        .join("org.datapunk.lake")
        .join("lake")
}

/// A name for a job (a staging folder, a commit) no other job of any process shares.
fn job_name(kind: &str) -> String {
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    format!(
        "{kind}-{}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
        SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

/// Whether an I/O error says "you may not write here".
fn is_read_only_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
    )
}

/// Writes `text` to `path` through a temporary file and a rename.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("json.tmp");
    fs::write(&tmp, text).ctx(|| format!("writing {}", tmp.display()))?;
    fs::rename(&tmp, path).ctx(|| format!("writing {}", path.display()))
}

/// Keeps another query's Cancel from stopping the lake's own engine work (an import, an index
/// build, the map's reads) while it lives. A Cancel stops Polars through a process-wide abort
/// flag (vendor/polars/VENDORED.md, changes 3 and 10) that panics in every engine task not run
/// under Polars' abort catcher; while a shield lives that flag stays down (a cancelled query
/// stops at its own stop flag, and the flag goes up when the last shield is dropped). Taking one waits until a pending abort has wound down
/// (milliseconds). Never take one inside a running query (`query::collect_cancellable`).
pub fn shield_engine_work() -> polars::error::abort::AbortShield {
    polars::error::abort::shield_from_polars_abort()
}

/// Collects `lf` for the lake's own reads (an index build, the fence list, a row on the map),
/// shielded from other queries' Cancel (see [`shield_engine_work`]).
pub fn collect_shielded(
    lf: polars::prelude::LazyFrame,
) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
    let _shield = shield_engine_work();
    let _busy = crate::meter::solo::Busy::start();
    lf.collect()
}

impl Lake {
    /// Creates a lake in `dir`, which must not exist yet or be empty; an existing lake is
    /// opened instead. Any other folder is refused with `not_a_lake`, and nothing in it is
    /// touched.
    pub fn init(dir: &Path) -> Result<Lake> {
        identity::refuse_backup(dir)?;
        match classify(dir)? {
            FolderKind::Missing | FolderKind::Empty => Self::create(dir),
            FolderKind::Lake | FolderKind::LegacyLake => Self::open_inner(dir),
            FolderKind::Other(why) => Err(identity::not_a_lake(dir, &why, true)),
        }
    }

    /// Opens an existing lake; fails with `not_a_lake` (changing nothing) if `dir` is not one.
    pub fn open(dir: &Path) -> Result<Lake> {
        identity::refuse_backup(dir)?;
        match classify(dir)? {
            FolderKind::Lake | FolderKind::LegacyLake => Self::open_inner(dir),
            FolderKind::Missing => Err(LakeError::NotALake(format!(
                "{} does not exist; create a lake there with `lake --lake {} init`",
                dir.display(),
                dir.display()
            ))),
            FolderKind::Empty => Err(LakeError::NotALake(format!(
                "{} is an empty folder, not a lake; create one there with `lake --lake {} init`",
                dir.display(),
                dir.display()
            ))),
            FolderKind::Other(why) => Err(identity::not_a_lake(dir, &why, false)),
        }
    }

    /// Opens the lake in `dir`, creating it first if the folder is new or empty. Same as
    /// [`Lake::init`].
    pub fn open_or_init(dir: &Path) -> Result<Lake> {
        Self::init(dir)
    }

    fn create(dir: &Path) -> Result<Lake> {
        fs::create_dir_all(dir).ctx(|| format!("creating {}", dir.display()))?;
        // The catalog first: once it exists (with the lake's application id) the folder is a
        // lake, whatever else a crash interrupts.
        drop(Catalog::open(&dir.join(CATALOG_FILE))?);
        Self::open_inner(dir)
    }

    fn open_inner(dir: &Path) -> Result<Lake> {
        let canonical_root = crate::storage::platform::canonical(dir)
            .ctx(|| format!("resolving {}", dir.display()))?;
        let lock_path = dir.join("lake.lock");
        let read_only = match File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
        {
            Ok(_) => false,
            Err(e) if is_read_only_error(&e) => true,
            Err(e) => return Err(LakeError::io(format!("opening {}", lock_path.display()), e)),
        };
        let catalog_path = dir.join(CATALOG_FILE);
        let catalog = if read_only {
            Catalog::open_read_only(&catalog_path)?
        } else {
            Catalog::open(&catalog_path)?
        };
        let mut lake = Lake {
            root: dir.to_path_buf(),
            canonical_root,
            catalog: Mutex::new(catalog),
            read_only,
            cleanup: None,
            derived: Mutex::default(),
            memo: Mutex::default(),
        };
        if read_only {
            return Ok(lake);
        }
        if !dir.join(MARKER_FILE).exists() {
            write_atomically(&dir.join(MARKER_FILE), &identity::marker_text())?;
        }
        for sub in ["data", "staging", "index"] {
            let p = dir.join(sub);
            if !p.exists() {
                fs::create_dir(&p).ctx(|| format!("creating {}", p.display()))?;
            }
        }
        // Only the lock holder may clean up: another process may be mid-commit.
        if let Ok(_lock) = lake.try_write_lock() {
            let report = cleanup::clean_up(&lake.root, &lake.canonical_root, &mut lake.catalog())?;
            lake.cleanup = Some(report);
        }
        Ok(lake)
    }

    /// The lake folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the lake is open read-only (its folder cannot be written by this process).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Files under `data/` and `staging/` that are not the lake's (found on open and left
    /// alone), relative to the lake folder.
    pub fn foreign_files(&self) -> &[String] {
        self.cleanup.as_ref().map_or(&[], |r| &r.foreign)
    }

    /// What the clean-up on open removed and found, when this process ran it.
    pub fn cleanup_report(&self) -> Option<&CleanupReport> {
        self.cleanup.as_ref()
    }

    /// The catalog (one connection, shared).
    pub fn catalog(&self) -> MutexGuard<'_, Catalog> {
        self.catalog.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes the lake's write lock, failing at once with `busy` if another process has it,
    /// or with `read_only` if the lake cannot be written.
    pub fn try_write_lock(&self) -> Result<WriteLock> {
        self.catalog().writable()?;
        let path = self.root.join("lake.lock");
        let held = platform::try_lock_file(&path).ctx(|| format!("opening {}", path.display()))?;
        match held {
            Some(file) => Ok(WriteLock {
                _file: file,
                _shield: shield_engine_work(),
                _busy: crate::meter::solo::register(),
            }),
            None => Err(LakeError::Busy(format!(
                "another process is writing to the lake {}; wait for it to finish and try again",
                self.root.display()
            ))),
        }
    }

    fn relative(&self, p: &Path) -> String {
        p.strip_prefix(&self.root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// The absolute path of a data file the catalog lists, once checked to resolve inside the
    /// lake (a link under `data/` must not lead a query to other files).
    pub fn data_file(&self, rel: &str) -> Result<PathBuf> {
        crate::catalog::check_data_path(rel)?;
        let path = self.root.join(rel);
        let real = crate::storage::platform::canonical(&path)
            .ctx(|| format!("opening {}", path.display()))?;
        if !real.starts_with(&self.canonical_root) {
            return Err(LakeError::Damaged(format!(
                "the data file {rel} leads outside the lake (to {}); nothing was read",
                real.display()
            )));
        }
        Ok(real)
    }

    /// A lazy read of data files the catalog lists (`files`, relative to the lake), each checked
    /// by [`Lake::data_file`]: absolute paths, so never read as a URL or `~`; no globbing, so
    /// a folder named `a[1]` or `*` reads no other files; and partition folders (`year=2024/`,
    /// for other engines) give no columns, as the columns are in the files.
    pub fn scan_files<'a>(
        &self,
        files: impl IntoIterator<Item = &'a str>,
    ) -> Result<polars::prelude::PolarsResult<polars::prelude::LazyFrame>> {
        use polars::prelude::*;
        let paths: Vec<PlRefPath> = files
            .into_iter()
            .map(|f| {
                Ok(PlRefPath::new(
                    self.data_file(f)?.to_string_lossy().as_ref(),
                ))
            })
            .collect::<Result<_>>()?;
        let args = ScanArgsParquet {
            cache: false,
            glob: false,
            hive_options: HiveOptions::new_disabled(),
            ..Default::default()
        };
        Ok(LazyFrame::scan_parquet_sources(
            ScanSources::Paths(paths.into_iter().collect()),
            args,
        ))
    }

    /// Fails with `damaged_lake` unless `dir` is a folder (not a link) resolving inside the
    /// lake: the lake never writes through a link out of its folder.
    fn check_inside(&self, dir: &Path) -> Result<()> {
        let is_dir = fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_dir());
        let real = crate::storage::platform::canonical(dir)
            .ctx(|| format!("resolving {}", dir.display()))?;
        if is_dir && real.starts_with(&self.canonical_root) {
            return Ok(());
        }
        Err(LakeError::Damaged(format!(
            "{} is a link or leads outside the lake (to {}); the lake writes only inside its \
             folder: replace it with a plain folder",
            dir.display(),
            real.display()
        )))
    }

    /// A new private folder under `staging/`, listed in the journal before it exists.
    pub fn new_staging(&self) -> Result<StagingDir> {
        self.check_inside(&self.root.join("staging"))?;
        let job = job_name("job");
        let rel = format!("staging/{job}");
        self.catalog()
            .journal_add(&job, &[(EntryKind::Staging, rel.clone())])?;
        let path = self.root.join(&rel);
        fs::create_dir(&path).ctx(|| format!("creating {}", path.display()))?;
        Ok(StagingDir { path })
    }

    /// Moves staged files into `data/<dataset>/v<N>/` and makes the version visible in one
    /// catalog transaction. A crash before the transaction leaves only journaled files, which
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
        let job = job_name("commit");
        let plans = staged
            .into_iter()
            .map(|s| self.plan_commit(s))
            .collect::<Result<Vec<_>>>()?;
        // Everything this commit will create, journaled before any of it exists.
        let mut entries = Vec::new();
        for p in &plans {
            entries.extend(p.dirs.iter().map(|d| (EntryKind::Dir, self.relative(d))));
            entries.extend(
                p.moves
                    .iter()
                    .map(|(_, t)| (EntryKind::File, self.relative(t))),
            );
        }
        self.catalog().journal_add(&job, &entries)?;
        let mut moved: Vec<PathBuf> = Vec::new();
        let mut made: Vec<PathBuf> = Vec::new();
        let undo = |moved: &[PathBuf], made: &[PathBuf]| {
            for p in moved {
                let _ = fs::remove_file(p);
            }
            for d in made.iter().rev() {
                let _ = fs::remove_dir(d);
            }
        };
        for p in &plans {
            if let Err(e) = self.place_files(p, &mut moved, &mut made) {
                undo(&moved, &made);
                return Err(e);
            }
        }
        let versions: Vec<NewVersion<'_>> = plans
            .iter()
            .map(|p| NewVersion {
                dataset: &p.dataset,
                version: p.version,
                mode: match (p.retention, p.append) {
                    (true, _) => "retention",
                    (false, true) => "append",
                    (false, false) => "replace",
                },
                schema: &p.schema,
                files: &p.files,
                sources: &p.sources,
                derivation: p.derivation.as_ref(),
            })
            .collect();
        if let Err(e) = self.catalog().commit_versions(&job, &versions) {
            undo(&moved, &made);
            return Err(e);
        }
        Ok(plans
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

    /// Decides where a staged version's files go, without touching the disk.
    fn plan_commit(&self, staged: StagedVersion) -> Result<CommitPlan> {
        validate_dataset_name(&staged.dataset)?;
        let (version, mut files, mut sources) = {
            let cat = self.catalog();
            let version = cat.max_version(&staged.dataset)? + 1;
            let (files, sources) = match (staged.append, cat.dataset(&staged.dataset)?) {
                (true, Some(current)) => {
                    let sources = cat.sources_of(current.version_id)?;
                    let files = match &staged.carry {
                        Some(keep) => current
                            .files
                            .into_iter()
                            .filter(|f| keep.contains(&f.path))
                            .collect(),
                        None => current.files,
                    };
                    (files, sources)
                }
                _ => (Vec::new(), Vec::new()),
            };
            (version, files, sources)
        };
        let new_rows: u64 = staged.files.iter().map(|f| f.rows).sum();
        let dataset_dir = self.root.join("data").join(&staged.dataset);
        let existing = if dataset_dir.exists() {
            &dataset_dir
        } else {
            &self.root.join("data")
        };
        self.check_inside(existing)?;
        let dir = dataset_dir.join(format!("v{version}"));
        if fs::symlink_metadata(&dir).is_ok() {
            return Err(LakeError::Damaged(format!(
                "{} already exists, but the catalog has no version {version} of {}: it is not \
                 the lake's; move it out of the lake folder and import again",
                dir.display(),
                staged.dataset
            )));
        }
        // Folders to create, parents first: the dataset's (and its dotted parents') when new.
        let mut dirs = Vec::new();
        let mut missing: Vec<PathBuf> = dataset_dir
            .ancestors()
            .take_while(|a| *a != self.root.join("data") && fs::symlink_metadata(a).is_err())
            .map(Path::to_path_buf)
            .collect();
        missing.reverse();
        dirs.extend(missing);
        dirs.push(dir.clone());
        let mut moves = Vec::new();
        for (i, f) in staged.files.into_iter().enumerate() {
            let folder = match &f.partition {
                Some(p) => dir.join(p),
                None => dir.clone(),
            };
            if !dirs.contains(&folder) {
                dirs.push(folder.clone());
            }
            let target = folder.join(format!("part-{i:05}.parquet"));
            files.push(FileEntry {
                path: self.relative(&target),
                rows: f.rows,
                bytes: f.bytes,
                stats: f.stats,
                sha256: f.sha256,
            });
            moves.push((f.path, target));
        }
        sources.extend(staged.sources);
        Ok(CommitPlan {
            dataset: staged.dataset,
            version,
            append: staged.append,
            retention: staged.carry.is_some(),
            schema: staged.schema,
            files,
            sources,
            new_rows,
            dirs,
            moves,
            derivation: staged.derivation,
        })
    }

    /// Creates a plan's folders and moves its files in, durably.
    fn place_files(
        &self,
        p: &CommitPlan,
        moved: &mut Vec<PathBuf>,
        made: &mut Vec<PathBuf>,
    ) -> Result<()> {
        for d in &p.dirs {
            fs::create_dir(d).ctx(|| format!("creating {}", d.display()))?;
            made.push(d.clone());
        }
        for (from, to) in &p.moves {
            fs::rename(from, to)
                .ctx(|| format!("moving {} into {}", from.display(), to.display()))?;
            moved.push(to.clone());
        }
        for d in p.dirs.iter().rev() {
            fsync_dir(d)?;
        }
        if let Some(parent) = p.dirs.first().and_then(|d| d.parent()) {
            fsync_dir(parent)?;
        }
        Ok(())
    }
}

/// Where one staged version's files go.
struct CommitPlan {
    dataset: String,
    version: u32,
    append: bool,
    retention: bool,
    schema: Vec<ColumnDef>,
    files: Vec<FileEntry>,
    sources: Vec<SourceRecord>,
    new_rows: u64,
    /// Folders to create, parents first.
    dirs: Vec<PathBuf>,
    /// (staged file, its place in the version).
    moves: Vec<(PathBuf, PathBuf)>,
    derivation: Option<crate::catalog::lineage::Derivation>,
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
    fn open_removes_what_a_crashed_job_journaled_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(dir.path()).unwrap();
        // A job that "crashes": its staging folder outlives it.
        let staging = lake.new_staging().unwrap();
        fs::write(staging.path().join("t-00000.parquet"), b"x").unwrap();
        fs::write(staging.path().join("notes.txt"), b"not ours").unwrap();
        let job_dir = staging.path().to_path_buf();
        std::mem::forget(staging);
        drop(lake);
        // Files nobody journaled, in data/ and staging/.
        fs::create_dir_all(dir.path().join("data/t/v1")).unwrap();
        fs::write(dir.path().join("data/t/v1/part-00000.parquet"), b"mine").unwrap();
        fs::write(dir.path().join("staging/stray.parquet"), b"mine too").unwrap();
        let lake = Lake::open(dir.path()).unwrap();
        assert!(!job_dir.join("t-00000.parquet").exists());
        assert_eq!(fs::read(job_dir.join("notes.txt")).unwrap(), b"not ours");
        assert_eq!(
            fs::read(dir.path().join("data/t/v1/part-00000.parquet")).unwrap(),
            b"mine"
        );
        let job = job_dir.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            lake.foreign_files(),
            [
                "data/t/v1/part-00000.parquet".to_string(),
                format!("staging/{job}/notes.txt"),
                "staging/stray.parquet".to_string(),
            ]
        );
        assert!(lake.catalog().journal_entries().unwrap().is_empty());
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
