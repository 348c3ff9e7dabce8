//! `lake history`, `lake restore` and `lake vacuum`: a dataset's versions, bringing one back,
//! and removing the files of old ones. Reading a past version is SQL:
//! `SELECT ... FROM events VERSION AS OF 3` (see `lake query --help`).

use std::process::ExitCode;

use lake_core::catalog::history::VersionEntry;
use lake_core::storage::versions::parse_age;
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
