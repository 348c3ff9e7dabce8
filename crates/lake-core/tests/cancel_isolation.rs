//! A query's Cancel stops Polars' engine through a process-wide flag (vendor/polars/VENDORED.md,
//! changes 3 and 10). Work that is not a query, an import above all, must not stop with it: in
//! the app a user may cancel a query in one tab while a Takeout import (split by year) runs in
//! another, or the map lists fences.
//!
//! Its own test binary, so the raised flag cannot disturb other tests' queries; its tests run
//! one at a time (`SERIAL`), as each asserts what the flag does.

use std::sync::mpsc;

use lake_core::ingest::{import_paths, CancelToken, ImportOptions, NoProgress};
use lake_core::query::{run_query, QueryEngine, QueryOptions};
use lake_core::spatial::fences;
use lake_core::storage::shield_engine_work;
use lake_core::Lake;
use polars::error::abort::{catch_polars_abort, request_polars_abort};
use polars::prelude::DataType;

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn partitioning_ignores_a_cancel_of_a_query() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("events.csv");
    let mut text = String::from("id,day\n");
    for i in 0..3000 {
        text.push_str(&format!("{i},{}-06-0{}\n", 2020 + i % 3, 1 + i % 9));
    }
    std::fs::write(&csv, text).unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();

    // A query being cancelled: it runs under Polars' abort catcher and has raised the flag,
    // which stays up until that query has wound down (here: 300 ms later).
    let (started_tx, started) = mpsc::channel();
    let cancelled = std::thread::spawn(move || {
        catch_polars_abort(move || {
            assert!(
                request_polars_abort(),
                "no shield is alive yet: the flag goes up"
            );
            started_tx.send(()).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(300));
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
            ..Default::default()
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

/// The lake's own reads (the fence list here, whose flaky failure in CI this reproduces) wait
/// for a pending abort to wind down instead of failing; while a shield lives a Cancel does not
/// raise the flag, and after it, Cancel works again.
#[test]
fn shielded_reads_finish_through_a_cancel_and_cancel_works_after() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    fences::save(&lake, "fences", "Home", "POLYGON((5 5, 6 5, 6 6, 5 5))").unwrap();

    let raise_and_linger = |linger_ms: u64| {
        let (started_tx, started) = mpsc::channel();
        let t = std::thread::spawn(move || {
            catch_polars_abort(move || {
                let raised = request_polars_abort();
                started_tx.send(()).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(linger_ms));
                raised
            })
            .ok()
        });
        started.recv().unwrap();
        t
    };

    let cancelled = raise_and_linger(300);
    let listed = std::panic::catch_unwind(|| fences::list(&lake, "fences"));
    assert_eq!(cancelled.join().unwrap(), Some(true));
    let listed = listed.expect("the fence list must not stop at another query's Cancel");
    assert_eq!(listed.unwrap().len(), 1);

    let shield = shield_engine_work();
    assert_eq!(
        raise_and_linger(0).join().unwrap(),
        Some(false),
        "a shield keeps the flag down"
    );
    drop(shield);
    assert_eq!(
        raise_and_linger(0).join().unwrap(),
        Some(true),
        "without a shield, Cancel raises the flag"
    );
}

/// A Cancel that comes while shielded work runs is kept, and takes effect when the work ends:
/// a cancelled query that only sees the process-wide flag (a fused cross-join loop) is not left
/// running.
#[test]
fn a_cancel_during_shielded_work_takes_effect_when_it_ends() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let shield = shield_engine_work();
    let (started_tx, started) = mpsc::channel();
    let cancelled = std::thread::spawn(move || {
        catch_polars_abort(move || {
            let raised = request_polars_abort();
            started_tx.send(raised).unwrap();
            // The engine's own checks, as in a long loop.
            for _ in 0..10_000 {
                polars::error::abort::try_raise_polars_abort();
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        })
        .is_err()
    });
    assert!(!started.recv().unwrap(), "no flag while the shield lives");
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert!(
        !cancelled.is_finished(),
        "the shielded work is not disturbed meanwhile"
    );
    drop(shield);
    assert!(
        cancelled.join().unwrap(),
        "the query stops once the shield is gone"
    );
}

/// Shielded work that keeps overlapping (imports in other tabs, one starting before the last
/// ends) cannot keep a Cancel pending for as long as it goes on: once an abort is pending, new
/// shields on other threads wait for it, so the shields alive then end, the flag goes up and
/// the cancelled query stops. A thread that holds a shield still takes another at once.
#[test]
fn overlapping_shielded_work_does_not_keep_a_cancel_pending() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let first = shield_engine_work();
    let (started_tx, started) = mpsc::channel();
    let cancelled = std::thread::spawn(move || {
        let t = Instant::now();
        let stopped = catch_polars_abort(move || {
            started_tx.send(request_polars_abort()).unwrap();
            while t.elapsed() < Duration::from_secs(20) {
                polars::error::abort::try_raise_polars_abort();
                std::thread::sleep(Duration::from_millis(1));
            }
        })
        .is_err();
        (stopped, t.elapsed())
    });
    assert!(
        !started.recv().unwrap(),
        "kept pending while the shield lives"
    );
    // Two other threads' work, one piece starting before the other's ends.
    let done = std::sync::Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..2)
        .map(|k| {
            let done = done.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(15 * k));
                let mut pieces = 0;
                while !done.load(Ordering::Relaxed) && pieces < 400 {
                    let piece = shield_engine_work();
                    // Nested on this thread: at once, even with an abort pending.
                    let t = Instant::now();
                    drop(shield_engine_work());
                    assert!(
                        t.elapsed() < Duration::from_millis(500),
                        "{:?}",
                        t.elapsed()
                    );
                    std::thread::sleep(Duration::from_millis(30));
                    drop(piece);
                    pieces += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(40));
    drop(first);
    let (stopped, took) = cancelled.join().unwrap();
    done.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    assert!(stopped, "the cancelled query stops");
    assert!(
        took < Duration::from_secs(5),
        "it stopped only after {took:?}"
    );
}

/// A Cancel kept pending whose query has ended anyway (at its own stop flag) holds nothing
/// back: a long import's shield must not make every later read wait.
#[test]
fn a_pending_cancel_whose_query_ended_holds_back_nothing() {
    use std::time::{Duration, Instant};
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let import = shield_engine_work();
    let raised = std::thread::spawn(|| catch_polars_abort(request_polars_abort).ok())
        .join()
        .unwrap();
    assert_eq!(
        raised,
        Some(false),
        "kept pending while the import's shield lives"
    );
    let t = Instant::now();
    let read = std::thread::spawn(|| drop(shield_engine_work()));
    read.join().unwrap();
    assert!(
        t.elapsed() < Duration::from_millis(500),
        "{:?}",
        t.elapsed()
    );
    drop(import);
    // Nothing was raised when the import ended: a query started now runs.
    assert!(catch_polars_abort(polars::error::abort::try_raise_polars_abort).is_ok());
}

/// A lake with one dataset `n`: a column `a` of the numbers 0 to 2999.
fn lake_with_numbers() -> (tempfile::TempDir, Lake) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("n.csv");
    let text: String = std::iter::once("a".to_string())
        .chain((0..3000).map(|i| i.to_string()))
        .map(|l| l + "\n")
        .collect();
    std::fs::write(&csv, text).unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let r = import_paths(
        &lake,
        &[csv],
        &ImportOptions::default(),
        &NoProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(r.datasets[0].rows, 3000);
    (dir, lake)
}

/// Here, not among the query module's tests: in its own process no other test's import or read
/// holds an abort shield, which keeps a Cancel pending (the cancelled cross join then runs on
/// for as long as that work lasts; see `overlapping_shielded_work_does_not_keep_a_cancel_pending`).
#[test]
fn in_memory_cancel_stops_the_work_so_the_next_query_is_fast() {
    use polars::prelude::AnyValue;
    use std::time::{Duration, Instant};
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // (The streaming engine's prompt return is covered by the CLI timeout test; its
    // computation runs on, see QueryEngine, so only this engine can promise the next query.)
    let (_dir, lake) = lake_with_numbers();
    let slow = "SELECT count(*) FROM n x CROSS JOIN n y CROSS JOIN n z WHERE x.a + y.a + z.a = -1";
    let opts = QueryOptions {
        timeout: Some(Duration::from_millis(300)),
        ..Default::default()
    };
    assert_eq!(
        opts.engine,
        QueryEngine::InMemory,
        "the library default is cancellable"
    );
    let t = Instant::now();
    let err = run_query(&lake, slow, &opts).err().expect("cancelled");
    assert_eq!(err.code(), "cancelled");
    assert!(
        t.elapsed() < Duration::from_millis(800),
        "{:?}",
        t.elapsed()
    );
    let t = Instant::now();
    let out = run_query(&lake, "SELECT sum(a) AS s FROM n", &QueryOptions::default()).unwrap();
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "next query took {:?}",
        t.elapsed()
    );
    assert_eq!(
        out.frame.column("s").unwrap().get(0).unwrap(),
        AnyValue::Int64(4_498_500)
    );
    // A user's Cancel, 1.5 s in (as in the app's e2e; by then the engine is deep in the
    // join): the query returns within 0.5 s of it, and the next one runs at once.
    let token = CancelToken::new();
    let opts = QueryOptions {
        cancel: Some(token.clone()),
        ..Default::default()
    };
    let (cancelled_at, returned_at) = std::thread::scope(|s| {
        let h = s.spawn(|| {
            let r = run_query(&lake, slow, &opts);
            (r.err().map(|e| e.code()), Instant::now())
        });
        std::thread::sleep(Duration::from_millis(1500));
        let at = Instant::now();
        token.cancel();
        let (code, done) = h.join().unwrap();
        assert_eq!(code, Some(lake_core::ErrorCode::Cancelled));
        (at, done)
    });
    let latency = returned_at.saturating_duration_since(cancelled_at);
    assert!(latency < Duration::from_millis(500), "{latency:?}");
    let t = Instant::now();
    let out = run_query(
        &lake,
        "SELECT count(*) AS c FROM n",
        &QueryOptions::default(),
    )
    .unwrap();
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "the query after a cancel took {:?}",
        t.elapsed()
    );
    assert_eq!(out.frame.height(), 1);
    let token = CancelToken::new();
    token.cancel();
    let opts = QueryOptions {
        cancel: Some(token),
        engine: QueryEngine::InMemory,
        ..Default::default()
    };
    assert_eq!(
        run_query(&lake, slow, &opts).err().unwrap().code(),
        "cancelled"
    );
}
