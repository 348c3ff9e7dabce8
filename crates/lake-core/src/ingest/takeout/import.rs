//! One Takeout import: every entry of the export's parts goes to the handler of its kind
//! ([`TakeoutImport::entry`]); the rows land in [`Tables`], each file's outcome in its product's
//! part of the coverage report. Then the tables are staged as versions ([`stage_tables`]) for
//! the caller to commit with whatever else it imports.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::PathBuf;

use super::doc::{json_doc, read_all, strip_bom, text_of, whole_limit};
use super::recognize::{classify, in_my_activity, locale_hint, Kind};
use super::report::ProductAcc;
use super::tables::Tables;
use super::vfs::{for_each_entry, EntryMeta, Part, ReadCounter};
use super::{
    activity, export_id, fingerprint, iso, locale_of, location, mail, parts_of, photos, pim,
};
use super::{FileError, ProductReport, TableReport, TakeoutReport, Unrecognized};
use crate::catalog::{DatasetVersion, SourceRecord};
use crate::error::ReadError;
use crate::error::{IoContext, LakeError, Result};
use crate::ingest::{CancelToken, ImportFailure, ImportOptions, ImportReport, Progress, Unchanged};
use crate::storage::{Lake, StagedVersion, StagingDir, WriteLock};
use crate::ErrorCode;

const HINT_ENCRYPTED: &str = "Timeline data is no longer in Takeout: it is kept on your phone \
     (encrypted backups on Google's servers). On the phone open Google Maps > Settings > \
     Location & privacy > Export Timeline data, then import the Timeline.json it saves here.";

/// How many bytes of each entry recognition looks at.
const HEAD_BYTES: usize = 16384;

/// A Takeout import read and staged, not yet visible.
pub(crate) struct StagedTakeout {
    /// One version per table with new rows.
    pub batch: Vec<StagedVersion>,
    /// Where the staged files are (removed when dropped).
    pub staging: StagingDir,
    /// Unchanged tables and errors (datasets are filled in on commit).
    pub report: ImportReport,
    /// The coverage report.
    pub takeout: TakeoutReport,
}

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
    let staging = lake.new_staging()?;
    let mut t = Tables::new(staging.path(), opts.rows_per_file);
    let existing = preload_existing_keys(lake, &mut t)?;
    let display = export_id(&parts);
    progress.file_started(&display, parts.iter().map(|p| p.bytes).sum());
    let counter = ReadCounter::default();
    let mut imp = TakeoutImport::new(t, progress, cancel, counter.clone());
    let mut head = vec![0u8; HEAD_BYTES];
    for_each_entry(&parts, &counter, &mut |meta, r| {
        imp.entry(meta, r, &mut head)
    })?;
    imp.deferred_files()?;
    imp.photos_join()?;
    imp.check_cancel()?;
    let commit_started = std::time::Instant::now();
    let TakeoutImport {
        t,
        products,
        unrecognized,
        mut notes,
        locales,
        records_total,
        ..
    } = imp;
    let (batch, report, tables) = stage_tables(t, &existing, &parts, &display)?;
    // The caller commits every table of the export (and whatever else it imports) in one
    // catalog transaction, or none.
    trace("(writing and committing)", commit_started);
    progress.file_done(&display, records_total);
    let products = products_report(products, &mut notes);
    notes.dedup();
    let takeout = TakeoutReport {
        export_id: display,
        parts: parts.iter().map(|p| p.path.display().to_string()).collect(),
        locale: locale_of(&locales),
        products,
        unrecognized,
        tables,
        notes,
    };
    Ok(StagedTakeout {
        batch,
        staging,
        report,
        takeout,
    })
}

/// Loads the keys of every table already in the lake (so only new rows are added) and returns
/// those tables' current versions.
fn preload_existing_keys(
    lake: &Lake,
    t: &mut Tables,
) -> Result<BTreeMap<&'static str, DatasetVersion>> {
    let mut existing = BTreeMap::new();
    for tb in &mut t.tables {
        if let Some(cur) = lake.catalog().dataset(tb.spec.name)? {
            tb.preload_keys(existing_keys(lake, &cur)?);
            tb.geometry = cur.schema.iter().any(|c| c.name == "geometry");
            existing.insert(tb.spec.name, cur);
        }
    }
    Ok(existing)
}

fn cancelled() -> LakeError {
    LakeError::Cancelled("import cancelled; nothing was changed in the lake".into())
}

/// What an import has read so far.
struct TakeoutImport<'a> {
    t: Tables,
    progress: &'a dyn Progress,
    cancel: &'a CancelToken,
    counter: ReadCounter,
    threads: usize,
    products: BTreeMap<&'static str, ProductAcc>,
    unrecognized: Vec<Unrecognized>,
    notes: Vec<String>,
    locales: BTreeSet<&'static str>,
    /// On-device Timeline files, spilled to staging until Records has been read.
    deferred: Vec<(String, Kind, PathBuf)>,
    photos: photos::Photos,
    records_total: u64,
}

impl<'a> TakeoutImport<'a> {
    fn new(
        t: Tables,
        progress: &'a dyn Progress,
        cancel: &'a CancelToken,
        counter: ReadCounter,
    ) -> Self {
        TakeoutImport {
            t,
            progress,
            cancel,
            counter,
            threads: crate::ingest::worker_count(),
            products: BTreeMap::new(),
            unrecognized: Vec::new(),
            notes: Vec::new(),
            locales: BTreeSet::new(),
            deferred: Vec::new(),
            photos: photos::Photos::default(),
            records_total: 0,
        }
    }

    fn check_cancel(&self) -> Result<()> {
        if self.cancel.is_cancelled() {
            return Err(cancelled());
        }
        Ok(())
    }

    /// One entry of the export: recognized by its path and first bytes, then read by its kind's
    /// handler.
    fn entry(&mut self, meta: &EntryMeta, r: &mut dyn Read, head_buf: &mut [u8]) -> Result<()> {
        self.check_cancel()?;
        self.progress.update(self.counter.get(), self.records_total);
        let path = meta.path.as_str();
        if let Some(l) = locale_hint(path) {
            self.locales.insert(l);
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
            self.unrecognized(path, 0);
            return Ok(());
        }
        match classify(path, head) {
            Kind::Unknown => self.unrecognized(path, meta.size),
            Kind::Known => {}
            Kind::Media => {
                self.photos.add_media(path);
                self.products
                    .entry(Kind::Media.product())
                    .or_default()
                    .files += 1;
            }
            Kind::EncryptedPlaceholder => self.encrypted_placeholder(path),
            Kind::Records => self.records(path, head, r)?,
            Kind::Mbox => self.mbox(path, head, r)?,
            kind @ (Kind::OnDevice | Kind::TimelineEdits) => self.defer(kind, path, head, r),
            kind => self.whole_file(kind, path, head, r, meta.size)?,
        }
        Ok(())
    }

    fn unrecognized(&mut self, path: &str, bytes: u64) {
        self.unrecognized.push(Unrecognized {
            path: path.to_string(),
            bytes,
        });
    }

    fn encrypted_placeholder(&mut self, path: &str) {
        let acc = self
            .products
            .entry("Timeline (encrypted backups)")
            .or_default();
        acc.files += 1;
        acc.skipped = true;
        acc.errors.push(FileError {
            path: path.to_string(),
            error: format!("encrypted Timeline backups placeholder: no data. {HINT_ENCRYPTED}"),
        });
        self.notes.push(HINT_ENCRYPTED.to_string());
    }

    /// Records.json, streamed on all cores.
    fn records(&mut self, path: &str, head: &[u8], r: &mut dyn Read) -> Result<()> {
        let mut chained = std::io::Read::chain(head, r);
        let (progress, cancel, ctr, threads) = (
            self.progress,
            self.cancel,
            self.counter.clone(),
            self.threads,
        );
        run_file(
            &mut self.t,
            &mut self.products,
            Kind::Records,
            path,
            &mut |t| {
                let skipped = location::records(t, path, &mut chained, threads, &mut |i| {
                    if cancel.is_cancelled() {
                        return Err(ReadError::Cancelled);
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
            },
        )?;
        self.check_cancel()?;
        self.records_total = self.t.tables[0].offered;
        Ok(())
    }

    /// An mbox file, streamed.
    fn mbox(&mut self, path: &str, head: &[u8], r: &mut dyn Read) -> Result<()> {
        let mut chained = std::io::Read::chain(head, r);
        let (progress, cancel, ctr) = (self.progress, self.cancel, self.counter.clone());
        run_file(
            &mut self.t,
            &mut self.products,
            Kind::Mbox,
            path,
            &mut |t| {
                mail::mbox(t, path, &mut chained, &mut || {
                    if cancel.is_cancelled() {
                        return Err(ReadError::Cancelled);
                    }
                    progress.update(ctr.get(), 0);
                    Ok(())
                })
                .map(|_| ())
            },
        )?;
        self.check_cancel()
    }

    /// Kept on disk, not in memory, until Records has been read.
    fn defer(&mut self, kind: Kind, path: &str, head: &[u8], r: &mut dyn Read) {
        let spill = self
            .t
            .staging()
            .join(format!("deferred-{:05}.json", self.deferred.len()));
        let copied = std::fs::File::create(&spill)
            .map_err(|e| e.to_string())
            .and_then(|mut f| {
                f.write_all(head).map_err(|e| e.to_string())?;
                std::io::copy(&mut r.take(whole_limit(kind) + 1), &mut f)
                    .map_err(|e| format!("read error: {e} ({path})"))
            });
        match copied {
            Ok(_) => self.deferred.push((path.to_string(), kind, spill)),
            Err(error) => {
                let acc = self.products.entry(kind.product()).or_default();
                acc.errors.push(FileError {
                    path: path.to_string(),
                    error,
                })
            }
        }
    }

    /// A file its reader takes whole (JSON documents, HTML, ics, vcf, ...), within its limit.
    fn whole_file(
        &mut self,
        kind: Kind,
        path: &str,
        head: &[u8],
        r: &mut dyn Read,
        size: u64,
    ) -> Result<()> {
        let data = read_all(r, head, size, path, whole_limit(kind));
        let photos = &mut self.photos;
        run_file(&mut self.t, &mut self.products, kind, path, &mut |t| {
            let data = data.as_ref().map_err(Clone::clone)?;
            dispatch(t, photos, kind, path, data)
        })
    }

    /// On-device files after Records, so that Records' 7-digit points win the dedup.
    fn deferred_files(&mut self) -> Result<()> {
        for (path, kind, spill) in std::mem::take(&mut self.deferred) {
            let data = std::fs::File::open(&spill)
                .map_err(|e| ReadError::Io(format!("read error: {e} ({path})")))
                .and_then(|mut f| read_all(&mut f, &[], 0, &path, whole_limit(kind)));
            let _ = std::fs::remove_file(&spill);
            run_file(&mut self.t, &mut self.products, kind, &path, &mut |t| {
                let data = data.as_ref().map_err(Clone::clone)?;
                if kind == Kind::OnDevice {
                    location::on_device(t, &path, strip_bom(data))
                } else {
                    location::timeline_edits(t, &path, &json_doc(data)?)
                }
            })?;
        }
        Ok(())
    }

    /// Photos: media files, their sidecars and albums joined into one table.
    fn photos_join(&mut self) -> Result<()> {
        if self.photos.is_empty() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        self.t.begin_file();
        std::mem::take(&mut self.photos).finish(&mut self.t);
        let (rows, range) = self.t.file_summary();
        let acc = self.products.entry("Google Photos").or_default();
        acc.rows = rows;
        acc.range = range;
        self.t.end_file()?;
        trace("(photos join)", started);
        Ok(())
    }
}

/// Each table with rows as a staged version (appended to the dataset when it exists), the
/// tables with nothing new as unchanged, and one line per table for the coverage report.
fn stage_tables(
    t: Tables,
    existing: &BTreeMap<&'static str, DatasetVersion>,
    parts: &[Part],
    display: &str,
) -> Result<(Vec<StagedVersion>, ImportReport, Vec<TableReport>)> {
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
                path: display.to_string(),
                reason: format!(
                    "all {offered} rows are already in {} (version {version}); nothing to do",
                    spec.name
                ),
            });
            continue;
        };
        let current = existing.get(spec.name);
        if current.is_some_and(|cur| cur.schema != schema) {
            report.errors.push(ImportFailure {
                path: display.to_string(),
                error: format!(
                    "{} has other columns (made by an older version of Datapunk Lake); \
                     nothing was added to it",
                    spec.name
                ),
                code: ErrorCode::BadInput,
            });
            continue;
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
            derivation: None,
            carry: None,
        });
    }
    Ok((batch, report, table_reports))
}

/// The coverage report's products; a note for location data dated before 2000.
fn products_report(
    products: BTreeMap<&'static str, ProductAcc>,
    notes: &mut Vec<String>,
) -> Vec<ProductReport> {
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
    products
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
        .collect()
}

type FileFn<'a> = dyn FnMut(&mut Tables) -> std::result::Result<(), ReadError> + 'a;

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
                e.to_string()
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
) -> std::result::Result<(), ReadError> {
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
        other => Err(format!("no reader for {other:?}").into()),
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
