//! SQL logic tests: every `tests/sql/*.slt` file (format in `tests/sql/README.md`) against a
//! fresh lake through the CLI. All failures of all files are reported together.

use std::path::PathBuf;

use crate::common::TestLake;

fn run_file(path: &PathBuf, failures: &mut Vec<String>) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let lake = TestLake::new();
    let mut cases = 0;
    let mut line_no = 0usize;
    for block in text.split("\n\n") {
        let start = line_no + 1;
        line_no += block.lines().count() + 1;
        let lines: Vec<&str> = block
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect();
        let Some((head, body)) = lines.split_first() else {
            continue;
        };
        let mut words = head.split_whitespace();
        let at = format!("{name}:{start}");
        match words.next() {
            Some("import") => {
                let ds = words.next().expect("import needs a dataset name");
                let f = lake.file(&format!("{ds}.csv"), body.join("\n") + "\n");
                lake.ok(&["import", "--name", ds, f.to_str().unwrap()]);
            }
            Some("query") => {
                cases += 1;
                let rowsort = words.any(|w| w == "rowsort");
                let sep = body.iter().position(|l| l.trim() == "----");
                let Some(sep) = sep else {
                    failures.push(format!("{at}: query without `----`"));
                    continue;
                };
                let sql = body[..sep].join("\n");
                let mut want: Vec<String> = body[sep + 1..].iter().map(|s| s.to_string()).collect();
                let out = lake.run(&["query", "--format", "csv", &sql]);
                if !out.status.success() {
                    failures.push(format!(
                        "{at}: {sql}\n  failed: {}",
                        String::from_utf8_lossy(&out.stderr).trim()
                    ));
                    continue;
                }
                let stdout = String::from_utf8_lossy(&out.stdout);
                let mut got: Vec<String> = stdout.lines().skip(1).map(str::to_string).collect();
                if rowsort {
                    got.sort();
                    want.sort();
                }
                if got != want {
                    failures.push(format!("{at}: {sql}\n  want {want:?}\n  got  {got:?}"));
                }
            }
            Some("error") => {
                cases += 1;
                let code = words.next().expect("error needs a code");
                // After `----`, the whole message as the CLI prints it: the text with its hint,
                // and the position with the caret under it.
                let sep = body.iter().position(|l| l.trim() == "----");
                let sql = body[..sep.unwrap_or(body.len())].join("\n");
                let out = lake.run(&["query", &sql]);
                let stderr = String::from_utf8_lossy(&out.stderr);
                if out.status.code() != Some(1) || !stderr.contains(&format!("error[{code}]")) {
                    failures.push(format!(
                        "{at}: {sql}\n  want error[{code}], got exit {:?}: {}{}",
                        out.status.code(),
                        stderr.trim(),
                        String::from_utf8_lossy(&out.stdout).trim()
                    ));
                    continue;
                }
                if let Some(sep) = sep {
                    let want: Vec<&str> = body[sep + 1..].iter().map(|l| l.trim_end()).collect();
                    let got: Vec<&str> = stderr.lines().map(str::trim_end).collect();
                    if got != want {
                        failures.push(format!("{at}: {sql}\n  want {want:#?}\n  got  {got:#?}"));
                    }
                }
            }
            Some(other) => failures.push(format!("{at}: unknown record `{other}`")),
            None => {}
        }
    }
    cases
}

#[test]
fn sql_logic_tests() {
    let dir = crate::common::manifest_dir().join("../../tests/sql");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "slt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .slt files in {}", dir.display());
    let mut failures = Vec::new();
    let mut cases = 0;
    for f in &files {
        cases += run_file(f, &mut failures);
    }
    assert!(cases >= 20, "only {cases} cases ran");
    assert!(
        failures.is_empty(),
        "{} of {cases} SQL cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
