//! The process's memory and CPU, read from `/proc` on Linux (elsewhere: unknown, `None`).
//!
//! A query's or an import's peak memory is the process's peak resident set while it ran: the
//! kernel's high-water mark is reset when the work starts (`/proc/self/clear_refs`) and read
//! when it ends. When two pieces of work overlap, only the first resets it, so the later one
//! reports the peak of both (an upper bound).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Work measured right now.
static WATCHING: AtomicUsize = AtomicUsize::new(0);
/// Whether the last reset of the high-water mark worked.
static RESETS: AtomicBool = AtomicBool::new(false);

/// Measures the peak resident memory of the work it lives through.
pub struct PeakWatch {
    known: bool,
}

impl PeakWatch {
    /// Starts measuring (resets the high-water mark when no other work is measured).
    pub fn start() -> PeakWatch {
        let first = WATCHING.fetch_add(1, Ordering::SeqCst) == 0;
        if first {
            RESETS.store(reset_peak(), Ordering::SeqCst);
        }
        PeakWatch {
            known: RESETS.load(Ordering::SeqCst),
        }
    }

    /// The peak since [`PeakWatch::start`], in bytes; `None` where it cannot be known (no
    /// `/proc`, or the mark cannot be reset and would be the whole process's peak).
    pub fn peak_bytes(&self) -> Option<u64> {
        if !self.known {
            return None;
        }
        status_kb("VmHWM:").map(|kb| kb * 1024)
    }
}

impl Drop for PeakWatch {
    fn drop(&mut self) {
        WATCHING.fetch_sub(1, Ordering::SeqCst);
    }
}

fn reset_peak() -> bool {
    #[cfg(target_os = "linux")]
    {
        std::fs::write("/proc/self/clear_refs", b"5").is_ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// A `kB` line of `/proc/self/status`.
fn status_kb(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The process's resident memory now, in bytes.
pub fn rss_bytes() -> Option<u64> {
    status_kb("VmRSS:").map(|kb| kb * 1024)
}

/// CPU time the process has used (user and system), in seconds.
pub fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / clock_ticks())
}

fn clock_ticks() -> f64 {
    // USER_HZ is 100 on every Linux architecture the app is built for.
    100.0
}

/// Samples CPU use between calls: percent of one core since the last sample.
#[derive(Debug, Default)]
pub struct CpuMeter {
    last: Option<(std::time::Instant, f64)>,
}

impl CpuMeter {
    /// CPU percent since the last call (`None` on the first, or without `/proc`).
    pub fn sample(&mut self) -> Option<f64> {
        let now = (std::time::Instant::now(), cpu_seconds()?);
        let pct = self.last.map(|(t, c)| {
            let wall = now.0.duration_since(t).as_secs_f64();
            if wall > 0.0 {
                ((now.1 - c) / wall * 100.0).max(0.0)
            } else {
                0.0
            }
        });
        self.last = Some(now);
        pct
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn memory_and_cpu_are_read_from_proc() {
        let rss = rss_bytes().unwrap();
        assert!(rss > 1 << 20, "{rss}");
        let mut m = CpuMeter::default();
        assert_eq!(m.sample(), None);
        let t = std::time::Instant::now();
        let mut x = 0u64;
        while t.elapsed().as_millis() < 300 {
            x = x.wrapping_mul(31).wrapping_add(7);
        }
        std::hint::black_box(x);
        let pct = m.sample().unwrap();
        // A busy loop on this thread: most of a core (other tests may add more).
        assert!(pct > 30.0, "{pct}");
    }

    #[test]
    fn the_peak_covers_what_the_work_allocated() {
        let w = PeakWatch::start();
        let before = rss_bytes().unwrap();
        let v = std::hint::black_box(vec![1u8; 64 << 20]);
        drop(v);
        let peak = w.peak_bytes().unwrap();
        assert!(peak >= before + (60 << 20), "peak {peak}, before {before}");
    }
}
