//! Retention: a policy per dataset, "keep the last N days of its time column", kept as a lake
//! setting (`retention:<dataset>`, so setting it is audited). Applying it makes a new version
//! without the rows older than the cutoff:
//! - files whose statistics say every row is older are left out, without reading them;
//! - files whose rows are all within the policy are carried over as they are (no copy);
//! - only the files that straddle the cutoff are read and written again, filtered.
//!
//! Rows without a time are kept. The old versions stay readable and restorable until a vacuum
//! removes them. `plan` says what `apply` would do; `apply` takes that plan and refuses when
//! the dataset changed since, so what a user confirmed is exactly what happens.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::catalog::DatasetVersion;
use crate::error::{LakeError, Result};
use crate::quality::ident;
use crate::query::bind::SimplePredicate;
use crate::query::{collect_cancellable, prepare_over, QueryOptions};
use crate::storage::{CommittedVersion, ParquetSink, StagedVersion};
use crate::Lake;

const PREFIX: &str = "retention:";
const ROWS_PER_FILE: u64 = 1_000_000;
/// A century: more is surely a mistake (and beyond the calendar's arithmetic).
const MAX_DAYS: u32 = 36_500;

/// A dataset's retention policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Policy {
    /// The dataset.
    pub dataset: String,
    /// Its time column.
    pub column: String,
    /// Days of rows kept, counted back from now.
    pub keep_days: u32,
}

/// What applying a policy would do now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RetentionPlan {
    /// The policy.
    pub policy: Policy,
    /// Rows older than this are removed (RFC 3339, UTC; a date for a date column).
    pub cutoff: String,
    /// The version it was planned on.
    pub version: u32,
    /// Its rows.
    pub rows: u64,
    /// Rows to remove.
    pub rows_removed: u64,
    /// Files left out whole, carried over, and written again without their old rows.
    pub files_removed: u32,
    /// Files carried over as they are.
    pub files_kept: u32,
    /// Files written again.
    pub files_rewritten: u32,
}

fn bad(message: String) -> LakeError {
    LakeError::bad_input("retention", None, message)
}

/// The time column of `d` named `column`, or its `ts`, or its first time column.
fn time_column(d: &DatasetVersion, column: Option<&str>) -> Result<(String, bool)> {
    let c = match column {
        Some(c) => d.schema.iter().find(|x| x.name == c),
        None => crate::catalog::ColumnDef::time_column(&d.schema),
    };
    match c {
        Some(c) if c.is_time() => Ok((c.name.clone(), c.dtype == "date")),
        Some(c) => Err(bad(format!(
            "{}.{} holds {}, not times; name a timestamp or date column",
            d.name, c.name, c.dtype
        ))),
        None => Err(bad(format!(
            "{} has no {}; name its time column with --column",
            d.name,
            column.map_or("time column".to_string(), |c| format!("column {c}"))
        ))),
    }
}

/// Sets `dataset`'s policy: keep `keep_days` days of `column` (its time column by default).
pub fn set(lake: &Lake, dataset: &str, column: Option<&str>, keep_days: u32) -> Result<Policy> {
    let d = lake.catalog().require_dataset(dataset)?;
    if keep_days == 0 || keep_days > MAX_DAYS {
        return Err(bad(format!("keep from 1 to {MAX_DAYS} days")));
    }
    if lake.catalog().derivation_of(d.version_id)?.is_some() {
        return Err(bad(format!(
            "{} is made by a query (`lake refresh` makes it again from its inputs); set the \
             policy on the datasets it reads",
            d.name
        )));
    }
    let (column, _) = time_column(&d, column)?;
    let p = Policy {
        dataset: d.name.clone(),
        column,
        keep_days,
    };
    let value = serde_json::to_string(&p).expect("serializes");
    lake.catalog()
        .set_setting(&format!("{PREFIX}{}", d.name), &value)?;
    Ok(p)
}

/// Removes `dataset`'s policy; false when it had none.
pub fn remove(lake: &Lake, dataset: &str) -> Result<bool> {
    let key = format!("{PREFIX}{dataset}");
    let had = lake.catalog().setting(&key)?.is_some_and(|v| !v.is_empty());
    if had {
        lake.catalog().set_setting(&key, "")?;
    }
    Ok(had)
}

/// Every policy, by dataset.
pub fn list(lake: &Lake) -> Result<Vec<Policy>> {
    let kept = lake.catalog().settings_with_prefix(PREFIX)?;
    Ok(kept
        .into_iter()
        .filter_map(|(_, v)| serde_json::from_str(&v).ok())
        .collect())
}

/// The cutoff `keep_days` before now, as the lake's SQL compares it with `date` or times.
fn cutoff(keep_days: u32, date: bool) -> String {
    let t = chrono::Utc::now() - chrono::Duration::days(keep_days.min(MAX_DAYS) as i64);
    match date {
        true => t.format("%Y-%m-%d").to_string(),
        false => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
    }
}

/// Which files of `d` hold only old rows, only kept rows, or both (by their statistics).
fn sort_files(
    d: &DatasetVersion,
    column: &str,
    cutoff: &str,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let pred = |op| SimplePredicate {
        column: column.to_string(),
        op,
        value: serde_json::Value::String(cutoff.to_string()),
    };
    let (older, newer) = (pred("<"), pred(">="));
    let (mut removed, mut kept, mut rewritten) = (Vec::new(), Vec::new(), Vec::new());
    for f in &d.files {
        let nulls = f
            .stats
            .iter()
            .find(|s| s.column == column)
            .is_none_or(|s| s.null_count > 0);
        let has_old = f.rows > 0 && crate::query::file_may_match(f, std::slice::from_ref(&older));
        let has_new = crate::query::file_may_match(f, std::slice::from_ref(&newer));
        let to = match (has_old, has_new || nulls) {
            (false, _) => &mut kept,
            (true, false) => &mut removed,
            (true, true) => &mut rewritten,
        };
        to.push(f.path.clone());
    }
    (removed, kept, rewritten)
}

/// What applying `dataset`'s policy would do now.
pub fn plan(lake: &Lake, dataset: &str) -> Result<RetentionPlan> {
    let policy = list(lake)?
        .into_iter()
        .find(|p| p.dataset == dataset)
        .ok_or_else(|| {
            bad(format!(
                "{dataset} has no retention policy; set one with `lake retention set {dataset} \
                 --keep 90d`"
            ))
        })?;
    let d = lake.catalog().require_dataset(dataset)?;
    let (column, date) = time_column(&d, Some(&policy.column))?;
    let cutoff = cutoff(policy.keep_days, date);
    let (removed, kept, rewritten) = sort_files(&d, &column, &cutoff);
    let lit = literal(&cutoff, date);
    let sql = format!(
        "SELECT count(*) AS n FROM {} WHERE {} < {lit}",
        ident(&d.name),
        ident(&column)
    );
    let out = crate::query::run_unlogged(lake, &sql, &QueryOptions::default())?;
    let n = crate::query::chart::numbers(&out.frame, "n")?.0;
    Ok(RetentionPlan {
        policy,
        cutoff,
        version: d.version,
        rows: d.rows,
        rows_removed: n.first().copied().flatten().unwrap_or(0.0) as u64,
        files_removed: removed.len() as u32,
        files_kept: kept.len() as u32,
        files_rewritten: rewritten.len() as u32,
    })
}

fn literal(cutoff: &str, date: bool) -> String {
    match date {
        true => format!("DATE '{cutoff}'"),
        false => format!("'{cutoff}'"),
    }
}

/// Applies `plan` (made by [`plan`]): a new version without the rows older than its cutoff;
/// `None` when it has none to remove. Refused when the dataset has a newer version than the
/// one planned on.
pub fn apply(
    lake: &Lake,
    plan: &RetentionPlan,
    opts: &QueryOptions,
) -> Result<Option<CommittedVersion>> {
    let name = &plan.policy.dataset;
    let d = lake.catalog().require_dataset(name)?;
    if d.version != plan.version {
        return Err(bad(format!(
            "{name} has changed since the preview (version {} now, {} then); preview again",
            d.version, plan.version
        )));
    }
    // A plan handed back (by the app's page) never removes more than the policy allows now.
    let stored = list(lake)?.into_iter().find(|p| &p.dataset == name);
    if stored.as_ref() != Some(&plan.policy) {
        return Err(bad(format!(
            "{name}'s retention policy has changed since the preview; preview again"
        )));
    }
    let (column, date) = time_column(&d, Some(&plan.policy.column))?;
    // The cutoff is read as an instant (or a day), checked, and written again by the lake: the
    // text handed back never reaches the SQL.
    let allowed = cutoff(plan.policy.keep_days, date);
    let read = match date {
        true => chrono::NaiveDate::parse_from_str(&plan.cutoff, "%Y-%m-%d")
            .ok()
            .map(|d| d.format("%Y-%m-%d").to_string()),
        false => chrono::NaiveDateTime::parse_from_str(&plan.cutoff, "%Y-%m-%dT%H:%M:%S%.3fZ")
            .ok()
            .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
    };
    let cut = match read {
        Some(c) if c == plan.cutoff && c <= allowed => c,
        _ => {
            return Err(bad(format!(
                "the cutoff {} is not one {} days ago; preview again",
                plan.cutoff, plan.policy.keep_days
            )))
        }
    };
    let (removed, kept, rewritten) = sort_files(&d, &column, &cut);
    if plan.rows_removed == 0 && removed.is_empty() {
        return Ok(None);
    }
    let staging = lake.new_staging()?;
    let mut sink = ParquetSink::new(staging.path(), "part", ROWS_PER_FILE);
    if !rewritten.is_empty() {
        let only: HashSet<String> = rewritten.iter().cloned().collect();
        let col = ident(&column);
        let sql = format!(
            "SELECT * FROM {} WHERE {col} >= {} OR {col} IS NULL",
            ident(name),
            literal(&cut, date)
        );
        let prepared = prepare_over(lake, &sql, &only)?;
        sink.write(collect_cancellable(prepared.frame, opts)?)?;
    } else if kept.is_empty() {
        // Every row is older: the version still has its columns, in a file without rows.
        let first = removed.iter().map(String::as_str).take(1);
        let empty = lake
            .scan_files(first)?
            .and_then(|lf| lf.limit(0).collect())
            .map_err(|e| LakeError::QueryFailed(format!("reading {name}'s columns: {e}")))?;
        sink.write(empty)?;
    }
    let lock = lake.try_write_lock()?;
    if lake.catalog().require_dataset(name)?.version != plan.version {
        return Err(bad(format!(
            "{name} changed while its old rows were being removed; preview again"
        )));
    }
    let staged = StagedVersion {
        dataset: name.clone(),
        append: true,
        schema: d.schema.clone(),
        files: sink.finish()?,
        sources: Vec::new(),
        derivation: None,
        carry: Some(kept),
    };
    let committed = lake.commit_version(&lock, staged)?;
    drop(staging);
    crate::spatial::index::index_new_versions(lake, &lock, std::slice::from_ref(name))?;
    Ok(Some(committed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Mode;
    use crate::test_util::{first_i64, import_csv};

    fn ago(days: i64) -> String {
        (chrono::Utc::now() - chrono::Duration::days(days))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    }

    #[test]
    fn old_rows_leave_in_a_new_version_reading_only_the_straddling_files() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        let p = dir.path();
        let all_old = format!("ts,v\n{},1\n{},2\n", ago(200), ago(150));
        let both = format!("ts,v\n{},3\n{},4\n,5\n", ago(100), ago(10));
        let all_new = format!("ts,v\n{},6\n", ago(1));
        import_csv(&lake, p, "a.csv", "ev", &all_old, Mode::Replace);
        import_csv(&lake, p, "b.csv", "ev", &both, Mode::Append);
        import_csv(&lake, p, "c.csv", "ev", &all_new, Mode::Append);
        let e = plan(&lake, "ev").unwrap_err();
        assert!(e.to_string().contains("lake retention set ev"), "{e}");
        let e = set(&lake, "ev", Some("v"), 30).unwrap_err();
        assert!(e.to_string().contains("not times"), "{e}");
        assert_eq!(set(&lake, "ev", None, 30).unwrap().column, "ts");
        let e = set(&lake, "ev", None, 40_000).unwrap_err();
        assert!(e.to_string().contains("from 1 to 36500 days"), "{e}");
        crate::materialize::create(&lake, "made", "SELECT * FROM ev", &QueryOptions::default())
            .unwrap();
        let e = set(&lake, "made", None, 30).unwrap_err();
        assert!(e.to_string().contains("made by a query"), "{e}");
        assert_eq!(list(&lake).unwrap().len(), 1);

        let pl = plan(&lake, "ev").unwrap();
        assert_eq!((pl.version, pl.rows, pl.rows_removed), (3, 6, 3));
        assert_eq!(
            (pl.files_removed, pl.files_kept, pl.files_rewritten),
            (1, 1, 1)
        );
        let v = apply(&lake, &pl, &QueryOptions::default())
            .unwrap()
            .unwrap();
        assert_eq!((v.version, v.rows, v.files), (4, 3, 2));
        let sum = |sql: &str| first_i64(&lake, sql).unwrap();
        assert_eq!(sum("SELECT sum(v) FROM ev"), 4 + 5 + 6);
        // The old version stays readable (and restorable) until a vacuum.
        assert_eq!(sum("SELECT count(*) FROM ev VERSION AS OF 3"), 6);
        let modes: Vec<(u32, String)> = lake
            .catalog()
            .versions("ev")
            .unwrap()
            .into_iter()
            .map(|v| (v.version, v.mode))
            .collect();
        assert!(modes.contains(&(4, "retention".into())), "{modes:?}");
        // Nothing older now: nothing to do.
        let again = plan(&lake, "ev").unwrap();
        assert_eq!(again.rows_removed, 0);
        assert!(apply(&lake, &again, &QueryOptions::default())
            .unwrap()
            .is_none());
        // A plan made before a new version is refused: what was confirmed is what happens.
        import_csv(
            &lake,
            p,
            "d.csv",
            "ev",
            &format!("ts,v\n{},7\n", ago(400)),
            Mode::Append,
        );
        let e = apply(&lake, &again, &QueryOptions::default()).unwrap_err();
        assert!(e.to_string().contains("changed since the preview"), "{e}");
        // A plan with a later cutoff than the policy allows (a page's forgery) is refused.
        let mut forged = plan(&lake, "ev").unwrap();
        forged.cutoff = ago(-1);
        let e = apply(&lake, &forged, &QueryOptions::default()).unwrap_err();
        assert!(e.to_string().contains("is not one 30 days ago"), "{e}");
        for text in [
            "2000-01-01' AND 1=0 --xx",
            "2025-05-10 23:59:59-2300",
            "2000-01-01T00:00:00.000Z ",
        ] {
            forged.cutoff = text.into();
            let e = apply(&lake, &forged, &QueryOptions::default()).unwrap_err();
            assert!(
                e.to_string().contains("is not one 30 days ago"),
                "{text}: {e}"
            );
        }
        // Rows without a time stay.
        set(&lake, "ev", None, 1).unwrap();
        let pl = plan(&lake, "ev").unwrap();
        assert_eq!(pl.rows_removed, 3);
        apply(&lake, &pl, &QueryOptions::default())
            .unwrap()
            .unwrap();
        assert_eq!(sum("SELECT count(*) * 100 + sum(v) FROM ev"), 105);
        assert!(remove(&lake, "ev").unwrap());
        assert!(!remove(&lake, "ev").unwrap());
        // When every row is older, the new version still has its columns.
        import_csv(&lake, p, "o.csv", "old", &all_old, Mode::Replace);
        set(&lake, "old", None, 30).unwrap();
        let pl = plan(&lake, "old").unwrap();
        assert_eq!((pl.rows_removed, pl.files_removed), (2, 1));
        let v = apply(&lake, &pl, &QueryOptions::default())
            .unwrap()
            .unwrap();
        assert_eq!((v.version, v.rows), (2, 0));
        assert_eq!(sum("SELECT count(v) FROM old"), 0);
        assert_eq!(list(&lake).unwrap().len(), 1);
    }
}
