//! A chart of a query's result: the series the page draws, made small by the engine first.
//!
//! - Line, area and scatter: x is a time, a date or a number; rows are ordered by x, and more
//!   than `max_points` are downsampled with LTTB (Largest-Triangle-Three-Buckets, Steinarsson
//!   2013) on the first y series, the same rows kept for every series, so the shape (peaks and
//!   dips) survives.
//! - Bar: x is anything; the y columns are aggregated per x value (sum, avg, min, max or count),
//!   at most `max_bars` bars (the largest first when there are more).
//! - Histogram: the first y column's values in equal bins.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{LakeError, Result};

pub mod split;

/// The kinds of chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    /// Lines through the points, x ordered.
    Line,
    /// A line with the area under it filled.
    Area,
    /// Points.
    Scatter,
    /// Bars per x value, y aggregated.
    Bar,
    /// How the first y column's values spread, in bins.
    Histogram,
}

/// What to chart.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChartRequest {
    /// The kind.
    pub kind: ChartKind,
    /// The x column (unused by a histogram).
    pub x: Option<String>,
    /// The y columns (a bar chart may have none: it counts rows).
    pub ys: Vec<String>,
    /// Bars: `sum`, `avg`, `min`, `max` or `count`.
    pub agg: Option<String>,
    /// Points per series at most (line, area, scatter); bars at most; bins of a histogram.
    pub max_points: u32,
    /// A column whose values split the y into one series each (line, area, scatter, bar).
    #[serde(default)]
    pub color: Option<String>,
}

/// One series.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChartSeries {
    /// Its column (with the aggregation, for bars).
    pub name: String,
    /// One value per x (null where the row had none).
    pub values: Vec<Option<f64>>,
}

/// The series to draw.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChartData {
    /// The kind drawn.
    pub kind: ChartKind,
    /// `time` (x in milliseconds since 1970, UTC), `number` or `category` (x is 0, 1, ...
    /// and `categories` names them).
    pub x_type: String,
    /// The x values.
    pub x: Vec<f64>,
    /// For bars and histograms: each x's label.
    pub categories: Vec<String>,
    /// The y series.
    pub series: Vec<ChartSeries>,
    /// Rows of the result charted.
    pub rows: u64,
    /// Whether the engine drew fewer points than rows (downsampled, or the largest bars).
    pub reduced: bool,
    /// The column whose values the series are (coloured by it): a series has no value at the
    /// x of another's points.
    pub split_by: Option<String>,
}

pub(super) fn pe(e: PolarsError) -> LakeError {
    super::errors::engine_error(e)
}

pub(super) fn bad(message: String) -> LakeError {
    LakeError::bad_input("chart", None, message)
}

/// A column as f64 values: numbers as they are, times and dates in milliseconds since 1970.
pub(crate) fn numbers(df: &DataFrame, name: &str) -> Result<(Vec<Option<f64>>, &'static str)> {
    let c = df
        .column(name)
        .map_err(|_| bad(format!("the result has no column {name}")))?;
    let (s, kind) = match c.dtype() {
        DataType::Datetime(tu, _) => {
            let div = match tu {
                TimeUnit::Nanoseconds => 1e6,
                TimeUnit::Microseconds => 1e3,
                TimeUnit::Milliseconds => 1.0,
            };
            let p = c.as_materialized_series().to_physical_repr();
            let v = p
                .i64()
                .map_err(pe)?
                .iter()
                .map(|v| v.map(|v| v as f64 / div))
                .collect();
            return Ok((v, "time"));
        }
        DataType::Date => {
            let p = c.as_materialized_series().to_physical_repr();
            let v = p
                .i32()
                .map_err(pe)?
                .iter()
                .map(|d| d.map(|d| d as f64 * 86_400_000.0))
                .collect();
            return Ok((v, "time"));
        }
        DataType::Boolean => (c.cast(&DataType::Float64).map_err(pe)?, "number"),
        d if d.is_primitive_numeric() || d.is_decimal() => {
            (c.cast(&DataType::Float64).map_err(pe)?, "number")
        }
        other => {
            return Err(bad(format!(
                "{name} is {}, not a number or a time; choose another column, or a bar chart",
                crate::catalog::sql_type::sql_type_name(&other.to_string())
            )))
        }
    };
    Ok((s.f64().map_err(pe)?.iter().collect(), kind))
}

/// The indices LTTB keeps of `n` points `(x[i], y[i])` (x ascending), `keep` of them.
pub fn lttb(x: &[f64], y: &[f64], keep: usize) -> Vec<usize> {
    let n = x.len();
    if keep >= n || keep < 3 {
        return (0..n).collect();
    }
    let mut out = Vec::with_capacity(keep);
    out.push(0);
    let every = (n - 2) as f64 / (keep - 2) as f64;
    let mut a = 0;
    for i in 0..keep - 2 {
        // The next bucket's average is the third corner.
        let (ns, ne) = (
            ((i + 1) as f64 * every) as usize + 1,
            (((i + 2) as f64 * every) as usize + 1).min(n),
        );
        let ne = ne.max(ns + 1).min(n);
        let len = (ne - ns) as f64;
        let (ax, ay) = (
            x[ns..ne].iter().sum::<f64>() / len,
            y[ns..ne].iter().sum::<f64>() / len,
        );
        let (s, e) = (
            (i as f64 * every) as usize + 1,
            ((i + 1) as f64 * every) as usize + 1,
        );
        let mut best = (s, -1.0);
        for j in s..e.min(n - 1) {
            let area = ((x[a] - ax) * (y[j] - y[a]) - (x[a] - x[j]) * (ay - y[a])).abs();
            if area > best.1 {
                best = (j, area);
            }
        }
        out.push(best.0);
        a = best.0;
    }
    out.push(n - 1);
    out
}

fn xy(df: &DataFrame, req: &ChartRequest) -> Result<ChartData> {
    let x_name = req
        .x
        .as_deref()
        .ok_or_else(|| bad("choose an x column".into()))?;
    if req.ys.is_empty() {
        return Err(bad("choose at least one y column".into()));
    }
    let (xs, x_type) = numbers(df, x_name)?;
    let ys = req
        .ys
        .iter()
        .map(|y| numbers(df, y).map(|v| v.0))
        .collect::<Result<Vec<_>>>()?;
    // Rows with an x, ordered by it.
    let mut order: Vec<usize> = (0..xs.len())
        .filter(|&i| xs[i].is_some_and(f64::is_finite))
        .collect();
    order.sort_by(|&a, &b| {
        xs[a]
            .partial_cmp(&xs[b])
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let max = (req.max_points as usize).max(3);
    let reduced = order.len() > max;
    let keep: Vec<usize> = if reduced {
        // The candidates have a value in the first series: a missing one is no dip to keep.
        let cand: Vec<usize> = order
            .into_iter()
            .filter(|&i| ys[0][i].is_some_and(f64::is_finite))
            .collect();
        let x: Vec<f64> = cand.iter().map(|&i| xs[i].unwrap_or(0.0)).collect();
        let y: Vec<f64> = cand.iter().map(|&i| ys[0][i].unwrap_or(0.0)).collect();
        lttb(&x, &y, max).into_iter().map(|k| cand[k]).collect()
    } else {
        order
    };
    Ok(ChartData {
        kind: req.kind,
        x_type: x_type.into(),
        x: keep.iter().map(|&i| xs[i].unwrap_or(0.0)).collect(),
        categories: Vec::new(),
        series: req
            .ys
            .iter()
            .zip(&ys)
            .map(|(name, v)| ChartSeries {
                name: name.clone(),
                values: keep
                    .iter()
                    .map(|&i| v[i].filter(|f| f.is_finite()))
                    .collect(),
            })
            .collect(),
        rows: df.height() as u64,
        reduced,
        split_by: None,
    })
}

/// The request's x column, which the result must have.
pub(super) fn x_column<'a>(df: &DataFrame, req: &'a ChartRequest) -> Result<&'a str> {
    let x = req
        .x
        .as_deref()
        .ok_or_else(|| bad("choose an x column".into()))?;
    if df.column(x).is_err() {
        return Err(bad(format!("the result has no column {x}")));
    }
    Ok(x)
}

fn bars(df: &DataFrame, req: &ChartRequest) -> Result<ChartData> {
    let x = x_column(df, req)?;
    let agg = req.agg.as_deref().unwrap_or("sum");
    let mut aggs = vec![len().alias("__rows")];
    let mut names = Vec::new();
    for y in &req.ys {
        numbers(df, y)?;
        let (e, label) = aggregate(y, agg)?;
        aggs.push(e.alias(label.as_str()));
        names.push(label);
    }
    if names.is_empty() {
        aggs.push(len().cast(DataType::Float64).alias("count(*)"));
        names.push("count(*)".into());
    }
    let first = names[0].clone();
    let max = (req.max_points as usize).max(1);
    let grouped = df
        .clone()
        .lazy()
        .group_by_stable([col(x)])
        .agg(aggs)
        .collect()
        .map_err(pe)?;
    let reduced = grouped.height() > max;
    // The largest bars when there are too many; otherwise in x's order.
    let shown = if reduced {
        grouped
            .lazy()
            .sort(
                [first.as_str()],
                SortMultipleOptions::default()
                    .with_order_descending(true)
                    .with_nulls_last(true),
            )
            .limit(max as u32)
            .collect()
            .map_err(pe)?
    } else {
        grouped
            .lazy()
            .sort([x], SortMultipleOptions::default().with_nulls_last(true))
            .collect()
            .map_err(pe)?
    };
    let labels = shown
        .column(x)
        .map_err(pe)?
        .cast(&DataType::String)
        .map_err(pe)?;
    let categories = labels
        .str()
        .map_err(pe)?
        .iter()
        .map(|v| v.unwrap_or("NULL").to_string())
        .collect::<Vec<_>>();
    let series = names
        .iter()
        .map(|n| {
            let s = shown
                .column(n)
                .map_err(pe)?
                .cast(&DataType::Float64)
                .map_err(pe)?;
            Ok(ChartSeries {
                name: n.clone(),
                values: s.f64().map_err(pe)?.iter().collect(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ChartData {
        kind: ChartKind::Bar,
        x_type: "category".into(),
        x: (0..categories.len()).map(|i| i as f64).collect(),
        categories,
        series,
        rows: df.height() as u64,
        reduced,
        split_by: None,
    })
}

/// The aggregation `agg` of the column `y` per bar, and its label (`sum(y)`).
pub(super) fn aggregate(y: &str, agg: &str) -> Result<(Expr, String)> {
    let e = col(y).cast(DataType::Float64);
    Ok(match agg {
        "sum" => (e.sum(), format!("sum({y})")),
        "avg" => (e.mean(), format!("avg({y})")),
        "min" => (e.min(), format!("min({y})")),
        "max" => (e.max(), format!("max({y})")),
        "count" => (e.count().cast(DataType::Float64), format!("count({y})")),
        other => return Err(bad(format!("'{other}' is not sum, avg, min, max or count"))),
    })
}

fn histogram(df: &DataFrame, req: &ChartRequest) -> Result<ChartData> {
    let name = req
        .ys
        .first()
        .or(req.x.as_ref())
        .ok_or_else(|| bad("choose the column to count".into()))?;
    let (v, kind) = numbers(df, name)?;
    let v: Vec<f64> = v.into_iter().flatten().filter(|f| f.is_finite()).collect();
    let bins = (req.max_points as usize).clamp(1, 200);
    let (lo, hi) = v
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| {
            (l.min(x), h.max(x))
        });
    let mut counts = vec![0f64; if v.is_empty() { 0 } else { bins }];
    let width = if hi > lo {
        (hi - lo) / bins as f64
    } else {
        1.0
    };
    for x in &v {
        let b = (((x - lo) / width) as usize).min(bins - 1);
        counts[b] += 1.0;
    }
    let edge = |i: usize| lo + i as f64 * width;
    let label = |x: f64| {
        if kind == "time" {
            chrono::DateTime::from_timestamp_millis(x as i64)
                .map_or_else(|| x.to_string(), |t| t.format("%Y-%m-%d %H:%M").to_string())
        } else {
            format!("{}", (x * 1000.0).round() / 1000.0)
        }
    };
    Ok(ChartData {
        kind: ChartKind::Histogram,
        x_type: "category".into(),
        x: (0..counts.len()).map(|i| i as f64).collect(),
        categories: (0..counts.len())
            .map(|i| format!("{} – {}", label(edge(i)), label(edge(i + 1))))
            .collect(),
        series: vec![ChartSeries {
            name: format!("rows by {name}"),
            values: counts.into_iter().map(Some).collect(),
        }],
        rows: df.height() as u64,
        reduced: false,
        split_by: None,
    })
}

/// The series of `req` from `df` (a kept result's current view).
pub fn chart(df: &DataFrame, req: &ChartRequest) -> Result<ChartData> {
    match (req.kind, req.color.as_deref().filter(|c| !c.is_empty())) {
        (ChartKind::Line | ChartKind::Area | ChartKind::Scatter, Some(c)) => {
            return split::xy(df, req, c)
        }
        (ChartKind::Bar, Some(c)) => return split::bars(df, req, c),
        (ChartKind::Histogram, Some(c)) => {
            return Err(bad(format!(
                "a histogram is not coloured by a column ({c}); choose a bar chart of {c}, or no colour"
            )))
        }
        _ => {}
    }
    match req.kind {
        ChartKind::Line | ChartKind::Area | ChartKind::Scatter => xy(df, req),
        ChartKind::Bar => bars(df, req),
        ChartKind::Histogram => histogram(df, req),
    }
}

/// The bytes of a chart image the page drew: `png` (base64, as a canvas gives it, with or
/// without its `data:` prefix), checked to be a PNG. (No SVG from the page: an SVG can carry
/// scripts, and a check of markup drawn elsewhere is easy to get past.)
pub fn chart_file(format: &str, data: &str) -> Result<Vec<u8>> {
    use base64::Engine;
    match format {
        "png" => {
            let b64 = data.strip_prefix("data:image/png;base64,").unwrap_or(data);
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| bad(format!("the chart's PNG is not base64: {e}")))?;
            if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
                return Err(bad("the chart's image is not a PNG".into()));
            }
            Ok(bytes)
        }
        other => Err(bad(format!("'{other}' is not png"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request for `kind` of `ys` by `x`, not coloured.
    pub(super) fn req(kind: ChartKind, x: &str, ys: &[&str], max: u32) -> ChartRequest {
        ChartRequest {
            kind,
            x: Some(x.into()),
            ys: ys.iter().map(|s| s.to_string()).collect(),
            agg: None,
            max_points: max,
            color: None,
        }
    }

    #[test]
    fn chart_files_are_what_they_say() {
        let png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==";
        assert!(chart_file("png", png).unwrap().starts_with(b"\x89PNG"));
        assert!(chart_file("png", "aGVsbG8=").is_err());
        assert!(chart_file("png", "***").is_err());
        assert!(chart_file("gif", "x").is_err());
        assert!(chart_file("svg", "<svg/>").is_err());
    }

    #[test]
    fn lttb_keeps_the_ends_and_the_peaks() {
        let x: Vec<f64> = (0..1000).map(f64::from).collect();
        let mut y = vec![0.0; 1000];
        y[500] = 100.0;
        y[700] = -50.0;
        let k = lttb(&x, &y, 50);
        assert_eq!(k.len(), 50);
        assert_eq!((k[0], k[49]), (0, 999));
        assert!(k.contains(&500) && k.contains(&700), "{k:?}");
        assert!(k.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_line_is_ordered_by_x_and_downsampled_past_the_limit() {
        let n = 10_000;
        let df = df!(
            "t" => (0..n).rev().map(|i| i as i64 * 1000).collect::<Vec<_>>(),
            "v" => (0..n).map(|i| (i % 100) as f64).collect::<Vec<_>>(),
            "w" => (0..n).map(|i| i as f64).collect::<Vec<_>>(),
        )
        .unwrap();
        let d = chart(&df, &req(ChartKind::Line, "t", &["v", "w"], 500)).unwrap();
        assert_eq!(
            (d.x.len(), d.series.len(), d.rows, d.reduced),
            (500, 2, 10_000, true)
        );
        assert!(d.x.windows(2).all(|w| w[0] < w[1]));
        assert_eq!((d.x[0], d.x[499]), (0.0, 9_999_000.0));
        // The same rows for every series: w is n-1-t/1000 on each kept row.
        for (x, w) in d.x.iter().zip(&d.series[1].values) {
            assert_eq!(w.unwrap(), (n - 1) as f64 - x / 1000.0);
        }
        let small = chart(
            &df.head(Some(20)),
            &req(ChartKind::Scatter, "t", &["v"], 500),
        )
        .unwrap();
        assert_eq!((small.x.len(), small.reduced), (20, false));
        // Missing values are no dips: the kept points have values, the peak among them.
        let holes = df!(
            "t" => (0..n).map(|i| i as i64).collect::<Vec<_>>(),
            "v" => (0..n).map(|i| (i % 2 == 1).then_some(if i == 5001 { 1e6 } else { 1000.0 })).collect::<Vec<_>>(),
        )
        .unwrap();
        let h = chart(&holes, &req(ChartKind::Line, "t", &["v"], 100)).unwrap();
        assert!(h.series[0].values.iter().all(Option::is_some));
        assert!(h.series[0].values.contains(&Some(1e6)));
        let e = chart(&df, &req(ChartKind::Line, "nope", &["v"], 10)).unwrap_err();
        assert!(e.to_string().contains("no column nope"), "{e}");
    }

    #[test]
    fn bars_aggregate_per_value_and_keep_the_largest() {
        let df = df!(
            "city" => ["Rome", "Oslo", "Rome", "Lima", "Oslo", "Rome"],
            "n" => [1i64, 2, 3, 4, 5, 6],
            "when" => ["a", "b", "c", "d", "e", "f"],
        )
        .unwrap();
        let d = chart(&df, &req(ChartKind::Bar, "city", &["n"], 10)).unwrap();
        assert_eq!(d.categories, ["Lima", "Oslo", "Rome"]);
        assert_eq!(d.series[0].name, "sum(n)");
        assert_eq!(d.series[0].values, [Some(4.0), Some(7.0), Some(10.0)]);
        let mut top = req(ChartKind::Bar, "city", &["n"], 2);
        top.agg = Some("avg".into());
        let d = chart(&df, &top).unwrap();
        // Averages: Lima 4, Oslo 3.5, Rome 3.33; the two largest, largest first.
        assert_eq!(d.categories, ["Lima", "Oslo"]);
        assert!(d.reduced);
        assert_eq!(d.series[0].values, [Some(4.0), Some(3.5)]);
        let counts = chart(&df, &req(ChartKind::Bar, "city", &[], 10)).unwrap();
        assert_eq!(counts.series[0].values, [Some(1.0), Some(2.0), Some(3.0)]);
        let e = chart(&df, &req(ChartKind::Bar, "city", &["when"], 10)).unwrap_err();
        assert!(
            e.to_string().contains("when is VARCHAR, not a number"),
            "{e}"
        );
    }

    #[test]
    fn a_histogram_counts_every_value_once() {
        let df = df!("v" => (0..1000).map(f64::from).collect::<Vec<_>>()).unwrap();
        let mut r = req(ChartKind::Histogram, "v", &["v"], 10);
        r.x = None;
        let d = chart(&df, &r).unwrap();
        assert_eq!(d.categories.len(), 10);
        assert_eq!(d.series[0].values.iter().flatten().sum::<f64>(), 1000.0);
        assert!(d.series[0].values.iter().all(|v| *v == Some(100.0)));
        assert_eq!(d.categories[0], "0 – 99.9");
    }
}
