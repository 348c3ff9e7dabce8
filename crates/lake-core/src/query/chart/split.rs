//! A chart coloured by a column: the y values split into one series per value of that column
//! (a line per city, bars per city stacked side by side).
//!
//! - The values with the most rows get their own series, at most [`MAX_GROUPS`]; the rest are
//!   one series, `other`. A NULL is its own value, `NULL`.
//! - Line, area and scatter: one y column. Each value's rows are ordered by x and downsampled
//!   (LTTB) on their own, to an equal share of the points; the x axis is the union of what is
//!   kept, and a series has no value at another series' x (the page draws its line across).
//! - Bar: the y columns aggregated per x and value; the x values with the most rows when there
//!   are too many.

use std::collections::HashMap;

use polars::prelude::*;

use super::{bad, lttb, numbers, pe, x_column, ChartData, ChartKind, ChartRequest, ChartSeries};
use crate::error::Result;

/// Series at most; past it the smallest values are one series, `other`.
pub const MAX_GROUPS: usize = 8;

/// The label of the series holding the values past [`MAX_GROUPS`].
pub const OTHER: &str = "other";

/// Each row's series: the labels in order (most rows first) and each row's index among them.
fn groups(df: &DataFrame, name: &str) -> Result<(Vec<String>, Vec<usize>)> {
    let c = df
        .column(name)
        .map_err(|_| bad(format!("the result has no column {name} to colour by")))?;
    let text = c.cast(&DataType::String).map_err(pe)?;
    let values = text.str().map_err(pe)?;
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for v in values.iter() {
        *counts.entry(v.unwrap_or("NULL")).or_default() += 1;
    }
    let mut order: Vec<(&str, usize)> = counts.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let own = if order.len() > MAX_GROUPS {
        MAX_GROUPS - 1
    } else {
        order.len()
    };
    let mut labels: Vec<String> = order[..own].iter().map(|(v, _)| v.to_string()).collect();
    let index: HashMap<&str, usize> = order[..own]
        .iter()
        .enumerate()
        .map(|(i, (v, _))| (*v, i))
        .collect();
    if own < order.len() {
        labels.push(OTHER.into());
    }
    let rows = values
        .iter()
        .map(|v| index.get(v.unwrap_or("NULL")).copied().unwrap_or(own))
        .collect();
    Ok((labels, rows))
}

/// The request's one y column (none: bars count rows), or an error saying to choose one.
fn one_y<'a>(req: &'a ChartRequest, color: &str) -> Result<Option<&'a str>> {
    match req.ys.as_slice() {
        [] => Ok(None),
        [y] => Ok(Some(y)),
        many => Err(bad(format!(
            "a chart coloured by {color} draws one y column; choose one (it has {})",
            many.len()
        ))),
    }
}

/// A series per label, in order.
fn named(labels: Vec<String>, values: Vec<Vec<Option<f64>>>) -> Vec<ChartSeries> {
    labels
        .into_iter()
        .zip(values)
        .map(|(name, values)| ChartSeries { name, values })
        .collect()
}

/// Line, area or scatter of one y, a series per value of `color`.
pub(super) fn xy(df: &DataFrame, req: &ChartRequest, color: &str) -> Result<ChartData> {
    let x_name = x_column(df, req)?;
    let Some(y_name) = one_y(req, color)? else {
        return Err(bad("choose a y column".into()));
    };
    let (xs, x_type) = numbers(df, x_name)?;
    let (ys, _) = numbers(df, y_name)?;
    let (labels, row_group) = groups(df, color)?;
    let mut per: Vec<Vec<usize>> = vec![Vec::new(); labels.len()];
    for i in 0..xs.len() {
        if xs[i].is_some_and(f64::is_finite) && ys[i].is_some_and(f64::is_finite) {
            per[row_group[i]].push(i);
        }
    }
    let share = ((req.max_points as usize) / labels.len().max(1)).max(3);
    let mut reduced = false;
    let mut kept: Vec<(f64, usize, f64)> = Vec::new();
    for (g, rows) in per.iter_mut().enumerate() {
        rows.sort_by(|&a, &b| {
            xs[a]
                .partial_cmp(&xs[b])
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let x: Vec<f64> = rows.iter().map(|&i| xs[i].unwrap_or(0.0)).collect();
        let y: Vec<f64> = rows.iter().map(|&i| ys[i].unwrap_or(0.0)).collect();
        let keep = if rows.len() > share {
            reduced = true;
            lttb(&x, &y, share)
        } else {
            (0..rows.len()).collect()
        };
        kept.extend(keep.into_iter().map(|k| (x[k], g, y[k])));
    }
    // The union of the kept x values; each series has its value at its own.
    kept.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    let mut x: Vec<f64> = Vec::new();
    let mut values: Vec<Vec<Option<f64>>> = vec![Vec::new(); labels.len()];
    for (kx, g, ky) in kept {
        // A new x for a new value, and for a second point of one series at the same x.
        if x.last() != Some(&kx) || values[g].last().is_some_and(Option::is_some) {
            x.push(kx);
            for v in values.iter_mut() {
                v.push(None);
            }
        }
        *values[g].last_mut().expect("a slot per x") = Some(ky);
    }
    Ok(ChartData {
        kind: req.kind,
        x_type: x_type.into(),
        x,
        categories: Vec::new(),
        series: named(labels, values),
        rows: df.height() as u64,
        reduced,
        split_by: Some(color.to_string()),
    })
}

/// Bars of one y (or of the rows) per x, a series per value of `color`.
pub(super) fn bars(df: &DataFrame, req: &ChartRequest, color: &str) -> Result<ChartData> {
    let x = x_column(df, req)?;
    let agg = req.agg.as_deref().unwrap_or("sum");
    let value = match one_y(req, color)? {
        None => len().cast(DataType::Float64),
        Some(y) => {
            numbers(df, y)?;
            super::aggregate(y, agg)?.0
        }
    };
    let (labels, row_group) = groups(df, color)?;
    let group_col = Column::new(
        "__series".into(),
        row_group.iter().map(|&g| g as u32).collect::<Vec<_>>(),
    );
    let mut with = df.clone();
    with.with_column(group_col).map_err(pe)?;
    let grouped = with
        .lazy()
        .group_by([col(x), col("__series")])
        .agg([value.alias("__value"), len().alias("__rows")])
        .collect()
        .map_err(pe)?;
    // The x values: all in order, or those with the most rows.
    let per_x = grouped
        .clone()
        .lazy()
        .group_by([col(x)])
        .agg([col("__rows").sum()])
        .collect()
        .map_err(pe)?;
    let max = (req.max_points as usize).max(1);
    let reduced = per_x.height() > max;
    let shown = if reduced {
        per_x
            .lazy()
            .sort(
                ["__rows"],
                SortMultipleOptions::default().with_order_descending(true),
            )
            .limit(max as u32)
    } else {
        per_x.lazy()
    }
    .sort([x], SortMultipleOptions::default().with_nulls_last(true))
    .collect()
    .map_err(pe)?;
    let text = |c: &Column| -> Result<Vec<String>> {
        Ok(c.cast(&DataType::String)
            .map_err(pe)?
            .str()
            .map_err(pe)?
            .iter()
            .map(|v| v.unwrap_or("NULL").to_string())
            .collect())
    };
    let categories = text(shown.column(x).map_err(pe)?)?;
    let at: HashMap<&str, usize> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let mut values = vec![vec![None; categories.len()]; labels.len()];
    let keys = text(grouped.column(x).map_err(pe)?)?;
    let series = grouped.column("__series").map_err(pe)?.u32().map_err(pe)?;
    let value = grouped
        .column("__value")
        .map_err(pe)?
        .cast(&DataType::Float64)
        .map_err(pe)?;
    for ((key, g), v) in keys
        .iter()
        .zip(series.iter())
        .zip(value.f64().map_err(pe)?.iter())
    {
        if let (Some(&i), Some(g)) = (at.get(key.as_str()), g) {
            values[g as usize][i] = v;
        }
    }
    Ok(ChartData {
        kind: ChartKind::Bar,
        x_type: "category".into(),
        x: (0..categories.len()).map(|i| i as f64).collect(),
        categories,
        series: named(labels, values),
        rows: df.height() as u64,
        reduced,
        split_by: Some(color.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::chart::chart;

    fn req(kind: ChartKind, x: &str, ys: &[&str], color: &str, max: u32) -> ChartRequest {
        ChartRequest {
            color: Some(color.into()),
            ..crate::query::chart::tests::req(kind, x, ys, max)
        }
    }

    #[test]
    fn a_line_per_value_each_with_its_own_points() {
        let df = df!(
            "t" => [5i64, 1, 2, 3, 4, 3],
            "v" => [50.0, 10.0, 20.0, 30.0, 40.0, 300.0],
            "city" => [Some("Rome"), Some("Rome"), Some("Oslo"), Some("Rome"), None, Some("Oslo")],
        )
        .unwrap();
        let d = chart(&df, &req(ChartKind::Line, "t", &["v"], "city", 1000)).unwrap();
        assert_eq!(d.split_by.as_deref(), Some("city"));
        assert_eq!(d.x, [1.0, 2.0, 3.0, 4.0, 5.0]);
        let names: Vec<&str> = d.series.iter().map(|s| s.name.as_str()).collect();
        // Rome has 3 rows, Oslo 2, NULL 1.
        assert_eq!(names, ["Rome", "Oslo", "NULL"]);
        assert_eq!(
            d.series[0].values,
            [Some(10.0), None, Some(30.0), None, Some(50.0)]
        );
        assert_eq!(
            d.series[1].values,
            [None, Some(20.0), Some(300.0), None, None]
        );
        assert_eq!(d.series[2].values, [None, None, None, Some(40.0), None]);
        assert!(!d.reduced);
        let two = req(ChartKind::Line, "t", &["v", "t"], "city", 1000);
        let e = chart(&df, &two).unwrap_err().to_string();
        assert!(e.contains("one y column"), "{e}");
        let e = chart(&df, &req(ChartKind::Line, "t", &["v"], "nope", 10))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no column nope to colour by"), "{e}");
    }

    #[test]
    fn many_values_keep_the_largest_and_one_other_and_each_is_downsampled() {
        let n = 20_000usize;
        let df = df!(
            "t" => (0..n as i64).collect::<Vec<_>>(),
            "v" => (0..n).map(|i| (i % 97) as f64).collect::<Vec<_>>(),
            // 12 values: k00 … k11, value j on (j + 1) rows of every 78.
            "k" => (0..n).map(|i| {
                let r = i % 78;
                let j = (0..12).find(|j| r < (j + 1) * (j + 2) / 2).unwrap();
                format!("k{j:02}")
            }).collect::<Vec<_>>(),
        )
        .unwrap();
        let d = chart(&df, &req(ChartKind::Scatter, "t", &["v"], "k", 800)).unwrap();
        let names: Vec<&str> = d.series.iter().map(|s| s.name.as_str()).collect();
        // The 7 values with the most rows, then the other 5 as one.
        assert_eq!(
            names,
            ["k11", "k10", "k09", "k08", "k07", "k06", "k05", OTHER]
        );
        assert!(d.reduced);
        for s in &d.series {
            let drawn = s.values.iter().flatten().count();
            assert!(drawn <= 800 / MAX_GROUPS, "{} has {drawn}", s.name);
        }
        assert!(d.x.windows(2).all(|w| w[0] <= w[1]));
        // Points of one series at the same x are all drawn (a scatter of integers).
        let same_x = df!(
            "x" => [1i64, 1, 1, 2],
            "y" => [5.0, 6.0, 7.0, 8.0],
            "c" => ["a", "a", "b", "a"],
        )
        .unwrap();
        let d = chart(&same_x, &req(ChartKind::Scatter, "x", &["y"], "c", 100)).unwrap();
        let a: Vec<f64> = d.series[0].values.iter().flatten().copied().collect();
        let b: Vec<f64> = d.series[1].values.iter().flatten().copied().collect();
        assert_eq!((a, b), (vec![5.0, 6.0, 8.0], vec![7.0]));
        assert_eq!(d.x, [1.0, 1.0, 2.0]);
    }

    #[test]
    fn bars_per_x_with_a_series_per_value() {
        let df = df!(
            "month" => ["Jan", "Jan", "Feb", "Feb", "Feb", "Mar"],
            "city" => ["Rome", "Oslo", "Rome", "Rome", "Oslo", "Oslo"],
            "n" => [1i64, 2, 3, 4, 5, 6],
        )
        .unwrap();
        let d = chart(&df, &req(ChartKind::Bar, "month", &["n"], "city", 10)).unwrap();
        assert_eq!(d.categories, ["Feb", "Jan", "Mar"]);
        let names: Vec<&str> = d.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Oslo", "Rome"]);
        assert_eq!(d.series[0].values, [Some(5.0), Some(2.0), Some(6.0)]);
        assert_eq!(d.series[1].values, [Some(7.0), Some(1.0), None]);
        // Only the x with the most rows, and the rows counted without a y.
        let d = chart(&df, &req(ChartKind::Bar, "month", &[], "city", 1)).unwrap();
        assert_eq!(
            (d.categories.clone(), d.reduced),
            (vec!["Feb".to_string()], true)
        );
        assert_eq!(d.series[0].values, [Some(1.0)]);
        assert_eq!(d.series[1].values, [Some(2.0)]);
    }
}
