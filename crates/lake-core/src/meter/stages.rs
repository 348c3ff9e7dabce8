//! Where a query's time goes, stage by stage, for `lake query --timing`: laps taken on the
//! thread that prepares and runs the query, added up per thread until the next [`reset`].

use std::cell::Cell;
use std::time::Instant;

/// A stage of a query, in the order it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Looking the query up in the result cache (its key parses the SQL and expands views).
    Cache,
    /// Parsing the SQL and the read-only guard.
    Guard,
    /// Catalog reads, views, names bound to datasets and their versions.
    Bind,
    /// The lake's rewrites (spatial, decorrelation, joins, time buckets).
    Rewrite,
    /// Choosing the files (and indexes) each dataset is read from.
    Prune,
    /// Polars planning the rewritten SQL.
    Plan,
    /// Running the plan and masking the result.
    Execute,
}

const ALL: [Stage; 7] = [
    Stage::Cache,
    Stage::Guard,
    Stage::Bind,
    Stage::Rewrite,
    Stage::Prune,
    Stage::Plan,
    Stage::Execute,
];

impl Stage {
    /// Its name in `--timing`'s line.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Cache => "result cache",
            Stage::Guard => "parse and guard",
            Stage::Bind => "catalog and bind",
            Stage::Rewrite => "rewrite",
            Stage::Prune => "pruning",
            Stage::Plan => "plan",
            Stage::Execute => "execute",
        }
    }
}

thread_local! {
    static SPENT: [Cell<u64>; 7] = const { [const { Cell::new(0) }; 7] };
}

/// A stopwatch: each [`Lap::to`] adds the time since the last lap to a stage.
pub struct Lap(Instant);

impl Lap {
    /// Starts timing.
    pub fn start() -> Lap {
        Lap(Instant::now())
    }

    /// Adds the time since the last lap (or the start) to `stage`.
    pub fn to(&mut self, stage: Stage) {
        let now = Instant::now();
        let ns = now.duration_since(self.0).as_nanos().min(u64::MAX as u128) as u64;
        SPENT.with(|s| {
            let c = &s[stage as usize];
            c.set(c.get().saturating_add(ns));
        });
        self.0 = now;
    }
}

/// Forgets this thread's laps (a query starts).
pub fn reset() {
    SPENT.with(|s| s.iter().for_each(|c| c.set(0)));
}

/// Milliseconds this thread spent in each stage since the last [`reset`].
pub fn spent() -> Vec<(Stage, f64)> {
    SPENT.with(|s| {
        ALL.iter()
            .map(|st| (*st, s[*st as usize].get() as f64 / 1e6))
            .collect()
    })
}

/// The stages as one line: `parse and guard 0.04 ms, catalog and bind 0.61 ms, …`.
pub fn summary() -> String {
    spent()
        .iter()
        .map(|(s, ms)| format!("{} {ms:.2} ms", s.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn laps_add_up_per_stage_until_a_reset() {
        reset();
        let mut lap = Lap::start();
        std::thread::sleep(std::time::Duration::from_millis(5));
        lap.to(Stage::Plan);
        lap.to(Stage::Execute);
        std::thread::sleep(std::time::Duration::from_millis(5));
        lap.to(Stage::Plan);
        let now = spent();
        let plan = now.iter().find(|(s, _)| *s == Stage::Plan).unwrap().1;
        assert!((10.0..40.0).contains(&plan), "{plan}");
        assert!(summary().starts_with("result cache 0.00 ms, parse and guard 0.00 ms"));
        reset();
        assert!(spent().iter().all(|(_, ms)| *ms == 0.0));
    }
}
