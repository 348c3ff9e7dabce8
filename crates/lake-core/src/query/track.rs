//! One day of a location history as a track for the map: the day's points in time order, and
//! the nearest days before and after it that have points. Days run from midnight to midnight
//! in a time zone the caller names (the app sends the computer's), UTC by default; a day that
//! a clock change makes 23 or 25 hours long is that long.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use polars::prelude::*;
use serde::Serialize;

use super::geofence::time_column;
use crate::error::{LakeError, Result};
use crate::spatial::index::map_target;
use crate::Lake;

/// Points drawn for one day at most; a denser day is thinned evenly.
pub const MAX_TRACK_POINTS: usize = 50_000;

/// A day's track.
#[derive(Debug, Clone, Serialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Track {
    /// The coordinate columns (`lon,lat`) and the time column, `lon,lat@ts`.
    pub column: String,
    /// The day, `YYYY-MM-DD`; empty when the dataset has no located points.
    pub day: String,
    /// The time zone the day is in (an IANA name such as `Europe/Paris`, or `UTC`).
    pub zone: String,
    /// Longitudes in time order.
    pub xs: Vec<f64>,
    /// Latitudes.
    pub ys: Vec<f64>,
    /// Times, milliseconds since 1970 (UTC).
    pub ts_ms: Vec<f64>,
    /// Points of the day before thinning.
    pub total: u64,
    /// The nearest earlier day with points.
    pub prev: Option<String>,
    /// The nearest later day with points.
    pub next: Option<String>,
}

fn failed(name: &str) -> impl Fn(PolarsError) -> LakeError + '_ {
    move |e| LakeError::QueryFailed(format!("reading the track of {name}: {e}"))
}

/// The day in `tz` of a time (microseconds since 1970, UTC).
fn day_of(tz: Tz, us: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_micros(us)
        .map(|t| t.with_timezone(&tz).format("%Y-%m-%d").to_string())
}

/// When `day` starts in `tz`, in microseconds since 1970 (UTC): its first instant, midnight or,
/// where a clock change skips midnight, the first time after it.
fn start_of(tz: Tz, day: NaiveDate) -> i64 {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    (0..=24 * 4)
        .find_map(|q| {
            tz.from_local_datetime(&(midnight + chrono::TimeDelta::minutes(15 * q)))
                .earliest()
        })
        .map_or_else(
            || midnight.and_utc().timestamp_micros(),
            |t| t.timestamp_micros(),
        )
}

/// The zone named `zone` (UTC when None).
fn zone_of(zone: Option<&str>) -> Result<Tz> {
    let Some(z) = zone.map(str::trim).filter(|z| !z.is_empty()) else {
        return Ok(Tz::UTC);
    };
    z.parse::<Tz>().map_err(|_| {
        LakeError::bad_input(
            "the time zone",
            None,
            format!("'{z}' is not a time zone; name one such as Europe/Paris or UTC"),
        )
    })
}

/// The track of `day` (`YYYY-MM-DD`) in `dataset`, or of its last day with points; days in
/// the time zone `zone` (UTC when None).
pub fn day_track(
    lake: &Lake,
    dataset: &str,
    day: Option<&str>,
    zone: Option<&str>,
) -> Result<Track> {
    let tz = zone_of(zone)?;
    // Its reads are the map's, not a query's: another tab's Cancel must not stop them.
    let _shield = crate::storage::shield_engine_work();
    let _busy = crate::meter::solo::Busy::start();
    let ds = lake.catalog().require_dataset(dataset)?;
    let target = map_target(&ds).ok_or_else(|| {
        LakeError::Unsupported(format!(
            "{dataset} has no coordinate columns (lon/lat) to draw"
        ))
    })?;
    let ts = time_column(&ds)?;
    let lf = super::scan_frame(lake, &ds, &ds.files)?;
    let mut present = col(ts.as_str()).is_not_null();
    for e in target.exprs() {
        present = present.and(e.is_not_null());
    }
    let us = col(ts.as_str())
        .dt()
        .timestamp(TimeUnit::Microseconds)
        .alias("__us");
    let located = lf.filter(present).with_column(us);
    let one = |lf: LazyFrame| -> Result<Option<i64>> {
        let df = lf.collect().map_err(failed(dataset))?;
        Ok(df.column("__us").ok().and_then(|c| c.i64().ok()?.get(0)))
    };
    let day = match day {
        Some(d) => NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| {
            LakeError::bad_input(
                "the day",
                None,
                format!("'{d}' is not a day; write YYYY-MM-DD"),
            )
        })?,
        None => {
            match one(located.clone().select([col("__us").max()]))?.and_then(|us| day_of(tz, us)) {
                Some(d) => NaiveDate::parse_from_str(&d, "%Y-%m-%d").expect("just formatted"),
                None => {
                    return Ok(Track {
                        column: format!("{}@{ts}", target.key()),
                        zone: tz.name().to_string(),
                        ..Default::default()
                    })
                }
            }
        }
    };
    let start = start_of(tz, day);
    let end = start_of(tz, day.succ_opt().unwrap_or(day));
    let mut cols = target.exprs();
    cols.push(col("__us"));
    let pts = located
        .clone()
        .filter(col("__us").gt_eq(lit(start)).and(col("__us").lt(lit(end))))
        .select(cols)
        .sort(["__us"], SortMultipleOptions::default())
        .collect()
        .map_err(failed(dataset))?;
    let total = pts.height();
    let step = total.div_ceil(MAX_TRACK_POINTS).max(1);
    let f64s = |i: usize| -> Result<Vec<f64>> {
        let c = pts.columns()[i]
            .cast(&DataType::Float64)
            .map_err(failed(dataset))?;
        let v = c.f64().map_err(failed(dataset))?;
        Ok(v.iter()
            .step_by(step)
            .map(|x| x.unwrap_or(f64::NAN))
            .collect())
    };
    let (xs, ys) = (f64s(0)?, f64s(1)?);
    let ts_ms = f64s(2)?.into_iter().map(|u| u / 1000.0).collect();
    let prev = one(located
        .clone()
        .filter(col("__us").lt(lit(start)))
        .select([col("__us").max()]))?;
    let next = one(located
        .filter(col("__us").gt_eq(lit(end)))
        .select([col("__us").min()]))?;
    Ok(Track {
        column: format!("{}@{ts}", target.key()),
        day: day.format("%Y-%m-%d").to_string(),
        zone: tz.name().to_string(),
        xs,
        ys,
        ts_ms,
        total: total as u64,
        prev: prev.and_then(|us| day_of(tz, us)),
        next: next.and_then(|us| day_of(tz, us)),
    })
}
