//! A dataset's versions: its history (sources and schema changes), reading a past version by
//! number or by time (time travel), restoring one, and the bookkeeping of `vacuum`.
//!
//! Every version stays readable until vacuum removes its files; a vacuumed version stays in the
//! history (marked) so a query of it says what happened instead of finding nothing.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{now_rfc3339, Catalog, ColumnDef, DatasetVersion};
use crate::error::{LakeError, Result};

/// Which version of a dataset a query reads.
#[derive(Debug, Clone, PartialEq)]
pub enum VersionSel {
    /// `VERSION AS OF n`.
    Number(u32),
    /// `TIMESTAMP AS OF '…'`: the version current at that instant (RFC 3339, UTC).
    AsOf(String),
}

impl VersionSel {
    /// Reads a time-travel timestamp as SQL users write it: `2026-11-01`, `2026-11-01 08:30`,
    /// `2026-11-01T08:30:00`, all in UTC, or RFC 3339 with an offset (`…+01:00`, `…Z`).
    pub fn timestamp(text: &str) -> Result<VersionSel> {
        use chrono::{NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
        let t = text.trim();
        let utc = if let Ok(d) = chrono::DateTime::parse_from_rfc3339(t) {
            Some(d.with_timezone(&Utc))
        } else if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            d.and_hms_opt(0, 0, 0).map(|n| Utc.from_utc_datetime(&n))
        } else {
            [
                "%Y-%m-%d %H:%M:%S%.f",
                "%Y-%m-%dT%H:%M:%S%.f",
                "%Y-%m-%d %H:%M",
                "%Y-%m-%dT%H:%M",
            ]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
            .map(|n| Utc.from_utc_datetime(&n))
        };
        let utc = utc.ok_or_else(|| {
            LakeError::bad_input(
                "TIMESTAMP AS OF",
                None,
                format!(
                    "'{t}' is not a timestamp; write it as '2026-11-01', '2026-11-01 08:30:00' \
                     (UTC) or '2026-11-01T08:30:00+01:00'"
                ),
            )
        })?;
        Ok(VersionSel::AsOf(
            utc.to_rfc3339_opts(SecondsFormat::Millis, true),
        ))
    }
}

/// A source file as a version's history lists it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionSource {
    /// Where it was read from.
    pub path: String,
    /// sha256 of its bytes, hex.
    pub sha256: String,
    /// Its size.
    pub bytes: u64,
    /// Rows it gave.
    pub rows: u64,
}

/// A column whose type changed between two versions.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Retyped {
    /// Column name.
    pub name: String,
    /// Type before.
    pub from: String,
    /// Type after.
    pub to: String,
}

/// One version in a dataset's history.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionEntry {
    /// Version number.
    pub version: u32,
    /// `replace`, `append` or `restore`.
    pub mode: String,
    /// The version it restored (mode `restore`).
    pub restored_from: Option<u32>,
    /// Rows.
    pub rows: u64,
    /// Bytes of its files.
    pub bytes: u64,
    /// Commit time (RFC 3339, UTC).
    pub created_at: String,
    /// Whether it is the version queries read.
    pub current: bool,
    /// When vacuum removed its files (it can no longer be read), if it did.
    pub vacuumed_at: Option<String>,
    /// Its source files (for an append: all of them, carried over and new).
    pub sources: Vec<VersionSource>,
    /// Columns it has that the previous version had not.
    pub added: Vec<ColumnDef>,
    /// Columns the previous version had that it has not.
    pub removed: Vec<ColumnDef>,
    /// Columns whose type changed.
    pub retyped: Vec<Retyped>,
    /// For a derived dataset: the query that made it and the versions it read.
    pub derivation: Option<super::lineage::Derivation>,
}

/// The schema change from `before` to `after`, with SQL type names (`BIGINT`, not `i64`).
pub fn schema_diff(
    before: &[ColumnDef],
    after: &[ColumnDef],
) -> (Vec<ColumnDef>, Vec<ColumnDef>, Vec<Retyped>) {
    let find = |cols: &[ColumnDef], n: &str| {
        let c = cols.iter().find(|c| c.name == n)?;
        Some(ColumnDef {
            name: c.name.clone(),
            dtype: super::sql_type::sql_type_name(&c.dtype),
        })
    };
    let added = after
        .iter()
        .filter(|c| find(before, &c.name).is_none())
        .filter_map(|c| find(after, &c.name))
        .collect();
    let removed = before
        .iter()
        .filter(|c| find(after, &c.name).is_none())
        .filter_map(|c| find(before, &c.name))
        .collect();
    let retyped = after
        .iter()
        .filter_map(|c| {
            let b = before.iter().find(|b| b.name == c.name)?;
            // Told in SQL names, unless they are the same (a timestamp's unit changed).
            let (from, to) = match (find(before, &c.name)?, find(after, &c.name)?) {
                (f, t) if f.dtype == t.dtype => (b.dtype.clone(), c.dtype.clone()),
                (f, t) => (f.dtype, t.dtype),
            };
            (b.dtype != c.dtype).then_some(Retyped {
                name: c.name.clone(),
                from,
                to,
            })
        })
        .collect();
    (added, removed, retyped)
}

/// A version's row, as read for history and time travel.
struct VersionRow {
    id: i64,
    version: u32,
    mode: String,
    rows: u64,
    bytes: u64,
    schema_json: String,
    created_at: String,
    vacuumed_at: Option<String>,
    restored_from: Option<u32>,
}

impl Catalog {
    /// Whether the versions table has the columns of this release's migrations (a read-only
    /// catalog of an older release may not).
    fn versions_have(&self, column: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM pragma_table_info('versions') WHERE name = ?1",
            params![column],
            |r| r.get::<_, i64>(0),
        )? > 0)
    }

    fn version_rows(&self, name: &str) -> Result<(Option<u32>, Vec<VersionRow>)> {
        let current: Option<Option<u32>> = self
            .conn
            .query_row(
                "SELECT current_version FROM datasets WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?;
        let Some(current) = current else {
            // Fails with `unknown_dataset` and the closest name.
            self.require_dataset(name)?;
            return Ok((None, Vec::new()));
        };
        let extra = if self.versions_have("vacuumed_at")? {
            "v.vacuumed_at, v.restored_from"
        } else {
            "NULL, NULL"
        };
        let mut st = self.conn.prepare(&format!(
            "SELECT v.id, v.version, v.mode, v.rows, v.bytes, v.schema_json, v.created_at, {extra}
             FROM versions v JOIN datasets d ON d.id = v.dataset_id
             WHERE d.name = ?1 ORDER BY v.version"
        ))?;
        let rows = st.query_map(params![name], |r| {
            Ok(VersionRow {
                id: r.get(0)?,
                version: r.get(1)?,
                mode: r.get(2)?,
                rows: r.get::<_, i64>(3)? as u64,
                bytes: r.get::<_, i64>(4)? as u64,
                schema_json: r.get(5)?,
                created_at: r.get(6)?,
                vacuumed_at: r.get(7)?,
                restored_from: r.get(8)?,
            })
        })?;
        Ok((current, rows.collect::<std::result::Result<_, _>>()?))
    }

    /// The columns and commit time of `name`'s version `version`, read from its one row (not
    /// its files and statistics, as `dataset_at` does): None when there is no such version or
    /// vacuum removed it. A lineage graph asks this of every node.
    pub fn version_schema(
        &self,
        name: &str,
        version: u32,
    ) -> Result<Option<(Vec<ColumnDef>, String)>> {
        let vacuumed = if self.versions_have("vacuumed_at")? {
            "v.vacuumed_at IS NULL"
        } else {
            "1"
        };
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                &format!(
                    "SELECT v.schema_json, v.created_at FROM versions v
                     JOIN datasets d ON d.id = v.dataset_id
                     WHERE d.name = ?1 AND v.version = ?2 AND {vacuumed}"
                ),
                params![name, version],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(json, at)| {
            let schema = serde_json::from_str(&json)
                .map_err(|e| LakeError::Internal(format!("schema of {name}: {e}")))?;
            Ok((schema, at))
        })
        .transpose()
    }

    /// The history of `name`, newest first: each version's sources and schema change.
    pub fn history(&self, name: &str) -> Result<Vec<VersionEntry>> {
        let (current, rows) = self.version_rows(name)?;
        let mut out = Vec::with_capacity(rows.len());
        let mut before: Vec<ColumnDef> = Vec::new();
        for r in rows {
            let schema: Vec<ColumnDef> = serde_json::from_str(&r.schema_json)
                .map_err(|e| LakeError::Internal(format!("schema of {name}: {e}")))?;
            let (added, removed, retyped) = schema_diff(&before, &schema);
            let sources = self
                .sources_of(r.id)?
                .into_iter()
                .map(|s| VersionSource {
                    path: s.path,
                    sha256: s.sha256,
                    bytes: s.bytes,
                    rows: s.rows,
                })
                .collect();
            out.push(VersionEntry {
                version: r.version,
                mode: r.mode,
                restored_from: r.restored_from,
                rows: r.rows,
                bytes: r.bytes,
                created_at: r.created_at,
                current: current == Some(r.version),
                vacuumed_at: r.vacuumed_at,
                sources,
                added,
                removed,
                retyped,
                derivation: self.derivation_of(r.id)?,
            });
            before = schema;
        }
        out.reverse();
        Ok(out)
    }

    /// The version of `name` that `sel` names, with its files and statistics, or a clear
    /// error: no such version, not yet existing at that time, or vacuumed.
    pub fn dataset_at(&self, name: &str, sel: &VersionSel) -> Result<DatasetVersion> {
        let (_, rows) = self.version_rows(name)?;
        let (first, last) = match (rows.first(), rows.last()) {
            (Some(f), Some(l)) => (f.version, l.version),
            _ => {
                return Err(LakeError::Unsupported(format!(
                    "{name} has no versions yet"
                )))
            }
        };
        let found = match sel {
            VersionSel::Number(n) => rows.iter().find(|r| r.version == *n).ok_or_else(|| {
                LakeError::Unsupported(format!(
                    "{name} has no version {n}; its versions are {first} to {last} (see `lake \
                     history {name}`)"
                ))
            })?,
            VersionSel::AsOf(ts) => rows
                .iter()
                .rev()
                .find(|r| r.created_at.as_str() <= ts.as_str())
                .ok_or_else(|| {
                    LakeError::Unsupported(format!(
                        "{name} did not exist yet at {ts}; its first version is from {}",
                        rows[0].created_at
                    ))
                })?,
        };
        if let Some(when) = &found.vacuumed_at {
            return Err(LakeError::Unsupported(format!(
                "version {} of {name} was removed by vacuum at {when}; `lake history {name}` \
                 lists the versions that remain",
                found.version
            )));
        }
        let schema: Vec<ColumnDef> = serde_json::from_str(&found.schema_json)
            .map_err(|e| LakeError::Internal(format!("schema of {name}: {e}")))?;
        Ok(DatasetVersion {
            name: name.to_string(),
            version: found.version,
            version_id: found.id,
            schema,
            files: self.files_of(found.id)?,
            rows: found.rows,
            bytes: found.bytes,
            created_at: found.created_at.clone(),
        })
    }

    /// Makes version `version` of `name` current again, as a new version with its files (no
    /// data is copied). Returns the new version's number.
    pub fn restore_version(&mut self, name: &str, version: u32) -> Result<u32> {
        self.writable()?;
        let old = self.dataset_at(name, &VersionSel::Number(version))?;
        let sources = self.sources_of(old.version_id)?;
        let next = self.max_version(name)? + 1;
        let derivation = self.derivation_of(old.version_id)?;
        let tx = self.conn.transaction()?;
        super::insert_version(
            &tx,
            &super::NewVersion {
                dataset: name,
                version: next,
                mode: "restore",
                schema: &old.schema,
                files: &old.files,
                sources: &sources,
                derivation: derivation.as_ref(),
            },
        )?;
        let new_id = tx.query_row(
            "SELECT v.id FROM versions v JOIN datasets d ON d.id = v.dataset_id
             WHERE d.name = ?1 AND v.version = ?2",
            params![name, next],
            |r| r.get::<_, i64>(0),
        )?;
        tx.execute(
            "UPDATE versions SET restored_from = ?1 WHERE id = ?2",
            params![version, new_id],
        )?;
        // Its files are the old version's, in the same order, so the old indexes (whose
        // entries name files by position) serve it as they are.
        tx.execute(
            "INSERT INTO indexes
               (version_id, column_name, kind, path, entries, bytes, created_at, sha256)
             SELECT ?1, column_name, kind, path, entries, bytes, created_at, sha256 FROM indexes
             WHERE version_id = ?2",
            params![new_id, old.version_id],
        )?;
        tx.commit()?;
        Ok(next)
    }

    /// What `vacuum` would remove: versions that are not current and were superseded before
    /// `cutoff` (RFC 3339, UTC), so time travel to any instant after the cutoff still finds its
    /// version, and the files (data and index) that only they reference.
    pub fn vacuum_plan(&self, cutoff: &str) -> Result<VacuumPlan> {
        let mut st = self.conn.prepare(
            "SELECT d.name, v.id, v.version, v.bytes FROM versions v
             JOIN datasets d ON d.id = v.dataset_id
             WHERE v.version <> COALESCE(d.current_version, -1) AND v.vacuumed_at IS NULL
               AND (SELECT MIN(n.created_at) FROM versions n
                    WHERE n.dataset_id = v.dataset_id AND n.version > v.version) < ?1
             ORDER BY d.name, v.version",
        )?;
        let versions: Vec<(String, i64, u32, u64)> = st
            .query_map(params![cutoff], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)? as u64))
            })?
            .collect::<std::result::Result<_, _>>()?;
        let gone: std::collections::HashSet<i64> = versions.iter().map(|v| v.1).collect();
        // Paths still referenced by a version that stays.
        let mut keep = std::collections::HashSet::new();
        let mut all = self.conn.prepare(
            "SELECT version_id, path FROM files UNION ALL SELECT version_id, path FROM indexes",
        )?;
        let mut candidates: Vec<String> = Vec::new();
        for row in all.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (vid, path) = row?;
            if gone.contains(&vid) {
                candidates.push(path);
            } else {
                keep.insert(path);
            }
        }
        candidates.sort();
        candidates.dedup();
        candidates.retain(|p| !keep.contains(p));
        Ok(VacuumPlan {
            versions: versions
                .into_iter()
                .map(|(dataset, id, version, bytes)| VacuumVersion {
                    dataset,
                    id,
                    version,
                    bytes,
                })
                .collect(),
            files: candidates,
        })
    }

    /// Marks the plan's versions vacuumed and forgets their files and indexes, and journals
    /// the files to remove (job `job`), in one transaction: after it, clean-up on open removes
    /// those files even if this process dies before it does.
    pub fn vacuum_commit(&mut self, job: &str, plan: &VacuumPlan) -> Result<()> {
        self.writable()?;
        let now = now_rfc3339();
        let tx = self.conn.transaction()?;
        for v in &plan.versions {
            tx.execute(
                "DELETE FROM column_stats WHERE file_id IN (SELECT id FROM files WHERE version_id = ?1)",
                params![v.id],
            )?;
            tx.execute("DELETE FROM files WHERE version_id = ?1", params![v.id])?;
            tx.execute("DELETE FROM indexes WHERE version_id = ?1", params![v.id])?;
            tx.execute(
                "UPDATE versions SET vacuumed_at = ?1 WHERE id = ?2",
                params![now, v.id],
            )?;
            super::audit::append(
                &tx,
                &now,
                "vacuum",
                Some(&v.dataset),
                Some(v.version),
                &serde_json::json!({"bytes": v.bytes}).to_string(),
            )?;
        }
        for p in &plan.files {
            tx.execute(
                "INSERT INTO journal (job, kind, path, created_at) VALUES (?1, 'file', ?2, ?3)",
                params![job, p, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// A version vacuum removes.
#[derive(Debug, Clone, Serialize)]
pub struct VacuumVersion {
    /// Its dataset.
    pub dataset: String,
    #[serde(skip)]
    id: i64,
    /// Its number.
    pub version: u32,
    /// Bytes of its files (shared files included).
    pub bytes: u64,
}

/// What a vacuum removes.
#[derive(Debug, Clone, Serialize, Default)]
pub struct VacuumPlan {
    /// Versions no longer readable after it.
    pub versions: Vec<VacuumVersion>,
    /// Files only those versions reference (relative to the lake folder).
    pub files: Vec<String>,
}
