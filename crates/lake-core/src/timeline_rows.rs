//! The rows of a stretch of the timeline, from every source, in time order: what a day (or any
//! range picked on the axis) holds, as the app's day view lists it. Each row is summed up by
//! its first few filled columns; tagged personal data is masked as in any query's result.

use std::time::Instant;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{LakeError, Result};
use crate::quality::ident;
use crate::query::chart::numbers;
use crate::query::{mask, run_unlogged, QueryOptions};
use crate::timeline::{iso, sources, TimeSource, DAY_MS};
use crate::Lake;

/// Columns shown per row.
const FIELDS: usize = 5;
/// Characters shown per value.
const VALUE_CHARS: usize = 120;

/// The range to list.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RowsRequest {
    /// Its start, in milliseconds since 1970 (inclusive).
    pub from_ms: f64,
    /// Its end (exclusive).
    pub to_ms: f64,
    /// Rows listed at most, from all sources together (1 to 2,000).
    pub limit: u32,
}

/// A column's value in a listed row.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Field {
    /// The column.
    pub name: String,
    /// Its value as text (shortened).
    pub value: String,
}

/// One row on the timeline.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineRow {
    /// Its time, in milliseconds since 1970 (UTC).
    pub ms: f64,
    /// The dataset it is from.
    pub dataset: String,
    /// Its first filled columns (the time column left out).
    pub fields: Vec<Field>,
}

/// A source's rows in the range.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SourceCount {
    /// The dataset.
    pub dataset: String,
    /// Its time column.
    pub column: String,
    /// Its rows in the range.
    pub rows: u64,
    /// Whether it has coordinates (lon/lat) the map draws as a day's track.
    pub mappable: bool,
}

/// The rows of a range.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineRows {
    /// The range's start.
    pub from_ms: f64,
    /// Its end.
    pub to_ms: f64,
    /// The first rows of the range, by time, from every source.
    pub rows: Vec<TimelineRow>,
    /// Every source's count in the range (the listed rows may be fewer).
    pub sources: Vec<SourceCount>,
    /// Columns masked as personal data.
    pub masked: Vec<String>,
    /// The engine's time.
    pub elapsed_ms: f64,
}

/// The bounds of `[from, to)` as SQL literals for `s`'s column.
fn bounds(s: &TimeSource, from: f64, to: f64) -> (String, String) {
    if s.date {
        // A date is in the range when its day starts in it.
        let day = |ms: f64| iso((ms / DAY_MS).ceil() * DAY_MS)[..10].to_string();
        (
            format!("DATE '{}'", day(from)),
            format!("DATE '{}'", day(to)),
        )
    } else {
        (format!("'{}'", iso(from)), format!("'{}'", iso(to)))
    }
}

fn value_text(v: AnyValue<'_>) -> Option<String> {
    let text = match v {
        AnyValue::Null => return None,
        AnyValue::Float64(f) => format!("{}", (f * 1e6).round() / 1e6),
        AnyValue::Float32(f) => format!("{}", (f as f64 * 1e6).round() / 1e6),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        other => other.to_string(),
    };
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Some(match text.char_indices().nth(VALUE_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    })
}

/// The rows of `req`'s range from every dataset with a time column, in time order.
pub fn rows(lake: &Lake, req: &RowsRequest) -> Result<TimelineRows> {
    let start = Instant::now();
    let (from, to) = (req.from_ms, req.to_ms);
    if !(from.is_finite() && to.is_finite() && to > from) {
        return Err(LakeError::bad_input(
            "timeline rows",
            None,
            "the range's end must come after its start".to_string(),
        ));
    }
    let limit = req.limit.clamp(1, 2_000);
    let opts = QueryOptions::default();
    let mut out = Vec::new();
    let mut counts = Vec::new();
    let mut masked = Vec::new();
    for s in sources(lake)? {
        // A source whose first and last times (known, counted once per version) lie outside the
        // range has no row in it: no query.
        let outside = match (s.min_ms, s.max_ms) {
            (Some(lo), Some(hi)) => hi + 1.0 <= from || lo >= to,
            _ => true,
        };
        if outside {
            counts.push(SourceCount {
                dataset: s.dataset.clone(),
                column: s.column.clone(),
                rows: 0,
                mappable: false,
            });
            continue;
        }
        let (lo, hi) = bounds(&s, from, to);
        let (ds, col) = (ident(&s.dataset), ident(&s.column));
        let filter = format!("WHERE {col} >= {lo} AND {col} < {hi}");
        let n = run_unlogged(
            lake,
            &format!("SELECT count(*) AS n FROM {ds} {filter}"),
            &opts,
        )?;
        let n = numbers(&n.frame, "n")?
            .0
            .first()
            .copied()
            .flatten()
            .unwrap_or(0.0) as u64;
        counts.push(SourceCount {
            dataset: s.dataset.clone(),
            column: s.column.clone(),
            rows: n,
            mappable: n > 0 && s.mappable,
        });
        if n == 0 {
            continue;
        }
        let sql = format!("SELECT * FROM {ds} {filter} ORDER BY {col} LIMIT {limit}");
        let mut f = run_unlogged(lake, &sql, &opts)?.frame;
        for m in mask::mask_result(lake, &sql, &mut f)? {
            masked.push(format!("{}.{m}", s.dataset));
        }
        let times = numbers(&f, &s.column)?.0;
        for (i, t) in times.iter().enumerate() {
            let Some(ms) = t else { continue };
            let fields = f
                .columns()
                .iter()
                .filter(|c| c.name().as_str() != s.column)
                .filter_map(|c| {
                    let value = value_text(c.get(i).ok()?)?;
                    Some(Field {
                        name: c.name().to_string(),
                        value,
                    })
                })
                .take(FIELDS)
                .collect();
            out.push(TimelineRow {
                ms: *ms,
                dataset: s.dataset.clone(),
                fields,
            });
        }
    }
    // Time order across sources (stable: a source's own order within the same instant).
    out.sort_by(|a, b| a.ms.total_cmp(&b.ms));
    out.truncate(limit as usize);
    Ok(TimelineRows {
        from_ms: from,
        to_ms: to,
        rows: out,
        sources: counts,
        masked,
        elapsed_ms: start.elapsed().as_secs_f64() * 1000.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Mode;
    use crate::test_util::import_csv;

    #[test]
    fn a_day_lists_every_sources_rows_in_time_order_masked_where_tagged() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        let track = "ts,lat,lng\n2024-05-01T23:59:59Z,1,2\n2024-05-02T08:00:00Z,48.85,2.35\n\
                     2024-05-02T09:30:00+02:00,48.86,2.34\n2024-05-03T00:00:00Z,0,0\n";
        import_csv(&lake, dir.path(), "t.csv", "track", track, Mode::Replace);
        let mail = "ts,sender,subject\n2024-05-02T07:15:00Z,ann@example.com,Lunch?\n\
                    2024-05-02T10:00:00Z,bob@example.com,\n";
        import_csv(&lake, dir.path(), "m.csv", "mail", mail, Mode::Replace);
        let days = "day,note\n2024-05-02,holiday\n2024-05-03,next\n";
        import_csv(&lake, dir.path(), "d.csv", "days", days, Mode::Replace);
        let may2 = 1_714_608_000_000.0;
        let req = RowsRequest {
            from_ms: may2,
            to_ms: may2 + DAY_MS,
            limit: 100,
        };
        let r = rows(&lake, &req).unwrap();
        let listed: Vec<(String, &str, String)> = r
            .rows
            .iter()
            .map(|x| {
                let v: Vec<String> = x.fields.iter().map(|f| f.value.clone()).collect();
                (
                    iso(x.ms)[11..16].to_string(),
                    x.dataset.as_str(),
                    v.join(" · "),
                )
            })
            .collect();
        let want = [
            ("00:00", "days", "holiday"),
            ("07:15", "mail", "ann@example.com · Lunch?"),
            ("07:30", "track", "48.86 · 2.34"),
            ("08:00", "track", "48.85 · 2.35"),
            ("10:00", "mail", "bob@example.com"),
        ];
        let want: Vec<(String, &str, String)> = want
            .iter()
            .map(|(a, b, c)| (a.to_string(), *b, c.to_string()))
            .collect();
        assert_eq!(listed, want);
        let counts: Vec<(&str, u64)> = r
            .sources
            .iter()
            .map(|s| (s.dataset.as_str(), s.rows))
            .collect();
        assert_eq!(counts, [("days", 1), ("mail", 2), ("track", 2)]);
        // Only the source with coordinates offers its map.
        let mappable: Vec<(&str, bool)> = r
            .sources
            .iter()
            .map(|s| (s.dataset.as_str(), s.mappable))
            .collect();
        assert_eq!(
            mappable,
            [("days", false), ("mail", false), ("track", true)]
        );
        // The limit keeps the earliest rows of all sources together.
        let r = rows(
            &lake,
            &RowsRequest {
                limit: 2,
                ..req.clone()
            },
        )
        .unwrap();
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[1].dataset, "mail");
        // Tagged columns are masked when masking is on.
        crate::pii::tag(&lake, "mail", "sender", "email").unwrap();
        lake.catalog()
            .set_setting(mask::MASK_SETTING, "on")
            .unwrap();
        let r = rows(&lake, &req).unwrap();
        assert_eq!(r.masked, ["mail.sender"]);
        assert!(
            r.rows[1].fields[0].value.starts_with("a"),
            "{:?}",
            r.rows[1]
        );
        assert_ne!(r.rows[1].fields[0].value, "ann@example.com");
        let bad = RowsRequest {
            from_ms: may2,
            to_ms: may2,
            limit: 10,
        };
        assert!(rows(&lake, &bad).is_err());
    }
}
