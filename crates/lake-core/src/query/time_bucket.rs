//! `time_bucket(width, ts [, origin | offset | time zone])`, as DuckDB and TimescaleDB define it:
//! the start of the bucket of `width` that holds `ts`, buckets counted from an origin.
//!
//! - `width` is an interval: `INTERVAL '15 minutes'`, `INTERVAL 1 HOUR`, `'1 day'`, `'3 months'`.
//!   Months (and years) and days/times cannot be mixed, as in DuckDB.
//! - The default origin is DuckDB's: Monday 2000-01-03 00:00 for widths in days and times (so
//!   weeks start on Mondays), 2000-01-01 for widths in months.
//! - A third argument is an origin (a date or time), an offset (an interval: the buckets move by
//!   it) or, for a time with a zone, the IANA zone whose local time the buckets follow (UTC by
//!   default), as in DuckDB.
//! - A date gives a date, a time a time of the same type; NULL gives NULL.
//!
//! Polars' SQL reads the function through the lake's function registry; [`prepare`] first
//! turns the query's `INTERVAL` arguments of `time_bucket` into their text, which the
//! function reads (a month interval has no Polars literal). It also writes `first(v, ts)`,
//! `last(v, ts)` and DuckDB's `arg_min`/`arg_max` (`min_by`/`max_by`) as the first element of
//! an array aggregated in time order.

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone};
use polars::prelude::*;
use polars::sql::FunctionRegistry;
use polars_plan::dsl::udf::UserDefinedFunction;
use polars_plan::prelude::{BaseColumnUdf, FunctionOptions};
use sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Statement, Value};

/// The function's name in SQL.
pub const NAME: &str = "time_bucket";

const DAY_US: i64 = 86_400_000_000;
/// 2000-01-03 00:00 UTC (a Monday), in microseconds since 1970.
pub(crate) const ORIGIN_US: i64 = 946_857_600_000_000;
/// 2000-01-01, in months since January 1970.
pub(crate) const ORIGIN_MONTHS: i64 = 360;

/// A bucket's width: whole months, or microseconds (days and times).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// Whole months (a year is 12).
    Months(i64),
    /// A fixed length, in microseconds (a day is always 24 hours, as in DuckDB).
    Micros(i64),
}

/// Reads an interval as people write it: `15 minutes`, `1 hour 30 minutes`, `2 weeks`,
/// `3 months`, `1 year`, `1.5 hours`; an optional leading `INTERVAL` and quotes are allowed.
pub fn parse_width(text: &str) -> Result<Width, String> {
    let t = text.trim().trim_matches('\'').trim();
    let t = t
        .strip_prefix("interval")
        .or_else(|| t.strip_prefix("INTERVAL"))
        .unwrap_or(t)
        .trim()
        .trim_matches('\'');
    let bad = || {
        format!(
            "'{text}' is not an interval; write it as INTERVAL '15 minutes', '1 hour', '1 day' or '3 months'"
        )
    };
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty() || !words.len().is_multiple_of(2) {
        return Err(bad());
    }
    let (mut months, mut micros) = (0i64, 0f64);
    for pair in words.chunks(2) {
        let n: f64 = pair[0].parse().map_err(|_| bad())?;
        // Beyond a million years nothing fits in a time column (and the sums would overflow).
        if !n.is_finite() || n.abs() > 1e6 * 366.0 * 86_400.0 * 1e6 {
            return Err(format!("'{text}' is too long a width"));
        }
        let lower = pair[1].to_ascii_lowercase();
        let unit = match lower.as_str() {
            "ms" | "us" => lower.as_str(),
            l => l.trim_end_matches('s'),
        };
        let us = match unit {
            "us" | "usec" | "microsecond" => 1.0,
            "ms" | "msec" | "millisecond" => 1e3,
            "" | "sec" | "second" => 1e6,
            "m" | "min" | "minute" => 60e6,
            "h" | "hr" | "hour" => 3600e6,
            "d" | "day" => 86_400e6,
            "w" | "week" => 7.0 * 86_400e6,
            _ => {
                let m = match unit {
                    "mon" | "month" => 1,
                    "quarter" => 3,
                    "y" | "yr" | "year" => 12,
                    "decade" => 120,
                    "century" | "centurie" => 1200,
                    "millennium" | "millennia" => 12_000,
                    _ => return Err(bad()),
                };
                if n.fract() != 0.0 {
                    return Err(format!("'{text}': a number of months must be whole"));
                }
                months = (n as i64)
                    .checked_mul(m)
                    .and_then(|x| months.checked_add(x))
                    .filter(|m| *m <= 12_000_000)
                    .ok_or_else(|| format!("'{text}' is too long a width"))?;
                continue;
            }
        };
        micros += n * us;
    }
    let micros = micros.round() as i64;
    if months < 0 || micros < 0 || (months == 0 && micros == 0) {
        Err(format!("'{text}': a bucket's width must be positive"))
    } else if months > 0 && micros > 0 {
        Err(format!(
            "'{text}' mixes months with days or times; a bucket is either whole months or a fixed length (as in DuckDB)"
        ))
    } else if months > 0 {
        Ok(Width::Months(months))
    } else {
        Ok(Width::Micros(micros))
    }
}

/// The start of the bucket of `w` microseconds holding `ts`, buckets counted from `origin`.
pub fn bucket_micros(w: i64, ts: i64, origin: i64) -> i64 {
    let o = origin.rem_euclid(w);
    ts.saturating_sub(o).div_euclid(w) * w + o
}

/// Months since January 1970 of a time in microseconds.
fn epoch_months(us: i64) -> i64 {
    let d = DateTime::from_timestamp_micros(us)
        .unwrap_or_default()
        .date_naive();
    (d.year() as i64 - 1970) * 12 + d.month0() as i64
}

/// The first instant of month `m` (since January 1970), in microseconds.
fn month_start(m: i64) -> i64 {
    let (y, m0) = (1970 + m.div_euclid(12), m.rem_euclid(12));
    NaiveDate::from_ymd_opt(y as i32, m0 as u32 + 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(0, |t| t.and_utc().timestamp_micros())
}

/// The start of the bucket of `months` holding `ts`, counted from the month of `origin`.
pub fn bucket_months(months: i64, ts: i64, origin_months: i64) -> i64 {
    month_start((epoch_months(ts) - origin_months).div_euclid(months) * months + origin_months)
}

/// What the third argument says.
#[derive(Clone, Copy)]
enum Third {
    Default,
    Origin(i64),
    Offset(Width),
    Zone(chrono_tz::Tz),
}

/// `ts` moved by `w` (`sign` 1 or -1): months on the calendar, or microseconds.
fn shift(ts: i64, w: Width, sign: i64) -> i64 {
    match w {
        Width::Micros(u) => ts + sign * u,
        Width::Months(m) => {
            let t = DateTime::from_timestamp_micros(ts).unwrap_or_default();
            let moved = if sign > 0 {
                t.checked_add_months(chrono::Months::new(m as u32))
            } else {
                t.checked_sub_months(chrono::Months::new(m as u32))
            };
            moved.map_or(ts, |t| t.timestamp_micros())
        }
    }
}

/// One time's bucket, all in microseconds since 1970.
fn bucket(w: Width, ts: i64, third: Third) -> i64 {
    let plain = |ts: i64, origin: Option<i64>| match w {
        Width::Micros(u) => bucket_micros(u, ts, origin.unwrap_or(ORIGIN_US)),
        Width::Months(m) => bucket_months(m, ts, origin.map_or(ORIGIN_MONTHS, epoch_months)),
    };
    match third {
        Third::Default => plain(ts, None),
        Third::Origin(o) => plain(ts, Some(o)),
        Third::Offset(off) => shift(plain(shift(ts, off, -1), None), off, 1),
        // A fixed length under 24 hours counts from the origin's instant (midnight of
        // 2000-01-03 in the zone), as DuckDB does: the buckets do not move with summer time.
        Third::Zone(tz) if matches!(w, Width::Micros(u) if u % DAY_US != 0) => {
            let origin = DateTime::from_timestamp_micros(ORIGIN_US).unwrap_or_default();
            plain(ts, Some(from_local(tz, origin.naive_utc())))
        }
        Third::Zone(tz) => {
            // Days and months: on the zone's calendar, from its local midnight, then back to
            // an instant (a gap's time moves forward).
            let utc = DateTime::from_timestamp_micros(ts).unwrap_or_default();
            let local = utc
                .with_timezone(&tz)
                .naive_local()
                .and_utc()
                .timestamp_micros();
            let b = DateTime::from_timestamp_micros(plain(local, None))
                .unwrap_or_default()
                .naive_utc();
            from_local(tz, b)
        }
    }
}

fn from_local(tz: chrono_tz::Tz, t: NaiveDateTime) -> i64 {
    for add in [0, 1, 2] {
        if let Some(x) = tz
            .from_local_datetime(&(t + chrono::Duration::hours(add)))
            .earliest()
        {
            return x.timestamp_micros();
        }
    }
    t.and_utc().timestamp_micros()
}

/// Microseconds per unit of a time column.
fn per_us(tu: TimeUnit) -> (i64, i64) {
    match tu {
        TimeUnit::Nanoseconds => (1, 1000),
        TimeUnit::Microseconds => (1, 1),
        TimeUnit::Milliseconds => (1000, 1),
    }
}

/// A constant text argument (the width, or a third argument given as text).
fn text_arg(c: &Column, what: &str) -> PolarsResult<Option<String>> {
    let s = c.as_materialized_series();
    if s.len() != 1 && s.n_unique()? > 1 {
        polars_bail!(ComputeError: "TIME_BUCKET: the {what} must be one value for all rows");
    }
    let s = s.cast(&DataType::String)?;
    Ok(s.str()?.get(0).map(str::to_string))
}

fn third_arg(c: &Column, ts_zone: bool) -> PolarsResult<Third> {
    let err = |m: String| polars_err!(ComputeError: "TIME_BUCKET: {m}");
    match c.dtype() {
        DataType::Datetime(tu, _) => {
            let (mul, div) = per_us(*tu);
            let v = c.as_materialized_series().to_physical_repr().i64()?.get(0);
            Ok(v.map_or(Third::Default, |v| Third::Origin((v * mul).div_euclid(div))))
        }
        DataType::Date => {
            let v = c.as_materialized_series().to_physical_repr().i32()?.get(0);
            Ok(v.map_or(Third::Default, |d| Third::Origin(d as i64 * DAY_US)))
        }
        DataType::Duration(tu) => {
            let (mul, div) = per_us(*tu);
            let v = c.as_materialized_series().to_physical_repr().i64()?.get(0);
            Ok(v.map_or(Third::Default, |v| {
                Third::Offset(Width::Micros((v * mul).div_euclid(div)))
            }))
        }
        _ => {
            let Some(t) = text_arg(c, "third argument")? else {
                return Ok(Third::Default);
            };
            if let Ok(w) = parse_width(&t) {
                return Ok(Third::Offset(w));
            }
            if let Some(us) = crate::temporal::parse_datetime_us(&t) {
                return Ok(Third::Origin(us));
            }
            if let Ok(d) = NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d") {
                return Ok(Third::Origin(
                    d.and_time(Default::default()).and_utc().timestamp_micros(),
                ));
            }
            match t.parse::<chrono_tz::Tz>() {
                Ok(tz) if ts_zone => Ok(Third::Zone(tz)),
                Ok(_) => Err(err(format!(
                    "a time zone ('{t}') applies to a time with a zone (TIMESTAMP WITH TIME ZONE)"
                ))),
                Err(_) => Err(err(format!(
                    "'{t}' is not an origin (a date or time), an offset (an interval) or a time zone"
                ))),
            }
        }
    }
}

fn run(cols: &[Column]) -> PolarsResult<Column> {
    if !(2..=3).contains(&cols.len()) {
        polars_bail!(ComputeError: "TIME_BUCKET takes 2 or 3 arguments (width, time [, origin | offset | time zone]), not {}", cols.len());
    }
    let width = text_arg(&cols[0], "width")?;
    let Some(width) = width else {
        return Ok(Column::full_null(
            cols[1].name().clone(),
            cols[1].len(),
            cols[1].dtype(),
        ));
    };
    let w = parse_width(&width).map_err(|e| polars_err!(ComputeError: "TIME_BUCKET: {e}"))?;
    let ts = &cols[1];
    let zoned = matches!(ts.dtype(), DataType::Datetime(_, Some(_)));
    let third = match cols.get(2) {
        Some(c) => third_arg(c, zoned)?,
        None => Third::Default,
    };
    let s = ts.as_materialized_series();
    let out = match s.dtype() {
        DataType::Datetime(tu, tz) => {
            let (mul, div) = per_us(*tu);
            let ca = s.to_physical_repr();
            let ca = ca.i64()?;
            // A fixed width from a fixed origin (the common case) in the column's own unit: one
            // subtraction, division and multiplication per value.
            let origin = match third {
                Third::Default => Some(ORIGIN_US),
                Third::Origin(o) => Some(o),
                _ => None,
            };
            let fixed = match (w, origin) {
                (Width::Micros(u), Some(o)) => {
                    let o = o.rem_euclid(u);
                    let (u, o) = (u.checked_mul(div), o.checked_mul(div));
                    match (u, o) {
                        (Some(u), Some(o)) if u % mul == 0 && o % mul == 0 => {
                            Some((u / mul, o / mul))
                        }
                        _ => None,
                    }
                }
                _ => None,
            };
            let b: Int64Chunked = match fixed {
                Some((u, o)) => ca.apply_values(|v| v.saturating_sub(o).div_euclid(u) * u + o),
                None => ca.apply_values(|v| {
                    let us = (v * mul).div_euclid(div);
                    (bucket(w, us, third) * div).div_euclid(mul)
                }),
            };
            b.into_datetime(*tu, tz.clone()).into_series()
        }
        DataType::Date => {
            let ca = s.to_physical_repr();
            let b: Int32Chunked = ca
                .i32()?
                .apply_values(|d| bucket(w, d as i64 * DAY_US, third).div_euclid(DAY_US) as i32);
            b.into_series().cast(&DataType::Date)?
        }
        DataType::Null => s.clone(),
        other => {
            polars_bail!(ComputeError: "TIME_BUCKET: its second argument must be a DATE or TIMESTAMP, not {}", crate::catalog::sql_type::sql_type_name(&other.to_string()))
        }
    };
    Ok(out.with_name(ts.name().clone()).into_column())
}

fn udf() -> UserDefinedFunction {
    let f = BaseColumnUdf::new(
        |cols: &mut [Column]| run(cols),
        |_: &Schema, fields: &[Field]| {
            let f = fields
                .get(1)
                .or(fields.first())
                .cloned()
                .unwrap_or_else(|| Field::new(NAME.into(), DataType::Null));
            Ok(f)
        },
    );
    let mut u = UserDefinedFunction::new(NAME.into(), f);
    u.options = FunctionOptions::elementwise();
    u
}

/// The lake's SQL functions: `time_bucket`, the vector functions, `embed` and the `ST_`
/// functions.
struct LakeFunctions;

impl FunctionRegistry for LakeFunctions {
    fn register(&mut self, name: &str, _fun: UserDefinedFunction) -> PolarsResult<()> {
        polars_bail!(ComputeError: "functions cannot be added to the lake's SQL ({name})")
    }

    fn get_udf(&self, name: &str) -> PolarsResult<Option<UserDefinedFunction>> {
        if name.eq_ignore_ascii_case(NAME) {
            return Ok(Some(udf()));
        }
        if let Some(f) = crate::vector::VectorFunctions.get_udf(name)? {
            return Ok(Some(f));
        }
        if crate::text::is_text_function(name) {
            return Ok(Some(crate::text::embed_udf()));
        }
        crate::spatial::functions::SpatialFunctions.get_udf(name)
    }

    fn contains(&self, name: &str) -> bool {
        name.eq_ignore_ascii_case(NAME)
            || crate::vector::is_vector_function(name)
            || crate::text::is_text_function(name)
            || crate::spatial::functions::SpatialFunctions.contains(name)
    }
}

/// The registry to give a SQL context whose query calls a function of the lake's own.
pub fn registry() -> Arc<dyn FunctionRegistry> {
    Arc::new(LakeFunctions)
}

/// `first(v, ts)` / `last(v, ts)` (TimescaleDB) and `arg_min`/`min_by`, `arg_max`/`max_by`
/// (DuckDB): the value at the earliest or latest time of the group, rows without a time left
/// out. Polars' SQL has them as an ordered array's first element.
fn by_time(f: &sqlparser::ast::Function) -> Option<Expr> {
    let name = f.name.to_string().to_ascii_lowercase();
    let dir = match name.as_str() {
        "first" | "arg_min" | "min_by" => "ASC",
        "last" | "arg_max" | "max_by" => "DESC",
        _ => return None,
    };
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    let [FunctionArg::Unnamed(FunctionArgExpr::Expr(v)), FunctionArg::Unnamed(FunctionArgExpr::Expr(t))] =
        list.args.as_slice()
    else {
        return None;
    };
    if f.over.is_some() || !list.clauses.is_empty() || f.filter.is_some() {
        return None;
    }
    // DuckDB's names also leave out rows without a value (its *_null forms keep them);
    // TimescaleDB's first/last give the value at that time, NULL included.
    let keep = if name.starts_with("arg_") || name.ends_with("_by") {
        "__lake_t IS NOT NULL AND __lake_v IS NOT NULL"
    } else {
        "__lake_t IS NOT NULL"
    };
    let template = format!(
        "ARRAY_GET(ARRAY_AGG(__lake_v ORDER BY __lake_t {dir} NULLS LAST) FILTER (WHERE {keep}), 1)"
    );
    let dialect = sqlparser::dialect::GenericDialect {};
    let mut e = sqlparser::parser::Parser::new(&dialect)
        .try_with_sql(&template)
        .and_then(|mut p| p.parse_expr())
        .expect("the template parses");
    let _ = sqlparser::ast::visit_expressions_mut(&mut e, |x| {
        if let Expr::Identifier(i) = x {
            match i.value.as_str() {
                "__lake_v" => *x = v.clone(),
                "__lake_t" => *x = t.clone(),
                _ => {}
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    Some(e)
}

/// Turns the `INTERVAL` arguments of `time_bucket` calls into their text (which the function
/// reads), and `first`/`last` by time into what Polars' SQL has; true when the statement
/// calls `time_bucket`.
pub fn prepare(statement: &mut Statement) -> bool {
    use sqlparser::ast::visit_expressions_mut;
    let mut found = false;
    let _ = visit_expressions_mut(statement, |e| {
        if let Some(by) = match e {
            Expr::Function(f) => by_time(f),
            _ => None,
        } {
            *e = by;
            return std::ops::ControlFlow::<()>::Continue(());
        }
        if let Expr::Function(f) = e {
            if f.name.to_string().eq_ignore_ascii_case(NAME) {
                found = true;
                if let FunctionArguments::List(list) = &mut f.args {
                    for a in &mut list.args {
                        if let FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) = a {
                            if let Some(text) = interval_text(x) {
                                *x = Expr::Value(Value::SingleQuotedString(text).into());
                            }
                        }
                    }
                }
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    found
}

/// `INTERVAL '15 minutes'` → `15 minutes`; `INTERVAL 1 HOUR` → `1 HOUR`.
fn interval_text(e: &Expr) -> Option<String> {
    let Expr::Interval(i) = e else { return None };
    let value = match i.value.as_ref() {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => s.clone(),
            Value::Number(n, _) => n.to_string(),
            other => other.to_string(),
        },
        other => other.to_string(),
    };
    Some(match &i.leading_field {
        Some(f) => format!("{value} {f}"),
        None => value,
    })
}
