//! Time an import spends in each phase: reading the sources' bytes, writing Parquet, and
//! committing. An import times its phases on its own thread (its workers only parse, and hand
//! their batches back to it to write), so the counters are per thread: the difference over an
//! import is that import's, also while other lakes import on other threads (parsing is the rest
//! of its time).

use std::cell::Cell;
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

thread_local! {
    /// Nanoseconds this thread has spent in each phase.
    static NANOS: [Cell<u64>; 3] = const { [const { Cell::new(0) }; 3] };
    /// Timers alive on this thread, per phase: a timer inside another of its phase (a sink
    /// closing its partitions' sinks) adds nothing, so no time counts twice.
    static DEPTH: [Cell<u32>; 3] = const { [const { Cell::new(0) }; 3] };
}

/// Adds the time it lives to its phase, on the thread that started it.
pub struct Timer {
    phase: Phase,
    start: Instant,
    /// Not `Send`: it must drop on the thread whose counters it adds to.
    _here: std::marker::PhantomData<*const ()>,
}

impl Phase {
    /// Starts timing this phase until the timer drops.
    pub fn timer(self) -> Timer {
        DEPTH.with(|d| d[self as usize].set(d[self as usize].get() + 1));
        Timer {
            phase: self,
            start: Instant::now(),
            _here: std::marker::PhantomData,
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
            NANOS.with(|n| n[i].set(n[i].get().saturating_add(ns)));
        }
    }
}

/// This thread's counters now: read, write and commit, in nanoseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Snapshot([u64; 3]);

impl Snapshot {
    /// Reads this thread's counters.
    pub fn now() -> Snapshot {
        Snapshot(NANOS.with(|n| std::array::from_fn(|i| n[i].get())))
    }

    /// Milliseconds this thread spent in `phase` since `self`.
    pub fn ms_since(&self, phase: Phase) -> f64 {
        let i = phase as usize;
        NANOS.with(|n| n[i].get()).saturating_sub(self.0[i]) as f64 / 1e6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_timers_of_a_phase_count_once() {
        let start = Snapshot::now();
        {
            let _outer = Phase::Commit.timer();
            let _inner = Phase::Commit.timer();
            let _other = Phase::Write.timer();
            std::thread::sleep(std::time::Duration::from_millis(30));
        }
        let ms = |p: Phase| start.ms_since(p);
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

    #[test]
    fn another_thread_timing_the_same_phase_counts_only_there() {
        let start = Snapshot::now();
        std::thread::spawn(|| {
            let _t = Phase::Write.timer();
            std::thread::sleep(std::time::Duration::from_millis(20));
        })
        .join()
        .unwrap();
        assert_eq!(start.ms_since(Phase::Write), 0.0);
    }
}
