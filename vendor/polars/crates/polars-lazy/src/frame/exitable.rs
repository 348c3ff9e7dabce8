use std::sync::Mutex;
use std::sync::mpsc::{Receiver, channel};

use polars_core::error::abort::{catch_polars_abort, request_polars_abort};
use polars_core::runtime::RAYON;
use polars_utils::relaxed_cell::RelaxedCell;

use super::*;

impl LazyFrame {
    pub fn collect_concurrently(self) -> PolarsResult<InProcessQuery> {
        let (mut state, mut physical_plan, _) = self.prepare_collect(false)?;

        let (tx, rx) = channel();
        let token = state.cancel_token();

        if physical_plan.is_cache_prefiller() {
            #[cfg(feature = "async")]
            {
                polars_core::runtime::ASYNC.spawn_blocking(move || {
                    let result = execute_catching_abort(&mut physical_plan, &mut state);
                    // Datapunk Lake: the caller may have gone (a cancel); nothing to report then.
                    let _ = tx.send(result);
                });
            }
            #[cfg(not(feature = "async"))]
            {
                std::thread::spawn(move || {
                    let result = execute_catching_abort(&mut physical_plan, &mut state);
                    // Datapunk Lake: the caller may have gone (a cancel); nothing to report then.
                    let _ = tx.send(result);
                });
            }
        } else {
            RAYON.spawn_fifo(move || {
                let result = execute_catching_abort(&mut physical_plan, &mut state);
                // Datapunk Lake: the caller may have gone (a cancel); nothing to report then.
                let _ = tx.send(result);
            });
        }

        Ok(InProcessQuery {
            rx: Arc::new(Mutex::new(rx)),
            token,
        })
    }
}

/// Datapunk Lake: runs the plan so that a `request_polars_abort` (from any query's cancel) ends
/// it with an error instead of a panic that would abort the process on Rayon's pool.
fn execute_catching_abort(
    plan: &mut Box<dyn Executor>,
    state: &mut ExecutionState,
) -> PolarsResult<DataFrame> {
    catch_polars_abort(std::panic::AssertUnwindSafe(|| plan.execute(state)))
        .unwrap_or_else(|_| Err(polars_err!(ComputeError: "query interrupted")))
}

#[derive(Clone)]
pub struct InProcessQuery {
    rx: Arc<Mutex<Receiver<PolarsResult<DataFrame>>>>,
    token: Arc<RelaxedCell<bool>>,
}

impl InProcessQuery {
    /// Cancel the query at earliest convenience.
    pub fn cancel(&self) {
        self.token.store(true);
        // Datapunk Lake: also stop the parts that only see the global abort flag. Other queries
        // running now stop too, with "query interrupted"; the caller runs those again.
        request_polars_abort();
    }

    /// Fetch the result.
    ///
    /// If it is ready, a materialized DataFrame is returned.
    /// If it is not ready it will return `None`.
    pub fn fetch(&self) -> Option<PolarsResult<DataFrame>> {
        let rx = self.rx.lock().unwrap();
        match rx.try_recv() {
            Ok(r) => Some(r),
            Err(std::sync::mpsc::TryRecvError::Empty) => None,
            // Datapunk Lake: the query's thread ended without a result (it panicked).
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                Some(Err(polars_err!(ComputeError: "query interrupted")))
            },
        }
    }

    /// Await the result synchronously.
    pub fn fetch_blocking(&self) -> PolarsResult<DataFrame> {
        let rx = self.rx.lock().unwrap();
        rx.recv().unwrap()
    }
}

impl Drop for InProcessQuery {
    fn drop(&mut self) {
        self.token.store(true);
    }
}
