//! File and row-group pruning: whether a file's (or a Parquet row group's) column statistics
//! rule out every row a query's simple predicates could match.

use polars::prelude::*;
use serde_json::Value;

use super::bind::SimplePredicate;
use crate::catalog::{ColumnStats, FileEntry};
use crate::Lake;

fn cmp_json(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Converts a literal to the representation the statistics use for `dtype`: numbers for
/// numeric columns, days for dates, microseconds for timestamps, text for text.
fn literal_for(dtype: &str, v: &Value) -> Option<Value> {
    let numeric = dtype.starts_with('i') || dtype.starts_with('u') || dtype.starts_with('f');
    match v {
        Value::Number(_) if numeric => Some(v.clone()),
        Value::String(s) if dtype == "str" => Some(Value::String(s.clone())),
        Value::String(s) if dtype == "date" => crate::temporal::parse_date_days(s).map(Into::into),
        Value::String(s) if dtype.starts_with("datetime") => crate::temporal::parse_datetime_us(s)
            .or_else(|| crate::temporal::parse_date_days(s).map(|d| d as i64 * 86_400_000_000))
            .map(Into::into),
        _ => None,
    }
}

/// A time column's statistic in microseconds, the unit of the literals: a file's statistics
/// are in its column's own unit (milliseconds from a Parquet file written so). Nanoseconds
/// are widened by `widen` microseconds, as their division may round.
fn in_micros(dtype: &str, v: &Value, widen: f64) -> Value {
    match (v.as_f64(), crate::temporal::micros_per_unit(dtype)) {
        (Some(x), Some(per)) if per < 1.0 => Value::from(x * per + widen),
        (Some(x), Some(per)) if per > 1.0 => Value::from(x * per),
        _ => v.clone(),
    }
}

/// Whether a file may hold rows matching every predicate, judging by its statistics.
pub fn file_may_match(file: &FileEntry, preds: &[SimplePredicate]) -> bool {
    stats_may_match(file.rows, &file.stats, preds)
}

/// Whether `rows` rows with these column statistics (a file's, or a row group's) may hold rows
/// matching every predicate.
fn stats_may_match(rows: u64, stats: &[ColumnStats], preds: &[SimplePredicate]) -> bool {
    preds.iter().all(|p| {
        let Some(st) = stats
            .iter()
            .find(|s| s.column.eq_ignore_ascii_case(&p.column))
        else {
            return true;
        };
        if rows > 0 && st.null_count == rows {
            return false; // comparisons with NULL are never true
        }
        let Some(v) = literal_for(&st.dtype, &p.value) else {
            return true;
        };
        let (Some(min), Some(max)) = (&st.min, &st.max) else {
            return true;
        };
        let (min, max) = (
            &in_micros(&st.dtype, min, -1.0),
            &in_micros(&st.dtype, max, 1.0),
        );
        // Whether some value within the file's [min, max] can hold: `max > v` for `>`, ...
        // (an incomparable pair keeps the file).
        let may = |bound: &Value, holds: fn(std::cmp::Ordering) -> bool| {
            cmp_json(bound, &v).is_none_or(holds)
        };
        use std::cmp::Ordering as O;
        match p.op {
            ">" => may(max, O::is_gt),
            ">=" => may(max, O::is_ge),
            "<" => may(min, O::is_lt),
            "<=" => may(min, O::is_le),
            "=" => may(max, O::is_ge) && may(min, O::is_le),
            _ => true,
        }
    })
}

/// For EXPLAIN: how many row groups of the kept files the statistics in their Parquet footers
/// rule out for every use of the dataset, and how many there are, as `(pruned, total)`. Polars'
/// reader skips those row groups itself (and may skip more: it judges the whole predicate);
/// this counts what the same comparisons as file pruning conclude. `None` when a footer cannot
/// be read.
pub(super) fn row_group_pruning(
    lake: &Lake,
    files: &[FileEntry],
    uses: &[&Vec<SimplePredicate>],
) -> Option<(usize, usize)> {
    let judged = |c: &&ColumnStats| {
        uses.iter()
            .any(|p| p.iter().any(|p| p.column.eq_ignore_ascii_case(&c.column)))
    };
    let (mut pruned, mut total) = (0, 0);
    for f in files {
        // The columns the conditions name, as the catalog has them (name and type).
        let columns: Vec<&ColumnStats> = f.stats.iter().filter(judged).collect();
        let file = std::fs::File::open(lake.data_file(&f.path).ok()?).ok()?;
        let mut reader = ParquetReader::new(file);
        let meta = reader.get_metadata().ok()?.clone();
        for rg in &meta.row_groups {
            total += 1;
            let stats: Vec<ColumnStats> = columns
                .iter()
                .filter_map(|c| {
                    let mut chunks = rg.columns_under_root_iter(&c.column)?;
                    let chunk = chunks.next().filter(|_| chunks.len() == 0)?;
                    let st = chunk.statistics(&meta.footer_buf)?.ok()?;
                    row_group_stat(c, &st)
                })
                .collect();
            let rows = rg.num_rows() as u64;
            if !uses.iter().any(|p| stats_may_match(rows, &stats, p)) {
                pruned += 1;
            }
        }
    }
    Some((pruned, total))
}

/// A column chunk's Parquet statistics in the representation of the catalog's (`like`, the
/// file's): numbers for numeric columns, days for dates, microseconds for timestamps, text for
/// text. `None` where the physical values do not compare like the column's (unsigned integers
/// stored as signed, other time units, decimals).
fn row_group_stat(
    like: &ColumnStats,
    st: &polars_parquet::parquet::statistics::Statistics,
) -> Option<ColumnStats> {
    use polars_parquet::parquet::statistics::Statistics as S;
    let dtype = like.dtype.as_str();
    let signed = dtype.starts_with('i')
        || dtype == "date"
        || (dtype.starts_with("datetime") && dtype.contains("μs"));
    let float = |v: f64| serde_json::Number::from_f64(v).map(Value::Number);
    let (nulls, min, max) = match st {
        S::Int32(p) if signed => (
            p.null_count,
            p.min_value.map(Value::from),
            p.max_value.map(Value::from),
        ),
        S::Int64(p) if signed => (
            p.null_count,
            p.min_value.map(Value::from),
            p.max_value.map(Value::from),
        ),
        S::Float(p) if dtype.starts_with('f') => (
            p.null_count,
            p.min_value.and_then(|v| float(v as f64)),
            p.max_value.and_then(|v| float(v as f64)),
        ),
        S::Double(p) if dtype.starts_with('f') => (
            p.null_count,
            p.min_value.and_then(float),
            p.max_value.and_then(float),
        ),
        S::Binary(p) if dtype == "str" => {
            let text = |v: &Option<Vec<u8>>| {
                let text = std::str::from_utf8(v.as_deref()?).ok()?;
                Some(Value::String(text.to_owned()))
            };
            (p.null_count, text(&p.min_value), text(&p.max_value))
        }
        _ => return None,
    };
    Some(ColumnStats {
        column: like.column.clone(),
        dtype: like.dtype.clone(),
        null_count: nulls.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
        min,
        max,
        distinct: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dtype: &str, min: i64, max: i64) -> FileEntry {
        FileEntry {
            path: "p".into(),
            rows: 2,
            bytes: 1,
            sha256: None,
            stats: vec![ColumnStats {
                column: "ts".into(),
                dtype: dtype.into(),
                null_count: 0,
                min: Some(min.into()),
                max: Some(max.into()),
                distinct: None,
            }],
        }
    }

    fn pred(op: &'static str, v: &str) -> Vec<SimplePredicate> {
        vec![SimplePredicate {
            column: "ts".into(),
            op,
            value: Value::String(v.into()),
        }]
    }

    #[test]
    fn time_statistics_in_any_unit_compare_with_the_same_instant() {
        // 2024-05-01T00:00:00Z and 2024-05-02T00:00:00Z in each unit.
        let (a, b) = (1_714_521_600_i64, 1_714_608_000_i64);
        for (dtype, k) in [
            ("datetime[ms]", 1_000),
            ("datetime[μs, UTC]", 1_000_000),
            ("datetime[ns]", 1_000_000_000),
        ] {
            let f = file(dtype, a * k, b * k);
            assert!(
                file_may_match(&f, &pred(">=", "2024-05-01 12:00:00")),
                "{dtype}"
            );
            assert!(
                !file_may_match(&f, &pred(">", "2024-05-02 00:00:01")),
                "{dtype}"
            );
            assert!(
                !file_may_match(&f, &pred("<", "2024-04-30 23:59:59")),
                "{dtype}"
            );
            assert!(
                file_may_match(&f, &pred("<", "2024-05-01 00:00:00.001")),
                "{dtype}"
            );
            assert!(
                file_may_match(&f, &pred("=", "2024-05-02 00:00:00")),
                "{dtype}"
            );
        }
    }
}
