//! What a backup and `lake verify` read from a catalog: every file it references (data and
//! index files, each once) with its size and checksum, a consistent copy of the catalog itself
//! (SQLite's online backup API, in one step, so the copy is one instant's state even while
//! another process writes), and SQLite's own check of the catalog.

use std::path::Path;

use rusqlite::Connection;

use super::Catalog;
use crate::error::Result;

/// A file the catalog references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LakeFile {
    /// Relative to the lake folder (`data/…` or `index/…`), checked to stay inside it.
    pub path: String,
    /// Its size, as recorded.
    pub bytes: u64,
    /// Its SHA-256 (hex), when recorded (files written before lakes kept it have none).
    pub sha256: Option<String>,
}

impl Catalog {
    /// Every file the catalog references, each once, sorted by path.
    pub fn referenced_files(&self) -> Result<Vec<LakeFile>> {
        // A catalog not yet migrated (opened read-only, by a backup) has no checksums.
        let sha = if self.has_column("files", "sha256")? {
            "sha256"
        } else {
            "NULL"
        };
        let mut st = self.conn.prepare(&format!(
            "SELECT path, max(bytes), max(sha256), max(kind) FROM (
               SELECT path, bytes, {sha} AS sha256, 'data' AS kind FROM files
               UNION ALL SELECT path, bytes, {sha} AS sha256, 'index' AS kind FROM indexes)
             GROUP BY path ORDER BY path"
        ))?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (path, bytes, sha256, kind) = row?;
            if kind == "data" {
                super::check_data_path(&path)?;
            } else {
                super::indexes::check_index_path(&path)?;
            }
            out.push(LakeFile {
                path,
                bytes: bytes.max(0) as u64,
                sha256,
            });
        }
        Ok(out)
    }

    /// Writes a copy of the catalog as it is at one instant to `dest` (a new file), with
    /// SQLite's online backup API in a single step.
    pub fn snapshot_to(&self, dest: &Path) -> Result<()> {
        let mut out = Connection::open(dest)?;
        {
            use rusqlite::backup::{Backup, StepResult};
            let b = Backup::new(&self.conn, &mut out)?;
            // All pages in one step: one read transaction, so one instant's state. A writer
            // holding the file a moment (busy or locked) is waited for.
            let mut tries = 0;
            loop {
                match b.step(-1)? {
                    StepResult::Done => break,
                    StepResult::More => {}
                    _ if tries < 200 => std::thread::sleep(std::time::Duration::from_millis(50)),
                    _ => {
                        return Err(crate::LakeError::Busy(
                            "the catalog stayed locked for 10 s; try the backup again".into(),
                        ))
                    }
                }
                tries += 1;
            }
        }
        // One file, no WAL beside it: a backup is copied and moved as a single file.
        out.pragma_update(None, "journal_mode", "DELETE")?;
        Ok(())
    }

    fn has_column(&self, table: &str, column: &str) -> Result<bool> {
        let mut st = self.conn.prepare(&format!("PRAGMA table_info({table})"))?;
        let names: Vec<String> = st
            .query_map([], |r| r.get(1))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(names.iter().any(|n| n == column))
    }

    /// SQLite's `quick_check`: `ok`, or what it found wrong.
    pub fn quick_check(&self) -> Result<String> {
        let mut st = self.conn.prepare("PRAGMA quick_check")?;
        let found: Vec<String> = st
            .query_map([], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(found.join("; "))
    }
}
