//! Quality rules kept per dataset, and the history of their checks (the top-level `quality`
//! module runs them).

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::Catalog;
use crate::error::{LakeError, Result};

/// What a rule checks.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RuleKind {
    /// No nulls in the column.
    NotNull,
    /// No value of the column twice (nulls aside).
    Unique,
    /// Numbers within `min..=max` (either may be open).
    Range {
        /// Smallest allowed.
        min: Option<f64>,
        /// Largest allowed.
        max: Option<f64>,
    },
    /// Text matching a regular expression (anywhere in the value; anchor it with ^…$).
    Regex {
        /// The pattern.
        pattern: String,
    },
    /// One of the listed values (compared as text).
    InSet {
        /// The allowed values.
        values: Vec<String>,
    },
    /// The newest date or time in the column is at most this many seconds old.
    Freshness {
        /// Largest age allowed, in seconds.
        max_age_secs: u64,
    },
    /// The row count changes by at most this share from the previous version.
    RowCountChange {
        /// Largest change allowed, in percent.
        max_percent: f64,
    },
    /// A SQL condition every row meets (rows where it is false fail; NULL passes, as in
    /// a CHECK constraint).
    Sql {
        /// The condition, e.g. `end_ts >= start_ts`.
        predicate: String,
    },
}

/// A rule of a dataset.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rule {
    /// Its dataset.
    pub dataset: String,
    /// Its name, unique per dataset.
    pub name: String,
    /// The column it checks (none for row counts and SQL conditions).
    pub column: Option<String>,
    /// What it checks.
    pub check: RuleKind,
    /// A failing import is refused (true), or only warned about (false).
    pub block: bool,
}

/// One check of a rule on one version.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RuleResult {
    /// The rule's name.
    pub rule: String,
    /// The version checked (None for an import refused before it became one).
    pub version: Option<u32>,
    /// Whether it passed.
    pub passed: bool,
    /// Rows that fail it (for freshness and row counts: 1 when it fails).
    pub failing: u64,
    /// What was found, in words.
    pub detail: String,
    /// A query that lists the failing rows of the dataset's current version, when there are
    /// rows to list.
    pub failing_sql: Option<String>,
    /// Whether a failure blocks imports.
    pub block: bool,
    /// When it was checked (RFC 3339, UTC).
    pub ts: String,
}

/// A kept result: rule, passed, failing rows, detail, version, time.
pub type KeptResult = (String, bool, u64, String, Option<u32>, String);

impl Catalog {
    /// The rules of `dataset` (all datasets' when None), by dataset and name.
    pub fn rules(&self, dataset: Option<&str>) -> Result<Vec<Rule>> {
        if !self.has_table("quality_rules")? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT dataset, name, column_name, spec, block FROM quality_rules
             WHERE ?1 IS NULL OR dataset = ?1 ORDER BY dataset, name",
        )?;
        let rows = st.query_map(params![dataset], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (dataset, name, column, spec, block) = row?;
            let check = serde_json::from_str(&spec)
                .map_err(|e| LakeError::Damaged(format!("the rule {name} of {dataset}: {e}")))?;
            out.push(Rule {
                dataset,
                name,
                column,
                check,
                block,
            });
        }
        Ok(out)
    }

    /// Stores `rule` (replacing one of the same name).
    pub fn put_rule(&mut self, rule: &Rule) -> Result<()> {
        self.writable()?;
        let now = super::now_rfc3339();
        let spec = serde_json::to_string(&rule.check).expect("rules serialize");
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO quality_rules (dataset, name, column_name, spec, block, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(dataset, name) DO UPDATE SET column_name = excluded.column_name,
               spec = excluded.spec, block = excluded.block, created_at = excluded.created_at",
            params![rule.dataset, rule.name, rule.column, spec, rule.block, now],
        )?;
        let details = serde_json::to_string(rule).expect("rules serialize");
        super::audit::append(&tx, &now, "rule_add", Some(&rule.dataset), None, &details)?;
        tx.commit()?;
        Ok(())
    }

    /// Removes a rule; false when there was none.
    pub fn drop_rule(&mut self, dataset: &str, name: &str) -> Result<bool> {
        self.writable()?;
        let tx = self.conn.transaction()?;
        let gone = tx.execute(
            "DELETE FROM quality_rules WHERE dataset = ?1 AND name = ?2",
            params![dataset, name],
        )? > 0;
        if gone {
            let now = super::now_rfc3339();
            let details = serde_json::json!({ "rule": name }).to_string();
            super::audit::append(&tx, &now, "rule_drop", Some(dataset), None, &details)?;
        }
        tx.commit()?;
        Ok(gone)
    }

    /// Keeps the results of a check (the history `lake check` and the app read).
    pub fn record_results(&mut self, dataset: &str, results: &[RuleResult]) -> Result<()> {
        self.writable()?;
        let tx = self.conn.transaction()?;
        for r in results {
            tx.execute(
                "INSERT INTO quality_results (dataset, rule, version, ts, passed, failing, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    dataset,
                    r.rule,
                    r.version,
                    r.ts,
                    r.passed,
                    r.failing as i64,
                    r.detail
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The latest results of each rule of `dataset` (rule, passed, failing rows, detail,
    /// version, ts).
    pub fn latest_results(&self, dataset: &str) -> Result<Vec<KeptResult>> {
        if !self.has_table("quality_results")? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT rule, passed, failing, detail, version, ts FROM quality_results q
             WHERE dataset = ?1 AND id = (SELECT max(id) FROM quality_results
                                          WHERE dataset = q.dataset AND rule = q.rule)
             ORDER BY rule",
        )?;
        let rows = st.query_map(params![dataset], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get::<_, i64>(2)? as u64,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}
