//! `time_bucket` through the lake's SQL on a real lake, against DuckDB's values for the same
//! times, widths, origins, offsets and zones (tests/fixtures/time_bucket/duckdb.json, written
//! by scripts/time_bucket_fixture.py).
#![cfg(test)]

use polars::prelude::*;

use super::time_bucket::{bucket_micros, parse_width, Width};
use super::{run_query, QueryOptions};
use crate::ingest::Mode;
use crate::test_util::import_csv;
use crate::Lake;

const FIXTURE: &str = include_str!("../../../../tests/fixtures/time_bucket/duckdb.json");

/// A result column of times as microseconds since 1970 (whatever its unit).
fn micros(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
    let c = df.column(name).unwrap();
    let (mul, div) = match c.dtype() {
        DataType::Datetime(TimeUnit::Nanoseconds, _) => (1, 1000),
        DataType::Datetime(TimeUnit::Milliseconds, _) => (1000, 1),
        DataType::Datetime(TimeUnit::Microseconds, _) => (1, 1),
        other => panic!("{name} is {other}, not a time"),
    };
    let p = c.as_materialized_series().to_physical_repr();
    p.i64()
        .unwrap()
        .iter()
        .map(|v| v.map(|v| (v * mul).div_euclid(div)))
        .collect()
}

fn dates(df: &DataFrame, name: &str) -> Vec<String> {
    let c = df.column(name).unwrap();
    assert_eq!(c.dtype(), &DataType::Date, "{name}");
    let s = c.cast(&DataType::String).unwrap();
    s.str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap().to_string())
        .collect()
}

#[test]
fn buckets_equal_duckdbs() {
    let fx: serde_json::Value = serde_json::from_str(FIXTURE).unwrap();
    let times: Vec<&str> = fx["times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let mut csv = String::from("i,ts,tz\n");
    for (i, t) in times.iter().enumerate() {
        let iso = t.replace(' ', "T");
        csv.push_str(&format!("{i},{iso},{iso}Z\n"));
    }
    import_csv(&lake, dir.path(), "t.csv", "t", &csv, Mode::Replace);
    let q = |sql: &str| {
        run_query(&lake, sql, &QueryOptions::default())
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .frame
    };
    let mut checked = 0;
    for case in fx["cases"].as_array().unwrap() {
        let w = case["width"].as_str().unwrap();
        let want = |k: &str| -> Vec<serde_json::Value> { case[k].as_array().unwrap().clone() };
        if let Some(zone) = case["zone"].as_str() {
            let sql =
                format!("SELECT time_bucket(INTERVAL '{w}', tz, '{zone}') AS b FROM t ORDER BY i");
            let got = micros(&q(&sql), "b");
            let want: Vec<Option<i64>> = want("zoned").iter().map(|v| v.as_i64()).collect();
            assert_eq!(got, want, "{sql}");
            checked += got.len();
            continue;
        }
        let arg = |t: &serde_json::Value| t.as_str().map_or(String::new(), |t| format!(", {t}"));
        let sql = format!(
            "SELECT time_bucket(INTERVAL '{w}', ts{}) AS b, \
             time_bucket(INTERVAL '{w}', CAST(ts AS DATE){}) AS d FROM t ORDER BY i",
            arg(&case["third"]),
            arg(&case["date_third"])
        );
        let df = q(&sql);
        let want_ts: Vec<Option<i64>> = want("timestamps").iter().map(|v| v.as_i64()).collect();
        assert_eq!(micros(&df, "b"), want_ts, "{sql}");
        let want_d: Vec<String> = want("dates")
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(dates(&df, "d"), want_d, "{sql}");
        checked += 2 * want_ts.len();
    }
    assert!(checked > 1500, "{checked} values checked");
}

#[test]
fn widths_read_as_people_write_them() {
    let h = 3_600_000_000;
    assert_eq!(parse_width("15 minutes"), Ok(Width::Micros(h / 4)));
    assert_eq!(parse_width("1 HOUR"), Ok(Width::Micros(h)));
    assert_eq!(
        parse_width("1 hour 30 minutes"),
        Ok(Width::Micros(h * 3 / 2))
    );
    assert_eq!(parse_width("1.5 hours"), Ok(Width::Micros(h * 3 / 2)));
    assert_eq!(parse_width("2 weeks"), Ok(Width::Micros(h * 24 * 14)));
    assert_eq!(parse_width("250 ms"), Ok(Width::Micros(250_000)));
    assert_eq!(parse_width("1 quarter"), Ok(Width::Months(3)));
    assert_eq!(parse_width("2 years"), Ok(Width::Months(24)));
    assert_eq!(parse_width("interval '1 day'"), Ok(Width::Micros(h * 24)));
    for bad in [
        "",
        "fortnight",
        "1 fortnight",
        "0 minutes",
        "-1 hour",
        "1.5 months",
    ] {
        assert!(parse_width(bad).is_err(), "{bad}");
    }
    let mixed = parse_width("1 month 2 days").unwrap_err();
    assert!(mixed.contains("mixes months with days"), "{mixed}");
    // Before the origin, a bucket still starts at or before the time (floor, not truncation).
    assert_eq!(bucket_micros(10, -1, 0), -10);
    assert_eq!(bucket_micros(10, 12, 3), 3);
    assert_eq!(bucket_micros(10, 13, 3), 13);
}

#[test]
fn bad_calls_say_what_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    import_csv(
        &lake,
        dir.path(),
        "t.csv",
        "t",
        "n,ts\n1,2024-01-01T10:00:00\n",
        Mode::Replace,
    );
    let err = |sql: &str| {
        run_query(&lake, sql, &QueryOptions::default())
            .err()
            .unwrap_or_else(|| panic!("{sql} ran"))
            .to_string()
    };
    let e = err("SELECT time_bucket(INTERVAL '1 fortnight', ts) FROM t");
    assert!(e.contains("is not an interval"), "{e}");
    let e = err("SELECT time_bucket(INTERVAL '1 hour', n) FROM t");
    assert!(e.contains("must be a DATE or TIMESTAMP, not BIGINT"), "{e}");
    let e = err("SELECT time_bucket(INTERVAL '1 hour', ts, 'Mars/Olympus') FROM t");
    assert!(
        e.contains("is not an origin (a date or time), an offset"),
        "{e}"
    );
    // The lake keeps times in UTC: a zone gives the day as Berlin counts it.
    let df = run_query(
        &lake,
        "SELECT time_bucket(INTERVAL '1 day', ts, 'Europe/Berlin') AS day FROM t",
        &QueryOptions::default(),
    )
    .unwrap()
    .frame;
    let day = df.column("day").unwrap().cast(&DataType::String).unwrap();
    assert_eq!(
        day.str().unwrap().get(0),
        Some("2023-12-31 23:00:00.000000+00:00")
    );
    // In a GROUP BY, as people use it.
    let df = run_query(
        &lake,
        "SELECT time_bucket(INTERVAL '1 day', ts) AS day, count(*) AS n FROM t GROUP BY 1",
        &QueryOptions::default(),
    )
    .unwrap()
    .frame;
    assert_eq!(df.height(), 1);
}

#[test]
fn first_and_last_by_time_take_the_value_at_the_earliest_and_latest_time() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    // Group a: times out of order; b: the latest row has no value; c: a row without a time.
    let csv =
        "k,ts,v\na,2024-01-02T00:00:00Z,2\na,2024-01-01T00:00:00Z,1\na,2024-01-03T00:00:00Z,3\n\
               b,2024-01-01T00:00:00Z,10\nb,2024-01-05T00:00:00Z,\n\
               c,,99\nc,2024-02-01T00:00:00Z,7\n";
    import_csv(&lake, dir.path(), "t.csv", "t", csv, Mode::Replace);
    let df = run_query(
        &lake,
        "SELECT k, first(v, ts) AS f, last(v, ts) AS l, arg_min(v, ts) AS amin, \
         max_by(v, ts) AS mby, first(v) AS plain FROM t GROUP BY k ORDER BY k",
        &QueryOptions::default(),
    )
    .unwrap()
    .frame;
    let col = |n: &str| -> Vec<Option<i64>> {
        let c = df.column(n).unwrap().cast(&DataType::Int64).unwrap();
        c.i64().unwrap().iter().collect()
    };
    assert_eq!(col("f"), [Some(1), Some(10), Some(7)]);
    // The latest row of b has no value: NULL, as TimescaleDB's last() gives.
    assert_eq!(col("l"), [Some(3), None, Some(7)]);
    assert_eq!(col("amin"), col("f"));
    // DuckDB's max_by leaves out the row without a value: b's latest value is 10 (checked
    // against DuckDB 2.0.1).
    assert_eq!(col("mby"), [Some(3), Some(10), Some(7)]);
    // One argument stays Polars' own first(): the first row read.
    assert_eq!(col("plain"), [Some(2), Some(10), Some(99)]);
}
