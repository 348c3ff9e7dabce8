//! What a folder is: nothing yet, an empty folder, a lake, or something else. A lake is
//! recognised by its catalog (SQLite's `application_id` says "Datapunk Lake", see
//! [`crate::catalog::schema`]); a small marker file beside it says so to people and other tools.
//! Nothing here writes to a folder that is not a lake.

use std::fs;
use std::path::Path;

use crate::catalog::schema::{probe, CatalogKind};
use crate::error::{LakeError, Result};

/// The catalog's file name in a lake folder.
pub const CATALOG_FILE: &str = "catalog.sqlite";
/// The marker file a lake folder holds.
pub const MARKER_FILE: &str = "datapunk-lake.json";
/// The manifest a backup folder holds (the backup module writes it): such a folder is never opened as a
/// lake, which would change its catalog and so its checksums.
pub const BACKUP_MANIFEST_FILE: &str = "datapunk-backup.json";

/// `Err` when `dir` is a backup of a lake: it is restored, not opened.
pub fn refuse_backup(dir: &Path) -> Result<()> {
    if !dir.join(BACKUP_MANIFEST_FILE).is_file() {
        return Ok(());
    }
    Err(LakeError::NotALake(format!(
        "{} is a backup of a lake, not a lake: restore it into a new folder with `lake restore {} \
         --to NEW_FOLDER` (or Restore a backup… in the app), or check it with `lake verify {}`; \
         it is not opened, so it stays restorable (nothing in it was changed)",
        dir.display(),
        dir.display(),
        dir.display()
    )))
}

/// What identifies a lake wherever it is moved or restored: its marker's creation time
/// (empty when it has no readable marker).
pub fn lake_identity(dir: &Path) -> String {
    fs::read(dir.join(MARKER_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["created_at"].as_str().map(str::to_string))
        .unwrap_or_default()
}

/// What a folder holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderKind {
    /// The folder does not exist.
    Missing,
    /// It exists and is empty.
    Empty,
    /// It is a lake.
    Lake,
    /// A lake written before lakes carried an application id (adopted when opened read-write).
    LegacyLake,
    /// Anything else, with why it is not a lake.
    Other(String),
}

/// Looks at `dir` without changing anything in it.
pub fn classify(dir: &Path) -> Result<FolderKind> {
    let meta = match fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FolderKind::Missing),
        Err(e) => return Err(LakeError::io(format!("looking at {}", dir.display()), e)),
    };
    if !meta.is_dir() {
        return Ok(FolderKind::Other(format!(
            "{} is a file, not a folder",
            dir.display()
        )));
    }
    let catalog = dir.join(CATALOG_FILE);
    match fs::symlink_metadata(&catalog) {
        Ok(m) if m.file_type().is_file() => {
            return Ok(match probe(&catalog)? {
                CatalogKind::Lake => FolderKind::Lake,
                CatalogKind::LegacyLake => FolderKind::LegacyLake,
                CatalogKind::Foreign(why) => {
                    FolderKind::Other(format!("its {CATALOG_FILE} is not a lake's: {why}"))
                }
            })
        }
        Ok(_) => {
            return Ok(FolderKind::Other(format!(
                "its {CATALOG_FILE} is not a regular file"
            )))
        }
        Err(_) => {}
    }
    if dir.join(MARKER_FILE).exists() {
        return Ok(FolderKind::Other(format!(
            "it has a {MARKER_FILE} but no {CATALOG_FILE}: the lake's catalog is missing; \
             restore it from a backup"
        )));
    }
    let mut entries =
        fs::read_dir(dir).map_err(|e| LakeError::io(format!("listing {}", dir.display()), e))?;
    Ok(if entries.next().is_none() {
        FolderKind::Empty
    } else {
        FolderKind::Other("it is not empty and holds no lake".into())
    })
}

/// The marker's text: what the folder is, for people who come across it.
pub fn marker_text() -> String {
    let v = serde_json::json!({
        "format": "datapunk-lake",
        "format_version": 1,
        "catalog": CATALOG_FILE,
        "created_at": crate::catalog::now_rfc3339(),
        "about": "This folder is a Datapunk Lake: catalog.sqlite lists the datasets, and data/ \
                  holds them as plain Parquet files. Change it only through Datapunk Lake.",
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

/// The error for a folder that is not a lake and may not become one.
pub fn not_a_lake(dir: &Path, why: &str, creating: bool) -> LakeError {
    let what = if creating {
        "choose an empty or new folder for a new lake"
    } else {
        "open a lake folder, or create a new lake in an empty folder"
    };
    LakeError::NotALake(format!(
        "{} is not a lake: {why}; {what} (nothing in it was changed)",
        dir.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_classified_without_changes() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            classify(&dir.path().join("nope")).unwrap(),
            FolderKind::Missing
        );
        assert_eq!(classify(dir.path()).unwrap(), FolderKind::Empty);
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        assert!(matches!(
            classify(dir.path()).unwrap(),
            FolderKind::Other(_)
        ));
        fs::write(dir.path().join(CATALOG_FILE), "not sqlite").unwrap();
        assert!(
            matches!(classify(dir.path()).unwrap(), FolderKind::Other(w) if w.contains("not a SQLite"))
        );
        assert_eq!(
            fs::read(dir.path().join(CATALOG_FILE)).unwrap(),
            b"not sqlite"
        );
    }
}
