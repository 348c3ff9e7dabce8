//! Ordered parallel parsing: worker threads parse batches, and the results come back in the
//! order the batches were handed in (so errors and rows keep file order). One pool,
//! [`ordered_pool`], serves both ways of feeding it: [`ordered_parallel`] (CSV, NDJSON) cuts the
//! input on a thread of its own while the caller consumes; the Records.json cutter
//! (`takeout::jsonstream`) cuts and consumes in turn on the caller's thread.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::Scope;

use crate::error::Result;

/// Whether to keep reading.
#[derive(PartialEq, Eq)]
pub enum Flow {
    /// Go on.
    Continue,
    /// Stop early (sample taken, or a restart is needed).
    Stop,
}

/// How many parsing threads to use: the machine's cores, at most 8.
pub fn worker_count() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8)
}

/// The half of a pool that hands work in.
pub struct Submit<I> {
    tx: SyncSender<(usize, I)>,
    sent: usize,
    stop: Arc<AtomicBool>,
}

impl<I> Submit<I> {
    /// Hands `item` to the workers, waiting while they are all busy and the queue is full;
    /// `false` once no one takes results any more.
    pub fn send(&mut self, item: I) -> bool {
        let ok = !self.stopped() && self.tx.send((self.sent, item)).is_ok();
        self.sent += 1;
        ok
    }

    /// Whether the receiving half has gone (stop producing).
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// The half of a pool that takes results out, in the order their items went in.
pub struct Receive<O> {
    rx: Receiver<(usize, O)>,
    pending: BTreeMap<usize, O>,
    next: usize,
    stop: Arc<AtomicBool>,
}

impl<O> Receive<O> {
    /// The next result in order. With `wait`, waits for it, and `None` means every item handed
    /// in (the submitting half dropped) has been returned; without, `None` also means it is not
    /// ready yet.
    pub fn next(&mut self, wait: bool) -> Option<O> {
        loop {
            if let Some(out) = self.pending.remove(&self.next) {
                self.next += 1;
                return Some(out);
            }
            let (i, out) = if wait {
                self.rx.recv().ok()?
            } else {
                self.rx.try_recv().ok()?
            };
            self.pending.insert(i, out);
        }
    }
}

impl<O> Drop for Receive<O> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

enum Results<O> {
    Bounded(SyncSender<(usize, O)>),
    Unbounded(Sender<(usize, O)>),
}

impl<O> Results<O> {
    fn send(&self, v: (usize, O)) -> bool {
        match self {
            Results::Bounded(tx) => tx.send(v).is_ok(),
            Results::Unbounded(tx) => tx.send(v).is_ok(),
        }
    }
    fn clone(&self) -> Self {
        match self {
            Results::Bounded(tx) => Results::Bounded(tx.clone()),
            Results::Unbounded(tx) => Results::Unbounded(tx.clone()),
        }
    }
}

/// Starts `threads` threads (at least one) in `scope` that run `work` on what the [`Submit`] half hands
/// in, and return the results through the [`Receive`] half in that order.
///
/// `results_bound`: how many finished results may wait for the receiver. Bounded when another
/// thread submits (a slow receiver then holds the submitter back, so memory stays bounded);
/// `None` when the same thread submits and receives in turn (bounded results could then
/// block the workers while the thread waits to submit); at most a queue's worth is in flight.
pub fn ordered_pool<'scope, I, O, W>(
    scope: &'scope Scope<'scope, '_>,
    threads: usize,
    work: &'scope W,
    results_bound: Option<usize>,
) -> (Submit<I>, Receive<O>)
where
    I: Send + 'scope,
    O: Send + 'scope,
    W: Fn(I) -> O + Sync,
{
    let threads = threads.max(1);
    let stop = Arc::new(AtomicBool::new(false));
    let (in_tx, in_rx) = sync_channel::<(usize, I)>(threads * 2);
    let in_rx = Arc::new(Mutex::new(in_rx));
    let (out, out_rx) = match results_bound {
        Some(n) => {
            let (tx, rx) = sync_channel(n);
            (Results::Bounded(tx), rx)
        }
        None => {
            let (tx, rx) = channel();
            (Results::Unbounded(tx), rx)
        }
    };
    for _ in 0..threads {
        let (in_rx, out, stop) = (in_rx.clone(), out.clone(), stop.clone());
        scope.spawn(move || loop {
            let next = in_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
            let Ok((i, item)) = next else { break };
            // After a stop, keep draining so the submitter is never left blocked.
            if stop.load(Ordering::Relaxed) {
                continue;
            }
            if !out.send((i, work(item))) {
                stop.store(true, Ordering::Relaxed);
            }
        });
    }
    let submit = Submit {
        tx: in_tx,
        sent: 0,
        stop: stop.clone(),
    };
    let receive = Receive {
        rx: out_rx,
        pending: BTreeMap::new(),
        next: 0,
        stop,
    };
    (submit, receive)
}

/// Runs `work` over the batches `produce` yields, on worker threads, and hands each result to
/// `consume` in the order the batches were produced. `produce` runs on a thread of its own.
/// `consume` may stop early; the first error of `produce` or `consume` is returned.
pub fn ordered_parallel<I, O, P, W, C>(mut produce: P, work: W, mut consume: C) -> Result<()>
where
    I: Send,
    O: Send,
    P: FnMut() -> Result<Option<I>> + Send,
    W: Fn(I) -> O + Sync,
    C: FnMut(O) -> Result<Flow>,
{
    let threads = worker_count();
    std::thread::scope(|s| {
        let (mut submit, mut receive) = ordered_pool(s, threads, &work, Some(threads * 2));
        let producer = s.spawn(move || -> Result<()> {
            while !submit.stopped() {
                let Some(batch) = produce()? else { break };
                if !submit.send(batch) {
                    break;
                }
            }
            Ok(())
        });
        let mut result = Ok(());
        while let Some(out) = receive.next(true) {
            match consume(out) {
                Ok(Flow::Continue) => {}
                Ok(Flow::Stop) => break,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        drop(receive);
        let produced = producer
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        result.and(produced)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_arrive_in_order_and_stop_early() {
        let mut n = 0;
        let mut seen = Vec::new();
        ordered_parallel(
            || {
                n += 1;
                Ok((n <= 1000).then_some(n))
            },
            |x: i32| {
                if x % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                }
                x * 2
            },
            |y| {
                seen.push(y);
                Ok(if y >= 1000 {
                    Flow::Stop
                } else {
                    Flow::Continue
                })
            },
        )
        .unwrap();
        assert_eq!(seen, (1..=500).map(|x| x * 2).collect::<Vec<_>>());
    }

    #[test]
    fn producer_errors_surface() {
        let mut n = 0;
        let r = ordered_parallel(
            || {
                n += 1;
                if n == 5 {
                    Err(crate::LakeError::Internal("boom".into()))
                } else {
                    Ok(Some(n))
                }
            },
            |x: i32| x,
            |_| Ok(Flow::Continue),
        );
        assert!(r.is_err());
    }
}
