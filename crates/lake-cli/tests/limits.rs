//! Every reader of untrusted input holds at most a bounded piece of it in memory: one CSV
//! record, one piece of GPX, one element of a streamed JSON array, one JSON document read whole.
//! Past the limit the import fails with the file, the place and the limit named, peak memory
//! stays under 512 MB, and the lake keeps what it had.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use crate::common::{lake_bin, run_measured, Measured, TestLake};

fn import(lake: &TestLake, path: &Path) -> Measured {
    let mut c = Command::new(lake_bin());
    c.arg("--lake").arg(lake.path()).arg("import").arg(path);
    run_measured(c)
}

/// Writes `head`, `mib` MiB of `fill`, then `tail`.
fn big_file(p: &Path, head: &[u8], mib: usize, fill: u8, tail: &[u8]) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    let mut f = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(p).unwrap());
    f.write_all(head).unwrap();
    let chunk = vec![fill; 1 << 20];
    for _ in 0..mib {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(tail).unwrap();
}

fn refused(lake: &TestLake, m: &Measured, want: &[&str]) {
    assert_eq!(m.code, Some(1), "{}{}", m.stdout, m.stderr);
    for w in want {
        assert!(m.stderr.contains(w), "expected {w:?} in {}", m.stderr);
    }
    assert!(m.peak_mib < 512, "peak {} MiB", m.peak_mib);
    eprintln!("{}: peak {} MiB", want[0], m.peak_mib);
    assert_eq!(lake.csv("SELECT count(*) AS n FROM keep"), "n\n2\n");
}

#[test]
fn a_csv_record_over_64_mib_is_refused_naming_the_line() {
    let lake = TestLake::with_keep();
    let p = lake.dir.path().join("in/big.csv");
    big_file(&p, b"a,b\n1,x\n2,\"", 300, b'q', b"\"\n3,y\n");
    let m = import(&lake, &p);
    refused(&lake, &m, &["big.csv:line 3", "at most 64 MiB per record"]);
}

#[test]
fn gpx_text_over_16_mib_and_deep_nesting_are_refused() {
    let lake = TestLake::with_keep();
    let p = lake.dir.path().join("in/big.gpx");
    big_file(
        &p,
        b"<gpx><trk><name>",
        100,
        b'n',
        b"</name><trkseg><trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>",
    );
    let m = import(&lake, &p);
    refused(&lake, &m, &["big.gpx:byte", "larger than 16 MiB"]);
    let p = lake.dir.path().join("in/deep.gpx");
    let mut text = "<gpx>".to_string();
    text.push_str(&"<a>".repeat(10_000));
    std::fs::write(&p, text).unwrap();
    let m = import(&lake, &p);
    refused(&lake, &m, &["deep.gpx:byte", "deeper than 256 levels"]);
}

#[test]
fn a_records_json_element_over_16_mib_is_refused_naming_it() {
    let lake = TestLake::with_keep();
    let p = lake
        .dir
        .path()
        .join("in/Takeout/Location History/Records.json");
    big_file(
        &p,
        b"{\"locations\": [{\"latitudeE7\": 1, \"longitudeE7\": 2, \"timestampMs\": \"1700000000000\"}, {\"note\": \"",
        100,
        b'z',
        b"\"}]}",
    );
    // The file fails (and is reported in the coverage report); the rest of an export would
    // still import.
    let m = import(&lake, &p);
    let text = format!("{}{}", m.stdout, m.stderr);
    assert!(
        text.contains("element 2 of `locations`") && text.contains("larger than 16 MiB"),
        "{text}"
    );
    assert!(text.contains("failed"), "{text}");
    assert!(m.peak_mib < 512, "peak {} MiB", m.peak_mib);
}

#[test]
fn a_json_document_read_whole_over_its_limit_is_refused_naming_the_limit() {
    let lake = TestLake::with_keep();
    // A Semantic Location History month is parsed into a tree: at most 64 MiB.
    let p = lake
        .dir
        .path()
        .join("in/Takeout/Location History/Semantic Location History/2024/2024_JANUARY.json");
    big_file(
        &p,
        b"{\"timelineObjects\": [], \"pad\": \"",
        70,
        b' ',
        b"\"}",
    );
    let m = import(&lake, &p);
    let text = format!("{}{}", m.stdout, m.stderr);
    assert!(text.contains("larger than 64 MiB"), "{text}");
    assert!(m.peak_mib < 512, "peak {} MiB", m.peak_mib);
    assert_eq!(lake.csv("SELECT count(*) AS n FROM keep"), "n\n2\n");
}
