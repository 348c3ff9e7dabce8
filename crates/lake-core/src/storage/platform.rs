//! What differs between Linux, macOS and Windows, in small functions the rest of the lake calls
//! (and unit tests pin down for each platform, whichever one runs them):
//! - resolving a path: on Windows, std's `canonicalize` gives `\\?\C:\…` verbatim paths, which
//!   Polars, SQLite and people do not read as they read `C:\…`; the plain form is kept;
//! - making a folder's entries durable: Unix fsyncs the folder; Windows cannot open a folder as
//!   a file (without backup semantics) and journals NTFS metadata itself;
//! - the per-user data folder the default lake lives in.

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// `path` with links and `..` resolved; on Windows in its plain form where it has one.
pub fn canonical(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    dunce::canonicalize(path)
}

/// Makes the entries of the folder `path` (files created, renamed or removed in it) durable.
pub fn sync_dir(path: &Path) -> io::Result<()> {
    if cfg!(unix) {
        File::open(path)?.sync_all()
    } else {
        Ok(())
    }
}

/// Makes the file at `path` durable. Windows flushes a file only through a handle that may
/// write, so it is opened for writing there (nothing is written).
pub fn sync_file(path: &Path) -> io::Result<()> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(cfg!(windows))
        .open(path)?
        .sync_all()
}

/// Opens (creating it if needed) the lock file at `path` and takes its exclusive lock without
/// waiting: `None` when another process (or another handle) holds it. The lock goes with the
/// returned file.
pub fn try_lock_file(path: &Path) -> io::Result<Option<File>> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    Ok(file.try_lock().is_ok().then_some(file))
}

/// An operating system, for the choices that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// Linux and the other Unix desktops (the XDG rules).
    Linux,
    /// macOS.
    MacOs,
    /// Windows.
    Windows,
}

impl Os {
    /// The one this build runs on.
    pub fn current() -> Os {
        if cfg!(target_os = "macos") {
            Os::MacOs
        } else if cfg!(windows) {
            Os::Windows
        } else {
            Os::Linux
        }
    }
}

/// The per-user folder for application data, as Tauri's `app_data_dir` finds it (before the
/// app's own folder): `%APPDATA%` on Windows, `~/Library/Application Support` on macOS,
/// `$XDG_DATA_HOME` (when absolute) or `~/.local/share` elsewhere. `env` reads a variable.
pub fn data_home(os: Os, env: &dyn Fn(&str) -> Option<OsString>) -> PathBuf {
    let home = env("HOME")
        .or_else(|| env("USERPROFILE"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    match os {
        Os::MacOs => home.join("Library/Application Support"),
        Os::Windows => env("APPDATA")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join("AppData").join("Roaming")),
        Os::Linux => env("XDG_DATA_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .unwrap_or_else(|| home.join(".local/share")),
    }
}

/// The per-user folder for application settings, as Tauri's `app_config_dir` finds it (before
/// the app's own folder): `%APPDATA%` on Windows, `~/Library/Application Support` on macOS,
/// `$XDG_CONFIG_HOME` (when absolute) or `~/.config` elsewhere.
pub fn config_home(os: Os, env: &dyn Fn(&str) -> Option<OsString>) -> PathBuf {
    match os {
        Os::Linux => env("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .unwrap_or_else(|| {
                env("HOME")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from("."))
                    .join(".config")
            }),
        _ => data_home(os, env),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| OsString::from(*v))
        }
    }

    #[test]
    fn the_data_folder_is_each_platforms_own() {
        let linux = env_of(&[("HOME", "/home/ada"), ("XDG_DATA_HOME", "/data/ada")]);
        assert_eq!(data_home(Os::Linux, &linux), PathBuf::from("/data/ada"));
        // A relative XDG_DATA_HOME is ignored, as the XDG rules say.
        let relative = env_of(&[("HOME", "/home/ada"), ("XDG_DATA_HOME", "data")]);
        assert_eq!(
            data_home(Os::Linux, &relative),
            PathBuf::from("/home/ada/.local/share")
        );
        let mac = env_of(&[("HOME", "/Users/ada")]);
        assert_eq!(
            data_home(Os::MacOs, &mac),
            PathBuf::from("/Users/ada/Library/Application Support")
        );
        let win = env_of(&[
            ("USERPROFILE", r"C:\Users\ada"),
            ("APPDATA", r"C:\Users\ada\AppData\Roaming"),
        ]);
        assert_eq!(
            data_home(Os::Windows, &win),
            PathBuf::from(r"C:\Users\ada\AppData\Roaming")
        );
        assert_eq!(
            config_home(Os::Linux, &linux),
            PathBuf::from("/home/ada/.config")
        );
        let xdg = env_of(&[("HOME", "/home/ada"), ("XDG_CONFIG_HOME", "/cfg")]);
        assert_eq!(config_home(Os::Linux, &xdg), PathBuf::from("/cfg"));
        assert_eq!(config_home(Os::MacOs, &mac), data_home(Os::MacOs, &mac));
        assert_eq!(config_home(Os::Windows, &win), data_home(Os::Windows, &win));
        let win_bare = env_of(&[("USERPROFILE", r"C:\Users\ada")]);
        assert_eq!(
            data_home(Os::Windows, &win_bare),
            PathBuf::from(r"C:\Users\ada")
                .join("AppData")
                .join("Roaming")
        );
    }

    #[test]
    fn paths_resolve_to_their_plain_form_and_folders_sync() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a");
        std::fs::create_dir(&sub).unwrap();
        let back = canonical(sub.join("..").join("a")).unwrap();
        assert_eq!(back, canonical(&sub).unwrap());
        assert!(
            !back.to_string_lossy().starts_with(r"\\?\"),
            "{}",
            back.display()
        );
        sync_dir(&sub).unwrap();
        assert!(sync_dir(&dir.path().join("missing")).is_err() || !cfg!(unix));
    }
}
