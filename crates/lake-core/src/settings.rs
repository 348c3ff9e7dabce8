//! One settings file for the app and the CLI: `settings.toml` in the platform's config folder
//! (`$XDG_CONFIG_HOME/org.datapunk.lake`, `~/Library/Application Support/org.datapunk.lake`,
//! `%APPDATA%\org.datapunk.lake`). A preset (`laptop`, `workstation`, `low-memory`) sets the
//! values for a kind of machine; keys in the file override it. A bad value is an error naming
//! its key, line and what is allowed, and whoever reads the file keeps its last good settings.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{LakeError, Result};
use crate::storage::platform;

/// The file's name in the config folder.
pub const SETTINGS_FILE: &str = "settings.toml";

/// The settings in effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Settings {
    /// The preset the values start from: `laptop`, `workstation` or `low-memory`.
    pub preset: String,
    /// The lake the app and the CLI open when none is given (`None`: the platform's default).
    pub default_lake: Option<String>,
    /// Engine threads; 0 = one per core. Takes effect at the next start.
    pub threads: u32,
    /// The app's colours: `system`, `dark` or `light`.
    pub theme: String,
    /// Imports skip (and count) bad records instead of stopping at the first.
    pub import_skip_bad: bool,
    /// Rows per Parquet file an import writes.
    pub import_rows_per_file: u64,
    /// Imports profile each new version (histograms, top values).
    pub import_profile: bool,
    /// The app remembers the lakes it opened (the start screen's list).
    pub remember_recent_lakes: bool,
}

/// The presets, by name, with what each is for.
pub const PRESETS: &[(&str, &str)] = &[
    ("laptop", "every core, 1 M rows per file, profiles on"),
    ("workstation", "every core, 4 M rows per file, profiles on"),
    ("low-memory", "2 threads, 250 k rows per file, no profiles"),
];

impl Settings {
    /// The values of preset `name`.
    pub fn preset(name: &str) -> Option<Settings> {
        let base = Settings {
            preset: name.to_string(),
            default_lake: None,
            threads: 0,
            theme: "system".into(),
            import_skip_bad: false,
            import_rows_per_file: 1_000_000,
            import_profile: true,
            remember_recent_lakes: true,
        };
        match name {
            "laptop" => Some(base),
            "workstation" => Some(Settings {
                import_rows_per_file: 4_000_000,
                ..base
            }),
            "low-memory" => Some(Settings {
                threads: 2,
                import_rows_per_file: 250_000,
                import_profile: false,
                ..base
            }),
            _ => None,
        }
    }

    /// The default lake folder: the file's, else the platform's.
    pub fn lake_dir(&self) -> PathBuf {
        match &self.default_lake {
            Some(p) => expand_home(p),
            None => crate::storage::default_lake_dir(),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::preset("laptop").expect("a known preset")
    }
}

/// The settings file's path: `settings.toml` in the app's config folder (where Tauri's
/// `app_config_dir` is, so the app and the CLI read the same file).
pub fn settings_path() -> PathBuf {
    platform::config_home(platform::Os::current(), &|k| std::env::var_os(k))
        .join("org.datapunk.lake")
        .join(SETTINGS_FILE)
}

/// Reads `path`: the defaults when it does not exist, else its settings, or an error naming
/// the file, key and line of the first bad value.
pub fn load(path: &Path) -> Result<Settings> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        // A folder on the way this user may not enter (another user's home): no file to read.
        Err(e)
            if e.kind() == std::io::ErrorKind::PermissionDenied
                && std::fs::metadata(path).is_err() =>
        {
            Ok(Settings::default())
        }
        Err(e) => Err(LakeError::io(format!("reading {}", path.display()), e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileForm {
    preset: Option<Spanned<String>>,
    #[serde(default)]
    lake: LakeForm,
    #[serde(default)]
    engine: EngineForm,
    #[serde(default)]
    app: AppForm,
    #[serde(default)]
    import: ImportForm,
    #[serde(default)]
    privacy: PrivacyForm,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LakeForm {
    default: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EngineForm {
    threads: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AppForm {
    theme: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ImportForm {
    skip_bad: Option<bool>,
    rows_per_file: Option<Spanned<i64>>,
    profile: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PrivacyForm {
    remember_recent_lakes: Option<bool>,
}

/// The 1-based line of byte `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

/// Parses a settings file's text (`file` names it in errors).
pub fn parse(text: &str, file: &str) -> Result<Settings> {
    let bad = |key: &str, at: usize, what: String| LakeError::BadInput {
        path: file.to_string(),
        location: Some(format!("line {}", line_of(text, at))),
        message: format!("`{key}` {what}; the app keeps its last good settings"),
    };
    let form: FileForm = toml::from_str(text).map_err(|e| LakeError::BadInput {
        path: file.to_string(),
        location: e.span().map(|s| format!("line {}", line_of(text, s.start))),
        message: format!(
            "{}; the keys are preset, lake.default, engine.threads, app.theme, \
             import.skip_bad, import.rows_per_file, import.profile, privacy.remember_recent_lakes",
            e.message().trim()
        ),
    })?;
    let mut s = match &form.preset {
        None => Settings::default(),
        Some(p) => Settings::preset(p.get_ref()).ok_or_else(|| {
            let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
            bad(
                "preset",
                p.span().start,
                format!("is \"{}\": use one of {}", p.get_ref(), names.join(", ")),
            )
        })?,
    };
    if let Some(d) = form.lake.default {
        if d.get_ref().trim().is_empty() {
            return Err(bad(
                "lake.default",
                d.span().start,
                "is empty: give a folder, or leave the key out".into(),
            ));
        }
        s.default_lake = Some(d.into_inner());
    }
    if let Some(t) = form.engine.threads {
        let n = *t.get_ref();
        if !(0..=1024).contains(&n) {
            return Err(bad(
                "engine.threads",
                t.span().start,
                format!("is {n}: use 0 (one per core) to 1024"),
            ));
        }
        s.threads = n as u32;
    }
    if let Some(t) = form.app.theme {
        if !["system", "dark", "light"].contains(&t.get_ref().as_str()) {
            return Err(bad(
                "app.theme",
                t.span().start,
                format!("is \"{}\": use system, dark or light", t.get_ref()),
            ));
        }
        s.theme = t.into_inner();
    }
    if let Some(v) = form.import.skip_bad {
        s.import_skip_bad = v;
    }
    if let Some(r) = form.import.rows_per_file {
        let n = *r.get_ref();
        if !(1_000..=100_000_000).contains(&n) {
            return Err(bad(
                "import.rows_per_file",
                r.span().start,
                format!("is {n}: use 1000 to 100000000"),
            ));
        }
        s.import_rows_per_file = n as u64;
    }
    if let Some(v) = form.import.profile {
        s.import_profile = v;
    }
    if let Some(v) = form.privacy.remember_recent_lakes {
        s.remember_recent_lakes = v;
    }
    Ok(s)
}

/// `~/…` with the home folder.
fn expand_home(p: &str) -> PathBuf {
    match p.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .map(|h| PathBuf::from(h).join(rest))
            .unwrap_or_else(|| PathBuf::from(p)),
        None => PathBuf::from(p),
    }
}

/// A new settings file's text: every key, commented, at the preset's value.
pub fn template() -> String {
    let s = Settings::default();
    format!(
        "# Datapunk Lake settings, read by the app (it reloads this file when it changes) and by\n\
         # the lake CLI. A preset sets the values for a kind of machine; a key below overrides it.\n\
         # Presets: laptop ({}), workstation ({}), low-memory ({}).\n\
         preset = \"{}\"\n\n\
         [lake]\n# The lake opened when none is given (default: the platform's data folder).\n# default = \"~/lake\"\n\n\
         [engine]\n# Engine threads: 0 = one per core. Takes effect at the next start.\n# threads = {}\n\n\
         [app]\n# system, dark or light.\n# theme = \"{}\"\n\n\
         [import]\n# skip_bad = {}\n# rows_per_file = {}\n# profile = {}\n\n\
         [privacy]\n# The app's start screen lists the lakes it opened.\n# remember_recent_lakes = {}\n",
        PRESETS[0].1,
        PRESETS[1].1,
        PRESETS[2].1,
        s.preset,
        s.threads,
        s.theme,
        s.import_skip_bad,
        s.import_rows_per_file,
        s.import_profile,
        s.remember_recent_lakes
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text, "settings.toml").unwrap_err().to_string()
    }

    #[test]
    fn presets_then_keys_make_the_settings() {
        assert_eq!(parse("", "s").unwrap(), Settings::default());
        assert_eq!(
            parse(&template(), "s").unwrap(),
            Settings::default(),
            "the template is the defaults"
        );
        let s = parse(
            "preset = \"low-memory\"\n[engine]\nthreads = 4\n[app]\ntheme = \"dark\"\n\
             [lake]\ndefault = \"/data/lake\"\n[privacy]\nremember_recent_lakes = false\n",
            "s",
        )
        .unwrap();
        assert_eq!(
            (s.threads, s.import_rows_per_file, s.import_profile),
            (4, 250_000, false)
        );
        assert_eq!((s.theme.as_str(), s.remember_recent_lakes), ("dark", false));
        assert_eq!(s.lake_dir(), PathBuf::from("/data/lake"));
        assert_eq!(
            Settings::preset("workstation")
                .unwrap()
                .import_rows_per_file,
            4_000_000
        );
    }

    #[test]
    fn a_bad_value_names_its_file_key_line_and_what_is_allowed() {
        let e = err("preset = \"laptop\"\n\n[engine]\nthreads = -1\n");
        assert!(
            e.starts_with(
                "settings.toml:line 4: `engine.threads` is -1: use 0 (one per core) to 1024"
            ),
            "{e}"
        );
        let e = err("preset = \"server\"\n");
        assert!(
            e.contains("line 1") && e.contains("use one of laptop, workstation, low-memory"),
            "{e}"
        );
        let e = err("[app]\ntheme = \"blue\"\n");
        assert!(
            e.contains("line 2") && e.contains("use system, dark or light"),
            "{e}"
        );
        let e = err("[import]\nrows_per_file = 10\n");
        assert!(
            e.contains("line 2") && e.contains("1000 to 100000000"),
            "{e}"
        );
        // A key the file may not have, and a value of the wrong type: toml's words, the line,
        // and the keys there are.
        let e = err("[engine]\nmemory = 3\n");
        assert!(
            e.contains("line 2") && e.contains("memory") && e.contains("the keys are"),
            "{e}"
        );
        let e = err("[import]\nskip_bad = \"yes\"\n");
        assert!(e.contains("line 2"), "{e}");
        let e = err("[lake\n");
        assert!(e.contains("line 1"), "{e}");
    }

    #[test]
    fn a_missing_file_is_the_defaults_and_the_path_is_the_apps_config_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            load(&dir.path().join("none.toml")).unwrap(),
            Settings::default()
        );
        assert!(settings_path().ends_with("org.datapunk.lake/settings.toml"));
    }
}
