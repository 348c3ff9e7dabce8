//! The audit log: every commit (import, restore, derived dataset), query, vacuum, view and
//! rule change and export, appended with its time, what and outcome. Each entry carries a sha256 over the
//! previous entry's hash and its own fields, so editing or deleting an entry in the middle
//! breaks the chain at that entry (`lake audit --verify`). It holds no secret: someone who
//! rewrites every later entry too, or removes the newest ones, is not caught; the chain makes
//! quiet edits visible, it does not stop a determined writer of the file.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Catalog;
use crate::error::Result;

fn chain_hash(
    prev: &str,
    ts: &str,
    action: &str,
    dataset: Option<&str>,
    version: Option<u32>,
    details: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        ts,
        action,
        dataset.unwrap_or(""),
        &version.map(|v| v.to_string()).unwrap_or_default(),
        details.unwrap_or(""),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    format!("{:x}", h.finalize())
}

/// Appends an entry, chained to the last one (inside the caller's transaction, if any).
pub(crate) fn append(
    conn: &Connection,
    ts: &str,
    action: &str,
    dataset: Option<&str>,
    version: Option<u32>,
    details: &str,
) -> Result<()> {
    let prev: Option<String> = conn
        .query_row(
            "SELECT hash FROM audit_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let hash = chain_hash(
        prev.as_deref().unwrap_or(""),
        ts,
        action,
        dataset,
        version,
        Some(details),
    );
    conn.execute(
        "INSERT INTO audit_log (ts, action, dataset, version, details, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![ts, action, dataset, version, details, hash],
    )?;
    Ok(())
}

/// What `lake audit --verify` found.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditCheck {
    /// Entries in the chain.
    pub chained: u64,
    /// Older entries, written before the chain began (not checked).
    pub unchained: u64,
    /// The first entry whose hash does not match: its id, time and action.
    pub broken_at: Option<(i64, String, String)>,
}

impl Catalog {
    /// Records something done to the lake that is not a commit (an export, for one).
    pub fn audit(
        &mut self,
        action: &str,
        dataset: Option<&str>,
        details: &serde_json::Value,
    ) -> Result<()> {
        self.writable()?;
        let tx = self.conn.transaction()?;
        append(
            &tx,
            &super::now_rfc3339(),
            action,
            dataset,
            None,
            &details.to_string(),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Checks the audit log's chain, oldest entry first.
    pub fn verify_audit(&self) -> Result<AuditCheck> {
        let mut st = self.conn.prepare(
            "SELECT id, ts, action, dataset, version, details, hash FROM audit_log ORDER BY id",
        )?;
        type Row = (
            i64,
            String,
            String,
            Option<String>,
            Option<u32>,
            Option<String>,
            Option<String>,
        );
        let rows = st.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
        let mut check = AuditCheck {
            chained: 0,
            unchained: 0,
            broken_at: None,
        };
        let mut prev = String::new();
        for row in rows {
            let (id, ts, action, dataset, version, details, hash): Row = row?;
            let Some(hash) = hash else {
                if check.chained > 0 && check.broken_at.is_none() {
                    // A hashless entry after the chain began was written around it.
                    check.broken_at = Some((id, ts, action));
                } else {
                    check.unchained += 1;
                }
                continue;
            };
            let want = chain_hash(
                &prev,
                &ts,
                &action,
                dataset.as_deref(),
                version,
                details.as_deref(),
            );
            check.chained += 1;
            if want != hash && check.broken_at.is_none() {
                check.broken_at = Some((id, ts.clone(), action.clone()));
            }
            prev = hash;
        }
        Ok(check)
    }
}

#[cfg(test)]
mod tests {
    use crate::Lake;

    #[test]
    fn the_chain_holds_and_an_edit_or_a_removal_breaks_it_where_it_happened() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        {
            let mut c = lake.catalog();
            for i in 0..4 {
                c.audit("export", None, &serde_json::json!({ "n": i }))
                    .unwrap();
            }
            c.put_view("v", "SELECT 1 AS x").unwrap();
            let ok = c.verify_audit().unwrap();
            assert_eq!((ok.chained, ok.unchained, ok.broken_at), (5, 0, None));
            assert_eq!(c.audit_log("", 10).unwrap()[0].action, "view_create");
        }
        let db =
            rusqlite::Connection::open(dir.path().join("lake").join("catalog.sqlite")).unwrap();
        db.execute(
            "UPDATE audit_log SET details = '{\"n\":9}' WHERE id = 3",
            [],
        )
        .unwrap();
        let broken = lake.catalog().verify_audit().unwrap().broken_at.unwrap();
        assert_eq!((broken.0, broken.2.as_str()), (3, "export"));
        db.execute(
            "UPDATE audit_log SET details = '{\"n\":2}' WHERE id = 3",
            [],
        )
        .unwrap();
        assert_eq!(lake.catalog().verify_audit().unwrap().broken_at, None);
        db.execute("DELETE FROM audit_log WHERE id = 2", [])
            .unwrap();
        let broken = lake.catalog().verify_audit().unwrap().broken_at.unwrap();
        assert_eq!(
            broken.0, 3,
            "the entry after the removed one no longer chains"
        );
    }
}
