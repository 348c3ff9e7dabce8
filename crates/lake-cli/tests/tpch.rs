//! TPC-H conformance: the 22 queries of `bench/tpch/queries` (the standard text with the
//! validation parameters) through `lake query` over TPC-H SF0.01 imported into a real lake,
//! against DuckDB's answers. The data and the answers are committed
//! (`tests/fixtures/tpch-sf0.01`, made by `bench/tpch_fixture.py`), so nothing is fetched.
//! Also pins the text of the 22 EXPLAIN plans (insta snapshots, volatile parts redacted).

use std::path::PathBuf;

use crate::common::{manifest_dir, TestLake};

fn root() -> PathBuf {
    manifest_dir().join("../..")
}

fn query_text(n: usize) -> String {
    std::fs::read_to_string(root().join(format!("bench/tpch/queries/q{n:02}.sql"))).unwrap()
}

fn tpch_lake() -> TestLake {
    let lake = TestLake::new();
    let data = root().join("tests/fixtures/tpch-sf0.01/data");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 8, "the 8 TPC-H tables in {}", data.display());
    let refs: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
    let report = lake.import(&refs, &[]);
    let rows: u64 = report["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rows"].as_u64().unwrap())
        .sum();
    // 60,175 lineitems + 15,000 orders + 8,000 partsupp + 2,000 parts + 1,500 customers
    // + 100 suppliers + 25 nations + 5 regions.
    assert_eq!(rows, 86_805, "{report}");
    lake
}

/// The bench's rule: equal text, or equal decimals, or floats within 1e-9 relative.
fn same_value(got: &str, want: &str) -> bool {
    if got == want {
        return true;
    }
    if let (Some(a), Some(b)) = (normalized_decimal(got), normalized_decimal(want)) {
        if a == b {
            return true;
        }
    }
    match (got.parse::<f64>(), want.parse::<f64>()) {
        (Ok(a), Ok(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-3),
        _ => got.trim() == want.trim(),
    }
}

/// `0012.3400` → `12.34`, `-0.0` → `0`; None for anything but plain decimal digits.
fn normalized_decimal(s: &str) -> Option<String> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let body = if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    };
    Some(if neg && body != "0" {
        format!("-{body}")
    } else {
        body
    })
}

/// The rows of a CSV text, header skipped. Not the csv crate: it skips blank lines, and a
/// one-column row holding NULL is a blank line (TPC-H Q17 at SF0.01 is one).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    // Quoted fields only hold commas or quotes in TPC-H comments: split with quotes in mind.
    text.lines()
        .skip(1)
        .map(|line| {
            let mut fields = Vec::new();
            let mut cur = String::new();
            let mut quoted = false;
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '"' if quoted && chars.peek() == Some(&'"') => {
                        cur.push('"');
                        chars.next();
                    }
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields.push(std::mem::take(&mut cur)),
                    c => cur.push(c),
                }
            }
            fields.push(cur);
            fields
        })
        .collect()
}

#[test]
fn the_22_tpch_queries_answer_as_duckdb_does() {
    let lake = tpch_lake();
    let answers = root().join("tests/fixtures/tpch-sf0.01/answers");
    let mut failures = Vec::new();
    for n in 1..=22 {
        let sql = query_text(n);
        let out = lake.run(&["query", "--format", "csv", &sql]);
        if !out.status.success() {
            failures.push(format!(
                "Q{n}: failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
            continue;
        }
        let got = csv_rows(&String::from_utf8_lossy(&out.stdout));
        let want_text = std::fs::read_to_string(answers.join(format!("q{n:02}.csv"))).unwrap();
        let want = csv_rows(&want_text);
        assert!(!want.is_empty(), "Q{n} has an answer");
        if got.len() != want.len() {
            failures.push(format!(
                "Q{n}: {} rows, DuckDB has {}",
                got.len(),
                want.len()
            ));
            continue;
        }
        'rows: for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            if g.len() != w.len() {
                failures.push(format!(
                    "Q{n} row {}: {} columns, DuckDB has {}",
                    i + 1,
                    g.len(),
                    w.len()
                ));
                break;
            }
            for (j, (x, y)) in g.iter().zip(w).enumerate() {
                if !same_value(x, y) {
                    failures.push(format!(
                        "Q{n} row {}, column {}: {x:?}, DuckDB has {y:?}",
                        i + 1,
                        j + 1
                    ));
                    break 'rows;
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn value_comparison_is_exact_for_decimals_and_close_for_floats() {
    assert!(same_value("12.3400", "12.34"));
    assert!(!same_value("12.35", "12.34"));
    assert!(same_value("0.034435890406654804", "0.0344358904066548"));
    assert!(!same_value("0.0344", "0.0344358904066548"));
    assert!(same_value("", ""));
    assert!(!same_value("", "0"));
    assert_eq!(normalized_decimal("-0.00"), Some("0".into()));
    assert_eq!(normalized_decimal("1e5"), None);
    assert_eq!(
        redacted("CACHE[id: 4cb023aa-a282-401d-b75b-7d39842cc261] x"),
        "CACHE[id: <id>] x"
    );
}

/// EXPLAIN text with the parts that change from run to run (the ids Polars gives caches and
/// dynamic predicates, UUIDs) replaced by `<id>`.
fn redacted(plan: &str) -> String {
    fn is_uuid(b: &[u8]) -> bool {
        b.len() == 36
            && b.iter().enumerate().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => *c == b'-',
                _ => c.is_ascii_hexdigit(),
            })
    }
    let bytes = plan.as_bytes();
    let mut out = String::with_capacity(plan.len());
    let mut i = 0;
    while i < bytes.len() {
        if i + 36 <= bytes.len() && is_uuid(&bytes[i..i + 36]) {
            out.push_str("<id>");
            i += 36;
        } else {
            let ch = plan[i..].chars().next().expect("in bounds");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

#[test]
fn the_22_tpch_plans_are_stable() {
    let lake = tpch_lake();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(manifest_dir().join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for n in 1..=22 {
            let sql = format!("EXPLAIN {}", query_text(n));
            let out = lake.ok(&["query", "--format", "csv", &sql]);
            let plan: Vec<String> = csv_rows(&out).into_iter().map(|r| r.join(",")).collect();
            insta::assert_snapshot!(format!("tpch_q{n:02}_plan"), redacted(&plan.join("\n")));
        }
    });
}

/// Every node of a plan, depth first.
fn plan_nodes(n: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
    out.push(n.clone());
    for c in n["children"].as_array().into_iter().flatten() {
        plan_nodes(c, out);
    }
}

#[test]
fn the_22_tpch_plans_read_in_sql_words() {
    let lake = tpch_lake();
    // Polars' debug syntax a person should not have to read.
    let debug = [
        "col(\"",
        "[descending",
        "maintain_order",
        "simple π",
        "dyn int",
        "dyn str",
        "Some(",
        "AGGREGATE[",
        "SORT BY",
        "LEFT PLAN ON",
        "FILTER [",
        // Polars' type names: a cast says BIGINT, DOUBLE, VARCHAR.
        " AS i64)",
        " AS i32)",
        " AS f64)",
        " AS str)",
    ];
    let mut q9 = Vec::new();
    let mut misses = Vec::new();
    for n in 1..=22 {
        // Analyzed: every query runs, then each piece of its plan on its own.
        let out = lake.ok(&["explain", "--analyze", "--format", "json", &query_text(n)]);
        let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
        let mut nodes = Vec::new();
        plan_nodes(&plan["root"], &mut nodes);
        for node in &nodes {
            let (est, act) = (node["est_rows"].as_f64(), node["actual_rows"].as_f64());
            let (est, act) = (est.unwrap().max(1.0), act.expect("actual rows").max(1.0));
            misses.push(if est > act { est / act } else { act / est });
            let (label, detail) = (
                node["label"].as_str().unwrap(),
                node["detail"].as_str().unwrap(),
            );
            for d in debug {
                assert!(
                    !label.contains(d) && !detail.contains(d),
                    "q{n}: {label}: {detail}"
                );
            }
            assert!(
                !node["raw"].as_str().unwrap().is_empty(),
                "q{n}: the engine's text is kept"
            );
            if node["kind"] == "Join" {
                assert!(
                    label.starts_with("Join (") && label.contains(" ⋈ "),
                    "q{n}: {label}"
                );
            }
        }
        if n == 9 {
            q9 = nodes;
        }
    }
    // The row estimates come from the statistics: half the nodes within ×3 (the fixed 1/3
    // filter share and largest-input joins of before gave ×10 and worse).
    misses.sort_by(f64::total_cmp);
    let median = misses[misses.len() / 2];
    assert!(
        median <= 3.0,
        "median estimate miss ×{median:.1} over {} nodes",
        misses.len()
    );
    let text = |kind: &str| -> Vec<String> {
        q9.iter()
            .filter(|n| n["kind"] == kind)
            .map(|n| n["detail"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(text("Sort"), ["ORDER BY nation ASC, o_year DESC"]);
    assert_eq!(
        text("Aggregate"),
        ["GROUP BY nation, o_year → sum(amount) AS sum_profit"]
    );
    assert!(
        text("Join").contains(&"INNER JOIN ON l_orderkey = o_orderkey".to_string()),
        "{:?}",
        text("Join")
    );
    assert!(
        text("Scan")
            .iter()
            .any(|d| d.starts_with("part ") && d.contains("WHERE p_name contains 'green'")),
        "{:?}",
        text("Scan")
    );
    let labels: Vec<&str> = q9.iter().map(|n| n["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"Scan lineitem"), "{labels:?}");
    assert!(
        labels
            .iter()
            .any(|l| l.starts_with("Join (") && l.ends_with(" ⋈ nation)")),
        "{labels:?}"
    );
}

#[test]
fn two_saved_plans_compare_node_by_node() {
    let dir = root().join("tests/fixtures/plans");
    let lake = TestLake::new();
    let before = dir.join("q09-before.json");
    let after = dir.join("q09-after.json");
    let out = lake.ok(&[
        "explain",
        "--diff",
        before.to_str().unwrap(),
        after.to_str().unwrap(),
    ]);
    let lines: Vec<&str> = out.lines().collect();
    // Same query shape with a narrower part filter: every node matched, rows changed.
    assert!(
        lines
            .iter()
            .all(|l| !l.starts_with("+ ") && !l.starts_with("- ")),
        "{out}"
    );
    let part = lines
        .iter()
        .find(|l| l.starts_with("~ Scan part"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        part.contains("rows 107 → 2") && part.contains("was: part"),
        "{part}"
    );
    assert!(
        lines.last().unwrap().contains("nodes: 0 added, 0 removed"),
        "{out}"
    );
    // A file that is no plan is named with where it went wrong.
    let bad = lake.file("bad.json", "{\"root\": 3}");
    let err = lake.fails(&[
        "explain",
        "--diff",
        bad.to_str().unwrap(),
        after.to_str().unwrap(),
    ]);
    assert!(
        err.contains("bad.json:line 1, column") && err.contains("not a plan"),
        "{err}"
    );
}
