//! Which format a file is, by its content first and its extension second.

use std::io::Read;
use std::path::Path;

use serde::Serialize;

use crate::error::{IoContext, Result};

/// The file formats the lake imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Comma (or `;`, `|`) separated values.
    Csv,
    /// Tab separated values.
    Tsv,
    /// A JSON document (array, or object holding an array).
    Json,
    /// One JSON object per line.
    Ndjson,
    /// Apache Parquet.
    Parquet,
    /// GeoJSON FeatureCollection.
    Geojson,
    /// GPS Exchange Format.
    Gpx,
    /// A NumPy array (`.npy`): vectors or numbers.
    Npy,
    /// A Google Takeout export (archives, folders or product files).
    Takeout,
}

impl Format {
    /// Parses a `--format` value.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s.to_ascii_lowercase().as_str() {
            "csv" => Format::Csv,
            "tsv" => Format::Tsv,
            "json" => Format::Json,
            "ndjson" | "jsonl" => Format::Ndjson,
            "parquet" => Format::Parquet,
            "geojson" => Format::Geojson,
            "gpx" => Format::Gpx,
            "npy" => Format::Npy,
            "takeout" => Format::Takeout,
            _ => return None,
        })
    }

    /// The name `parse` reads (and `--format` takes).
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Parquet => "parquet",
            Format::Geojson => "geojson",
            Format::Gpx => "gpx",
            Format::Npy => "npy",
            Format::Takeout => "takeout",
        }
    }
}

/// Recognises a file's format from its content, using the extension as a hint.
pub fn detect_format(path: &Path) -> Result<Option<Format>> {
    let mut head = vec![0u8; 8192];
    let n = {
        let mut f = std::fs::File::open(path).ctx(|| format!("opening {}", path.display()))?;
        let mut n = 0;
        while n < head.len() {
            let k = f
                .read(&mut head[n..])
                .ctx(|| format!("reading {}", path.display()))?;
            if k == 0 {
                break;
            }
            n += k;
        }
        n
    };
    head.truncate(n);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if head.starts_with(b"PAR1") {
        return Ok(Some(Format::Parquet));
    }
    if head.starts_with(b"\x93NUMPY") {
        return Ok(Some(Format::Npy));
    }
    let text = String::from_utf8_lossy(head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head));
    let trimmed = text.trim_start();
    if trimmed.starts_with("<?xml") || trimmed.starts_with("<gpx") {
        return Ok(if text.contains("<gpx") {
            Some(Format::Gpx)
        } else {
            None
        });
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if ext == "geojson" || text.contains("\"FeatureCollection\"") {
            return Ok(Some(Format::Geojson));
        }
        if ext == "ndjson" || ext == "jsonl" {
            return Ok(Some(Format::Ndjson));
        }
        // NDJSON when the first line is a whole object and another object follows.
        if let Some((first, rest)) = trimmed.split_once('\n') {
            if serde_json::from_str::<serde_json::Value>(first.trim()).is_ok_and(|v| v.is_object())
                && rest.trim_start().starts_with('{')
            {
                return Ok(Some(Format::Ndjson));
            }
        }
        return Ok(Some(Format::Json));
    }
    Ok(match ext.as_str() {
        "csv" | "txt" => Some(Format::Csv),
        "tsv" | "tab" => Some(Format::Tsv),
        "json" => Some(Format::Json),
        "ndjson" | "jsonl" => Some(Format::Ndjson),
        "geojson" => Some(Format::Geojson),
        "gpx" => Some(Format::Gpx),
        "parquet" => Some(Format::Parquet),
        "npy" => Some(Format::Npy),
        _ => None,
    })
}

/// The extensions of files the lake imports (a folder's other files are skipped).
pub const EXTENSIONS: &[&str] = &[
    "csv", "tsv", "tab", "json", "ndjson", "jsonl", "parquet", "geojson", "gpx", "npy",
];
