// The app's own commands get generated `allow-<command>` permissions; capabilities/main.json
// grants them to the main window through the `allow-lake-commands` set (permissions/lake.toml).
const COMMANDS: &[&str] = &[
    "lake_status",
    "open_lake",
    "list_datasets",
    "describe_dataset",
    "query_history",
    "preview_import",
    "start_import",
    "cancel_import",
    "run_query",
    "explain",
    "cancel_query",
    "fetch_rows",
    "set_result_view",
    "close_result",
    "export_result",
    "ui_ready",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
