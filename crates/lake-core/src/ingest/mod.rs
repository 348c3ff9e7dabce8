//! Import: finds the files under the given paths, recognises their format, reads them as
//! streams into Parquet in staging, and commits one dataset version per target name.

mod csv;
mod format;
mod gate;
mod geo;
mod indexes;
mod metered;
pub use metered::import_paths;
mod npy;
mod parallel;
pub use parallel::worker_count;
mod parquet_src;
pub mod preview;
pub mod progress;
pub mod records;
pub mod table;
pub mod takeout;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::Serialize;
use sha2::Digest;

use crate::catalog::{ColumnDef, SourceRecord};
use crate::error::{IoContext, LakeError, Result};
use crate::storage::{
    dataset_name_from_stem, validate_dataset_name, Lake, StagedFile, StagedVersion, StagingDir,
};

pub use self::csv::{detect_encoding, sniff_delimiter};
pub use format::{detect_format, Format, EXTENSIONS};

/// Rows per batch handed to the Parquet writer.
pub const BATCH_ROWS: usize = 65_536;

/// How a new version relates to the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Mode {
    /// The new version holds only what this import read.
    Replace,
    /// The new version holds the current files plus what this import read.
    Append,
}

/// Options of one import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Target dataset for every file (default: one dataset per file, named after it).
    pub name: Option<String>,
    /// Replace (default) or append.
    pub mode: Mode,
    /// Skip and count bad records instead of failing.
    pub skip_bad: bool,
    /// Force a format instead of detecting it.
    pub format: Option<Format>,
    /// Rows per Parquet file.
    pub rows_per_file: u64,
    /// Per-path target datasets (the app's wizard lets each file be renamed); wins over `name`.
    pub names: BTreeMap<PathBuf, String>,
    /// Split the files by the year of this date or timestamp column (`--partition-by`). The
    /// Takeout tables are always split by the year of `ts`.
    pub partition_by: Option<String>,
    /// Profile each committed version from a bounded sample (`--no-profile` leaves it on demand).
    pub profile: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            name: None,
            mode: Mode::Replace,
            skip_bad: false,
            format: None,
            rows_per_file: 1_000_000,
            names: BTreeMap::new(),
            partition_by: None,
            profile: true,
        }
    }
}

/// Receives progress of an import. All methods have empty defaults.
pub trait Progress: Send + Sync {
    /// A file starts: its display path and size.
    fn file_started(&self, _path: &str, _bytes: u64) {}
    /// Bytes read of the current file and records so far.
    fn update(&self, _bytes_read: u64, _records: u64) {}
    /// A file is done.
    fn file_done(&self, _path: &str, _records: u64) {}
}

/// Progress that goes nowhere.
pub struct NoProgress;
impl Progress for NoProgress {}

pub use crate::cancel::CancelToken;

/// What a reader needs while reading one file.
pub struct ReadCtx<'a> {
    /// The file.
    pub path: &'a Path,
    /// How to name it in messages.
    pub display: String,
    /// Where to write.
    pub staging: &'a Path,
    /// File name prefix inside staging.
    pub prefix: String,
    /// Rows per Parquet file.
    pub rows_per_file: u64,
    /// The column whose year splits the files.
    pub partition_by: Option<String>,
    /// Skip bad records.
    pub skip_bad: bool,
    /// Bytes read so far (readers update it).
    pub bytes_read: Arc<AtomicU64>,
    /// Where progress goes.
    pub progress: &'a dyn Progress,
    /// Stop flag.
    pub cancel: &'a CancelToken,
    /// The first few bad records, for the report.
    pub bad_examples: RefCell<Vec<String>>,
    /// Whether rows get a `geometry` column from their coordinates (GPX).
    pub geometry: bool,
    /// The columns the rows must match: the dataset's when appending, else the first file's.
    pub earlier: Option<Vec<ColumnDef>>,
}

impl ReadCtx<'_> {
    /// A sink for this file's rows in staging, partitioned as the import asks.
    pub fn sink(&self, prefix: &str) -> crate::storage::ParquetSink {
        crate::storage::ParquetSink::new(self.staging, prefix, self.rows_per_file)
            .partitioned_by(
                self.partition_by
                    .as_ref()
                    .map(|column| crate::storage::PartitionBy {
                        column: column.clone(),
                        strict: true,
                        source: self.display.clone(),
                    }),
            )
            .with_transform(
                self.geometry.then_some(
                    crate::spatial::derive::add_geometry as crate::storage::BatchTransform,
                ),
            )
    }
}

impl ReadCtx<'_> {
    /// Fails with `cancelled` if stop was asked.
    pub fn check_cancel(&self) -> Result<()> {
        if self.cancel.is_cancelled() {
            Err(LakeError::Cancelled(
                "import cancelled; nothing was changed in the lake".into(),
            ))
        } else {
            Ok(())
        }
    }

    /// Deals with a bad record: counts it under `--skip-bad`, else fails naming where.
    pub fn bad_record(&self, count: &mut u64, location: &str, message: &str) -> Result<()> {
        if self.skip_bad {
            *count += 1;
            let mut ex = self.bad_examples.borrow_mut();
            if ex.len() < 5 {
                ex.push(format!("{location}: {message}"));
            }
            Ok(())
        } else {
            Err(LakeError::bad_input(
                &self.display,
                Some(location.to_string()),
                format!("{message} (use --skip-bad to skip bad records and import the rest)"),
            ))
        }
    }

    /// Starts attempt number `attempt` of reading the file (a late record can force another,
    /// with wider types): forgets the last attempt's bad records and gives it its own sink.
    pub fn attempt_sink(&self, attempt: usize) -> crate::storage::ParquetSink {
        self.bad_examples.borrow_mut().clear();
        self.sink(&self.attempt_prefix(attempt))
    }

    fn attempt_prefix(&self, attempt: usize) -> String {
        format!("{}-a{attempt}", self.prefix)
    }

    /// Reports progress.
    pub fn report(&self, records: u64) {
        self.progress
            .update(self.bytes_read.load(Ordering::Relaxed), records);
    }

    /// Removes the files of a failed attempt.
    pub fn clear_attempt(&self, attempt: usize) -> Result<()> {
        let prefix = self.attempt_prefix(attempt);
        for e in std::fs::read_dir(self.staging)
            .ctx(|| format!("listing {}", self.staging.display()))?
            .flatten()
        {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(e.path());
            }
        }
        Ok(())
    }
}

/// What a reader produced from one file.
pub struct FileReport {
    /// Parquet files in staging.
    pub files: Vec<StagedFile>,
    /// Columns.
    pub schema: Vec<ColumnDef>,
    /// Rows read.
    pub rows: u64,
    /// Bad records skipped.
    pub skipped: u64,
}

/// A dataset version an import created.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportedDataset {
    /// Dataset name.
    pub name: String,
    /// New version number.
    pub version: u32,
    /// Rows in the new version.
    pub rows: u64,
    /// Parquet files in the new version.
    pub files: usize,
    /// Bad records skipped.
    pub skipped_rows: u64,
    /// The first few skipped records, with where and why.
    pub bad_examples: Vec<String>,
    /// The dataset's quality rules that this version fails (warnings; failing blocking rules
    /// refuse the import instead).
    pub quality: Vec<crate::catalog::quality::RuleResult>,
}

/// A source that was already in the dataset.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Unchanged {
    /// Dataset name.
    pub name: String,
    /// The source.
    pub path: String,
    /// Why nothing happened.
    pub reason: String,
}

/// A path that could not be imported.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportFailure {
    /// The file or folder.
    pub path: String,
    /// The message.
    pub error: String,
    /// The stable error code.
    pub code: crate::ErrorCode,
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportReport {
    /// Versions created.
    pub datasets: Vec<ImportedDataset>,
    /// Sources already present.
    pub unchanged: Vec<Unchanged>,
    /// Failures.
    pub errors: Vec<ImportFailure>,
    /// The coverage report, when the input was a Google Takeout export.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub takeout: Option<crate::ingest::takeout::TakeoutReport>,
    /// The spatial indexes built for the new versions' coordinate and geometry columns.
    pub indexes: Vec<crate::catalog::IndexInfo>,
}

fn collect_files(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() {
                collect_files(&e, out)?;
            } else if e
                .extension()
                .map(|x| EXTENSIONS.contains(&x.to_string_lossy().to_ascii_lowercase().as_str()))
                .unwrap_or(false)
            {
                out.push(e);
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// sha256 of a file, hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let _t = crate::meter::phases::Phase::Read.timer();
    let mut f = std::fs::File::open(path).ctx(|| format!("opening {}", path.display()))?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f
            .read(&mut buf)
            .ctx(|| format!("reading {}", path.display()))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

struct Planned {
    path: PathBuf,
    display: String,
    format: Format,
}

/// [`import_paths`], without its metrics.
fn import_unmetered(
    lake: &Lake,
    paths: &[PathBuf],
    opts: &ImportOptions,
    progress: &dyn Progress,
    cancel: &CancelToken,
) -> Result<ImportReport> {
    // An import is never stopped by a query's Cancel in another tab (the write lock taken
    // below shields it too; this covers the reading before it).
    let _shield = crate::storage::shield_engine_work();
    let mut report = ImportReport::default();
    if let Some(n) = &opts.name {
        validate_dataset_name(n)?;
    }
    // Takeout parts (archives, folders, product files) go to the Takeout reader as one export.
    let (takeout_paths, paths): (Vec<PathBuf>, Vec<PathBuf>) = match opts.format {
        Some(Format::Takeout) => (paths.to_vec(), Vec::new()),
        Some(_) => (Vec::new(), paths.to_vec()),
        None => paths
            .iter()
            .cloned()
            .partition(|p| crate::ingest::takeout::recognizes(p)),
    };
    // Everything this call imports becomes visible in one catalog transaction at the end, so a
    // cancel (or a crash) at any point leaves the lake as it was.
    let mut lock = None;
    let mut batch: Vec<(StagedVersion, ImportedDataset)> = Vec::new();
    let mut stagings = Vec::new();
    if !takeout_paths.is_empty() {
        let l = lock.insert(lake.try_write_lock()?);
        let staged = crate::ingest::takeout::import_takeout(
            lake,
            l,
            &takeout_paths,
            opts,
            progress,
            cancel,
        )?;
        report.unchanged.extend(staged.report.unchanged);
        report.errors.extend(staged.report.errors);
        report.takeout = Some(staged.takeout);
        for v in staged.batch {
            let info = ImportedDataset {
                name: v.dataset.clone(),
                version: 0,
                rows: 0,
                files: 0,
                skipped_rows: 0,
                bad_examples: Vec::new(),
                quality: Vec::new(),
            };
            batch.push((v, info));
        }
        stagings.push(staged.staging);
    }
    let paths = &paths[..];
    // 1. Files and their formats, grouped by target dataset.
    let mut groups: BTreeMap<String, Vec<Planned>> = BTreeMap::new();
    for p in paths {
        let mut files = Vec::new();
        if !p.exists() {
            report.errors.push(ImportFailure {
                path: p.display().to_string(),
                error: format!("{}: no such file or folder", p.display()),
                code: crate::ErrorCode::NotFound,
            });
            continue;
        }
        if let Err(e) = collect_files(p, &mut files) {
            report.errors.push(ImportFailure {
                path: p.display().to_string(),
                error: format!("listing {}: {e}", p.display()),
                code: crate::ErrorCode::IoError,
            });
            continue;
        }
        if files.is_empty() {
            report.errors.push(ImportFailure {
                path: p.display().to_string(),
                error: format!(
                    "{}: no importable files (looked for {})",
                    p.display(),
                    EXTENSIONS.join(", ")
                ),
                code: crate::ErrorCode::UnsupportedFormat,
            });
        }
        for f in files {
            let display = f.display().to_string();
            let format = match opts.format {
                Some(fmt) => Some(fmt),
                None => match detect_format(&f) {
                    Ok(x) => x,
                    Err(e) => {
                        report.errors.push(failure(&display, &e));
                        continue;
                    }
                },
            };
            let Some(format) = format else {
                let e = LakeError::UnsupportedFormat {
                    path: display.clone(),
                    message: "unrecognised format; supported: CSV, TSV, JSON, NDJSON, Parquet, GeoJSON, GPX \
                              (use --format to force one)"
                        .into(),
                };
                report.errors.push(failure(&display, &e));
                continue;
            };
            let name = opts
                .names
                .get(p)
                .or(opts.name.as_ref())
                .cloned()
                .unwrap_or_else(|| {
                    dataset_name_from_stem(&f.file_stem().unwrap_or_default().to_string_lossy())
                });
            groups.entry(name).or_default().push(Planned {
                path: f,
                display,
                format,
            });
        }
    }
    if !groups.is_empty() && lock.is_none() {
        lock = Some(lake.try_write_lock()?);
    }
    for (name, files) in groups {
        cancel_check(cancel)?;
        if batch.iter().any(|(v, _)| v.dataset == name) {
            let path = files.first().map(|f| f.display.clone()).unwrap_or_default();
            let e = LakeError::InvalidName(format!(
                "{name} is also written by the Takeout import; choose another name for {path}"
            ));
            report.errors.push(failure(&path, &e));
            continue;
        }
        match import_group(lake, &name, files, opts, progress, cancel, &mut report) {
            Ok(None) => {}
            Ok(Some((staged, info, staging))) => {
                batch.push((staged, info));
                stagings.push(staging);
            }
            Err((e @ LakeError::Cancelled(_), _)) => return Err(e),
            Err((e, path)) => report.errors.push(failure(&path, &e)),
        }
    }
    cancel_check(cancel)?;
    let _commit = crate::meter::phases::Phase::Commit.timer();
    let batch = gate::check_rules(lake, batch, &mut report.errors)?;
    if let (Some(lock), false) = (&lock, batch.is_empty()) {
        let (staged, infos): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
        for (committed, mut info) in lake.commit_versions(lock, staged)?.into_iter().zip(infos) {
            info.version = committed.version;
            info.rows = committed.rows;
            info.files = committed.files;
            report.datasets.push(info);
        }
        indexes::index_imported(lake, lock, &mut report);
        let names = report.datasets.iter().map(|d| d.name.as_str());
        crate::profile::profile_imported(lake, opts.profile, names);
    }
    drop(stagings);
    Ok(report)
}

/// One dataset read into staging: the version to commit, its report line, and the folder
/// holding its files until then.
type StagedGroup = (StagedVersion, ImportedDataset, StagingDir);

fn cancel_check(cancel: &CancelToken) -> Result<()> {
    if cancel.is_cancelled() {
        Err(LakeError::Cancelled(
            "import cancelled; nothing was changed in the lake".into(),
        ))
    } else {
        Ok(())
    }
}

fn failure(path: &str, e: &LakeError) -> ImportFailure {
    ImportFailure {
        path: path.to_string(),
        error: e.to_string(),
        code: e.code(),
    }
}

fn read_file(ctx: &ReadCtx<'_>, format: Format) -> Result<FileReport> {
    match format {
        Format::Csv => csv::import_csv(ctx, false),
        Format::Tsv => csv::import_csv(ctx, true),
        Format::Ndjson => {
            records::import_records(ctx, &mut records::NdjsonSource { ctx }, None, &[], true)
        }
        Format::Json => records::import_records(
            ctx,
            &mut records::JsonDocSource {
                ctx,
                array_key: None,
            },
            None,
            &[],
            false,
        ),
        Format::Geojson => records::import_records(
            ctx,
            &mut records::JsonDocSource {
                ctx,
                array_key: Some("features"),
            },
            Some(geo::flatten_feature),
            geo::GEOJSON_TYPES,
            false,
        ),
        Format::Gpx => records::import_records(
            ctx,
            &mut geo::GpxSource { ctx },
            None,
            geo::GPX_TYPES,
            false,
        ),
        Format::Parquet => parquet_src::import_parquet(ctx),
        Format::Npy => npy::import_npy(ctx),
        Format::Takeout => Err(LakeError::Internal(
            "Takeout files are read by the Takeout importer".into(),
        )),
    }
}

fn schema_text(s: &[ColumnDef]) -> String {
    s.iter()
        .map(|c| format!("{} {}", c.name, c.dtype))
        .collect::<Vec<_>>()
        .join(", ")
}

#[allow(clippy::too_many_arguments)]
fn import_group(
    lake: &Lake,
    name: &str,
    files: Vec<Planned>,
    opts: &ImportOptions,
    progress: &dyn Progress,
    cancel: &CancelToken,
    report: &mut ImportReport,
) -> std::result::Result<Option<StagedGroup>, (LakeError, String)> {
    let first_path = files.first().map(|f| f.display.clone()).unwrap_or_default();
    let at = |path: &str| {
        let path = path.to_string();
        move |e: LakeError| (e, path)
    };
    validate_dataset_name(name).map_err(at(&first_path))?;
    let current = lake.catalog().dataset(name).map_err(at(&first_path))?;
    let known: std::collections::HashSet<String> = match &current {
        Some(c) => lake
            .catalog()
            .sources_of(c.version_id)
            .map_err(at(&first_path))?
            .into_iter()
            .map(|s| s.sha256)
            .collect(),
        None => Default::default(),
    };
    // Hash first: a source already in the current version is not read again.
    let mut todo = Vec::new();
    for f in files {
        let sha = sha256_file(&f.path).map_err(at(&f.display))?;
        let bytes = std::fs::metadata(&f.path).map(|m| m.len()).unwrap_or(0);
        todo.push((f, sha, bytes));
    }
    let all_known = !todo.is_empty() && todo.iter().all(|(_, sha, _)| known.contains(sha));
    let append = opts.mode == Mode::Append && current.is_some();
    if all_known || append {
        let version = current.as_ref().map(|c| c.version).unwrap_or(0);
        todo.retain(|(f, sha, _)| {
            if known.contains(sha) {
                report.unchanged.push(Unchanged {
                    name: name.to_string(),
                    path: f.display.clone(),
                    reason: format!(
                        "already imported into {name} (version {version}); nothing to do"
                    ),
                });
                false
            } else {
                true
            }
        });
        if todo.is_empty() {
            return Ok(None);
        }
    }
    let staging = lake.new_staging().map_err(at(&first_path))?;
    let mut staged_files = Vec::new();
    let mut sources = Vec::new();
    let mut schema: Option<(Vec<ColumnDef>, String)> = if append {
        current
            .as_ref()
            .map(|c| (c.schema.clone(), format!("{name} (version {})", c.version)))
    } else {
        None
    };
    let mut skipped = 0;
    let mut bad_examples = Vec::new();
    for (i, (f, sha, bytes)) in todo.into_iter().enumerate() {
        progress.file_started(&f.display, bytes);
        let ctx = ReadCtx {
            path: &f.path,
            display: f.display.clone(),
            staging: staging.path(),
            prefix: format!("f{i:04}"),
            rows_per_file: opts.rows_per_file,
            partition_by: opts.partition_by.clone(),
            skip_bad: opts.skip_bad,
            bytes_read: Arc::new(AtomicU64::new(0)),
            progress,
            cancel,
            bad_examples: RefCell::new(Vec::new()),
            earlier: schema.as_ref().map(|(s, _)| s.clone()),
            // Appending to a table made without one (by an older version) keeps it so.
            geometry: f.format == Format::Gpx
                && schema
                    .as_ref()
                    .is_none_or(|(s, _)| s.iter().any(|c| c.name == "geometry")),
        };
        let r = read_file(&ctx, f.format).map_err(at(&f.display))?;
        match &schema {
            Some((s, from)) if *s != r.schema => {
                return Err((
                    LakeError::bad_input(
                        &f.display,
                        None,
                        format!(
                            "its columns ({}) differ from those of {from} ({}); import it under another name \
                             (--name) or with --mode replace",
                            schema_text(&r.schema),
                            schema_text(s)
                        ),
                    ),
                    f.display.clone(),
                ))
            }
            Some(_) => {}
            None => schema = Some((r.schema.clone(), f.display.clone())),
        }
        progress.file_done(&f.display, r.rows);
        skipped += r.skipped;
        bad_examples.extend(ctx.bad_examples.into_inner());
        sources.push(SourceRecord {
            sha256: sha,
            path: f.display.clone(),
            bytes,
            rows: r.rows,
            skipped_rows: r.skipped,
        });
        staged_files.extend(r.files);
    }
    cancel_check(cancel).map_err(at(&first_path))?;
    let staged = StagedVersion {
        dataset: name.to_string(),
        append,
        schema: schema.map(|s| s.0).unwrap_or_default(),
        files: staged_files,
        sources,
        derivation: None,
        carry: None,
    };
    let info = ImportedDataset {
        name: name.to_string(),
        version: 0,
        rows: 0,
        files: 0,
        skipped_rows: skipped,
        bad_examples,
        quality: Vec::new(),
    };
    Ok(Some((staged, info, staging)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cancels the import when the second file starts.
    struct CancelOnSecond {
        cancel: CancelToken,
        started: std::sync::atomic::AtomicU32,
    }
    impl Progress for CancelOnSecond {
        fn file_started(&self, _path: &str, _bytes: u64) {
            if self.started.fetch_add(1, Ordering::SeqCst) == 1 {
                self.cancel.cancel();
            }
        }
    }

    #[test]
    fn cancel_during_the_second_dataset_keeps_the_first_out_too() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        let b = dir.path().join("b.csv");
        std::fs::write(&a, "x\n1\n2\n").unwrap();
        std::fs::write(&b, "y\n3\n").unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        let cancel = CancelToken::new();
        let progress = CancelOnSecond {
            cancel: cancel.clone(),
            started: Default::default(),
        };
        let opts = ImportOptions::default();
        let e =
            import_paths(&lake, &[a.clone(), b.clone()], &opts, &progress, &cancel).unwrap_err();
        assert_eq!(e.code(), "cancelled");
        assert!(lake.catalog().list_datasets().unwrap().is_empty());
        // Nothing staged is left behind, and the next import works.
        let staged = std::fs::read_dir(lake.root().join("staging"))
            .unwrap()
            .count();
        assert_eq!(staged, 0);
        let mut names = BTreeMap::new();
        names.insert(b.clone(), "renamed".to_string());
        let opts = ImportOptions {
            names,
            ..Default::default()
        };
        let r = import_paths(&lake, &[a, b], &opts, &NoProgress, &CancelToken::new()).unwrap();
        let got: Vec<_> = r
            .datasets
            .iter()
            .map(|d| (d.name.as_str(), d.rows))
            .collect();
        assert_eq!(got, [("a", 2), ("renamed", 1)]);
    }
}
