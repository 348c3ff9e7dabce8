//! GeoJSON features (properties as columns, geometry as WKB and WKT, lon/lat for points) and GPX
//! track points, route points and waypoints.

use std::fmt::Write as _;

use quick_xml::events::Event;
use serde_json::{Map, Value};

use super::records::{open_counting, Flow, Item, RecordCap, RecordSource};
use super::table::LType;
use super::ReadCtx;
use crate::error::ReadError;
use crate::error::{LakeError, Result};

/// Column types that GeoJSON flattening fixes.
pub const GEOJSON_TYPES: &[(&str, LType)] = &[
    ("geometry_type", LType::Utf8),
    ("geometry_wkt", LType::Utf8),
    ("geometry_wkb", LType::BinaryHex),
    ("lon", LType::Float64),
    ("lat", LType::Float64),
];

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Flattens one GeoJSON feature into a record.
pub fn flatten_feature(
    mut f: Map<String, Value>,
) -> std::result::Result<Map<String, Value>, ReadError> {
    if f.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err("expected a GeoJSON Feature".into());
    }
    let mut out = Map::new();
    if let Some(id) = f.remove("id") {
        out.insert("id".into(), id);
    }
    if let Some(Value::Object(props)) = f.remove("properties") {
        for (k, v) in props {
            let k = if GEOJSON_TYPES.iter().any(|(n, _)| *n == k) || k == "id" {
                format!("prop_{k}")
            } else {
                k
            };
            out.insert(k, v);
        }
    }
    let geometry = f.remove("geometry").unwrap_or(Value::Null);
    let (gtype, wkt, wkb, lon, lat) = if geometry.is_null() {
        (
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
        )
    } else {
        let g = crate::spatial::text::from_geojson(&geometry).map_err(ReadError::from)?;
        let t = geometry.get("type").cloned().unwrap_or(Value::Null);
        let (lon, lat) = match &g {
            geo::Geometry::Point(p) => (Value::from(p.x()), Value::from(p.y())),
            _ => (Value::Null, Value::Null),
        };
        (
            t,
            Value::String(crate::spatial::text::to_wkt(&g)),
            Value::String(hex(&crate::spatial::wkb::to_vec(&g))),
            lon,
            lat,
        )
    };
    out.insert("geometry_type".into(), gtype);
    out.insert("geometry_wkt".into(), wkt);
    out.insert("geometry_wkb".into(), wkb);
    out.insert("lon".into(), lon);
    out.insert("lat".into(), lat);
    Ok(out)
}

/// Column types of GPX points.
pub const GPX_TYPES: &[(&str, LType)] = &[
    ("kind", LType::Utf8),
    ("track", LType::Utf8),
    ("segment", LType::Int64),
    ("ts", LType::Datetime),
    ("lat", LType::Float64),
    ("lon", LType::Float64),
    ("elevation_m", LType::Float64),
    ("name", LType::Utf8),
];

/// Largest single piece of a GPX file (a text or a tag).
pub const MAX_XML_EVENT: u64 = 16 << 20;
/// Deepest element nesting accepted in a GPX file.
pub const MAX_XML_DEPTH: usize = 256;

/// Track points (`trkpt`), route points (`rtept`) and waypoints (`wpt`) of a GPX file.
pub struct GpxSource<'a> {
    /// The read context.
    pub ctx: &'a ReadCtx<'a>,
}

#[derive(Default)]
struct Point {
    kind: &'static str,
    lat: Option<f64>,
    lon: Option<f64>,
    ele: Option<f64>,
    time: Option<String>,
    name: Option<String>,
}

impl RecordSource for GpxSource<'_> {
    fn run(&mut self, f: &mut dyn FnMut(Item) -> Result<Flow>) -> Result<()> {
        let r = open_counting(self.ctx)?;
        // One piece of XML (a text, a tag) may not hold more than MAX_XML_EVENT bytes, nor the
        // elements nest deeper than MAX_XML_DEPTH: a GPX point is a few hundred bytes.
        let since = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let r = std::io::BufReader::new(RecordCap {
            inner: r,
            since: since.clone(),
            max: MAX_XML_EVENT,
        });
        let mut reader = quick_xml::Reader::from_reader(r);
        reader.config_mut().trim_text(true);
        let mut buf = Vec::new();
        let mut track: Option<String> = None;
        let mut segment: i64 = -1;
        let mut point: Option<Point> = None;
        let mut path: Vec<Vec<u8>> = Vec::new();
        let mut n = 0u64;
        let err = |reader: &quick_xml::Reader<_>, msg: String| {
            LakeError::bad_input(
                &self.ctx.display,
                Some(format!("byte {}", reader.buffer_position())),
                msg,
            )
        };
        loop {
            since.store(0, std::sync::atomic::Ordering::Relaxed);
            let ev = reader.read_event_into(&mut buf).map_err(|e| {
                let what = if matches!(e, quick_xml::Error::Io(_)) {
                    format!(
                        "{e}: one text or tag is larger than {} MiB, more than a GPX file holds",
                        MAX_XML_EVENT >> 20
                    )
                } else {
                    format!("invalid XML: {e}")
                };
                err(&reader, what)
            })?;
            match ev {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let is_empty = matches!(ev, Event::Empty(_));
                    let name = e.local_name().as_ref().to_vec();
                    match name.as_slice() {
                        b"trk" | b"rte" => {
                            track = None;
                            segment = if name == b"rte" { 0 } else { -1 };
                        }
                        b"trkseg" => segment += 1,
                        b"trkpt" | b"rtept" | b"wpt" => {
                            let mut p = Point {
                                kind: match name.as_slice() {
                                    b"trkpt" => "track_point",
                                    b"rtept" => "route_point",
                                    _ => "waypoint",
                                },
                                ..Default::default()
                            };
                            for a in e.attributes().flatten() {
                                let v =
                                    String::from_utf8_lossy(&a.value).trim().parse::<f64>().ok();
                                match a.key.local_name().as_ref() {
                                    b"lat" => p.lat = v,
                                    b"lon" => p.lon = v,
                                    _ => {}
                                }
                            }
                            if is_empty {
                                n += 1;
                                if emit(f, p, &track, segment, n)? == Flow::Stop {
                                    return Ok(());
                                }
                            } else {
                                point = Some(p);
                            }
                        }
                        _ => {}
                    }
                    if !is_empty {
                        if path.len() >= MAX_XML_DEPTH {
                            return Err(err(
                                &reader,
                                format!("elements nest deeper than {MAX_XML_DEPTH} levels"),
                            ));
                        }
                        path.push(name);
                    }
                }
                Event::Text(t) => {
                    let text = String::from_utf8_lossy(t.as_ref()).trim().to_string();
                    let parent = path.last().map(|v| v.as_slice());
                    let grand = path.len().checked_sub(2).map(|i| path[i].as_slice());
                    match (parent, grand, point.as_mut()) {
                        (Some(b"ele"), _, Some(p)) => p.ele = text.parse().ok(),
                        (Some(b"time"), _, Some(p)) => p.time = Some(text),
                        (Some(b"name"), _, Some(p)) => p.name = Some(text),
                        (Some(b"name"), Some(b"trk" | b"rte"), None) => track = Some(text),
                        _ => {}
                    }
                }
                Event::End(e) => {
                    let name = e.local_name().as_ref().to_vec();
                    path.pop();
                    if matches!(name.as_slice(), b"trkpt" | b"rtept" | b"wpt") {
                        if let Some(p) = point.take() {
                            n += 1;
                            if emit(f, p, &track, segment, n)? == Flow::Stop {
                                return Ok(());
                            }
                        }
                    }
                }
                Event::Eof => return Ok(()),
                _ => {}
            }
            buf.clear();
        }
    }
}

fn emit(
    f: &mut dyn FnMut(Item) -> Result<Flow>,
    p: Point,
    track: &Option<String>,
    segment: i64,
    n: u64,
) -> Result<Flow> {
    let loc = format!("point {n}");
    if p.lat.is_none() || p.lon.is_none() {
        return f(Item::Bad(
            loc,
            "point without numeric lat/lon attributes".into(),
        ));
    }
    let mut m = Map::new();
    m.insert("kind".into(), p.kind.into());
    m.insert(
        "track".into(),
        if p.kind == "waypoint" {
            Value::Null
        } else {
            track.clone().map_or(Value::Null, Value::String)
        },
    );
    m.insert(
        "segment".into(),
        if p.kind == "waypoint" {
            Value::Null
        } else {
            Value::from(segment.max(0))
        },
    );
    m.insert("ts".into(), p.time.map_or(Value::Null, Value::String));
    m.insert("lat".into(), p.lat.into());
    m.insert("lon".into(), p.lon.into());
    m.insert("elevation_m".into(), p.ele.map_or(Value::Null, Value::from));
    m.insert("name".into(), p.name.map_or(Value::Null, Value::String));
    f(Item::Record(m, loc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_feature_has_wkt_wkb_and_lon_lat() {
        let f: Map<String, Value> = serde_json::from_str(
            r#"{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Point","coordinates":[2.5,48.0]}}"#,
        )
        .unwrap();
        let r = flatten_feature(f).unwrap();
        assert_eq!(r["geometry_wkt"], "POINT (2.5 48)");
        assert_eq!(r["lon"], 2.5);
        assert_eq!(r["lat"], 48.0);
        // 1 byte order + 4 type + 16 coordinates
        assert_eq!(r["geometry_wkb"].as_str().unwrap().len(), 42);
        assert!(r["geometry_wkb"]
            .as_str()
            .unwrap()
            .starts_with("0101000000"));
    }

    #[test]
    fn polygon_wkt() {
        let f: Map<String, Value> = serde_json::from_str(
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}"#,
        )
        .unwrap();
        let r = flatten_feature(f).unwrap();
        assert_eq!(r["geometry_wkt"], "POLYGON ((0 0, 1 0, 1 1, 0 0))");
        assert_eq!(r["lon"], Value::Null);
    }
}
