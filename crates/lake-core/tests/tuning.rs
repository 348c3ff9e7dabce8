//! `tune_engine_for_local_files` sets environment variables and a process flag, as `main` does
//! before any thread starts. Its own test binary, so no other test reads the environment while
//! it is written.

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
