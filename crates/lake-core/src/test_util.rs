//! Helpers the unit tests share: importing a CSV text into a real lake, reading a query's
//! first value and a column of integers.

use std::path::Path;

use crate::ingest::{import_paths, CancelToken, ImportOptions, Mode, NoProgress};
use crate::query::{run_query, QueryOptions};
use crate::{Lake, Result};

/// Writes `text` to `dir/file` and imports it as dataset `name` (`mode`), asserting it went
/// in; waits 5 ms so the next version's commit time differs.
pub fn import_csv(lake: &Lake, dir: &Path, file: &str, name: &str, text: &str, mode: Mode) {
    let p = dir.join(file);
    std::fs::write(&p, text).unwrap();
    let opts = ImportOptions {
        name: Some(name.into()),
        mode,
        ..Default::default()
    };
    let r = import_paths(lake, &[p], &opts, &NoProgress, &CancelToken::new()).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    std::thread::sleep(std::time::Duration::from_millis(5));
}

/// The first column of the first row of `sql`'s answer, as an integer.
pub fn first_i64(lake: &Lake, sql: &str) -> Result<i64> {
    let out = run_query(lake, sql, &QueryOptions::default())?;
    let c = out.frame.columns()[0]
        .cast(&polars::prelude::DataType::Int64)
        .unwrap();
    Ok(c.i64().unwrap().get(0).unwrap())
}

/// Column `name` of `frame` as integers (its NULLs left out).
pub fn i64s(frame: &polars::prelude::DataFrame, name: &str) -> Vec<i64> {
    let c = frame
        .column(name)
        .unwrap()
        .cast(&polars::prelude::DataType::Int64)
        .unwrap();
    c.i64().unwrap().into_no_null_iter().collect()
}
