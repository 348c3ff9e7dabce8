//! `lake metrics` and `lake report`, checked as a person would: the figures of known imports
//! and queries, and the report files opened (PNG size, SVG and HTML elements).

use crate::common::TestLake;

fn lake_with_activity() -> TestLake {
    let lake = TestLake::new();
    let mut text = String::from("id,ts,v\n");
    for i in 0..300 {
        text.push_str(&format!("{i},202{}-05-01T10:00:00Z,{}\n", i % 3, i * 2));
    }
    let csv = lake.file("events.csv", &text);
    lake.import(&[&csv], &["--partition-by", "ts"]);
    lake.ok(&["query", "SELECT count(*) FROM events"]);
    lake.ok(&["query", "SELECT sum(v) FROM events WHERE ts < '2021-01-01'"]);
    lake.fails(&["query", "SELECT nope FROM events"]);
    lake
}

#[test]
fn metrics_give_the_figures_of_known_imports_and_queries() {
    let lake = lake_with_activity();
    let out = lake.ok(&["metrics", "--json"]);
    let m: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The import's own figures: the rows and the bytes of the file read.
    assert_eq!(m["import_count"], 1);
    assert_eq!(m["import_rows"], 300);
    let imp = &m["imports"][0];
    assert_eq!(imp["status"], "ok");
    assert_eq!(imp["rows"], 300);
    let file_len = std::fs::metadata(lake.dir.path().join("in/events.csv"))
        .unwrap()
        .len();
    assert_eq!(imp["bytes"], file_len);
    // Three queries; one failed; the filtered one read one year's file of three.
    let q = &m["queries"];
    assert_eq!(
        (q["count"].as_u64(), q["errors"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(q["rows"], 2);
    assert_eq!(
        (q["files_scanned"].as_u64(), q["files_pruned"].as_u64()),
        (Some(4), Some(2))
    );
    assert_eq!(m["slowest"].as_array().unwrap().len(), 3);
    assert_eq!(m["storage"][0]["name"], "events");
    assert_eq!(m["storage"][0]["versions"], 1);

    let text = lake.ok(&["metrics"]);
    assert!(text.contains("3 run, 1 failed"), "{text}");
    assert!(text.contains("300 rows"), "{text}");
    assert!(text.contains("SELECT nope FROM events"), "{text}");

    let err = lake.fails(&["metrics", "--since", "yesterday"]);
    assert!(err.contains("--since") && err.contains("30d"), "{err}");
}

#[test]
fn each_query_records_the_row_groups_its_statistics_skipped() {
    let lake = TestLake::new();
    // 262,149 ids in order: the lake writes row groups of 131,072 rows, so three groups, whose
    // id ranges do not overlap.
    let mut text = String::with_capacity(2 << 20);
    text.push_str("id\n");
    for i in 0..262_149 {
        text.push_str(&format!("{i}\n"));
    }
    let csv = lake.file("ids.csv", &text);
    lake.import(&[&csv], &[]);
    // The first group (ids below 131,072) cannot hold an id of 200,000 or more.
    assert_eq!(
        lake.ok(&[
            "query",
            "--format",
            "csv",
            "SELECT count(*) AS n FROM ids WHERE id >= 200000"
        ]),
        "n\n62149\n"
    );
    lake.ok(&["query", "SELECT sum(id) FROM ids"]);
    let m: serde_json::Value = serde_json::from_str(&lake.ok(&["metrics", "--json"])).unwrap();
    let runs = m["slowest"].as_array().unwrap();
    let run = |sql: &str| {
        let r = runs
            .iter()
            .find(|r| r["sql"].as_str().unwrap().contains(sql));
        let s = &r.unwrap_or_else(|| panic!("{sql} not in {runs:?}"))["scan"];
        (
            s["row_groups_read"].as_u64(),
            s["row_groups_pruned"].as_u64(),
        )
    };
    assert_eq!(run("WHERE id >= 200000"), (Some(2), Some(1)));
    assert_eq!(run("sum(id)"), (Some(3), Some(0)));
    let q = &m["queries"];
    assert_eq!(
        (
            q["row_groups_read"].as_u64(),
            q["row_groups_pruned"].as_u64()
        ),
        (Some(5), Some(1))
    );
    assert!(
        lake.ok(&["metrics"])
            .contains("row groups: 5 read, 1 skipped by their statistics"),
        "the text names them too"
    );
}

#[test]
fn report_files_are_whole_charts_in_the_format_asked() {
    let lake = lake_with_activity();
    let dir = lake.dir.path();
    let png = dir.join("r.png");
    lake.ok(&["report", "--since", "7d", "--out", png.to_str().unwrap()]);
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((w, h), (1520, 1248));

    let svg_path = dir.join("r.svg");
    lake.ok(&["report", "--out", svg_path.to_str().unwrap()]);
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    for title in [
        "Query latency per",
        "Ingest throughput",
        "Lake size",
        "Largest datasets",
    ] {
        assert!(svg.contains(title), "{title}");
    }
    // The largest datasets' bar names the dataset; the charts have their series drawn.
    assert!(svg.contains(">\nevents\n<"), "no dataset label");
    assert!(svg.matches("<circle").count() >= 2, "no points drawn");

    let html_path = dir.join("r.html");
    lake.ok(&["report", "--out", html_path.to_str().unwrap()]);
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("<table id=\"slowest\">") && html.contains("<svg"));
    // SQL is text in the page, never markup; nothing is loaded from elsewhere.
    assert!(html.contains("SELECT sum(v) FROM events WHERE ts &lt; '2021-01-01'"));
    // Nothing is loaded from elsewhere: the only address is the SVG namespace's.
    assert_eq!(
        html.matches("://").count(),
        html.matches("http://www.w3.org/2000/svg").count()
    );
    assert!(!html.contains("<script"));

    // A file name the report cannot be is refused before anything is written.
    let bad = dir.join("r.txt");
    let err = lake.fails(&["report", "--out", bad.to_str().unwrap()]);
    assert!(err.contains(".html, .svg or .png"), "{err}");
    assert!(!bad.exists());
}
