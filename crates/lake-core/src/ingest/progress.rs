//! Import progress as people read it, and the one-import-at-a-time rule. The app streams these
//! snapshots to its window; any other front end can do the same.
//! - [`ProgressTracker`] turns the readers' [`Progress`] callbacks into [`ImportProgress`]
//!   snapshots: bytes over all files, the current file, records, and an estimated time left,
//!   at most ten a second (and always at each file's start and end).
//! - [`ImportSlot`] admits one import at a time and holds its cancel token.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::takeout::vfs::{part_bytes, PartKind};
use super::Progress;
use crate::cancel::CancelToken;
use crate::error::{LakeError, Result};

/// Live progress of an import.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportProgress {
    /// The file (or Takeout export) being read.
    pub file: String,
    /// Its size.
    pub file_bytes: u64,
    /// Bytes of it read so far.
    pub file_read: u64,
    /// Records of it so far.
    pub records: u64,
    /// Bytes read over all files.
    pub done_bytes: u64,
    /// Bytes of all files.
    pub total_bytes: u64,
    /// Milliseconds since the import started.
    pub elapsed_ms: f64,
    /// Estimated milliseconds left, once there is a rate to go by.
    pub eta_ms: Option<f64>,
}

/// How often a snapshot goes out while a file is read.
const EVERY: Duration = Duration::from_millis(100);
/// No estimate before this much time: the first moments' rate says little.
const ETA_AFTER_MS: f64 = 300.0;

struct Now {
    p: ImportProgress,
    /// Bytes done before the current file.
    before: u64,
    sent: Option<Instant>,
}

/// [`Progress`] that sends throttled [`ImportProgress`] snapshots to `send`.
pub struct ProgressTracker<F: Fn(&ImportProgress) + Send + Sync> {
    send: F,
    started: Instant,
    now: Mutex<Now>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The bytes an import of `paths` will read, as the importers count them (a folder: the sum
/// of its files).
pub fn total_bytes(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .map(|p| {
            let kind = if p.is_dir() {
                PartKind::Dir
            } else {
                PartKind::File
            };
            part_bytes(p, kind)
        })
        .sum()
}

impl<F: Fn(&ImportProgress) + Send + Sync> ProgressTracker<F> {
    /// A tracker for an import of `total_bytes` bytes, from now.
    pub fn new(total_bytes: u64, send: F) -> Self {
        ProgressTracker {
            send,
            started: Instant::now(),
            now: Mutex::new(Now {
                p: ImportProgress {
                    total_bytes,
                    ..Default::default()
                },
                before: 0,
                sent: None,
            }),
        }
    }

    fn emit(&self, now: &mut Now, force: bool) {
        if !force && now.sent.is_some_and(|t| t.elapsed() < EVERY) {
            return;
        }
        now.sent = Some(Instant::now());
        let p = &mut now.p;
        p.elapsed_ms = self.started.elapsed().as_secs_f64() * 1e3;
        p.eta_ms = (p.done_bytes > 0 && p.elapsed_ms > ETA_AFTER_MS).then(|| {
            p.elapsed_ms * p.total_bytes.saturating_sub(p.done_bytes) as f64 / p.done_bytes as f64
        });
        (self.send)(p);
    }
}

impl<F: Fn(&ImportProgress) + Send + Sync> Progress for ProgressTracker<F> {
    fn file_started(&self, path: &str, bytes: u64) {
        let mut g = lock(&self.now);
        g.before = g.p.done_bytes;
        g.p.file = path.to_string();
        g.p.file_bytes = bytes;
        g.p.file_read = 0;
        g.p.records = 0;
        self.emit(&mut g, true);
    }
    fn update(&self, bytes_read: u64, records: u64) {
        let mut g = lock(&self.now);
        g.p.file_read = bytes_read;
        g.p.records = records;
        g.p.done_bytes = g.before + bytes_read.min(g.p.file_bytes);
        self.emit(&mut g, false);
    }
    fn file_done(&self, _path: &str, records: u64) {
        let mut g = lock(&self.now);
        g.p.records = records;
        g.p.file_read = g.p.file_bytes;
        g.p.done_bytes = g.before + g.p.file_bytes;
        self.emit(&mut g, true);
    }
}

/// Admits one import at a time (per slot: the app keeps one) and lets Cancel reach it.
#[derive(Default)]
pub struct ImportSlot(Mutex<Option<CancelToken>>);

/// The running import's hold on its slot; dropping it frees the slot.
pub struct ImportTicket<'a> {
    slot: &'a ImportSlot,
    /// Cancels this import when set (by [`ImportSlot::cancel`]).
    pub cancel: CancelToken,
}

impl ImportSlot {
    /// Takes the slot, or says an import is already running.
    pub fn start(&self) -> Result<ImportTicket<'_>> {
        let mut g = lock(&self.0);
        if g.is_some() {
            return Err(LakeError::ImportRunning(
                "an import is already running; wait for it or cancel it".into(),
            ));
        }
        let cancel = CancelToken::new();
        *g = Some(cancel.clone());
        Ok(ImportTicket { slot: self, cancel })
    }

    /// Cancels the running import; `false` when none runs.
    pub fn cancel(&self) -> bool {
        lock(&self.0).as_ref().map(CancelToken::cancel).is_some()
    }
}

impl Drop for ImportTicket<'_> {
    fn drop(&mut self) {
        *lock(&self.slot.0) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_add_up_over_files_and_estimate_the_time_left() {
        let seen = Mutex::new(Vec::new());
        let t = ProgressTracker::new(300, |p: &ImportProgress| lock(&seen).push(p.clone()));
        t.file_started("a.csv", 100);
        t.update(50, 5);
        t.update(60, 6); // within 100 ms of the last: not sent
        t.file_done("a.csv", 10);
        t.file_started("b.csv", 200);
        std::thread::sleep(Duration::from_millis(320));
        t.update(100, 7);
        let seen = lock(&seen);
        let done: Vec<u64> = seen.iter().map(|p| p.done_bytes).collect();
        assert_eq!(done, [0, 100, 100, 200]);
        let last = seen.last().unwrap();
        assert_eq!(
            (last.file.as_str(), last.records, last.total_bytes),
            ("b.csv", 7, 300)
        );
        // 200 of 300 bytes in ~320 ms: about 160 ms left.
        let eta = last.eta_ms.unwrap();
        assert!((100.0..400.0).contains(&eta), "{eta}");
        assert_eq!(seen[0].eta_ms, None);
    }

    #[test]
    fn one_import_at_a_time_and_cancel_reaches_it() {
        let slot = ImportSlot::default();
        assert!(!slot.cancel(), "nothing runs yet");
        let ticket = slot.start().unwrap();
        let Err(e) = slot.start() else {
            panic!("a second import was admitted")
        };
        assert_eq!(e.code(), "import_running");
        assert!(slot.cancel());
        assert!(ticket.cancel.is_cancelled());
        drop(ticket);
        assert!(!slot.cancel());
        assert!(!slot.start().unwrap().cancel.is_cancelled());
    }
}
