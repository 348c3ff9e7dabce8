//! The catalog's record of indexes: one row per index file, tied to the dataset version it was
//! built from, so a new version never reads an old version's index.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{journal, now_rfc3339, Catalog};
use crate::error::{LakeError, Result};

/// One index, as `lake index list` shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IndexInfo {
    /// Dataset.
    pub dataset: String,
    /// The version it indexes.
    pub version: u32,
    /// The column, or `lon,lat` for a pair of coordinate columns.
    pub column: String,
    /// `rtree`; for vectors `hnsw-cosine`, `hnsw-l2` or `hnsw-ip` (the metric it ranks by).
    pub kind: String,
    /// Its file, relative to the lake root.
    pub path: String,
    /// Entries.
    pub entries: u64,
    /// Size of the file.
    pub bytes: u64,
    /// When it was built.
    pub created_at: String,
}

/// A derived file just written, as its catalog row records it: the job whose journal lists it
/// and the SHA-256 (hex) of its bytes.
#[derive(Debug, Clone)]
pub struct DerivedFile<'a> {
    /// The job.
    pub job: &'a str,
    /// Its checksum.
    pub sha256: String,
}

/// An index path as the catalog stores it must stay inside the lake's `index/` folder.
pub fn check_index_path(path: &str) -> Result<()> {
    if super::plain_under(path, "index") {
        Ok(())
    } else {
        Err(LakeError::Damaged(format!(
            "the catalog lists the index file `{path}`, which is not inside the lake's index \
             folder; nothing was read"
        )))
    }
}

fn info(r: &rusqlite::Row<'_>) -> rusqlite::Result<IndexInfo> {
    Ok(IndexInfo {
        dataset: r.get(0)?,
        version: r.get(1)?,
        column: r.get(2)?,
        kind: r.get(3)?,
        path: r.get(4)?,
        entries: r.get::<_, i64>(5)? as u64,
        bytes: r.get::<_, i64>(6)? as u64,
        created_at: r.get(7)?,
    })
}

const SELECT: &str = "SELECT d.name, v.version, i.column_name, i.kind, i.path, i.entries, i.bytes,
     i.created_at FROM indexes i JOIN versions v ON v.id = i.version_id
     JOIN datasets d ON d.id = v.dataset_id";

impl Catalog {
    /// Records an index of version `version_id` and forgets job `job`'s journal entries for its
    /// file, in one transaction.
    pub fn add_index(&mut self, file: &DerivedFile, version_id: i64, ix: &IndexInfo) -> Result<()> {
        self.writable()?;
        check_index_path(&ix.path)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO indexes
               (version_id, column_name, kind, path, entries, bytes, created_at, sha256)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(version_id, column_name, kind) DO UPDATE SET path = excluded.path,
               entries = excluded.entries, bytes = excluded.bytes, created_at = excluded.created_at,
               sha256 = excluded.sha256",
            params![
                version_id,
                ix.column,
                ix.kind,
                ix.path,
                ix.entries as i64,
                ix.bytes as i64,
                now_rfc3339(),
                file.sha256
            ],
        )?;
        journal::forget_committed(&tx, file.job)?;
        tx.commit()?;
        Ok(())
    }

    /// The indexes of the datasets' current versions (of one dataset, if named).
    pub fn indexes(&self, dataset: Option<&str>) -> Result<Vec<IndexInfo>> {
        if !self.has_table("indexes")? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(&format!(
            "{SELECT} WHERE v.version = d.current_version AND (?1 IS NULL OR d.name = ?1)
             ORDER BY d.name, i.column_name"
        ))?;
        let rows = st.query_map(params![dataset], info)?;
        let out: Vec<IndexInfo> = rows.collect::<std::result::Result<_, _>>()?;
        for i in &out {
            check_index_path(&i.path)?;
        }
        Ok(out)
    }

    /// The indexes of version `version` of `dataset`.
    pub fn indexes_at(&self, dataset: &str, version: u32) -> Result<Vec<IndexInfo>> {
        if !self.has_table("indexes")? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(&format!(
            "{SELECT} WHERE d.name = ?1 AND v.version = ?2 ORDER BY i.column_name, i.kind"
        ))?;
        let rows = st.query_map(params![dataset, version], info)?;
        let out: Vec<IndexInfo> = rows.collect::<std::result::Result<_, _>>()?;
        for i in &out {
            check_index_path(&i.path)?;
        }
        Ok(out)
    }

    /// Forgets the index of `column` on version `version_id`; returns its file, which the
    /// caller removes after this commits.
    pub fn remove_index(
        &mut self,
        version_id: i64,
        column: &str,
        kind: &str,
    ) -> Result<Option<String>> {
        self.writable()?;
        let tx = self.conn.transaction()?;
        let path: Option<String> = tx
            .query_row(
                "SELECT path FROM indexes WHERE version_id = ?1 AND column_name = ?2 AND kind = ?3",
                params![version_id, column, kind],
                |r| r.get(0),
            )
            .optional()?;
        tx.execute(
            "DELETE FROM indexes WHERE version_id = ?1 AND column_name = ?2 AND kind = ?3",
            params![version_id, column, kind],
        )?;
        tx.commit()?;
        Ok(path)
    }
}
