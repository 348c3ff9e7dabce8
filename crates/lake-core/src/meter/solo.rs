//! Whether a query ran alone: the engine's row-group counters (vendor/polars/VENDORED.md,
//! change 12) are process-wide, so a query's share of them is known only when no other engine
//! work ran at any moment of it. Every entry to the engine holds a [`Busy`] mark: a logged
//! query, the query module's `collect_cancellable`, the storage module's `collect_shielded`,
//! the map's track, and a lake's write lock (a [`Mark`]).
//! Marks taken on a thread that already holds one are part of that work, not other work.

use std::cell::Cell;
use std::sync::{Mutex, MutexGuard};

/// Work alive now, and how many have started since the registry began.
struct Registry(Mutex<(usize, u64)>);

static WORK: Registry = Registry(Mutex::new((0, 0)));

thread_local! {
    /// Marks alive on this thread.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Whether this thread's outermost work counted something twice (an interrupted engine
    /// run that was run again).
    static TAINTED: Cell<bool> = const { Cell::new(false) };
}

impl Registry {
    fn lock(&self) -> MutexGuard<'_, (usize, u64)> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn register(&'static self) -> Mark {
        let mut w = self.lock();
        w.0 += 1;
        w.1 += 1;
        Mark {
            registry: self,
            joined_others: w.0 > 1,
            ticket: w.1,
        }
    }
}

/// Registered work; other work sees it until it drops. It may move to another thread.
pub struct Mark {
    registry: &'static Registry,
    /// Whether other work was alive when this started.
    joined_others: bool,
    /// The count of starts, this one included.
    ticket: u64,
}

impl Mark {
    fn alone(&self) -> bool {
        !self.joined_others && self.registry.lock().1 == self.ticket
    }
}

impl Drop for Mark {
    fn drop(&mut self) {
        self.registry.lock().0 -= 1;
    }
}

/// Marks engine work on this thread while it lives (see the module's doc).
pub struct Busy {
    /// `None` inside other work of this thread.
    mark: Option<Mark>,
    /// Not `Send`: it must drop on the thread whose depth it counts.
    _here: std::marker::PhantomData<*const ()>,
}

impl Busy {
    /// Marks engine work as started on this thread.
    pub fn start() -> Busy {
        Busy::start_in(&WORK)
    }

    fn start_in(registry: &'static Registry) -> Busy {
        let outer = DEPTH.with(|d| {
            d.set(d.get() + 1);
            d.get() == 1
        });
        if outer {
            TAINTED.with(|t| t.set(false));
        }
        Busy {
            mark: outer.then(|| registry.register()),
            _here: std::marker::PhantomData,
        }
    }

    /// Whether this is a thread's outermost work and nothing else ran at any moment since it
    /// started (and it counted nothing twice).
    pub fn alone(&self) -> bool {
        self.mark.as_ref().is_some_and(Mark::alone) && !TAINTED.with(Cell::get)
    }
}

/// Registered work that is not tied to a thread (it may move): a lake's write lock, or the
/// engine of a cancelled query winding down after its caller has returned.
pub fn register() -> Mark {
    WORK.register()
}

impl Drop for Busy {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get() - 1));
    }
}

/// Notes that this thread's work ran part of the engine twice (its counts are not its own).
pub fn taint() {
    TAINTED.with(|t| t.set(true));
}

#[cfg(test)]
mod tests {
    use super::{taint, Registry};
    use std::sync::Mutex;

    #[test]
    fn work_is_alone_only_without_overlap() {
        // A registry of its own: other tests' queries run meanwhile in this process.
        static R: Registry = Registry(Mutex::new((0, 0)));
        let start = || super::Busy::start_in(&R);
        let a = start();
        assert!(a.alone());
        // Nested work of the same thread is part of it.
        drop(start());
        assert!(a.alone());
        drop(a);
        // Work of another thread, started while this lives: neither is alone, even after the
        // other ends.
        let a = start();
        let b = std::thread::spawn(move || start().alone());
        assert!(!b.join().unwrap());
        assert!(!a.alone());
        drop(a);
        // A mark that lingers counts as other work until it drops.
        let lingering = R.register();
        let a = start();
        assert!(!a.alone());
        drop((a, lingering));
        // Counting twice spoils it; the next outermost work starts clean.
        let a = start();
        taint();
        assert!(!a.alone());
        drop(a);
        assert!(start().alone());
    }
}
