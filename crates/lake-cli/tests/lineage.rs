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
