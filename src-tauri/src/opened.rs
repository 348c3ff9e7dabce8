//! Files the app was opened with: a file manager's "Open with", a file association, or
//! `datapunk-lake FILE…` in a terminal. The shell grants them (the user chose them) and the page
//! takes them once, into the import wizard, when a lake is open.

use std::ffi::OsString;
use std::path::PathBuf;

/// The arguments that name an existing file or folder, made absolute; the value of `--lake`
/// and any `-`/`--` flag are not files to open.
pub fn from_args(args: impl IntoIterator<Item = OsString>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        let text = a.to_string_lossy();
        if text == "--lake" {
            args.next();
            continue;
        }
        if text.starts_with('-') {
            continue;
        }
        // A file manager may hand over a file:// URL (%U) rather than a path (%F).
        let path = match text.strip_prefix("file://") {
            Some(rest) => PathBuf::from(lake_core::ingest::takeout::percent_decode(rest)),
            None => PathBuf::from(&a),
        };
        if let Ok(abs) = lake_core::storage::platform::canonical(&path) {
            if !out.contains(&abs) {
                out.push(abs);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_existing_files_and_folders_count_and_lake_values_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("my data.csv");
        std::fs::write(&csv, "a\n1\n").unwrap();
        let lake = dir.path().join("lake");
        std::fs::create_dir(&lake).unwrap();
        let url = format!("file://{}", csv.display()).replace(' ', "%20");
        let args: Vec<OsString> = vec![
            "--lake".into(),
            lake.clone().into(),
            "--some-flag".into(),
            csv.clone().into(),
            dir.path().join("missing.parquet").into(),
            url.into(),
            dir.path().into(),
        ];
        let got = from_args(args);
        let real = |p: &std::path::Path| lake_core::storage::platform::canonical(p).unwrap();
        assert_eq!(got, vec![real(&csv), real(dir.path())], "{got:?}");
    }
}
