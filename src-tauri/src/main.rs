//! Datapunk Lake, the desktop app: a Tauri 2 shell whose commands are thin glue over lake-core.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[macro_use]
mod command_list;
mod bindings;
mod commands;
mod commands_backup;
mod commands_meta;
mod error;
mod grants;
mod ipc;
mod ipc_check;
mod opened;
mod pick;
mod prefs;
mod state;

use std::path::PathBuf;

use tauri::Manager;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The commands the UI may call (the capability file allows exactly these).
pub const COMMAND_NAMES: &[&str] = ipc::NAMES;

/// `--lake PATH` (or `DATAPUNK_LAKE`): the lake to open at start, created if missing.
fn lake_from_args() -> Option<PathBuf> {
    // args_os: a file a file manager hands over may have any bytes in its name.
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        if a == "--lake" {
            return args.next().map(PathBuf::from);
        }
        if let Some(p) = a.to_str().and_then(|a| a.strip_prefix("--lake=")) {
            return Some(PathBuf::from(p));
        }
    }
    std::env::var_os("DATAPUNK_LAKE").map(PathBuf::from)
}

/// Grants the paths of a real drop on the window; the page may then import them.
pub fn drop_paths(state: &state::AppState, paths: &[PathBuf]) {
    state.grants.grant(paths, grants::Use::Read);
}

fn main() {
    commands::STARTED.get_or_init(std::time::Instant::now);
    // Engine threads from the settings file, before the engine's pool exists.
    if let Ok(s) = lake_core::settings::load(&lake_core::settings::settings_path()) {
        if s.threads > 0 && std::env::var_os("POLARS_MAX_THREADS").is_none() {
            std::env::set_var("POLARS_MAX_THREADS", s.threads.to_string());
        }
    }
    lake_core::query::tune_engine_for_local_files();
    lake_core::query::quiet_engine_abort_panics();
    if let Some(dir) = std::env::var_os("DATAPUNK_WRITE_BINDINGS") {
        bindings::write(std::path::Path::new(&dir)).expect("writing the bindings");
        return;
    }
    let handler = ipc::handler();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let config = app.path().app_config_dir()?;
            let data = app.path().app_data_dir()?;
            let st = state::AppState::new(&config, &data);
            // Files it was opened with (a file association, "Open with"): the user chose them.
            let files = opened::from_args(std::env::args_os().skip(1));
            drop_paths(&st, &files);
            *state::lock(&st.opened) = files.iter().map(|p| p.display().to_string()).collect();
            // The lake given on the command line, else the last one opened (if still there).
            let start = lake_from_args().map(|p| (p, true)).or_else(|| {
                st.settings()
                    .recent
                    .first()
                    .map(|p| (PathBuf::from(p), false))
                    .filter(|(p, _)| p.join("catalog.sqlite").exists())
            });
            if let Some((p, create)) = start {
                match st.open(&p, create) {
                    Ok(l) => commands::show_lake_in_title(
                        app.handle(),
                        Some(&l.root().display().to_string()),
                    ),
                    Err(e) => eprintln!("could not open the lake {}: {}", p.display(), e.0.message),
                }
            }
            let settings_file = st.prefs_file.clone();
            app.manage(st);
            app.manage(prefs::watch(app.handle(), settings_file));
            commands_meta::sample_process(app.handle().clone());
            Ok(())
        })
        .on_window_event(|window, event| {
            // Only the window's own drop event grants paths: an event the page emits does not.
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                let app = window.app_handle();
                drop_paths(&app.state::<state::AppState>(), paths);
                let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                ipc::emit::dropped(app, shown);
            }
        })
        .invoke_handler(move |invoke| {
            // Unknown commands and mistyped or oversized arguments get a typed error here.
            let checked = match invoke.message.payload() {
                tauri::ipc::InvokeBody::Json(args) => {
                    ipc_check::check_call(invoke.message.command(), args)
                }
                tauri::ipc::InvokeBody::Raw(_) => Ok(()),
            };
            match checked {
                Ok(()) => handler(invoke),
                Err(e) => {
                    invoke.resolver.reject(e);
                    true
                }
            }
        })
        .build(tauri::generate_context!())
        .expect("error while starting the Datapunk Lake app")
        .run(|_app, _event| {
            // macOS hands files opened from Finder (a file association) to the running app as
            // an event, not as arguments: granted and sent on like a drop.
            #[cfg(target_os = "macos")]
            if let tauri::RunEvent::Opened { urls } = &_event {
                let paths: Vec<PathBuf> =
                    urls.iter().filter_map(|u| u.to_file_path().ok()).collect();
                if let Some(st) = _app.try_state::<state::AppState>() {
                    drop_paths(&st, &paths);
                    let shown: Vec<String> =
                        paths.iter().map(|p| p.display().to_string()).collect();
                    // A cold start sends this before the page listens: it takes them from here.
                    state::lock(&st.opened).extend(shown.iter().cloned());
                    ipc::emit::dropped(_app, shown);
                }
            }
        });
}
