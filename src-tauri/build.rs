// The app's commands come from the one list in src/command_list.rs: each gets generated
// `allow-<command>` permissions, and permissions/lake.toml (the set capabilities/main.json grants
// the main window) is written from the same list.
include!("src/command_list.rs");

macro_rules! names {
    ($( $(#[doc = $doc:literal])* $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty; )*) => {
        &[$(stringify!($name)),*]
    };
}

const COMMANDS: &[&str] = with_commands!(names);

fn main() {
    println!("cargo:rerun-if-changed=src/command_list.rs");
    let set = permission_set(COMMANDS);
    let file = std::path::Path::new("permissions/lake.toml");
    if std::fs::read_to_string(file).ok().as_deref() != Some(set.as_str()) {
        std::fs::write(file, set).expect("writing permissions/lake.toml");
    }
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
