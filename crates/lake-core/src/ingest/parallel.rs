//! Ordered parallel parsing: one thread cuts the input into batches, worker threads parse them,
//! and the caller receives the results in input order (so errors and rows keep file order).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::Mutex;

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

/// Runs `work` over the batches `produce` yields, on worker threads, and hands each result to
/// `consume` in the order the batches were produced. `consume` may stop early; the first error
/// of `produce` or `consume` is returned.
pub fn ordered_parallel<I, O, P, W, C>(mut produce: P, work: W, mut consume: C) -> Result<()>
where
    I: Send,
    O: Send,
    P: FnMut() -> Result<Option<I>> + Send,
    W: Fn(I) -> O + Sync,
    C: FnMut(O) -> Result<Flow>,
{
    let threads = worker_count();
    let stop = AtomicBool::new(false);
    let (in_tx, in_rx) = sync_channel::<(usize, I)>(threads * 2);
    let in_rx = Mutex::new(in_rx);
    let (out_tx, out_rx) = sync_channel::<(usize, O)>(threads * 2);
    std::thread::scope(|s| {
        let stop = &stop;
        let producer = s.spawn(move || -> Result<()> {
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                match produce()? {
                    Some(batch) => {
                        if in_tx.send((i, batch)).is_err() {
                            break;
                        }
                        i += 1;
                    }
                    None => break,
                }
            }
            Ok(())
        });
        for _ in 0..threads {
            let out_tx = out_tx.clone();
            let (in_rx, work) = (&in_rx, &work);
            s.spawn(move || loop {
                let next = in_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                let Ok((i, batch)) = next else { break };
                // After a stop, keep draining so the producer is never left blocked.
                if stop.load(Ordering::Relaxed) {
                    continue;
                }
                if out_tx.send((i, work(batch))).is_err() {
                    stop.store(true, Ordering::Relaxed);
                }
            });
        }
        drop(out_tx);
        let mut pending = BTreeMap::new();
        let mut next = 0usize;
        let mut result = Ok(());
        'receive: for (i, out) in out_rx.iter() {
            pending.insert(i, out);
            while let Some(out) = pending.remove(&next) {
                next += 1;
                match consume(out) {
                    Ok(Flow::Continue) => {}
                    Ok(Flow::Stop) => break 'receive,
                    Err(e) => {
                        result = Err(e);
                        break 'receive;
                    }
                }
            }
        }
        stop.store(true, Ordering::Relaxed);
        drop(out_rx);
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
