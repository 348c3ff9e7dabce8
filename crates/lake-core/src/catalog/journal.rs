//! The journal of what running jobs write. Before a job creates a staging folder, a version
//! folder or a data file, the path is recorded here (durably); the commit that makes a version
//! visible forgets its job's folders and files in the same transaction. After a crash, clean-up
//! removes exactly the journaled paths that no version references, and nothing else.

use rusqlite::params;

use super::{now_rfc3339, Catalog};
use crate::error::Result;

/// What a journal entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A job's private folder under `staging/` (its files are the job's Parquet and scratch
    /// files).
    Staging,
    /// A folder under `data/` a commit creates.
    Dir,
    /// A file under `data/` a commit moves into place.
    File,
}

impl EntryKind {
    fn as_str(self) -> &'static str {
        match self {
            EntryKind::Staging => "staging",
            EntryKind::Dir => "dir",
            EntryKind::File => "file",
        }
    }

    fn parse(s: &str) -> Option<EntryKind> {
        Some(match s {
            "staging" => EntryKind::Staging,
            "dir" => EntryKind::Dir,
            "file" => EntryKind::File,
            _ => return None,
        })
    }
}

/// One journaled path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The job that wrote it.
    pub job: String,
    /// What it is.
    pub kind: EntryKind,
    /// Its path relative to the lake root, with `/` separators.
    pub path: String,
}

impl Catalog {
    /// Records, durably and before they exist, the paths job `job` is about to create.
    pub fn journal_add(&mut self, job: &str, entries: &[(EntryKind, String)]) -> Result<()> {
        self.writable()?;
        let tx = self.conn.transaction()?;
        {
            let mut ins = tx.prepare(
                "INSERT INTO journal (job, kind, path, created_at) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let now = now_rfc3339();
            for (kind, path) in entries {
                ins.execute(params![job, kind.as_str(), path, now])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every journaled path, oldest first. Entries of a kind this release does not know are
    /// left out (and so never acted on).
    pub fn journal_entries(&self) -> Result<Vec<Entry>> {
        if !self.has_table("journal")? {
            return Ok(Vec::new());
        }
        let mut st = self
            .conn
            .prepare("SELECT job, kind, path FROM journal ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (job, kind, path) = row?;
            if let Some(kind) = EntryKind::parse(&kind) {
                out.push(Entry { job, kind, path });
            }
        }
        Ok(out)
    }

    /// Forgets the given entries (clean-up dealt with them).
    pub fn journal_forget(&mut self, entries: &[Entry]) -> Result<()> {
        self.writable()?;
        let tx = self.conn.transaction()?;
        {
            let mut del =
                tx.prepare("DELETE FROM journal WHERE job = ?1 AND kind = ?2 AND path = ?3")?;
            for e in entries {
                del.execute(params![e.job, e.kind.as_str(), e.path])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// Forgets the data folders and files of `job`, inside a commit's transaction: once its
/// versions are visible they are the catalog's, not leftovers.
pub(super) fn forget_committed(tx: &rusqlite::Transaction<'_>, job: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM journal WHERE job = ?1 AND kind IN ('dir', 'file')",
        params![job],
    )?;
    Ok(())
}
