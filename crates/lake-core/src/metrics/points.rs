//! The query log's points, kept between two reports of one open lake. The monitoring page asks
//! for a report every few seconds, and reading a year of queries (100k entries) again each time
//! was most of what a report cost. A report now reads only the entries logged since the last
//! one. The kept list is read whole again when the period asked for is longer than the one
//! kept, or when any entry left the log (old detail folded into days, or removed).
//!
//! It holds the longest period asked for since then, so at most what the log keeps
//! (`catalog::metrics::MAX_QUERY_ROWS`, 200,000 points of 88 bytes). The app reads the whole
//! log into it after the page's first answer ([`super::keep_all`]), so a longer period chosen
//! later is ready too.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::catalog::metrics::ts_ms;
use crate::catalog::query_log::QueryPoint;
use crate::catalog::Catalog;
use crate::error::Result;

/// The points a lake's reports read, by the period they were read for ([`crate::Lake::memo`]).
#[derive(Default)]
pub struct KeptPoints {
    kept: Mutex<Option<Kept>>,
    /// How many times the whole period was read (the others read only what was new).
    full_reads: AtomicU64,
    /// Whether reading the whole log was given up (a catalog without the forgotten-entries
    /// count, or a read that failed): the page's every poll would otherwise try it again.
    gave_up: std::sync::atomic::AtomicBool,
}

struct Kept {
    /// Read for queries at or after this instant (RFC 3339; empty for all time).
    since: String,
    /// The same instant in ms since 1970 (-∞ for all time).
    since_ms: f64,
    /// The newest log entry read (by id).
    upto: i64,
    /// The log's count of entries that left it, read before the points were.
    forgotten: Option<u64>,
    /// Every query at or after `since` logged up to `upto`, oldest first.
    points: Vec<QueryPoint>,
}

/// The queries of one period, read by [`KeptPoints::read`].
pub struct Period<'a> {
    kept: MutexGuard<'a, Option<Kept>>,
    since_ms: f64,
}

impl Period<'_> {
    /// The period's queries, oldest first.
    pub fn points(&self) -> &[QueryPoint] {
        let k = self.kept.as_ref().expect("filled by read");
        &k.points[k.points.partition_point(|p| p.t < self.since_ms)..]
    }
}

fn instant_ms(since: &str) -> f64 {
    if since.is_empty() {
        f64::NEG_INFINITY
    } else {
        ts_ms(since)
    }
}

fn by_time(points: &mut [QueryPoint]) {
    // Nearly always in order already: a run the sort passes through once.
    points.sort_by(|a, b| a.t.total_cmp(&b.t).then(a.id.cmp(&b.id)));
}

impl KeptPoints {
    /// The queries at or after `since` (RFC 3339; all when empty), brought up to date with
    /// `catalog`. The caller holds one read snapshot over this and whatever else it reads
    /// with them (the days folded), so an entry folded meanwhile is never counted twice.
    pub fn read(&self, catalog: &Catalog, since: &str) -> Result<Period<'_>> {
        let mut slot = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        let since_ms = instant_ms(since);
        let forgotten = catalog.query_log_forgotten()?;
        let still = match slot.as_mut() {
            Some(k) if k.since_ms <= since_ms && k.forgotten == forgotten => {
                // A catalog without the count (read-only, from before it): count the kept
                // range. That misses entries removed and as many logged again under the same
                // ids, which only a writer that removes the newest entries could do.
                let all_there = forgotten.is_some()
                    || catalog.query_points_upto(&k.since, k.upto)? == k.points.len() as u64;
                if all_there {
                    let new = catalog.query_points_after(&k.since, k.upto)?;
                    if let Some(last) = new.iter().map(|p| p.id).max() {
                        k.upto = last;
                        let sorted = k.points.last().is_none_or(|l| l.t <= new[0].t)
                            && new.windows(2).all(|w| w[0].t <= w[1].t);
                        k.points.extend(new);
                        if !sorted {
                            by_time(&mut k.points);
                        }
                    }
                }
                all_there
            }
            _ => false,
        };
        if !still {
            // The longer of the period kept and the one asked for: a fold does not shrink it.
            let (since, since_kept) = match slot.as_ref() {
                Some(k) if k.since_ms < since_ms => (k.since.clone(), k.since_ms),
                _ => (since.to_string(), since_ms),
            };
            self.full_reads.fetch_add(1, Ordering::Relaxed);
            let mut points = catalog.query_points(&since)?;
            by_time(&mut points);
            *slot = Some(Kept {
                since,
                since_ms: since_kept,
                upto: points.iter().map(|p| p.id).max().unwrap_or(0),
                forgotten,
                points,
            });
        }
        Ok(Period {
            kept: slot,
            since_ms,
        })
    }

    /// Whether the whole log need not be read: it is kept already, or reading it was given up.
    pub fn whole_log_settled(&self) -> bool {
        self.gave_up.load(Ordering::Relaxed) || self.holds_all()
    }

    /// Gives up reading the whole log for this open lake.
    pub fn give_up_whole_log(&self) {
        self.gave_up.store(true, Ordering::Relaxed);
    }

    /// Whether every query of the log is kept (all time was read), so any period is ready.
    pub fn holds_all(&self) -> bool {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.as_ref().is_some_and(|k| k.since.is_empty())
    }

    /// How many times a whole period was read.
    #[cfg(test)]
    pub fn full_reads(&self) -> u64 {
        self.full_reads.load(Ordering::Relaxed)
    }
}
