//! What the timeline counted per dataset version and time column (its first and last time, its
//! rows per day), kept so that a later open of the timeline, in this process or another, reads
//! them instead of scanning the files again. Stored as JSON; a version's counts never change,
//! as its files never do.

use rusqlite::{params, OptionalExtension};

use super::Catalog;
use crate::error::Result;

/// A version's column, whose counts are kept: dataset, version, the version's commit time
/// (RFC 3339), and the column.
pub type CountsOf<'a> = (&'a str, u32, &'a str, &'a str);

impl Catalog {
    /// The counts of `kind` kept for `of`, as JSON.
    pub fn kept_time_counts(&self, of: CountsOf, kind: &str) -> Result<Option<String>> {
        let (dataset, version, created_at, column) = of;
        if !self.has_table("time_counts")? {
            return Ok(None);
        }
        Ok(self
            .conn
            .query_row(
                "SELECT counts FROM time_counts WHERE dataset = ?1 AND version = ?2 \
                 AND created_at = ?3 AND column_name = ?4 AND kind = ?5",
                params![dataset, version, created_at, column, kind],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Keeps `json` as the counts of `kind` for `of`.
    pub fn keep_time_counts(&mut self, of: CountsOf, kind: &str, json: &str) -> Result<()> {
        let (dataset, version, created_at, column) = of;
        self.writable()?;
        if !self.has_table("time_counts")? {
            return Ok(());
        }
        self.conn.execute(
            "INSERT OR REPLACE INTO time_counts (dataset, version, created_at, column_name, kind, counts) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![dataset, version, created_at, column, kind, json],
        )?;
        Ok(())
    }
}
