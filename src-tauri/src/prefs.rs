//! The settings file in the app (`lake_core::settings`): read at start, watched with `notify`
//! and read again whenever it changes. A good file replaces the settings at once (the theme
//! changes on screen, the next import uses its defaults); a bad one is reported with its key and
//! line, and the app keeps running on the last good settings.

use std::path::{Path, PathBuf};

use lake_core::settings::{self, Settings};
use notify::Watcher;
use serde::Serialize;
use tauri::{AppHandle, Manager};
use ts_rs::TS;

use crate::error::AppError;
use crate::state::{lock, AppState};

/// The settings as the page shows them.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SettingsView {
    /// The file.
    pub file: String,
    /// Whether it exists (without it, the defaults are in effect).
    pub exists: bool,
    /// The settings in effect: the file's, or the last good ones while it has an error.
    pub settings: Settings,
    /// What is wrong with the file as it is now, if anything.
    pub error: Option<lake_core::error::ErrorPayload>,
}

/// Reads `path`; on an error, keeps `last` (the defaults at start) and says what is wrong.
pub fn read(path: &Path, last: &Settings) -> SettingsView {
    let (settings, error) = match settings::load(path) {
        Ok(s) => (s, None),
        Err(e) => (last.clone(), Some(AppError::from(e).0)),
    };
    SettingsView {
        file: path.display().to_string(),
        exists: path.exists(),
        settings,
        error,
    }
}

/// Reads the file again into the state; returns what the page should now show.
pub fn reload(state: &AppState) -> SettingsView {
    let last = lock(&state.prefs).settings.clone();
    let view = read(&state.prefs_file, &last);
    *lock(&state.prefs) = view.clone();
    view
}

/// Keeps the watcher alive as long as the app runs.
pub struct Watching(#[allow(dead_code)] std::sync::Mutex<Option<notify::RecommendedWatcher>>);

/// Watches the settings file's folder (the file may not exist yet) and, when the file changes,
/// reads it again and tells the window (`lake://settings`).
pub fn watch(app: &AppHandle, file: PathBuf) -> Watching {
    let Some(dir) = file.parent().map(Path::to_path_buf) else {
        return Watching(Default::default());
    };
    let _ = std::fs::create_dir_all(&dir);
    let handle = app.clone();
    let watched = file.clone();
    let watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        let Ok(ev) = ev else { return };
        if ev.kind.is_access()
            || !ev
                .paths
                .iter()
                .any(|p| p.file_name() == watched.file_name())
        {
            return;
        }
        let view = reload(&handle.state::<AppState>());
        crate::ipc::emit::settings_changed(&handle, view);
    })
    .and_then(|mut w| {
        w.watch(&dir, notify::RecursiveMode::NonRecursive)
            .map(|_| w)
    });
    match watcher {
        Ok(w) => Watching(std::sync::Mutex::new(Some(w))),
        Err(e) => {
            eprintln!(
                "settings: not watching {} ({e}); changes apply at the next start",
                dir.display()
            );
            Watching(Default::default())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_file_keeps_the_last_good_settings_and_says_where_it_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let st = AppState::new(dir.path(), dir.path());
        let file = st.prefs_file.clone();
        assert!(!reload(&st).exists);
        std::fs::write(&file, "[app]\ntheme = \"light\"\n").unwrap();
        let good = reload(&st);
        assert_eq!(
            (good.settings.theme.as_str(), good.error.is_none()),
            ("light", true)
        );
        std::fs::write(
            &file,
            "[app]\ntheme = \"light\"\n[import]\nrows_per_file = 5\n",
        )
        .unwrap();
        let bad = reload(&st);
        assert_eq!(bad.settings.theme, "light", "the last good settings stay");
        let e = bad.error.unwrap();
        assert_eq!(e.code, "bad_input");
        assert!(
            e.message.contains("line 4") && e.message.contains("import.rows_per_file"),
            "{}",
            e.message
        );
        std::fs::write(&file, "preset = \"low-memory\"\n").unwrap();
        let fixed = reload(&st);
        assert_eq!(
            (fixed.settings.threads, fixed.settings.theme.as_str()),
            (2, "system")
        );
        assert!(fixed.error.is_none());
    }
}
