//! A chart as an SVG file, drawn by the engine with plotters from the same series the page
//! draws ([`super::chart::chart`]): the page never hands over markup (an SVG can carry scripts),
//! only what to chart. Text is the result's own names and values, escaped by the SVG backend.

use plotters::prelude::*;

use super::chart::{ChartData, ChartKind};
use crate::error::{LakeError, Result};

const SIZE: (u32, u32) = (1000, 560);
/// The series' colours (the app's accent first).
const COLOURS: [RGBColor; 8] = [
    RGBColor(0x3b, 0x9e, 0xb0),
    RGBColor(0xe5, 0xa5, 0x50),
    RGBColor(0x8e, 0x6f, 0xd0),
    RGBColor(0x5c, 0xb8, 0x5c),
    RGBColor(0xd0, 0x5c, 0x5c),
    RGBColor(0x70, 0x70, 0x70),
    RGBColor(0xc0, 0x7a, 0x3a),
    RGBColor(0x3a, 0x6e, 0xc0),
];

/// The font charts are drawn in, bundled (DejaVu Sans, its licence beside it in `assets/`), so
/// a PNG has its text on any machine, offline.
const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Registers the bundled font as plotters' `sans-serif` (once; before anything is measured).
pub(crate) fn fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

pub(crate) fn drawing<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> LakeError {
    LakeError::Internal(format!("drawing the chart: {e}"))
}

/// An x value as its axis shows it.
fn x_label(data: &ChartData, v: f64) -> String {
    match data.x_type.as_str() {
        "time" => chrono::DateTime::from_timestamp_millis(v as i64)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        "category" => {
            let i = v.round();
            if (v - i).abs() < 1e-9 && i >= 0.0 {
                data.categories.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        }
        _ => format!("{v}"),
    }
}

/// The range of `values` with a margin, never empty.
fn span(values: impl Iterator<Item = f64>, from_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if from_zero {
        (lo, hi) = (lo.min(0.0), hi.max(0.0));
    }
    if hi - lo < 1e-12 {
        // One value: a tenth of it either side (at least 1), so the axis reads in its units.
        let d = (lo.abs() * 0.1).max(1.0);
        (lo, hi) = (lo - d, hi + d);
    }
    let pad = (hi - lo) * 0.05;
    (
        if from_zero && lo == 0.0 {
            0.0
        } else {
            lo - pad
        },
        hi + pad,
    )
}

/// `data` drawn as an SVG document titled `title`.
pub fn svg(data: &ChartData, title: &str) -> Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        draw(&root, data, title, None)?;
        root.present().map_err(drawing)?;
    }
    Ok(out)
}

/// `data` drawn on `area` (of any backend: SVG, or a bitmap for PNG) titled `title`, over
/// `x_range` when given (else over its points).
pub(crate) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    data: &ChartData,
    title: &str,
    x_range: Option<(f64, f64)>,
) -> Result<()> {
    fonts();
    let bars = matches!(data.kind, ChartKind::Bar | ChartKind::Histogram);
    let (x0, x1) = match (bars, x_range) {
        (true, _) => (-0.5, data.x.len().max(1) as f64 - 0.5),
        (false, Some(r)) => r,
        (false, None) => span(data.x.iter().copied(), false),
    };
    let ys = data
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied());
    let (y0, y1) = span(ys, bars || data.kind == ChartKind::Area);
    {
        let root = area;
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 18))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(drawing)?;
        let labels = if bars { data.x.len().clamp(1, 20) } else { 8 };
        chart
            .configure_mesh()
            .x_labels(labels)
            .x_label_formatter(&|v| x_label(data, *v))
            .light_line_style(RGBColor(0xee, 0xee, 0xee))
            .draw()
            .map_err(drawing)?;
        let width = 0.8 / data.series.len().max(1) as f64;
        for (k, s) in data.series.iter().enumerate() {
            let colour = COLOURS[k % COLOURS.len()];
            let points: Vec<(f64, f64)> = data
                .x
                .iter()
                .zip(&s.values)
                .filter_map(|(x, y)| y.map(|y| (*x, y)))
                .collect();
            let drawn = match data.kind {
                // Few points: each is marked too, so a lone one is seen.
                ChartKind::Line => chart.draw_series(
                    LineSeries::new(points, colour.stroke_width(2))
                        .point_size(if data.x.len() <= 60 { 3 } else { 0 }),
                ),
                ChartKind::Area => chart.draw_series(
                    AreaSeries::new(points, 0.0, colour.mix(0.25))
                        .border_style(colour.stroke_width(2)),
                ),
                ChartKind::Scatter => chart.draw_series(
                    points
                        .into_iter()
                        .map(|p| Circle::new(p, 3, colour.filled())),
                ),
                ChartKind::Bar | ChartKind::Histogram => {
                    let left = -0.4 + width * k as f64;
                    chart.draw_series(points.into_iter().map(|(x, y)| {
                        Rectangle::new([(x + left, 0.0), (x + left + width, y)], colour.filled())
                    }))
                }
            }
            .map_err(drawing)?;
            drawn.label(s.name.clone()).legend(move |(x, y)| {
                Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled())
            });
        }
        if !data.series.is_empty() {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK.mix(0.3))
                .draw()
                .map_err(drawing)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::chart::ChartSeries;

    fn data(kind: ChartKind, x_type: &str, x: Vec<f64>, categories: Vec<&str>) -> ChartData {
        ChartData {
            kind,
            x_type: x_type.into(),
            series: vec![ChartSeries {
                name: "sum(n) <&>".into(),
                values: x.iter().map(|v| Some(v * 2.0)).collect(),
            }],
            x,
            categories: categories.into_iter().map(String::from).collect(),
            rows: 3,
            reduced: false,
            split_by: None,
        }
    }

    #[test]
    fn charts_are_svg_documents_with_their_series_and_labels() {
        let t0 = 1_714_521_600_000.0; // 2024-05-01
        let line = svg(
            &data(
                ChartKind::Line,
                "time",
                vec![t0, t0 + 3.6e6, t0 + 7.2e6],
                vec![],
            ),
            "steps <script>",
        )
        .unwrap();
        assert!(line.starts_with("<svg"), "{line}");
        assert!(line.contains("<polyline"), "{line}");
        assert!(line.contains("2024-05-01 0"), "{line}");
        // Names and titles are text, escaped: no markup of theirs gets in.
        assert!(!line.contains("<script"), "{line}");
        assert!(line.contains("steps &lt;script&gt;"), "{line}");
        let bars = svg(
            &data(
                ChartKind::Bar,
                "category",
                vec![0.0, 1.0, 2.0],
                vec!["Paris", "Rome", "Oslo"],
            ),
            "cities",
        )
        .unwrap();
        assert!(bars.matches("<rect").count() >= 4, "{bars}");
        for c in ["Paris", "Rome", "Oslo"] {
            assert!(bars.contains(c), "{c}: {bars}");
        }
        let empty = ChartData {
            series: vec![],
            ..data(ChartKind::Scatter, "number", vec![], vec![])
        };
        assert!(svg(&empty, "nothing").unwrap().ends_with("</svg>\n"));
    }
}
