// The app's own commands get generated `allow-<command>` permissions; capabilities/main.json
// grants them to the main window through the `allow-lake-commands` set (permissions/lake.toml).
const COMMANDS: &[&str] = include!("src/command_names.rs");

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
