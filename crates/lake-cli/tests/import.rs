use crate::common::TestLake;

#[test]
fn csv_types_are_inferred_with_timestamps() {
    let lake = TestLake::new();
    let f = lake.file(
        "trips.csv",
        "id,city,km,ts,day,ok\n1,Paris,3.5,2024-01-02T03:04:05Z,2024-01-02,true\n2,Berlin,,2024-01-03 10:00:00,2024-01-03,false\n",
    );
    let r = lake.import(&[&f], &[]);
    assert_eq!(r["datasets"][0]["name"], "trips");
    assert_eq!(r["datasets"][0]["rows"], 2);
    assert_eq!(r["datasets"][0]["version"], 1);
    let schema: serde_json::Value =
        serde_json::from_str(&lake.ok(&["schema", "trips", "--json"])).unwrap();
    let types: Vec<(String, String)> = schema["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().into(),
                c["dtype"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(types[0], ("id".into(), "i64".into()));
    assert_eq!(types[1], ("city".into(), "str".into()));
    assert_eq!(types[2], ("km".into(), "f64".into()));
    assert!(types[3].1.starts_with("datetime"), "{types:?}");
    assert_eq!(types[4].1, "date");
    assert_eq!(types[5].1, "bool");
    assert_eq!(schema["columns"][2]["null_count"], 1);
    assert_eq!(schema["columns"][0]["min"], 1);
    assert_eq!(schema["columns"][0]["max"], 2);
    let human = lake.ok(&["schema", "trips"]);
    assert!(
        human.contains("2024-01-02T03:04:05Z") && human.contains("2024-01-03T10:00:00Z"),
        "{human}"
    );
    assert!(
        human.contains("2024-01-02 ")
            || human.contains("2024-01-02\n")
            || human.contains("2024-01-02  "),
        "{human}"
    );
    assert_eq!(
        lake.csv("SELECT id, ts FROM trips ORDER BY id"),
        "id,ts\n1,2024-01-02T03:04:05Z\n2,2024-01-03T10:00:00Z\n"
    );
}

#[test]
fn csv_dialects_semicolon_no_header_latin1_tsv() {
    let lake = TestLake::new();
    let semi = lake.file("semi.csv", "name;n\n\"a;b\";1\nc;2\n");
    let nohdr = lake.file("nohdr.csv", "1,2.5\n2,3.5\n");
    let latin = lake.file("latin.csv", b"name,n\ncaf\xe9,1\n");
    let tsv = lake.file("tabs.tsv", "a\tb\n1\tx\n");
    let r = lake.import(&[&semi, &nohdr, &latin, &tsv], &[]);
    assert_eq!(r["errors"], serde_json::json!([]), "{r}");
    assert_eq!(
        lake.csv("SELECT name FROM semi ORDER BY n"),
        "name\na;b\nc\n"
    );
    assert_eq!(lake.csv("SELECT sum(column_2) AS s FROM nohdr"), "s\n6.0\n");
    assert_eq!(lake.csv("SELECT name FROM latin"), "name\ncafé\n");
    assert_eq!(lake.csv("SELECT b FROM tabs"), "b\nx\n");
}

#[test]
fn late_values_widen_the_type() {
    let lake = TestLake::new();
    let mut text = String::from("v\n");
    for i in 0..5000 {
        text.push_str(&format!("{i}\n"));
    }
    text.push_str("7.5\n");
    let f = lake.file("wide.csv", text);
    let r = lake.import(&[&f], &[]);
    assert_eq!(r["datasets"][0]["rows"], 5001);
    assert_eq!(lake.csv("SELECT max(v) AS m FROM wide"), "m\n4999.0\n");
}

#[test]
fn ragged_csv_fails_naming_line_and_skip_bad_counts() {
    let lake = TestLake::new();
    let f = lake.file("bad.csv", "a,b\n1,2\n3\n4,5\n");
    let r = lake.import(&[&f], &[]);
    assert_eq!(r["datasets"], serde_json::json!([]));
    let err = r["errors"][0]["error"].as_str().unwrap();
    assert_eq!(r["errors"][0]["code"], "bad_input");
    assert!(err.contains("bad.csv:line 3"), "{err}");
    assert!(err.contains("expected 2 fields, found 1"), "{err}");
    // Nothing was created.
    assert!(lake.fails(&["schema", "bad"]).contains("unknown_dataset"));
    let r = lake.import(&[&f], &["--skip-bad"]);
    assert_eq!(r["datasets"][0]["rows"], 2);
    assert_eq!(r["datasets"][0]["skipped_rows"], 1);
}

#[test]
fn skipped_records_are_listed_once_despite_sampling_and_restarts() {
    let lake = TestLake::new();
    // A bad line inside the type sample, then a value that forces a wider type and a re-read.
    let mut text = String::from("{\"v\":1}\n{not json\n");
    for i in 0..3000 {
        text.push_str(&format!("{{\"v\":{i}}}\n"));
    }
    text.push_str("{\"v\":2.5}\n");
    let f = lake.file("nums.ndjson", text);
    let r = lake.import(&[&f], &["--skip-bad"]);
    assert_eq!(r["datasets"][0]["rows"], 3002, "{r}");
    assert_eq!(r["datasets"][0]["skipped_rows"], 1);
    assert_eq!(
        r["datasets"][0]["bad_examples"].as_array().unwrap().len(),
        1,
        "{r}"
    );
    let mut text = String::from("a,b\n1,2\n3\n");
    for i in 0..3000 {
        text.push_str(&format!("{i},{i}\n"));
    }
    text.push_str("x,1\n");
    let f = lake.file("rag.csv", text);
    let r = lake.import(&[&f], &["--skip-bad"]);
    assert_eq!(r["datasets"][0]["rows"], 3002, "{r}");
    assert_eq!(
        r["datasets"][0]["bad_examples"].as_array().unwrap().len(),
        1,
        "{r}"
    );
}

#[test]
fn ndjson_json_and_nested_values() {
    let lake = TestLake::new();
    let nd = lake.file(
        "events.ndjson",
        "{\"id\":1,\"tag\":\"a\",\"meta\":{\"x\":1}}\n{\"id\":2,\"tag\":null}\n\n{\"id\":3,\"tag\":\"c\",\"late\":true}\n",
    );
    let js = lake.file(
        "wrapped.json",
        r#"{"version": 2, "items": [{"k": "x", "v": 1.5}, {"k": "y", "v": 2}]}"#,
    );
    let arr = lake.file("arr.json", r#"[{"a": 1}, {"a": 2}, {"a": 3}]"#);
    let r = lake.import(&[&nd, &js, &arr], &[]);
    assert_eq!(r["errors"], serde_json::json!([]), "{r}");
    assert_eq!(
        lake.csv("SELECT id, tag, meta, late FROM events ORDER BY id"),
        "id,tag,meta,late\n1,a,\"{\"\"x\"\":1}\",\n2,,,\n3,c,,true\n"
    );
    assert_eq!(
        lake.csv("SELECT k, v FROM wrapped ORDER BY k"),
        "k,v\nx,1.5\ny,2.0\n"
    );
    assert_eq!(lake.csv("SELECT sum(a) AS s FROM arr"), "s\n6\n");
}

#[test]
fn bad_json_names_line_and_keeps_lake() {
    let lake = TestLake::new();
    let good = lake.file("events.ndjson", "{\"id\":1}\n");
    lake.import(&[&good], &[]);
    let bad = lake.file("events2.ndjson", "{\"id\":2}\n{\"id\":\n{\"id\":4}\n");
    let r = lake.import(&[&bad], &["--name", "events"]);
    assert_eq!(r["errors"][0]["code"], "bad_input");
    assert!(
        r["errors"][0]["error"]
            .as_str()
            .unwrap()
            .contains("events2.ndjson:line 2"),
        "{r}"
    );
    assert_eq!(lake.csv("SELECT count(*) AS n FROM events"), "n\n1\n");
    let broken = lake.file("doc.json", "[{\"a\": 1}, {\"a\": ");
    let r = lake.import(&[&broken], &[]);
    assert!(
        r["errors"][0]["error"]
            .as_str()
            .unwrap()
            .contains("doc.json:line 1"),
        "{r}"
    );
}

#[test]
fn parquet_geojson_gpx() {
    let lake = TestLake::new();
    let csv = lake.file("src.csv", "a,b\n1,x\n2,y\n3,z\n");
    lake.import(&[&csv], &[]);
    let pq = lake.dir.path().join("in/copy.parquet");
    lake.ok(&[
        "query",
        "--format",
        "parquet",
        "--output",
        pq.to_str().unwrap(),
        "SELECT * FROM src",
    ]);
    let geo = lake.file(
        "places.geojson",
        r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"name":"Eiffel"},"geometry":{"type":"Point","coordinates":[2.2945,48.8584]}},
            {"type":"Feature","properties":{"name":"Line"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}"#,
    );
    let gpx = lake.file(
        "ride.gpx",
        r#"<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">
        <wpt lat="48.1" lon="11.5"><name>Start</name></wpt>
        <trk><name>Morning</name><trkseg>
          <trkpt lat="48.1" lon="11.5"><ele>520.5</ele><time>2024-05-01T07:00:00Z</time></trkpt>
          <trkpt lat="48.2" lon="11.6"><ele>530</ele><time>2024-05-01T07:01:00Z</time></trkpt>
        </trkseg></trk></gpx>"#,
    );
    let r = lake.import(&[&pq, &geo, &gpx], &[]);
    assert_eq!(r["errors"], serde_json::json!([]), "{r}");
    assert_eq!(lake.csv("SELECT sum(a) AS s FROM copy"), "s\n6\n");
    assert_eq!(
        lake.csv("SELECT name, lon, lat, geometry_wkt FROM places ORDER BY name"),
        "name,lon,lat,geometry_wkt\nEiffel,2.2945,48.8584,POINT (2.2945 48.8584)\nLine,,,\"LINESTRING (0 0, 1 1)\"\n"
    );
    assert_eq!(
        lake.csv("SELECT kind, track, ts, elevation_m FROM ride WHERE kind = 'track_point' ORDER BY ts"),
        "kind,track,ts,elevation_m\ntrack_point,Morning,2024-05-01T07:00:00Z,520.5\ntrack_point,Morning,2024-05-01T07:01:00Z,530.0\n"
    );
    assert_eq!(
        lake.csv("SELECT name FROM ride WHERE kind = 'waypoint'"),
        "name\nStart\n"
    );
}

#[test]
fn reimport_is_idempotent_and_append_adds_a_version() {
    let lake = TestLake::new();
    let a = lake.file("a.csv", "x\n1\n2\n");
    let b = lake.file("b.csv", "x\n3\n");
    let r = lake.import(&[&a], &["--name", "nums"]);
    assert_eq!(r["datasets"][0]["version"], 1);
    let r = lake.import(&[&a], &["--name", "nums"]);
    assert_eq!(r["datasets"], serde_json::json!([]));
    assert!(
        r["unchanged"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("already imported"),
        "{r}"
    );
    let human = lake.ok(&["import", "--name", "nums", a.to_str().unwrap()]);
    assert!(human.contains("unchanged nums"), "{human}");
    let r = lake.import(&[&b], &["--name", "nums", "--mode", "append"]);
    assert_eq!(r["datasets"][0]["version"], 2);
    assert_eq!(r["datasets"][0]["rows"], 3);
    assert_eq!(r["datasets"][0]["files"], 2);
    assert_eq!(lake.csv("SELECT sum(x) AS s FROM nums"), "s\n6\n");
    // Replace makes a new version with only the new file.
    let r = lake.import(&[&b], &["--name", "nums"]);
    assert_eq!(
        r["unchanged"].as_array().unwrap().len(),
        1,
        "b is already in version 2: {r}"
    );
    let c = lake.file("c.csv", "x\n10\n");
    let r = lake.import(&[&c], &["--name", "nums"]);
    assert_eq!(r["datasets"][0]["version"], 3);
    assert_eq!(lake.csv("SELECT sum(x) AS s FROM nums"), "s\n10\n");
    let list: serde_json::Value = serde_json::from_str(&lake.ok(&["datasets", "--json"])).unwrap();
    assert_eq!(list[0]["name"], "nums");
    assert_eq!(list[0]["version"], 3);
    assert_eq!(list[0]["rows"], 1);
    assert_eq!(list[0]["columns"], 1);
    assert!(list[0]["bytes"].as_u64().unwrap() > 0);
}

#[test]
fn folder_import_and_unsupported_files() {
    let lake = TestLake::new();
    lake.file("dir/one.csv", "a\n1\n");
    lake.file("dir/sub/two.ndjson", "{\"b\":2}\n");
    lake.file("dir/readme.md", "not data");
    let r = lake.import(&[&lake.dir.path().join("in/dir")], &[]);
    let names = crate::common::dataset_names(&r);
    assert_eq!(names, vec!["one", "two"]);
    let odd = lake.file("weird.bin", [0u8, 1, 2, 3]);
    let r = lake.import(&[&odd], &[]);
    assert_eq!(r["errors"][0]["code"], "unsupported_format");
    let missing = lake.dir.path().join("nope.csv");
    let r = lake.import(&[&missing], &[]);
    assert_eq!(r["errors"][0]["code"], "not_found");
}

#[test]
fn append_with_other_columns_is_refused() {
    let lake = TestLake::new();
    let a = lake.file("a.csv", "x\n1\n");
    let b = lake.file("b.csv", "y\nq\n");
    lake.import(&[&a], &["--name", "t"]);
    let r = lake.import(&[&b], &["--name", "t", "--mode", "append"]);
    assert_eq!(r["errors"][0]["code"], "bad_input");
    assert!(
        r["errors"][0]["error"].as_str().unwrap().contains("differ"),
        "{r}"
    );
    assert_eq!(lake.csv("SELECT count(*) AS n FROM t"), "n\n1\n");
}

#[test]
fn usage_errors_exit_2() {
    let lake = TestLake::new();
    let out = lake.run(&["import"]);
    assert_eq!(out.status.code(), Some(2));
    let out = lake.run(&["query", "--format", "xml", "SELECT 1"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn line_numbers_hold_across_parallel_batches() {
    let lake = TestLake::new();
    // Over 4 MB of NDJSON (several parallel chunks), a bad line far in.
    let mut nd = String::new();
    for i in 1..=120_000 {
        if i == 100_000 {
            nd.push_str("{\"id\": oops}\n");
        } else {
            nd.push_str(&format!(
                "{{\"id\":{i},\"name\":\"some text to fill the line {i}\"}}\n"
            ));
        }
    }
    assert!(nd.len() > 4 << 20);
    let f = lake.file("long.ndjson", &nd);
    let r = lake.import(&[&f], &[]);
    let err = r["errors"][0]["error"].as_str().unwrap();
    assert!(err.contains("long.ndjson:line 100000, column 8"), "{err}");
    let r = lake.import(&[&f], &["--skip-bad"]);
    assert_eq!(r["datasets"][0]["rows"], 119_999);
    assert_eq!(
        lake.csv("SELECT sum(id) AS s FROM long"),
        format!("s\n{}\n", 120_000u64 * 120_001 / 2 - 100_000)
    );
    // CSV across record batches: a ragged line at 50,000 (header is line 1).
    let mut csv = String::from("a,b\n");
    for i in 2..=70_000 {
        if i == 50_000 {
            csv.push_str("1\n");
        } else {
            csv.push_str(&format!("{i},x{i}\n"));
        }
    }
    let f = lake.file("long.csv", &csv);
    let r = lake.import(&[&f], &[]);
    let err = r["errors"][0]["error"].as_str().unwrap();
    assert!(err.contains("long.csv:line 50000"), "{err}");
    let r = lake.import(&[&f], &["--skip-bad"]);
    assert_eq!(r["datasets"][0]["rows"], 69_998);
    // Replaces the NDJSON version of `long` (same file stem).
    assert_eq!(
        lake.csv("SELECT min(a) AS lo, max(a) AS hi FROM long"),
        "lo,hi\n2,70000\n"
    );
}

#[test]
fn a_field_first_seen_after_the_sample_becomes_a_column() {
    let lake = TestLake::new();
    let mut nd = String::new();
    for i in 0..5000 {
        nd.push_str(&format!("{{\"id\":{i}}}\n"));
    }
    nd.push_str("{\"id\":5000,\"extra\":\"late\"}\n");
    let f = lake.file("late.ndjson", nd);
    let r = lake.import(&[&f], &[]);
    assert_eq!(r["datasets"][0]["rows"], 5001, "{r}");
    assert_eq!(
        lake.csv("SELECT id, extra FROM late WHERE extra IS NOT NULL"),
        "id,extra\n5000,late\n"
    );
    assert_eq!(
        lake.csv("SELECT count(*) AS n FROM late WHERE extra IS NULL"),
        "n\n5000\n"
    );
}
