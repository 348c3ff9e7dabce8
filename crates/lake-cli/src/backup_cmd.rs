//! `lake backup DEST`, `lake restore SRC [--to DIR]` and `lake verify [DIR]`: a consistent,
//! incremental, checked copy of the lake, its way back, and a check of every file against the
//! checksums the catalog recorded.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use lake_core::backup::{self, BackupProgress};
use lake_core::ingest::CancelToken;
use lake_core::LakeError;

/// `lake backup DEST [--json]`.
#[derive(clap::Args)]
pub struct BackupArgs {
    /// The backup folder: new, empty, or one an earlier backup of this lake wrote (then only
    /// new files are copied).
    dest: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// `lake restore SRC [--to DIR] [--json]`, or `lake restore DATASET --version N`.
#[derive(clap::Args)]
pub struct RestoreArgs {
    /// The backup folder (or, with `--version`, a dataset name).
    src: PathBuf,
    /// Make this version of the dataset `SRC` current again, as `lake history` lists it.
    #[arg(long, conflicts_with_all = ["to", "json"])]
    version: Option<u32>,
    /// Where the lake goes: a new or empty folder (default: the lake folder, `--lake`, which
    /// must then be new or empty).
    #[arg(long)]
    to: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// `lake verify [DIR] [--json]`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// A lake or a backup folder (default: the lake).
    dir: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// A byte bar with the time left on a terminal (none for JSON or a pipe), and Ctrl-C.
fn bar(json: bool, what: &str) -> Option<ProgressBar> {
    if json || !std::io::stderr().is_terminal() {
        return None;
    }
    let b = ProgressBar::new(0);
    let style = ProgressStyle::with_template(&format!(
        "{{spinner}} {what} [{{bar:30}}] {{bytes}}/{{total_bytes}} {{bytes_per_sec}} ETA {{eta}} (Ctrl-C cancels)"
    ))
    .expect("valid template")
    .progress_chars("=> ");
    b.set_style(style);
    b.enable_steady_tick(Duration::from_millis(120));
    Some(b)
}

/// Runs `work` with Ctrl-C as its cancel and, on a terminal, a byte bar with the time left.
fn with_bar<T>(
    json: bool,
    what: &str,
    work: impl FnOnce(&CancelToken, &mut dyn FnMut(BackupProgress)) -> Result<T, LakeError>,
) -> Result<T, LakeError> {
    let cancel = crate::progress::install_ctrlc();
    let b = bar(json, what);
    let r = work(&cancel, &mut |p: BackupProgress| {
        if let Some(b) = &b {
            b.set_length(p.total_bytes);
            b.set_position(p.done_bytes);
        }
    });
    if let Some(b) = b {
        b.finish_and_clear();
    }
    r
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn print_json(v: serde_json::Result<serde_json::Value>) {
    println!("{}", v.map(|v| v.to_string()).unwrap_or_default());
}

pub fn backup(lake_dir: &Path, a: BackupArgs) -> Result<ExitCode, LakeError> {
    let r = with_bar(a.json, "backing up", |c, p| {
        backup::backup(lake_dir, &a.dest, c, p)
    })?;
    if a.json {
        print_json(serde_json::to_value(&r));
    } else {
        println!(
            "Backed up {} files ({}) to {} in {:.1} s: copied {} ({}), {} unchanged, {} removed \
             (no longer in the lake). Check it with `lake verify {}`.",
            r.files,
            mb(r.bytes),
            r.folder,
            r.elapsed_ms / 1000.0,
            r.copied,
            mb(r.bytes_copied),
            r.reused,
            r.removed,
            r.folder
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn restore(lake_dir: &Path, a: RestoreArgs) -> Result<ExitCode, LakeError> {
    if let Some(version) = a.version {
        let dataset = a.src.to_string_lossy();
        return crate::versions_cmd::restore(&crate::open(lake_dir)?, &dataset, version);
    }
    if !a.src.is_dir()
        && lake_core::storage::validate_dataset_name(&a.src.to_string_lossy()).is_ok()
    {
        return Err(LakeError::NotABackup(format!(
            "{} is no folder: to make an old version of the dataset current again, add \
             `--version N` (see `lake history {}`); to restore a backup, give its folder",
            a.src.display(),
            a.src.display()
        )));
    }
    let to = a.to.unwrap_or_else(|| lake_dir.to_path_buf());
    let r = with_bar(a.json, "restoring", |c, p| {
        backup::restore(&a.src, &to, c, p)
    })?;
    if a.json {
        print_json(serde_json::to_value(&r));
    } else {
        println!(
            "Restored {} files ({}) into {} in {:.1} s, each checked against the backup's \
             checksums. Open it with `lake --lake {} datasets`.",
            r.files,
            mb(r.bytes),
            r.folder,
            r.elapsed_ms / 1000.0,
            r.folder
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn verify(lake_dir: &Path, a: VerifyArgs) -> Result<ExitCode, LakeError> {
    let dir = a.dir.unwrap_or_else(|| lake_dir.to_path_buf());
    let r = with_bar(a.json, "verifying", |c, p| backup::verify(&dir, c, p))?;
    if a.json {
        print_json(serde_json::to_value(&r));
    } else {
        for p in &r.problems {
            eprintln!("{}: {}", p.path, p.problem);
        }
        let unchecked = match r.without_checksum {
            0 => String::new(),
            n => format!(" ({n} written before checksums were kept: size checked only)"),
        };
        let verdict = if r.ok() {
            "every file matches its checksum".to_string()
        } else {
            format!(
                "{} file(s) do not match; restore from a backup, or re-import those datasets",
                r.problems.len()
            )
        };
        println!(
            "The {} {}: catalog {}, {} files ({}){unchecked}: {verdict}.",
            r.kind,
            r.folder,
            r.catalog,
            r.files,
            mb(r.bytes)
        );
    }
    Ok(if r.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
