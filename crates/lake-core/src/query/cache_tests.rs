#![cfg(test)]
//! The result cache: a repeated query is answered from it, marked so, and it never serves an
//! answer the data no longer gives (random appends, restores, views and queries).

use super::cache::ResultCache;
use super::{run_query, run_unlogged, QueryOptions};
use crate::ingest::Mode;
use crate::test_util::import_csv;
use crate::Lake;

fn rows(out: &super::QueryOutput) -> String {
    format!("{:?}", out.frame)
}

#[test]
fn a_repeated_query_is_answered_from_the_cache_until_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::open_or_init(&dir.path().join("lake")).unwrap();
    import_csv(&lake, dir.path(), "a.csv", "t", "x\n1\n2\n", Mode::Replace);
    let q = QueryOptions::default();
    let first = run_query(&lake, "SELECT sum(x) AS s FROM t", &q).unwrap();
    assert!(!first.cached);
    // The same statement, spaced and cased otherwise.
    let again = run_query(&lake, "select   sum(x) as s\nfrom t", &q).unwrap();
    assert!(again.cached);
    assert_eq!(rows(&again), rows(&first));
    assert_eq!(again.scan, first.scan);
    import_csv(&lake, dir.path(), "b.csv", "t", "x\n4\n", Mode::Append);
    let after = run_query(&lake, "SELECT sum(x) AS s FROM t", &q).unwrap();
    assert!(
        !after.cached,
        "a new version must not be answered from the cache"
    );
    assert_eq!(
        crate::test_util::first_i64(&lake, "SELECT sum(x) FROM t").unwrap(),
        7
    );
    // Time-dependent answers and plans are never kept.
    run_query(&lake, "SELECT now() AS n, sum(x) FROM t", &q).unwrap();
    assert!(
        !run_query(&lake, "SELECT now() AS n, sum(x) FROM t", &q)
            .unwrap()
            .cached
    );
    // The log says which answers came from the cache.
    let runs = lake.catalog().query_runs(&Default::default()).unwrap();
    let caches: Vec<Option<&str>> = runs.iter().rev().map(|r| r.cache.as_deref()).collect();
    assert_eq!(
        caches,
        vec![
            Some("miss"),
            Some("hit"),
            Some("miss"),
            Some("miss"),
            None,
            None
        ]
    );
    let report = crate::metrics::report(&lake, "").unwrap();
    assert_eq!(
        (report.queries.cache_hits, report.queries.cache_misses),
        (1, 3)
    );
}

#[test]
fn answers_that_would_change_without_a_new_version_are_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::open_or_init(&dir.path().join("lake")).unwrap();
    import_csv(
        &lake,
        dir.path(),
        "a.csv",
        "t",
        "x,ts\n1,2024-01-01T00:00:00Z\n",
        Mode::Replace,
    );
    let q = QueryOptions::default();
    let twice = |sql: &str| {
        run_query(&lake, sql, &q).unwrap();
        run_query(&lake, sql, &q).unwrap().cached
    };
    // now() hidden in a view.
    super::views::create(&lake, "stamped", "SELECT x, now() AS asked FROM t").unwrap();
    assert!(!twice("SELECT x, asked FROM stamped"));
    // A time still to come reads the current version, which moves on.
    assert!(!twice(
        "SELECT count(*) FROM t TIMESTAMP AS OF '2099-01-01'"
    ));
    // A hit reads nothing, and says so in the log (the datasets stay, for the filters).
    assert!(twice("SELECT sum(x) FROM t"));
    let runs = lake.catalog().query_runs(&Default::default()).unwrap();
    let hit = runs
        .iter()
        .find(|r| r.cache.as_deref() == Some("hit"))
        .unwrap();
    let s = hit.scan.as_ref().unwrap();
    assert_eq!(
        (s.files_scanned, s.bytes_scanned, s.datasets.clone()),
        (0, 0, vec!["t".to_string()])
    );
    let miss = runs
        .iter()
        .find(|r| r.cache.as_deref() == Some("miss"))
        .unwrap();
    assert_eq!(miss.scan.as_ref().unwrap().files_scanned, 1);
}

/// A tiny deterministic generator (xorshift), so a failure replays.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn the_cache_never_serves_a_stale_answer() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::open_or_init(&dir.path().join("lake")).unwrap();
    import_csv(
        &lake,
        dir.path(),
        "a0.csv",
        "a",
        "k,v\n1,10\n",
        Mode::Replace,
    );
    import_csv(
        &lake,
        dir.path(),
        "b0.csv",
        "b",
        "k,w\n1,5\n",
        Mode::Replace,
    );
    let queries = [
        "SELECT count(*) AS n, sum(v) AS s FROM a",
        "SELECT k, sum(v) AS s FROM a GROUP BY k ORDER BY k",
        "SELECT a.k, sum(v * w) AS p FROM a JOIN b ON a.k = b.k GROUP BY a.k ORDER BY a.k",
        "SELECT * FROM av ORDER BY k, v",
        "SELECT max(w) AS m FROM b",
    ];
    let q = QueryOptions::default();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut hits = 0;
    for step in 0..60 {
        match rng.next(10) {
            0..=2 => {
                let (name, col) = if rng.next(2) == 0 {
                    ("a", "v")
                } else {
                    ("b", "w")
                };
                let text = format!("k,{col}\n{},{}\n", rng.next(3), rng.next(100));
                import_csv(
                    &lake,
                    dir.path(),
                    &format!("{name}{step}.csv"),
                    name,
                    &text,
                    Mode::Append,
                );
            }
            3 => {
                // The view's definition changes what `av` answers.
                let filter = rng.next(50);
                super::views::create(&lake, "av", &format!("SELECT * FROM a WHERE v > {filter}"))
                    .unwrap();
            }
            _ => {
                let sql = queries[rng.next(queries.len() as u64) as usize];
                let got = match run_query(&lake, sql, &q) {
                    Ok(o) => o,
                    // `av` before the first view.
                    Err(_) => continue,
                };
                hits += got.cached as u32;
                let fresh = run_unlogged(&lake, sql, &q).unwrap();
                assert_eq!(
                    rows(&got),
                    rows(&fresh),
                    "step {step}: {sql} (cached: {})",
                    got.cached
                );
            }
        }
    }
    assert!(hits > 3, "the cache answered {hits} times");
    assert!(lake.memo::<ResultCache>().size().0 > 0);
}

#[test]
fn a_one_shot_query_neither_asks_nor_fills_the_cache_and_is_still_logged() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::open_or_init(&dir.path().join("lake")).unwrap();
    import_csv(&lake, dir.path(), "a.csv", "t", "x\n1\n2\n", Mode::Replace);
    let sql = "SELECT sum(x) AS s FROM t";
    let one_shot = QueryOptions {
        one_shot: true,
        ..Default::default()
    };
    let first = run_query(&lake, sql, &one_shot).unwrap();
    assert!(!first.cached);
    assert_eq!(lake.memo::<ResultCache>().size().0, 0, "nothing kept");
    // A later query of this process runs in full, and is the one kept.
    let q = QueryOptions::default();
    assert!(!run_query(&lake, sql, &q).unwrap().cached);
    assert_eq!(lake.memo::<ResultCache>().size().0, 1);
    // A one-shot query is not answered from what another query kept either.
    let again = run_query(&lake, sql, &one_shot).unwrap();
    assert!(!again.cached);
    assert_eq!(rows(&again), rows(&first));
    let runs = lake.catalog().query_runs(&Default::default()).unwrap();
    let caches: Vec<Option<&str>> = runs.iter().rev().map(|r| r.cache.as_deref()).collect();
    assert_eq!(caches, vec![None, Some("miss"), None]);
}
