//! The file dialogs, opened by the shell (never by the page): whatever the user picks is granted
//! ([`crate::grants`]) and handed to the page. Files dropped on the window are granted the same
//! way, from the window's own drop event.

use std::path::PathBuf;

use serde::Deserialize;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use crate::grants::Use;

/// What a dialog is for.
#[derive(Debug, Clone, Copy, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PickKind {
    /// Files to import.
    ImportFiles,
    /// Folders to import (an unpacked Takeout, a folder of CSV files).
    ImportFolders,
    /// A lake folder to open, or an empty folder for a new lake.
    LakeFolder,
    /// Where to write a CSV export.
    ExportCsv,
    /// Where to write a Parquet export.
    ExportParquet,
    /// Where to write a GeoJSON export.
    ExportGeojson,
    /// Where to write a plan as one HTML page.
    ExportPlanHtml,
    /// Where to write a plan as JSON.
    ExportPlanJson,
    /// Where to write a chart as PNG.
    ExportChartPng,
    /// Where to save a chart as SVG.
    ExportChartSvg,
    /// A folder to back the lake up into (new, empty, or an earlier backup).
    BackupFolder,
    /// A backup folder to restore.
    BackupSource,
    /// A new or empty folder for a restored lake.
    RestoreTarget,
}

impl PickKind {
    /// How the picked paths may be used.
    pub fn grant_use(self) -> Use {
        match self {
            PickKind::ExportCsv
            | PickKind::ExportParquet
            | PickKind::ExportGeojson
            | PickKind::ExportPlanHtml
            | PickKind::ExportPlanJson
            | PickKind::ExportChartPng
            | PickKind::ExportChartSvg
            | PickKind::BackupFolder
            | PickKind::RestoreTarget => Use::Write,
            _ => Use::Read,
        }
    }
}

/// Debug builds only: answers dialogs from a file instead of showing them, for the real-window
/// test (a native dialog cannot be driven through WebDriver). Each line answers one dialog,
/// paths separated by tabs; an empty line is a cancel. It is set by whoever starts the process,
/// never by the page.
#[cfg(debug_assertions)]
fn test_answer() -> Option<Vec<PathBuf>> {
    let file = std::env::var_os("DATAPUNK_TEST_PICKS")?;
    let text = std::fs::read_to_string(&file).ok()?;
    let mut lines = text.lines();
    let first = lines.next()?.to_string();
    let rest: Vec<&str> = lines.collect();
    let _ = std::fs::write(&file, rest.join("\n"));
    Some(
        first
            .split('\t')
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .collect(),
    )
}

/// Shows the dialog for `kind` and returns what the user picked (nothing on cancel). Blocks:
/// call it off the main thread.
pub fn pick(app: &AppHandle, kind: PickKind) -> Vec<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(answer) = test_answer() {
        return answer;
    }
    let d = app.dialog().file();
    let many = |v: Option<Vec<tauri_plugin_dialog::FilePath>>| -> Vec<PathBuf> {
        v.unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.into_path().ok())
            .collect()
    };
    let one = |v: Option<tauri_plugin_dialog::FilePath>| many(v.map(|p| vec![p]));
    match kind {
        PickKind::ImportFiles => many(d.set_title("Choose files to import").blocking_pick_files()),
        PickKind::ImportFolders => many(
            d.set_title("Choose folders to import")
                .blocking_pick_folders(),
        ),
        PickKind::LakeFolder => one(d.set_title("Choose a lake folder").blocking_pick_folder()),
        PickKind::ExportCsv => one(d
            .set_title("Export as CSV")
            .set_file_name("result.csv")
            .add_filter("CSV", &["csv"])
            .blocking_save_file()),
        PickKind::ExportParquet => one(d
            .set_title("Export as Parquet")
            .set_file_name("result.parquet")
            .add_filter("Parquet", &["parquet"])
            .blocking_save_file()),
        PickKind::ExportGeojson => one(d
            .set_title("Export as GeoJSON")
            .set_file_name("result.geojson")
            .add_filter("GeoJSON", &["geojson", "json"])
            .blocking_save_file()),
        PickKind::ExportPlanHtml => one(d
            .set_title("Save the plan as a web page")
            .set_file_name("plan.html")
            .add_filter("Web page", &["html"])
            .blocking_save_file()),
        PickKind::ExportPlanJson => one(d
            .set_title("Save the plan as JSON")
            .set_file_name("plan.json")
            .add_filter("JSON", &["json"])
            .blocking_save_file()),
        PickKind::ExportChartPng => one(d
            .set_title("Save the chart as PNG")
            .set_file_name("chart.png")
            .add_filter("PNG image", &["png"])
            .blocking_save_file()),
        PickKind::BackupFolder => one(d
            .set_title("Choose a folder for the backup (empty, or an earlier backup)")
            .blocking_pick_folder()),
        PickKind::BackupSource => one(d
            .set_title("Choose the backup to restore")
            .blocking_pick_folder()),
        PickKind::RestoreTarget => one(d
            .set_title("Choose an empty folder for the restored lake")
            .blocking_pick_folder()),
        PickKind::ExportChartSvg => one(d
            .set_title("Save the chart as SVG")
            .set_file_name("chart.svg")
            .add_filter("SVG image", &["svg"])
            .blocking_save_file()),
    }
}
