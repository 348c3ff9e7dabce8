//! `lake create`, `lake refresh` and `lake lineage`, as a user runs them.

use crate::common::TestLake;

#[test]
fn derived_datasets_and_their_lineage_from_the_cli() {
    let lake = TestLake::new();
    let people = lake.file("people.csv", "id,city\n1,Paris\n2,Berlin\n3,Paris\n");
    lake.import(&[&people], &[]);
    let out = lake.ok(&[
        "create", "by_city", "AS", "SELECT", "city,", "count(*)", "AS", "n", "FROM", "people",
        "GROUP", "BY", "city",
    ]);
    assert_eq!(
        out.trim(),
        "created by_city version 1: 2 rows, from people v1"
    );
    let out = lake.ok(&["create", "top", "SELECT * FROM by_city WHERE n > 1"]);
    assert_eq!(out.trim(), "created top version 1: 1 rows, from by_city v1");
    assert_eq!(lake.csv("SELECT city FROM top"), "city\nParis\n");
    assert_eq!(
        lake.ok(&["refresh", "by_city"]).trim(),
        "by_city is fresh: every input is at the version it read"
    );

    // Upstream of top: by_city's query, then people's source file.
    let text = lake.ok(&["lineage", "top", "--upstream"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("top v1 (current)  query: SELECT * FROM by_city"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("    ← by_city v1 (current)  query: SELECT city"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("        ← people v1 (current)  replace"),
        "{text}"
    );
    assert!(
        lines[3].contains("← file ") && lines[3].contains("people.csv  (3 rows"),
        "{text}"
    );
    // Downstream of people: by_city, then top.
    let text = lake.ok(&["lineage", "people", "--downstream"]);
    assert!(text.contains("made from it:\n    → by_city v1"), "{text}");
    assert!(text.contains("\n        → top v1"), "{text}");
    let g: serde_json::Value =
        serde_json::from_str(&lake.ok(&["lineage", "people", "--json"])).unwrap();
    assert_eq!(g["root"], "people@v1");
    let edges: Vec<(String, String)> = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["from"].as_str().unwrap().into(),
                e["to"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        edges.contains(&("people@v1".into(), "by_city@v1".into())),
        "{edges:?}"
    );
    assert!(
        edges.contains(&("by_city@v1".into(), "top@v1".into())),
        "{edges:?}"
    );
    assert!(
        edges
            .iter()
            .any(|(f, t)| f.starts_with("file:") && t == "people@v1"),
        "{edges:?}"
    );

    // A new version of people makes by_city stale until it is refreshed.
    let people2 = lake.file("people2.csv", "id,city\n1,Rome\n");
    lake.import(&[&people2], &["--name", "people"]);
    let list = lake.ok(&["datasets"]);
    let row = list.lines().find(|l| l.starts_with("by_city ")).unwrap();
    assert!(row.ends_with("(stale: `lake refresh`)"), "{list}");
    let text = lake.ok(&["lineage", "by_city", "--upstream"]);
    assert!(
        text.starts_with("stale: people is at v2, it read v1"),
        "{text}"
    );
    assert_eq!(
        lake.ok(&["refresh", "by_city"]).trim(),
        "refreshed by_city as version 2 (people v1 → v2)"
    );
    assert_eq!(lake.csv("SELECT city, n FROM by_city"), "city,n\nRome,1\n");
    let hist = lake.ok(&["history", "by_city"]);
    assert!(
        hist.contains(
            "    query: SELECT city, count(*) AS n FROM people GROUP BY city\n    read: people v2"
        ),
        "{hist}"
    );

    let e = lake.fails(&["create", "people", "SELECT 1 AS x"]);
    assert!(e.contains("imported dataset"), "{e}");
    let e = lake.fails(&["refresh", "people"]);
    assert!(e.contains("was imported"), "{e}");
    let e = lake.fails(&["create", "bad", "SELECT * FROM nobody"]);
    assert!(e.contains("unknown dataset `nobody`"), "{e}");
}

#[test]
fn views_from_the_cli() {
    let lake = TestLake::new();
    let people = lake.file("people.csv", "id,city\n1,Paris\n2,Berlin\n3,Paris\n");
    lake.import(&[&people], &[]);
    let out = lake.ok(&[
        "view",
        "create",
        "paris",
        "AS",
        "SELECT * FROM people WHERE city = 'Paris'",
    ]);
    assert_eq!(
        out.trim(),
        "view paris saved; query it like a dataset: SELECT * FROM paris"
    );
    assert_eq!(lake.csv("SELECT count(*) AS n FROM paris"), "n\n2\n");
    assert_eq!(
        lake.ok(&["view", "list"]).trim(),
        "paris  AS SELECT * FROM people WHERE city = 'Paris'"
    );
    // A derived dataset can read a view (its inputs are the view's datasets).
    let out = lake.ok(&["create", "paris_count", "SELECT count(*) AS n FROM paris"]);
    assert_eq!(
        out.trim(),
        "created paris_count version 1: 1 rows, from people v1"
    );
    let e = lake.fails(&["view", "create", "loop", "SELECT * FROM loop"]);
    assert!(
        e.contains("unknown dataset `loop`") || e.contains("circle"),
        "{e}"
    );
    assert_eq!(
        lake.ok(&["view", "drop", "paris"]).trim(),
        "view paris dropped"
    );
    let e = lake.fails(&["view", "drop", "paris"]);
    assert!(e.contains("there is no view paris"), "{e}");
}

/// A Python with the `jsonschema` package (installed by `make test`), to check events
/// against the OpenLineage spec's JSON Schemas.
fn python_with_jsonschema() -> std::path::PathBuf {
    for p in ["python3", "/usr/bin/python3"] {
        let ok = std::process::Command::new(p)
            .args(["-c", "import jsonschema"])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if ok {
            return p.into();
        }
    }
    panic!("no python3 with jsonschema: run `make test` (it installs python3-jsonschema)");
}

#[test]
fn column_lineage_exports_and_openlineage_events() {
    let lake = TestLake::new();
    let people = lake.file(
        "people.csv",
        "id,name,age,city\n1,Ann,30,Paris\n2,Bob,12,Rome\n",
    );
    let orders = lake.file("orders.csv", "id,person_id,amount\n1,1,10.5\n2,1,3\n");
    lake.import(&[&people, &orders], &[]);
    lake.ok(&[
        "view",
        "create",
        "adults",
        "AS",
        "SELECT id, name, city FROM people WHERE age >= 18",
    ]);
    lake.ok(&[
        "create",
        "spend",
        "SELECT a.name, upper(a.city) AS city, sum(o.amount) AS total FROM adults a \
         JOIN orders o ON o.person_id = a.id GROUP BY 1, 2",
    ]);
    // Each column of the derived dataset, down through the view to the imported columns.
    let text = lake.ok(&["lineage", "spend", "--columns"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..4],
        [
            "spend@v1: its columns and what they are made from",
            "  name VARCHAR ← people@v1.name (identity)",
            "  city VARCHAR ← people@v1.city (transformation)",
            "  total DOUBLE ← orders@v1.amount (aggregation)",
        ],
        "{text}"
    );
    assert!(
        lines[4]
            .starts_with("  rows decided by: orders@v1.person_id (join), people@v1.age (filter)"),
        "{text}"
    );
    let view = lake.ok(&["lineage", "adults"]);
    assert!(
        view.contains("  city ← people.city (identity)\n  rows decided by: people.age (filter)"),
        "{view}"
    );

    // An export is lineage too: downstream of what it read.
    let out = lake.path().join("spend.csv");
    lake.ok(&[
        "query",
        "SELECT * FROM spend",
        "--output",
        out.to_str().unwrap(),
    ]);
    let g: serde_json::Value =
        serde_json::from_str(&lake.ok(&["lineage", "people", "--json", "--columns"])).unwrap();
    let export_id = format!("export:{}", out.canonicalize().unwrap().display());
    let has_edge = |from: &str, to: &str| {
        g["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["from"] == from && e["to"] == to)
    };
    assert!(has_edge("spend@v1", &export_id), "{g:#}");
    let col_edges = g["columns"]["edges"].as_array().unwrap();
    assert!(col_edges.iter().any(|e| e["from"] == "orders@v1"
        && e["from_column"] == "amount"
        && e["to_column"] == "total"
        && e["subtype"] == "AGGREGATION"));

    // OpenLineage run events: one per import, query and export, valid against the spec.
    let events = lake.path().join("events.jsonl");
    lake.ok(&[
        "lineage",
        "spend",
        "--openlineage",
        "--out",
        events.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&events).unwrap();
    let parsed: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let jobs: Vec<&str> = parsed
        .iter()
        .map(|e| e["job"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(jobs.len(), 4, "{jobs:?}");
    assert!(
        jobs.contains(&"create spend") && jobs.contains(&"import people"),
        "{jobs:?}"
    );
    let create = parsed
        .iter()
        .find(|e| e["job"]["name"] == "create spend")
        .unwrap();
    let total = &create["outputs"][0]["facets"]["columnLineage"]["fields"]["total"];
    assert_eq!(total["inputFields"][0]["name"], "orders");
    assert_eq!(total["inputFields"][0]["field"], "amount");
    assert_eq!(
        total["inputFields"][0]["transformations"][0]["subtype"],
        "AGGREGATION"
    );
    let check = |path: &std::path::Path| {
        std::process::Command::new(python_with_jsonschema())
            .arg(crate::common::manifest_dir().join("../../scripts/check_openlineage.py"))
            .arg(path)
            .output()
            .unwrap()
    };
    let ok = check(&events);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // The check can fail: an event without its run id is refused.
    let broken = lake.path().join("broken.jsonl");
    std::fs::write(&broken, text.replacen("\"runId\"", "\"run_id\"", 1)).unwrap();
    let bad = check(&broken);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("'runId' is a required property"));
}

#[test]
fn rollups_refresh_from_what_their_source_appended() {
    let lake = TestLake::new();
    let a = lake.file(
        "a.csv",
        "ts,kind,v\n2024-03-01T10:05:00Z,a,1\n2024-03-01T10:40:00Z,b,2\n2024-03-01T11:10:00Z,a,3\n",
    );
    lake.import(&[&a], &["--name", "ev"]);
    let out = lake.ok(&[
        "rollup",
        "create",
        "hourly",
        "AS SELECT time_bucket(INTERVAL '1 hour', ts) AS hour, count(*) AS n, sum(v) AS total \
         FROM ev GROUP BY hour",
    ]);
    assert_eq!(out.trim(), "created rollup hourly version 1: 2 rows");
    let list = lake.ok(&["rollup", "list"]);
    assert!(
        list.starts_with("hourly v1 (2 rows): time_bucket(INTERVAL '1 hour', ts) of ev v1, made "),
        "{list}"
    );
    assert!(list.trim_end().ends_with("; fresh"), "{list}");

    // A late row in the 11:00 bucket and a new 12:00 bucket: 10:00 is kept as it was.
    let b = lake.file(
        "b.csv",
        "ts,kind,v\n2024-03-01T11:50:00Z,b,10\n2024-03-01T12:00:00Z,a,20\n",
    );
    lake.import(&[&b], &["--name", "ev", "--mode", "append"]);
    let list = lake.ok(&["rollup", "list"]);
    assert!(
        list.contains("stale: ev v1 → v2 (`lake rollup refresh hourly`)"),
        "{list}"
    );
    let out = lake.ok(&["rollup", "refresh"]);
    assert_eq!(
        out.trim(),
        "refreshed hourly as version 2: incremental: 2 appended rows; buckets from \
         2024-03-01 11:00:00.000000 made again (2 rows), 1 rows kept"
    );
    assert_eq!(
        lake.csv("SELECT hour, n, total FROM hourly ORDER BY hour"),
        "hour,n,total\n2024-03-01T10:00:00Z,2,3\n2024-03-01T11:00:00Z,2,13\n\
         2024-03-01T12:00:00Z,1,20\n"
    );
    assert_eq!(
        lake.ok(&["rollup", "refresh"]).trim(),
        "every rollup is fresh"
    );
    let j: serde_json::Value =
        serde_json::from_str(&lake.ok(&["rollup", "list", "--json"])).unwrap();
    assert_eq!(
        (j[0]["read"].as_u64(), j[0]["current"].as_u64()),
        (Some(2), Some(2))
    );

    // Not a rollup: the error says why and what to do instead.
    let err = lake.fails(&[
        "rollup",
        "create",
        "x",
        "SELECT kind, count(*) AS n FROM ev GROUP BY kind",
    ]);
    assert!(
        err.contains("cannot be a rollup: it has no time_bucket"),
        "{err}"
    );
    assert!(err.contains("use `lake create`"), "{err}");
}
