//! Time an import spends in each phase, summed over its threads: reading the sources' bytes,
//! writing Parquet, and committing. Imports run one at a time (the write lock), so the
//! counters' difference over an import is that import's (parsing is the rest of its time).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// A phase of an import.
#[derive(Debug, Clone, Copy)]
pub enum Phase {
    /// Reading a source's bytes (its checksum pass).
    Read,
    /// Encoding and writing Parquet.
    Write,
    /// Quality rules, the catalog commit, indexes and profiles.
    Commit,
}

static NANOS: [AtomicU64; 3] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];

thread_local! {
    /// Timers alive on this thread, per phase: a timer inside another of its phase (a sink
    /// closing its partitions' sinks) adds nothing, so no time counts twice.
    static DEPTH: [std::cell::Cell<u32>; 3] = const { [const { std::cell::Cell::new(0) }; 3] };
}

/// Adds the time it lives to its phase.
pub struct Timer {
    phase: Phase,
    start: Instant,
    into: &'static [AtomicU64; 3],
}

impl Phase {
    /// Starts timing this phase until the timer drops.
    pub fn timer(self) -> Timer {
        self.timer_into(&NANOS)
    }

    fn timer_into(self, into: &'static [AtomicU64; 3]) -> Timer {
        DEPTH.with(|d| d[self as usize].set(d[self as usize].get() + 1));
        Timer {
            phase: self,
            start: Instant::now(),
            into,
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        let i = self.phase as usize;
        let outer = DEPTH.with(|d| {
            d[i].set(d[i].get() - 1);
            d[i].get() == 0
        });
        if outer {
            let ns = self.start.elapsed().as_nanos().min(u64::MAX as u128) as u64;
            self.into[i].fetch_add(ns, Ordering::Relaxed);
        }
    }
}

/// The counters now: read, write and commit, in nanoseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Snapshot([u64; 3]);

impl Snapshot {
    /// Reads the counters.
    pub fn now() -> Snapshot {
        Snapshot(std::array::from_fn(|i| NANOS[i].load(Ordering::Relaxed)))
    }

    /// Milliseconds spent in `phase` since `self`.
    pub fn ms_since(&self, phase: Phase) -> f64 {
        let i = phase as usize;
        NANOS[i].load(Ordering::Relaxed).saturating_sub(self.0[i]) as f64 / 1e6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_timers_of_a_phase_count_once() {
        static MINE: [AtomicU64; 3] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];
        {
            let _outer = Phase::Commit.timer_into(&MINE);
            let _inner = Phase::Commit.timer_into(&MINE);
            let _other = Phase::Write.timer_into(&MINE);
            std::thread::sleep(std::time::Duration::from_millis(30));
        }
        let ms = |p: Phase| MINE[p as usize].load(Ordering::Relaxed) as f64 / 1e6;
        assert!(
            (30.0..59.0).contains(&ms(Phase::Commit)),
            "{}",
            ms(Phase::Commit)
        );
        assert!(
            (30.0..59.0).contains(&ms(Phase::Write)),
            "{}",
            ms(Phase::Write)
        );
        assert_eq!(ms(Phase::Read), 0.0);
    }
}
