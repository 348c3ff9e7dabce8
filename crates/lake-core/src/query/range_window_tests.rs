//! `RANGE BETWEEN <offset> PRECEDING AND CURRENT ROW` windows (vendor/polars change 11) on a
//! real lake, against sums, counts and extremes worked out row by row here: rows with equal
//! times (peers) share one frame, a NULL value is skipped, and partitions stay apart.
#![cfg(test)]

use polars::prelude::*;

use super::{run_query, QueryOptions};
use crate::ingest::Mode;
use crate::test_util::import_csv;
use crate::Lake;

struct Row {
    id: i64,
    kind: &'static str,
    minute: i64,
    v: Option<i64>,
}

fn rows() -> Vec<Row> {
    // A small LCG: the same rows on every run, with ties, gaps and NULLs.
    let mut s: u64 = 7;
    let mut next = |m: u64| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 33) % m
    };
    (0..400)
        .map(|id| Row {
            id,
            kind: ["walk", "bus", "bike"][next(3) as usize],
            minute: next(600) as i64,
            v: (next(7) != 0).then(|| next(100) as i64 - 20),
        })
        .collect()
}

fn column_i64(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
    let c = df.column(name).unwrap().cast(&DataType::Int64).unwrap();
    c.i64().unwrap().iter().collect()
}

#[test]
fn range_frames_of_an_interval_equal_the_rows_worked_out_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let data = rows();
    let mut csv = String::from("id,kind,ts,v\n");
    for r in &data {
        let ts = chrono::DateTime::from_timestamp(1_700_000_000 + r.minute * 60, 0).unwrap();
        let v = r.v.map(|v| v.to_string()).unwrap_or_default();
        csv.push_str(&format!(
            "{},{},{},{v}\n",
            r.id,
            r.kind,
            ts.format("%Y-%m-%dT%H:%M:%SZ")
        ));
    }
    import_csv(&lake, dir.path(), "trips.csv", "trips", &csv, Mode::Replace);
    let sql = "SELECT id, \
         sum(v) OVER w AS s, count(v) OVER w AS c, count(*) OVER w AS n, \
         min(v) OVER w AS lo, max(v) OVER w AS hi, avg(v) OVER w AS mean \
         FROM trips WINDOW w AS (PARTITION BY kind ORDER BY ts \
         RANGE BETWEEN INTERVAL '30 minutes' PRECEDING AND CURRENT ROW) ORDER BY id";
    let out = run_query(&lake, sql, &QueryOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .frame;
    assert_eq!(out.height(), data.len());
    let (s, c, n) = (
        column_i64(&out, "s"),
        column_i64(&out, "c"),
        column_i64(&out, "n"),
    );
    let (lo, hi) = (column_i64(&out, "lo"), column_i64(&out, "hi"));
    let mean: Vec<Option<f64>> = out.column("mean").unwrap().f64().unwrap().iter().collect();
    for (i, r) in data.iter().enumerate() {
        // The frame: same kind, from 30 minutes before to the same minute (its peers too).
        let frame: Vec<&Row> = data
            .iter()
            .filter(|o| o.kind == r.kind && o.minute >= r.minute - 30 && o.minute <= r.minute)
            .collect();
        let values: Vec<i64> = frame.iter().filter_map(|o| o.v).collect();
        let want_sum = (!values.is_empty()).then(|| values.iter().sum::<i64>());
        assert_eq!(s[i], want_sum, "sum, row {}", r.id);
        assert_eq!(c[i], Some(values.len() as i64), "count(v), row {}", r.id);
        assert_eq!(n[i], Some(frame.len() as i64), "count(*), row {}", r.id);
        assert_eq!(lo[i], values.iter().min().copied(), "min, row {}", r.id);
        assert_eq!(hi[i], values.iter().max().copied(), "max, row {}", r.id);
        let want_mean = want_sum.map(|t| t as f64 / values.len() as f64);
        match (mean[i], want_mean) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "avg, row {}: {a} {b}", r.id),
            (a, b) => assert_eq!(a, b, "avg, row {}", r.id),
        }
    }
}

#[test]
fn range_frames_of_an_integer_and_what_they_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    import_csv(
        &lake,
        dir.path(),
        "n.csv",
        "n",
        "k,v\n1,10\n2,20\n2,5\n4,40\n7,70\n",
        Mode::Replace,
    );
    let q = |sql: &str| run_query(&lake, sql, &QueryOptions::default());
    let out = q(
        "SELECT k, v, sum(v) OVER (ORDER BY k RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS s \
                 FROM n ORDER BY k, v",
    )
    .unwrap()
    .frame;
    // k=1: {1}; k=2: {1,2,2}; k=4: {2,2,4}; k=7: {7}.
    assert_eq!(
        column_i64(&out, "s"),
        [Some(10), Some(35), Some(35), Some(65), Some(70)]
    );
    // An offset of nothing: the current row and its peers.
    let out = q(
        "SELECT sum(v) OVER (ORDER BY k RANGE BETWEEN 0 PRECEDING AND CURRENT ROW) AS s \
                 FROM n ORDER BY k, v",
    )
    .unwrap()
    .frame;
    assert_eq!(
        column_i64(&out, "s"),
        [Some(10), Some(25), Some(25), Some(40), Some(70)]
    );
    // A SMALLINT key reads as any integer.
    let out = q("SELECT sum(v) OVER (ORDER BY CAST(k AS SMALLINT) RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS s \
                 FROM n ORDER BY k, v")
    .unwrap()
    .frame;
    assert_eq!(
        column_i64(&out, "s"),
        [Some(10), Some(35), Some(35), Some(65), Some(70)]
    );
    for (sql, says) in [
        (
            "SELECT sum(v) OVER (ORDER BY k RANGE BETWEEN INTERVAL '1 day' PRECEDING AND CURRENT ROW) FROM n",
            "a RANGE frame over a BIGINT key takes a whole-number offset",
        ),
        (
            "SELECT sum(v) OVER (ORDER BY k DESC RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) FROM n",
            "one ascending ORDER BY key",
        ),
        (
            "SELECT sum(v) OVER (ORDER BY k RANGE BETWEEN 'soon' PRECEDING AND CURRENT ROW) FROM n",
            "a RANGE frame's offset is an interval",
        ),
        (
            "SELECT sum(v) OVER (ORDER BY k RANGE BETWEEN -1 PRECEDING AND CURRENT ROW) FROM n",
            "a RANGE frame's offset is an interval",
        ),
    ] {
        let e = q(sql).err().expect(sql).to_string();
        assert!(e.contains(says), "{sql}: {e}");
    }
}

#[test]
fn range_frames_over_dates_months_and_null_keys() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    import_csv(
        &lake,
        dir.path(),
        "d.csv",
        "d",
        "day,v\n2024-01-31,1\n2024-02-29,2\n2024-03-30,4\n2024-03-31,8\n,16\n,32\n",
        Mode::Replace,
    );
    let q = |sql: &str| run_query(&lake, sql, &QueryOptions::default());
    let out = q("SELECT day, sum(v) OVER (ORDER BY day RANGE BETWEEN INTERVAL '1 month' PRECEDING AND CURRENT ROW) AS s, \
                 count(*) OVER (ORDER BY day RANGE BETWEEN INTERVAL '1 month' PRECEDING AND CURRENT ROW) AS n \
                 FROM d ORDER BY day NULLS LAST, v")
    .unwrap_or_else(|e| panic!("{e}"))
    .frame;
    // A month before 2024-03-30 is 2024-02-29 (so it is in the frame); before 2024-03-31 too
    // (February has no 31st); before 2024-02-29, 2024-01-29. The two NULL days are each
    // other's frame, as in PostgreSQL.
    assert_eq!(
        column_i64(&out, "s"),
        [Some(1), Some(3), Some(6), Some(14), Some(48), Some(48)]
    );
    assert_eq!(
        column_i64(&out, "n"),
        [Some(1), Some(2), Some(2), Some(3), Some(2), Some(2)]
    );
    let e = q("SELECT sum(v) OVER (ORDER BY day RANGE BETWEEN 3 PRECEDING AND CURRENT ROW) FROM d")
        .err()
        .expect("refused")
        .to_string();
    assert!(
        e.contains("over a DATE key takes an interval offset"),
        "{e}"
    );
}
