//! Google Takeout import: our hand-written fixtures in three languages, multi-part zip and tgz
//! archives built from them, re-import, and (when `../shared` exists) conformance with the
//! independent generator's manifest.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::TestLake;

fn fixture(locale: &str) -> PathBuf {
    crate::common::manifest_dir()
        .join("tests/fixtures/takeout")
        .join(locale)
}

fn ondevice_name(locale: &str) -> &'static str {
    match locale {
        "de" => "Zeitleiste.json",
        "fr" => "Chronologie.json",
        _ => "Timeline.json",
    }
}

fn n(lake: &TestLake, sql: &str) -> i64 {
    let out = lake.csv(sql);
    let v = out.lines().nth(1).unwrap_or("").trim();
    if v.is_empty() {
        return 0;
    }
    v.parse::<f64>()
        .unwrap_or_else(|_| panic!("{sql}: not a number: {out}")) as i64
}

fn product<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["takeout"]["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["product"] == name)
        .unwrap_or_else(|| panic!("no product {name} in {report:#}"))
}

#[test]
fn fixtures_import_in_three_languages() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(
            crate::common::manifest_dir().join("tests/fixtures/takeout/expected.json"),
        )
        .unwrap(),
    )
    .unwrap();
    for locale in ["en", "de", "fr"] {
        let lake = TestLake::new();
        let dir = fixture(locale);
        let report = lake.import(
            &[&dir.join("Takeout"), &dir.join(ondevice_name(locale))],
            &[],
        );
        assert_eq!(report["takeout"]["locale"], locale, "{report:#}");
        for (table, want) in expected[locale].as_object().unwrap() {
            let sql = if table == "takeout.location_points" {
                format!("SELECT count(*) FROM {table} WHERE origin <> 'timeline_edits'")
            } else {
                format!("SELECT count(*) FROM {table}")
            };
            assert_eq!(n(&lake, &sql), want.as_i64().unwrap(), "{locale}: {table}");
        }
        // Canonical English product names whatever the language.
        assert_eq!(
            n(
                &lake,
                "SELECT count(*) FROM takeout.my_activity WHERE product = 'Image Search'"
            ),
            3,
            "{locale}"
        );
        assert_eq!(
            n(
                &lake,
                "SELECT count(*) FROM takeout.my_activity WHERE product = 'Search'"
            ) + n(
                &lake,
                "SELECT count(*) FROM takeout.my_activity WHERE product = 'Chrome'"
            ),
            7,
            "{locale}"
        );
        // One duplicate between Records and on-device, stored once (the Records one).
        assert_eq!(
            n(
                &lake,
                "SELECT count(*) FROM takeout.location_points WHERE origin = 'records'"
            ),
            match locale {
                "en" => 5,
                "de" => 4,
                _ => 3,
            }
        );
        let sum = match locale {
            "en" => 2576112914i64,
            "de" => 2101240839,
            _ => 1466113610,
        };
        assert_eq!(
            n(
                &lake,
                "SELECT sum(round(lat * 10000000)) FROM takeout.location_points WHERE origin = 'records'"
            ),
            sum
        );
        // Photos: the edited copy takes its original's sidecar; 0/0 means no location.
        assert_eq!(
            n(
                &lake,
                "SELECT count(*) FROM takeout.photos WHERE file_path IS NULL"
            ),
            1
        );
        assert_eq!(
            n(
                &lake,
                "SELECT count(*) FROM takeout.photos WHERE edited AND lat IS NOT NULL"
            ),
            1
        );
        assert_eq!(
            n(&lake, "SELECT count(*) FROM takeout.photos WHERE file_path LIKE '%WA0007%' AND lat IS NULL"),
            1
        );
        assert_eq!(
            n(
                &lake,
                "SELECT count(*) FROM takeout.saved_places WHERE lat IS NULL"
            ),
            1
        );
        assert_eq!(
            n(
                &lake,
                "SELECT count(*) FROM takeout.emails WHERE ts IS NULL"
            ),
            1
        );
        assert_eq!(
            n(
                &lake,
                "SELECT count(*) FROM takeout.emails WHERE has_attachments"
            ),
            1
        );
        assert_eq!(
            n(
                &lake,
                "SELECT count(*) FROM takeout.calendar_events WHERE all_day"
            ),
            1
        );
        let mail = product(&report, "Gmail");
        assert_eq!(mail["status"], "partial");
        assert!(mail["errors"][0]["error"]
            .as_str()
            .unwrap()
            .contains("malformed Date"));
    }
}

#[test]
fn values_are_decoded_and_times_are_utc() {
    let lake = TestLake::new();
    let dir = fixture("de");
    lake.import(&[&dir.join("Takeout"), &dir.join("Zeitleiste.json")], &[]);
    let subjects = lake.csv("SELECT subject FROM takeout.emails ORDER BY subject");
    assert!(subjects.contains("Grillfest bei Jürgen 🍖"), "{subjects}");
    // The HTML page shows 23:16:13 MESZ, which is 21:16:13 UTC.
    let html = lake.csv(
        "SELECT ts FROM takeout.my_activity WHERE product = 'Image Search' ORDER BY ts DESC LIMIT 1",
    );
    assert!(html.contains("2024-05-13T21:16:13"), "{html}");
    // TZID Europe/Berlin 09:30 is 07:30 UTC.
    let cal = lake
        .csv("SELECT start_ts FROM takeout.calendar_events WHERE NOT all_day ORDER BY start_ts");
    assert!(cal.contains("07:30:00"), "{cal}");
    let watch = lake.csv("SELECT count(DISTINCT channel_url) AS c FROM takeout.youtube_watch");
    assert!(watch.contains("\n2"), "{watch}");
    let titles = lake.csv("SELECT title FROM takeout.youtube_watch");
    assert!(!titles.contains("angesehen"), "verb stripped: {titles}");
}

#[test]
fn broken_file_is_reported_and_the_rest_imports() {
    let lake = TestLake::new();
    let dir = fixture("en");
    let report = lake.import(&[&dir.join("Takeout")], &[]);
    let ma = product(&report, "My Activity");
    assert_eq!(ma["status"], "partial", "{ma:#}");
    let err = &ma["errors"][0];
    assert_eq!(err["path"], "Takeout/My Activity/Takeout/MyActivity.json");
    assert!(
        err["error"].as_str().unwrap().contains("truncated JSON"),
        "{err}"
    );
    let enc = product(&report, "Timeline (encrypted backups)");
    assert_eq!(enc["status"], "skipped");
    assert!(enc["errors"][0]["error"]
        .as_str()
        .unwrap()
        .contains("Export Timeline data"));
    assert_eq!(n(&lake, "SELECT count(*) FROM takeout.chrome_history"), 3);
}

/// Writes the files under `root` into `parts` zip (or tgz) archives, dealing entries round-robin
/// so that a photo and its sidecar usually land in different parts.
fn pack(root: &Path, out: &Path, parts: usize, tgz: bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out)
            } else {
                out.push(p)
            }
        }
    }
    walk(&root.join("Takeout"), &mut files);
    files.sort();
    let base = root;
    let mut names = Vec::new();
    for k in 0..parts {
        let ext = if tgz { "tgz" } else { "zip" };
        let path = out.join(format!("takeout-20240516T230250Z-{:03}.{ext}", k + 1));
        let mine: Vec<&PathBuf> = files.iter().skip(k).step_by(parts).collect();
        if tgz {
            let f = std::fs::File::create(&path).unwrap();
            let gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
            let mut tar = tar::Builder::new(gz);
            for f in mine {
                let rel = f.strip_prefix(base).unwrap();
                tar.append_path_with_name(f, rel).unwrap();
            }
            tar.into_inner().unwrap().finish().unwrap();
        } else {
            let f = std::fs::File::create(&path).unwrap();
            let mut z = zip::ZipWriter::new(f);
            let o: zip::write::SimpleFileOptions = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for f in mine {
                let rel = f
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                z.start_file(rel, o).unwrap();
                z.write_all(&std::fs::read(f).unwrap()).unwrap();
            }
            z.finish().unwrap();
        }
        names.push(path);
    }
    names
}

#[test]
fn multi_part_zip_and_tgz_read_in_place() {
    for tgz in [false, true] {
        let lake = TestLake::new();
        let out = lake.dir.path().join("parts");
        std::fs::create_dir_all(&out).unwrap();
        let mut parts = pack(&fixture("fr"), &out, 3, tgz);
        parts.push(fixture("fr").join("Chronologie.json"));
        let refs: Vec<&Path> = parts.iter().map(PathBuf::as_path).collect();
        let report = lake.import(&refs, &[]);
        assert_eq!(report["takeout"]["export_id"], "takeout-20240516T230250Z");
        assert_eq!(report["takeout"]["parts"].as_array().unwrap().len(), 4);
        assert_eq!(report["takeout"]["locale"], "fr");
        assert_eq!(
            n(&lake, "SELECT count(*) FROM takeout.photos"),
            5,
            "tgz={tgz}"
        );
        assert_eq!(
            n(&lake, "SELECT count(*) FROM takeout.photos WHERE file_path IS NOT NULL AND sidecar_path IS NOT NULL"),
            4,
            "photos joined with sidecars across parts (tgz={tgz})"
        );
        assert_eq!(n(&lake, "SELECT count(*) FROM takeout.location_points"), 5);
        // Nothing was extracted next to the parts.
        let listed: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
        assert_eq!(listed.len(), 3);
    }
}

#[test]
fn reimport_adds_nothing_and_a_newer_export_appends_only_new_rows() {
    let lake = TestLake::new();
    let dir = fixture("en");
    lake.import(&[&dir.join("Takeout"), &dir.join("Timeline.json")], &[]);
    let before = n(&lake, "SELECT count(*) FROM takeout.chrome_history");
    let again = lake.import(&[&dir.join("Takeout"), &dir.join("Timeline.json")], &[]);
    assert_eq!(again["datasets"].as_array().unwrap().len(), 0, "{again:#}");
    assert!(again["unchanged"].as_array().unwrap().len() >= 15);
    let chrome = again["takeout"]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "takeout.chrome_history")
        .unwrap();
    assert_eq!(chrome["new_rows"], 0);
    assert_eq!(chrome["key"], "time (µs) and URL");
    // A newer export: one chrome visit gone, one new.
    let newer = lake.dir.path().join("newer");
    copy_dir(&dir, &newer);
    let hist = newer.join("Takeout/Chrome/History.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&hist).unwrap()).unwrap();
    let arr = doc["Browser History"].as_array_mut().unwrap();
    arr.remove(0);
    let mut fresh = arr[0].clone();
    fresh["time_usec"] = Value::from(1_716_000_000_000_000i64);
    fresh["url"] = Value::from("https://example.org/new");
    arr.push(fresh);
    std::fs::write(&hist, serde_json::to_string(&doc).unwrap()).unwrap();
    let r = lake.import(&[&newer.join("Takeout")], &[]);
    let names = crate::common::dataset_names(&r);
    assert_eq!(names, vec!["takeout.chrome_history"], "{r:#}");
    assert_eq!(
        n(&lake, "SELECT count(*) FROM takeout.chrome_history"),
        before + 1,
        "the vanished visit is kept, the new one added"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let t = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &t)
        } else {
            std::fs::copy(&p, &t).unwrap();
        }
    }
}

#[test]
fn empty_and_odd_files_are_listed_not_dropped() {
    let lake = TestLake::new();
    let dir = crate::common::manifest_dir().join("tests/fixtures/gtp-layouts/RecentTakeout");
    let out = lake.run(&[
        "import",
        "--json",
        "--format",
        "takeout",
        dir.to_str().unwrap(),
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let unrec = report["takeout"]["unrecognized"].as_array().unwrap();
    assert!(unrec.len() > 10, "{report:#}");
    assert!(unrec.iter().all(|u| u["bytes"] == 0));
}

/// The independent generator's exports (EN/DE/FR × zip/tgz/folder, edge cases) against the
/// exact counts in its manifest. Runs when `../shared/takeout-gen` and python3 exist.
#[test]
fn conformance_with_the_generator_manifest() {
    let gen = crate::common::manifest_dir().join("../../../shared/takeout-gen/gen_takeout.py");
    if !gen.exists() || Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipping: {} or python3 not found", gen.display());
        return;
    }
    for locale in ["en", "de", "fr"] {
        for format in ["zip", "tgz", "dir"] {
            let lake = TestLake::new();
            let out = lake.dir.path().join(format!("gen-{locale}-{format}"));
            let st = Command::new("python3")
                .arg(&gen)
                .args([
                    "--out",
                    out.to_str().unwrap(),
                    "--seed",
                    "11",
                    "--scale",
                    "0.05",
                ])
                .args([
                    "--locale",
                    locale,
                    "--format",
                    format,
                    "--edge-cases",
                    "--part-size-mb",
                    "1",
                ])
                .output()
                .unwrap();
            assert!(
                st.status.success(),
                "{}",
                String::from_utf8_lossy(&st.stderr)
            );
            let man: Value =
                serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap())
                    .unwrap();
            let mut inputs: Vec<PathBuf> = Vec::new();
            for e in std::fs::read_dir(&out).unwrap() {
                let p = e.unwrap().path();
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                if name == "manifest.json" {
                    continue;
                }
                inputs.push(p);
            }
            let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
            let report = lake.import(&refs, &[]);
            check_manifest(&lake, &man, &report, &format!("{locale}/{format}"));
        }
    }
}

fn check_manifest(lake: &TestLake, man: &Value, report: &Value, what: &str) {
    let c = &man["counts"];
    let k = &man["checksums"];
    let eq = |sql: &str, want: &Value| {
        assert_eq!(n(lake, sql), want.as_i64().unwrap(), "{what}: {sql}");
    };
    eq(
        "SELECT count(*) FROM takeout.location_points WHERE origin <> 'timeline_edits'",
        &c["location_points_dedup"],
    );
    eq(
        "SELECT count(*) FROM takeout.location_points WHERE origin = 'records'",
        &c["location_records_points"],
    );
    eq(
        "SELECT sum(round(lat * 10000000)) FROM takeout.location_points WHERE origin = 'records'",
        &k["sum_latitudeE7_records"],
    );
    eq(
        "SELECT count(*) FROM takeout.place_visits WHERE origin = 'records'",
        &c["place_visits"],
    );
    eq(
        "SELECT count(*) FROM takeout.place_visits WHERE origin = 'ondevice'",
        &c["ondevice_visits"],
    );
    eq(
        "SELECT count(*) FROM takeout.activity_segments WHERE origin = 'records'",
        &c["activity_segments"],
    );
    eq(
        "SELECT count(*) FROM takeout.activity_segments WHERE origin = 'ondevice'",
        &c["ondevice_activities"],
    );
    for (p, want) in c["my_activity_events"].as_object().unwrap() {
        eq(
            &format!("SELECT count(*) FROM takeout.my_activity WHERE product = '{p}'"),
            want,
        );
    }
    eq(
        "SELECT count(*) FROM takeout.my_activity WHERE product = 'Image Search'",
        &c["my_activity_html_events"],
    );
    eq(
        "SELECT count(*) FROM takeout.chrome_history",
        &c["chrome_visits"],
    );
    eq(
        "SELECT count(*) FROM takeout.youtube_watch",
        &c["youtube_watches"],
    );
    eq(
        "SELECT count(*) FROM takeout.youtube_search",
        &c["youtube_searches"],
    );
    eq(
        "SELECT count(*) FROM takeout.youtube_comments",
        &c["youtube_comments"],
    );
    eq(
        "SELECT count(DISTINCT channel_url) FROM takeout.youtube_watch",
        &k["distinct_youtube_channels"],
    );
    eq(
        "SELECT count(*) FROM takeout.photos WHERE NOT edited AND file_path IS NOT NULL",
        &c["photos"],
    );
    eq(
        "SELECT count(*) FROM takeout.photos WHERE edited",
        &c["photos_edited"],
    );
    eq(
        "SELECT count(*) FROM takeout.photos WHERE NOT edited AND file_path IS NOT NULL AND lat IS NOT NULL",
        &c["photos_with_geo"],
    );
    eq(
        "SELECT count(*) FROM takeout.photos WHERE file_path IS NULL",
        &man["products"]["photos"]["counts"]["orphan_sidecars"],
    );
    eq("SELECT count(*) FROM takeout.emails", &c["emails"]);
    eq(
        "SELECT sum(length(subject)) FROM takeout.emails",
        &k["email_subject_length_total"],
    );
    eq(
        "SELECT sum(octet_length(subject)) FROM takeout.emails",
        &k["email_subject_utf8_bytes_total"],
    );
    eq(
        "SELECT count(*) FROM takeout.calendar_events",
        &c["calendar_events"],
    );
    eq("SELECT count(*) FROM takeout.contacts", &c["contacts"]);
    eq("SELECT count(*) FROM takeout.keep_notes", &c["keep_notes"]);
    eq(
        "SELECT count(*) FROM takeout.saved_places",
        &c["saved_places"],
    );
    eq(
        "SELECT count(*) FROM takeout.saved_places WHERE lat IS NULL",
        &c["saved_places_zero_coords"],
    );
    eq(
        "SELECT count(DISTINCT source_file) FROM takeout.fit_daily",
        &c["fit_days"],
    );
    eq(
        "SELECT count(*) FROM takeout.fit_activities",
        &c["tcx_activities"],
    );
    eq(
        "SELECT count(*) FROM takeout.play_installs",
        &c["play_installs"],
    );
    // Broken files are named with their reason; everything else imported.
    let errors: Vec<(String, String)> = report["takeout"]["products"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["errors"].as_array().unwrap().iter())
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["error"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for b in man["broken_files"].as_array().unwrap() {
        let path = b["path"].as_str().unwrap();
        assert!(
            errors
                .iter()
                .any(|(p, e)| p == path && e.contains("truncated JSON")),
            "{what}: broken file {path} not reported: {errors:?}"
        );
    }
    if let Some(m) = man["edge_cases"]["malformed_date_messages"].as_array() {
        for d in m {
            let path = d["path"].as_str().unwrap();
            assert!(
                errors
                    .iter()
                    .any(|(p, e)| p == path && e.contains("malformed Date")),
                "{what}: malformed date in {path} not reported"
            );
        }
    }
    if let Some(m) = man["edge_cases"]["encrypted_timeline_placeholder"].as_array() {
        for d in m {
            let path = d.as_str().unwrap();
            assert!(
                errors.iter().any(|(p, _)| p == path),
                "{what}: placeholder {path} not reported"
            );
        }
    }
    // Time ranges per product match the manifest for the location records.
    let lr = report["takeout"]["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["product"] == "Location History")
        .unwrap();
    let want_min = man["products"]["location_records"]["time_min"]
        .as_str()
        .unwrap();
    assert!(lr["min_ts"].as_str().unwrap() <= want_min, "{what}: {lr}");
}

#[test]
fn ios_location_history_is_recognized_and_read() {
    let lake = TestLake::new();
    let f = lake.file(
        "location-history.json",
        r#"[
  {"endTime":"2024-05-10T09:30:00.000+02:00","startTime":"2024-05-10T08:00:00.000+02:00",
   "visit":{"hierarchyLevel":"0","probability":"0.95",
            "topCandidate":{"probability":"0.85","semanticType":"Home","placeID":"ChIJhome","placeLocation":"geo:52.520008,13.404954"}}},
  {"endTime":"2024-05-10T10:00:00.000+02:00","startTime":"2024-05-10T09:30:00.000+02:00",
   "activity":{"probability":"0.9","start":"geo:52.520008,13.404954","end":"geo:52.530000,13.410000",
               "topCandidate":{"type":"walking","probability":"0.8"},"distanceMeters":"1234.5"}},
  {"endTime":"2024-05-10T10:00:00.000+02:00","startTime":"2024-05-10T09:30:00.000+02:00",
   "timelinePath":[{"point":"geo:52.520008,13.404954","durationMinutesOffsetFromStartTime":"0"},
                   {"point":"geo:52.530000,13.410000","durationMinutesOffsetFromStartTime":"12"}]}
]"#,
    );
    let report = lake.import(&[&f], &[]);
    assert_eq!(
        product(&report, "On-device Timeline")["status"],
        "parsed",
        "{report:#}"
    );
    let visit = lake.csv(
        "SELECT start_ts, lat, lon, place_id, semantic_type, origin FROM takeout.place_visits",
    );
    assert!(visit.contains("2024-05-10T06:00:00"), "{visit}");
    assert!(
        visit.contains("52.520008,13.404954,ChIJhome,Home,ondevice"),
        "{visit}"
    );
    let seg = lake.csv("SELECT activity_type, distance_m, end_lat FROM takeout.activity_segments");
    assert!(seg.contains("walking,1234.5,52.53"), "{seg}");
    let pts = lake.csv("SELECT ts FROM takeout.location_points ORDER BY ts");
    assert!(
        pts.contains("2024-05-10T07:30:00") && pts.contains("2024-05-10T07:42:00"),
        "{pts}"
    );
}

/// Takeout writes epoch times in seconds in some exports, even in fields named `...Ms`
/// (`"startTimestamp": "1742844232"` in public placeVisit samples): every unit is read by its
/// magnitude, so the same instant comes out whatever unit held it. Read as milliseconds,
/// seconds landed in January 1970.
#[test]
fn epoch_times_in_seconds_milliseconds_or_microseconds_are_the_same_instant() {
    let lake = TestLake::new();
    let month = lake.file(
        "Takeout/Location History/Semantic Location History/2025/2025_MARCH.json",
        r#"{"timelineObjects": [
          {"placeVisit": {"location": {"latitudeE7": 515000000, "longitudeE7": -1000000, "placeId": "a"},
            "duration": {"startTimestamp": "1742844232", "endTimestamp": "1742847832000"}}},
          {"placeVisit": {"location": {"latitudeE7": 515000000, "longitudeE7": -1000000, "placeId": "b"},
            "duration": {"startTimestampMs": "1742844232000000", "endTimestampMs": 1742847832}}},
          {"activitySegment": {"activityType": "WALKING",
            "duration": {"startTimestamp": 1742844232, "endTimestamp": "2025-03-24T20:23:52Z"}}}
        ]}"#,
    );
    assert!(month.exists());
    let report = lake.import(&[&lake.dir.path().join("in/Takeout")], &[]);
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
    assert_eq!(
        lake.csv("SELECT place_id, start_ts, end_ts FROM takeout.place_visits ORDER BY place_id"),
        "place_id,start_ts,end_ts\n\
         a,2025-03-24T19:23:52Z,2025-03-24T20:23:52Z\n\
         b,2025-03-24T19:23:52Z,2025-03-24T20:23:52Z\n"
    );
    assert_eq!(
        lake.csv("SELECT start_ts, end_ts FROM takeout.activity_segments"),
        "start_ts,end_ts\n2025-03-24T19:23:52Z,2025-03-24T20:23:52Z\n"
    );
    let notes = report["takeout"]["notes"].to_string();
    assert!(!notes.contains("before 2000"), "{notes}");
}

/// Location times before 2000 cannot be real Google data: the coverage report says so.
#[test]
fn location_times_before_2000_are_flagged_in_the_coverage_report() {
    let lake = TestLake::new();
    let records = lake.file(
        "Takeout/Location History/Records.json",
        r#"{"locations": [
          {"latitudeE7": 515000000, "longitudeE7": -1000000, "timestamp": "1999-12-31T23:00:00Z"},
          {"latitudeE7": 515000001, "longitudeE7": -1000000, "timestamp": "2024-01-01T00:00:00Z"}
        ]}"#,
    );
    let report = lake.import(&[&records], &[]);
    let notes = report["takeout"]["notes"].to_string();
    assert!(
        notes.contains("Location History: the earliest time is 1999-12-31T23:00:00")
            && notes.contains("before 2000"),
        "{report}"
    );
}

#[test]
fn tables_with_places_get_a_wkb_geometry_column() {
    let lake = TestLake::new();
    let dir = fixture("en");
    lake.import(&[&dir.join("Takeout"), &dir.join("Timeline.json")], &[]);
    // Every located row's geometry is its point, and a row without a place has none.
    for table in ["location_points", "place_visits", "photos", "saved_places"] {
        let sql = format!(
            "SELECT count(*) AS c FROM takeout.{table} WHERE lat IS NOT NULL \
             AND (geometry IS NULL OR ST_X(geometry) <> lon OR ST_Y(geometry) <> lat)"
        );
        assert_eq!(n(&lake, &sql), 0, "{table}");
        let rows = n(
            &lake,
            &format!("SELECT count(*) AS c FROM takeout.{table} WHERE geometry IS NOT NULL"),
        );
        let located = n(
            &lake,
            &format!("SELECT count(*) AS c FROM takeout.{table} WHERE lat IS NOT NULL"),
        );
        assert_eq!(rows, located, "{table}");
    }
    assert!(n(&lake, "SELECT count(*) AS c FROM takeout.location_points") > 0);
    // Segments are lines from start to end (or along their path).
    let kinds = lake.csv(
        "SELECT DISTINCT substr(ST_AsText(geometry), 1, 10) AS k FROM takeout.activity_segments \
         WHERE geometry IS NOT NULL",
    );
    assert!(kinds.contains("LINESTRING"), "{kinds}");
    let schema = lake.ok(&["schema", "takeout.location_points"]);
    assert!(schema.contains("geometry"), "{schema}");
}

#[test]
fn a_fence_drawn_around_the_points_holds_one_stay_of_them_all() {
    let lake = TestLake::new();
    let dir = fixture("en");
    lake.import(&[&dir.join("Takeout"), &dir.join("Timeline.json")], &[]);
    let out = lake.ok(&[
        "fence",
        "London",
        "POLYGON((-0.2 51.4, 0.0 51.4, 0.0 51.6, -0.2 51.6, -0.2 51.4))",
    ]);
    assert!(
        out.contains("saved fence 'London' in fences (version 1"),
        "{out}"
    );
    let located = n(
        &lake,
        "SELECT count(*) AS c FROM takeout.location_points WHERE lat IS NOT NULL AND ts IS NOT NULL",
    );
    assert!(located > 1);
    let stays =
        lake.csv("SELECT fence, points FROM geofence_events('takeout.location_points', 'fences')");
    assert_eq!(
        stays.trim(),
        format!("fence,points\nLondon,{located}"),
        "{stays}"
    );
    let bad = lake.fails(&["fence", "Line", "LINESTRING(0 0, 1 1)"]);
    assert!(bad.contains("POLYGON"), "{bad}");
}

/// `lake embed` on a Takeout's mail: a new version with a `FLOAT[50]` column and its index, and
/// searches by text that find the message they describe, through the index.
#[test]
fn mail_made_searchable_is_found_by_what_it_says() {
    let lake = TestLake::new();
    lake.import(&[&fixture("en")], &[]);
    let out = lake.ok(&["embed", "takeout.emails", "body_text"]);
    assert!(
        out.contains(
            "takeout.emails v2: body_text_embedding FLOAT[50] from body_text (3 of 3 rows"
        ) && out.contains("index: hnsw-cosine index on takeout.emails (body_text_embedding)"),
        "{out}"
    );
    let top = |q: &str| {
        let sql = format!(
            "SELECT subject FROM takeout.emails \
             ORDER BY array_cosine_distance(body_text_embedding, embed('{q}')) LIMIT 1"
        );
        let plan = lake.ok(&["query", "--format", "csv", &format!("EXPLAIN {sql}")]);
        assert!(plan.contains("VectorSearch"), "{plan}");
        lake.csv(&sql)
            .lines()
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        top("which book do we read next month"),
        "Book club: next pick"
    );
    assert_eq!(top("the library steps"), "Photos from the weekend");
    // The files keep their year folders, as the import made them.
    let v2: Vec<String> = std::fs::read_dir(lake.path().join("data/takeout.emails/v2"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(v2.iter().any(|d| d.starts_with("year=")), "{v2:?}");
    // Its history says what was added.
    let h = lake.ok(&["history", "takeout.emails"]);
    assert!(h.contains("+ body_text_embedding FLOAT[50]"), "{h}");
    let e = lake.fails(&["embed", "takeout.emails", "size_bytes"]);
    assert!(e.contains("embed a text (VARCHAR) column"), "{e}");
}
