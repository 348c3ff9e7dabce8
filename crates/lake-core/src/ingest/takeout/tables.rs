//! The canonical Takeout tables, and a row sink per table that types values, removes
//! duplicates by a per-table key, and writes Parquet batches into staging.

use std::collections::HashSet;
use std::path::Path;

use polars::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use crate::catalog::ColumnDef;
use crate::error::Result;
use crate::ingest::table::{ColumnBuilder, LType};
use crate::storage::{ParquetSink, StagedFile};

use LType::{Bool, Datetime as Ts, Float64 as F, Int64 as I, Utf8 as S};

/// A table's name, the product it belongs to and its columns. Every table also gets
/// `record_key` (the dedup key, see [`KEY_DOC`]) as its last column.
pub struct TableSpec {
    /// Dataset name.
    pub name: &'static str,
    /// Columns and types.
    pub cols: &'static [(&'static str, LType)],
    /// The column whose values give the time range in the coverage report.
    pub ts_col: Option<usize>,
    /// What the dedup key is made of, in words.
    pub key: &'static str,
}

macro_rules! spec {
    ($id:ident, $name:expr, $ts:expr, $key:expr, [$(($c:expr, $t:expr)),* $(,)?]) => {
        #[doc = concat!("`", $name, "`.")]
        pub static $id: TableSpec = TableSpec { name: $name, cols: &[$(($c, $t)),*], ts_col: $ts, key: $key };
    };
}

spec!(
    LOCATION_POINTS,
    "takeout.location_points",
    Some(0),
    "instant to the millisecond and latitude/longitude rounded to 6 decimals",
    [
        ("ts", Ts),
        ("lat", F),
        ("lon", F),
        ("accuracy_m", F),
        ("altitude_m", F),
        ("source", S),
        ("device", S),
        ("origin", S),
        ("source_file", S)
    ]
);
spec!(
    PLACE_VISITS,
    "takeout.place_visits",
    Some(0),
    "origin, start, end and place id",
    [
        ("start_ts", Ts),
        ("end_ts", Ts),
        ("lat", F),
        ("lon", F),
        ("place_id", S),
        ("name", S),
        ("address", S),
        ("semantic_type", S),
        ("confidence", S),
        ("origin", S),
        ("source_file", S)
    ]
);
spec!(
    ACTIVITY_SEGMENTS,
    "takeout.activity_segments",
    Some(0),
    "origin, start, end and activity type",
    [
        ("start_ts", Ts),
        ("end_ts", Ts),
        ("activity_type", S),
        ("distance_m", F),
        ("start_lat", F),
        ("start_lon", F),
        ("end_lat", F),
        ("end_lon", F),
        ("path", S),
        ("origin", S),
        ("source_file", S)
    ]
);
spec!(
    MY_ACTIVITY,
    "takeout.my_activity",
    Some(0),
    "time, product, title and link",
    [
        ("ts", Ts),
        ("product", S),
        ("header", S),
        ("title", S),
        ("title_url", S),
        ("subtitle", S),
        ("details", S),
        ("lat", F),
        ("lon", F),
        ("source_file", S)
    ]
);
spec!(
    CHROME_HISTORY,
    "takeout.chrome_history",
    Some(0),
    "time (µs) and URL",
    [
        ("ts", Ts),
        ("url", S),
        ("title", S),
        ("page_transition", S),
        ("client_id", S),
        ("source_file", S)
    ]
);
spec!(
    YOUTUBE_WATCH,
    "takeout.youtube_watch",
    Some(0),
    "time and video URL",
    [
        ("ts", Ts),
        ("title", S),
        ("video_url", S),
        ("channel_name", S),
        ("channel_url", S),
        ("source_file", S)
    ]
);
spec!(
    YOUTUBE_SEARCH,
    "takeout.youtube_search",
    Some(0),
    "time and query",
    [("ts", Ts), ("query", S), ("url", S), ("source_file", S)]
);
spec!(
    YOUTUBE_COMMENTS,
    "takeout.youtube_comments",
    Some(0),
    "comment id (else time, video and text)",
    [
        ("ts", Ts),
        ("video_url", S),
        ("text", S),
        ("comment_id", S),
        ("source_file", S)
    ]
);
spec!(
    PHOTOS,
    "takeout.photos",
    Some(0),
    "media path (or sidecar path) and time taken",
    [
        ("taken_ts", Ts),
        ("created_ts", Ts),
        ("file_path", S),
        ("sidecar_path", S),
        ("title", S),
        ("lat", F),
        ("lon", F),
        ("altitude_m", F),
        ("people", S),
        ("album", S),
        ("edited", Bool),
        ("source_file", S)
    ]
);
spec!(
    EMAILS,
    "takeout.emails",
    Some(0),
    "Message-ID (else date, sender and subject)",
    [
        ("ts", Ts),
        ("message_id", S),
        ("thread_id", S),
        ("from_addr", S),
        ("to_addrs", S),
        ("subject", S),
        ("labels", S),
        ("size_bytes", I),
        ("has_attachments", Bool),
        ("body_text", S),
        ("source_file", S)
    ]
);
spec!(
    CALENDAR_EVENTS,
    "takeout.calendar_events",
    Some(1),
    "calendar, UID, start and recurrence id",
    [
        ("calendar", S),
        ("start_ts", Ts),
        ("end_ts", Ts),
        ("all_day", Bool),
        ("summary", S),
        ("location", S),
        ("rrule", S),
        ("uid", S),
        ("source_file", S)
    ]
);
spec!(
    CONTACTS,
    "takeout.contacts",
    None,
    "name, e-mail addresses and phone numbers",
    [
        ("name", S),
        ("emails", S),
        ("phones", S),
        ("organization", S),
        ("source_file", S)
    ]
);
spec!(
    KEEP_NOTES,
    "takeout.keep_notes",
    Some(0),
    "creation time and title",
    [
        ("created_ts", Ts),
        ("edited_ts", Ts),
        ("title", S),
        ("text", S),
        ("labels", S),
        ("pinned", Bool),
        ("archived", Bool),
        ("trashed", Bool),
        ("source_file", S)
    ]
);
spec!(
    SAVED_PLACES,
    "takeout.saved_places",
    Some(0),
    "Maps URL and name",
    [
        ("ts", Ts),
        ("name", S),
        ("address", S),
        ("country_code", S),
        ("lat", F),
        ("lon", F),
        ("url", S),
        ("source_file", S)
    ]
);
spec!(
    FIT_DAILY,
    "takeout.fit_daily",
    Some(0),
    "interval start and end",
    [
        ("start_ts", Ts),
        ("end_ts", Ts),
        ("move_minutes", F),
        ("calories_kcal", F),
        ("distance_m", F),
        ("heart_points", F),
        ("heart_minutes", F),
        ("low_lat", F),
        ("low_lon", F),
        ("high_lat", F),
        ("high_lon", F),
        ("avg_speed_mps", F),
        ("max_speed_mps", F),
        ("min_speed_mps", F),
        ("steps", F),
        ("walking_ms", F),
        ("running_ms", F),
        ("cycling_ms", F),
        ("source_file", S)
    ]
);
spec!(
    FIT_ACTIVITIES,
    "takeout.fit_activities",
    Some(0),
    "start and sport",
    [
        ("start_ts", Ts),
        ("sport", S),
        ("duration_s", F),
        ("distance_m", F),
        ("calories_kcal", F),
        ("path", S),
        ("source_file", S)
    ]
);
spec!(
    PLAY_INSTALLS,
    "takeout.play_installs",
    Some(0),
    "title, device and first install time",
    [
        ("ts", Ts),
        ("title", S),
        ("device", S),
        ("last_update_ts", Ts),
        ("source_file", S)
    ]
);

/// Every table, in the order they are committed.
pub static ALL: &[&TableSpec] = &[
    &LOCATION_POINTS,
    &PLACE_VISITS,
    &ACTIVITY_SEGMENTS,
    &MY_ACTIVITY,
    &CHROME_HISTORY,
    &YOUTUBE_WATCH,
    &YOUTUBE_SEARCH,
    &YOUTUBE_COMMENTS,
    &PHOTOS,
    &EMAILS,
    &CALENDAR_EVENTS,
    &CONTACTS,
    &KEEP_NOTES,
    &SAVED_PLACES,
    &FIT_DAILY,
    &FIT_ACTIVITIES,
    &PLAY_INSTALLS,
];

/// A value for one cell.
#[derive(Debug, Clone, Copy)]
pub enum V<'a> {
    /// Null.
    N,
    /// Text.
    S(&'a str),
    /// Integer.
    I(i64),
    /// Float.
    F(f64),
    /// Boolean.
    B(bool),
    /// UTC microseconds.
    T(i64),
}

impl V<'_> {
    /// A UTC timestamp in microseconds, or null.
    pub fn ts(v: Option<i64>) -> Self {
        v.map_or(V::N, V::T)
    }
}

impl<'a> From<Option<&'a str>> for V<'a> {
    fn from(v: Option<&'a str>) -> Self {
        v.map_or(V::N, V::S)
    }
}
impl From<Option<f64>> for V<'_> {
    fn from(v: Option<f64>) -> Self {
        v.map_or(V::N, V::F)
    }
}

/// Builds a dedup key from parts.
#[derive(Default)]
pub struct Key(Xxh3);

impl Key {
    /// A new key.
    pub fn new(table: &str) -> Self {
        let mut h = Xxh3::new();
        h.update(table.as_bytes());
        Key(h)
    }
    /// Adds text.
    pub fn s(mut self, s: &str) -> Self {
        self.0.update(&(s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
        self
    }
    /// Adds an optional text.
    pub fn os(self, s: Option<&str>) -> Self {
        match s {
            Some(s) => self.s(s),
            None => self.i(i64::MIN),
        }
    }
    /// Adds an integer.
    pub fn i(mut self, v: i64) -> Self {
        self.0.update(&v.to_le_bytes());
        self
    }
    /// Adds an optional integer.
    pub fn oi(self, v: Option<i64>) -> Self {
        self.i(v.unwrap_or(i64::MIN + 1))
    }
    /// The key.
    pub fn done(self) -> i64 {
        self.0.digest() as i64
    }
}

/// The keys are already hashes: use them as they are.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(*b);
        }
    }
    fn write_i64(&mut self, v: i64) {
        self.0 = v as u64;
    }
}

type KeySet = HashSet<i64, std::hash::BuildHasherDefault<IdHasher>>;

/// Rows of one table under construction.
pub struct Table {
    /// What it is.
    pub spec: &'static TableSpec,
    cols: Vec<ColumnBuilder>,
    keys_col: Vec<Option<i64>>,
    buffered: usize,
    sink: Option<ParquetSink>,
    seen: KeySet,
    /// Rows offered (including duplicates).
    pub offered: u64,
    /// Rows kept.
    pub kept: u64,
    /// Rows that existed already (in the lake or earlier in this import).
    pub duplicates: u64,
    mark: usize,
    mark_flushed: bool,
    file_keys: Vec<i64>,
    file_offered: u64,
    file_kept: u64,
    file_dups: u64,
    /// Time range of rows offered in the current file.
    pub file_range: Option<(i64, i64)>,
    /// Whether the rows get a `geometry` column from their coordinates (not when the lake's
    /// table was made without one, by an older version).
    pub geometry: bool,
}

const FLUSH_ROWS: usize = 65_536;

impl Table {
    fn new(spec: &'static TableSpec) -> Self {
        Table {
            spec,
            cols: spec
                .cols
                .iter()
                .map(|(_, t)| ColumnBuilder::new(*t, 1024))
                .collect(),
            keys_col: Vec::new(),
            buffered: 0,
            sink: None,
            seen: KeySet::default(),
            offered: 0,
            kept: 0,
            duplicates: 0,
            mark: 0,
            mark_flushed: false,
            file_keys: Vec::new(),
            file_offered: 0,
            file_kept: 0,
            file_dups: 0,
            file_range: None,
            geometry: true,
        }
    }

    /// Adds a row unless its key was seen; returns whether it was added.
    pub fn push(&mut self, key: i64, row: &[V<'_>]) -> bool {
        debug_assert_eq!(row.len(), self.cols.len(), "{}", self.spec.name);
        self.file_offered += 1;
        if let Some(i) = self.spec.ts_col {
            if let V::T(t) = row[i] {
                self.file_range = Some(match self.file_range {
                    Some((a, b)) => (a.min(t), b.max(t)),
                    None => (t, t),
                });
            }
        }
        if !self.seen.insert(key) {
            self.file_dups += 1;
            return false;
        }
        self.file_keys.push(key);
        for (c, v) in self.cols.iter_mut().zip(row) {
            push_value(c, *v);
        }
        self.keys_col.push(Some(key));
        self.buffered += 1;
        self.file_kept += 1;
        true
    }

    fn begin_file(&mut self) {
        self.mark = self.buffered;
        self.mark_flushed = false;
        self.file_keys.clear();
        self.file_offered = 0;
        self.file_kept = 0;
        self.file_dups = 0;
        self.file_range = None;
    }

    /// Drops the rows of the current file; false when some were already written.
    fn rollback_file(&mut self) -> bool {
        for k in self.file_keys.drain(..) {
            self.seen.remove(&k);
        }
        if self.mark_flushed {
            return false;
        }
        for c in &mut self.cols {
            c.truncate(self.mark);
        }
        self.keys_col.truncate(self.mark);
        self.buffered = self.mark;
        self.file_offered = 0;
        self.file_kept = 0;
        self.file_dups = 0;
        self.file_range = None;
        true
    }

    fn end_file(&mut self) {
        self.offered += self.file_offered;
        self.kept += self.file_kept;
        self.duplicates += self.file_dups;
        self.file_keys.clear();
    }

    fn flush(&mut self, staging: &Path, rows_per_file: u64) -> Result<()> {
        if self.buffered == 0 {
            return Ok(());
        }
        let mut cols: Vec<Column> = self
            .cols
            .iter_mut()
            .zip(self.spec.cols)
            .map(|(c, (n, _))| c.take(n))
            .collect();
        let keys = std::mem::take(&mut self.keys_col);
        cols.push(
            Int64Chunked::from_iter_options("record_key".into(), keys.into_iter()).into_column(),
        );
        let building = |e| crate::LakeError::Internal(format!("building {}: {e}", self.spec.name));
        let mut df = DataFrame::new(self.buffered, cols).map_err(building)?;
        if self.geometry {
            crate::spatial::derive::add_geometry(&mut df).map_err(building)?;
        }
        let sink = self.sink.get_or_insert_with(|| {
            // The Takeout tables are split by the year of `ts`, for time-range pruning.
            ParquetSink::new(staging, &self.spec.name.replace('.', "_"), rows_per_file)
                .partitioned_by(Some(crate::storage::PartitionBy {
                    column: "ts".into(),
                    strict: false,
                    source: self.spec.name.to_string(),
                }))
        });
        sink.write(df)?;
        self.buffered = 0;
        self.mark = 0;
        self.mark_flushed = true;
        Ok(())
    }

    /// Flushes and returns the staged files and the schema; nothing when no row was kept.
    pub fn finish(
        mut self,
        staging: &Path,
        rows_per_file: u64,
    ) -> Result<Option<(Vec<StagedFile>, Vec<ColumnDef>)>> {
        self.flush(staging, rows_per_file)?;
        match self.sink.take() {
            Some(sink) if sink.rows() > 0 => {
                let schema = sink.column_defs();
                Ok(Some((sink.finish()?, schema)))
            }
            _ => Ok(None),
        }
    }

    /// Keys already in the lake count as seen.
    pub fn preload_keys(&mut self, keys: impl IntoIterator<Item = i64>) {
        self.seen.extend(keys);
    }
}

fn push_value(c: &mut ColumnBuilder, v: V<'_>) {
    match (c, v) {
        (ColumnBuilder::Utf8(t), V::S(s)) => t.push(Some(s)),
        (ColumnBuilder::Utf8(t), V::N) => t.push(None),
        (ColumnBuilder::Float64(x), V::F(f)) => x.push(f.is_finite().then_some(f)),
        (ColumnBuilder::Float64(x), V::I(i)) => x.push(Some(i as f64)),
        (ColumnBuilder::Float64(x), V::N) => x.push(None),
        (ColumnBuilder::Int64(x), V::I(i)) => x.push(Some(i)),
        (ColumnBuilder::Int64(x), V::N) => x.push(None),
        (ColumnBuilder::Datetime(x), V::T(t)) => x.push(Some(t)),
        (ColumnBuilder::Datetime(x), V::N) => x.push(None),
        (ColumnBuilder::Bool(x), V::B(b)) => x.push(Some(b)),
        (ColumnBuilder::Bool(x), V::N) => x.push(None),
        (c, v) => unreachable!("value {v:?} does not fit column {}", kind(c)),
    }
}

fn kind(c: &ColumnBuilder) -> &'static str {
    match c {
        ColumnBuilder::Bool(_) => "bool",
        ColumnBuilder::Int64(_) => "int64",
        ColumnBuilder::Float64(_) => "float64",
        ColumnBuilder::Date(_) => "date",
        ColumnBuilder::Datetime(_) => "datetime",
        ColumnBuilder::Utf8(_) => "utf8",
        ColumnBuilder::Binary(_) => "binary",
        ColumnBuilder::Vector { .. } => "vector",
    }
}

/// All tables of one import.
pub struct Tables {
    /// One per spec, in [`ALL`] order.
    pub tables: Vec<Table>,
    staging: std::path::PathBuf,
    rows_per_file: u64,
    /// Problems in the current file that did not stop it (a malformed date, say).
    pub warnings: Vec<String>,
}

impl Tables {
    /// Empty tables writing into `staging`.
    pub fn new(staging: &Path, rows_per_file: u64) -> Self {
        Tables {
            tables: ALL.iter().map(|s| Table::new(s)).collect(),
            staging: staging.to_path_buf(),
            rows_per_file,
            warnings: Vec::new(),
        }
    }

    /// The table for `spec`.
    pub fn get(&mut self, spec: &'static TableSpec) -> &mut Table {
        let i = ALL
            .iter()
            .position(|s| std::ptr::eq(*s, spec))
            .expect("spec is in ALL");
        &mut self.tables[i]
    }

    /// Marks the start of a source file.
    pub fn begin_file(&mut self) {
        self.warnings.clear();
        for t in &mut self.tables {
            t.begin_file();
        }
    }

    /// Forgets the current file's rows; false when some had already been written out.
    pub fn rollback_file(&mut self) -> bool {
        let mut clean = true;
        for t in &mut self.tables {
            clean &= t.rollback_file();
        }
        clean
    }

    /// Rows offered by the current file, over all tables, and their time range.
    pub fn file_summary(&self) -> (u64, Option<(i64, i64)>) {
        let mut rows = 0;
        let mut range: Option<(i64, i64)> = None;
        for t in &self.tables {
            rows += t.file_offered;
            if let Some((a, b)) = t.file_range {
                range = Some(match range {
                    Some((x, y)) => (x.min(a), y.max(b)),
                    None => (a, b),
                });
            }
        }
        (rows, range)
    }

    /// Ends the current file, writing batches out when enough rows are buffered.
    pub fn end_file(&mut self) -> Result<()> {
        for t in &mut self.tables {
            t.end_file();
            if t.buffered >= FLUSH_ROWS {
                t.flush(&self.staging, self.rows_per_file)?;
            }
        }
        Ok(())
    }

    /// Writes a big file's rows out part way (the file can then no longer be rolled back).
    pub fn maybe_flush(&mut self) -> Result<()> {
        for t in &mut self.tables {
            if t.buffered >= 2 * FLUSH_ROWS {
                t.flush(&self.staging, self.rows_per_file)?;
            }
        }
        Ok(())
    }

    /// Staging folder.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Rows per Parquet file.
    pub fn rows_per_file(&self) -> u64 {
        self.rows_per_file
    }
}
