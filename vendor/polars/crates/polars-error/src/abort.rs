use std::any::Any;
use std::panic::{UnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};

/// Python hooks SIGINT to instead generate a KeyboardInterrupt exception.
/// So we do the same to try and abort long-running computations and return to
/// Python so that the Python exception can be generated.
///
/// We also use this mechanic to abort queries that run out of disk space while
/// spilling, which can happen from anywhere in the out-of-core code, meaning
/// there might not be a suitable PolarsResult return path.
pub enum QueryAborted {
    KeyboardInterrupt,
    OocOutOfDisk,
}

// We use a unique string so we can detect it in backtraces.
static POLARS_ABORT_PREFIX: &str = "__POLARS_ABORT_";
static POLARS_ABORT_KEYBOARD_INTERRUPT_STR: &str = "__POLARS_ABORT_KEYBOARD_INTERRUPT";
static POLARS_ABORT_OOC_OUT_OF_DISK_STR: &str = "__POLARS_ABORT_OOC_OUT_OF_DISK";

// Bottom two bits: abort flags.
// Top 62 bits: number of alive abort catchers.
const ABORT_KEYBOARD_INTERRUPT_BIT: u64 = 1;
const ABORT_OOC_OUT_OF_DISK_BIT: u64 = 2;
const ABORT_CATCHERS_UNIT: u64 = 4;
static ABORT_STATE: AtomicU64 = AtomicU64::new(0);

fn decode_polars_abort(p: &dyn Any) -> Option<QueryAborted> {
    let s = if let Some(s) = p.downcast_ref::<&str>() {
        s
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.as_str()
    } else {
        return None;
    };

    if !s.contains(POLARS_ABORT_PREFIX) {
        return None;
    }

    if s.contains(POLARS_ABORT_KEYBOARD_INTERRUPT_STR) {
        Some(QueryAborted::KeyboardInterrupt)
    } else if s.contains(POLARS_ABORT_OOC_OUT_OF_DISK_STR) {
        Some(QueryAborted::OocOutOfDisk)
    } else {
        unreachable!()
    }
}

pub fn register_polars_abort_mechanism() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |p| {
        // Suppress output if there is an active catcher and the panic message
        // contains the abort string.
        let num_catchers =
            ABORT_STATE.load(Ordering::Relaxed) >> ABORT_CATCHERS_UNIT.trailing_zeros();
        let suppress = num_catchers > 0 && decode_polars_abort(p.payload()).is_some();
        if !suppress {
            default_hook(p);
        }
    }));

    // WASM doesn't support signals, so we just skip installing the hook there.
    #[cfg(not(target_family = "wasm"))]
    unsafe {
        // SAFETY: we only do an atomic op in the signal handler, which is allowed.
        signal_hook::low_level::register(signal_hook::consts::signal::SIGINT, move || {
            // Set the keyboard interrupt flag, but only if there are active catchers.
            ABORT_STATE
                .try_update(Ordering::Release, Ordering::Relaxed, |state| {
                    let num_catchers = state >> ABORT_CATCHERS_UNIT.trailing_zeros();
                    if num_catchers > 0 {
                        Some(state | ABORT_KEYBOARD_INTERRUPT_BIT)
                    } else {
                        None
                    }
                })
                .ok();
        })
        .unwrap();
    }
}

/// Datapunk Lake: asks every query running under `catch_polars_abort` to stop at its next
/// abort check, as a SIGINT does in Python Polars. Used for a user's Cancel, since parts of the
/// engine (the streaming executor the in-memory engine hands scans and group-bys to, fused
/// cross-join filters) never see a query's own stop flag.
///
/// Datapunk Lake: while an [`AbortShield`] is alive the flag is not raised at once, so the
/// shielded work is never stopped by another query's Cancel: the abort is kept pending and
/// raised when the last shield is dropped (the cancelled query stops at its own stop flag
/// meanwhile, where it checks one). Returns whether the flag was raised now.
pub fn request_polars_abort() -> bool {
    let mut shields = ABORT_SHIELDS.lock().unwrap_or_else(|e| e.into_inner());
    if shields.live > 0 {
        shields.pending = true;
        return false;
    }
    raise_keyboard_interrupt()
}

fn raise_keyboard_interrupt() -> bool {
    ABORT_STATE
        .try_update(Ordering::Release, Ordering::Relaxed, |state| {
            let num_catchers = state >> ABORT_CATCHERS_UNIT.trailing_zeros();
            if num_catchers > 0 {
                Some(state | ABORT_KEYBOARD_INTERRUPT_BIT)
            } else {
                None
            }
        })
        .is_ok()
}

/// Datapunk Lake: engine work that is not under `catch_polars_abort` (an import, an index
/// build) panics if the abort flag goes up while it runs. Shielded work never sees it: taking a
/// shield waits until the flag is down, and [`request_polars_abort`] keeps the abort pending
/// while a shield is alive.
static ABORT_SHIELDS: std::sync::Mutex<Shields> = std::sync::Mutex::new(Shields {
    live: 0,
    pending: false,
    per_thread: Vec::new(),
});

/// Datapunk Lake: the live shields, whether an abort is pending, and how many shields each
/// thread holds (kept here, not in a thread-local, so a shield dropped on another thread than
/// the one that took it is counted off its own thread's).
struct Shields {
    live: u64,
    pending: bool,
    per_thread: Vec<(std::thread::ThreadId, u64)>,
}

impl Shields {
    fn held_by(&self, thread: std::thread::ThreadId) -> u64 {
        self.per_thread
            .iter()
            .find(|(t, _)| *t == thread)
            .map_or(0, |(_, n)| *n)
    }
}

/// Datapunk Lake: keeps other queries' Cancel from raising the abort flag while it lives (see
/// [`shield_from_polars_abort`]).
#[must_use]
pub struct AbortShield(std::thread::ThreadId);

/// Datapunk Lake: waits until no abort is pending (the cancelled queries have wound down), then
/// keeps the abort flag down until the returned shield is dropped.
///
/// Datapunk Lake: a pending abort also holds back new shields (as a lock that prefers its
/// writers), or overlapping shielded work could keep a Cancel pending, and the cancelled
/// query's fused loops running, for as long as it lasts (minutes, in a busy test run). A thread
/// that already holds a shield takes another at once (an import holds one and takes the write
/// lock's), and no thread waits longer than [`PENDING_ABORT_WAIT`] for a pending abort, so
/// shielded work that waits on another thread's shield cannot deadlock. A pending abort with
/// no query left to stop (the cancelled one ended at its own stop flag) is dropped, so it
/// holds back nothing.
pub fn shield_from_polars_abort() -> AbortShield {
    let me = std::thread::current().id();
    let started = std::time::Instant::now();
    loop {
        {
            let mut shields = ABORT_SHIELDS.lock().unwrap_or_else(|e| e.into_inner());
            let state = ABORT_STATE.load(Ordering::Acquire);
            if state >> ABORT_CATCHERS_UNIT.trailing_zeros() == 0 {
                shields.pending = false;
            }
            let flag_down = state & (ABORT_CATCHERS_UNIT - 1) == 0;
            let held = shields.held_by(me) > 0;
            let may_pass = !shields.pending || started.elapsed() >= PENDING_ABORT_WAIT;
            if held || (flag_down && may_pass) {
                shields.live += 1;
                match shields.per_thread.iter_mut().find(|(t, _)| *t == me) {
                    Some((_, n)) => *n += 1,
                    None => shields.per_thread.push((me, 1)),
                }
                return AbortShield(me);
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// Datapunk Lake: the longest a new shield waits for a pending abort to be raised (the shields
/// alive when it came are dropped) before it is taken anyway.
pub const PENDING_ABORT_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

impl Drop for AbortShield {
    fn drop(&mut self) {
        let mut shields = ABORT_SHIELDS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = shields.per_thread.iter().position(|(t, _)| *t == self.0) {
            shields.per_thread[i].1 -= 1;
            if shields.per_thread[i].1 == 0 {
                shields.per_thread.swap_remove(i);
            }
        }
        shields.live -= 1;
        if shields.live == 0 && shields.pending {
            // The Cancel that came while shielded work ran takes effect now.
            shields.pending = false;
            raise_keyboard_interrupt();
        }
    }
}

pub fn polars_abort_ooc_out_of_disk() -> ! {
    ABORT_STATE
        .try_update(Ordering::Release, Ordering::Relaxed, |state| {
            let num_catchers = state >> ABORT_CATCHERS_UNIT.trailing_zeros();
            if num_catchers > 0 {
                Some(state | ABORT_OOC_OUT_OF_DISK_BIT)
            } else {
                None
            }
        })
        .ok();

    std::panic::panic_any(POLARS_ABORT_OOC_OUT_OF_DISK_STR);
}

/// Checks if the abort flag is set, and if yes panics. This function is very cheap.
#[inline(always)]
pub fn try_raise_polars_abort() {
    if ABORT_STATE.load(Ordering::Acquire) & (ABORT_CATCHERS_UNIT - 1) != 0 {
        try_raise_polars_abort_slow()
    }
}

#[inline(never)]
#[cold]
fn try_raise_polars_abort_slow() {
    let state = ABORT_STATE.load(Ordering::Acquire);
    if state & ABORT_KEYBOARD_INTERRUPT_BIT != 0 {
        std::panic::panic_any(POLARS_ABORT_KEYBOARD_INTERRUPT_STR);
    } else if state & ABORT_OOC_OUT_OF_DISK_BIT != 0 {
        std::panic::panic_any(POLARS_ABORT_OOC_OUT_OF_DISK_STR);
    } else {
        unreachable!()
    }
}

/// Runs the passed function, catching any query abortions if they occur
/// while running the function.
pub fn catch_polars_abort<R, F: FnOnce() -> R + UnwindSafe>(try_fn: F) -> Result<R, QueryAborted> {
    // Try to register this catcher (or immediately return if there is an
    // uncaught interrupt).
    try_register_catcher()?;
    let ret = catch_unwind(try_fn);
    unregister_catcher();
    ret.map_err(|p| {
        if let Some(reason) = decode_polars_abort(&*p) {
            reason
        } else {
            std::panic::resume_unwind(p)
        }
    })
}

fn try_register_catcher() -> Result<(), QueryAborted> {
    let old_state = ABORT_STATE.fetch_add(ABORT_CATCHERS_UNIT, Ordering::Relaxed);
    if old_state & (ABORT_CATCHERS_UNIT - 1) != 0 {
        unregister_catcher();

        return if old_state & ABORT_KEYBOARD_INTERRUPT_BIT != 0 {
            Err(QueryAborted::KeyboardInterrupt)
        } else if old_state & ABORT_OOC_OUT_OF_DISK_BIT != 0 {
            Err(QueryAborted::OocOutOfDisk)
        } else {
            unreachable!()
        };
    }
    Ok(())
}

fn unregister_catcher() {
    ABORT_STATE
        .try_update(Ordering::Relaxed, Ordering::Relaxed, |state| {
            let num_catchers = state >> ABORT_CATCHERS_UNIT.trailing_zeros();
            if num_catchers > 1 {
                Some(state - ABORT_CATCHERS_UNIT)
            } else {
                // Last catcher, clear abort flags.
                Some(0)
            }
        })
        .ok();
}
