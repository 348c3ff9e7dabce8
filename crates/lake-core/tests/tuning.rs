//! How the engine uses this process's memory. `tune_engine_for_local_files` sets environment
//! variables and a process flag, as `main` does before any thread starts; and Polars' shared
//! buffer of zeroes is made once per process. Their own test binary, so no other test reads the
//! environment while it is written, or makes that buffer first.

use lake_core::query::tune_engine_for_local_files;

#[cfg(target_os = "linux")]
#[test]
fn tuning_turns_transparent_huge_pages_off() {
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
        return; // the user's choice wins; nothing to check
    }
    tune_engine_for_local_files();
    // SAFETY: reads a flag of this process.
    let disabled = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
    assert_eq!(disabled, 1);
    assert!(std::env::var("POLARS_ROW_GROUP_PREFETCH_SIZE").is_ok());
}

/// This process's resident memory, in bytes, and the part of it that is anonymous.
#[cfg(target_os = "linux")]
fn resident() -> (usize, usize) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib = |key: &str| -> usize {
        let line = status.lines().find(|l| l.starts_with(key)).unwrap();
        line.split_whitespace()
            .nth(1)
            .unwrap()
            .parse::<usize>()
            .unwrap()
            * 1024
    };
    (kib("VmRSS:"), kib("RssAnon:"))
}

/// Polars backs every buffer of zeroes up to 8 MiB (validity masks, null columns) with one shared
/// buffer. It must take no resident memory, even once read (vendor/polars/VENDORED.md, change
/// 4): every query held those 8 MiB before. The only test here that builds columns, so the
/// shared buffer is first made here.
#[cfg(target_os = "linux")]
#[test]
fn shared_zeroes_take_no_resident_memory() {
    use polars::prelude::*;
    let (rss, anon) = resident();
    // 60 million rows: a values and a validity bitmap of 7.5 MiB each, both shared zeroes.
    let column = BooleanChunked::full_null("nothing".into(), 60_000_000);
    let array = column.downcast_iter().next().unwrap();
    // Reads every byte of the values.
    let (bytes, offset, len) = array.values().as_slice();
    assert_eq!((offset, len), (0, 60_000_000));
    assert_eq!(
        bytes.iter().map(|b| b.count_ones() as usize).sum::<usize>(),
        0
    );
    let (rss_after, anon_after) = resident();
    let grown = rss_after
        .saturating_sub(rss)
        .max(anon_after.saturating_sub(anon));
    assert!(
        grown < 3 << 20,
        "resident memory grew by {} KiB",
        grown >> 10
    );
}
