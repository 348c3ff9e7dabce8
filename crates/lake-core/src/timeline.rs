//! One time axis for the whole lake: every dataset with a time column is a source, and the
//! timeline's density strips are its rows counted per bucket of the range in view, by the
//! engine (`time_bucket` over the rows the range keeps, files outside it pruned by their
//! statistics), so the page gets one number per bucket whatever the rows.

use std::time::Instant;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{LakeError, Result};
use crate::quality::ident;
use crate::query::chart::numbers;
use crate::query::{run_unlogged, QueryOptions};
use crate::timeline_kept::Kept;
use crate::Lake;

/// A dataset on the timeline.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimeSource {
    /// The dataset.
    pub dataset: String,
    /// Its time column: `ts` when it has one, else its first timestamp or date column.
    pub column: String,
    /// Its earliest time, in milliseconds since 1970 (UTC); null without rows.
    pub min_ms: Option<f64>,
    /// Its latest time.
    pub max_ms: Option<f64>,
    /// Its rows with a time.
    pub rows: u64,
    /// Whether the column holds dates (not times).
    pub date: bool,
    /// The dataset's current version (what was counted).
    pub version: u32,
    /// When that version was committed (its counts are kept under it).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub(crate) created_at: String,
    /// Whether it has coordinates (lon/lat) the map draws.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub(crate) mappable: bool,
}

/// One source's rows per bucket.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Strip {
    /// The dataset.
    pub dataset: String,
    /// Its time column.
    pub column: String,
    /// Rows per bucket, left to right.
    pub counts: Vec<u32>,
    /// Rows in the range.
    pub total: u64,
}

/// The strips of a range.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Density {
    /// The range's start, in milliseconds since 1970 (inclusive).
    pub from_ms: f64,
    /// Its end (exclusive).
    pub to_ms: f64,
    /// Each bucket's length, in milliseconds.
    pub bucket_ms: f64,
    /// One per source.
    pub strips: Vec<Strip>,
    /// The engine's time for all of them.
    pub elapsed_ms: f64,
}

pub(crate) fn iso(ms: f64) -> String {
    chrono::DateTime::from_timestamp_millis(ms.floor() as i64)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// Every dataset with a time column, with its first and last time.
pub fn sources(lake: &Lake) -> Result<Vec<TimeSource>> {
    let list = lake.catalog().list_datasets()?;
    let mut out = Vec::new();
    for d in list {
        let Some(c) = crate::catalog::ColumnDef::time_column(&d.schema) else {
            continue;
        };
        let at = Kept {
            lake,
            kind: "range",
            dataset: &d.name,
            version: d.version,
            created_at: &d.created_at,
            column: &c.name,
        };
        let f = at.get(|| {
            let (ds, col) = (ident(&d.name), ident(&c.name));
            let sql =
                format!("SELECT min({col}) AS lo, max({col}) AS hi, count({col}) AS n FROM {ds}");
            Ok(run_unlogged(lake, &sql, &QueryOptions::default())?.frame)
        })?;
        let internal = |e: PolarsError| LakeError::Internal(e.to_string());
        let lo = numbers(&f, "lo")?.0;
        let hi = numbers(&f, "hi")?.0;
        let n = f
            .column("n")
            .and_then(|n| n.cast(&DataType::UInt64))
            .map_err(internal)?;
        out.push(TimeSource {
            dataset: d.name.clone(),
            column: c.name.clone(),
            min_ms: lo.first().copied().flatten(),
            max_ms: hi.first().copied().flatten(),
            rows: n.u64().ok().and_then(|n| n.get(0)).unwrap_or(0),
            date: c.dtype == "date",
            version: d.version,
            created_at: d.created_at.clone(),
            mappable: !crate::spatial::index::coordinate_pairs(&d.schema).is_empty(),
        });
    }
    Ok(out)
}

pub(crate) const DAY_MS: f64 = 86_400_000.0;

/// Adds `s`'s rows in `[from, from + bucket_ms * counts.len())` to `counts`, by a query.
fn count_by_query(
    lake: &Lake,
    s: &TimeSource,
    from: f64,
    bucket_ms: f64,
    counts: &mut [u32],
) -> Result<()> {
    let to = from + bucket_ms * counts.len() as f64;
    let col = ident(&s.column);
    // Dates compare with dates: the days the range touches (buckets sort them out).
    let (lo, hi) = if s.date {
        let day = |ms: f64| iso(ms.div_euclid(DAY_MS) * DAY_MS)[..10].to_string();
        (
            format!("DATE '{}'", day(from)),
            format!("DATE '{}' + INTERVAL '1' DAY", day(to)),
        )
    } else {
        (format!("'{}'", iso(from)), format!("'{}'", iso(to)))
    };
    let sql = format!(
        "SELECT time_bucket('{bucket_ms} ms', {col}, '{}') AS b, count(*) AS n FROM {} \
         WHERE {col} >= {lo} AND {col} < {hi} GROUP BY 1",
        iso(from),
        ident(&s.dataset),
    );
    let f = run_unlogged(lake, &sql, &QueryOptions::default())?.frame;
    add_counts(&f, from, bucket_ms, counts)
}

/// Adds the rows of `f` (columns `b`, a bucket's start, and `n`) to the buckets of `counts`.
fn add_counts(f: &DataFrame, from: f64, bucket_ms: f64, counts: &mut [u32]) -> Result<()> {
    let internal = |e: PolarsError| LakeError::Internal(e.to_string());
    let at = numbers(f, "b")?.0;
    let n = f
        .column("n")
        .and_then(|n| n.cast(&DataType::UInt32))
        .map_err(internal)?;
    for (b, n) in at.iter().zip(n.u32().map_err(internal)?.iter()) {
        if let (Some(b), Some(n)) = (b, n) {
            let i = ((b - from) / bucket_ms).floor();
            if i >= 0.0 && (i as usize) < counts.len() {
                counts[i as usize] = counts[i as usize].saturating_add(n);
            }
        }
    }
    Ok(())
}

/// `s`'s rows per UTC day, counted once per dataset version.
fn day_counts(lake: &Lake, s: &TimeSource) -> Result<std::sync::Arc<DataFrame>> {
    let at = Kept {
        lake,
        kind: "days",
        dataset: &s.dataset,
        version: s.version,
        created_at: &s.created_at,
        column: &s.column,
    };
    at.get(|| {
        let col = ident(&s.column);
        let sql = format!(
            "SELECT time_bucket('1 day', {col}) AS b, count(*) AS n FROM {} WHERE {col} IS NOT NULL GROUP BY 1",
            ident(&s.dataset)
        );
        Ok(run_unlogged(lake, &sql, &QueryOptions::default())?.frame)
    })
}

/// Each source's rows in `buckets` equal buckets of `[from_ms, to_ms)`. Buckets of a day or
/// more are whole UTC days, the range starting at a midnight (the result says which range it
/// counted): they are added up from each version's rows per day, counted once, so a zoom over
/// years costs what a zoom over a week does.
pub fn density(
    lake: &Lake,
    sources: &[TimeSource],
    from_ms: f64,
    to_ms: f64,
    buckets: u32,
) -> Result<Density> {
    let start = Instant::now();
    if to_ms.partial_cmp(&from_ms) != Some(std::cmp::Ordering::Greater) || buckets == 0 {
        return Err(LakeError::bad_input(
            "timeline",
            None,
            "the range must end after it starts, with at least one bucket".to_string(),
        ));
    }
    let buckets = buckets.min(4000);
    // Whole milliseconds: the page's zoom gives fractions, the buckets start on a millisecond.
    let (mut from_ms, to_ms) = (from_ms.floor(), to_ms.ceil());
    let mut bucket_ms = ((to_ms - from_ms) / buckets as f64).ceil().max(1.0);
    let by_day = bucket_ms >= DAY_MS;
    if by_day {
        from_ms = from_ms.div_euclid(DAY_MS) * DAY_MS;
        bucket_ms = (bucket_ms / DAY_MS).ceil() * DAY_MS;
    }
    let to_ms = from_ms + bucket_ms * buckets as f64;
    let mut strips = Vec::new();
    for s in sources {
        let mut counts = vec![0u32; buckets as usize];
        let overlaps = s
            .min_ms
            .zip(s.max_ms)
            .is_some_and(|(lo, hi)| hi >= from_ms && lo < to_ms);
        if overlaps && by_day {
            add_counts(
                day_counts(lake, s)?.as_ref(),
                from_ms,
                bucket_ms,
                &mut counts,
            )?;
        } else if overlaps {
            count_by_query(lake, s, from_ms, bucket_ms, &mut counts)?;
        }
        let total = counts.iter().map(|&c| c as u64).sum();
        strips.push(Strip {
            dataset: s.dataset.clone(),
            column: s.column.clone(),
            counts,
            total,
        });
    }
    Ok(Density {
        from_ms,
        to_ms,
        bucket_ms,
        strips,
        elapsed_ms: start.elapsed().as_secs_f64() * 1e3,
    })
}

/// A range of the timeline to draw.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineRequest {
    /// Its start, in milliseconds since 1970 (default: the earliest time in the lake).
    pub from_ms: Option<f64>,
    /// Its end, exclusive (default: just after the latest time).
    pub to_ms: Option<f64>,
    /// Buckets across it (at most 4,000).
    pub buckets: u32,
}

/// The sources and the strips of a range.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineView {
    /// Every dataset with a time column.
    pub sources: Vec<TimeSource>,
    /// Their rows per bucket of the range; null when no dataset has a time.
    pub density: Option<Density>,
    /// The engine's time for the whole view: the sources (their first and last times, counted
    /// once per version and then kept) and the strips.
    pub elapsed_ms: f64,
}

/// The timeline of `req`'s range (the whole lake's by default).
pub fn view(lake: &Lake, req: &TimelineRequest) -> Result<TimelineView> {
    let start = Instant::now();
    let sources = sources(lake)?;
    let lo = sources
        .iter()
        .filter_map(|s| s.min_ms)
        .fold(f64::INFINITY, f64::min);
    let hi = sources
        .iter()
        .filter_map(|s| s.max_ms)
        .fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return Ok(TimelineView {
            sources,
            density: None,
            elapsed_ms: start.elapsed().as_secs_f64() * 1e3,
        });
    }
    let from = req.from_ms.unwrap_or(lo);
    let to = req.to_ms.unwrap_or(hi + 1.0);
    let density = density(lake, &sources, from, to, req.buckets)?;
    Ok(TimelineView {
        sources,
        density: Some(density),
        elapsed_ms: start.elapsed().as_secs_f64() * 1e3,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Mode;
    use crate::test_util::import_csv;

    #[test]
    fn strips_count_each_sources_rows_per_bucket() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        let mut a = String::from("ts,v\n");
        for h in 0..48 {
            a.push_str(&format!(
                "2024-05-{:02}T{:02}:30:00Z,{h}\n",
                1 + h / 24,
                h % 24
            ));
        }
        import_csv(&lake, dir.path(), "a.csv", "a", &a, Mode::Replace);
        import_csv(
            &lake,
            dir.path(),
            "b.csv",
            "b",
            "day,x\n2024-05-02,1\n2024-05-02,2\n2023-01-01,3\n",
            Mode::Replace,
        );
        import_csv(
            &lake,
            dir.path(),
            "c.csv",
            "c",
            "name\nno time here\n",
            Mode::Replace,
        );
        let src = sources(&lake).unwrap();
        let names: Vec<(&str, &str, u64)> = src
            .iter()
            .map(|s| (s.dataset.as_str(), s.column.as_str(), s.rows))
            .collect();
        assert_eq!(names, [("a", "ts", 48), ("b", "day", 3)]);
        let day = 86_400_000.0;
        let may1 = 1_714_521_600_000.0; // 2024-05-01T00:00:00Z
        assert_eq!(src[0].min_ms, Some(may1 + 1_800_000.0));
        // Two days in four buckets of 12 hours.
        let d = density(&lake, &src, may1, may1 + 2.0 * day, 4).unwrap();
        assert_eq!(d.bucket_ms, day / 2.0);
        assert_eq!(d.strips[0].counts, [12, 12, 12, 12]);
        assert_eq!(d.strips[1].counts, [0, 0, 2, 0]);
        assert_eq!((d.strips[0].total, d.strips[1].total), (48, 2));
        // A range without b's rows; an hour of a in minutes.
        let d = density(&lake, &src, may1, may1 + 3_600_000.0, 60).unwrap();
        assert_eq!(d.strips[0].counts.iter().sum::<u32>(), 1);
        assert_eq!(d.strips[0].counts[30], 1);
        assert_eq!(d.strips[1].total, 0);
        assert!(density(&lake, &src, may1, may1, 10).is_err());
        // The lake's own counting is not in the query history people see.
        assert!(lake.catalog().query_history(100).unwrap().is_empty());
    }

    #[test]
    fn day_buckets_add_up_each_days_count_and_equal_a_count_by_query() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        let (day, may1) = (DAY_MS, 1_714_521_600_000.0);
        let mut a = String::from("ts\n");
        let mut b = String::from("d\n");
        for i in 0..500u64 {
            // Times over 60 days at scattered hours; dates over the same days.
            let t =
                may1 + ((i * 7919) % (60 * 24)) as f64 * 3_600_000.0 + (i % 60) as f64 * 60_000.0;
            a.push_str(&format!("{}\n", iso(t)));
            b.push_str(&format!("{}\n", &iso(t)[..10]));
        }
        import_csv(&lake, dir.path(), "a.csv", "a", &a, Mode::Replace);
        import_csv(&lake, dir.path(), "b.csv", "b", &b, Mode::Replace);
        let src = sources(&lake).unwrap();
        // Ten buckets of six days: added up from the days.
        let d = density(&lake, &src, may1, may1 + 60.0 * day, 10).unwrap();
        assert_eq!((d.from_ms, d.bucket_ms), (may1, 6.0 * day));
        for (s, strip) in src.iter().zip(&d.strips) {
            let mut by_query = vec![0u32; 10];
            count_by_query(&lake, s, may1, 6.0 * day, &mut by_query).unwrap();
            assert_eq!(strip.counts, by_query, "{}", s.dataset);
            assert_eq!(strip.total, 500);
        }
        // A range from 05:00 starts at that day's midnight, whole days per bucket.
        let d = density(&lake, &src, may1 + 5.0 * 3_600_000.0, may1 + 61.0 * day, 10).unwrap();
        assert_eq!(
            (d.from_ms, d.bucket_ms, d.to_ms),
            (may1, 7.0 * day, may1 + 70.0 * day)
        );
        // A start with a fraction of a millisecond (the page's zoom) loses no bucket.
        let hour = density(&lake, &src[..1], may1 + 0.25, may1 + 3_600_000.25, 60).unwrap();
        let mut want = vec![0u32; 60];
        count_by_query(&lake, &src[0], may1, 60_000.0, &mut want).unwrap();
        assert_eq!(hour.from_ms, may1);
        assert_eq!(hour.strips[0].counts, want);
        assert!(want.iter().sum::<u32>() > 0);
    }
}
