//! Running a lazy frame: the engine's process settings, and collection on Polars' pool with
//! cancellation and timeouts.

use std::time::{Duration, Instant};

use polars::prelude::*;

use super::{engine_error, QueryEngine, QueryOptions};
use crate::error::{LakeError, Result};

/// Sets the engine's defaults for a lake, whose files are all on a local disk. Call it first
/// thing in `main`, before any thread starts (it sets environment variables, which Polars reads).
///
/// Polars' streaming Parquet reader decodes up to 512 row groups ahead, a depth meant to hide the
/// latency of object stores; on a local disk it only holds memory. Two per pipeline (one being
/// decoded, one waiting) kept TPC-H SF1 as fast (geomean 0.97× the time) and lowered peak memory
/// by up to a fifth (Q1: 430 MB to 340 MB); one per pipeline was 1.4× slower. A value the user
/// set wins.
///
/// On Linux it also turns transparent huge pages off for the process (`PR_SET_THP_DISABLE`,
/// which mimalloc applies itself when `MIMALLOC_ALLOW_THP=0`; a value of that variable the user
/// set wins). mimalloc asks for huge pages on its segments, so every first touch of a 2 MiB
/// region made the kernel zero (and, with fragmented memory, compact) a whole huge page: 38% of
/// a slow TPC-H Q16 run was that zeroing, and queries took twice their usual time at random.
/// Without them, peak memory on TPC-H SF1 fell by a fifth to a half (Q6 129 to 93 MiB, Q3 187
/// to 107 MiB, Q21 397 to 288 MiB) for 0.96-1.0x the geomean time.
pub fn tune_engine_for_local_files() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: prctl with this option only sets a flag of the calling process.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
    const PREFETCH: &str = "POLARS_ROW_GROUP_PREFETCH_SIZE";
    if std::env::var_os(PREFETCH).is_none() {
        let threads = std::env::var("POLARS_MAX_THREADS")
            .ok()
            .and_then(|t| t.parse::<usize>().ok())
            .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
            .unwrap_or(1);
        std::env::set_var(PREFETCH, (2 * threads).max(4).to_string());
    }
}

/// The name of the thread that runs the streaming engine (a panic hook can keep quiet about it:
/// such a panic is caught and the query is run again in memory).
pub const STREAMING_THREAD: &str = "lake-streaming-query";

/// Keeps the panic hook from printing the engine's abort unwinding, which is how Polars stops
/// a cancelled query (and is caught): such a panic is not a crash. Other panics print as before.
pub fn quiet_engine_abort_panics() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let text = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
        if text.is_some_and(|t| t.starts_with("__POLARS_ABORT_")) {
            return;
        }
        default_hook(info)
    }));
}

/// What Polars says when a query was stopped by a cancel (its own or another query's).
const INTERRUPTED: &str = "query interrupted";

/// Collects a lazy frame on Polars' pool while watching the cancel token and the deadline.
pub fn collect_cancellable(frame: LazyFrame, opts: &QueryOptions) -> Result<DataFrame> {
    let start = Instant::now();
    let _busy = crate::meter::solo::Busy::start();
    match opts.engine {
        // A cancel stops the engine everywhere through Polars' process-wide abort flag (see
        // vendor/polars/VENDORED.md), so queries of other tabs running at that moment end with
        // "query interrupted" too. Those are run again here; only the cancelled one stops.
        QueryEngine::InMemory => loop {
            let handle = frame.clone().collect_concurrently().map_err(engine_error)?;
            let result = loop {
                if let Some(r) = handle.fetch() {
                    break r;
                }
                if let Some(stop) = opts.stop_reason(start) {
                    handle.cancel();
                    // Polars stops it within milliseconds (at most 10 s is waited for).
                    wind_down(move || {
                        let until = Instant::now() + Duration::from_secs(10);
                        while handle.fetch().is_none() && Instant::now() < until {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                    });
                    return Err(stop);
                }
                std::thread::sleep(Duration::from_millis(5));
            };
            match result {
                Err(e) if e.to_string().contains(INTERRUPTED) => {
                    if let Some(stop) = opts.stop_reason(start) {
                        return Err(stop);
                    }
                    // What the interrupted run had read counts again in the next.
                    crate::meter::solo::taint();
                    std::thread::sleep(Duration::from_millis(10));
                }
                r => return r.map_err(engine_error),
            }
        },
        QueryEngine::Streaming => {
            let (tx, rx) = std::sync::mpsc::channel();
            let fallback = frame.clone();
            let spawned = std::thread::Builder::new()
                .name(STREAMING_THREAD.into())
                .spawn(move || {
                    // A plain query (no multi-sink) always yields a single frame.
                    let result =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                            frame
                                .collect_with_engine(Engine::Streaming)
                                .map(|r| r.unwrap_single())
                        }));
                    let _ = tx.send(result);
                });
            if spawned.is_err() {
                return Err(LakeError::Internal("could not start a query thread".into()));
            }
            loop {
                match rx.recv_timeout(Duration::from_millis(5)) {
                    Ok(Ok(r)) => return r.map_err(engine_error),
                    // Polars' streaming engine still has gaps where it panics (count(*) over
                    // UNION ALL, for one); the in-memory engine answers those.
                    Ok(Err(_panic)) => {
                        crate::meter::solo::taint();
                        let rest = QueryOptions {
                            timeout: opts.timeout.map(|t| t.saturating_sub(start.elapsed())),
                            cancel: opts.cancel.clone(),
                            engine: QueryEngine::InMemory,
                            no_cache: opts.no_cache,
                            one_shot: opts.one_shot,
                        };
                        return collect_cancellable(fallback, &rest);
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                        return Err(LakeError::Internal(
                            "the query thread stopped without a result".into(),
                        ))
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                }
                if let Some(stop) = opts.stop_reason(start) {
                    // The streaming engine runs on to its end.
                    wind_down(move || {
                        let _ = rx.recv();
                    });
                    return Err(stop);
                }
            }
        }
    }
}

/// Keeps a cancelled query's engine visible as running work (`meter::solo`) until `stopped`
/// returns, so a query started meanwhile does not take its reads for its own.
fn wind_down(stopped: impl FnOnce() + Send + 'static) {
    let mark = crate::meter::solo::register();
    let _ = std::thread::Builder::new()
        .name("lake-query-wind-down".into())
        .spawn(move || {
            stopped();
            drop(mark);
        });
}
