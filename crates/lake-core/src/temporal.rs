//! Date and time text as the lake reads it, shared by type inference on import and by the
//! query side (literal comparisons, pruning by column statistics).

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Seconds since 1970 of a UTC date-time string, in microseconds, for the formats seen in the
/// wild: RFC 3339 with `Z` or an offset, and naive `YYYY-MM-DD[ T]HH:MM[:SS[.fff]]` taken as UTC.
pub fn parse_datetime_us(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    // Cheap shape check first: most text is not a timestamp.
    if b.len() < 16 || !b[0].is_ascii_digit() || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_micros());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%.f UTC",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Some(dt.timestamp_micros());
        }
    }
    let naive = s.strip_suffix('Z').unwrap_or(s);
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(naive, fmt) {
            return Some(dt.and_utc().timestamp_micros());
        }
    }
    None
}

/// Days since 1970 of a `YYYY-MM-DD` date.
pub fn parse_date_days(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some((d - NaiveDate::from_ymd_opt(1970, 1, 1)?).num_days() as i32)
}

/// Microseconds per stored unit of a time column whose type the catalog writes as `dtype`
/// (`datetime[ms]`, `datetime[μs, UTC]`, `datetime[ns]`): file statistics are in that unit.
/// `None` for any other type.
pub fn micros_per_unit(dtype: &str) -> Option<f64> {
    let unit = dtype.strip_prefix("datetime[")?;
    Some(if unit.starts_with("ms") {
        1000.0
    } else if unit.starts_with("ns") {
        0.001
    } else {
        1.0
    })
}
