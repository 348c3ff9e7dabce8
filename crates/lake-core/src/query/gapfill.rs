//! Gap filling, as TimescaleDB users write it:
//!
//! ```sql
//! SELECT time_bucket_gapfill(INTERVAL '1 hour', ts, '2024-03-01', '2024-03-02') AS hour, kind,
//!        avg(v) AS mean, locf(avg(v)) AS last_seen, interpolate(avg(v)) AS smooth
//! FROM events GROUP BY hour, kind ORDER BY hour
//! ```
//!
//! The answer has a row for every bucket from `start` (inclusive) to `finish` (exclusive) for
//! each value of the other GROUP BY columns; without them, from the first to the last bucket
//! with data. A bucket without rows has NULL aggregates; `locf(x)` carries the last value
//! before it forward, and `interpolate(x)` draws a straight line, in time, between the values
//! on either side (a DOUBLE; NULL before the first and after the last value).
//!
//! The query runs with `time_bucket` in its place; the filling is a step over its (grouped,
//! so small) answer, followed by the query's ORDER BY and LIMIT, which must name output columns.
//! Buckets are counted in UTC from the same origin as `time_bucket`'s.

use std::ops::ControlFlow;
use std::sync::Arc;

use polars::prelude::*;
use sqlparser::ast::{
    visit_expressions, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr,
    LimitClause, OrderByKind, SelectItem, SetExpr, Statement, Value as SqlValue,
};

use super::time_bucket::{self, Width};
use crate::error::{LakeError, Result};

const NAME: &str = "time_bucket_gapfill";
/// More rows than this from filling is surely a mistake in `start`, `finish` or the width.
const MAX_ROWS: usize = 5_000_000;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fill {
    Locf,
    Interpolate,
}

/// What to fill, read from the query.
#[derive(Debug, Clone)]
pub struct GapFill {
    width: Width,
    start: Option<i64>,
    finish: Option<i64>,
    bucket: usize,
    keys: Vec<usize>,
    fills: Vec<(usize, Fill)>,
    order: Vec<(usize, bool)>,
    limit: Option<(usize, usize)>,
}

fn bad(message: String) -> LakeError {
    LakeError::Parse {
        message,
        position: None,
    }
}

fn name_of(e: &Expr) -> Option<String> {
    match e {
        Expr::Function(f) => Some(f.name.to_string().to_lowercase()),
        _ => None,
    }
}

fn args_of(e: &mut Expr) -> Option<&mut Vec<FunctionArg>> {
    match e {
        Expr::Function(f) => match &mut f.args {
            FunctionArguments::List(l) => Some(&mut l.args),
            _ => None,
        },
        _ => None,
    }
}

fn arg_expr(a: &FunctionArg) -> Option<&Expr> {
    match a {
        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
        _ => None,
    }
}

/// A literal time (`'2024-03-01'`, `TIMESTAMP '2024-03-01 10:00'`) in microseconds, UTC.
fn literal_time(e: &Expr) -> Option<i64> {
    let text = match e {
        Expr::Value(v) => match &v.value {
            SqlValue::SingleQuotedString(s) => s.clone(),
            _ => return None,
        },
        Expr::TypedString(t) => match &t.value.value {
            SqlValue::SingleQuotedString(s) => s.clone(),
            _ => return None,
        },
        _ => return None,
    };
    crate::temporal::parse_datetime_us(&text).or_else(|| {
        let d = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
        Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_micros())
    })
}

/// Width text from an `INTERVAL '1 hour'` or `'1 hour'` argument.
fn width_of(e: &Expr) -> Option<Width> {
    let text = match e {
        Expr::Value(v) => match &v.value {
            SqlValue::SingleQuotedString(s) => s.clone(),
            _ => return None,
        },
        Expr::Interval(_) => e.to_string(),
        _ => return None,
    };
    time_bucket::parse_width(&text).ok()
}

/// Finds `time_bucket_gapfill` in the outer SELECT list and turns the query into one
/// `time_bucket` can run; `None` when the query does not use it.
pub fn prepare(statement: &mut Statement) -> Result<Option<GapFill>> {
    let uses = visit_expressions(statement, |e| match name_of(e).as_deref() {
        Some(NAME | "locf" | "interpolate") => ControlFlow::Break(()),
        _ => ControlFlow::Continue(()),
    });
    if uses.is_continue() {
        return Ok(None);
    }
    let outer_only = || {
        bad(format!(
            "{NAME}, locf and interpolate go in the outer SELECT list, each as a whole column \
             (e.g. `{NAME}(INTERVAL '1 hour', ts) AS hour`, `locf(avg(v)) AS v`)"
        ))
    };
    let Statement::Query(q) = statement else {
        return Err(outer_only());
    };
    if q.fetch.is_some() {
        return Err(bad(format!("with {NAME}, write LIMIT rather than FETCH")));
    }
    let SetExpr::Select(s) = q.body.as_mut() else {
        return Err(outer_only());
    };
    let GroupByExpr::Expressions(groups, _) = &s.group_by else {
        return Err(bad(format!("{NAME} needs GROUP BY with its bucket")));
    };
    let groups = groups.clone();
    let mut spec = GapFill {
        width: Width::Micros(1),
        start: None,
        finish: None,
        bucket: usize::MAX,
        keys: Vec::new(),
        fills: Vec::new(),
        order: Vec::new(),
        limit: None,
    };
    let mut names: Vec<Option<String>> = Vec::new();
    for (i, item) in s.projection.iter_mut().enumerate() {
        let (e, alias) = match item {
            SelectItem::UnnamedExpr(e) => (e, None),
            SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value.clone())),
            _ => return Err(bad(format!("{NAME} needs named columns, not *"))),
        };
        let grouped = groups.iter().any(|g| match g {
            Expr::Identifier(id) => {
                g == e
                    || alias
                        .as_ref()
                        .is_some_and(|a| a.eq_ignore_ascii_case(&id.value))
            }
            Expr::Value(v) => matches!(&v.value, SqlValue::Number(n, _) if n.parse() == Ok(i + 1)),
            _ => g == e,
        });
        names.push(alias.clone().or_else(|| match e {
            Expr::Identifier(id) => Some(id.value.clone()),
            _ => None,
        }));
        match name_of(e).as_deref() {
            Some(NAME) => {
                if spec.bucket != usize::MAX {
                    return Err(bad(format!("{NAME} can appear once")));
                }
                let args = args_of(e).ok_or_else(outer_only)?;
                if !(2..=4).contains(&args.len()) {
                    return Err(bad(format!(
                        "{NAME}(width, time [, start [, finish]]) takes 2 to 4 arguments"
                    )));
                }
                spec.width = args
                    .first()
                    .and_then(arg_expr)
                    .and_then(width_of)
                    .ok_or_else(|| {
                        bad(format!("{NAME}'s width is an interval: INTERVAL '1 hour'"))
                    })?;
                let time = |k: usize, what: &str| -> Result<Option<i64>> {
                    match args.get(k).and_then(arg_expr) {
                        None => Ok(None),
                        Some(Expr::Value(v)) if matches!(v.value, SqlValue::Null) => Ok(None),
                        Some(x) => literal_time(x).map(Some).ok_or_else(|| {
                            bad(format!(
                                "{NAME}'s {what} is a literal time, such as '2024-03-01' or \
                                 '2024-03-01T10:00:00Z'; found {x}"
                            ))
                        }),
                    }
                };
                spec.start = time(2, "start")?;
                spec.finish = time(3, "finish")?;
                args.truncate(2);
                if let Expr::Function(f) = e {
                    f.name = sqlparser::ast::ObjectName::from(vec![sqlparser::ast::Ident::new(
                        "time_bucket",
                    )]);
                }
                if !grouped {
                    return Err(bad(format!(
                        "GROUP BY {NAME}'s column by its name or number (GROUP BY hour, or \
                         GROUP BY 1)"
                    )));
                }
                spec.bucket = i;
            }
            Some(f @ ("locf" | "interpolate")) => {
                let fill = if f == "locf" {
                    Fill::Locf
                } else {
                    Fill::Interpolate
                };
                let inner = args_of(e)
                    .filter(|a| a.len() == 1)
                    .and_then(|a| arg_expr(&a[0]).cloned())
                    .ok_or_else(|| bad(format!("{f} takes one aggregate: {f}(avg(v))")))?;
                *e = inner;
                spec.fills.push((i, fill));
            }
            _ if grouped => spec.keys.push(i),
            _ => {}
        }
    }
    let items: Vec<(Option<String>, Option<Expr>)> = s
        .projection
        .iter()
        .map(|item| match item {
            SelectItem::UnnamedExpr(e) => (None, Some(e.clone())),
            SelectItem::ExprWithAlias { expr, alias } => {
                (Some(alias.value.clone()), Some(expr.clone()))
            }
            _ => (None, None),
        })
        .collect();
    for g in &groups {
        let listed = items.iter().enumerate().any(|(i, (alias, e))| match g {
            Expr::Identifier(id) => {
                alias
                    .as_ref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(&id.value))
                    || e.as_ref() == Some(g)
            }
            Expr::Value(v) => matches!(&v.value, SqlValue::Number(n, _) if n.parse() == Ok(i + 1)),
            _ => e.as_ref() == Some(g),
        });
        // (The bucket's own call was renamed above: its GROUP BY names it by alias or number.)
        if !listed {
            return Err(bad(format!(
                "with {NAME}, every GROUP BY column is in the SELECT list too (`{g}` is not): \
                 the gaps are filled per value of those columns"
            )));
        }
    }
    if spec.bucket == usize::MAX && spec.fills.is_empty() {
        return Err(outer_only());
    }
    if spec.bucket == usize::MAX {
        return Err(bad(format!(
            "locf and interpolate fill the gaps of {NAME}(…); add it to the SELECT list and \
             GROUP BY"
        )));
    }
    if let (Some(a), Some(b)) = (spec.start, spec.finish) {
        if b <= a {
            return Err(bad(format!("{NAME}'s finish must be after its start")));
        }
    }
    // Nested uses (in a subquery, an expression, WHERE...) are left: refuse them.
    let left = visit_expressions(&**q, |e| match name_of(e).as_deref() {
        Some(NAME | "locf" | "interpolate") => ControlFlow::Break(()),
        _ => ControlFlow::Continue(()),
    });
    if left.is_break() {
        return Err(outer_only());
    }
    if let Some(ob) = q.order_by.take() {
        let OrderByKind::Expressions(items) = ob.kind else {
            return Err(bad(
                "ORDER BY ALL is not read with time_bucket_gapfill".into()
            ));
        };
        for o in items {
            let at = match &o.expr {
                Expr::Identifier(id) => names.iter().position(|n| {
                    n.as_ref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(&id.value))
                }),
                Expr::Value(v) => match &v.value {
                    SqlValue::Number(n, _) => {
                        n.parse::<usize>().ok().and_then(|k| k.checked_sub(1))
                    }
                    _ => None,
                },
                _ => None,
            };
            let at = at.filter(|k| *k < names.len()).ok_or_else(|| {
                bad(format!(
                    "with {NAME}, ORDER BY names output columns (or their numbers); `{}` is not one",
                    o.expr
                ))
            })?;
            spec.order.push((at, o.options.asc == Some(false)));
        }
    }
    if let Some(l) = q.limit_clause.take() {
        let number = |e: &Expr| match e {
            Expr::Value(v) => match &v.value {
                SqlValue::Number(n, _) => n.parse::<usize>().ok(),
                _ => None,
            },
            _ => None,
        };
        let (limit, offset) = match &l {
            LimitClause::LimitOffset { limit, offset, .. } => (
                limit.as_ref().map(number),
                offset.as_ref().map(|o| number(&o.value)),
            ),
            LimitClause::OffsetCommaLimit { offset, limit } => {
                (Some(number(limit)), Some(number(offset)))
            }
        };
        let (Some(limit), offset) = (limit.unwrap_or(Some(usize::MAX)), offset.unwrap_or(Some(0)))
        else {
            return Err(bad("LIMIT with time_bucket_gapfill takes a number".into()));
        };
        spec.limit = Some((offset.unwrap_or(0), limit));
    }
    Ok(Some(spec))
}

/// A step over a query's answer: gap filling, or LTTB downsampling ([`super::lttb`]).
pub enum PostStep {
    /// `time_bucket_gapfill`.
    Gapfill(GapFill),
    /// `lttb(time, value, n)`.
    Lttb(super::lttb::Lttb),
}

impl PostStep {
    /// The step over `frame`'s answer, when it runs.
    pub fn apply(self, frame: LazyFrame) -> LazyFrame {
        match self {
            PostStep::Gapfill(g) => g.apply(frame),
            PostStep::Lttb(l) => l.apply(frame),
        }
    }
}

/// The step the query asks for over its answer, if any; the query is made ready for it.
pub fn prepare_post(statement: &mut Statement) -> Result<Option<PostStep>> {
    if let Some(g) = prepare(statement)? {
        return Ok(Some(PostStep::Gapfill(g)));
    }
    Ok(super::lttb::prepare(statement)?.map(PostStep::Lttb))
}

fn engine(message: String) -> PolarsError {
    PolarsError::ComputeError(message.into())
}

/// The bucket after `b`.
fn next(w: Width, b: i64) -> i64 {
    match w {
        Width::Micros(us) => b.saturating_add(us),
        Width::Months(m) => {
            let d = chrono::DateTime::from_timestamp_micros(b).unwrap_or_default();
            d.checked_add_months(chrono::Months::new(m as u32))
                .map_or(i64::MAX, |d| d.timestamp_micros())
        }
    }
}

/// The bucket holding `t`, counted as `time_bucket` counts by default.
fn bucket_of(w: Width, t: i64) -> i64 {
    match w {
        Width::Micros(us) => time_bucket::bucket_micros(us, t, time_bucket::ORIGIN_US),
        Width::Months(m) => time_bucket::bucket_months(m, t, time_bucket::ORIGIN_MONTHS),
    }
}

/// Microseconds of a time column's values (NULL stays None).
fn micros(c: &Column) -> PolarsResult<Vec<Option<i64>>> {
    let per = match c.dtype() {
        DataType::Datetime(TimeUnit::Nanoseconds, _) => -1000,
        DataType::Datetime(TimeUnit::Milliseconds, _) => 1000,
        DataType::Datetime(TimeUnit::Microseconds, _) => 1,
        DataType::Date => 86_400_000_000,
        other => return Err(engine(format!("{NAME} buckets a time, not a {other}"))),
    };
    let p = c.to_physical_repr().cast(&DataType::Int64)?;
    Ok(p.i64()?
        .iter()
        .map(|v| v.map(|v| if per < 0 { v.div_euclid(-per) } else { v * per }))
        .collect())
}

/// Whether rows `a` and `b` have the same values in `keys`.
fn same_keys(df: &DataFrame, keys: &[usize], a: usize, b: usize) -> PolarsResult<bool> {
    for &k in keys {
        let c = &df.columns()[k];
        if c.get(a)? != c.get(b)? {
            return Ok(false);
        }
    }
    Ok(true)
}

impl GapFill {
    /// Fills `frame`'s gaps when it runs.
    pub fn apply(self, frame: LazyFrame) -> LazyFrame {
        let me = Arc::new(self);
        let schema_of = me.clone();
        let schema = move |s: &Schema| -> PolarsResult<SchemaRef> {
            let mut s = s.clone();
            for (i, f) in &schema_of.fills {
                if *f == Fill::Interpolate {
                    if let Some((_, dt)) = s.get_at_index_mut(*i) {
                        *dt = DataType::Float64;
                    }
                }
            }
            Ok(Arc::new(s))
        };
        frame.map(
            move |df| me.fill(df),
            AllowedOptimizations::default(),
            Some(Arc::new(schema)),
            Some("gap fill"),
        )
    }

    fn fill(&self, df: DataFrame) -> PolarsResult<DataFrame> {
        let cols = df.get_column_names_owned();
        let by: Vec<PlSmallStr> = self
            .keys
            .iter()
            .chain([&self.bucket])
            .map(|i| cols[*i].clone())
            .collect();
        let df = df.sort(by, SortMultipleOptions::default().with_nulls_last(true))?;
        let times = micros(&df.columns()[self.bucket])?;
        // Each output row: its data row (if any), its group's first row and its bucket.
        let (mut rows, mut firsts, mut buckets) = (Vec::new(), Vec::new(), Vec::new());
        let mut start = 0;
        while start < df.height() {
            let mut end = start + 1;
            while end < df.height() && same_keys(&df, &self.keys, start, end)? {
                end += 1;
            }
            let known: Vec<i64> = times[start..end].iter().flatten().copied().collect();
            let lo = self.start.map(|s| bucket_of(self.width, s));
            let lo = lo.or(known.first().copied());
            let hi = self.finish.or(known.last().map(|l| l.saturating_add(1)));
            let mut at = start;
            let mut b = lo.unwrap_or(i64::MAX);
            let hi = hi.unwrap_or(i64::MIN);
            loop {
                // Data rows before the next generated bucket (outside the range too) come first.
                while at < end && times[at].is_some_and(|t| t < b || b >= hi) {
                    rows.push(Some(at as IdxSize));
                    buckets.push(times[at]);
                    firsts.push(start as IdxSize);
                    at += 1;
                }
                if b >= hi {
                    break;
                }
                let hit = at < end && times[at] == Some(b);
                rows.push(hit.then_some(at as IdxSize));
                buckets.push(Some(b));
                firsts.push(start as IdxSize);
                at += usize::from(hit);
                if rows.len() > MAX_ROWS {
                    return Err(engine(format!(
                        "{NAME} would make more than {MAX_ROWS} rows: narrow its start and \
                         finish, or widen its buckets"
                    )));
                }
                b = next(self.width, b);
            }
            for (r, t) in times.iter().enumerate().take(end).skip(at) {
                rows.push(Some(r as IdxSize));
                buckets.push(*t);
                firsts.push(start as IdxSize);
            }
            start = end;
        }
        let rows_idx = IdxCa::from_iter_options(PlSmallStr::EMPTY, rows.iter().copied());
        let firsts_idx = IdxCa::from_vec(PlSmallStr::EMPTY, firsts.clone());
        let bucket_col = &df.columns()[self.bucket];
        let (unit, tz) = match bucket_col.dtype() {
            DataType::Datetime(u, tz) => (*u, tz.clone()),
            _ => (TimeUnit::Microseconds, None),
        };
        // The values are UTC microseconds: given the column's zone as they are, then its unit.
        let bucket_values =
            Int64Chunked::from_iter_options(cols[self.bucket].clone(), buckets.iter().copied())
                .into_datetime(TimeUnit::Microseconds, tz.clone())
                .into_series()
                .cast(&DataType::Datetime(unit, tz))?
                .cast(bucket_col.dtype())?;
        let mut out = Vec::with_capacity(cols.len());
        for (i, c) in df.columns().iter().enumerate() {
            let col = if i == self.bucket {
                bucket_values.clone().into_column()
            } else if self.keys.contains(&i) {
                c.take(&firsts_idx)?
            } else {
                let taken = c.take(&rows_idx)?;
                match self.fills.iter().find(|(k, _)| *k == i).map(|f| f.1) {
                    Some(Fill::Locf) => locf(&taken, &firsts)?,
                    Some(Fill::Interpolate) => interpolate(&taken, &firsts, &buckets)?,
                    None => taken,
                }
            };
            out.push(col);
        }
        let mut df = DataFrame::new_infer_height(out)?;
        if !self.order.is_empty() {
            let names: Vec<PlSmallStr> = self.order.iter().map(|(i, _)| cols[*i].clone()).collect();
            let desc: Vec<bool> = self.order.iter().map(|(_, d)| *d).collect();
            // As in SQL: NULLs after the values going up, before them going down.
            let nulls_last: Vec<bool> = desc.iter().map(|d| !d).collect();
            df = df.sort(
                names,
                SortMultipleOptions::default()
                    .with_order_descending_multi(desc)
                    .with_nulls_last_multi(nulls_last)
                    .with_maintain_order(true),
            )?;
        }
        if let Some((offset, limit)) = self.limit {
            df = df.slice(offset.min(df.height()) as i64, limit);
        }
        Ok(df)
    }
}

/// `c` with each NULL replaced by the last value before it in its group.
fn locf(c: &Column, groups: &[IdxSize]) -> PolarsResult<Column> {
    let nulls = c.is_null();
    let mut last: Option<IdxSize> = None;
    let idx = IdxCa::from_iter_options(
        PlSmallStr::EMPTY,
        nulls.iter().enumerate().map(|(i, null)| {
            if i > 0 && groups[i] != groups[i - 1] {
                last = None;
            }
            if null != Some(true) {
                last = Some(i as IdxSize);
            }
            last
        }),
    );
    c.take(&idx)
}

/// `c` as DOUBLE with each NULL between two values of its group drawn on the straight line
/// between them, by time.
fn interpolate(c: &Column, groups: &[IdxSize], times: &[Option<i64>]) -> PolarsResult<Column> {
    let f = c.cast(&DataType::Float64)?;
    let mut v: Vec<Option<f64>> = f.f64()?.iter().collect();
    let mut prev: Option<usize> = None;
    for i in 0..v.len() {
        if i > 0 && groups[i] != groups[i - 1] {
            prev = None;
        }
        if v[i].is_none() || times[i].is_none() {
            continue;
        }
        if let Some(p) = prev.filter(|p| *p + 1 < i) {
            let (t0, t1) = (times[p].unwrap_or(0) as f64, times[i].unwrap_or(0) as f64);
            let (y0, y1) = (v[p].unwrap_or(0.0), v[i].unwrap_or(0.0));
            for j in p + 1..i {
                if let Some(t) = times[j] {
                    v[j] = Some(y0 + (y1 - y0) * (t as f64 - t0) / (t1 - t0));
                }
            }
        }
        prev = Some(i);
    }
    Ok(Float64Chunked::from_iter_options(c.name().clone(), v.into_iter()).into_column())
}

#[cfg(test)]
mod tests {
    use crate::ingest::Mode;
    use crate::query::{output, run_query, QueryOptions};
    use crate::test_util::import_csv;
    use crate::Lake;

    fn csv(lake: &Lake, sql: &str) -> String {
        let out = run_query(lake, sql, &QueryOptions::default()).unwrap();
        let mut buf = Vec::new();
        output::write_frame(&out.frame, output::OutputFormat::Csv, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    fn lake() -> (tempfile::TempDir, Lake) {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        // Times as Takeout writes them, some with offsets; one without a time.
        let text = "ts,kind,v\n2024-03-01T10:05:00Z,a,1\n2024-03-01T11:40:00+01:00,b,2\n\
                    2024-03-01T13:10:00Z,a,7\n2024-03-01T15:00:00Z,b,4\n,a,9\n";
        import_csv(&lake, dir.path(), "e.csv", "ev", text, Mode::Replace);
        (dir, lake)
    }

    #[test]
    fn gaps_are_filled_per_group_with_locf_and_interpolate() {
        let (_d, lake) = lake();
        let got = csv(
            &lake,
            "SELECT time_bucket_gapfill(INTERVAL '1 hour', ts, '2024-03-01T09:00:00Z', \
             '2024-03-01T17:00:00Z') AS hour, kind, sum(v) AS s, locf(sum(v)) AS l, \
             interpolate(sum(v)) AS i FROM ev GROUP BY hour, kind ORDER BY kind, hour",
        );
        let want = "hour,kind,s,l,i\n\
            2024-03-01T09:00:00Z,a,,,\n2024-03-01T10:00:00Z,a,1,1,1.0\n\
            2024-03-01T11:00:00Z,a,,1,3.0\n2024-03-01T12:00:00Z,a,,1,5.0\n\
            2024-03-01T13:00:00Z,a,7,7,7.0\n2024-03-01T14:00:00Z,a,,7,\n\
            2024-03-01T15:00:00Z,a,,7,\n2024-03-01T16:00:00Z,a,,7,\n,a,9,9,9.0\n\
            2024-03-01T09:00:00Z,b,,,\n2024-03-01T10:00:00Z,b,2,2,2.0\n\
            2024-03-01T11:00:00Z,b,,2,2.4\n2024-03-01T12:00:00Z,b,,2,2.8\n\
            2024-03-01T13:00:00Z,b,,2,3.2\n2024-03-01T14:00:00Z,b,,2,3.6\n\
            2024-03-01T15:00:00Z,b,4,4,4.0\n2024-03-01T16:00:00Z,b,,4,\n";
        assert_eq!(got, want);
        // Without start and finish: from the first to the last bucket with data; months on
        // the calendar; ORDER BY ... DESC and LIMIT after the filling.
        let got = csv(
            &lake,
            "SELECT time_bucket_gapfill(INTERVAL '1 hour', ts) AS hour, count(*) AS n FROM ev \
             WHERE ts IS NOT NULL GROUP BY 1 ORDER BY hour DESC LIMIT 3 OFFSET 1",
        );
        assert_eq!(
            got,
            "hour,n\n2024-03-01T14:00:00Z,\n2024-03-01T13:00:00Z,1\n2024-03-01T12:00:00Z,\n"
        );
        let got = csv(
            &lake,
            "SELECT time_bucket_gapfill(INTERVAL '1 month', ts, '2024-01-15', '2024-05-01') AS m, \
             count(ts) AS n FROM ev WHERE ts IS NOT NULL GROUP BY m",
        );
        assert_eq!(
            got,
            "m,n\n2024-01-01T00:00:00Z,\n2024-02-01T00:00:00Z,\n2024-03-01T00:00:00Z,4\n\
             2024-04-01T00:00:00Z,\n"
        );
    }

    #[test]
    fn misuse_gets_a_clear_error() {
        let (_d, lake) = lake();
        for (sql, says) in [
            ("SELECT locf(v) AS x FROM ev", "add it to the SELECT list"),
            (
                "SELECT time_bucket_gapfill(INTERVAL '1 hour', ts) AS h, count(*) AS n FROM ev \
                 GROUP BY kind",
                "GROUP BY time_bucket_gapfill's column",
            ),
            (
                "SELECT time_bucket_gapfill(INTERVAL '1 hour', ts, 'soon') AS h, count(*) AS n \
                 FROM ev GROUP BY h",
                "start is a literal time",
            ),
            (
                "SELECT time_bucket_gapfill(INTERVAL '1 hour', ts, '2024-03-02', '2024-03-01') \
                 AS h, count(*) AS n FROM ev GROUP BY h",
                "finish must be after its start",
            ),
            (
                "SELECT h FROM (SELECT time_bucket_gapfill(INTERVAL '1 hour', ts) AS h FROM ev \
                 GROUP BY h) t",
                "outer SELECT list",
            ),
            (
                "SELECT time_bucket_gapfill(INTERVAL '1 hour', ts) AS h, count(*) AS n FROM ev \
                 GROUP BY h ORDER BY count(*)",
                "ORDER BY names output columns",
            ),
            (
                "SELECT time_bucket_gapfill(INTERVAL '1 hour', ts) AS h, locf(avg(v)) AS v FROM ev \
                 GROUP BY h, kind",
                "every GROUP BY column is in the SELECT list too (`kind` is not)",
            ),
            (
                "SELECT time_bucket_gapfill(INTERVAL '1 hour', ts) AS h, count(*) AS n FROM ev \
                 GROUP BY h ORDER BY h FETCH FIRST 3 ROWS ONLY",
                "rather than FETCH",
            ),
            (
                "SELECT time_bucket_gapfill(INTERVAL '1 second', ts, '2000-01-01', '2030-01-01') \
                 AS h, count(*) AS n FROM ev GROUP BY h",
                "would make more than 5000000 rows",
            ),
        ] {
            let Err(e) = run_query(&lake, sql, &QueryOptions::default()) else {
                panic!("{sql} ran");
            };
            assert!(e.to_string().contains(says), "{sql}: {e}");
        }
    }
}
