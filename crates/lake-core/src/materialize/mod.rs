//! Derived datasets: a query's answer kept in the lake as a dataset version that records its
//! query and the input versions it read (`lake create NAME AS SELECT ...`), and made again when
//! an input has a newer version (`lake refresh NAME`). Until then it is stale, and says so.

use crate::catalog::lineage::{Derivation, InputVersion};
use crate::error::{LakeError, Result};
use crate::query::{collect_cancellable, prepare, QueryOptions};
use crate::storage::{validate_dataset_name, CommittedVersion, ParquetSink, StagedVersion};
use crate::Lake;

pub mod rollup;
mod rollup_tests;

/// Rows per Parquet file of a derived dataset.
const ROWS_PER_FILE: u64 = 1_000_000;

/// An input with a newer version than the derived dataset read.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewerInput {
    /// The input dataset.
    pub dataset: String,
    /// The version the derived dataset read.
    pub read: u32,
    /// Its current version.
    pub current: u32,
}

/// Whether a derived dataset is up to date with its inputs.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Freshness {
    /// How its current version was made.
    pub derivation: Derivation,
    /// The inputs that have changed since (empty when fresh).
    pub newer: Vec<NewerInput>,
}

/// Strips a leading `AS` (`lake create NAME AS SELECT ...`).
pub(crate) fn query_text(sql: &str) -> &str {
    let t = sql.trim_start();
    match t.get(..3) {
        Some(a) if a.eq_ignore_ascii_case("as ") || a.eq_ignore_ascii_case("as\n") => {
            t[3..].trim_start()
        }
        _ => t,
    }
}

/// Runs `sql` and keeps its answer as a new version of the derived dataset `name`, recording
/// the query and the versions it read. `name` must be new or a derived dataset already (an
/// imported dataset is never replaced by a query).
pub fn create(lake: &Lake, name: &str, sql: &str, opts: &QueryOptions) -> Result<CommittedVersion> {
    validate_dataset_name(name)?;
    let sql = query_text(sql);
    let current = lake.catalog().dataset(name)?;
    if let Some(current) = current {
        if lake.catalog().derivation_of(current.version_id)?.is_none() {
            return Err(LakeError::bad_input(
                "lake create",
                None,
                format!(
                    "{name} is an imported dataset; a query's answer cannot replace it: choose \
                     another name"
                ),
            ));
        }
    }
    let prepared = prepare(lake, sql)?;
    if prepared.explain.is_some() {
        return Err(LakeError::RejectedStatement(
            "a derived dataset is made by a SELECT, not an EXPLAIN".into(),
        ));
    }
    if prepared.inputs.iter().any(|i| i.dataset == name) {
        return Err(LakeError::bad_input(
            "lake create",
            None,
            format!("{name} cannot be made from itself; read other datasets"),
        ));
    }
    let inputs = prepared.inputs.clone();
    let frame = collect_cancellable(prepared.frame, opts)?;
    keep_frame(lake, name, sql, inputs, frame)
}

/// Writes `frame` as a new version of the derived dataset `name`, made by `sql` from `inputs`.
pub(crate) fn keep_frame(
    lake: &Lake,
    name: &str,
    sql: &str,
    inputs: Vec<InputVersion>,
    frame: polars::prelude::DataFrame,
) -> Result<CommittedVersion> {
    // Taken after the query ran: a Cancel of the query is then not held back by the lock's
    // abort shield. The derivation records the versions the query read, whatever was
    // committed meanwhile.
    let lock = lake.try_write_lock()?;
    let staging = lake.new_staging()?;
    let mut sink = ParquetSink::new(staging.path(), "part", ROWS_PER_FILE);
    sink.write(frame)?;
    let schema = sink.column_defs();
    let staged = StagedVersion {
        dataset: name.to_string(),
        append: false,
        schema,
        files: sink.finish()?,
        sources: Vec::new(),
        derivation: Some(Derivation {
            sql: sql.trim().to_string(),
            inputs,
        }),
        carry: None,
    };
    let names: Vec<String> = staged.schema.iter().map(|c| c.name.clone()).collect();
    let read = staged
        .derivation
        .as_ref()
        .map(|d| d.inputs.clone())
        .unwrap_or_default();
    let committed = lake.commit_version(&lock, staged)?;
    drop(staging);
    crate::spatial::index::index_new_versions(lake, &lock, &[name.to_string()])?;
    // Personal data stays tagged (and masked) in what is made from it.
    crate::pii::inherit_tags(lake, name, sql, &read, &names)?;
    Ok(committed)
}

/// Whether the derived dataset `name` is fresh; `None` for an imported dataset.
pub fn freshness(lake: &Lake, name: &str) -> Result<Option<Freshness>> {
    let cat = lake.catalog();
    let Some(derivation) = cat.current_derivation(name)? else {
        return Ok(None);
    };
    let newer = cat
        .newer_inputs(&derivation.inputs)?
        .into_iter()
        .map(|(dataset, read, current)| NewerInput {
            dataset,
            read,
            current,
        })
        .collect();
    Ok(Some(Freshness { derivation, newer }))
}

/// What `refresh` did.
#[derive(Debug, Clone, PartialEq)]
pub enum Refreshed {
    /// Every input is at the version it read: nothing to do.
    Fresh,
    /// Made again: the new version, the inputs that had changed, and how.
    Made(u32, Vec<NewerInput>, How),
}

/// How a refresh made the new version.
#[derive(Debug, Clone, PartialEq)]
pub enum How {
    /// Only the buckets the source's appended rows touch ([`crate::rollup`]).
    Incremental(rollup::Incremental),
    /// The whole query again, and why it could not be less.
    Full(String),
}

/// Runs a derived dataset's query again if an input has a newer version.
pub fn refresh(lake: &Lake, name: &str, opts: &QueryOptions) -> Result<Refreshed> {
    let Some(f) = freshness(lake, name)? else {
        return Err(LakeError::bad_input(
            "lake refresh",
            None,
            format!("{name} was imported, not made by a query; import its files again instead"),
        ));
    };
    if f.newer.is_empty() {
        return Ok(Refreshed::Fresh);
    }
    let why = match rollup::incremental(lake, name, &f.derivation, opts) {
        Ok(Ok((made, done))) => {
            return Ok(Refreshed::Made(
                made.version,
                f.newer,
                How::Incremental(done),
            ));
        }
        Ok(Err(why)) => why,
        // A stop is a stop; any other failure of the shortcut leaves the full way.
        Err(e) if e.code() == crate::ErrorCode::Cancelled => return Err(e),
        Err(e) => format!("the incremental refresh failed ({e})"),
    };
    let made = create(lake, name, &f.derivation.sql, opts)?;
    Ok(Refreshed::Made(made.version, f.newer, How::Full(why)))
}

/// The inputs of a derivation as `people v2, places v1`.
pub fn inputs_text(inputs: &[InputVersion]) -> String {
    inputs
        .iter()
        .map(|i| format!("{} v{}", i.dataset, i.version))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::run_query;

    fn import(lake: &Lake, dir: &std::path::Path, name: &str, text: &str) {
        let file = format!("{name}.csv");
        crate::test_util::import_csv(lake, dir, &file, name, text, crate::ingest::Mode::Replace);
    }

    fn csv(lake: &Lake, sql: &str) -> String {
        let out = run_query(lake, sql, &QueryOptions::default()).unwrap();
        let mut buf = Vec::new();
        crate::query::output::write_frame(
            &out.frame,
            crate::query::output::OutputFormat::Csv,
            &mut buf,
        )
        .unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn derived_datasets_record_their_query_go_stale_and_refresh() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        import(
            &lake,
            dir.path(),
            "people",
            "id,city\n1,Paris\n2,Berlin\n3,Paris\n",
        );
        let opts = QueryOptions::default();
        let sql = "AS SELECT city, count(*) AS n FROM people GROUP BY city ORDER BY city";
        let v = create(&lake, "by_city", sql, &opts).unwrap();
        assert_eq!((v.version, v.rows), (1, 2));
        assert_eq!(
            csv(&lake, "SELECT * FROM by_city ORDER BY city"),
            "city,n\nBerlin,1\nParis,2\n"
        );
        let f = freshness(&lake, "by_city").unwrap().unwrap();
        assert_eq!(
            f.derivation.sql,
            "SELECT city, count(*) AS n FROM people GROUP BY city ORDER BY city"
        );
        assert_eq!(
            f.derivation.inputs,
            [InputVersion {
                dataset: "people".into(),
                version: 1,
                pinned: false
            }]
        );
        assert!(f.newer.is_empty());
        assert_eq!(refresh(&lake, "by_city", &opts).unwrap(), Refreshed::Fresh);

        // A new version of the input makes it stale; refresh makes it again from that.
        import(&lake, dir.path(), "people", "id,city\n1,Paris\n2,Rome\n");
        let f = freshness(&lake, "by_city").unwrap().unwrap();
        assert_eq!(
            f.newer,
            [NewerInput {
                dataset: "people".into(),
                read: 1,
                current: 2
            }]
        );
        assert_eq!(
            csv(&lake, "SELECT * FROM by_city ORDER BY city"),
            "city,n\nBerlin,1\nParis,2\n"
        );
        let r = refresh(&lake, "by_city", &opts).unwrap();
        assert_eq!(
            r,
            Refreshed::Made(
                2,
                f.newer.clone(),
                How::Full(
                    "not a rollup: it has no time_bucket(…) or date_trunc(…) in both its \
                           SELECT list and GROUP BY"
                        .into()
                )
            )
        );
        assert_eq!(
            csv(&lake, "SELECT * FROM by_city ORDER BY city"),
            "city,n\nParis,1\nRome,1\n"
        );
        assert!(freshness(&lake, "by_city")
            .unwrap()
            .unwrap()
            .newer
            .is_empty());
        // The first version still reads what it was (time travel works on derived data too).
        assert_eq!(
            csv(&lake, "SELECT count(*) AS k FROM by_city VERSION AS OF 1"),
            "k\n2\n"
        );
        // An input read by time travel is pinned: its newer versions do not make it stale.
        create(
            &lake,
            "first",
            "SELECT count(*) AS k FROM people VERSION AS OF 1",
            &opts,
        )
        .unwrap();
        let f = freshness(&lake, "first").unwrap().unwrap();
        assert!(f.derivation.inputs[0].pinned);
        assert!(f.newer.is_empty());
        assert_eq!(refresh(&lake, "first", &opts).unwrap(), Refreshed::Fresh);
        // A restore of version 1 brings back its derivation: it is stale again.
        let lock = lake.try_write_lock().unwrap();
        lake.restore(&lock, "by_city", 1).unwrap();
        drop(lock);
        assert_eq!(freshness(&lake, "by_city").unwrap().unwrap().newer.len(), 1);

        // What is refused, and why.
        let e = create(&lake, "people", "SELECT 1 AS x", &opts).unwrap_err();
        assert!(e.to_string().contains("imported dataset"), "{e}");
        let e = create(&lake, "loop", "SELECT * FROM by_city", &opts).map(|_| ());
        assert!(e.is_ok());
        let e = create(&lake, "loop", "SELECT * FROM loop", &opts).unwrap_err();
        assert!(e.to_string().contains("from itself"), "{e}");
        let e = refresh(&lake, "people", &opts).unwrap_err();
        assert!(e.to_string().contains("was imported"), "{e}");
        let e = create(&lake, "x", "EXPLAIN SELECT * FROM people", &opts).unwrap_err();
        assert!(e.to_string().contains("not an EXPLAIN"), "{e}");
        assert!(create(&lake, "../x", "SELECT 1 AS x", &opts).is_err());
        // An empty answer is still a dataset with columns.
        let v = create(&lake, "none", "SELECT * FROM people WHERE id > 99", &opts).unwrap();
        assert_eq!(v.rows, 0);
        assert_eq!(csv(&lake, "SELECT count(*) AS k FROM none"), "k\n0\n");
    }
}
