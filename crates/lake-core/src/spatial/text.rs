//! Geometry as text: WKT (read by the `wkt` crate, written here as DuckDB writes it:
//! `POINT (1 2)`) and GeoJSON geometry objects (RFC 7946), both ways.

use std::fmt::Write as _;
use std::str::FromStr;

use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon,
};
use serde_json::{json, Value};

/// Reads WKT (`EMPTY` points read as `None`).
pub fn from_wkt(text: &str) -> Result<Option<Geometry>, String> {
    // The parser recurses per bracket: a hostile text must not overflow the stack.
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => continue,
        }
        if depth > MAX_DEPTH + 3 {
            return Err(format!(
                "invalid WKT: brackets nested deeper than {} at character {i}",
                MAX_DEPTH + 3
            ));
        }
    }
    let squeezed: String = text
        .split_whitespace()
        .collect::<String>()
        .to_ascii_uppercase();
    if squeezed == "POINTEMPTY" {
        return Ok(None);
    }
    let w = wkt::Wkt::<f64>::from_str(text.trim()).map_err(|e| format!("invalid WKT: {e}"))?;
    match Geometry::try_from(w) {
        Ok(g) => Ok(Some(g)),
        Err(e) => Err(format!("invalid WKT: {e}")),
    }
}

fn num(out: &mut String, v: f64) {
    let _ = write!(out, "{v}");
}

fn coords(out: &mut String, cs: &[Coord]) {
    out.push('(');
    for (i, c) in cs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        num(out, c.x);
        out.push(' ');
        num(out, c.y);
    }
    out.push(')');
}

fn rings(out: &mut String, p: &Polygon) {
    if p.exterior().0.is_empty() {
        out.push_str("EMPTY");
        return;
    }
    out.push('(');
    coords(out, &p.exterior().0);
    for r in p.interiors() {
        out.push_str(", ");
        coords(out, &r.0);
    }
    out.push(')');
}

fn list<T>(out: &mut String, items: &[T], each: impl Fn(&mut String, &T)) {
    if items.is_empty() {
        out.push_str("EMPTY");
        return;
    }
    out.push('(');
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        each(out, it);
    }
    out.push(')');
}

/// `g` as WKT, `POINT (1 2)`.
pub fn to_wkt(g: &Geometry) -> String {
    let mut out = String::new();
    write_wkt(&mut out, g);
    out
}

fn write_wkt(out: &mut String, g: &Geometry) {
    match g {
        Geometry::Point(p) => {
            out.push_str("POINT ");
            coords(out, &[p.0]);
        }
        Geometry::LineString(l) => {
            out.push_str("LINESTRING ");
            if l.0.is_empty() {
                out.push_str("EMPTY");
            } else {
                coords(out, &l.0);
            }
        }
        Geometry::Polygon(p) => {
            out.push_str("POLYGON ");
            rings(out, p);
        }
        Geometry::MultiPoint(m) => {
            out.push_str("MULTIPOINT ");
            list(out, &m.0, |o, p| coords(o, &[p.0]));
        }
        Geometry::MultiLineString(m) => {
            out.push_str("MULTILINESTRING ");
            list(out, &m.0, |o, l| coords(o, &l.0));
        }
        Geometry::MultiPolygon(m) => {
            out.push_str("MULTIPOLYGON ");
            list(out, &m.0, rings);
        }
        Geometry::GeometryCollection(gc) => {
            out.push_str("GEOMETRYCOLLECTION ");
            list(out, &gc.0, write_wkt);
        }
        Geometry::Line(l) => write_wkt(out, &Geometry::LineString(LineString::from(*l))),
        Geometry::Rect(r) => write_wkt(out, &Geometry::Polygon(r.to_polygon())),
        Geometry::Triangle(t) => write_wkt(out, &Geometry::Polygon(t.to_polygon())),
    }
}

fn position(v: &Value) -> Result<Coord, String> {
    let a = v
        .as_array()
        .ok_or("a position must be an array [lon, lat]")?;
    match (
        a.first().and_then(Value::as_f64),
        a.get(1).and_then(Value::as_f64),
    ) {
        (Some(x), Some(y)) => Ok(Coord { x, y }),
        _ => Err("a position must hold two numbers [lon, lat]".into()),
    }
}

fn array<'a>(v: &'a Value, what: &str) -> Result<&'a Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| format!("{what} must be an array"))
}

fn line(v: &Value, what: &str) -> Result<LineString, String> {
    array(v, what)?
        .iter()
        .map(position)
        .collect::<Result<Vec<_>, _>>()
        .map(LineString::new)
}

fn polygon(v: &Value) -> Result<Polygon, String> {
    let mut rings = array(v, "Polygon coordinates")?
        .iter()
        .map(|r| line(r, "a polygon ring"))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter();
    let exterior = rings.next().unwrap_or_else(|| LineString::new(vec![]));
    Ok(Polygon::new(exterior, rings.collect()))
}

/// Nesting of collections deeper than this is refused.
const MAX_DEPTH: usize = 32;

/// Reads a GeoJSON geometry object.
pub fn from_geojson(g: &Value) -> Result<Geometry, String> {
    from_geojson_at(g, 0)
}

fn from_geojson_at(g: &Value, depth: usize) -> Result<Geometry, String> {
    let t = g
        .get("type")
        .and_then(Value::as_str)
        .ok_or("geometry has no `type`")?;
    let c = || {
        g.get("coordinates")
            .ok_or_else(|| format!("{t} has no `coordinates`"))
    };
    Ok(match t {
        "Point" => Point(position(c()?)?).into(),
        "LineString" => line(c()?, "LineString coordinates")?.into(),
        "Polygon" => polygon(c()?)?.into(),
        "MultiPoint" => MultiPoint(
            array(c()?, "MultiPoint coordinates")?
                .iter()
                .map(|p| position(p).map(Point))
                .collect::<Result<_, _>>()?,
        )
        .into(),
        "MultiLineString" => MultiLineString(
            array(c()?, "MultiLineString coordinates")?
                .iter()
                .map(|l| line(l, "a line"))
                .collect::<Result<_, _>>()?,
        )
        .into(),
        "MultiPolygon" => MultiPolygon(
            array(c()?, "MultiPolygon coordinates")?
                .iter()
                .map(polygon)
                .collect::<Result<_, _>>()?,
        )
        .into(),
        "GeometryCollection" => {
            if depth >= MAX_DEPTH {
                return Err(format!(
                    "geometry collections nested deeper than {MAX_DEPTH}"
                ));
            }
            let gs = g
                .get("geometries")
                .and_then(Value::as_array)
                .ok_or("GeometryCollection has no `geometries`")?;
            Geometry::GeometryCollection(GeometryCollection(
                gs.iter()
                    .map(|s| from_geojson_at(s, depth + 1))
                    .collect::<Result<_, _>>()?,
            ))
        }
        other => return Err(format!("unknown geometry type `{other}`")),
    })
}

fn pos_json(c: &Coord) -> Value {
    json!([c.x, c.y])
}

fn line_json(l: &LineString) -> Value {
    Value::Array(l.0.iter().map(pos_json).collect())
}

fn poly_json(p: &Polygon) -> Value {
    if p.exterior().0.is_empty() {
        return json!([]);
    }
    let mut rings = vec![line_json(p.exterior())];
    rings.extend(p.interiors().iter().map(line_json));
    Value::Array(rings)
}

/// `g` as a GeoJSON geometry object.
pub fn to_geojson(g: &Geometry) -> Value {
    match g {
        Geometry::Point(p) => json!({"type": "Point", "coordinates": pos_json(&p.0)}),
        Geometry::LineString(l) => json!({"type": "LineString", "coordinates": line_json(l)}),
        Geometry::Polygon(p) => json!({"type": "Polygon", "coordinates": poly_json(p)}),
        Geometry::MultiPoint(m) => json!({"type": "MultiPoint",
            "coordinates": m.0.iter().map(|p| pos_json(&p.0)).collect::<Vec<_>>()}),
        Geometry::MultiLineString(m) => json!({"type": "MultiLineString",
            "coordinates": m.0.iter().map(line_json).collect::<Vec<_>>()}),
        Geometry::MultiPolygon(m) => json!({"type": "MultiPolygon",
            "coordinates": m.0.iter().map(poly_json).collect::<Vec<_>>()}),
        Geometry::GeometryCollection(gc) => json!({"type": "GeometryCollection",
            "geometries": gc.0.iter().map(to_geojson).collect::<Vec<_>>()}),
        Geometry::Line(l) => to_geojson(&Geometry::LineString(LineString::from(*l))),
        Geometry::Rect(r) => to_geojson(&Geometry::Polygon(r.to_polygon())),
        Geometry::Triangle(t) => to_geojson(&Geometry::Polygon(t.to_polygon())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wkt_and_geojson_round_trip() {
        for text in [
            "POINT (2.5 48)",
            "LINESTRING (0 0, 1 1)",
            "POLYGON ((0 0, 1 0, 1 1, 0 0), (0.1 0.1, 0.2 0.1, 0.2 0.2, 0.1 0.1))",
            "MULTIPOINT ((1 2), (3 4))",
            "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))",
            "GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (0 0, 2 2))",
        ] {
            let g = from_wkt(text).unwrap().unwrap();
            assert_eq!(to_wkt(&g), text);
            assert_eq!(from_geojson(&to_geojson(&g)).unwrap(), g);
        }
        assert_eq!(from_wkt("POINT EMPTY").unwrap(), None);
        let deep = "GEOMETRYCOLLECTION (".repeat(200_000) + "POINT (1 2)";
        assert!(from_wkt(&deep).unwrap_err().contains("nested deeper than"));
        assert!(from_wkt("POINT (1)")
            .unwrap_err()
            .starts_with("invalid WKT"));
        assert!(from_geojson(&json!({"type": "Circle"}))
            .unwrap_err()
            .contains("unknown geometry type `Circle`"));
        assert!(
            from_geojson(&json!({"type": "Point", "coordinates": ["a", 1]}))
                .unwrap_err()
                .contains("two numbers")
        );
    }
}
