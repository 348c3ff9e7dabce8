//! Column profiles kept per version (the profile module computes them), so a profile is computed
//! once. Stored as JSON; a version's profile never changes, as its files never do.

use rusqlite::{params, OptionalExtension};

use super::Catalog;
use crate::error::Result;

impl Catalog {
    /// The profile kept for version `version_id`, as JSON.
    pub fn kept_profile_json(&self, version_id: i64) -> Result<Option<String>> {
        if !self.has_table("profiles")? {
            return Ok(None);
        }
        Ok(self
            .conn
            .query_row(
                "SELECT profile FROM profiles WHERE version_id = ?1",
                params![version_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Keeps `json` as version `version_id`'s profile.
    pub fn keep_profile_json(&mut self, version_id: i64, json: &str) -> Result<()> {
        self.writable()?;
        self.conn.execute(
            "INSERT OR REPLACE INTO profiles (version_id, profile, created_at) VALUES (?1, ?2, ?3)",
            params![version_id, json, super::now_rfc3339()],
        )?;
        Ok(())
    }
}
