//! The paths the user chose. The page may name a file or folder only when the user picked it in
//! a dialog the shell opened, dropped it on the window, or the shell handed it out (the default
//! lake, the recent lakes). Any other path from the page is refused with `path_not_chosen`, so
//! a page that is tricked into asking cannot read, import or overwrite what it likes.

use lake_core::ErrorCode;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{AppError, CmdResult};
use crate::state::lock;

/// How a granted path may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Read it, and what is inside it when it is a folder (import, open a lake).
    Read,
    /// Write this one file (an export the user named in a save dialog).
    Write,
}

/// The paths granted so far in this run of the app.
#[derive(Default)]
pub struct Grants {
    granted: Mutex<Vec<(PathBuf, Use)>>,
}

/// `p` with links resolved; for a file that does not exist yet, its folder resolved.
fn resolve(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = lake_core::storage::platform::canonical(p) {
        return Some(c);
    }
    let parent = lake_core::storage::platform::canonical(p.parent()?).ok()?;
    Some(parent.join(p.file_name()?))
}

impl Grants {
    /// Grants `paths` (chosen in a dialog or dropped) for `how`.
    pub fn grant<P: AsRef<Path>>(&self, paths: impl IntoIterator<Item = P>, how: Use) {
        let mut g = lock(&self.granted);
        for p in paths {
            let p = p.as_ref();
            let resolved = resolve(p).unwrap_or_else(|| p.to_path_buf());
            if !g.iter().any(|(q, u)| *q == resolved && *u == how) {
                g.push((resolved, how));
            }
        }
    }

    /// The path, if the user chose it (or, for reading, a folder holding it).
    pub fn check(&self, path: &str, how: Use) -> CmdResult<PathBuf> {
        let p = PathBuf::from(path);
        let ok = resolve(&p).is_some_and(|r| {
            lock(&self.granted).iter().any(|(g, u)| match (how, u) {
                (Use::Read, Use::Read) => r.starts_with(g),
                (Use::Write, Use::Write) => r == *g,
                _ => false,
            })
        });
        if ok {
            Ok(p)
        } else {
            let mut e = AppError::new(
                ErrorCode::PathNotChosen,
                format!(
                    "{path} was not chosen in this window; choose it with a file dialog or drop \
                     it on the window"
                ),
            );
            e.0.details = serde_json::json!({ "path": path });
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_chosen_paths_and_what_is_inside_chosen_folders_pass() {
        let dir = tempfile::tempdir().unwrap();
        let chosen = dir.path().join("chosen");
        std::fs::create_dir_all(chosen.join("sub")).unwrap();
        std::fs::write(chosen.join("sub/a.csv"), "a\n").unwrap();
        std::fs::write(dir.path().join("secret.csv"), "s\n").unwrap();
        let g = Grants::default();
        let s = |p: &Path| p.display().to_string();
        assert_eq!(
            g.check(&s(&chosen), Use::Read).unwrap_err().0.code,
            "path_not_chosen"
        );
        g.grant([&chosen], Use::Read);
        assert!(g.check(&s(&chosen.join("sub/a.csv")), Use::Read).is_ok());
        for bad in [
            dir.path().join("secret.csv"),
            chosen.join("../secret.csv"),
            PathBuf::from("/etc/passwd"),
        ] {
            assert!(g.check(&s(&bad), Use::Read).is_err(), "{}", bad.display());
        }
        // A link inside the chosen folder that leads out of it is not inside it.
        #[cfg(unix)]
        {
            let link = chosen.join("link.csv");
            std::os::unix::fs::symlink(dir.path().join("secret.csv"), &link).unwrap();
            assert!(g.check(&s(&link), Use::Read).is_err());
        }
        // Reading does not allow writing, and a save grant is for that one file.
        assert!(g.check(&s(&chosen.join("out.csv")), Use::Write).is_err());
        g.grant([chosen.join("out.csv")], Use::Write);
        assert!(g.check(&s(&chosen.join("out.csv")), Use::Write).is_ok());
        assert!(g.check(&s(&chosen.join("other.csv")), Use::Write).is_err());
    }
}
