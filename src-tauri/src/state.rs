//! What the app keeps between commands: the open lake, kept query results, cancel tokens, and
//! the settings file that remembers the last lake.

use lake_core::ErrorCode;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use lake_core::ingest::progress::ImportSlot;
use lake_core::ingest::CancelToken;
use lake_core::query::results::ResultSet;
use lake_core::Lake;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, CmdResult};
use crate::grants::{Grants, Use};

/// Kept results at most; the oldest goes first (each grid tab holds one).
const MAX_RESULTS: usize = 16;

/// Settings remembered across runs.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Settings {
    /// Lakes opened, most recent first.
    pub recent: Vec<String>,
    /// Each lake's last backup folder, by lake folder ("Back up now" goes there again).
    #[serde(default)]
    pub backups: std::collections::BTreeMap<String, String>,
}

/// Kept results by id, and their ids oldest first (the oldest goes when there are too many).
#[derive(Default)]
struct Kept {
    by_id: HashMap<u32, Arc<Mutex<ResultSet>>>,
    order: Vec<u32>,
}

/// The app's state, shared by all commands.
pub struct AppState {
    lake: Mutex<Option<Arc<Lake>>>,
    results: Mutex<Kept>,
    next_id: AtomicU32,
    /// The running import (one at a time) and its cancel token.
    pub imports: ImportSlot,
    /// Running queries' cancel tokens, by editor tab.
    pub query_cancel: Mutex<HashMap<String, CancelToken>>,
    /// The running import's latest progress (the monitoring page shows it live).
    pub import_progress: Arc<Mutex<Option<lake_core::ingest::progress::ImportProgress>>>,
    settings_file: PathBuf,
    /// Where a new lake goes by default when the settings file names none.
    data_lake: PathBuf,
    /// The settings file (`settings.toml`, in the config folder).
    pub prefs_file: PathBuf,
    /// The settings in effect, and what is wrong with the file, if anything.
    pub prefs: Mutex<crate::prefs::SettingsView>,
    /// The paths the user chose (dialogs and drops); the page may name no others.
    pub grants: Grants,
    /// The running backup's, restore's or verify's cancel token (one at a time).
    pub backup_cancel: Mutex<Option<CancelToken>>,
    /// Files the app was opened with, granted, until the page takes them (`take_opened`).
    pub opened: Mutex<Vec<String>>,
    /// Held while `settings.json` is read, changed and written, so no change is lost.
    settings_write: Mutex<()>,
}

/// The running import's progress as the monitoring page reads it; cleared when the import
/// ends (this is dropped with it).
pub struct LiveImport(Arc<Mutex<Option<lake_core::ingest::progress::ImportProgress>>>);

impl LiveImport {
    /// Shows `p` as the running import's progress.
    pub fn show(&self, p: &lake_core::ingest::progress::ImportProgress) {
        *lock(&self.0) = Some(p.clone());
    }
}

impl Drop for LiveImport {
    fn drop(&mut self) {
        *lock(&self.0) = None;
    }
}

/// Locks a mutex even if a panicking thread poisoned it (the data stays usable).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    /// State with settings in `config_dir` and the default lake under `data_dir`.
    pub fn new(config_dir: &Path, data_dir: &Path) -> Self {
        AppState {
            lake: Mutex::new(None),
            results: Mutex::new(Kept::default()),
            next_id: AtomicU32::new(1),
            imports: ImportSlot::default(),
            query_cancel: Mutex::new(HashMap::new()),
            import_progress: Arc::default(),
            settings_file: config_dir.join("settings.json"),
            data_lake: data_dir.join("lake"),
            prefs_file: config_dir.join(lake_core::settings::SETTINGS_FILE),
            prefs: Mutex::new(crate::prefs::read(
                &config_dir.join(lake_core::settings::SETTINGS_FILE),
                &lake_core::settings::Settings::default(),
            )),
            grants: Grants::default(),
            backup_cancel: Mutex::new(None),
            opened: Mutex::new(Vec::new()),
            settings_write: Mutex::new(()),
        }
    }

    /// A lake folder the page may open: one the user chose, the default, or a recent one.
    pub fn lake_path_allowed(&self, path: &str) -> CmdResult<PathBuf> {
        let p = PathBuf::from(path);
        if p == self.default_lake() || self.settings().recent.iter().any(|r| r == path) {
            return Ok(p);
        }
        self.grants.check(path, Use::Read)
    }

    /// The settings in effect.
    pub fn current(&self) -> lake_core::settings::Settings {
        lock(&self.prefs).settings.clone()
    }

    /// Where "Create lake" puts a new lake: the settings file's `lake.default`, else the
    /// platform's data folder.
    pub fn default_lake(&self) -> PathBuf {
        match self.current().default_lake {
            Some(_) => self.current().lake_dir(),
            None => self.data_lake.clone(),
        }
    }

    /// The open lake.
    pub fn lake(&self) -> CmdResult<Arc<Lake>> {
        lock(&self.lake).clone().ok_or_else(AppError::no_lake)
    }

    /// Where a running import's progress goes: to the window's `channel`, and to the
    /// monitoring page (until the import ends and this is dropped).
    pub fn progress_to(
        &self,
        channel: tauri::ipc::Channel<lake_core::ingest::progress::ImportProgress>,
    ) -> impl Fn(&lake_core::ingest::progress::ImportProgress) + Send + Sync + 'static {
        let live = LiveImport(self.import_progress.clone());
        move |p| {
            live.show(p);
            let _ = channel.send(p.clone());
        }
    }

    /// The open lake's folder.
    pub fn lake_path(&self) -> Option<String> {
        lock(&self.lake)
            .as_ref()
            .map(|l| l.root().display().to_string())
    }

    /// Opens (or creates) the lake at `path` and remembers it.
    pub fn open(&self, path: &Path, create: bool) -> CmdResult<Arc<Lake>> {
        let lake = if create {
            Lake::open_or_init(path)?
        } else {
            Lake::open(path)?
        };
        let lake = Arc::new(lake);
        *lock(&self.lake) = Some(lake.clone());
        *lock(&self.results) = Kept::default();
        let _guard = lock(&self.settings_write);
        let mut s = self.settings();
        let p = lake.root().display().to_string();
        s.recent.retain(|r| r != &p);
        if self.current().remember_recent_lakes {
            s.recent.insert(0, p);
            s.recent.truncate(8);
        } else {
            s.recent.clear();
        }
        self.save_settings(&s);
        Ok(lake)
    }

    /// The remembered settings (defaults when missing or unreadable).
    pub fn settings(&self) -> Settings {
        std::fs::read(&self.settings_file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Remembers `folder` as the open lake's backup folder.
    pub fn remember_backup(&self, folder: &str) {
        let Some(lake) = self.lake_path() else { return };
        let _guard = lock(&self.settings_write);
        let mut s = self.settings();
        s.backups.insert(lake, folder.to_string());
        self.save_settings(&s);
    }

    /// The open lake's last backup folder, if it still holds that backup (a disk not plugged in,
    /// or a folder emptied since, is asked for again).
    pub fn last_backup(&self) -> Option<String> {
        let lake = self.lake_path()?;
        let folder = self.settings().backups.get(&lake).cloned()?;
        std::path::Path::new(&folder)
            .join(lake_core::storage::identity::BACKUP_MANIFEST_FILE)
            .is_file()
            .then_some(folder)
    }

    fn save_settings(&self, s: &Settings) {
        if let Some(dir) = self.settings_file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // Write then rename: a crash never leaves half a settings file.
        let tmp = self.settings_file.with_extension("json.tmp");
        if let Ok(bytes) = serde_json::to_vec_pretty(s) {
            if std::fs::write(&tmp, bytes).is_ok() {
                let _ = std::fs::rename(&tmp, &self.settings_file);
            }
        }
    }

    /// Keeps a result and returns its id.
    pub fn keep(&self, r: ResultSet) -> (u32, Arc<Mutex<ResultSet>>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let r = Arc::new(Mutex::new(r));
        let mut kept = lock(&self.results);
        kept.by_id.insert(id, r.clone());
        kept.order.push(id);
        while kept.order.len() > MAX_RESULTS {
            let old = kept.order.remove(0);
            kept.by_id.remove(&old);
        }
        (id, r)
    }

    /// A kept result.
    pub fn result(&self, id: u32) -> CmdResult<Arc<Mutex<ResultSet>>> {
        lock(&self.results).by_id.get(&id).cloned().ok_or_else(|| {
            AppError::new(
                ErrorCode::ResultGone,
                "this result is no longer kept; run the query again",
            )
        })
    }

    /// Forgets a result.
    pub fn drop_result(&self, id: u32) {
        let mut kept = lock(&self.results);
        kept.by_id.remove(&id);
        kept.order.retain(|x| *x != id);
    }
}
