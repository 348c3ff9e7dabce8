//! The SQLite catalog: datasets and versions, files and their column statistics, imported
//! sources, the audit log and the query log. Its schema, migrations and the checks that tell a
//! lake's catalog from any other SQLite file are in [`schema`]; the journal of files a job is
//! writing, which lets clean-up remove only what the lake wrote, is in [`journal`].

pub mod audit;
pub mod files;
pub mod history;
pub mod indexes;
pub mod journal;
pub mod lineage;
pub mod metrics;
pub mod pii;
pub mod profiles;
pub mod quality;
pub mod query_log;
pub mod schema;
pub mod sql_type;
pub mod time_counts;
pub use indexes::IndexInfo;
pub use query_log::{HistoryEntry, PLANS_KEPT};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use crate::error::Result;

/// A column of a dataset version.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnDef {
    /// Column name.
    pub name: String,
    /// Type, as Polars names it (`i64`, `str`, `datetime[μs, UTC]`...).
    pub dtype: String,
}

impl ColumnDef {
    /// Whether it holds times or dates.
    pub fn is_time(&self) -> bool {
        self.dtype.starts_with("datetime") || self.dtype == "date"
    }

    /// A dataset's time column: `ts` when it is one, else its first timestamp or date column
    /// (the timeline's, the map's tracks and geofences', retention's).
    pub fn time_column(schema: &[ColumnDef]) -> Option<&ColumnDef> {
        schema
            .iter()
            .find(|c| c.name == "ts" && c.is_time())
            .or_else(|| schema.iter().find(|c| c.is_time()))
    }
}

/// Statistics of one column in one file.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ColumnStats {
    /// Column name.
    pub column: String,
    /// Type name.
    pub dtype: String,
    /// Nulls in the file.
    pub null_count: u64,
    /// Smallest value (numbers for numeric, date and time columns; text for text).
    pub min: Option<serde_json::Value>,
    /// Largest value.
    pub max: Option<serde_json::Value>,
    /// Distinct values (a HyperLogLog estimate, within a few percent), where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distinct: Option<u64>,
}

/// One Parquet file of a version.
#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    /// Path relative to the lake root.
    pub path: String,
    /// Rows in the file.
    pub rows: u64,
    /// Size on disk.
    pub bytes: u64,
    /// Per-column statistics.
    pub stats: Vec<ColumnStats>,
    /// SHA-256 (hex) of its bytes as written; `None` for files written before lakes kept it.
    pub sha256: Option<String>,
}

/// A dataset as `datasets --json` lists it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DatasetInfo {
    /// Dotted name, e.g. `takeout.chrome_history`.
    pub name: String,
    /// Current version number.
    pub version: u32,
    /// Rows in the current version.
    pub rows: u64,
    /// Columns in the current version.
    pub columns: u32,
    /// Their names and types (the editor completes them without a call per dataset).
    pub schema: Vec<ColumnDef>,
    /// Bytes on disk of the current version's files.
    pub bytes: u64,
    /// When the current version was committed (RFC 3339, UTC).
    pub created_at: String,
}

/// The current version of a dataset with everything the query engine needs.
#[derive(Debug, Clone)]
pub struct DatasetVersion {
    /// Dotted name.
    pub name: String,
    /// Version number.
    pub version: u32,
    /// Catalog id of the version.
    pub version_id: i64,
    /// Columns.
    pub schema: Vec<ColumnDef>,
    /// Files.
    pub files: Vec<FileEntry>,
    /// Total rows.
    pub rows: u64,
    /// Total bytes.
    pub bytes: u64,
    /// Commit time.
    pub created_at: String,
}

/// A version as listed in a dataset's history.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionInfo {
    /// Version number.
    pub version: u32,
    /// `replace` or `append`.
    pub mode: String,
    /// Rows.
    pub rows: u64,
    /// Bytes.
    pub bytes: u64,
    /// Commit time.
    pub created_at: String,
}

/// A source file recorded with a version (for idempotent re-import).
#[derive(Debug, Clone)]
pub struct SourceRecord {
    /// sha256 of the file's bytes, hex.
    pub sha256: String,
    /// Where it was read from.
    pub path: String,
    /// Its size.
    pub bytes: u64,
    /// Rows it contributed.
    pub rows: u64,
    /// Bad records skipped.
    pub skipped_rows: u64,
}

/// Everything one commit makes visible.
pub struct NewVersion<'a> {
    /// Dataset name.
    pub dataset: &'a str,
    /// Version number (already reserved on disk).
    pub version: u32,
    /// `replace` or `append`.
    pub mode: &'a str,
    /// Columns.
    pub schema: &'a [ColumnDef],
    /// Files carried over from the previous version (append) plus the new ones.
    pub files: &'a [FileEntry],
    /// Sources carried over plus the new ones.
    pub sources: &'a [SourceRecord],
    /// The query that made it, for a derived dataset.
    pub derivation: Option<&'a lineage::Derivation>,
}

/// The catalog connection.
pub struct Catalog {
    conn: Connection,
    /// Opened read-only ([`Catalog::open_read_only`]).
    read_only: bool,
}

/// Now, as RFC 3339 UTC with milliseconds.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Catalog {
    /// Result of `PRAGMA integrity_check`.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Every dataset's current version.
    pub fn list_datasets(&self) -> Result<Vec<DatasetInfo>> {
        let mut st = self.conn.prepare(
            "SELECT d.name, v.version, v.rows, v.schema_json, v.bytes, v.created_at
             FROM datasets d JOIN versions v ON v.dataset_id = d.id AND v.version = d.current_version
             ORDER BY d.name",
        )?;
        let rows = st.query_map([], |r| {
            let schema: String = r.get(3)?;
            let cols: Vec<ColumnDef> = serde_json::from_str(&schema).unwrap_or_default();
            Ok(DatasetInfo {
                name: r.get(0)?,
                version: r.get(1)?,
                rows: r.get::<_, i64>(2)? as u64,
                columns: cols.len() as u32,
                schema: cols,
                bytes: r.get::<_, i64>(4)? as u64,
                created_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Names of all datasets.
    pub fn dataset_names(&self) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare("SELECT name FROM datasets WHERE current_version IS NOT NULL ORDER BY name")?;
        let names = st.query_map([], |r| r.get(0))?;
        Ok(names.collect::<std::result::Result<_, _>>()?)
    }

    /// The current version of `name`, or fails with `unknown_dataset` and the closest name.
    pub fn require_dataset(&self, name: &str) -> Result<DatasetVersion> {
        if let Some(ds) = self.dataset(name)? {
            return Ok(ds);
        }
        let names = self.dataset_names()?;
        let suggestion = crate::hints::closest(name, names.iter().map(String::as_str));
        Err(crate::LakeError::UnknownDataset {
            message: format!(
                "unknown dataset `{name}`{}",
                suggestion
                    .as_ref()
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| "; list datasets with `lake datasets`".into())
            ),
            position: None,
            suggestion,
        })
    }

    /// The current version of `name`, with its files and statistics.
    pub fn dataset(&self, name: &str) -> Result<Option<DatasetVersion>> {
        let head = self
            .conn
            .query_row(
                "SELECT v.id, v.version, v.schema_json, v.rows, v.bytes, v.created_at
                 FROM datasets d JOIN versions v ON v.dataset_id = d.id AND v.version = d.current_version
                 WHERE d.name = ?1",
                params![name],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, u32>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((version_id, version, schema_json, rows, bytes, created_at)) = head else {
            return Ok(None);
        };
        let schema: Vec<ColumnDef> = serde_json::from_str(&schema_json)
            .map_err(|e| crate::LakeError::Internal(format!("schema of {name}: {e}")))?;
        let files = self.files_of(version_id)?;
        Ok(Some(DatasetVersion {
            name: name.to_string(),
            version,
            version_id,
            schema,
            files,
            rows: rows as u64,
            bytes: bytes as u64,
            created_at,
        }))
    }

    fn files_of(&self, version_id: i64) -> Result<Vec<FileEntry>> {
        let mut st = self.conn.prepare(
            "SELECT id, path, rows, bytes, sha256 FROM files WHERE version_id = ?1 ORDER BY id",
        )?;
        type Head = (i64, String, i64, i64, Option<String>);
        let heads: Vec<Head> = st
            .query_map(params![version_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<std::result::Result<_, _>>()?;
        let mut stats_st = self.conn.prepare(
            "SELECT column_name, dtype, null_count, min_value, max_value, distinct_count FROM column_stats
             WHERE file_id = ?1 ORDER BY rowid",
        )?;
        let mut out = Vec::with_capacity(heads.len());
        for (id, path, rows, bytes, sha256) in heads {
            check_data_path(&path)?;
            let stats = stats_st
                .query_map(params![id], |r| {
                    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
                    Ok(ColumnStats {
                        column: r.get(0)?,
                        dtype: r.get(1)?,
                        null_count: r.get::<_, i64>(2)? as u64,
                        min: parse(r.get(3)?),
                        max: parse(r.get(4)?),
                        distinct: r.get::<_, Option<i64>>(5)?.map(|d| d as u64),
                    })
                })?
                .collect::<std::result::Result<_, _>>()?;
            out.push(FileEntry {
                path,
                rows: rows as u64,
                bytes: bytes as u64,
                stats,
                sha256,
            });
        }
        Ok(out)
    }

    /// The versions of a dataset, newest first.
    pub fn versions(&self, name: &str) -> Result<Vec<VersionInfo>> {
        let mut st = self.conn.prepare(
            "SELECT v.version, v.mode, v.rows, v.bytes, v.created_at FROM versions v
             JOIN datasets d ON d.id = v.dataset_id WHERE d.name = ?1 ORDER BY v.version DESC",
        )?;
        let rows = st.query_map(params![name], |r| {
            Ok(VersionInfo {
                version: r.get(0)?,
                mode: r.get(1)?,
                rows: r.get::<_, i64>(2)? as u64,
                bytes: r.get::<_, i64>(3)? as u64,
                created_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Sources recorded with a version.
    pub fn sources_of(&self, version_id: i64) -> Result<Vec<SourceRecord>> {
        let mut st = self.conn.prepare(
            "SELECT sha256, path, bytes, rows, skipped_rows FROM sources WHERE version_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map(params![version_id], |r| {
            Ok(SourceRecord {
                sha256: r.get(0)?,
                path: r.get(1)?,
                bytes: r.get::<_, i64>(2)? as u64,
                rows: r.get::<_, i64>(3)? as u64,
                skipped_rows: r.get::<_, i64>(4)? as u64,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The highest version number ever used for `name` (committed), or 0.
    pub fn max_version(&self, name: &str) -> Result<u32> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(MAX(v.version), 0) FROM versions v JOIN datasets d ON d.id = v.dataset_id
             WHERE d.name = ?1",
            params![name],
            |r| r.get(0),
        )?)
    }

    /// Every file path any version references (relative to the lake root).
    pub fn referenced_paths(&self) -> Result<std::collections::HashSet<String>> {
        let sql = if self.has_table("indexes")? {
            "SELECT path FROM files UNION SELECT path FROM indexes"
        } else {
            "SELECT DISTINCT path FROM files"
        };
        let mut st = self.conn.prepare(sql)?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Makes several versions visible in one transaction (all or none), and forgets the
    /// journal entries of the folders and files job `job` made for them.
    pub fn commit_versions(&mut self, job: &str, vs: &[NewVersion<'_>]) -> Result<()> {
        self.writable()?;
        let tx = self.conn.transaction()?;
        for v in vs {
            insert_version(&tx, v)?;
        }
        journal::forget_committed(&tx, job)?;
        tx.commit()?;
        Ok(())
    }

    /// Entries of the audit log at or after `since` (RFC 3339, UTC; all when empty), newest
    /// first.
    pub fn audit_log(&self, since: &str, limit: u32) -> Result<Vec<AuditEntry>> {
        self.audit_filtered(&audit::AuditFilter {
            since: since.to_string(),
            limit,
            ..Default::default()
        })
    }
}

/// One row of the audit log.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditEntry {
    /// When (RFC 3339, UTC).
    pub ts: String,
    /// What happened (`commit_version`, ...).
    pub action: String,
    /// Which dataset.
    pub dataset: Option<String>,
    /// Which version.
    pub version: Option<u32>,
    /// JSON details.
    pub details: Option<String>,
}

/// A data file's path as the catalog stores it must stay inside the lake: relative, under
/// `data/`, plain names only (no `..`, no root, no drive, no backslashes). A catalog received
/// from someone else cannot point a query at other files.
pub fn check_data_path(path: &str) -> Result<()> {
    if plain_under(path, "data") {
        Ok(())
    } else {
        Err(crate::LakeError::Damaged(format!(
            "the catalog lists the data file `{path}`, which is not inside the lake's data \
             folder; the catalog may have been changed by hand or by another program, so \
             nothing was read"
        )))
    }
}

/// Whether `path` is `<folder>/…/<file>`: relative, at least two names below `folder`, plain
/// names only.
pub(crate) fn plain_under(path: &str, folder: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    parts.len() >= 3
        && parts[0] == folder
        && parts[1..]
            .iter()
            .all(|p| !p.is_empty() && *p != "." && *p != ".." && !p.contains(['\\', ':', '\0']))
}

fn insert_version(tx: &Transaction<'_>, v: &NewVersion<'_>) -> Result<()> {
    let now = now_rfc3339();
    tx.execute(
        "INSERT INTO datasets (name, current_version, created_at, updated_at) VALUES (?1, NULL, ?2, ?2)
         ON CONFLICT(name) DO NOTHING",
        params![v.dataset, now],
    )?;
    let dataset_id: i64 = tx.query_row(
        "SELECT id FROM datasets WHERE name = ?1",
        params![v.dataset],
        |r| r.get(0),
    )?;
    let rows: u64 = v.files.iter().map(|f| f.rows).sum();
    let bytes: u64 = v.files.iter().map(|f| f.bytes).sum();
    let schema_json = serde_json::to_string(v.schema).expect("schema serializes");
    tx.execute(
        "INSERT INTO versions (dataset_id, version, mode, rows, bytes, schema_json, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            dataset_id,
            v.version,
            v.mode,
            rows as i64,
            bytes as i64,
            schema_json,
            now
        ],
    )?;
    let version_id = tx.last_insert_rowid();
    {
        let mut ins_file = tx.prepare(
            "INSERT INTO files (version_id, path, rows, bytes, sha256) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut ins_stat = tx.prepare(
            "INSERT INTO column_stats
               (file_id, column_name, dtype, null_count, min_value, max_value, distinct_count)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for f in v.files {
            ins_file.execute(params![
                version_id,
                f.path,
                f.rows as i64,
                f.bytes as i64,
                f.sha256
            ])?;
            let file_id = tx.last_insert_rowid();
            for s in &f.stats {
                ins_stat.execute(params![
                    file_id,
                    s.column,
                    s.dtype,
                    s.null_count as i64,
                    s.min.as_ref().map(|m| m.to_string()),
                    s.max.as_ref().map(|m| m.to_string()),
                    s.distinct.map(|d| d as i64),
                ])?;
            }
        }
        let mut ins_src = tx.prepare(
            "INSERT INTO sources (version_id, sha256, path, bytes, rows, skipped_rows, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for s in v.sources {
            ins_src.execute(params![
                version_id,
                s.sha256,
                s.path,
                s.bytes as i64,
                s.rows as i64,
                s.skipped_rows as i64,
                now
            ])?;
        }
    }
    if let Some(d) = v.derivation {
        lineage::record(tx, version_id, v.dataset, v.version, d, &now)?;
    }
    tx.execute(
        "UPDATE datasets SET current_version = ?1, updated_at = ?2 WHERE id = ?3",
        params![v.version, now, dataset_id],
    )?;
    let details = serde_json::json!({
        "mode": v.mode, "rows": rows, "files": v.files.len(),
        "sources": v.sources.iter().map(|s| &s.path).collect::<Vec<_>>(),
    });
    audit::append(
        tx,
        &now,
        "commit_version",
        Some(v.dataset),
        Some(v.version),
        &details.to_string(),
    )?;
    for s in v.sources {
        tx.execute(
            "INSERT INTO lineage_edges (from_kind, from_name, to_kind, to_name, created_at)
             VALUES ('file', ?1, 'dataset', ?2, ?3)",
            params![s.path, format!("{}@v{}", v.dataset, v.version), now],
        )?;
    }
    Ok(())
}

/// A column with statistics merged over a version's files.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnSummary {
    /// Name.
    pub name: String,
    /// Type.
    pub dtype: String,
    /// Nulls over all files.
    pub null_count: u64,
    /// Smallest value over all files.
    #[cfg_attr(feature = "ts", ts(type = "number | string | boolean | null"))]
    pub min: Option<serde_json::Value>,
    /// Largest value over all files.
    #[cfg_attr(feature = "ts", ts(type = "number | string | boolean | null"))]
    pub max: Option<serde_json::Value>,
    /// Distinct values (estimated within a few percent), where every file knows its count.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub distinct: Option<u64>,
}

/// A dataset's schema, statistics and history, as `lake schema` shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DatasetDescription {
    /// Name.
    pub name: String,
    /// Current version.
    pub version: u32,
    /// Rows.
    pub rows: u64,
    /// Files.
    pub files: usize,
    /// Bytes.
    pub bytes: u64,
    /// Columns with statistics.
    pub columns: Vec<ColumnSummary>,
    /// Every version, newest first.
    pub versions: Vec<VersionInfo>,
    /// The current version's indexes (a map can draw a `lon,lat` R-tree's points).
    pub indexes: Vec<IndexInfo>,
}

/// Orders two statistic values of the same column (numbers, text or booleans).
pub fn compare_stat_values(a: &serde_json::Value, b: &serde_json::Value) -> std::cmp::Ordering {
    use serde_json::Value as V;
    match (a, b) {
        (V::Number(x), V::Number(y)) => x
            .as_f64()
            .unwrap_or(0.0)
            .partial_cmp(&y.as_f64().unwrap_or(0.0))
            .unwrap_or(std::cmp::Ordering::Equal),
        (V::String(x), V::String(y)) => x.cmp(y),
        (V::Bool(x), V::Bool(y)) => x.cmp(y),
        _ => std::cmp::Ordering::Equal,
    }
}

/// A version's distinct count from its files' (rows with a value, distinct values) counts (the
/// sketches are not kept): files of a key-like column (mostly distinct values) add up, files of
/// a repeated column overlap.
pub fn merge_distinct(files: &[(u64, u64)]) -> u64 {
    let (rows, sum, max) = files
        .iter()
        .fold((0u64, 0u64, 0u64), |(r, s, m), &(rows, d)| {
            (r + rows, s + d, m.max(d))
        });
    if rows == 0 {
        return 0;
    }
    let uniqueness = (sum as f64 / rows as f64).min(1.0);
    let est = max as f64 + (sum - max) as f64 * uniqueness;
    (est.round() as u64).min(rows)
}

/// Describes the current version of `name`, or fails with `unknown_dataset` and a hint.
pub fn describe(cat: &Catalog, name: &str) -> Result<DatasetDescription> {
    let ds = cat.require_dataset(name)?;
    let columns = ds
        .schema
        .iter()
        .map(|c| {
            let mut s = ColumnSummary {
                name: c.name.clone(),
                dtype: c.dtype.clone(),
                null_count: 0,
                min: None,
                max: None,
                distinct: None,
            };
            let mut counts = Vec::new();
            for f in &ds.files {
                if let Some(st) = f.stats.iter().find(|st| st.column == c.name) {
                    s.null_count += st.null_count;
                    counts.push(
                        st.distinct
                            .map(|d| (f.rows.saturating_sub(st.null_count), d)),
                    );
                    if let Some(m) = &st.min {
                        if s.min
                            .as_ref()
                            .is_none_or(|cur| compare_stat_values(m, cur).is_lt())
                        {
                            s.min = Some(m.clone());
                        }
                    }
                    if let Some(m) = &st.max {
                        if s.max
                            .as_ref()
                            .is_none_or(|cur| compare_stat_values(m, cur).is_gt())
                        {
                            s.max = Some(m.clone());
                        }
                    }
                }
            }
            s.distinct = counts
                .iter()
                .copied()
                .collect::<Option<Vec<_>>>()
                .filter(|c| c.len() == ds.files.len())
                .map(|c| merge_distinct(&c));
            s
        })
        .collect();
    Ok(DatasetDescription {
        name: ds.name.clone(),
        version: ds.version,
        rows: ds.rows,
        files: ds.files.len(),
        bytes: ds.bytes,
        columns,
        versions: cat.versions(name)?,
        indexes: cat.indexes(Some(name))?,
    })
}
