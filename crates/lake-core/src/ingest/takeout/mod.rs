//! Google Takeout import: every product into canonical English tables (`takeout.*`), whatever
//! the export's language, from multi-part zip/tgz archives read in place, unpacked folders, or
//! single product files, with a coverage report.
//!
//! Re-import: each table has a dedup key (see [`tables`]); a newer export of the same account
//! adds only rows whose key is new and keeps the rest, and the same export again adds nothing.

mod activity;
mod doc;
mod jsonstream;
mod location;
mod mail;
mod photos;
mod pim;
pub mod recognize;
mod report;
pub mod tables;
pub mod text;
pub mod vfs;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;
use sha2::Digest;

use crate::catalog::SourceRecord;
use crate::error::{IoContext, LakeError, Result};
use crate::ingest::{CancelToken, ImportOptions, ImportReport, Progress, Unchanged};
use crate::storage::{Lake, StagedVersion, WriteLock};
pub(crate) use doc::json_error;
use doc::{json_doc, read_all, strip_bom, text_of, whole_limit};
pub use doc::{MAX_JSON_TREE, MAX_WHOLE};
use recognize::{classify, in_my_activity, locale_hint, Kind};
use report::ProductAcc;
pub use report::{FileError, ProductReport, TableReport, TakeoutReport, Unrecognized};
use tables::Tables;
use vfs::{for_each_entry, Part, PartKind, ReadCounter};

/// Whether `path` looks like (part of) a Takeout export: an archive with `Takeout/` entries or
/// a `takeout-*` name, a folder holding `Takeout/`, or a file a Takeout reader recognizes.
pub fn recognizes(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let Ok(kind) = vfs::part_kind(path) else {
        return false;
    };
    match kind {
        PartKind::Dir => {
            name == "takeout"
                || path.join("Takeout").is_dir()
                || path.join("archive_browser.html").is_file()
        }
        PartKind::Zip => {
            if name.starts_with("takeout") {
                return true;
            }
            std::fs::File::open(path)
                .ok()
                .and_then(|f| zip::ZipArchive::new(std::io::BufReader::new(f)).ok())
                .is_some_and(|mut z| {
                    (0..z.len().min(20)).any(|i| {
                        z.by_index_raw(i)
                            .is_ok_and(|e| e.name().is_ok_and(|n| n.starts_with("Takeout/")))
                    })
                })
        }
        PartKind::Tgz => {
            name.starts_with("takeout") || name.ends_with(".tgz") || name.ends_with(".tar.gz")
        }
        PartKind::File => {
            let mut head = vec![0u8; 16384];
            let n = std::fs::File::open(path)
                .and_then(|mut f| f.read(&mut head))
                .unwrap_or(0);
            head.truncate(n);
            !matches!(
                classify(&path.to_string_lossy(), &head),
                Kind::Unknown | Kind::Known | Kind::Media
            )
        }
    }
}

fn iso(us: i64) -> String {
    chrono::DateTime::from_timestamp_micros(us)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string())
        .unwrap_or_default()
}

/// The parts given, archives in name order (-001, -002, …) and loose files after them.
fn parts_of(paths: &[PathBuf]) -> Result<Vec<Part>> {
    let mut parts = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(LakeError::bad_input(
                p.display(),
                None,
                "no such file or folder",
            ));
        }
        let kind = vfs::part_kind(p)?;
        parts.push(Part {
            path: p.clone(),
            kind,
            bytes: vfs::part_bytes(p, kind),
        });
    }
    parts.sort_by_key(|p| (p.kind == PartKind::File, p.path.clone()));
    Ok(parts)
}

/// `en`, `de` or `fr` when the names point to one language (English when none do), else `mixed`.
fn locale_of(hints: &BTreeSet<&'static str>) -> String {
    match hints.len() {
        0 => "en".into(),
        1 => hints.iter().next().unwrap().to_string(),
        _ => "mixed".into(),
    }
}

/// A cheap fingerprint of a part (size, first and last MiB), recorded as its source.
fn fingerprint(p: &Part) -> String {
    if p.kind == PartKind::Dir {
        return format!("dir:{}", p.path.display());
    }
    let mut h = sha2::Sha256::new();
    h.update(p.bytes.to_le_bytes());
    if let Ok(mut f) = std::fs::File::open(&p.path) {
        let mut buf = vec![0u8; 1 << 20];
        if let Ok(n) = f.read(&mut buf) {
            h.update(&buf[..n]);
        }
        use std::io::Seek;
        if p.bytes > (2 << 20) && f.seek(std::io::SeekFrom::End(-(1 << 20))).is_ok() {
            if let Ok(n) = f.read(&mut buf) {
                h.update(&buf[..n]);
            }
        }
    }
    format!(
        "fp:{}",
        h.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

fn export_id(parts: &[Part]) -> String {
    for p in parts {
        let name = p
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if matches!(p.kind, PartKind::Zip | PartKind::Tgz) {
            let stem = name
                .trim_end_matches(".zip")
                .trim_end_matches(".tgz")
                .trim_end_matches(".tar.gz");
            return match stem.rsplit_once('-') {
                Some((a, b)) if b.len() == 3 && b.bytes().all(|c| c.is_ascii_digit()) => {
                    a.to_string()
                }
                _ => stem.to_string(),
            };
        }
    }
    parts
        .iter()
        .find(|p| p.kind == PartKind::Dir)
        .or(parts.first())
        .map(|p| {
            let p = if p.path.file_name().is_some_and(|n| n == "Takeout") {
                p.path.parent().unwrap_or(&p.path)
            } else {
                &p.path
            };
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .unwrap_or_default()
}

const HINT_ENCRYPTED: &str = "Timeline data is no longer in Takeout: it is kept on your phone \
     (encrypted backups on Google's servers). On the phone open Google Maps > Settings > \
     Location & privacy > Export Timeline data, then import the Timeline.json it saves here.";

/// Imports a Takeout export given as parts (archives, folders, single files).
pub(crate) fn import_takeout(
    lake: &Lake,
    _lock: &WriteLock,
    paths: &[PathBuf],
    opts: &ImportOptions,
    progress: &dyn Progress,
    cancel: &CancelToken,
) -> Result<StagedTakeout> {
    let parts = parts_of(paths)?;
    let total: u64 = parts.iter().map(|p| p.bytes).sum();
    let staging = lake.new_staging()?;
    let mut t = Tables::new(staging.path(), opts.rows_per_file);
    // Keys already in the lake.
    let mut existing = BTreeMap::new();
    for tb in &mut t.tables {
        if let Some(cur) = lake.catalog().dataset(tb.spec.name)? {
            let keys = existing_keys(lake, &cur)?;
            tb.preload_keys(keys);
            existing.insert(tb.spec.name, cur);
        }
    }
    let display = export_id(&parts);
    progress.file_started(&display, total);
    let counter = ReadCounter::default();
    let threads = crate::ingest::worker_count();
    let mut products: BTreeMap<&'static str, ProductAcc> = BTreeMap::new();
    let mut unrecognized = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut locales = BTreeSet::new();
    let mut deferred: Vec<(String, Kind, std::path::PathBuf)> = Vec::new();
    let spill_dir = t.staging().to_path_buf();
    let mut photos = photos::Photos::default();
    let mut records_total = 0u64;
    let mut head_buf = vec![0u8; 16384];

    for_each_entry(&parts, &counter, &mut |meta, r| {
        if cancel.is_cancelled() {
            return Err(LakeError::Cancelled(
                "import cancelled; nothing was changed in the lake".into(),
            ));
        }
        progress.update(counter.get(), records_total);
        let path = meta.path.as_str();
        if let Some(l) = locale_hint(path) {
            locales.insert(l);
        }
        let mut n = 0;
        while n < head_buf.len() {
            let k = r
                .read(&mut head_buf[n..])
                .ctx(|| format!("reading {path}"))?;
            if k == 0 {
                break;
            }
            n += k;
        }
        let head = &head_buf[..n];
        if head.is_empty() {
            unrecognized.push(Unrecognized {
                path: path.to_string(),
                bytes: 0,
            });
            return Ok(());
        }
        let kind = classify(path, head);
        match kind {
            Kind::Unknown => {
                unrecognized.push(Unrecognized {
                    path: path.to_string(),
                    bytes: meta.size,
                });
                Ok(())
            }
            Kind::Known => Ok(()),
            Kind::Media => {
                photos.add_media(path);
                products.entry(kind.product()).or_default().files += 1;
                Ok(())
            }
            Kind::EncryptedPlaceholder => {
                let acc = products.entry("Timeline (encrypted backups)").or_default();
                acc.files += 1;
                acc.skipped = true;
                acc.errors.push(FileError {
                    path: path.to_string(),
                    error: format!(
                        "encrypted Timeline backups placeholder: no data. {HINT_ENCRYPTED}"
                    ),
                });
                notes.push(HINT_ENCRYPTED.to_string());
                Ok(())
            }
            Kind::Records => {
                let mut chained = std::io::Read::chain(head, r);
                let ctr = counter.clone();
                run_file(&mut t, &mut products, kind, path, &mut |t| {
                    let skipped = location::records(t, path, &mut chained, threads, &mut |i| {
                        if cancel.is_cancelled() {
                            return Err("cancelled".into());
                        }
                        progress.update(ctr.get(), i);
                        Ok(())
                    })?;
                    if skipped > 0 {
                        t.warnings.push(format!(
                            "{skipped} records without a time or coordinates were skipped"
                        ));
                    }
                    Ok(())
                })?;
                if cancel.is_cancelled() {
                    return Err(LakeError::Cancelled(
                        "import cancelled; nothing was changed in the lake".into(),
                    ));
                }
                records_total = t.tables[0].offered;
                Ok(())
            }
            Kind::Mbox => {
                let mut chained = std::io::Read::chain(head, r);
                let ctr = counter.clone();
                run_file(&mut t, &mut products, kind, path, &mut |t| {
                    mail::mbox(t, path, &mut chained, &mut || {
                        if cancel.is_cancelled() {
                            return Err("cancelled".into());
                        }
                        progress.update(ctr.get(), 0);
                        Ok(())
                    })
                    .map(|_| ())
                })?;
                if cancel.is_cancelled() {
                    return Err(LakeError::Cancelled(
                        "import cancelled; nothing was changed in the lake".into(),
                    ));
                }
                Ok(())
            }
            Kind::OnDevice | Kind::TimelineEdits => {
                // Kept on disk, not in memory, until Records has been read.
                let spill = spill_dir.join(format!("deferred-{:05}.json", deferred.len()));
                let copied = std::fs::File::create(&spill)
                    .map_err(|e| e.to_string())
                    .and_then(|mut f| {
                        f.write_all(head).map_err(|e| e.to_string())?;
                        std::io::copy(&mut r.take(whole_limit(kind) + 1), &mut f)
                            .map_err(|e| format!("read error: {e} ({path})"))
                    });
                match copied {
                    Ok(_) => deferred.push((path.to_string(), kind, spill)),
                    Err(e) => products
                        .entry(kind.product())
                        .or_default()
                        .errors
                        .push(FileError {
                            path: path.to_string(),
                            error: e,
                        }),
                }
                Ok(())
            }
            _ => {
                let data = read_all(r, head, meta.size, path, whole_limit(kind));
                run_file(&mut t, &mut products, kind, path, &mut |t| {
                    let data = data.as_ref().map_err(Clone::clone)?;
                    dispatch(t, &mut photos, kind, path, data)
                })
            }
        }
    })?;
    // On-device files after Records, so that Records' 7-digit points win the dedup.
    for (path, kind, spill) in std::mem::take(&mut deferred) {
        let data = std::fs::File::open(&spill)
            .map_err(|e| format!("read error: {e} ({path})"))
            .and_then(|mut f| read_all(&mut f, &[], 0, &path, whole_limit(kind)));
        let _ = std::fs::remove_file(&spill);
        run_file(&mut t, &mut products, kind, &path, &mut |t| {
            let data = data.as_ref().map_err(Clone::clone)?;
            if kind == Kind::OnDevice {
                location::on_device(t, &path, strip_bom(data))
            } else {
                location::timeline_edits(t, &path, &json_doc(data)?)
            }
        })?;
    }
    if !photos.is_empty() {
        let started = std::time::Instant::now();
        t.begin_file();
        photos.finish(&mut t);
        let (rows, range) = t.file_summary();
        let acc = products.entry("Google Photos").or_default();
        acc.rows = rows;
        acc.range = range;
        t.end_file()?;
        trace("(photos join)", started);
    }
    if cancel.is_cancelled() {
        return Err(LakeError::Cancelled(
            "import cancelled; nothing was changed in the lake".into(),
        ));
    }
    // Commit.
    let commit_started = std::time::Instant::now();
    let sources: Vec<SourceRecord> = parts
        .iter()
        .map(|p| SourceRecord {
            sha256: fingerprint(p),
            path: p.path.display().to_string(),
            bytes: p.bytes,
            rows: 0,
            skipped_rows: 0,
        })
        .collect();
    let mut report = ImportReport::default();
    let mut table_reports = Vec::new();
    let staging_path = t.staging().to_path_buf();
    let rows_per_file = t.rows_per_file();
    let mut batch = Vec::new();
    for tb in t.tables {
        let spec = tb.spec;
        let (offered, kept, dups) = (tb.offered, tb.kept, tb.duplicates);
        if offered == 0 {
            continue;
        }
        table_reports.push(TableReport {
            name: spec.name.to_string(),
            rows: offered,
            new_rows: kept,
            duplicates: dups,
            key: spec.key.to_string(),
        });
        let Some((files, schema)) = tb.finish(&staging_path, rows_per_file)? else {
            let version = existing.get(spec.name).map(|c| c.version).unwrap_or(0);
            report.unchanged.push(Unchanged {
                name: spec.name.to_string(),
                path: display.clone(),
                reason: format!(
                    "all {offered} rows are already in {} (version {version}); nothing to do",
                    spec.name
                ),
            });
            continue;
        };
        let current = existing.get(spec.name);
        if let Some(cur) = current {
            if cur.schema != schema {
                report.errors.push(crate::ingest::ImportFailure {
                    path: display.clone(),
                    error: format!(
                        "{} has other columns (made by an older version of Datapunk Lake); \
                         nothing was added to it",
                        spec.name
                    ),
                    code: crate::ErrorCode::BadInput,
                });
                continue;
            }
        }
        batch.push(StagedVersion {
            dataset: spec.name.to_string(),
            append: current.is_some(),
            schema,
            files,
            sources: sources
                .iter()
                .map(|s| SourceRecord {
                    rows: kept,
                    skipped_rows: dups,
                    ..s.clone()
                })
                .collect(),
        });
    }
    // The caller commits every table of the export (and whatever else it imports) in one
    // catalog transaction, or none.
    trace("(writing and committing)", commit_started);
    progress.file_done(&display, records_total);
    let locale = locale_of(&locales);
    // Google has no location data from before 2000: earlier times mean a unit was misread.
    const Y2000_US: i64 = 946_684_800_000_000;
    for (name, a) in &products {
        let location = matches!(
            *name,
            "Location History" | "Semantic Location History" | "On-device Timeline"
        );
        if let Some((first, _)) = a.range.filter(|r| location && r.0 < Y2000_US) {
            notes.push(format!(
                "{name}: the earliest time is {}, before 2000, when no Google location data \
                 exists; some timestamps in these files may be in a unit that was misread, so \
                 check them (and report the file)",
                iso(first)
            ));
        }
    }
    let products = products
        .into_iter()
        .map(|(name, a)| ProductReport {
            product: name.to_string(),
            files: a.files,
            rows: a.rows,
            min_ts: a.range.map(|r| iso(r.0)),
            max_ts: a.range.map(|r| iso(r.1)),
            status: if a.skipped {
                "skipped"
            } else if a.failed == a.files && a.files > 0 {
                "failed"
            } else if !a.errors.is_empty() {
                "partial"
            } else {
                "parsed"
            }
            .to_string(),
            errors: a.errors,
        })
        .collect();
    notes.dedup();
    Ok(StagedTakeout {
        batch,
        staging,
        report,
        takeout: TakeoutReport {
            export_id: display,
            parts: parts.iter().map(|p| p.path.display().to_string()).collect(),
            locale,
            products,
            unrecognized,
            tables: table_reports,
            notes,
        },
    })
}

/// A Takeout import read and staged, not yet visible.
pub(crate) struct StagedTakeout {
    /// One version per table with new rows.
    pub batch: Vec<StagedVersion>,
    /// Where the staged files are (removed when dropped).
    pub staging: crate::storage::StagingDir,
    /// Unchanged tables and errors (datasets are filled in on commit).
    pub report: ImportReport,
    /// The coverage report.
    pub takeout: TakeoutReport,
}

type FileFn<'a> = dyn FnMut(&mut Tables) -> std::result::Result<(), String> + 'a;

/// Runs one file's reader: its rows count for its product, its failure is reported and its
/// rows are dropped.
fn run_file(
    t: &mut Tables,
    products: &mut BTreeMap<&'static str, ProductAcc>,
    kind: Kind,
    path: &str,
    f: &mut FileFn<'_>,
) -> Result<()> {
    t.begin_file();
    let started = std::time::Instant::now();
    let res = f(t);
    trace(path, started);
    let product = match kind {
        Kind::ActivityJson | Kind::ActivityHtml if !in_my_activity(path) => "YouTube",
        k => k.product(),
    };
    let acc = products.entry(product).or_default();
    acc.files += 1;
    match res {
        Ok(()) => {
            let (rows, range) = t.file_summary();
            acc.rows += rows;
            if let Some((a, b)) = range {
                acc.range = Some(match acc.range {
                    Some((x, y)) => (x.min(a), y.max(b)),
                    None => (a, b),
                });
            }
            for w in t.warnings.drain(..) {
                acc.errors.push(FileError {
                    path: path.to_string(),
                    error: w,
                });
            }
        }
        Err(e) => {
            acc.failed += 1;
            let clean = t.rollback_file();
            let error = if clean {
                e
            } else {
                format!("{e}; rows read before the error were kept")
            };
            acc.errors.push(FileError {
                path: path.to_string(),
                error,
            });
        }
    }
    t.end_file()
}

/// `LAKE_TRACE=1` prints how long each file took (those over 50 ms), for profiling.
fn trace(what: &str, started: std::time::Instant) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("LAKE_TRACE").is_some()) {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if ms > 50.0 {
            eprintln!("trace: {ms:>9.1} ms  {what}");
        }
    }
}

fn dispatch(
    t: &mut Tables,
    photos: &mut photos::Photos,
    kind: Kind,
    path: &str,
    data: &[u8],
) -> std::result::Result<(), String> {
    use activity::Route;
    match kind {
        Kind::SemanticMonth => location::semantic_month(t, path, &json_doc(data)?),
        Kind::ActivityJson => {
            let route = if in_my_activity(path) {
                Route::MyActivity
            } else {
                Route::YoutubeHistory
            };
            activity::activity_json(t, path, strip_bom(data), route)
        }
        Kind::ActivityHtml => {
            let route = if in_my_activity(path) {
                Route::MyActivity
            } else {
                Route::YoutubeHistory
            };
            activity::activity_html(t, path, &text_of(data), route)
        }
        Kind::ChromeHistory => activity::chrome(t, path, strip_bom(data)),
        Kind::YoutubeComments => activity::youtube_comments(t, path, data),
        Kind::PhotoSidecar => {
            photos.add_sidecar(path, photos::parse_sidecar_bytes(strip_bom(data))?);
            Ok(())
        }
        Kind::AlbumMeta => {
            photos.add_album(path, &json_doc(data)?);
            Ok(())
        }
        Kind::Ics => pim::ics(t, path, &text_of(data)),
        Kind::Vcf => pim::vcf(t, path, &text_of(data)),
        Kind::KeepNote => pim::keep(t, path, &json_doc(data)?),
        Kind::SavedPlaces => pim::saved_places(t, path, &json_doc(data)?),
        Kind::FitDaily => pim::fit_daily(t, path, data),
        Kind::Tcx => pim::tcx(t, path, &text_of(data)),
        Kind::PlayInstalls => pim::play_installs(t, path, &json_doc(data)?),
        other => Err(format!("no reader for {other:?}")),
    }
}

fn existing_keys(lake: &Lake, cur: &crate::catalog::DatasetVersion) -> Result<Vec<i64>> {
    use polars::prelude::*;
    let mut out = Vec::new();
    for f in &cur.files {
        let path = lake.data_file(&f.path)?;
        let file = std::fs::File::open(&path).ctx(|| format!("opening {}", path.display()))?;
        let df = ParquetReader::new(file)
            .with_columns(Some(vec!["record_key".into()]))
            .finish()
            .map_err(|e| LakeError::Internal(format!("reading keys of {}: {e}", path.display())))?;
        let col = df
            .column("record_key")
            .and_then(|c| c.i64().cloned())
            .map_err(|e| LakeError::Internal(format!("keys of {}: {e}", path.display())))?;
        out.extend(col.iter().flatten());
    }
    Ok(out)
}

/// One product found by [`survey`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SurveyProduct {
    /// Canonical English product name.
    pub product: String,
    /// Files recognized as this product.
    pub files: u64,
    /// Their uncompressed size.
    pub bytes: u64,
}

/// What an export holds, found without importing it (the import wizard's first step).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TakeoutSurvey {
    /// The export's name.
    pub export_id: String,
    /// The parts, in reading order.
    pub parts: Vec<String>,
    /// `en`, `de`, `fr` or `mixed`.
    pub locale: String,
    /// Products found, largest first.
    pub products: Vec<SurveyProduct>,
    /// Files no reader recognizes.
    pub unrecognized: u64,
    /// Entries looked at.
    pub entries: u64,
}

/// For the fuzz target: the streaming array cutter over `data`, each element parsed as JSON.
#[doc(hidden)]
pub fn fuzz_stream_array(data: &[u8]) -> std::result::Result<u64, String> {
    jsonstream::stream_array(
        &mut &data[..],
        "locations",
        2,
        |b| serde_json::from_slice::<Value>(b).map_err(|e| e.to_string()),
        |_, _| Ok(()),
    )
}

/// For the fuzz target: mbox splitting over `data`.
#[doc(hidden)]
pub fn fuzz_mbox(t: &mut tables::Tables, data: &[u8]) -> std::result::Result<u64, String> {
    mail::mbox(t, "fuzz.mbox", &mut &data[..], &mut || Ok(()))
}

/// Lists the products of an export by reading the first bytes of every entry (no import).
pub fn survey(paths: &[PathBuf], cancel: &CancelToken) -> Result<TakeoutSurvey> {
    let parts = parts_of(paths)?;
    let mut products: BTreeMap<&'static str, (u64, u64)> = BTreeMap::new();
    let mut locales = BTreeSet::new();
    let (mut unrecognized, mut entries) = (0u64, 0u64);
    let mut head = vec![0u8; 16384];
    for_each_entry(&parts, &ReadCounter::default(), &mut |meta, r| {
        if cancel.is_cancelled() {
            return Err(LakeError::Cancelled("survey cancelled".into()));
        }
        entries += 1;
        if let Some(l) = locale_hint(&meta.path) {
            locales.insert(l);
        }
        let mut n = 0;
        while n < head.len() {
            match r.read(&mut head[n..]) {
                Ok(0) | Err(_) => break,
                Ok(k) => n += k,
            }
        }
        match classify(&meta.path, &head[..n]) {
            Kind::Unknown => unrecognized += 1,
            kind => {
                let e = products.entry(kind.product()).or_default();
                e.0 += 1;
                e.1 += meta.size;
            }
        }
        Ok(())
    })?;
    let mut products: Vec<SurveyProduct> = products
        .into_iter()
        .map(|(product, (files, bytes))| SurveyProduct {
            product: product.to_string(),
            files,
            bytes,
        })
        .collect();
    products.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.product.cmp(&b.product)));
    Ok(TakeoutSurvey {
        export_id: export_id(&parts),
        parts: parts.iter().map(|p| p.path.display().to_string()).collect(),
        locale: locale_of(&locales),
        products,
        unrecognized,
        entries,
    })
}
