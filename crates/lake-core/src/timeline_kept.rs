//! What the timeline counted for a dataset version (its first and last time, its rows per
//! day), kept for the process (the app zooms the same versions again and again) and in the
//! catalog (so the next process, or the next start of the app, does not scan the files again).
//! A new version has new counts: they are keyed by the version.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use polars::prelude::*;

use crate::error::{LakeError, Result};
use crate::query::chart::numbers;
use crate::Lake;

/// Which counts of which version's column.
pub(crate) struct Kept<'a> {
    pub lake: &'a Lake,
    /// `range` (first and last time, rows) or `days` (rows per day).
    pub kind: &'a str,
    pub dataset: &'a str,
    pub version: u32,
    /// The version's commit time (a dataset made again has another).
    pub created_at: &'a str,
    pub column: &'a str,
}

/// Answers kept for the process at most (then they are read from the catalog again).
const IN_MEMORY: usize = 512;

impl Kept<'_> {
    fn key(&self) -> String {
        let root = self.lake.root().display();
        let (k, d, v, c) = (self.kind, self.dataset, self.version, self.column);
        format!("{k}\0{root}\0{d}\0{v}\0{c}")
    }

    /// The counts: kept in this process, else kept in the catalog, else `count`ed now and kept
    /// in both (in the catalog when the lake can be written; a lake opened read-only counts
    /// again in each process).
    pub fn get(&self, count: impl FnOnce() -> Result<DataFrame>) -> Result<Arc<DataFrame>> {
        let map = in_process();
        let key = self.key();
        if let Some(d) = map.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(d.clone());
        }
        let of = (self.dataset, self.version, self.created_at, self.column);
        let stored = self.lake.catalog().kept_time_counts(of, self.kind)?;
        let frame = match stored.as_deref().map(decode) {
            Some(Ok(f)) => f,
            // Counted now (and a kept answer that no longer reads is replaced).
            _ => {
                let f = count()?;
                if let Ok(json) = encode(&f) {
                    // A cache: a lake that cannot be written now still answers.
                    let _ = self.lake.catalog().keep_time_counts(of, self.kind, &json);
                }
                f
            }
        };
        let f = Arc::new(frame);
        let mut m = map.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() >= IN_MEMORY {
            m.clear();
        }
        m.insert(key, f.clone());
        Ok(f)
    }
}

/// What this process keeps.
fn in_process() -> &'static Mutex<HashMap<String, Arc<DataFrame>>> {
    static KEPT: OnceLock<Mutex<HashMap<String, Arc<DataFrame>>>> = OnceLock::new();
    KEPT.get_or_init(Default::default)
}

/// A frame of counts as JSON: each column's values as numbers (times in milliseconds since
/// 1970, as the timeline reads them).
fn encode(f: &DataFrame) -> Result<String> {
    let mut cols = BTreeMap::new();
    for c in f.get_column_names() {
        cols.insert(c.to_string(), numbers(f, c)?.0);
    }
    serde_json::to_string(&cols).map_err(|e| LakeError::Internal(e.to_string()))
}

fn decode(json: &str) -> Result<DataFrame> {
    let cols: BTreeMap<String, Vec<Option<f64>>> =
        serde_json::from_str(json).map_err(|e| LakeError::Internal(e.to_string()))?;
    let columns = cols
        .into_iter()
        .map(|(name, v)| Column::new(name.into(), v))
        .collect::<Vec<_>>();
    DataFrame::new_infer_height(columns).map_err(|e| LakeError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_back_as_they_were_counted() {
        let f = df!(
            "b" => [Some(86_400_000.0), None, Some(0.0)],
            "n" => [Some(3.0), Some(1.0), Some(7.0)],
        )
        .unwrap();
        let back = decode(&encode(&f).unwrap()).unwrap();
        assert_eq!(numbers(&back, "b").unwrap().0, numbers(&f, "b").unwrap().0);
        assert_eq!(numbers(&back, "n").unwrap().0, numbers(&f, "n").unwrap().0);
        assert!(decode("{").is_err());
    }

    #[test]
    fn a_later_process_reads_the_counts_from_the_catalog() {
        use crate::ingest::Mode;
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        let csv = "ts,v\n2024-01-01T10:00:00Z,1\n2024-01-02T10:00:00Z,2\n2024-01-02T11:00:00Z,3\n";
        crate::test_util::import_csv(&lake, dir.path(), "t.csv", "t", csv, Mode::Replace);
        let s = crate::timeline::sources(&lake).unwrap();
        assert_eq!(s[0].rows, 3);
        let of = ("t", 1, s[0].created_at.as_str(), "ts");
        let kept = lake.catalog().kept_time_counts(of, "range").unwrap();
        assert!(kept.is_some_and(|k| k.contains("\"n\":[3.0]")));
        // What the catalog keeps is what a new process reads: changed there, it shows.
        let json = r#"{"hi":[1704189600000.0],"lo":[1704103200000.0],"n":[42.0]}"#;
        lake.catalog().keep_time_counts(of, "range", json).unwrap();
        in_process().lock().unwrap().clear();
        assert_eq!(crate::timeline::sources(&lake).unwrap()[0].rows, 42);
        // A new version is counted again.
        let more = "ts,v\n2024-01-03T10:00:00Z,4\n";
        crate::test_util::import_csv(&lake, dir.path(), "u.csv", "t", more, Mode::Append);
        assert_eq!(crate::timeline::sources(&lake).unwrap()[0].rows, 4);
    }
}
