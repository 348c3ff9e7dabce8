//! `lttb(time, value, n)`: a series downsampled to `n` points by Largest-Triangle-Three-Buckets
//! (the algorithm of TimescaleDB Toolkit's `lttb` and of the Chart pane), for charts of series
//! too long to draw:
//!
//! ```sql
//! SELECT lttb(ts, heart_rate, 500) FROM takeout.fit_samples WHERE ts >= '2024-01-01'
//! ```
//!
//! It is the whole SELECT list of the outer query, without GROUP BY: the answer is the kept
//! rows' two columns (named as the arguments when they are columns, else `time` and `value`),
//! in time order. The query runs as `SELECT time, value ... ORDER BY time` (rows without either
//! left out), and the points are picked from its answer.

use std::sync::Arc;

use polars::prelude::*;
use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr, Ident, OrderBy,
    OrderByExpr, OrderByKind, OrderByOptions, SelectItem, SetExpr, Statement, Value as SqlValue,
};

use crate::error::{LakeError, Result};

const NAME: &str = "lttb";

/// The points to keep.
#[derive(Debug, Clone)]
pub struct Lttb {
    keep: usize,
}

fn bad(message: String) -> LakeError {
    LakeError::Parse {
        message,
        position: None,
    }
}

fn is_lttb(e: &Expr) -> bool {
    matches!(e, Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case(NAME))
}

/// Reads `lttb(time, value, n)` as the outer SELECT list and turns the query into the series
/// it downsamples; `None` when the query does not call it.
pub fn prepare(statement: &mut Statement) -> Result<Option<Lttb>> {
    let uses = sqlparser::ast::visit_expressions(statement, |e| match is_lttb(e) {
        true => std::ops::ControlFlow::Break(()),
        false => std::ops::ControlFlow::Continue(()),
    });
    if uses.is_continue() {
        return Ok(None);
    }
    let usage = || {
        bad(format!(
            "{NAME}(time, value, n) is the whole SELECT list of the query, without GROUP BY: \
             SELECT {NAME}(ts, v, 500) FROM t"
        ))
    };
    let Statement::Query(q) = statement else {
        return Err(usage());
    };
    if q.limit_clause.is_some() || q.fetch.is_some() {
        return Err(bad(format!(
            "{NAME} picks its points itself: leave out LIMIT"
        )));
    }
    let SetExpr::Select(s) = q.body.as_mut() else {
        return Err(usage());
    };
    let grouped = !matches!(&s.group_by, GroupByExpr::Expressions(g, _) if g.is_empty());
    let [item] = s.projection.as_slice() else {
        return Err(usage());
    };
    let call = match item {
        SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e,
        _ => return Err(usage()),
    };
    let Expr::Function(f) = call else {
        return Err(usage());
    };
    if grouped || !is_lttb(call) || f.over.is_some() {
        return Err(usage());
    }
    let FunctionArguments::List(list) = &f.args else {
        return Err(usage());
    };
    let args: Vec<&Expr> = list
        .args
        .iter()
        .filter_map(|a| match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
            _ => None,
        })
        .collect();
    let [time, value, n] = args.as_slice() else {
        return Err(bad(format!(
            "{NAME} takes three arguments: (time, value, points)"
        )));
    };
    let keep = match n {
        Expr::Value(v) => match &v.value {
            SqlValue::Number(n, _) => n.parse::<usize>().ok(),
            _ => None,
        },
        _ => None,
    }
    .filter(|k| (3..=1_000_000).contains(k))
    .ok_or_else(|| {
        bad(format!(
            "{NAME}'s points are a whole number from 3 to 1000000, not {n}"
        ))
    })?;
    let name = |e: &Expr, default: &str| match e {
        Expr::Identifier(i) => i.value.clone(),
        Expr::CompoundIdentifier(p) => p.last().map_or(default.into(), |i| i.value.clone()),
        _ => default.into(),
    };
    let (t, v) = ((*time).clone(), (*value).clone());
    let (tn, vn) = (name(&t, "time"), name(&v, "value"));
    let not_null = |e: &Expr| Expr::IsNotNull(Box::new(Expr::Nested(Box::new(e.clone()))));
    let both = Expr::BinaryOp {
        left: Box::new(not_null(&t)),
        op: sqlparser::ast::BinaryOperator::And,
        right: Box::new(not_null(&v)),
    };
    s.selection = Some(match s.selection.take() {
        Some(w) => Expr::BinaryOp {
            left: Box::new(Expr::Nested(Box::new(w))),
            op: sqlparser::ast::BinaryOperator::And,
            right: Box::new(Expr::Nested(Box::new(both))),
        },
        None => both,
    });
    s.projection = vec![
        SelectItem::ExprWithAlias {
            expr: t.clone(),
            alias: Ident::with_quote('"', tn),
        },
        SelectItem::ExprWithAlias {
            expr: v,
            alias: Ident::with_quote('"', vn),
        },
    ];
    q.order_by = Some(OrderBy {
        kind: OrderByKind::Expressions(vec![OrderByExpr {
            expr: t,
            options: OrderByOptions {
                asc: Some(true),
                nulls_first: None,
            },
            with_fill: None,
        }]),
        interpolate: None,
    });
    Ok(Some(Lttb { keep }))
}

/// A column as numbers: times in milliseconds, numbers as they are.
fn as_f64(c: &Column) -> PolarsResult<Vec<f64>> {
    let s = match c.dtype() {
        DataType::Datetime(..) | DataType::Date | DataType::Duration(_) => {
            c.to_physical_repr().cast(&DataType::Float64)?
        }
        _ => c.cast(&DataType::Float64)?,
    };
    Ok(s.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

impl Lttb {
    /// Picks the points when `frame` runs.
    pub fn apply(self, frame: LazyFrame) -> LazyFrame {
        let keep = self.keep;
        frame.map(
            move |df: DataFrame| {
                let cols = df.columns();
                let (x, y) = (as_f64(&cols[0])?, as_f64(&cols[1])?);
                let picked = super::chart::lttb(&x, &y, keep);
                let idx = IdxCa::from_vec(
                    PlSmallStr::EMPTY,
                    picked.into_iter().map(|i| i as IdxSize).collect(),
                );
                df.take(&idx)
            },
            AllowedOptimizations::default(),
            None::<Arc<dyn UdfSchema>>,
            Some("LTTB downsample"),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::Mode;
    use crate::query::{output, run_query, QueryOptions};
    use crate::test_util::import_csv;
    use crate::Lake;

    #[test]
    fn a_long_series_comes_back_as_n_points_with_its_ends_and_peaks() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        let mut csv = String::from("ts,hr,kind\n");
        for i in 0..1000 {
            let hr = match i {
                400 => 190,
                700 => 40,
                _ => 60 + i % 7,
            };
            let t = 1_714_521_600 + i * 60;
            let ts = chrono::DateTime::from_timestamp(t, 0).unwrap();
            csv.push_str(&format!(
                "{},{hr},{}\n",
                ts.format("%Y-%m-%dT%H:%M:%SZ"),
                i % 2
            ));
        }
        csv.push_str(",99,0\n"); // no time: left out
        import_csv(&lake, dir.path(), "h.csv", "hr", &csv, Mode::Replace);
        let out = run_query(
            &lake,
            "SELECT lttb(ts, hr, 50) FROM hr WHERE kind = 0 OR kind = 1",
            &QueryOptions::default(),
        )
        .unwrap();
        let f = &out.frame;
        assert_eq!(f.height(), 50);
        assert_eq!(f.get_column_names(), ["ts", "hr"]);
        let mut buf = Vec::new();
        output::write_frame(f, output::OutputFormat::Csv, &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "2024-05-01T00:00:00Z,60");
        assert_eq!(lines[50], "2024-05-01T16:39:00Z,65");
        assert!(text.contains("2024-05-01T06:40:00Z,190"), "{text}");
        assert!(text.contains("2024-05-01T11:40:00Z,40"), "{text}");
        // In time order.
        let mut sorted = lines[1..].to_vec();
        sorted.sort();
        assert_eq!(sorted, lines[1..]);
        // A tagged value column is masked, though lttb makes two columns of one call.
        crate::pii::tag(&lake, "hr", "hr", "other").unwrap();
        lake.catalog()
            .set_setting(crate::query::mask::MASK_SETTING, "on")
            .unwrap();
        let out = run_query(
            &lake,
            "SELECT lttb(ts, hr, 50) FROM hr",
            &QueryOptions::default(),
        )
        .unwrap();
        assert!(out.masked.contains(&"hr".to_string()), "{:?}", out.masked);
        let hr = out.frame.column("hr").unwrap();
        let text = hr.cast(&polars::prelude::DataType::String).unwrap();
        assert!(!text.str().unwrap().iter().any(|v| v == Some("190")));
        for (sql, says) in [
            ("SELECT lttb(ts, hr, 2) FROM hr", "from 3 to 1000000"),
            ("SELECT kind, lttb(ts, hr, 20) FROM hr", "whole SELECT list"),
            ("SELECT lttb(ts, hr, 20) FROM hr LIMIT 5", "leave out LIMIT"),
            ("SELECT lttb(ts, hr) FROM hr", "three arguments"),
        ] {
            let Err(e) = run_query(&lake, sql, &QueryOptions::default()) else {
                panic!("{sql} ran");
            };
            assert!(e.to_string().contains(says), "{sql}: {e}");
        }
    }
}
