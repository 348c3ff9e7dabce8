//! The result cache: a query asked again, with the same datasets at the same versions, is
//! answered from memory instead of the files.
//!
//! - **The key** is the statement as the parser reads it (so spacing and keyword case do not
//!   matter), with a fingerprint of what else shapes an answer: the views' definitions, the
//!   columns tagged as personal data and the lake's settings (masking).
//! - **An entry is used** only while every dataset it read is still at the version it read, made
//!   at the same moment (a dataset dropped and made again under its name is another one). So a
//!   new version, a restore or a retention run invalidates it; the check reads the catalog, not a
//!   flag someone must remember to clear.
//! - **Not cached:** EXPLAIN, answers of time-dependent or random functions (`now()`,
//!   `random()`..., in the query or a view it reads), time travel, answers larger than
//!   [`MAX_ENTRY_BYTES`], and an answer whose key changed while it ran (masking turned off or
//!   a view redefined meanwhile: kept under the old key it would be served wrongly). The cache holds at most
//!   [`MAX_BYTES`]; the least recently used entries go first.

use std::collections::HashMap;
use std::sync::Mutex;

use polars::prelude::DataFrame;
use sqlparser::ast::{visit_expressions, Expr, Statement};

use crate::catalog::lineage::InputVersion;
use crate::catalog::query_log::ScanSummary;
use crate::error::Result;
use crate::Lake;

/// What the cache may hold in all.
pub const MAX_BYTES: usize = 256 << 20;
/// The largest answer it keeps.
pub const MAX_ENTRY_BYTES: usize = 64 << 20;

/// Functions whose answer changes between runs over the same data.
const VOLATILE: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtimestamp",
    "localtime",
    "today",
    "random",
    "rand",
    "uuid",
    "gen_random_uuid",
    "get_current_time",
];

/// An answer kept, with what it read and when it was made.
struct Entry {
    frame: DataFrame,
    masked: Vec<String>,
    inputs: Vec<InputVersion>,
    /// Each input's version's commit time, in the order of `inputs`.
    stamps: Vec<String>,
    scan: Option<ScanSummary>,
    bytes: usize,
    used: u64,
}

/// The cache of one open lake.
#[derive(Default)]
pub struct ResultCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    bytes: usize,
    tick: u64,
}

/// An answer from the cache.
pub struct Hit {
    /// The rows (masked as they were when kept; masking is part of the key).
    pub frame: DataFrame,
    /// Columns masked.
    pub masked: Vec<String>,
    /// The dataset versions it was computed from.
    pub inputs: Vec<InputVersion>,
    /// What computing it read.
    pub scan: Option<ScanSummary>,
}

/// Where an answer is kept: the statement as parsed, and what else shaped its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey {
    statement: String,
    context: String,
}

impl CacheKey {
    /// The text entries are kept under.
    pub fn text(&self) -> String {
        format!("{}\u{0}{}", self.statement, self.context)
    }

    /// Whether nothing that shapes the answer (masking, views, names) changed since the key
    /// was made: the statement is the same text, so only the catalog is read again.
    pub fn still_current(&self, lake: &Lake) -> bool {
        matches!(lake.catalog().answer_context(), Ok(c) if c == self.context)
    }
}

/// The cache key of `sql`, or `None` when its answer must not be cached.
pub fn key(lake: &Lake, sql: &str) -> Result<Option<CacheKey>> {
    let Ok(guarded) = super::guard::guard(sql) else {
        // Its error comes from running it.
        return Ok(None);
    };
    if guarded.explain.is_some() || volatile(&guarded.statement) {
        return Ok(None);
    }
    // A view may call `now()` too: look at the statement with its views in front.
    let mut expanded = guarded.statement.clone();
    let known: std::collections::HashSet<String> =
        lake.catalog().dataset_names()?.into_iter().collect();
    if super::views::expand(lake, &mut expanded, &known).is_err() || volatile(&expanded) {
        return Ok(None);
    }
    Ok(Some(CacheKey {
        statement: guarded.statement.to_string(),
        context: lake.catalog().answer_context()?,
    }))
}

/// Whether a run of `sql` now would be answered from the cache (for EXPLAIN, which may be
/// given as `EXPLAIN …`: the query inside is looked up).
pub fn would_answer(lake: &Lake, sql: &str) -> bool {
    let Ok(guarded) = super::guard::guard(sql) else {
        return false;
    };
    let inner = match guarded.statement {
        Statement::Explain { statement, .. } => statement.to_string(),
        _ => sql.to_string(),
    };
    match key(lake, &inner) {
        Ok(Some(k)) => matches!(lake.memo::<ResultCache>().peek(lake, &k.text()), Ok(true)),
        _ => false,
    }
}

fn volatile(statement: &Statement) -> bool {
    visit_expressions(statement, |e| match e {
        Expr::Function(f) => {
            let name = f.name.to_string().to_ascii_lowercase();
            let last = name.rsplit('.').next().unwrap_or(&name).trim_matches('"');
            if VOLATILE.contains(&last) {
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        }
        _ => std::ops::ControlFlow::Continue(()),
    })
    .is_break()
}

impl ResultCache {
    /// The answer kept under `key`, if every dataset it read is still at that version.
    pub fn get(&self, lake: &Lake, key: &str) -> Result<Option<Hit>> {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let Some(e) = g.entries.get(key) else {
            return Ok(None);
        };
        let now = stamps(lake, &e.inputs)?;
        if now.as_deref() != Some(e.stamps.as_slice()) {
            let e = g.entries.remove(key).expect("looked up above");
            g.bytes -= e.bytes;
            return Ok(None);
        }
        g.tick += 1;
        let tick = g.tick;
        let e = g.entries.get_mut(key).expect("looked up above");
        e.used = tick;
        Ok(Some(Hit {
            frame: e.frame.clone(),
            masked: e.masked.clone(),
            inputs: e.inputs.clone(),
            scan: e.scan.clone(),
        }))
    }

    /// Whether the entry under `key` would be used now (without touching it).
    pub fn peek(&self, lake: &Lake, key: &str) -> Result<bool> {
        let inputs = {
            let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            match g.entries.get(key) {
                Some(e) => (e.inputs.clone(), e.stamps.clone()),
                None => return Ok(false),
            }
        };
        Ok(stamps(lake, &inputs.0)?.as_deref() == Some(inputs.1.as_slice()))
    }

    /// Keeps an answer under `key`; `false` when it is too large to keep.
    pub fn put(&self, lake: &Lake, key: String, out: &super::QueryOutput) -> Result<bool> {
        let bytes = out.frame.estimated_size(false) + key.len();
        // Time travel (`TIMESTAMP AS OF` a time still to come reads the current version, which
        // moves on) is answered from the files.
        if bytes > MAX_ENTRY_BYTES || out.inputs.iter().any(|i| i.pinned) {
            return Ok(false);
        }
        let Some(stamps) = stamps(lake, &out.inputs)? else {
            return Ok(false);
        };
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = g.entries.remove(&key) {
            g.bytes -= old.bytes;
        }
        while g.bytes + bytes > MAX_BYTES {
            let Some(oldest) = g
                .entries
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            let e = g.entries.remove(&oldest).expect("just found");
            g.bytes -= e.bytes;
        }
        g.tick += 1;
        let used = g.tick;
        g.bytes += bytes;
        g.entries.insert(
            key,
            Entry {
                frame: out.frame.clone(),
                masked: out.masked.clone(),
                inputs: out.inputs.clone(),
                stamps,
                scan: out.scan.clone(),
                bytes,
                used,
            },
        );
        Ok(true)
    }

    /// Entries and their bytes.
    pub fn size(&self) -> (usize, usize) {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        (g.entries.len(), g.bytes)
    }
}

/// Each input's version's commit time when it is what a query would read now: the current
/// version (the version asked for, when pinned by time travel); `None` when any is not.
fn stamps(lake: &Lake, inputs: &[InputVersion]) -> Result<Option<Vec<String>>> {
    let cat = lake.catalog();
    let mut out = Vec::with_capacity(inputs.len());
    for i in inputs {
        match cat.version_stamp(&i.dataset, i.version, !i.pinned)? {
            Some(s) => out.push(s),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}
