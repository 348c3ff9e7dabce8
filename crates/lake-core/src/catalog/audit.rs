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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditCheck {
    /// Entries in the chain.
    pub chained: u64,
    /// Older entries, written before the chain began (not checked).
    pub unchained: u64,
    /// The first entry whose hash does not match: its id, time and action.
    #[cfg_attr(feature = "ts", ts(type = "[number, string, string] | null"))]
    pub broken_at: Option<(i64, String, String)>,
}

/// Which audit entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// At or after this time (RFC 3339, UTC); all when empty.
    pub since: String,
    /// Only this action (`query`, `commit_version`, ...).
    pub action: Option<String>,
    /// Only entries whose dataset or details contain this text (any case).
    pub text: Option<String>,
    /// At most this many, newest first.
    pub limit: u32,
}

impl Catalog {
    /// The entries `f` asks for, newest first.
    pub fn audit_filtered(&self, f: &AuditFilter) -> Result<Vec<super::AuditEntry>> {
        let like = f.text.as_deref().filter(|t| !t.is_empty()).map(|t| {
            let escaped = t
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        });
        let mut st = self.conn.prepare(
            "SELECT ts, action, dataset, version, details FROM audit_log
             WHERE ts >= ?1 AND (?2 IS NULL OR action = ?2)
               AND (?3 IS NULL OR dataset LIKE ?3 ESCAPE '\\' OR details LIKE ?3 ESCAPE '\\')
             ORDER BY id DESC LIMIT ?4",
        )?;
        let rows = st.query_map(params![f.since, f.action, like, f.limit], |r| {
            Ok(super::AuditEntry {
                ts: r.get(0)?,
                action: r.get(1)?,
                dataset: r.get(2)?,
                version: r.get(3)?,
                details: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The actions the log holds, sorted.
    pub fn audit_actions(&self) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare("SELECT DISTINCT action FROM audit_log ORDER BY action")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

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
            let f = |action: Option<&str>, text: Option<&str>| {
                let filter = super::AuditFilter {
                    action: action.map(str::to_string),
                    text: text.map(str::to_string),
                    limit: 100,
                    ..Default::default()
                };
                c.audit_filtered(&filter).unwrap().len()
            };
            assert_eq!(f(Some("export"), None), 4);
            assert_eq!(f(None, Some("\"n\":2")), 1);
            assert_eq!(f(None, Some("SELECT 1")), 1, "the view's SQL");
            assert_eq!(f(Some("export"), Some("SELECT")), 0);
            assert_eq!(f(None, Some("%")), 0, "% is a character, not a wildcard");
            assert_eq!(c.audit_actions().unwrap(), ["export", "view_create"]);
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
