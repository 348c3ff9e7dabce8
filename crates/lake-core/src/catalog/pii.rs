//! Columns tagged as personal data (email addresses, phone numbers, exact places...), and the
//! lake's settings, among them whether such columns are masked in results and exports.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::Catalog;
use crate::error::Result;

/// A column the user tagged as personal data.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PiiTag {
    /// Dataset name.
    pub dataset: String,
    /// Column name.
    pub column: String,
    /// `email`, `phone`, `location` or `other`: how it is masked.
    pub kind: String,
}

impl Catalog {
    /// Every tagged column, sorted.
    pub fn pii_tags(&self) -> Result<Vec<PiiTag>> {
        if !self.has_table("pii_columns")? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT dataset, column_name, kind FROM pii_columns ORDER BY dataset, column_name",
        )?;
        let rows = st.query_map([], |r| {
            Ok(PiiTag {
                dataset: r.get(0)?,
                column: r.get(1)?,
                kind: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Tags (or re-tags) columns as personal data, in one transaction with its audit entry.
    pub fn tag_pii(&mut self, tags: &[PiiTag]) -> Result<()> {
        self.writable()?;
        let now = super::now_rfc3339();
        let tx = self.conn.transaction()?;
        for t in tags {
            tx.execute(
                "INSERT INTO pii_columns (dataset, column_name, kind, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(dataset, column_name) DO UPDATE SET kind = excluded.kind",
                params![t.dataset, t.column, t.kind, now],
            )?;
            let details = serde_json::json!({"column": t.column, "kind": t.kind}).to_string();
            super::audit::append(&tx, &now, "pii_tag", Some(&t.dataset), None, &details)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Removes a column's tag; false when it had none.
    pub fn untag_pii(&mut self, dataset: &str, column: &str) -> Result<bool> {
        self.writable()?;
        let now = super::now_rfc3339();
        let tx = self.conn.transaction()?;
        let gone = tx.execute(
            "DELETE FROM pii_columns WHERE dataset = ?1 AND column_name = ?2",
            params![dataset, column],
        )? > 0;
        if gone {
            let details = serde_json::json!({ "column": column }).to_string();
            super::audit::append(&tx, &now, "pii_untag", Some(dataset), None, &details)?;
        }
        tx.commit()?;
        Ok(gone)
    }

    /// A lake setting's value, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        if !self.has_table("settings")? {
            return Ok(None);
        }
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The settings whose key starts with `prefix` (set to a value, not emptied), by key.
    pub fn settings_with_prefix(&self, prefix: &str) -> Result<Vec<(String, String)>> {
        if !self.has_table("settings")? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT key, value FROM settings WHERE substr(key, 1, length(?1)) = ?1 AND value <> ''
             ORDER BY key",
        )?;
        let rows = st.query_map(params![prefix], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Sets a lake setting, with an audit entry.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.writable()?;
        let now = super::now_rfc3339();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        let details = serde_json::json!({"key": key, "value": value}).to_string();
        super::audit::append(&tx, &now, "setting", None, None, &details)?;
        tx.commit()?;
        Ok(())
    }
}
