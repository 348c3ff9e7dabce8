//! The settings file as the CLI reads it (`lake_core::settings`): read once at start, before the
//! engine's threads exist; a bad file is reported and the defaults are used. `lake settings`
//! shows the file and the values in effect, and `--init` writes a commented one.

use std::process::ExitCode;

use lake_core::settings::{self, Settings};
use lake_core::LakeError;

/// `lake settings [--init] [--json]`.
#[derive(clap::Args)]
pub struct SettingsArgs {
    /// Write a settings file with every key, commented, if there is none yet.
    #[arg(long)]
    init: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// The settings in effect for this run, or what is wrong with the file: a command then stops
/// rather than guess (with the defaults it could write into another lake). Engine threads are
/// set from them here, before any engine work.
pub fn load_at_start() -> Result<Settings, LakeError> {
    let s = settings::load(&settings::settings_path())?;
    if s.threads > 0 && std::env::var_os("POLARS_MAX_THREADS").is_none() {
        // Before the first engine call: Polars sizes its pool once.
        std::env::set_var("POLARS_MAX_THREADS", s.threads.to_string());
    }
    Ok(s)
}

pub fn run(a: SettingsArgs) -> Result<ExitCode, LakeError> {
    let path = settings::settings_path();
    if a.init && !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| LakeError::io(format!("creating {}", dir.display()), e))?;
        }
        std::fs::write(&path, settings::template())
            .map_err(|e| LakeError::io(format!("writing {}", path.display()), e))?;
        eprintln!("wrote {}", path.display());
    }
    let s = settings::load(&path)?;
    if a.json {
        let v = serde_json::json!({ "file": path, "exists": path.exists(), "settings": s });
        println!("{v}");
        return Ok(ExitCode::SUCCESS);
    }
    let from = if path.exists() {
        ""
    } else {
        " (no file: the defaults; `lake settings --init` writes one)"
    };
    println!("{}{from}", path.display());
    let threads = match s.threads {
        0 => "one per core".to_string(),
        n => n.to_string(),
    };
    for (k, v) in [
        ("preset", s.preset.clone()),
        ("lake.default", s.lake_dir().display().to_string()),
        ("engine.threads", threads),
        ("app.theme", s.theme.clone()),
        ("import.skip_bad", s.import_skip_bad.to_string()),
        ("import.rows_per_file", s.import_rows_per_file.to_string()),
        ("import.profile", s.import_profile.to_string()),
        (
            "privacy.remember_recent_lakes",
            s.remember_recent_lakes.to_string(),
        ),
    ] {
        println!("  {k:<30} {v}");
    }
    Ok(ExitCode::SUCCESS)
}
