//! `lake history`, `lake restore` and `lake vacuum`: a dataset's versions, bringing one back,
//! and removing the files of old ones. Reading a past version is SQL:
//! `SELECT ... FROM events VERSION AS OF 3` (see `lake query --help`).

use std::process::ExitCode;

use lake_core::catalog::history::VersionEntry;
use lake_core::storage::versions::{cutoff, parse_age};
use lake_core::{Lake, LakeError};

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn schema_change(h: &VersionEntry) -> String {
    let mut parts = Vec::new();
    if !h.added.is_empty() {
        let cols: Vec<String> = h
            .added
            .iter()
            .map(|c| format!("{} {}", c.name, c.dtype))
            .collect();
        parts.push(format!("+ {}", cols.join(", ")));
    }
    if !h.removed.is_empty() {
        let cols: Vec<&str> = h.removed.iter().map(|c| c.name.as_str()).collect();
        parts.push(format!("- {}", cols.join(", ")));
    }
    for r in &h.retyped {
        parts.push(format!("{}: {} → {}", r.name, r.from, r.to));
    }
    parts.join("; ")
}

/// `lake history DATASET`.
pub fn history(lake: &Lake, dataset: &str, json: bool) -> Result<ExitCode, LakeError> {
    let entries = lake.catalog().history(dataset)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&entries).expect("history serializes")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let last = entries.len().saturating_sub(1);
    for (i, h) in entries.iter().enumerate() {
        let mode = match (h.restored_from, &h.derivation) {
            (Some(v), _) => format!("restore of v{v}"),
            (None, Some(_)) => "query".to_string(),
            (None, None) => h.mode.clone(),
        };
        let mark = if h.current { "  (current)" } else { "" };
        let gone = h
            .vacuumed_at
            .as_ref()
            .map(|t| format!("  (vacuumed {t}: no longer readable)"))
            .unwrap_or_default();
        println!(
            "v{}  {}  {mode}  {} rows  {}{mark}{gone}",
            h.version,
            h.created_at,
            h.rows,
            mb(h.bytes)
        );
        if let Some(d) = &h.derivation {
            println!(
                "    query: {}",
                d.sql.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            println!(
                "    read: {}",
                lake_core::materialize::inputs_text(&d.inputs)
            );
        }
        // The first version's columns are all new: only later changes are worth a line.
        let change = schema_change(h);
        if i != last && !change.is_empty() {
            println!("    columns: {change}");
        }
        for s in h.sources.iter().take(5) {
            println!(
                "    from {} ({} rows, sha256 {})",
                s.path,
                s.rows,
                &s.sha256[..12.min(s.sha256.len())]
            );
        }
        if h.sources.len() > 5 {
            println!("    and {} more source files", h.sources.len() - 5);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lake restore DATASET --version N`.
pub fn restore(lake: &Lake, dataset: &str, version: u32) -> Result<ExitCode, LakeError> {
    let lock = lake.try_write_lock()?;
    let new = lake.restore(&lock, dataset, version)?;
    println!("restored {dataset} version {version} as version {new} (now current)");
    Ok(ExitCode::SUCCESS)
}

/// `lake vacuum [--older-than AGE] [--dry-run]`.
pub fn vacuum(
    lake: &Lake,
    older_than: &str,
    dry_run: bool,
    json: bool,
) -> Result<ExitCode, LakeError> {
    let age = parse_age(older_than)?;
    let lock = lake.try_write_lock()?;
    let report = lake.vacuum(&lock, age, dry_run)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serializes")
        );
        return Ok(ExitCode::SUCCESS);
    }
    if report.versions.is_empty() {
        println!("nothing to vacuum: no version was replaced more than {older_than} ago");
        return Ok(ExitCode::SUCCESS);
    }
    let verb = if dry_run { "would remove" } else { "removed" };
    println!(
        "{verb} {} file(s), {}, of {} old version(s): {}",
        report.files.len(),
        mb(report.bytes),
        report.versions.len(),
        report.versions.join(", ")
    );
    for f in &report.files {
        println!("  {f}");
    }
    if dry_run {
        println!(
            "run it without --dry-run to remove them; those versions can no longer be read after"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `lake audit [--since AGE] [--json] [--verify]`.
pub fn audit(
    lake: &Lake,
    since: Option<&str>,
    json: bool,
    verify: bool,
) -> Result<ExitCode, LakeError> {
    if verify {
        let c = lake.catalog().verify_audit()?;
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&c).expect("check serializes")
            );
        }
        return match c.broken_at {
            None => {
                if !json {
                    println!(
                        "the audit log is intact: {} chained entries{}",
                        c.chained,
                        if c.unchained > 0 {
                            format!(
                                " ({} older ones from before the chain, not checked)",
                                c.unchained
                            )
                        } else {
                            String::new()
                        }
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            Some((id, ts, action)) => Err(LakeError::Damaged(format!(
                "the audit log was changed: entry {id} ({action} at {ts}) does not match its \
                 hash chain; entries from there on cannot be trusted"
            ))),
        };
    }
    let since = match since {
        Some(age) => cutoff(parse_age(age)?),
        None => String::new(),
    };
    let entries = lake.catalog().audit_log(&since, 10_000)?;
    if json {
        let list: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| {
                serde_json::json!({
                    "ts": e.ts, "action": e.action, "dataset": e.dataset, "version": e.version,
                    "details": e.details.as_deref().and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok()),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&list).expect("entries serialize")
        );
        return Ok(ExitCode::SUCCESS);
    }
    for e in entries {
        let what = match (&e.dataset, e.version) {
            (Some(d), Some(v)) => format!("{d} v{v}"),
            (Some(d), None) => d.clone(),
            _ => String::new(),
        };
        println!(
            "{}  {:<15} {what}  {}",
            e.ts,
            e.action,
            e.details.unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}
