#![cfg(test)]
//! Metrics checked against known imports and queries.

use super::*;
use crate::catalog::query_log::RunFilter;
use crate::ingest::{import_paths, CancelToken, ImportOptions, Mode, NoProgress};
use crate::query::{run_query, QueryOptions};
use crate::test_util::import_csv;

fn csv(rows: std::ops::Range<i64>) -> String {
    let mut s = String::from("id,ts,v\n");
    for i in rows {
        // Two years, so a partitioned import makes a file per year.
        let year = if i % 2 == 0 { 2020 } else { 2021 };
        s.push_str(&format!("{i},{year}-03-01T10:00:00Z,{}\n", i * 10));
    }
    s
}

fn lake() -> (tempfile::TempDir, Lake) {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::open_or_init(&dir.path().join("lake")).unwrap();
    (dir, lake)
}

#[test]
fn an_import_records_its_sources_rows_and_phases() {
    let (dir, lake) = lake();
    let p = dir.path().join("t.csv");
    let text = csv(0..1000);
    std::fs::write(&p, &text).unwrap();
    let opts = ImportOptions {
        name: Some("t".into()),
        partition_by: Some("ts".into()),
        ..Default::default()
    };
    import_paths(
        &lake,
        std::slice::from_ref(&p),
        &opts,
        &NoProgress,
        &CancelToken::new(),
    )
    .unwrap();
    // An append of 10 rows counts 10, not the version's 1010.
    let p2 = dir.path().join("more.csv");
    std::fs::write(&p2, csv(1000..1010)).unwrap();
    let opts2 = ImportOptions {
        mode: Mode::Append,
        ..opts.clone()
    };
    import_paths(&lake, &[p2], &opts2, &NoProgress, &CancelToken::new()).unwrap();
    // A file that does not exist is an import that failed.
    let missing = dir.path().join("nope.csv");
    import_paths(&lake, &[missing], &opts2, &NoProgress, &CancelToken::new()).unwrap();

    let m = lake.catalog().import_metrics("").unwrap();
    assert_eq!(m.len(), 3, "{m:?}");
    assert_eq!(
        (m[0].status.as_str(), m[0].rows, m[0].sources),
        ("ok", 1000, 1)
    );
    assert_eq!(m[0].bytes, text.len() as u64);
    assert_eq!(m[0].datasets, vec!["t".to_string()]);
    assert_eq!((m[0].errors, m[0].skipped), (0, 0));
    assert!(m[0].duration_ms > 0.0);
    assert!(
        m[0].read_ms > 0.0 && m[0].write_ms > 0.0 && m[0].commit_ms > 0.0,
        "{:?}",
        m[0]
    );
    assert!(m[0].read_ms + m[0].parse_ms + m[0].commit_ms <= m[0].duration_ms + 1e-6);
    assert!(m[0].rows_per_s() > 0.0);
    #[cfg(target_os = "linux")]
    assert!(m[0].peak_bytes.unwrap() > 1 << 20);
    assert_eq!((m[1].status.as_str(), m[1].rows), ("ok", 10));
    assert_eq!(
        (m[2].status.as_str(), m[2].rows, m[2].errors),
        ("error", 0, 1)
    );

    let r = report(&lake, "").unwrap();
    assert_eq!(
        (r.import_count, r.import_rows, r.import_errors),
        (3, 1010, 1)
    );
    let t = r.storage.iter().find(|d| d.name == "t").unwrap();
    assert_eq!(t.versions, 2);
    assert!(t.bytes > 0 && t.retained_bytes >= t.bytes);
    assert_eq!(r.growth.len(), 2);
    assert!(r.growth[1].bytes > r.growth[0].bytes);
}

#[test]
fn queries_record_what_they_read_and_how_they_ended() {
    let (dir, lake) = lake();
    let p = dir.path().join("t.csv");
    std::fs::write(&p, csv(0..100)).unwrap();
    let opts = ImportOptions {
        name: Some("t".into()),
        partition_by: Some("ts".into()),
        ..Default::default()
    };
    import_paths(&lake, &[p], &opts, &NoProgress, &CancelToken::new()).unwrap();
    import_csv(&lake, dir.path(), "u.csv", "u", "a\n1\n2\n", Mode::Replace);
    let q = QueryOptions::default();
    run_query(&lake, "SELECT count(*) FROM t", &q).unwrap();
    // One year's file of two is pruned.
    run_query(&lake, "SELECT * FROM t WHERE ts < '2021-01-01'", &q).unwrap();
    run_query(&lake, "SELECT * FROM t JOIN u ON t.id = u.a", &q).unwrap();
    assert!(run_query(&lake, "SELECT nope FROM t", &q).is_err());

    let runs = lake.catalog().query_runs(&RunFilter::default()).unwrap();
    assert_eq!(runs.len(), 4);
    // Logging relaxes the flush for its own entry only: data commits stay synchronous=FULL.
    assert_eq!(lake.catalog().durability().unwrap().1, 2);
    let (bad, join, pruned, all) = (&runs[0], &runs[1], &runs[2], &runs[3]);
    assert_eq!(bad.entry.status, "error");
    assert_eq!(bad.entry.error_code.as_deref(), Some("unknown_column"));
    assert!(bad.scan.is_none());
    let s = all.scan.as_ref().unwrap();
    assert_eq!((s.files_scanned, s.files_pruned), (2, 0));
    assert!(s.bytes_scanned > 0);
    assert_eq!(all.entry.rows, Some(1));
    let s = pruned.scan.as_ref().unwrap();
    assert_eq!((s.files_scanned, s.files_pruned), (1, 1));
    assert_eq!(pruned.entry.rows, Some(50));
    assert_eq!(join.scan.as_ref().unwrap().datasets, vec!["t", "u"]);

    // The filters of the history.
    let f = |f: RunFilter| lake.catalog().query_runs(&f).unwrap().len();
    assert_eq!(
        f(RunFilter {
            dataset: "u".into(),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        f(RunFilter {
            dataset: "t".into(),
            ..Default::default()
        }),
        3
    );
    assert_eq!(
        f(RunFilter {
            status: "error".into(),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        f(RunFilter {
            text: "WHERE TS".into(),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        f(RunFilter {
            min_ms: 1e9,
            ..Default::default()
        }),
        0
    );
    let slow = lake
        .catalog()
        .query_runs(&RunFilter {
            slowest: true,
            ..Default::default()
        })
        .unwrap();
    assert!(slow
        .windows(2)
        .all(|w| w[0].entry.duration_ms >= w[1].entry.duration_ms));

    let r = report(&lake, &since_instant("1d").unwrap()).unwrap();
    assert_eq!(
        (r.queries.count, r.queries.errors, r.queries.cancelled),
        (4, 1, 0)
    );
    assert_eq!(r.queries.rows, 1 + 50 + 2);
    assert_eq!(
        (r.queries.files_scanned, r.queries.files_pruned),
        (2 + 1 + 3, 1)
    );
    assert_eq!(r.bucket, "hour");
    assert_eq!(r.query_series.iter().map(|b| b.count).sum::<u64>(), 4);
    assert!(r.queries.p50_ms.unwrap() <= r.queries.p95_ms.unwrap());
}

#[test]
fn old_detail_is_folded_into_days_with_exact_percentiles() {
    let (_dir, lake) = lake();
    let old = "2020-01-02T10:00:00.000Z";
    let mut sql = String::new();
    for ms in 1..=100 {
        let status = if ms % 10 == 0 { "error" } else { "ok" };
        sql.push_str(&format!(
            "INSERT INTO query_log (ts, sql, status, duration_ms, rows) VALUES ('{old}', 'q', '{status}', {ms}, 2);"
        ));
    }
    sql.push_str(&format!(
        "INSERT INTO import_metrics (ts, status, datasets, sources, bytes, rows, duration_ms, read_ms,
           parse_ms, write_ms, commit_ms, errors, skipped) VALUES ('{old}', 'ok', '[]', 1, 100, 7, 5, 1, 1, 1, 1, 0, 0);"
    ));
    lake.catalog().execute_for_tests(&sql);
    lake.catalog().compact_metrics().unwrap();
    let days = lake.catalog().daily_metrics("").unwrap();
    let q = days.iter().find(|d| d.kind == "query").unwrap();
    assert_eq!(
        (q.day.as_str(), q.count, q.errors, q.rows),
        ("2020-01-02", 100, 10, 200)
    );
    assert_eq!(
        (q.p50_ms, q.p95_ms, q.max_ms),
        (Some(50.0), Some(95.0), Some(100.0))
    );
    let i = days.iter().find(|d| d.kind == "import").unwrap();
    assert_eq!((i.count, i.rows, i.bytes), (1, 7, 100));
    assert!(lake.catalog().query_points("").unwrap().is_empty());
    // The report still counts them.
    let r = report(&lake, "").unwrap();
    assert_eq!((r.queries.count, r.queries.errors), (100, 10));
    assert_eq!((r.import_count, r.import_rows), (1, 7));
    assert_eq!(r.query_series.len(), 1);
    assert_eq!(r.query_series[0].p95_ms, Some(95.0));
}

#[test]
fn a_period_is_read_as_users_write_it() {
    assert!(since_instant("all").unwrap().is_empty());
    assert!(since_instant("30d").unwrap() < crate::catalog::now_rfc3339());
    // Beyond the calendar: from the beginning, not a crash.
    assert!(since_instant("99999999999d").unwrap().as_str() < "1970");
    let e = since_instant("last week").unwrap_err();
    assert!(e.to_string().contains("30d"), "{e}");
}

#[test]
fn a_long_run_of_app_samples_is_thinned_keeping_its_peaks() {
    use crate::catalog::metrics::ProcessSample;
    let samples: Vec<ProcessSample> = (0..20_160)
        .map(|i| ProcessSample {
            t: i as f64 * 60_000.0,
            rss_bytes: if i == 12_345 { 9 << 30 } else { 300 << 20 },
            cpu_percent: if i % 2 == 0 { 10.0 } else { 30.0 },
        })
        .collect();
    let thin = super::thin(samples, super::MAX_PROCESS_POINTS);
    assert!(thin.len() <= 1000 && thin.len() > 900, "{}", thin.len());
    assert_eq!(thin[0].t, 0.0);
    // The one peak of 9 GB is still there; the CPU is the mean of each run.
    assert_eq!(thin.iter().filter(|p| p.rss_bytes == 9 << 30).count(), 1);
    // Each run of 21 alternating 10% and 30% samples means 19.05% or 20.95%.
    assert!(thin.iter().all(|p| (p.cpu_percent - 20.0).abs() < 1.0));
    // Fewer samples than the limit are left as they are.
    let few: Vec<ProcessSample> = thin[..10].to_vec();
    assert_eq!(super::thin(few.clone(), 1000), few);
}

#[test]
fn the_catalogs_own_times_read_as_the_general_parser_reads_them() {
    use crate::catalog::metrics::ts_ms;
    let general =
        |ts: &str| crate::temporal::parse_datetime_us(ts).map_or(0.0, |us| us as f64 / 1e3);
    for ts in [
        "2026-12-07T16:40:01.123Z",
        "1970-01-01T00:00:00.000Z",
        "2024-02-29T23:59:59.999Z",
        "2026-12-07T16:40:00Z",
        // Not the catalog's own forms: the general parser reads them, nonsense is 0 as before.
        "2026-12-07T16:40:01.123+01:00",
        "2026-12-07T16:40:01.5Z",
        "2026-02-30T10:00:00.000Z",
        "2026-12-07T24:00:00.000Z",
        "2026-12-07T1a:00:00.000Z",
        "2026-12-07 16:40:01Z",
        "",
    ] {
        assert_eq!(ts_ms(ts), general(ts), "{ts}");
    }
    assert_eq!(ts_ms("2026-12-07T16:40:01.250Z"), 1_796_661_601_250.0);
}

#[test]
fn a_read_only_catalog_from_before_row_group_counts_still_gives_its_metrics() {
    let (dir, lake) = lake();
    import_csv(&lake, dir.path(), "t.csv", "t", "a\n1\n2\n", Mode::Replace);
    run_query(&lake, "SELECT sum(a) FROM t", &QueryOptions::default()).unwrap();
    // The catalog as the release before wrote it: no row_groups_read, one migration less.
    lake.catalog().execute_for_tests(
        "DROP INDEX query_log_points;
         ALTER TABLE query_log DROP COLUMN row_groups_read;
         CREATE INDEX query_log_by_ts ON query_log(ts);",
    );
    let done: i64 = lake.catalog().query_value_for_tests("PRAGMA user_version");
    lake.catalog()
        .execute_for_tests(&format!("PRAGMA user_version = {}", done - 1));
    let path = dir.path().join("lake").join("catalog.sqlite");
    drop(lake);
    let old = crate::catalog::Catalog::open_read_only(&path).unwrap();
    let points = old.query_points("").unwrap();
    assert_eq!(points.len(), 1);
    assert_eq!(points[0].row_groups_read, 0);
    let runs = old.query_runs(&RunFilter::default()).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].scan.as_ref().unwrap().row_groups_read, None);
}

/// The points a report keeps between two reports are the log's, whatever happened in between:
/// queries logged (some out of order), old detail folded or removed, longer and shorter
/// periods asked. Each step's totals and buckets are checked against a read from nothing; in
/// a catalog that counts the entries leaving its log, and in one from before that count.
#[test]
fn kept_points_answer_as_a_fresh_read_after_appends_folds_and_other_periods() {
    kept_points_against_fresh_reads(true);
    kept_points_against_fresh_reads(false);
}

fn kept_points_against_fresh_reads(counted: bool) {
    let (_dir, lake) = lake();
    if !counted {
        lake.catalog()
            .execute_for_tests("DROP TRIGGER query_log_forgotten; DROP TABLE log_forgotten;");
    }
    assert_eq!(
        lake.catalog().query_log_forgotten().unwrap().is_some(),
        counted
    );
    let day = 86_400_000.0;
    let base = crate::catalog::metrics::ts_ms("2026-01-01T00:00:00Z");
    let iso = |ms: f64| {
        chrono::DateTime::from_timestamp_millis(ms as i64)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string()
    };
    let periods: Vec<String> = [None, Some(500.0), Some(300.0), Some(30.0), Some(1.0)]
        .iter()
        .map(|d| d.map(|d| iso(base - d * day)).unwrap_or_default())
        .collect();
    let mut s: u64 = 11;
    let mut rnd = move |n: u64| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 33) % n
    };
    let kept = points::KeptPoints::default();
    let sum = |p: &[QueryPoint]| (totals(p), buckets(p, day), slowest_ids(p, SLOWEST));
    let (mut reads, mut folds) = (0, 0);
    for step in 0..80 {
        // Up to three changes between two reports.
        for _ in 0..rnd(4) {
            match rnd(3) {
                // Queries logged, most of them now, some with an earlier time (a long query).
                0 | 1 => {
                    let mut sql = String::new();
                    for _ in 0..rnd(40) {
                        let ago = if rnd(5) == 0 { rnd(700) } else { rnd(2) } as f64;
                        let status = ["ok", "ok", "error", "cancelled"][rnd(4) as usize];
                        sql.push_str(&format!(
                            "INSERT INTO query_log (ts, sql, status, duration_ms, rows, cache)
                             VALUES ('{}', 'q', '{status}', {}, {}, 'miss');",
                            iso(base - ago * day - rnd(80_000_000) as f64),
                            rnd(5000),
                            rnd(100)
                        ));
                    }
                    lake.catalog().execute_for_tests(&sql);
                }
                // Old detail leaves the log: folded, or removed.
                _ => {
                    folds += 1;
                    lake.catalog().execute_for_tests(&format!(
                        "DELETE FROM query_log WHERE ts < '{}'",
                        iso(base - rnd(700) as f64 * day)
                    ));
                }
            }
        }
        let since = &periods[rnd(periods.len() as u64) as usize];
        let got = sum(kept.read(&lake.catalog(), since).unwrap().points());
        let fresh = sum(points::KeptPoints::default()
            .read(&lake.catalog(), since)
            .unwrap()
            .points());
        assert_eq!(
            got, fresh,
            "step {step}, since '{since}', counted {counted}"
        );
        // The slowest, as the query history lists them.
        let runs = lake
            .catalog()
            .query_runs(&RunFilter {
                since: since.clone(),
                slowest: true,
                limit: SLOWEST as u32,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(got.2, runs.iter().map(|r| r.id).collect::<Vec<_>>());
        reads += got.0.count;
    }
    // Most reports read only what was new.
    assert!(kept.full_reads() < 40, "{} full reads", kept.full_reads());
    assert!(
        reads > 500 && folds > 5,
        "{reads} queries read, {folds} folds"
    );
}

/// After the whole log is kept (what the app does after the page's first answer), a longer
/// period is a filter of it: no read of the log, and the same counts.
#[test]
fn keeping_the_whole_log_makes_a_longer_period_ready() {
    let (_dir, lake) = lake();
    let now = chrono::Utc::now();
    let mut sql = String::new();
    for (days, n) in [(2, 5), (100, 7), (500, 3)] {
        let ts = (now - chrono::Duration::days(days)).format("%Y-%m-%dT%H:%M:%S%.3fZ");
        for ms in 0..n {
            sql.push_str(&format!(
                "INSERT INTO query_log (ts, sql, status, duration_ms, rows) VALUES ('{ts}', 'q', 'ok', {}, 1);",
                days * 10 + ms
            ));
        }
    }
    lake.catalog().execute_for_tests(&sql);
    let count = |period: &str| report(&lake, &since_instant(period).unwrap()).unwrap();
    assert_eq!(count("30d").queries.count, 5);
    let kept = lake.memo::<points::KeptPoints>();
    assert_eq!(kept.full_reads(), 1);
    assert!(keep_all(&lake).unwrap());
    assert!(!keep_all(&lake).unwrap(), "kept already");
    assert_eq!(kept.full_reads(), 2);
    let year = count("365d");
    assert_eq!(
        (year.queries.count, year.queries.max_ms),
        (12, Some(1006.0))
    );
    assert_eq!(year.slowest.len(), 10);
    assert_eq!(count("all").queries.count, 15);
    assert_eq!(kept.full_reads(), 2, "the year and all time were filters");
    // A fold (here: the two oldest queries removed) is read again once, for all time still.
    lake.catalog().execute_for_tests(
        "DELETE FROM query_log WHERE id IN (SELECT id FROM query_log ORDER BY ts LIMIT 2)",
    );
    assert_eq!(count("30d").queries.count, 5);
    assert_eq!(kept.full_reads(), 3);
    assert!(!keep_all(&lake).unwrap(), "all time is kept still");
    assert_eq!(count("all").queries.count, 13);
    assert_eq!(count("365d").queries.count, 12);
    assert_eq!(kept.full_reads(), 3);
}

/// A catalog that does not count the entries leaving its log is never read whole (each report
/// would count all time), and the page's next polls do not try again.
#[test]
fn a_catalog_without_the_forgotten_count_is_not_read_whole_nor_tried_again() {
    let (_dir, lake) = lake();
    lake.catalog().execute_for_tests(
        "INSERT INTO query_log (ts, sql, status, duration_ms, rows) VALUES ('2026-01-01T00:00:00.000Z', 'q', 'ok', 5, 1);
         DROP TRIGGER query_log_forgotten; DROP TABLE log_forgotten;",
    );
    assert!(!keep_all(&lake).unwrap());
    let kept = lake.memo::<points::KeptPoints>();
    assert!(kept.whole_log_settled() && !kept.holds_all());
    assert_eq!(kept.full_reads(), 0);
    assert!(!keep_all(&lake).unwrap());
    assert_eq!(report(&lake, "").unwrap().queries.count, 1);
}
