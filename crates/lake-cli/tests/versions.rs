//! `lake history`, time travel in SQL, `lake restore` and `lake vacuum`, as a user runs them.

use crate::common::TestLake;

#[test]
fn history_time_travel_restore_and_vacuum_from_the_cli() {
    let lake = TestLake::new();
    let a = lake.file("a.csv", "id,name\n1,a\n2,b\n3,c\n");
    let b = lake.file("b.csv", "id,name,age\n4,d,40\n5,e,50\n");
    lake.import(&[&a], &["--name", "people"]);
    std::thread::sleep(std::time::Duration::from_millis(5));
    lake.import(&[&b], &["--name", "people"]);

    let text = lake.ok(&["history", "people"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("v2  ") && lines[0].contains("replace  2 rows"),
        "{text}"
    );
    assert!(lines[0].ends_with("(current)"), "{text}");
    assert_eq!(lines[1].trim(), "columns: + age BIGINT", "{text}");
    assert!(
        lines[2].trim().starts_with("from ") && lines[2].contains("b.csv (2 rows"),
        "{text}"
    );
    assert!(lines[3].starts_with("v1  "), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&lake.ok(&["history", "people", "--json"])).unwrap();
    assert_eq!(json[1]["version"], 1);
    assert_eq!(json[0]["added"][0]["name"], "age");

    assert_eq!(
        lake.csv("SELECT count(*) AS n FROM people VERSION AS OF 1"),
        "n\n3\n"
    );
    assert_eq!(lake.csv("SELECT count(*) AS n FROM people"), "n\n2\n");
    let e = lake.fails(&["query", "SELECT * FROM people VERSION AS OF 5"]);
    assert!(e.contains("no version 5; its versions are 1 to 2"), "{e}");
    let e = lake.fails(&["query", "SELECT * FROM people TIMESTAMP AS OF 'soon'"]);
    assert!(e.contains("'soon' is not a timestamp"), "{e}");

    assert_eq!(
        lake.ok(&["restore", "people", "--version", "1"]).trim(),
        "restored people version 1 as version 3 (now current)"
    );
    assert_eq!(lake.csv("SELECT count(*) AS n FROM people"), "n\n3\n");
    let e = lake.fails(&["restore", "people", "--version", "9"]);
    assert!(e.contains("no version 9"), "{e}");

    std::thread::sleep(std::time::Duration::from_millis(5));
    let dry = lake.ok(&["vacuum", "--older-than", "0d", "--dry-run"]);
    assert!(dry.starts_with("would remove 1 file(s)"), "{dry}");
    assert!(dry.contains("people@v1, people@v2"), "{dry}");
    assert_eq!(
        lake.csv("SELECT count(*) AS n FROM people VERSION AS OF 2"),
        "n\n2\n"
    );
    let kept = lake.ok(&["vacuum"]);
    assert!(kept.starts_with("nothing to vacuum"), "{kept}");
    let done = lake.ok(&["vacuum", "--older-than", "0d"]);
    assert!(done.starts_with("removed 1 file(s)"), "{done}");
    let e = lake.fails(&["query", "SELECT * FROM people VERSION AS OF 2"]);
    assert!(e.contains("removed by vacuum"), "{e}");
    assert_eq!(lake.csv("SELECT count(*) AS n FROM people"), "n\n3\n");
    let e = lake.fails(&["vacuum", "--older-than", "a week"]);
    assert!(e.contains("30d (days)"), "{e}");
}

#[test]
fn the_audit_log_lists_what_was_done_and_catches_an_edit() {
    let lake = TestLake::new();
    let a = lake.file("a.csv", "id\n1\n2\n");
    lake.import(&[&a], &["--name", "nums"]);
    let out = lake.path().join("out.csv");
    lake.ok(&[
        "query",
        "--output",
        out.to_str().unwrap(),
        "SELECT * FROM nums",
    ]);
    lake.ok(&["view", "create", "big", "SELECT * FROM nums WHERE id > 1"]);
    let text = lake.ok(&["audit"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].contains("view_create") && lines[0].contains("big"),
        "{text}"
    );
    assert!(
        lines[1].contains("export")
            && lines[1].contains("out.csv")
            && lines[1].contains("\"rows\":2"),
        "{text}"
    );
    // The query the export ran, with how it ended.
    assert!(
        lines[2].contains("query")
            && lines[2].contains("SELECT * FROM nums")
            && lines[2].contains("\"status\":\"ok\""),
        "{text}"
    );
    assert!(
        lines[3].contains("commit_version") && lines[3].contains("nums v1"),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&lake.ok(&["audit", "--json", "--since", "1d"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 4);
    assert!(lake
        .ok(&["audit", "--verify"])
        .starts_with("the audit log is intact: 4 chained entries"));

    let db = rusqlite::Connection::open(lake.path().join("catalog.sqlite")).unwrap();
    db.execute(
        "UPDATE audit_log SET dataset = 'other' WHERE action = 'commit_version'",
        [],
    )
    .unwrap();
    drop(db);
    let e = lake.fails(&["audit", "--verify"]);
    assert!(
        e.contains("error[damaged_lake]: the audit log was changed: entry 1 (commit_version"),
        "{e}"
    );
}

#[test]
fn retention_keeps_the_last_days_as_a_new_version() {
    let lake = TestLake::new();
    let ago = |d: i64| {
        (chrono::Utc::now() - chrono::Duration::days(d))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let f = lake.file(
        "ev.csv",
        format!("ts,v\n{},1\n{},2\n{},3\n", ago(500), ago(40), ago(3)),
    );
    lake.import(&[&f], &["--name", "ev"]);
    let err = lake.fails(&["retention", "apply", "ev"]);
    assert!(err.contains("`lake retention set ev --keep 90d`"), "{err}");
    let err = lake.fails(&["retention", "set", "ev", "--keep", "soon"]);
    assert!(err.contains("'soon' is not a number of days"), "{err}");
    let out = lake.ok(&["retention", "set", "ev", "--keep", "30d"]);
    assert_eq!(
        out.trim(),
        "ev keeps 30 days of ts; `lake retention apply ev` removes the older rows"
    );
    assert_eq!(
        lake.ok(&["retention", "list"]).trim(),
        "ev: keep 30 days of ts"
    );
    let out = lake.ok(&["retention", "apply", "--dry-run"]);
    assert!(
        out.starts_with("would remove: ev v1: 2 of 3 rows older than "),
        "{out}"
    );
    assert_eq!(lake.csv("SELECT count(*) AS n FROM ev"), "n\n3\n");
    let out = lake.ok(&["retention", "apply", "ev"]);
    assert!(
        out.starts_with("ev version 2: 1 rows (ev v1: 2 of 3 rows older than"),
        "{out}"
    );
    assert_eq!(lake.csv("SELECT v FROM ev"), "v\n3\n");
    // The old version stays until a vacuum: restorable, and readable by time travel.
    assert_eq!(
        lake.csv("SELECT count(*) AS n FROM ev VERSION AS OF 1"),
        "n\n3\n"
    );
    let history = lake.ok(&["history", "ev"]);
    assert!(history.contains("retention"), "{history}");
    assert!(lake
        .ok(&["retention", "apply", "ev"])
        .contains("ev: no row is older than"));
    assert_eq!(
        lake.ok(&["retention", "drop", "ev"]).trim(),
        "ev has no retention policy now"
    );
    assert!(lake
        .ok(&["retention", "list"])
        .contains("no retention policies"));
}
