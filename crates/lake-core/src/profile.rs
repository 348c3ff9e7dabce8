//! Column profiles: per column a histogram, top values, null share, an approximate distinct
//! count, and min/max, as DuckDB UI's column panel shows them.
//!
//! The cost is bounded: the exact figures (rows, nulls, min, max, distinct) come from the
//! statistics the import already keeps; histograms and top values are counted on at most
//! [`SAMPLE_ROWS`] rows, taken from every file in proportion to its rows so a time-partitioned
//! dataset is sampled over all its years. A profile is kept in the catalog per version, so it
//! is computed once.

use std::collections::HashMap;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::catalog::{describe, ColumnSummary};
use crate::error::{LakeError, Result};
use crate::lineage::sql_type_name;
use crate::Lake;

/// Rows read at most for histograms and top values.
pub const SAMPLE_ROWS: u64 = 200_000;
/// Bars of a histogram.
pub const BINS: usize = 20;
/// Top values kept per column.
pub const TOP: usize = 5;

/// Equal-width bins over [`lo`, `hi`]; numbers, or times as milliseconds since 1970 (UTC).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Histogram {
    /// The first bin's lower edge.
    pub lo: f64,
    /// The last bin's upper edge.
    pub hi: f64,
    /// Rows per bin (of the sample).
    pub counts: Vec<u64>,
    /// The edges are times (milliseconds since 1970, UTC) rather than numbers.
    pub temporal: bool,
}

/// A frequent value and how many sampled rows have it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TopValue {
    /// The value, as text.
    pub value: String,
    /// Sampled rows with it.
    pub count: u64,
}

/// One column's profile.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnProfile {
    /// Column name.
    pub name: String,
    /// Its SQL type (`BIGINT`, `VARCHAR`, `TIMESTAMP WITH TIME ZONE`...).
    pub sql_type: String,
    /// Null rows (exact).
    pub nulls: u64,
    /// Null rows over all rows, 0 to 1.
    pub null_share: f64,
    /// Distinct values, approximate (from the import's statistics).
    pub distinct: Option<u64>,
    /// Smallest value, as text.
    pub min: Option<String>,
    /// Largest value, as text.
    pub max: Option<String>,
    /// The most frequent values in the sample, most frequent first (empty when every
    /// sampled value is different, or for floating-point and nested columns).
    pub top: Vec<TopValue>,
    /// Numbers and times: how the sampled values spread.
    pub histogram: Option<Histogram>,
}

/// A dataset version's profile.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DatasetProfile {
    /// Dataset name.
    pub dataset: String,
    /// The version profiled.
    pub version: u32,
    /// Its rows.
    pub rows: u64,
    /// Rows the histograms and top values were counted on.
    pub sampled: u64,
    /// Each column, in order.
    pub columns: Vec<ColumnProfile>,
    /// Milliseconds it took to compute (0 when read back from the catalog).
    pub elapsed_ms: f64,
}

/// A statistic as text: times and dates (kept as numbers) as ISO 8601, in UTC.
fn stat_text(v: &Option<serde_json::Value>, dtype: &str) -> Option<String> {
    let v = v.as_ref()?;
    if let Some(n) = v.as_i64() {
        let per_second: i64 = if dtype.starts_with("datetime[ns") {
            1_000_000_000
        } else if dtype.starts_with("datetime[μs") || dtype.starts_with("datetime[us") {
            1_000_000
        } else if dtype.starts_with("datetime[ms") {
            1_000
        } else if dtype == "date" {
            return chrono::DateTime::from_timestamp(n * 86_400, 0)
                .map(|t| t.format("%Y-%m-%d").to_string());
        } else {
            return Some(n.to_string());
        };
        let nanos = (n.rem_euclid(per_second) * (1_000_000_000 / per_second)) as u32;
        return chrono::DateTime::from_timestamp(n.div_euclid(per_second), nanos)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string());
    }
    Some(match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// The profile of `name`'s current version: kept in the catalog, or computed (and kept,
/// where the lake can be written).
pub fn profile(lake: &Lake, name: &str) -> Result<DatasetProfile> {
    let desc = describe(&lake.catalog(), name)?;
    let ds = lake.catalog().require_dataset(name)?;
    let kept = lake.catalog().kept_profile_json(ds.version_id)?;
    // A profile that no longer reads (written by another release) is computed again.
    if let Some(p) = kept.and_then(|j| serde_json::from_str::<DatasetProfile>(&j).ok()) {
        return masked(
            lake,
            DatasetProfile {
                elapsed_ms: 0.0,
                ..p
            },
        );
    }
    let start = std::time::Instant::now();
    let sample = read_sample(lake, &ds.files, ds.rows, SAMPLE_ROWS)?;
    let columns = desc
        .columns
        .iter()
        .map(|c| column_profile(c, ds.rows, &sample))
        .collect::<Result<Vec<_>>>()?;
    let p = DatasetProfile {
        dataset: name.to_string(),
        version: ds.version,
        rows: ds.rows,
        sampled: sample.height() as u64,
        columns,
        elapsed_ms: start.elapsed().as_secs_f64() * 1e3,
    };
    if !lake.is_read_only() {
        let json = serde_json::to_string(&p).expect("a profile serializes");
        lake.catalog().keep_profile_json(ds.version_id, &json)?;
    }
    masked(lake, p)
}

/// Profiles the versions an import just committed (when `on`), each from a
/// sample of at most [`SAMPLE_ROWS`] rows, so the cost is bounded whatever the import's size.
/// They are kept in the catalog, and the schema view shows them at once. A failure here is not
/// the import's: the data is in, and the profile is computed when first asked for.
pub(crate) fn profile_imported<'a>(lake: &Lake, on: bool, names: impl Iterator<Item = &'a str>) {
    for name in names.filter(|_| on) {
        let _ = profile(lake, name);
    }
}

/// `p` with the values of columns tagged as personal data masked, when the lake masks them.
fn masked(lake: &Lake, mut p: DatasetProfile) -> Result<DatasetProfile> {
    use crate::query::mask::{mask_text, masking_on};
    if !masking_on(lake)? {
        return Ok(p);
    }
    let tags = lake.catalog().pii_tags()?;
    for c in &mut p.columns {
        let Some(t) = tags
            .iter()
            .find(|t| t.dataset == p.dataset && t.column == c.name)
        else {
            continue;
        };
        for v in [&mut c.min, &mut c.max].into_iter().flatten() {
            *v = mask_text(v, &t.kind);
        }
        for top in &mut c.top {
            top.value = mask_text(&top.value, &t.kind);
        }
    }
    Ok(p)
}

/// Up to `limit` rows of a version with `rows` rows in `files`, from each file in proportion.
pub(crate) fn read_sample(
    lake: &Lake,
    files: &[crate::catalog::FileEntry],
    rows: u64,
    limit: u64,
) -> Result<DataFrame> {
    let engine = |e: PolarsError| LakeError::Internal(format!("profiling: {e}"));
    let mut parts = Vec::new();
    for f in files.iter().filter(|f| f.rows > 0) {
        let take = if rows <= limit {
            f.rows
        } else {
            (f.rows * limit).div_ceil(rows)
        };
        let lf = lake.scan_files([f.path.as_str()])?.map_err(engine)?;
        parts.push(lf.limit(take as IdxSize));
    }
    if parts.is_empty() {
        return Ok(DataFrame::empty());
    }
    let lf = concat(parts, UnionArgs::default()).map_err(engine)?;
    crate::storage::collect_shielded(lf).map_err(engine)
}

fn column_profile(c: &ColumnSummary, rows: u64, sample: &DataFrame) -> Result<ColumnProfile> {
    let mut p = ColumnProfile {
        name: c.name.clone(),
        sql_type: sql_type_name(&c.dtype),
        nulls: c.null_count,
        null_share: if rows == 0 {
            0.0
        } else {
            c.null_count as f64 / rows as f64
        },
        distinct: c.distinct,
        min: stat_text(&c.min, &c.dtype),
        max: stat_text(&c.max, &c.dtype),
        top: Vec::new(),
        histogram: None,
    };
    let Ok(col) = sample.column(&c.name) else {
        return Ok(p);
    };
    let s = col.as_materialized_series();
    p.histogram = histogram(s);
    p.top = top_values(s);
    Ok(p)
}

fn histogram(s: &Series) -> Option<Histogram> {
    let dt = s.dtype();
    let temporal = dt.is_temporal() && !matches!(dt, DataType::Time | DataType::Duration(_));
    if !(dt.is_primitive_numeric() || temporal) {
        return None;
    }
    // Times as milliseconds since 1970 (UTC), numbers as they are.
    let values = if temporal {
        s.cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .ok()?
            .to_physical_repr()
            .cast(&DataType::Float64)
            .ok()?
    } else {
        s.cast(&DataType::Float64).ok()?
    };
    let v: Vec<f64> = values
        .f64()
        .ok()?
        .iter()
        .flatten()
        .filter(|x| x.is_finite())
        .collect();
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if v.is_empty() {
        return None;
    }
    // Whole numbers over a short range: one bar per value.
    let integral = dt.is_integer() && hi - lo < BINS as f64;
    let (lo, hi, bins) = if integral {
        (lo - 0.5, hi + 0.5, (hi - lo) as usize + 1)
    } else if hi == lo {
        (lo, hi, 1)
    } else {
        (lo, hi, BINS)
    };
    let mut counts = vec![0u64; bins];
    let width = (hi - lo) / bins as f64;
    for x in v {
        let i = if width > 0.0 {
            (((x - lo) / width) as usize).min(bins - 1)
        } else {
            0
        };
        counts[i] += 1;
    }
    Some(Histogram {
        lo,
        hi,
        counts,
        temporal,
    })
}

fn top_values(s: &Series) -> Vec<TopValue> {
    let dt = s.dtype();
    if dt.is_float() || dt.is_nested() || matches!(dt, DataType::Binary) {
        return Vec::new();
    }
    let Ok(text) = s.cast(&DataType::String) else {
        return Vec::new();
    };
    let Ok(ca) = text.str() else {
        return Vec::new();
    };
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for v in ca.iter().flatten() {
        *counts.entry(v).or_default() += 1;
    }
    let mut top: Vec<(&str, u64)> = counts.into_iter().filter(|(_, n)| *n > 1).collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    top.truncate(TOP);
    top.into_iter()
        .map(|(v, count)| TopValue {
            value: v.chars().take(200).collect(),
            count,
        })
        .collect()
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
