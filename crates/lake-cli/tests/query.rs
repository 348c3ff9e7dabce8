use crate::common::TestLake;

fn sample(lake: &TestLake) {
    let users = lake.file(
        "users.csv",
        "id,name,city\n1,Ann,Paris\n2,Bob,Berlin\n3,Cid,Paris\n",
    );
    let visits = lake.file(
        "visits.csv",
        "user_id,ts,title\n1,2024-01-01T10:00:00Z,home\n1,2024-01-02T10:00:00Z,news\n2,2024-01-03T10:00:00Z,home\n3,2024-01-04T10:00:00Z,mail\n3,2024-01-05T10:00:00Z,home\n3,2024-01-06T10:00:00Z,news\n",
    );
    let r = lake.import(&[&users, &visits], &[]);
    assert_eq!(r["errors"], serde_json::json!([]), "{r}");
}

#[test]
fn joins_aggregates_and_windows() {
    let lake = TestLake::new();
    sample(&lake);
    assert_eq!(
        lake.csv("SELECT u.name, count(*) AS n FROM users u JOIN visits v ON v.user_id = u.id GROUP BY u.name ORDER BY n DESC, u.name"),
        "name,n\nCid,3\nAnn,2\nBob,1\n"
    );
    assert_eq!(
        lake.csv("SELECT user_id, title, row_number() OVER (PARTITION BY user_id ORDER BY ts) AS rn FROM visits ORDER BY user_id, rn"),
        "user_id,title,rn\n1,home,1\n1,news,2\n2,home,1\n3,mail,1\n3,home,2\n3,news,3\n"
    );
    assert_eq!(
        lake.csv("WITH c AS (SELECT city, count(*) AS n FROM users GROUP BY city) SELECT city FROM c WHERE n > 1"),
        "city\nParis\n"
    );
}

#[test]
fn output_formats() {
    let lake = TestLake::new();
    sample(&lake);
    let json = lake.ok(&[
        "query",
        "--format",
        "json",
        "SELECT id, name FROM users ORDER BY id LIMIT 2",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{"id":1,"name":"Ann"},{"id":2,"name":"Bob"}])
    );
    let nd = lake.ok(&[
        "query",
        "--format",
        "ndjson",
        "SELECT ts FROM visits ORDER BY ts LIMIT 1",
    ]);
    assert_eq!(nd.trim(), r#"{"ts":"2024-01-01T10:00:00Z"}"#);
    let table = lake.ok(&["query", "SELECT name FROM users ORDER BY id"]);
    assert!(table.contains("Ann") && table.contains("Cid"), "{table}");
    assert_eq!(
        lake.csv("SELECT 0.1 AS a, 1.0 / 3 AS b"),
        "a,b\n0.1,0.3333333333333333\n"
    );
    let out = lake.dir.path().join("out.csv");
    lake.ok(&[
        "query",
        "--format",
        "csv",
        "--output",
        out.to_str().unwrap(),
        "SELECT id FROM users WHERE id = 2",
    ]);
    assert_eq!(std::fs::read_to_string(out).unwrap(), "id\n2\n");
}

#[test]
fn unknown_column_points_and_suggests() {
    let lake = TestLake::new();
    sample(&lake);
    let err = lake.fails(&["query", "SELECT titel FROM visits"]);
    assert!(err.contains("error[unknown_column]"), "{err}");
    assert!(err.contains("did you mean `title`"), "{err}");
    assert!(err.contains("in visits"), "{err}");
    assert!(err.contains("line 1, column 8"), "{err}");
    let err = lake.fails(&["query", "SELECT * FROM visit"]);
    assert!(
        err.contains("error[unknown_dataset]") && err.contains("did you mean `visits`"),
        "{err}"
    );
}

#[test]
fn dotted_dataset_names() {
    let lake = TestLake::new();
    let f = lake.file("h.csv", "title,url\nA,http://a\nB,http://b\n");
    lake.import(&[&f], &["--name", "takeout.chrome_history"]);
    assert_eq!(
        lake.csv("SELECT takeout.chrome_history.title FROM takeout.chrome_history ORDER BY title"),
        "title\nA\nB\n"
    );
    assert_eq!(
        lake.csv("SELECT h.url FROM takeout.chrome_history h WHERE h.title = 'B'"),
        "url\nhttp://b\n"
    );
    let err = lake.fails(&["query", "SELECT titel FROM takeout.chrome_history"]);
    assert!(
        err.contains("unknown column `titel` in takeout.chrome_history; did you mean `title`?"),
        "{err}"
    );
}

#[test]
fn guard_rejects_with_reasons() {
    let lake = TestLake::new();
    sample(&lake);
    for (sql, code) in [
        (
            "SELECT * FROM read_csv('/etc/passwd')",
            "rejected_statement",
        ),
        ("DROP TABLE users", "rejected_statement"),
        ("DELETE FROM users", "rejected_statement"),
        ("SELECT 1; SELECT 2", "rejected_statement"),
        ("SELEC 1", "parse_error"),
    ] {
        let err = lake.fails(&["query", sql]);
        assert!(err.contains(&format!("error[{code}]")), "{sql}: {err}");
    }
    // The lake still works.
    assert_eq!(lake.csv("SELECT count(*) AS n FROM users"), "n\n3\n");
}

#[test]
fn explain_has_tree_and_analyze_has_actuals() {
    let lake = TestLake::new();
    sample(&lake);
    let sql = "SELECT u.city, count(*) AS n FROM users u JOIN visits v ON v.user_id = u.id WHERE v.user_id > 1 GROUP BY u.city";
    let plan: serde_json::Value =
        serde_json::from_str(&lake.ok(&["explain", "--format", "json", sql])).unwrap();
    let root = &plan["root"];
    assert!(root["kind"].is_string() && root["children"].is_array());
    fn all(n: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
        out.push(n.clone());
        for c in n["children"].as_array().unwrap() {
            all(c, out);
        }
    }
    let mut nodes = Vec::new();
    all(root, &mut nodes);
    let kinds: Vec<&str> = nodes.iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert!(
        kinds.contains(&"Join") && kinds.contains(&"Aggregate"),
        "{kinds:?}"
    );
    let scans: Vec<&serde_json::Value> = nodes.iter().filter(|n| n["kind"] == "Scan").collect();
    assert_eq!(scans.len(), 2, "{kinds:?}");
    assert!(scans.iter().all(|s| s["est_rows"].is_u64()));
    assert!(scans.iter().any(|s| s["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "predicate_pushdown")));
    assert!(nodes.iter().all(|n| n.get("actual_rows").is_none()));

    let plan: serde_json::Value =
        serde_json::from_str(&lake.ok(&["explain", "--analyze", "--format", "json", sql])).unwrap();
    assert_eq!(plan["root"]["actual_rows"], 2, "{plan}");
    let mut nodes = Vec::new();
    all(&plan["root"], &mut nodes);
    assert!(
        nodes
            .iter()
            .all(|n| n["actual_rows"].is_u64() && n["time_ms"].is_number()),
        "{plan}"
    );
    // The visits scan with user_id > 1 yields 4 rows.
    let visits_scan = nodes
        .iter()
        .find(|n| n["kind"] == "Scan" && n["detail"].as_str().unwrap().starts_with("visits"))
        .unwrap();
    assert_eq!(visits_scan["actual_rows"], 4, "{visits_scan}");
    let text = lake.ok(&["explain", "--analyze", sql]);
    assert!(
        text.contains("actual_rows=") && text.contains("total time"),
        "{text}"
    );
    let plan: serde_json::Value = serde_json::from_str(&lake.ok(&[
        "explain",
        "--format",
        "json",
        &format!("EXPLAIN ANALYZE {sql}"),
    ]))
    .unwrap();
    assert_eq!(plan["root"]["actual_rows"], 2, "{plan}");
    let text = lake.ok(&["query", &format!("EXPLAIN {sql}")]);
    assert!(text.contains("Scan"), "{text}");
}

#[test]
fn statistics_prune_files() {
    let lake = TestLake::new();
    let mut text = String::from("n,label\n");
    for i in 0..1000 {
        text.push_str(&format!("{i},l{}\n", i % 7));
    }
    let f = lake.file("big.csv", text);
    let r = lake.import(&[&f], &["--rows-per-file", "100"]);
    assert_eq!(r["datasets"][0]["files"], 10);
    let sql = "SELECT count(*) AS c FROM big WHERE n >= 950";
    assert_eq!(lake.csv(sql), "c\n50\n");
    let plan: serde_json::Value =
        serde_json::from_str(&lake.ok(&["explain", "--format", "json", sql])).unwrap();
    let s = plan.to_string();
    assert!(s.contains("pruned_files=9/10"), "{s}");
    assert_eq!(
        lake.csv("SELECT count(*) AS c FROM big WHERE n > 5000"),
        "c\n0\n"
    );
    assert_eq!(
        lake.csv("SELECT count(*) AS c FROM big WHERE n BETWEEN 150 AND 249"),
        "c\n100\n"
    );
}

#[test]
fn explain_counts_the_row_groups_statistics_rule_out() {
    let lake = TestLake::new();
    // 270,000 rows in one file: row groups of 131,072 rows hold n in [0, 131072),
    // [131072, 262144) and [262144, 270000), with words and days rising alongside.
    let mut text = String::from("n,word,day\n");
    for n in 0..270_000u32 {
        // Day n / 3000 of 2020 (a leap year), within its first 90 days.
        let (month, day) = match n / 3000 {
            d @ 0..=30 => (1, d + 1),
            d @ 31..=59 => (2, d - 30),
            d => (3, d - 59),
        };
        text.push_str(&format!("{n},w{n:06},2020-{month:02}-{day:02}\n"));
    }
    let f = lake.file("rising.csv", text);
    let r = lake.import(&[&f], &[]);
    assert_eq!(r["datasets"][0]["files"], 1, "{r}");
    for (sql, count) in [
        ("SELECT count(*) AS c FROM rising WHERE n >= 262144", 7856),
        (
            "SELECT count(*) AS c FROM rising WHERE word < 'w100000'",
            100_000,
        ),
        // 2020-02-01 is day 31: n < 93,000.
        (
            "SELECT count(*) AS c FROM rising WHERE day < DATE '2020-02-01'",
            93_000,
        ),
    ] {
        assert_eq!(lake.csv(sql), format!("c\n{count}\n"), "{sql}");
        let plan = lake.ok(&["explain", sql]);
        assert!(
            plan.contains("pruned_files=0/1, pruned_row_groups=2/3"),
            "{sql}: {plan}"
        );
        assert!(plan.contains("row_group_pruning"), "{plan}");
    }
    // A condition every row group may meet prunes none, and says so.
    let plan = lake.ok(&["explain", "SELECT count(*) FROM rising WHERE n >= 100"]);
    assert!(plan.contains("pruned_row_groups=0/3"), "{plan}");
    assert!(!plan.contains("row_group_pruning"), "{plan}");
    // The JSON plan, which the app draws, carries the same flag.
    let sql = "SELECT count(*) FROM rising WHERE n >= 262144";
    let json = lake.ok(&["explain", "--analyze", "--format", "json", sql]);
    assert!(json.contains("pruned_row_groups=2/3"), "{json}");
}

#[test]
fn partition_by_splits_files_by_year_and_time_ranges_prune_them() {
    let lake = TestLake::new();
    let mut text = String::from("id,day,amount\n");
    // 2022, 2023 and 2024, interleaved as an export would have them; one row without a day.
    for i in 0..900 {
        let year = 2022 + (i % 3);
        text.push_str(&format!(
            "{i},{year}-0{}-1{},{}\n",
            1 + i % 9,
            i % 10,
            i % 50
        ));
    }
    text.push_str("900,,7\n");
    let f = lake.file("sales.csv", text);
    let r = lake.import(&[&f], &["--partition-by", "day"]);
    assert_eq!(r["datasets"][0]["rows"], 901);
    // One file per year, plus one for the row without a day.
    assert_eq!(r["datasets"][0]["files"], 4, "{r}");
    let sql = "SELECT count(*) AS c, sum(amount) AS s FROM sales WHERE day >= DATE '2024-01-01'";
    let expect: u64 = (0..900).filter(|i| i % 3 == 2).map(|i| i % 50).sum();
    assert_eq!(lake.csv(sql), format!("c,s\n300,{expect}\n"));
    let plan = lake.ok(&["explain", sql]);
    assert!(plan.contains("pruned_files=3/4"), "{plan}");
    assert!(
        plan.contains("rules fired:") && plan.contains("file_pruning"),
        "{plan}"
    );
    assert_eq!(lake.csv("SELECT count(*) AS c FROM sales"), "c\n901\n");
    // A column that is not there, or not a date: a clear error naming the file; the lake keeps
    // what it had.
    let g = lake.file("more.csv", "id,day,amount\n1,2020-01-01,5\n");
    let err = lake.fails(&[
        "import",
        "--name",
        "sales",
        "--partition-by",
        "when",
        g.to_str().unwrap(),
    ]);
    assert!(
        err.contains("more.csv") && err.contains("no column `when`"),
        "{err}"
    );
    let err = lake.fails(&[
        "import",
        "--name",
        "sales",
        "--partition-by",
        "amount",
        g.to_str().unwrap(),
    ]);
    assert!(
        err.contains("needs a date or timestamp column") && err.contains("`amount` is i64"),
        "{err}"
    );
    assert_eq!(lake.csv("SELECT count(*) AS c FROM sales"), "c\n901\n");
}

#[test]
fn timeout_cancels_promptly_and_lake_stays_usable() {
    let lake = TestLake::new();
    let mut text = String::from("a\n");
    for i in 0..3000 {
        text.push_str(&format!("{i}\n"));
    }
    let f = lake.file("n.csv", text);
    lake.import(&[&f], &[]);
    // A cross join of 3000^3 rows runs far longer than the timeout.
    let t = std::time::Instant::now();
    let err = lake.fails(&[
        "query",
        "--timeout",
        "0.5",
        "SELECT count(*) FROM n x CROSS JOIN n y CROSS JOIN n z WHERE x.a + y.a + z.a = -1",
    ]);
    let elapsed = t.elapsed();
    assert!(err.contains("error[cancelled]"), "{err}");
    assert!(
        elapsed < std::time::Duration::from_secs(5),
        "took {elapsed:?}"
    );
    assert_eq!(lake.csv("SELECT count(*) AS c FROM n"), "c\n3000\n");
}

#[test]
fn timing_reports_the_query_time_on_stderr_and_leaves_the_result_alone() {
    let lake = TestLake::new();
    let f = lake.file("t.csv", "a\n1\n2\n3\n");
    lake.import(&[&f], &[]);
    let out = lake.run(&[
        "query",
        "--format",
        "csv",
        "--timing",
        "SELECT sum(a) AS s FROM t",
    ]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "s\n6\n");
    let err = String::from_utf8_lossy(&out.stderr);
    let ms: f64 = err
        .strip_prefix("query time: ")
        .and_then(|r| r.split(" ms (").next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no 'query time: N ms' line: {err:?}"));
    assert!(ms > 0.0 && ms < 60_000.0, "{ms}");
    // Then where the time went, stage by stage, and the output's own time.
    let stages: Vec<(&str, f64)> = err
        .split_once(" ms (")
        .and_then(|(_, r)| r.split_once("); output "))
        .map(|(list, _)| list)
        .unwrap_or_else(|| panic!("no stages: {err:?}"))
        .split(", ")
        .map(|part| {
            let (name, v) = part.rsplit_once(' ').unwrap().0.rsplit_once(' ').unwrap();
            (name, v.parse().unwrap())
        })
        .collect();
    let names: Vec<&str> = stages.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "result cache",
            "parse and guard",
            "catalog and bind",
            "rewrite",
            "pruning",
            "plan",
            "execute"
        ]
    );
    let sum: f64 = stages.iter().map(|(_, v)| v).sum();
    assert!(sum > 0.0 && sum <= ms + 0.5, "{stages:?} against {ms}");
    assert!(
        err.trim_end().ends_with(" ms") && err.contains("; output "),
        "{err}"
    );
    // Without the flag, nothing is printed besides the result.
    let out = lake.run(&["query", "--format", "csv", "SELECT sum(a) AS s FROM t"]);
    assert!(out.stderr.is_empty(), "{out:?}");
    // A repeat is answered from the result cache, unless --no-cache says to run it again.
    for (flags, cached) in [(&[][..], 1), (&["--no-cache"][..], 0)] {
        let mut args = vec!["query", "--format", "csv", "--timing", "--repeat", "3"];
        args.extend_from_slice(flags);
        args.push("SELECT max(a) AS m FROM t");
        let out = lake.run(&args);
        assert_eq!(String::from_utf8_lossy(&out.stdout), "m\n3\n");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            err.lines().filter(|l| l.starts_with("run ")).count(),
            3,
            "{err}"
        );
        // The first run of this SQL in the first process only fills the cache.
        let hits = err.matches("from the result cache").count();
        assert_eq!(hits, if cached == 1 { 2 } else { 0 }, "{flags:?}: {err}");
    }
}

#[test]
fn local_times_and_buckets_read_as_what_they_are() {
    let lake = TestLake::new();
    let f = lake.file(
        "t.csv",
        "ts,v\n2024-03-31T00:30:00Z,1\n2024-03-31T01:30:00Z,2\n2024-10-27T00:30:00Z,3\n",
    );
    lake.import(&[&f], &[]);
    // A UTC time ends in Z; its Berlin wall time (summer time from 01:00 UTC that day) has no
    // suffix, so it never reads as UTC.
    assert_eq!(
        lake.csv("SELECT ts, ts AT TIME ZONE 'Europe/Berlin' AS local FROM t ORDER BY ts"),
        "ts,local\n2024-03-31T00:30:00Z,2024-03-31T01:30:00\n\
         2024-03-31T01:30:00Z,2024-03-31T03:30:00\n2024-10-27T00:30:00Z,2024-10-27T02:30:00\n"
    );
    // Days as Berlin counts them: the first two points are on one local day.
    assert_eq!(
        lake.csv(
            "SELECT time_bucket(INTERVAL '1 day', ts, 'Europe/Berlin') AS day, count(*) AS n \
             FROM t GROUP BY 1 ORDER BY 1"
        ),
        "day,n\n2024-03-30T23:00:00Z,2\n2024-10-26T22:00:00Z,1\n"
    );
}

#[test]
fn the_timeline_counts_each_datasets_rows_per_bucket() {
    let lake = TestLake::new();
    let a = lake.file(
        "visits.csv",
        "ts,place\n2024-05-01T08:00:00Z,home\n2024-05-01T09:30:00Z,work\n2024-05-02T20:00:00Z,home\n",
    );
    let b = lake.file("days.csv", "day,steps\n2024-05-02,9000\n");
    let c = lake.file("names.csv", "name\nAda\n");
    lake.import(&[&a, &b, &c], &[]);
    let v: serde_json::Value = serde_json::from_str(&lake.ok(&[
        "timeline",
        "--from",
        "2024-05-01",
        "--to",
        "2024-05-03",
        "--buckets",
        "2",
        "--json",
    ]))
    .unwrap();
    let strips = v["density"]["strips"].as_array().unwrap();
    let got: Vec<(String, serde_json::Value)> = strips
        .iter()
        .map(|s| {
            (
                s["dataset"].as_str().unwrap().to_string(),
                s["counts"].clone(),
            )
        })
        .collect();
    // names has no time: it is not on the timeline.
    assert_eq!(
        got,
        [
            ("days".to_string(), serde_json::json!([0, 1])),
            ("visits".to_string(), serde_json::json!([2, 1]))
        ]
    );
    let text = lake.ok(&["timeline", "--buckets", "10"]);
    assert!(text.contains("visits  │█"), "{text}");
    let e = lake.fails(&["timeline", "--from", "May 1st"]);
    assert!(e.contains("'May 1st' is not a date or time"), "{e}");
}

#[test]
fn a_vector_index_is_built_listed_used_and_dropped() {
    let lake = TestLake::new();
    let mut text = String::new();
    for i in 0..60 {
        let v: Vec<String> = (0..8)
            .map(|j| format!("{:.4}", (i as f64 * 0.37 + j as f64 * 1.3).sin() + 1.1))
            .collect();
        text.push_str(&format!("{{\"id\": {i}, \"emb\": [{}]}}\n", v.join(", ")));
    }
    let notes = lake.file("notes.ndjson", text);
    lake.import(&[&notes], &[]);
    let sql = "SELECT id, array_cosine_distance(emb, (SELECT emb FROM notes WHERE id = 7)) AS d \
               FROM notes ORDER BY d LIMIT 3";
    let scan = lake.csv(sql);
    assert!(scan.starts_with("id,d\n7,0.0\n"), "{scan}");
    let built = lake.ok(&["index", "create", "notes", "emb"]);
    assert!(
        built.contains("built hnsw-cosine index on notes (emb) version 1: 60 entries")
            && built.contains("with exact"),
        "{built}"
    );
    assert!(lake
        .ok(&["index", "list"])
        .contains("hnsw-cosine index on notes (emb)"));
    assert_eq!(lake.csv(sql), scan);
    let plan = lake.ok(&["query", "--format", "csv", &format!("EXPLAIN {sql}")]);
    assert!(
        plan.contains("VectorSearch") && plan.contains("candidates=16/60"),
        "{plan}"
    );
    let e = lake.fails(&["index", "create", "notes", "id", "--kind", "hnsw"]);
    assert!(
        e.contains("notes.id is a BIGINT column, not a vector"),
        "{e}"
    );
    assert!(lake
        .ok(&["index", "drop", "notes", "emb"])
        .contains("dropped 1 vector index(es) on notes (emb)"));
    assert!(!lake
        .ok(&["query", "--format", "csv", &format!("EXPLAIN {sql}")])
        .contains("VectorSearch"));
}
