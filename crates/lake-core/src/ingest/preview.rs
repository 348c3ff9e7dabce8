//! What an import would do, before it does it: per file the detected format (or Takeout
//! product), its size, schema, sample rows, warnings and target dataset. The sample comes from
//! the real readers run on the file (or on its first MiB) in a throw-away lake, so what the
//! preview shows is what the import will produce.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::takeout::{self, TakeoutSurvey};
use super::{detect_format, import_paths, CancelToken, Format, ImportOptions, NoProgress};
use crate::catalog::ColumnDef;
use crate::error::{ErrorPayload, LakeError, Result};
use crate::storage::{dataset_name_from_stem, Lake};

/// Files up to this size are previewed whole.
const WHOLE_FILE: u64 = 8 << 20;
/// Larger line-based files are previewed from their first MiB.
const HEAD_BYTES: usize = 1 << 20;
/// Sample rows shown.
const SAMPLE_ROWS: u32 = 10;

/// The preview of one dropped or chosen path.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FilePreview {
    /// The path.
    pub path: String,
    /// Size on disk.
    pub bytes: u64,
    /// `csv`, `tsv`, `json`, `ndjson`, `parquet`, `geojson`, `gpx`, `npy`, `takeout`, or `unknown`.
    pub kind: String,
    /// The dataset it would be imported into (Takeout parts fill the `takeout.*` tables).
    pub dataset: Option<String>,
    /// Columns as the import would make them.
    pub columns: Vec<ColumnDef>,
    /// The first rows, as text.
    pub sample: Vec<Vec<Option<String>>>,
    /// What the sample was taken from.
    pub sampled: String,
    /// Problems found that the import would hit or skip.
    pub warnings: Vec<String>,
    /// Why this path cannot be imported.
    pub error: Option<ErrorPayload>,
}

/// The preview of everything the user chose.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportPreview {
    /// One entry per path.
    pub files: Vec<FilePreview>,
    /// The products of the Takeout export among them, if any.
    pub takeout: Option<TakeoutSurvey>,
    /// Why the Takeout parts could not be surveyed.
    pub takeout_error: Option<ErrorPayload>,
}

/// Previews `paths`.
pub fn preview_paths(paths: &[PathBuf], cancel: &CancelToken) -> ImportPreview {
    // Not a query: another tab's Cancel must not stop its reads.
    let _shield = crate::storage::shield_engine_work();
    let mut files = Vec::new();
    let mut takeout_parts = Vec::new();
    for p in paths {
        let bytes = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let mut fp = FilePreview {
            path: p.display().to_string(),
            bytes,
            kind: "unknown".into(),
            dataset: None,
            columns: Vec::new(),
            sample: Vec::new(),
            sampled: String::new(),
            warnings: Vec::new(),
            error: None,
        };
        if !p.exists() {
            fp.error = Some(
                LakeError::bad_input(p.display(), None, "no such file or folder; check the path")
                    .payload(),
            );
        } else if takeout::recognizes(p) {
            fp.kind = "takeout".into();
            fp.dataset = Some("takeout.*".into());
            takeout_parts.push(p.clone());
        } else if p.is_dir() {
            fp.kind = "folder".into();
            fp.sampled = "every importable file inside is imported".into();
        } else {
            match detect_format(p) {
                Ok(Some(f)) => {
                    fp.kind = f.name().into();
                    fp.dataset = Some(dataset_name_from_stem(
                        &p.file_stem().unwrap_or_default().to_string_lossy(),
                    ));
                    if let Err(e) = sample_file(p, f, bytes, &mut fp) {
                        fp.error = Some(e.payload());
                    }
                }
                Ok(None) => {
                    fp.error = Some(
                        LakeError::UnsupportedFormat {
                            path: p.display().to_string(),
                            message:
                                "unrecognised format; supported: CSV, TSV, JSON, NDJSON, Parquet, \
                                      GeoJSON, GPX, and Google Takeout exports"
                                    .into(),
                        }
                        .payload(),
                    )
                }
                Err(e) => fp.error = Some(e.payload()),
            }
        }
        files.push(fp);
    }
    let (takeout, takeout_error) = if takeout_parts.is_empty() {
        (None, None)
    } else {
        match takeout::survey(&takeout_parts, cancel) {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e.payload())),
        }
    };
    ImportPreview {
        files,
        takeout,
        takeout_error,
    }
}

/// A folder under the system temp dir, removed when dropped.
struct ScratchDir(PathBuf);
impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn sample_file(path: &Path, format: Format, bytes: u64, fp: &mut FilePreview) -> Result<()> {
    let line_based = matches!(format, Format::Csv | Format::Tsv | Format::Ndjson);
    let scratch = ScratchDir(std::env::temp_dir().join(format!(
        "datapunk-preview-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    )));
    std::fs::create_dir_all(&scratch.0)
        .map_err(|e| LakeError::io("creating a scratch folder", e))?;
    let source = if bytes <= WHOLE_FILE || matches!(format, Format::Parquet | Format::Npy) {
        fp.sampled = "whole file".into();
        path.to_path_buf()
    } else if line_based {
        use std::io::Read;
        let mut head = vec![0u8; HEAD_BYTES];
        let mut f = std::fs::File::open(path)
            .map_err(|e| LakeError::io(format!("opening {}", path.display()), e))?;
        let mut n = 0;
        while n < head.len() {
            match f.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) => return Err(LakeError::io(format!("reading {}", path.display()), e)),
            }
        }
        let cut = memchr::memrchr(b'\n', &head[..n])
            .map(|i| i + 1)
            .unwrap_or(n);
        let copy = scratch.0.join(path.file_name().unwrap_or_default());
        std::fs::write(&copy, &head[..cut]).map_err(|e| LakeError::io("writing a sample", e))?;
        fp.sampled = format!("first {} KiB", cut / 1024);
        copy
    } else {
        fp.sampled = "not previewed (large file; the import shows its progress)".into();
        return Ok(());
    };
    let lake = Lake::init(&scratch.0.join("lake"))?;
    let name = "preview";
    let opts = ImportOptions {
        name: Some(name.into()),
        skip_bad: true,
        format: Some(format),
        ..Default::default()
    };
    let report = import_paths(
        &lake,
        std::slice::from_ref(&source),
        &opts,
        &NoProgress,
        &CancelToken::new(),
    )?;
    // Messages name the file read, which may be the sample copy: name the user's file instead.
    let own_name = |m: &str| m.replace(&source.display().to_string(), &fp.path);
    if let Some(e) = report.errors.first() {
        fp.error = Some(ErrorPayload {
            code: e.code,
            message: own_name(&e.error),
            details: serde_json::json!({ "path": fp.path }),
        });
        return Ok(());
    }
    for d in &report.datasets {
        if d.skipped_rows > 0 {
            fp.warnings.push(format!(
                "{} bad record(s) in the {}; the import stops at the first one unless bad records \
                 are skipped",
                d.skipped_rows, fp.sampled
            ));
            fp.warnings
                .extend(d.bad_examples.iter().take(3).map(|m| own_name(m)));
        }
    }
    let Some(ds) = lake.catalog().dataset(name)? else {
        fp.warnings.push("no rows found".into());
        return Ok(());
    };
    fp.columns = ds.schema.clone();
    let out = crate::query::run_query(
        &lake,
        &format!("SELECT * FROM {name} LIMIT {SAMPLE_ROWS}"),
        &Default::default(),
    )?;
    let df = crate::query::output::temporal_to_text(&out.frame)?;
    for i in 0..df.height() {
        let row = df
            .columns()
            .iter()
            .map(|c| match c.get(i) {
                Ok(polars::prelude::AnyValue::Null) | Err(_) => None,
                Ok(polars::prelude::AnyValue::String(s)) => Some(s.to_string()),
                Ok(v) => Some(v.to_string()),
            })
            .collect();
        fp.sample.push(row);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_preview_shows_schema_sample_and_bad_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("My Trips.csv");
        std::fs::write(&p, "city,km\nParis,12\nLyon,x7\nNice,30\n").unwrap();
        let missing = dir.path().join("nope.csv");
        let pv = preview_paths(&[p, missing], &CancelToken::new());
        let f = &pv.files[0];
        assert_eq!(f.kind, "csv");
        assert_eq!(f.dataset.as_deref(), Some("my_trips"));
        assert_eq!(f.columns[0].name, "city");
        assert_eq!(f.sample[0][0].as_deref(), Some("Paris"));
        assert_eq!(f.sample.len(), 3);
        assert!(f.error.is_none());
        assert_eq!(pv.files[1].error.as_ref().unwrap().code, "bad_input");
        assert!(pv.takeout.is_none());
    }

    #[test]
    fn a_big_file_is_previewed_from_its_head_and_messages_name_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.csv");
        let mut text = String::from("a,b\n1,2\n1,2,3\n");
        while text.len() < (WHOLE_FILE as usize) + 1024 {
            text.push_str("10,20\n");
        }
        std::fs::write(&p, text).unwrap();
        let pv = preview_paths(std::slice::from_ref(&p), &CancelToken::new());
        let f = &pv.files[0];
        assert!(f.sampled.starts_with("first "), "{}", f.sampled);
        assert_eq!(f.sample.len(), SAMPLE_ROWS as usize);
        let all = format!("{:?} {:?}", f.warnings, f.error);
        assert!(!all.contains("datapunk-preview"), "{all}");
        assert!(f.warnings.iter().any(|w| w.starts_with("line 3:")), "{all}");
    }
}
