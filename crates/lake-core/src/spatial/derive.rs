//! A `geometry` column (WKB, lon/lat on WGS84) made from a table's coordinates, so the tables
//! the lake shapes itself (GPX points, the Takeout tables with places) are geometry to
//! GeoPandas, DuckDB and GDAL (GeoParquet metadata) and to the `ST_` functions.
//!
//! What the geometry is, from the columns there are:
//! - a WKT `path` (an activity's route) → that line;
//! - `start_` and `end_` coordinate pairs → the line between them;
//! - one unprefixed pair (`lon`/`lat`, `lng`/`lat`, `longitude`/`latitude`) → the point;
//! - `low_` and `high_` pairs → the rectangle between them.
//!
//! A row whose coordinates are missing (or not finite) gets a null geometry.

use geo::{Coord, Geometry, LineString, Point, Rect};
use polars::prelude::*;

use super::index::{coordinate_pairs, Target};
use crate::catalog::ColumnDef;

/// The name of the derived column.
pub const GEOMETRY: &str = "geometry";

type Pair = (String, String);

fn pair_with_prefix(pairs: &[Target], prefix: &str) -> Option<Pair> {
    pairs.iter().find_map(|t| match t {
        Target::Points { lon, lat } => {
            let lower = lon.to_ascii_lowercase();
            let rest = lower.strip_prefix(prefix)?;
            ["lon", "lng", "longitude"]
                .contains(&rest)
                .then(|| (lon.clone(), lat.clone()))
        }
        Target::Geometry(_) => None,
    })
}

/// How a frame with these columns gets its geometry, or None when it has no coordinates (or
/// already has a `geometry` column).
enum Rule {
    Path(String, Option<(Pair, Pair)>),
    Line(Pair, Pair),
    Point(Pair),
    Rect(Pair, Pair),
}

fn rule(schema: &Schema) -> Option<Rule> {
    if schema.contains(GEOMETRY) {
        return None;
    }
    let defs: Vec<ColumnDef> = schema
        .iter()
        .map(|(n, t)| ColumnDef {
            name: n.to_string(),
            dtype: t.to_string(),
        })
        .collect();
    let pairs = coordinate_pairs(&defs);
    let ends = pair_with_prefix(&pairs, "start_").zip(pair_with_prefix(&pairs, "end_"));
    if schema.get("path") == Some(&DataType::String) {
        return Some(Rule::Path("path".into(), ends));
    }
    if let Some((a, b)) = ends {
        return Some(Rule::Line(a, b));
    }
    if let Some(p) = pair_with_prefix(&pairs, "") {
        return Some(Rule::Point(p));
    }
    let rect = pair_with_prefix(&pairs, "low_").zip(pair_with_prefix(&pairs, "high_"));
    rect.map(|(a, b)| Rule::Rect(a, b))
}

fn coords(df: &DataFrame, (lon, lat): &Pair) -> PolarsResult<Vec<Option<Coord>>> {
    let x = df.column(lon)?.cast(&DataType::Float64)?;
    let y = df.column(lat)?.cast(&DataType::Float64)?;
    Ok(x.f64()?
        .iter()
        .zip(y.f64()?.iter())
        .map(|(x, y)| match (x, y) {
            (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Some(Coord { x, y }),
            _ => None,
        })
        .collect())
}

fn line(a: Option<Coord>, b: Option<Coord>) -> Option<Geometry> {
    match (a, b) {
        (Some(a), Some(b)) => Some(LineString::new(vec![a, b]).into()),
        (Some(a), None) | (None, Some(a)) => Some(Point(a).into()),
        (None, None) => None,
    }
}

fn geometries(df: &DataFrame, rule: &Rule) -> PolarsResult<Vec<Option<Geometry>>> {
    Ok(match rule {
        Rule::Point(p) => coords(df, p)?
            .into_iter()
            .map(|c| c.map(|c| Point(c).into()))
            .collect(),
        Rule::Line(a, b) => coords(df, a)?
            .into_iter()
            .zip(coords(df, b)?)
            .map(|(a, b)| line(a, b))
            .collect(),
        Rule::Rect(a, b) => coords(df, a)?
            .into_iter()
            .zip(coords(df, b)?)
            .map(|(a, b)| Some(Rect::new(a?, b?).to_polygon().into()))
            .collect(),
        Rule::Path(path, ends) => {
            let ends: Vec<Option<Geometry>> = match ends {
                Some((a, b)) => coords(df, a)?
                    .into_iter()
                    .zip(coords(df, b)?)
                    .map(|(a, b)| line(a, b))
                    .collect(),
                None => vec![None; df.height()],
            };
            df.column(path)?
                .str()?
                .iter()
                .zip(ends)
                .map(|(text, end)| {
                    // A path that does not read as WKT is text the lake did not write: the
                    // geometry falls back to the ends rather than failing the import.
                    let parsed = text.and_then(|t| super::text::from_wkt(t).ok().flatten());
                    parsed.or(end)
                })
                .collect()
        }
    })
}

/// Adds the `geometry` column to `df` when its columns hold coordinates (see the module
/// docs); leaves it as it is otherwise.
pub fn add_geometry(df: &mut DataFrame) -> PolarsResult<()> {
    let Some(rule) = rule(df.schema()) else {
        return Ok(());
    };
    let mut buf = Vec::new();
    let values: BinaryChunked = geometries(df, &rule)?
        .iter()
        .map(|g| {
            g.as_ref().map(|g| {
                buf.clear();
                super::wkb::write(g, &mut buf);
                buf.clone()
            })
        })
        .collect();
    df.with_column(values.with_name(GEOMETRY.into()).into_column())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wkt_of(df: &DataFrame) -> Vec<Option<String>> {
        df.column(GEOMETRY)
            .unwrap()
            .binary()
            .unwrap()
            .iter()
            .map(|b| {
                let g = super::super::wkb::read(b?).unwrap()?;
                Some(super::super::text::to_wkt(&g))
            })
            .collect()
    }

    #[test]
    fn points_from_lon_lat_with_nulls_left_null() {
        let mut df = df!(
            "lat" => [Some(52.5), None, Some(f64::NAN)],
            "lon" => [Some(13.4), Some(1.0), Some(2.0)],
        )
        .unwrap();
        add_geometry(&mut df).unwrap();
        assert_eq!(
            wkt_of(&df),
            vec![Some("POINT (13.4 52.5)".to_string()), None, None]
        );
    }

    #[test]
    fn segments_use_the_path_then_the_ends() {
        let mut df = df!(
            "start_lat" => [Some(1.0), Some(1.0), None],
            "start_lon" => [Some(2.0), Some(2.0), None],
            "end_lat" => [Some(3.0), Some(3.0), Some(5.0)],
            "end_lon" => [Some(4.0), Some(4.0), Some(6.0)],
            "path" => [Some("LINESTRING(2 1,9 9,4 3)"), Some("not wkt"), None],
        )
        .unwrap();
        add_geometry(&mut df).unwrap();
        assert_eq!(
            wkt_of(&df),
            vec![
                Some("LINESTRING (2 1, 9 9, 4 3)".to_string()),
                Some("LINESTRING (2 1, 4 3)".to_string()),
                Some("POINT (6 5)".to_string()),
            ]
        );
    }

    #[test]
    fn boxes_from_low_and_high_and_nothing_without_coordinates() {
        let mut df = df!(
            "low_lat" => [1.0], "low_lon" => [2.0], "high_lat" => [3.0], "high_lon" => [4.0],
        )
        .unwrap();
        add_geometry(&mut df).unwrap();
        assert_eq!(
            wkt_of(&df),
            vec![Some("POLYGON ((4 1, 4 3, 2 3, 2 1, 4 1))".to_string())]
        );
        let mut plain = df!("name" => ["a"], "lat" => ["text"]).unwrap();
        add_geometry(&mut plain).unwrap();
        assert_eq!(plain.width(), 2);
        // An existing geometry column is left alone.
        let mut has = df!("lat" => [1.0], "lon" => [2.0], "geometry" => ["x"]).unwrap();
        add_geometry(&mut has).unwrap();
        assert_eq!(has.width(), 3);
    }
}
