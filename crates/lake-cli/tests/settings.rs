//! The settings file as the CLI reads it: import defaults from it, a bad value reported by key
//! and line while the run goes on with the defaults, and `lake settings`.

use crate::common::TestLake;

fn write_settings(lake: &TestLake, text: &str) -> std::path::PathBuf {
    let path = lake
        .dir
        .path()
        .join("config/org.datapunk.lake/settings.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn files_of(lake: &TestLake, dataset: &str) -> u64 {
    let v: serde_json::Value =
        serde_json::from_str(&lake.ok(&["schema", dataset, "--json"])).unwrap();
    v["files"]
        .as_array()
        .map(|a| a.len() as u64)
        .or_else(|| v["files"].as_u64())
        .unwrap()
}

#[test]
fn imports_follow_the_settings_file_and_a_bad_file_stops_a_command_naming_its_line() {
    let lake = TestLake::new();
    let csv: String = std::iter::once("id\n".to_string())
        .chain((0..2500).map(|i| format!("{i}\n")))
        .collect();
    let p = lake.file("n.csv", &csv);
    write_settings(
        &lake,
        "preset = \"low-memory\"\n[import]\nrows_per_file = 1000\n",
    );
    lake.import(&[&p], &[]);
    assert_eq!(
        files_of(&lake, "n"),
        3,
        "1,000 rows per file, from the settings"
    );
    let shown: serde_json::Value = serde_json::from_str(&lake.ok(&["settings", "--json"])).unwrap();
    assert_eq!(shown["settings"]["preset"], "low-memory");
    assert_eq!(shown["settings"]["threads"], 2);
    assert_eq!(shown["settings"]["import_rows_per_file"], 1000);

    // A bad value: a command stops rather than guess (with the defaults it could write into
    // another lake), and says where the file is wrong.
    write_settings(
        &lake,
        "[import]\nrows_per_file = 1000\n\n[engine]\nthreads = \"many\"\n",
    );
    let err = lake.fails(&["import", "--name", "again", p.to_str().unwrap()]);
    assert!(
        err.contains("settings.toml:line 5") && err.contains("fix the settings file"),
        "{err}"
    );
    let err = lake.fails(&["settings"]);
    assert!(err.contains("bad_input") && err.contains("line 5"), "{err}");
}
