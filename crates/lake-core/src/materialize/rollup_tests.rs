//! Rollups on a real lake: an incremental refresh after random appends (late rows, rows
//! without a time, new buckets) always equals a rebuild of the same query.
#![cfg(test)]

use super::rollup::{self, shape};
use crate::ingest::Mode;
use crate::materialize::{self, How, Refreshed};
use crate::query::{output, run_query, QueryOptions};
use crate::test_util::import_csv;
use crate::Lake;

/// Every row of `sql`'s answer as CSV lines, sorted (a rollup's rows have no order).
fn rows(lake: &Lake, sql: &str) -> Vec<String> {
    let out = run_query(lake, sql, &QueryOptions::default()).unwrap();
    let mut buf = Vec::new();
    output::write_frame(&out.frame, output::OutputFormat::Csv, &mut buf).unwrap();
    let mut lines: Vec<String> = String::from_utf8(buf)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// A small deterministic generator (no dependency, same runs everywhere).
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// `count` rows: mostly after `hour` (hours since 2024-03-01), some late, some without a time.
fn batch(rng: &mut Rng, hour: u64, count: usize) -> String {
    let mut csv = String::from("ts,kind,v\n");
    for i in 0..count {
        let h = match rng.next(10) {
            0 => rng.next(hour + 1), // a late row, in an old bucket
            _ => hour + rng.next(3),
        };
        let ts = if i > 0 && rng.next(12) == 0 {
            String::new() // no time
        } else {
            let t = chrono::DateTime::parse_from_rfc3339("2024-03-01T00:00:00Z").unwrap()
                + chrono::Duration::seconds((h * 3600 + rng.next(3600)) as i64);
            t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
        };
        let kind = ["a", "b", "c"][rng.next(3) as usize];
        csv.push_str(&format!("{ts},{kind},{}\n", rng.next(40)));
    }
    csv
}

const QUERIES: [&str; 3] = [
    "SELECT time_bucket(INTERVAL '1 hour', ts) AS hour, kind, count(*) AS n, sum(v) AS total, \
     min(v) AS least FROM ev WHERE v <> 13 GROUP BY hour, kind",
    "SELECT date_trunc('day', ts) AS day, count(*) AS n, avg(v) AS mean FROM ev GROUP BY 1 \
     HAVING count(*) > 1",
    "SELECT kind, time_bucket(INTERVAL '90 minutes', ts, INTERVAL '15 minutes') AS b, \
     max(v) AS top FROM ev GROUP BY 1, 2 ORDER BY b",
];

#[test]
fn an_incremental_refresh_equals_a_rebuild_after_random_appends() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let opts = QueryOptions::default();
    let mut rng = Rng(7);
    import_csv(
        &lake,
        dir.path(),
        "e0.csv",
        "ev",
        &batch(&mut rng, 0, 40),
        Mode::Replace,
    );
    for (i, q) in QUERIES.iter().enumerate() {
        rollup::create(&lake, &format!("r{i}"), q, &opts).unwrap();
    }
    let mut incremental = 0;
    for step in 1..=8u64 {
        let file = format!("e{step}.csv");
        let count = 1 + rng.next(30) as usize;
        let csv = batch(&mut rng, step * 5, count);
        import_csv(&lake, dir.path(), &file, "ev", &csv, Mode::Append);
        for (i, q) in QUERIES.iter().enumerate() {
            let name = format!("r{i}");
            let r = materialize::refresh(&lake, &name, &opts).unwrap();
            let Refreshed::Made(_, _, how) = r else {
                panic!("{name} was stale")
            };
            match how {
                How::Incremental(done) => {
                    incremental += 1;
                    assert_eq!(done.appended_rows as usize, csv.lines().count() - 1);
                }
                How::Full(why) => panic!("{name} step {step}: made in full: {why}"),
            }
            materialize::create(&lake, "rebuilt", q, &opts).unwrap();
            let got = rows(&lake, &format!("SELECT * FROM {name}"));
            assert_eq!(
                got,
                rows(&lake, "SELECT * FROM rebuilt"),
                "{name} step {step}"
            );
            assert!(got.len() >= 3, "{name}: {got:?}");
        }
    }
    assert_eq!(incremental, 24);
    // A refresh with nothing new does nothing.
    assert_eq!(
        materialize::refresh(&lake, "r0", &opts).unwrap(),
        Refreshed::Fresh
    );
}

#[test]
fn a_replaced_source_or_another_shape_is_made_in_full_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let opts = QueryOptions::default();
    let csv = "ts,kind,v\n2024-03-01T10:00:00Z,a,1\n2024-03-01T11:30:00Z,b,2\n";
    import_csv(&lake, dir.path(), "e.csv", "ev", csv, Mode::Replace);
    rollup::create(&lake, "r", QUERIES[0], &opts).unwrap();
    let csv = "ts,kind,v\n2024-03-02T10:00:00Z,a,5\n";
    import_csv(&lake, dir.path(), "f.csv", "ev", csv, Mode::Replace);
    let Refreshed::Made(2, _, How::Full(why)) = materialize::refresh(&lake, "r", &opts).unwrap()
    else {
        panic!("not made in full")
    };
    assert!(why.contains("ev was replaced since v1"), "{why}");
    assert_eq!(
        rows(&lake, "SELECT hour, n FROM r"),
        ["2024-03-02T10:00:00Z,1", "hour,n"]
    );

    for (q, why) in [
        (
            "SELECT kind, count(*) AS n FROM ev GROUP BY kind",
            "no time_bucket",
        ),
        (
            "SELECT time_bucket(INTERVAL '1 day', ts) AS d, count(*) AS n FROM ev GROUP BY d \
             LIMIT 3",
            "LIMIT",
        ),
        (
            "SELECT date_trunc('day', a.ts) AS d, count(*) AS n FROM ev a JOIN ev b ON a.v = b.v \
             GROUP BY d",
            "joins",
        ),
        (
            "SELECT date_trunc('day', ts) AS d, sum(count(*)) OVER () AS n FROM ev GROUP BY d",
            "window",
        ),
        (
            "SELECT date_trunc('day', ts) AS d FROM ev WHERE v IN (SELECT v FROM ev) GROUP BY d",
            "subquery",
        ),
        (
            "SELECT date_trunc('day', ts) AS d, v FROM ev",
            "no time_bucket",
        ),
        (
            "SELECT DISTINCT ON (kind) kind, date_trunc('day', ts) AS d, count(*) AS n FROM ev \
             GROUP BY kind, d",
            "DISTINCT ON",
        ),
        (
            "SELECT date_trunc('day', ts) AS d, count(*) AS n FROM ev WHERE ts >= now() - \
             INTERVAL '7 days' GROUP BY d",
            "depends on the time it runs",
        ),
    ] {
        let got = shape(q).unwrap().map(|s| s.bucket).unwrap_err();
        assert!(got.contains(why), "{q}: {got}");
        let e = rollup::create(&lake, "bad", q, &opts).unwrap_err();
        assert!(e.to_string().contains("cannot be a rollup"), "{e}");
    }
    let s = shape(QUERIES[1]).unwrap().unwrap();
    assert_eq!((s.source.as_str(), s.bucket_index), ("ev", 0));
    assert_eq!(s.bucket, "date_trunc('day', ts)");
}

#[test]
fn a_rollup_of_dates_refreshes_incrementally_too() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let opts = QueryOptions::default();
    let csv = "d,v\n2024-01-05,1\n2024-02-10,2\n2024-02-20,3\n";
    import_csv(&lake, dir.path(), "a.csv", "days", csv, Mode::Replace);
    let q = "SELECT time_bucket(INTERVAL '1 month', d) AS m, sum(v) AS s FROM days GROUP BY m";
    rollup::create(&lake, "monthly", q, &opts).unwrap();
    let csv = "d,v\n2024-02-28,10\n2024-03-01,20\n";
    import_csv(&lake, dir.path(), "b.csv", "days", csv, Mode::Append);
    let Refreshed::Made(2, _, How::Incremental(done)) =
        materialize::refresh(&lake, "monthly", &opts).unwrap()
    else {
        panic!("not incremental")
    };
    assert_eq!((done.kept, done.made), (1, 2));
    assert_eq!(
        rows(&lake, "SELECT * FROM monthly"),
        ["2024-01-01,1", "2024-02-01,15", "2024-03-01,20", "m,s"]
    );
}
