//! `lake report`: the monitoring charts drawn with plotters into one self-contained file, an
//! SVG, a PNG or an HTML page (the charts inline, with the figures and the slowest queries as
//! tables). Nothing in it loads anything from elsewhere.

use std::path::Path;

use plotters::prelude::*;

use super::MetricsReport;
use crate::error::{LakeError, Result};
use crate::query::chart::{ChartData, ChartKind, ChartSeries};
use crate::query::chart_svg::{draw, drawing};

/// A report file's kind, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// One SVG of all the charts.
    Svg,
    /// One PNG of all the charts.
    Png,
    /// An HTML page: figures, charts, slowest queries.
    Html,
}

/// The charts' grid: columns, rows, and each chart's size in pixels.
const GRID: (usize, usize) = (2, 3);
const PANEL: (u32, u32) = (760, 400);
const TITLE_HEIGHT: u32 = 48;

/// The image's size: the grid of charts under a title.
pub fn image_size() -> (u32, u32) {
    (
        PANEL.0 * GRID.0 as u32,
        PANEL.1 * GRID.1 as u32 + TITLE_HEIGHT,
    )
}

impl ReportFormat {
    /// The kind `path`'s extension names.
    pub fn of(path: &Path) -> Result<ReportFormat> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "svg" => Ok(ReportFormat::Svg),
            "png" => Ok(ReportFormat::Png),
            "html" | "htm" => Ok(ReportFormat::Html),
            _ => Err(LakeError::bad_input(
                path.display().to_string(),
                None,
                "a report is written as .html, .svg or .png; name the file with one of those",
            )),
        }
    }
}

fn series(name: &str, values: Vec<Option<f64>>) -> ChartSeries {
    ChartSeries {
        name: name.into(),
        values,
    }
}

fn time_chart(kind: ChartKind, x: Vec<f64>, series: Vec<ChartSeries>) -> ChartData {
    ChartData {
        kind,
        x_type: "time".into(),
        rows: x.len() as u64,
        x,
        categories: Vec::new(),
        series,
        reduced: false,
        split_by: None,
    }
}

const MB: f64 = 1024.0 * 1024.0;

/// The charts of a report, titled: latency, queries and errors, ingest throughput, lake size
/// over time, the app's memory and CPU, and the largest datasets.
pub fn panels(r: &MetricsReport) -> Vec<(String, ChartData)> {
    let qx: Vec<f64> = r.query_series.iter().map(|b| b.t).collect();
    let per = if r.bucket == "hour" { "hour" } else { "day" };
    let latency = time_chart(
        ChartKind::Line,
        qx.clone(),
        vec![
            series("p50 ms", r.query_series.iter().map(|b| b.p50_ms).collect()),
            series("p95 ms", r.query_series.iter().map(|b| b.p95_ms).collect()),
        ],
    );
    let counts = time_chart(
        ChartKind::Line,
        qx,
        vec![
            series(
                "queries",
                r.query_series
                    .iter()
                    .map(|b| Some(b.count as f64))
                    .collect(),
            ),
            series(
                "failed or cancelled",
                r.query_series
                    .iter()
                    .map(|b| Some(b.errors as f64))
                    .collect(),
            ),
        ],
    );
    let ingest = time_chart(
        ChartKind::Scatter,
        r.imports
            .iter()
            .map(|i| crate::catalog::metrics::ts_ms(&i.ts))
            .collect(),
        vec![series(
            "rows/s per import",
            r.imports.iter().map(|i| Some(i.rows_per_s())).collect(),
        )],
    );
    // The size holds until now: the last commit's size is carried to the report's end.
    let mut sizes_over_time = r.growth.clone();
    if let Some(last) = r.growth.last() {
        sizes_over_time.push(super::SizePoint {
            t: crate::catalog::metrics::ts_ms(&r.until).max(last.t),
            bytes: last.bytes,
        });
    }
    let growth = time_chart(
        ChartKind::Area,
        sizes_over_time.iter().map(|g| g.t).collect(),
        vec![series(
            "MB (current versions)",
            sizes_over_time
                .iter()
                .map(|g| Some(g.bytes as f64 / MB))
                .collect(),
        )],
    );
    let memory = time_chart(
        ChartKind::Line,
        r.process.iter().map(|p| p.t).collect(),
        vec![
            series(
                "memory MB",
                r.process
                    .iter()
                    .map(|p| Some(p.rss_bytes as f64 / MB))
                    .collect(),
            ),
            series(
                "CPU %",
                r.process.iter().map(|p| Some(p.cpu_percent)).collect(),
            ),
        ],
    );
    let largest: Vec<_> = r.storage.iter().take(12).collect();
    let sizes = ChartData {
        kind: ChartKind::Bar,
        x_type: "category".into(),
        x: (0..largest.len()).map(|i| i as f64).collect(),
        categories: largest.iter().map(|d| d.name.clone()).collect(),
        series: vec![series(
            "MB",
            largest.iter().map(|d| Some(d.bytes as f64 / MB)).collect(),
        )],
        rows: largest.len() as u64,
        reduced: r.storage.len() > largest.len(),
        split_by: None,
    };
    vec![
        (format!("Query latency per {per}"), latency),
        (format!("Queries and errors per {per}"), counts),
        ("Ingest throughput".into(), ingest),
        ("Lake size".into(), growth),
        ("App memory and CPU".into(), memory),
        ("Largest datasets".into(), sizes),
    ]
}

fn title(r: &MetricsReport) -> String {
    let since = if r.since.is_empty() {
        "all time".to_string()
    } else {
        format!(
            "since {}",
            r.since.get(..16).unwrap_or(&r.since).replace('T', " ")
        )
    };
    format!("Datapunk Lake metrics, {since} (UTC)")
}

/// The period the time charts span: the report's, or from the first thing recorded when it
/// covers all time.
fn period(r: &MetricsReport) -> (f64, f64) {
    let until = crate::catalog::metrics::ts_ms(&r.until);
    let since = if r.since.is_empty() {
        let firsts = [
            r.query_series.first().map(|b| b.t),
            r.imports
                .first()
                .map(|i| crate::catalog::metrics::ts_ms(&i.ts)),
            r.growth.first().map(|g| g.t),
            r.process.first().map(|p| p.t),
        ];
        firsts
            .into_iter()
            .flatten()
            .fold(until - 3_600_000.0, f64::min)
    } else {
        crate::catalog::metrics::ts_ms(&r.since)
    };
    (since, until.max(since + 60_000.0))
}

fn draw_all<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    r: &MetricsReport,
) -> Result<()> {
    crate::query::chart_svg::fonts();
    root.fill(&WHITE).map_err(drawing)?;
    let (top, body) = root.split_vertically(TITLE_HEIGHT);
    top.draw_text(
        &title(r),
        &("sans-serif", 22).into_font().color(&BLACK),
        (16, 14),
    )
    .map_err(drawing)?;
    let areas = body.split_evenly((GRID.1, GRID.0));
    let period = period(r);
    for ((name, data), area) in panels(r).iter().zip(areas.iter()) {
        if data.x.is_empty() {
            area.draw_text(
                &format!("{name}: nothing recorded in this period"),
                &("sans-serif", 16)
                    .into_font()
                    .color(&RGBColor(0x70, 0x70, 0x70)),
                (24, 24),
            )
            .map_err(drawing)?;
            continue;
        }
        let range = (data.x_type == "time").then_some(period);
        draw(area, data, name, range)?;
    }
    root.present().map_err(drawing)?;
    Ok(())
}

/// The charts as one SVG document.
pub fn svg(r: &MetricsReport) -> Result<String> {
    let mut out = String::new();
    draw_all(
        SVGBackend::with_string(&mut out, image_size()).into_drawing_area(),
        r,
    )?;
    Ok(out)
}

/// The charts as one PNG image.
pub fn png(r: &MetricsReport) -> Result<Vec<u8>> {
    let (w, h) = image_size();
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    draw_all(
        BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area(),
        r,
    )?;
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc
            .write_header()
            .map_err(|e| LakeError::Internal(format!("writing the PNG: {e}")))?;
        writer
            .write_image_data(&rgb)
            .map_err(|e| LakeError::Internal(format!("writing the PNG: {e}")))?;
    }
    Ok(out)
}

/// Text made safe inside HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn ms(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1} ms"))
        .unwrap_or_else(|| "—".into())
}

/// Bytes in the largest unit that fits.
pub fn bytes(b: u64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u < units.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", units[u])
    }
}

/// The report as one HTML page: its figures, the charts (inline SVG) and the slowest queries.
pub fn html(r: &MetricsReport) -> Result<String> {
    let q = &r.queries;
    let lake_bytes: u64 = r.storage.iter().map(|d| d.bytes).sum();
    let figures = [
        ("Queries", q.count.to_string()),
        ("Failed", q.errors.to_string()),
        ("Cancelled", q.cancelled.to_string()),
        ("Median time", ms(q.p50_ms)),
        ("95th percentile", ms(q.p95_ms)),
        (
            "Files pruned",
            format!("{} of {}", q.files_pruned, q.files_pruned + q.files_scanned),
        ),
        (
            "Row groups pruned",
            format!(
                "{} of {}",
                q.row_groups_pruned,
                q.row_groups_pruned + q.row_groups_read
            ),
        ),
        ("Read", bytes(q.bytes_scanned)),
        (
            "Cache hit rate",
            q.cache_hit_rate
                .map(|h| format!("{:.0}%", h * 100.0))
                .unwrap_or_else(|| "—".into()),
        ),
        ("Imports", r.import_count.to_string()),
        ("Rows imported", r.import_rows.to_string()),
        ("Failed imports", r.import_errors.to_string()),
        ("Lake size", bytes(lake_bytes)),
    ];
    let mut h = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
    );
    h.push_str(&format!("<title>{}</title>", esc(&title(r))));
    h.push_str(
        "<style>body{font:14px sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}\
         td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}\
         td.n{text-align:right}code{white-space:pre-wrap}svg{max-width:100%;height:auto}</style></head><body>",
    );
    h.push_str(&format!(
        "<h1>{}</h1><p>Made {} UTC.</p>",
        esc(&title(r)),
        esc(&r.until)
    ));
    h.push_str("<table id=\"figures\">");
    for (k, v) in figures {
        h.push_str(&format!(
            "<tr><th>{k}</th><td class=\"n\">{}</td></tr>",
            esc(&v)
        ));
    }
    h.push_str("</table>");
    h.push_str(&svg(r)?);
    h.push_str("<h2>Slowest queries</h2><table id=\"slowest\"><tr><th>When</th><th>Time</th><th>Status</th><th>Rows</th><th>SQL</th></tr>");
    for s in &r.slowest {
        let e = &s.entry;
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td><code>{}</code></td></tr>",
            esc(&e.ts),
            ms(Some(e.duration_ms)),
            esc(&e.status),
            e.rows.map(|r| r.to_string()).unwrap_or_default(),
            esc(&e.sql)
        ));
    }
    h.push_str("</table><h2>Datasets</h2><table id=\"datasets\"><tr><th>Dataset</th><th>Current version</th><th>All versions kept</th><th>Versions</th><th>Indexes</th></tr>");
    for d in &r.storage {
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&d.name),
            bytes(d.bytes),
            bytes(d.retained_bytes),
            d.versions,
            bytes(d.index_bytes)
        ));
    }
    h.push_str("</table></body></html>\n");
    Ok(h)
}

/// The report in `format`, as the file's bytes.
pub fn render(r: &MetricsReport, format: ReportFormat) -> Result<Vec<u8>> {
    Ok(match format {
        ReportFormat::Svg => svg(r)?.into_bytes(),
        ReportFormat::Png => png(r)?,
        ReportFormat::Html => html(r)?.into_bytes(),
    })
}
