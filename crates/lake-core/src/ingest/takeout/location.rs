//! Location History: `Records.json` (streamed on all cores), Semantic Location History months,
//! `Timeline Edits.json`, and the on-device timeline exports of Android and iOS.
//!
//! Dedup key of `takeout.location_points`: the instant to the millisecond and the latitude and
//! longitude rounded to 6 decimals. A Records point (7 decimals) and the same on-device point
//! (6 decimals, same instant) therefore count once; Records are read first and win.

use std::borrow::Cow;
use std::io::Read;

use serde::Deserialize;
use serde_json::Value;

use super::jsonstream::{stream_array, trim_elem};
use super::tables::{Key, Tables, ACTIVITY_SEGMENTS, LOCATION_POINTS, PLACE_VISITS, V};
use super::text::{any_ts_us, e7_to_micro, epoch_text_us, fix_e7, iso_us, latlng_text_e7};
use crate::error::ReadError;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecLoc<'a> {
    latitude_e7: Option<i64>,
    longitude_e7: Option<i64>,
    accuracy: Option<f64>,
    altitude: Option<f64>,
    #[serde(borrow)]
    source: Option<Cow<'a, str>>,
    device_tag: Option<i64>,
    #[serde(borrow)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(borrow)]
    timestamp_ms: Option<Cow<'a, str>>,
}

/// One parsed point, ready for the table.
pub struct Point {
    ts: i64,
    lat_e7: i64,
    lon_e7: i64,
    accuracy: Option<f64>,
    altitude: Option<f64>,
    source: Option<String>,
    device: Option<i64>,
}

/// The key of a point (see the module docs).
pub fn point_key(ts_us: i64, lat_e7: i64, lon_e7: i64) -> i64 {
    Key::new("location_points")
        .i(ts_us.div_euclid(1000))
        .i(e7_to_micro(lat_e7))
        .i(e7_to_micro(lon_e7))
        .done()
}

fn parse_record(b: &[u8]) -> Result<Option<Point>, ReadError> {
    let r: RecLoc = serde_json::from_slice(trim_elem(b)).map_err(|e| e.to_string())?;
    let ts = match (&r.timestamp, &r.timestamp_ms) {
        (Some(t), _) => iso_us(t),
        (None, Some(ms)) => epoch_text_us(ms),
        _ => None,
    };
    let (Some(ts), Some(lat), Some(lon)) = (ts, r.latitude_e7, r.longitude_e7) else {
        return Ok(None);
    };
    Ok(Some(Point {
        ts,
        lat_e7: fix_e7(lat, 900_000_000),
        lon_e7: fix_e7(lon, 1_800_000_000),
        accuracy: r.accuracy,
        altitude: r.altitude,
        source: r.source.map(|s| s.into_owned()),
        device: r.device_tag,
    }))
}

fn push_point(t: &mut Tables, p: &Point, origin: &str, file: &str) {
    let device = p.device.map(|d| d.to_string());
    t.get(&LOCATION_POINTS).push(
        point_key(p.ts, p.lat_e7, p.lon_e7),
        &[
            V::T(p.ts),
            V::F(p.lat_e7 as f64 / 1e7),
            V::F(p.lon_e7 as f64 / 1e7),
            p.accuracy.into(),
            p.altitude.into(),
            p.source.as_deref().into(),
            device.as_deref().into(),
            V::S(origin),
            V::S(file),
        ],
    );
}

/// Streams `Records.json`; returns how many records had no time or coordinates.
pub fn records(
    t: &mut Tables,
    file: &str,
    r: &mut dyn Read,
    threads: usize,
    on_progress: &mut dyn FnMut(u64) -> Result<(), ReadError>,
) -> Result<u64, ReadError> {
    let mut skipped = 0u64;
    stream_array(r, "locations", threads, parse_record, |i, p| {
        match p {
            Some(p) => push_point(t, &p, "records", file),
            None => skipped += 1,
        }
        if i % 65_536 == 0 {
            on_progress(i)?;
            t.maybe_flush().map_err(|e| e.to_string())?;
        }
        Ok(())
    })?;
    Ok(skipped)
}

fn e7(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_f64().map(|f| f as i64))
}

/// Field `k` of `v`, as 1e-7 degrees.
fn e7_at(v: &Value, k: &str) -> Option<i64> {
    v.get(k).and_then(e7)
}

/// Start and end of a `duration` (ISO text, or epoch ms before 2022).
fn duration(d: &Value) -> (Option<i64>, Option<i64>) {
    let ts = |keys: [&str; 2]| keys.iter().find_map(|k| d.get(*k).and_then(any_ts_us));
    (
        ts(["startTimestamp", "startTimestampMs"]),
        ts(["endTimestamp", "endTimestampMs"]),
    )
}

fn deg(v: Option<i64>) -> V<'static> {
    v.map_or(V::N, |x| V::F(x as f64 / 1e7))
}

/// A Semantic Location History month.
pub fn semantic_month(t: &mut Tables, file: &str, doc: &Value) -> Result<(), ReadError> {
    let objs = doc
        .get("timelineObjects")
        .and_then(Value::as_array)
        .ok_or("no `timelineObjects` array")?;
    for o in objs {
        if let Some(pv) = o.get("placeVisit") {
            let loc = pv.get("location").unwrap_or(&Value::Null);
            let (start, end) = duration(pv.get("duration").unwrap_or(&Value::Null));
            let lat = e7_at(loc, "latitudeE7").or_else(|| e7_at(pv, "centerLatE7"));
            let lon = e7_at(loc, "longitudeE7").or_else(|| e7_at(pv, "centerLngE7"));
            let s = |k: &str| loc.get(k).and_then(Value::as_str);
            let place_id = s("placeId");
            t.get(&PLACE_VISITS).push(
                Key::new("visit")
                    .s("records")
                    .oi(start)
                    .oi(end)
                    .os(place_id)
                    .done(),
                &[
                    V::ts(start),
                    V::ts(end),
                    deg(lat),
                    deg(lon),
                    place_id.into(),
                    s("name").into(),
                    s("address").into(),
                    s("semanticType").into(),
                    pv.get("placeConfidence").and_then(Value::as_str).into(),
                    V::S("records"),
                    V::S(file),
                ],
            );
        }
        if let Some(a) = o.get("activitySegment") {
            let (start, end) = duration(a.get("duration").unwrap_or(&Value::Null));
            let sl = a.get("startLocation").unwrap_or(&Value::Null);
            let el = a.get("endLocation").unwrap_or(&Value::Null);
            let kind = a.get("activityType").and_then(Value::as_str);
            let path = a
                .get("waypointPath")
                .and_then(|w| w.get("waypoints"))
                .and_then(Value::as_array)
                .and_then(|pts| {
                    linestring(
                        pts.iter()
                            .filter_map(|p| Some((e7(p.get("latE7")?)?, e7(p.get("lngE7")?)?))),
                    )
                });
            t.get(&ACTIVITY_SEGMENTS).push(
                Key::new("segment")
                    .s("records")
                    .oi(start)
                    .oi(end)
                    .os(kind)
                    .done(),
                &[
                    V::ts(start),
                    V::ts(end),
                    kind.into(),
                    a.get("distance").and_then(Value::as_f64).into(),
                    deg(e7_at(sl, "latitudeE7")),
                    deg(e7_at(sl, "longitudeE7")),
                    deg(e7_at(el, "latitudeE7")),
                    deg(e7_at(el, "longitudeE7")),
                    path.as_deref().into(),
                    V::S("records"),
                    V::S(file),
                ],
            );
        }
    }
    Ok(())
}

/// WKT `LINESTRING (lon lat, …)` of two or more points given in 1e-7 degrees.
pub fn linestring(pts: impl Iterator<Item = (i64, i64)>) -> Option<String> {
    let pts: Vec<String> = pts
        .map(|(la, lo)| format!("{} {}", lo as f64 / 1e7, la as f64 / 1e7))
        .collect();
    (pts.len() >= 2).then(|| format!("LINESTRING ({})", pts.join(", ")))
}

/// `Timeline Edits.json`: raw position signals the user's edits produced.
pub fn timeline_edits(t: &mut Tables, file: &str, doc: &Value) -> Result<(), ReadError> {
    let edits = doc
        .get("timelineEdits")
        .and_then(Value::as_array)
        .ok_or("no `timelineEdits` array")?;
    for e in edits {
        let Some(pos) = e.pointer("/rawSignal/signal/position") else {
            continue;
        };
        let (Some(lat), Some(lon)) = (
            pos.pointer("/point/latE7").and_then(e7),
            pos.pointer("/point/lngE7").and_then(e7),
        ) else {
            continue;
        };
        let Some(ts) = pos.get("timestamp").and_then(any_ts_us) else {
            continue;
        };
        push_point(
            t,
            &Point {
                ts,
                lat_e7: lat,
                lon_e7: lon,
                accuracy: pos
                    .get("accuracyMm")
                    .and_then(Value::as_f64)
                    .map(|mm| mm / 1000.0),
                altitude: pos.get("altitudeMeters").and_then(Value::as_f64),
                source: pos
                    .get("source")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                device: e.get("deviceId").and_then(|d| d.as_str()?.parse().ok()),
            },
            "timeline_edits",
            file,
        );
    }
    Ok(())
}

fn num(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OdPos<'a> {
    #[serde(rename = "LatLng", alias = "latLng", borrow, default)]
    lat_lng: Option<Cow<'a, str>>,
    #[serde(default)]
    accuracy_meters: Option<f64>,
    #[serde(default)]
    altitude_meters: Option<f64>,
    #[serde(borrow, default)]
    source: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    timestamp: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct OdRaw<'a> {
    #[serde(borrow, default)]
    position: Option<OdPos<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OdDoc<'a> {
    #[serde(default)]
    semantic_segments: Vec<Value>,
    #[serde(borrow, default)]
    raw_signals: Vec<OdRaw<'a>>,
}

/// The on-device timeline: Android `Timeline.json` (`semanticSegments`, `rawSignals`; the raw
/// signals are read typed, skipping Wi-Fi scans and activity records) or the iOS
/// `location-history.json` array.
pub fn on_device(t: &mut Tables, file: &str, data: &[u8]) -> Result<(), ReadError> {
    let first = data.iter().find(|c| !c.is_ascii_whitespace()).copied();
    if first == Some(b'[') {
        let segs: Vec<Value> =
            serde_json::from_slice(data).map_err(|e| super::json_error(data, &e))?;
        segments(t, file, &segs, true);
        return Ok(());
    }
    let doc: OdDoc = serde_json::from_slice(data).map_err(|e| super::json_error(data, &e))?;
    segments(t, file, &doc.semantic_segments, false);
    for r in doc.raw_signals {
        let Some(pos) = r.position else { continue };
        let Some((lat, lon)) = pos.lat_lng.as_deref().and_then(latlng_text_e7) else {
            continue;
        };
        let Some(ts) = pos.timestamp.as_deref().and_then(iso_us) else {
            continue;
        };
        push_point(
            t,
            &Point {
                ts,
                lat_e7: lat,
                lon_e7: lon,
                accuracy: pos.accuracy_meters,
                altitude: pos.altitude_meters,
                source: pos.source.map(Cow::into_owned),
                device: None,
            },
            "ondevice",
            file,
        );
    }
    Ok(())
}

fn segments(t: &mut Tables, file: &str, segments: &[Value], ios: bool) {
    for s in segments {
        let start = s.get("startTime").and_then(Value::as_str).and_then(iso_us);
        let end = s.get("endTime").and_then(Value::as_str).and_then(iso_us);
        if let Some(v) = s.get("visit") {
            let top = v.get("topCandidate").unwrap_or(&Value::Null);
            let loc = top
                .get("placeLocation")
                .and_then(|l| l.get("latLng").or(Some(l)))
                .and_then(Value::as_str)
                .and_then(latlng_text_e7);
            let place_id = top
                .get("placeId")
                .or_else(|| top.get("placeID"))
                .and_then(Value::as_str);
            let conf = num(v.get("probability")).map(|p| format!("{p:.3}"));
            t.get(&PLACE_VISITS).push(
                Key::new("visit")
                    .s("ondevice")
                    .oi(start)
                    .oi(end)
                    .os(place_id)
                    .done(),
                &[
                    V::ts(start),
                    V::ts(end),
                    deg(loc.map(|l| l.0)),
                    deg(loc.map(|l| l.1)),
                    place_id.into(),
                    V::N,
                    V::N,
                    top.get("semanticType").and_then(Value::as_str).into(),
                    conf.as_deref().into(),
                    V::S("ondevice"),
                    V::S(file),
                ],
            );
        }
        if let Some(a) = s.get("activity") {
            let pt = |k: &str| {
                a.get(k)
                    .and_then(|l| l.get("latLng").or(Some(l)))
                    .and_then(Value::as_str)
                    .and_then(latlng_text_e7)
            };
            let (sl, el) = (pt("start"), pt("end"));
            let kind = a.pointer("/topCandidate/type").and_then(Value::as_str);
            t.get(&ACTIVITY_SEGMENTS).push(
                Key::new("segment")
                    .s("ondevice")
                    .oi(start)
                    .oi(end)
                    .os(kind)
                    .done(),
                &[
                    V::ts(start),
                    V::ts(end),
                    kind.into(),
                    num(a.get("distanceMeters")).into(),
                    deg(sl.map(|l| l.0)),
                    deg(sl.map(|l| l.1)),
                    deg(el.map(|l| l.0)),
                    deg(el.map(|l| l.1)),
                    V::N,
                    V::S("ondevice"),
                    V::S(file),
                ],
            );
        }
        // iOS has no raw signals: its path points (minutes after the start) are the points.
        if ios {
            if let (Some(path), Some(start)) =
                (s.get("timelinePath").and_then(Value::as_array), start)
            {
                for p in path {
                    let Some((lat, lon)) = p
                        .get("point")
                        .and_then(Value::as_str)
                        .and_then(latlng_text_e7)
                    else {
                        continue;
                    };
                    let off = num(p.get("durationMinutesOffsetFromStartTime")).unwrap_or(0.0);
                    push_point(
                        t,
                        &Point {
                            ts: start + (off * 60e6) as i64,
                            lat_e7: lat,
                            lon_e7: lon,
                            accuracy: None,
                            altitude: None,
                            source: None,
                            device: None,
                        },
                        "ondevice",
                        file,
                    );
                }
            }
        }
    }
}
