//! A query's Cancel stops Polars' engine through a process-wide flag (vendor/polars/VENDORED.md,
//! change 3). Work that is not a query, an import above all, must not stop with it: in the app a
//! user may cancel a query in one tab while a Takeout import (split by year) runs in another.
//!
//! Its own test binary, so the raised flag cannot disturb the other tests' queries.

use std::sync::mpsc;

use lake_core::ingest::{import_paths, CancelToken, ImportOptions, NoProgress};
use lake_core::query::{run_query, QueryEngine, QueryOptions};
use lake_core::Lake;
use polars::error::abort::{catch_polars_abort, request_polars_abort};
use polars::prelude::DataType;

#[test]
fn partitioning_ignores_a_cancel_of_a_query() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("events.csv");
    let mut text = String::from("id,day\n");
    for i in 0..3000 {
        text.push_str(&format!("{i},{}-06-0{}\n", 2020 + i % 3, 1 + i % 9));
    }
    std::fs::write(&csv, text).unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();

    // A query being cancelled: it runs under Polars' abort catcher and has raised the flag,
    // which stays up until that query has wound down.
    let (started_tx, started) = mpsc::channel();
    let (release, release_rx) = mpsc::channel::<()>();
    let cancelled = std::thread::spawn(move || {
        catch_polars_abort(move || {
            request_polars_abort();
            started_tx.send(()).unwrap();
            release_rx.recv().unwrap();
        })
        .is_ok()
    });
    started.recv().unwrap();

    let opts = ImportOptions {
        partition_by: Some("day".into()),
        ..Default::default()
    };
    let imported = std::panic::catch_unwind(|| {
        import_paths(&lake, &[csv], &opts, &NoProgress, &CancelToken::new())
    });
    release.send(()).unwrap();
    cancelled.join().unwrap();

    let report = imported
        .expect("the import must not stop at another query's Cancel")
        .expect("the import succeeds");
    assert_eq!(report.datasets[0].rows, 3000);
    let out = run_query(
        &lake,
        "SELECT EXTRACT(YEAR FROM day) AS y, count(*) AS n FROM events GROUP BY y ORDER BY y",
        &QueryOptions {
            timeout: None,
            cancel: None,
            engine: QueryEngine::InMemory,
        },
    )
    .unwrap();
    let ints = |name: &str| -> Vec<i64> {
        let c = out
            .frame
            .column(name)
            .unwrap()
            .cast(&DataType::Int64)
            .unwrap();
        c.i64().unwrap().into_no_null_iter().collect()
    };
    assert_eq!(ints("y"), vec![2020, 2021, 2022]);
    assert_eq!(ints("n"), vec![1000, 1000, 1000]);
}
