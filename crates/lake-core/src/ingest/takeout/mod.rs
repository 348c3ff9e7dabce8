//! Google Takeout import: every product into canonical English tables (`takeout.*`), whatever
//! the export's language, from multi-part zip/tgz archives read in place, unpacked folders, or
//! single product files, with a coverage report.
//!
//! Re-import: each table has a dedup key (see [`tables`]); a newer export of the same account
//! adds only rows whose key is new and keeps the rest, and the same export again adds nothing.

mod activity;
mod doc;
mod import;
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
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;
use sha2::Digest;

use crate::error::{LakeError, ReadError, Result};
use crate::ingest::CancelToken;
pub use activity::percent_decode;
pub(crate) use doc::json_error;
pub use doc::{MAX_JSON_TREE, MAX_WHOLE};
pub(crate) use import::import_takeout;
use recognize::{classify, locale_hint, Kind};
pub use report::{FileError, ProductReport, TableReport, TakeoutReport, Unrecognized};
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
pub fn fuzz_stream_array(data: &[u8]) -> std::result::Result<u64, ReadError> {
    jsonstream::stream_array(
        &mut &data[..],
        "locations",
        2,
        |b| serde_json::from_slice::<Value>(b).map_err(|e| e.to_string().into()),
        |_, _| Ok(()),
    )
}

/// For the fuzz target: mbox splitting over `data`.
#[doc(hidden)]
pub fn fuzz_mbox(t: &mut tables::Tables, data: &[u8]) -> std::result::Result<u64, ReadError> {
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
