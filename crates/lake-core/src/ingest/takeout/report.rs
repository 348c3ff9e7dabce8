//! What a Takeout import reports: per product, per table and per broken file (the coverage
//! report).

use serde::Serialize;

/// One file that could not be read, and why.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileError {
    /// Path inside the export.
    pub path: String,
    /// What went wrong.
    pub error: String,
}

/// Coverage of one product.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProductReport {
    /// Canonical English product name.
    pub product: String,
    /// Files recognized as this product.
    pub files: u64,
    /// Rows read from them (before dedup).
    pub rows: u64,
    /// Earliest timestamp, ISO 8601 UTC.
    pub min_ts: Option<String>,
    /// Latest timestamp.
    pub max_ts: Option<String>,
    /// `parsed`, `partial`, `failed` or `skipped`.
    pub status: String,
    /// Files with problems.
    pub errors: Vec<FileError>,
}

/// A file no reader recognized.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Unrecognized {
    /// Path inside the export.
    pub path: String,
    /// Its size.
    pub bytes: u64,
}

/// What happened to one table.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TableReport {
    /// Dataset name.
    pub name: String,
    /// Rows read.
    pub rows: u64,
    /// Rows added (the rest were already in the lake or repeated in the export).
    pub new_rows: u64,
    /// Rows not stored because their key was already present.
    pub duplicates: u64,
    /// What the dedup key is made of.
    pub key: String,
}

/// The coverage report of a Takeout import.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TakeoutReport {
    /// The export's name (`takeout-20240516T230250Z`).
    pub export_id: String,
    /// The parts read.
    pub parts: Vec<String>,
    /// `en`, `de`, `fr` or `mixed`.
    pub locale: String,
    /// One entry per product found.
    pub products: Vec<ProductReport>,
    /// Files no reader recognized (never silently dropped).
    pub unrecognized: Vec<Unrecognized>,
    /// Per-table outcome.
    pub tables: Vec<TableReport>,
    /// Hints for the user (the encrypted Timeline placeholder, for instance).
    pub notes: Vec<String>,
}

#[derive(Default)]
pub(super) struct ProductAcc {
    pub(super) files: u64,
    pub(super) failed: u64,
    pub(super) rows: u64,
    pub(super) range: Option<(i64, i64)>,
    pub(super) errors: Vec<FileError>,
    pub(super) skipped: bool,
}
