//! Clean-up after a crash, on open: removes exactly the paths the journal lists
//! ([`crate::catalog::journal`]) that no version references, and reports (never removes)
//! anything else it finds under `data/` and `staging/`. It never follows a link and never acts
//! on a path whose folder does not resolve inside the lake.

use std::collections::HashSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::catalog::journal::{Entry, EntryKind};
use crate::catalog::Catalog;
use crate::error::Result;

/// File names a job writes into its staging folder: Parquet parts, transcoded CSV and the
/// Takeout files kept aside until Records has been read.
fn is_staging_output(name: &str) -> bool {
    name.ends_with(".parquet")
        || name.ends_with("-utf8.csv")
        || (name.starts_with("deferred-") && name.ends_with(".json"))
}

/// `rel` as a path under `root`, if it is a plain relative path (no `..`, no root).
fn join_plain(root: &Path, rel: &str) -> Option<PathBuf> {
    let p = Path::new(rel);
    p.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| root.join(p))
        .filter(|_| !rel.is_empty())
}

/// Whether `p`'s folder resolves (links and all) inside `canonical_root`.
fn folder_inside(canonical_root: &Path, p: &Path) -> bool {
    p.parent()
        .and_then(|d| crate::storage::platform::canonical(d).ok())
        .is_some_and(|d| d.starts_with(canonical_root))
}

/// What clean-up did.
#[derive(Debug, Default)]
pub struct CleanupReport {
    /// Paths removed (relative to the lake root).
    pub removed: Vec<String>,
    /// Paths under `data/` and `staging/` that are not the lake's, left alone.
    pub foreign: Vec<String>,
}

/// Removes what crashed jobs left (under the write lock) and lists what is not the lake's.
pub(super) fn clean_up(
    root: &Path,
    canonical_root: &Path,
    catalog: &mut Catalog,
) -> Result<CleanupReport> {
    let mut report = CleanupReport::default();
    let entries = catalog.journal_entries()?;
    let referenced = catalog.referenced_paths()?;
    let mut done: Vec<Entry> = Vec::new();
    // Files first, then folders deepest first, then staging folders.
    let mut order: Vec<&Entry> = entries.iter().collect();
    order.sort_by_key(|e| match e.kind {
        EntryKind::File => (0, 0),
        EntryKind::Dir => (1, usize::MAX - e.path.matches('/').count()),
        EntryKind::Staging => (2, 0),
    });
    for e in order {
        let Some(path) = join_plain(root, &e.path) else {
            done.push(e.clone()); // never acted on: not a path inside the lake
            continue;
        };
        let inside = folder_inside(canonical_root, &path);
        let meta = fs::symlink_metadata(&path).ok();
        match (e.kind, meta) {
            (_, None) => {}
            (_, Some(_)) if !inside => {
                report.foreign.push(e.path.clone());
            }
            (EntryKind::File, Some(m)) => {
                if m.file_type().is_file() && !referenced.contains(&e.path) {
                    if fs::remove_file(&path).is_ok() {
                        report.removed.push(e.path.clone());
                    }
                } else if !m.file_type().is_file() {
                    report.foreign.push(e.path.clone());
                }
            }
            (EntryKind::Dir, Some(m)) => {
                // Only when empty: anything still in it is reported by the scan below.
                if m.file_type().is_dir() && fs::remove_dir(&path).is_ok() {
                    report.removed.push(e.path.clone());
                }
            }
            (EntryKind::Staging, Some(m)) => {
                if m.file_type().is_dir() {
                    clean_staging_dir(&path, &e.path, &mut report);
                }
            }
        }
        done.push(e.clone());
    }
    if !done.is_empty() {
        catalog.journal_forget(&done)?;
    }
    for top in ["staging", "data"] {
        scan_foreign(root, Path::new(top), &referenced, &mut report.foreign);
    }
    report.foreign.sort();
    report.foreign.dedup();
    Ok(report)
}

fn clean_staging_dir(path: &Path, rel: &str, report: &mut CleanupReport) {
    if let Ok(items) = fs::read_dir(path) {
        for item in items.flatten() {
            let name = item.file_name().to_string_lossy().into_owned();
            let is_file = item.file_type().is_ok_and(|t| t.is_file());
            if is_file && is_staging_output(&name) && fs::remove_file(item.path()).is_ok() {
                report.removed.push(format!("{rel}/{name}"));
            }
        }
    }
    if fs::remove_dir(path).is_ok() {
        report.removed.push(rel.to_string());
    }
}

/// Lists files (and links) under `rel` that no version references; never follows links.
fn scan_foreign(root: &Path, rel: &Path, referenced: &HashSet<String>, out: &mut Vec<String>) {
    const MAX_LISTED: usize = 1000;
    let Ok(items) = fs::read_dir(root.join(rel)) else {
        return;
    };
    for item in items.flatten() {
        if out.len() >= MAX_LISTED {
            return;
        }
        let child = rel.join(item.file_name());
        let text = child.to_string_lossy().replace('\\', "/");
        match item.file_type() {
            Ok(t) if t.is_dir() => scan_foreign(root, &child, referenced, out),
            Ok(t) if t.is_file() && referenced.contains(&text) => {}
            _ => out.push(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_joined() {
        let root = Path::new("/lake");
        assert_eq!(
            join_plain(root, "data/t/v1/part-00000.parquet"),
            Some(PathBuf::from("/lake/data/t/v1/part-00000.parquet"))
        );
        for bad in ["", "../x", "data/../../x", "/etc/passwd", "data/./x"] {
            if bad == "data/./x" {
                // `.` components are dropped by Path; the result stays inside.
                assert!(join_plain(root, bad).is_some_and(|p| p.starts_with(root)));
                continue;
            }
            assert_eq!(join_plain(root, bad), None, "{bad}");
        }
    }
}
