//! The query log's points, kept between two reports of one open lake. The monitoring page asks
//! for a report every few seconds, and reading a year of queries (100k entries) again each time
//! was most of what a report cost. A report now reads only the entries logged since the last
//! one; the kept list is dropped and read whole again when the period asked for is longer
//! than the one kept, or when entries it holds left the log (old detail folded into days).

use std::sync::Mutex;

use crate::catalog::metrics::ts_ms;
use crate::catalog::query_log::QueryPoint;
use crate::error::Result;
use crate::Lake;

/// The points a lake's reports read, by the period they were read for ([`Lake::memo`]).
#[derive(Default)]
pub struct KeptPoints(Mutex<Option<Kept>>);

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
    /// `f` of the lake's queries at or after `since` (RFC 3339; all when empty), oldest first.
    pub fn with<R>(
        &self,
        lake: &Lake,
        since: &str,
        f: impl FnOnce(&[QueryPoint]) -> R,
    ) -> Result<R> {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let since_ms = instant_ms(since);
        // Read before the points: an entry removed after it is seen by the next report.
        let forgotten = lake.catalog().query_log_forgotten()?;
        let still = match slot.as_mut() {
            Some(k) if k.since_ms <= since_ms && k.forgotten == forgotten => {
                // A catalog without the count (read-only, from before it): count them.
                let all_there = forgotten.is_some()
                    || lake.catalog().query_points_upto(&k.since, k.upto)? == k.points.len() as u64;
                if all_there {
                    let new = lake.catalog().query_points_after(&k.since, k.upto)?;
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
            let mut points = lake.catalog().query_points(since)?;
            by_time(&mut points);
            *slot = Some(Kept {
                since: since.to_string(),
                since_ms,
                upto: points.iter().map(|p| p.id).max().unwrap_or(0),
                forgotten,
                points,
            });
        }
        let k = slot.as_ref().expect("filled above");
        let start = k.points.partition_point(|p| p.t < since_ms);
        Ok(f(&k.points[start..]))
    }
}
