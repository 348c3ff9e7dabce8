//! Calendar (iCalendar), Contacts (vCard), Keep notes, Maps saved places, Fit and Play.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::Value;

use super::location::linestring;
use super::tables::{
    Key, Tables, CALENDAR_EVENTS, CONTACTS, FIT_ACTIVITIES, FIT_DAILY, KEEP_NOTES, PLAY_INSTALLS,
    SAVED_PLACES, V,
};
use super::text::{iso_us, zoned_us};
use crate::error::ReadError;

/// One content line: name, parameters, value.
type ContentLine = (String, Vec<(String, String)>, String);

#[derive(Default)]
struct Card {
    fname: Option<String>,
    n: Option<String>,
    emails: Vec<String>,
    phones: Vec<String>,
    org: Option<String>,
}

/// Unfolded content lines of an iCalendar or vCard file: (name, params, value).
fn content_lines(text: &str) -> Vec<ContentLine> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let l = raw.strip_suffix('\r').unwrap_or(raw);
        if (l.starts_with(' ') || l.starts_with('\t')) && !lines.is_empty() {
            lines.last_mut().unwrap().push_str(&l[1..]);
        } else if !l.is_empty() {
            lines.push(l.to_string());
        }
    }
    lines
        .into_iter()
        .filter_map(|l| {
            // The value starts at the first ':' outside a quoted parameter.
            let mut q = false;
            let idx = l
                .char_indices()
                .find(|(_, c)| {
                    if *c == '"' {
                        q = !q;
                    }
                    *c == ':' && !q
                })?
                .0;
            let (head, value) = (&l[..idx], &l[idx + 1..]);
            let mut parts = head.split(';');
            let name = parts.next()?.to_ascii_uppercase();
            let name = name.rsplit('.').next().unwrap_or(&name).to_string(); // item1.EMAIL
            let params = parts
                .filter_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    Some((k.to_ascii_uppercase(), v.trim_matches('"').to_string()))
                })
                .collect();
            Some((name, params, value.to_string()))
        })
        .collect()
}

fn unescape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut it = v.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// An iCalendar date or date-time to UTC microseconds; `all_day` when it is a date.
fn ical_time(
    value: &str,
    params: &[(String, String)],
    default_tz: Option<&str>,
) -> (Option<i64>, bool) {
    let v = value.trim();
    let tzid = params
        .iter()
        .find(|(k, _)| k == "TZID")
        .map(|(_, v)| v.as_str());
    let is_date = params.iter().any(|(k, v)| k == "VALUE" && v == "DATE") || v.len() == 8;
    if is_date {
        let Ok(d) = NaiveDate::parse_from_str(v, "%Y%m%d") else {
            return (None, true);
        };
        let local = d.and_hms_opt(0, 0, 0).expect("midnight");
        let ts = default_tz
            .and_then(|tz| zoned_us(local, tz))
            .unwrap_or_else(|| local.and_utc().timestamp_micros());
        return (Some(ts), true);
    }
    if let Some(z) = v.strip_suffix('Z') {
        let ts = NaiveDateTime::parse_from_str(z, "%Y%m%dT%H%M%S")
            .ok()
            .map(|t| t.and_utc().timestamp_micros());
        return (ts, false);
    }
    let Ok(local) = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S") else {
        return (None, false);
    };
    let ts = tzid
        .or(default_tz)
        .and_then(|tz| zoned_us(local, tz))
        .or_else(|| Some(local.and_utc().timestamp_micros()));
    (ts, false)
}

/// An `.ics` calendar.
pub fn ics(t: &mut Tables, file: &str, text: &str) -> Result<(), ReadError> {
    let lines = content_lines(text);
    if !lines
        .first()
        .is_some_and(|l| l.0 == "BEGIN" && l.2.eq_ignore_ascii_case("VCALENDAR"))
    {
        return Err("line 1: not an iCalendar file (no BEGIN:VCALENDAR)".into());
    }
    let file_name = file.rsplit('/').next().unwrap_or(file);
    let mut calendar = file_name
        .strip_suffix(".ics")
        .unwrap_or(file_name)
        .to_string();
    let mut default_tz: Option<String> = None;
    let mut in_event = false;
    let mut depth_other = 0;
    let mut ev: HashMap<String, (Vec<(String, String)>, String)> = HashMap::new();
    for (name, params, value) in lines {
        match name.as_str() {
            "X-WR-CALNAME" if !in_event => calendar = unescape(&value),
            "X-WR-TIMEZONE" if !in_event => default_tz = Some(value.clone()),
            "BEGIN" if value.eq_ignore_ascii_case("VEVENT") => {
                in_event = true;
                ev.clear();
            }
            "BEGIN" if in_event => depth_other += 1,
            "END" if in_event && depth_other > 0 => depth_other -= 1,
            "END" if value.eq_ignore_ascii_case("VEVENT") && in_event => {
                in_event = false;
                let get = |k: &str| ev.get(k);
                let (start, all_day) = get("DTSTART")
                    .map(|(p, v)| ical_time(v, p, default_tz.as_deref()))
                    .unwrap_or((None, false));
                let (end, _) = get("DTEND")
                    .map(|(p, v)| ical_time(v, p, default_tz.as_deref()))
                    .unwrap_or((None, false));
                let s = |k: &str| get(k).map(|(_, v)| unescape(v)).filter(|v| !v.is_empty());
                let uid = s("UID");
                let rid = s("RECURRENCE-ID");
                let key = Key::new("calendar")
                    .s(&calendar)
                    .os(uid.as_deref())
                    .oi(start)
                    .os(rid.as_deref())
                    .done();
                t.get(&CALENDAR_EVENTS).push(
                    key,
                    &[
                        V::S(&calendar),
                        V::ts(start),
                        V::ts(end),
                        V::B(all_day),
                        s("SUMMARY").as_deref().into(),
                        s("LOCATION").as_deref().into(),
                        get("RRULE").map(|(_, v)| v.as_str()).into(),
                        uid.as_deref().into(),
                        V::S(file),
                    ],
                );
            }
            _ if in_event && depth_other == 0 => {
                ev.entry(name).or_insert((params, value));
            }
            _ => {}
        }
    }
    Ok(())
}

/// A `.vcf` address book. The same card in several files (All Contacts, My Contacts, device
/// contacts) is stored once: the key is the name, e-mail addresses and phone numbers.
pub fn vcf(t: &mut Tables, file: &str, text: &str) -> Result<(), ReadError> {
    let lines = content_lines(text);
    if lines.first().is_none_or(|l| l.0 != "BEGIN") {
        return Err("line 1: not a vCard file (no BEGIN:VCARD)".into());
    }
    let mut card: Option<Card> = None;
    for (name, _params, value) in lines {
        match name.as_str() {
            "BEGIN" => card = Some(Card::default()),
            "FN" => {
                if let Some(c) = card.as_mut() {
                    c.fname = Some(unescape(&value));
                }
            }
            "N" => {
                if let Some(c) = card.as_mut() {
                    let parts: Vec<&str> = value.split(';').collect();
                    let n = [parts.get(1), parts.get(2), parts.first()]
                        .iter()
                        .flatten()
                        .map(|s| unescape(s))
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ");
                    if !n.is_empty() {
                        c.n = Some(n);
                    }
                }
            }
            "EMAIL" => {
                if let Some(c) = card.as_mut() {
                    c.emails.push(value.trim().to_string());
                }
            }
            "TEL" => {
                if let Some(c) = card.as_mut() {
                    c.phones.push(value.trim().to_string());
                }
            }
            "ORG" => {
                if let Some(c) = card.as_mut() {
                    c.org = Some(unescape(&value).trim_end_matches(';').replace(';', ", "));
                }
            }
            "END" => {
                if let Some(Card {
                    fname,
                    n,
                    emails,
                    phones,
                    org,
                }) = card.take()
                {
                    let name = fname.or(n);
                    let emails = emails.join(", ");
                    let phones = phones.join(", ");
                    let key = Key::new("contact")
                        .os(name.as_deref())
                        .s(&emails)
                        .s(&phones)
                        .done();
                    t.get(&CONTACTS).push(
                        key,
                        &[
                            name.as_deref().into(),
                            Some(emails.as_str()).filter(|s| !s.is_empty()).into(),
                            Some(phones.as_str()).filter(|s| !s.is_empty()).into(),
                            org.as_deref().into(),
                            V::S(file),
                        ],
                    );
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A Keep note.
pub fn keep(t: &mut Tables, file: &str, doc: &Value) -> Result<(), ReadError> {
    let usec = |k: &str| doc.get(k).and_then(super::text::epoch_value_us);
    let created = usec("createdTimestampUsec");
    let edited = usec("userEditedTimestampUsec");
    let text = match doc.get("listContent").and_then(Value::as_array) {
        Some(items) => Some(
            items
                .iter()
                .filter_map(|i| i.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        None => doc
            .get("textContent")
            .and_then(Value::as_str)
            .map(str::to_string),
    };
    let labels = doc.get("labels").and_then(Value::as_array).map(|l| {
        l.iter()
            .filter_map(|x| x.get("name").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let b = |k: &str| doc.get(k).and_then(Value::as_bool).map_or(V::N, V::B);
    let title = doc.get("title").and_then(Value::as_str);
    t.get(&KEEP_NOTES).push(
        Key::new("keep").oi(created).os(title).done(),
        &[
            V::ts(created),
            V::ts(edited),
            title.into(),
            text.as_deref().into(),
            labels.as_deref().filter(|s| !s.is_empty()).into(),
            b("isPinned"),
            b("isArchived"),
            b("isTrashed"),
            V::S(file),
        ],
    );
    Ok(())
}

/// Maps "Saved Places" (GeoJSON). `[0, 0]` coordinates mean "no location" and are stored as null.
pub fn saved_places(t: &mut Tables, file: &str, doc: &Value) -> Result<(), ReadError> {
    let feats = doc
        .get("features")
        .and_then(Value::as_array)
        .ok_or("no `features` array")?;
    for f in feats {
        let p = f.get("properties").unwrap_or(&Value::Null);
        let loc = p
            .get("location")
            .or_else(|| p.get("Location"))
            .unwrap_or(&Value::Null);
        let coords = f.pointer("/geometry/coordinates").and_then(Value::as_array);
        let (lon, lat) = match coords.map(|c| {
            (
                c.first().and_then(Value::as_f64),
                c.get(1).and_then(Value::as_f64),
            )
        }) {
            Some((Some(lo), Some(la))) if lo != 0.0 || la != 0.0 => (Some(lo), Some(la)),
            _ => (None, None),
        };
        let s = |o: &Value, k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
        let name = s(loc, "name")
            .or_else(|| s(loc, "Business Name"))
            .or_else(|| s(p, "Title"));
        let url = s(p, "google_maps_url").or_else(|| s(p, "Google Maps URL"));
        let ts = p
            .get("date")
            .or_else(|| p.get("Published"))
            .and_then(Value::as_str)
            .and_then(iso_us);
        t.get(&SAVED_PLACES).push(
            Key::new("saved_place")
                .os(url.as_deref())
                .os(name.as_deref())
                .done(),
            &[
                V::ts(ts),
                name.as_deref().into(),
                s(loc, "address")
                    .or_else(|| s(loc, "Address"))
                    .as_deref()
                    .into(),
                s(loc, "country_code")
                    .or_else(|| s(loc, "Country Code"))
                    .as_deref()
                    .into(),
                lat.into(),
                lon.into(),
                url.as_deref().into(),
                V::S(file),
            ],
        );
    }
    Ok(())
}

/// Localized Fit CSV headers → the canonical column (index into FIT_DAILY's columns).
fn fit_column(h: &str) -> Option<usize> {
    let h = h.trim().to_lowercase();
    let m: &[(&[&str], usize)] = &[
        (&["start time", "startzeit", "heure de début"], 0),
        (&["end time", "endzeit", "heure de fin"], 1),
        (
            &[
                "move minutes count",
                "anzahl der aktivitätsminuten",
                "nombre de minutes d'activité",
            ],
            2,
        ),
        (&["calories (kcal)", "kalorien (kcal)"], 3),
        (&["distance (m)", "distanz (m)"], 4),
        (&["heart points", "kardiopunkte", "points cardio"], 5),
        (&["heart minutes", "kardiominuten", "minutes cardio"], 6),
        (
            &[
                "low latitude (deg)",
                "niedrigster breitengrad (grad)",
                "latitude minimale (degrés)",
            ],
            7,
        ),
        (
            &[
                "low longitude (deg)",
                "niedrigster längengrad (grad)",
                "longitude minimale (degrés)",
            ],
            8,
        ),
        (
            &[
                "high latitude (deg)",
                "höchster breitengrad (grad)",
                "latitude maximale (degrés)",
            ],
            9,
        ),
        (
            &[
                "high longitude (deg)",
                "höchster längengrad (grad)",
                "longitude maximale (degrés)",
            ],
            10,
        ),
        (
            &[
                "average speed (m/s)",
                "durchschnittl. geschwindigkeit (m/s)",
                "vitesse moyenne (m/s)",
            ],
            11,
        ),
        (
            &[
                "max speed (m/s)",
                "max. geschwindigkeit (m/s)",
                "vitesse maximale (m/s)",
            ],
            12,
        ),
        (
            &[
                "min speed (m/s)",
                "min. geschwindigkeit (m/s)",
                "vitesse minimale (m/s)",
            ],
            13,
        ),
        (&["step count", "schrittzahl", "nombre de pas"], 14),
        (
            &[
                "walking duration (ms)",
                "dauer: gehen (ms)",
                "durée de marche (ms)",
            ],
            15,
        ),
        (
            &[
                "running duration (ms)",
                "dauer: laufen (ms)",
                "durée de course à pied (ms)",
            ],
            16,
        ),
        (
            &[
                "cycling duration (ms)",
                "dauer: radfahren (ms)",
                "durée de vélo (ms)",
            ],
            17,
        ),
    ];
    m.iter()
        .find(|(names, _)| names.contains(&h.as_str()))
        .map(|(_, i)| *i)
}

/// A Fit per-day metrics CSV (`2024-05-06.csv`): intervals with local times; the date comes
/// from the file name.
pub fn fit_daily(t: &mut Tables, file: &str, data: &[u8]) -> Result<(), ReadError> {
    let name = file.rsplit('/').next().unwrap_or(file);
    let date = name
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| format!("the file name {name:?} does not start with a date (YYYY-MM-DD)"))?;
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(data);
    let headers = rdr.headers().map_err(|e| format!("line 1: {e}"))?.clone();
    let map: Vec<Option<usize>> = headers.iter().map(fit_column).collect();
    let unknown: Vec<&str> = headers
        .iter()
        .zip(&map)
        .filter(|(_, m)| m.is_none())
        .map(|(h, _)| h)
        .collect();
    if !unknown.is_empty() {
        t.warnings
            .push(format!("columns not stored: {}", unknown.join(", ")));
    }
    let day = date.format("%Y-%m-%d").to_string();
    let time = |s: &str| -> Option<i64> {
        // "00:15:00.000+01:00"
        iso_us(&format!("{day}T{}", s.trim()))
    };
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("line {}: {e}", i + 2))?;
        let mut vals: Vec<Option<f64>> = vec![None; 18];
        let mut start = None;
        let mut end = None;
        for (c, m) in map.iter().enumerate() {
            let Some(m) = m else { continue };
            let v = rec.get(c).unwrap_or("").trim();
            match m {
                0 => start = time(v),
                1 => {
                    end = time(v);
                    // An interval ending at midnight ends on the next day.
                    if let (Some(s), Some(e)) = (start, end) {
                        if e <= s {
                            end = Some(e + 86_400_000_000);
                        }
                    }
                }
                k => vals[*k] = v.parse().ok(),
            }
        }
        let mut row: Vec<V> = vec![V::ts(start), V::ts(end)];
        row.extend(vals[2..].iter().map(|v| V::from(*v)));
        row.push(V::S(file));
        t.get(&FIT_DAILY)
            .push(Key::new("fit_daily").oi(start).oi(end).done(), &row);
    }
    Ok(())
}

/// A Fit TCX activity: sport, start, duration, distance, calories and the track as WKT.
pub fn tcx(t: &mut Tables, file: &str, text: &str) -> Result<(), ReadError> {
    use quick_xml::events::Event;
    let mut rd = quick_xml::Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut sport: Option<String> = None;
    let mut start: Option<i64> = None;
    let (mut dur, mut dist, mut cal) = (0.0f64, 0.0f64, 0.0f64);
    let mut pts: Vec<(i64, i64)> = Vec::new();
    let mut lat: Option<i64> = None;
    let mut activities = 0;
    let flush = |t: &mut Tables,
                 sport: &Option<String>,
                 start: Option<i64>,
                 dur,
                 dist,
                 cal,
                 pts: &mut Vec<(i64, i64)>| {
        let wkt = linestring(pts.drain(..));
        t.get(&FIT_ACTIVITIES).push(
            Key::new("fit_activity")
                .oi(start)
                .os(sport.as_deref())
                .done(),
            &[
                V::ts(start),
                sport.as_deref().into(),
                V::F(dur),
                V::F(dist),
                V::F(cal),
                wkt.as_deref().into(),
                V::S(file),
            ],
        );
    };
    loop {
        match rd.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "Activity" {
                    sport = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == b"Sport")
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                    start = None;
                    dur = 0.0;
                    dist = 0.0;
                    cal = 0.0;
                    pts.clear();
                }
                if name == "Lap" && start.is_none() {
                    start = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == b"StartTime")
                        .and_then(|a| iso_us(&String::from_utf8_lossy(&a.value)));
                }
                path.push(name);
            }
            Ok(Event::End(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "Activity" {
                    activities += 1;
                    flush(t, &sport, start, dur, dist, cal, &mut pts);
                }
                path.pop();
            }
            Ok(Event::Text(x)) => {
                let v = String::from_utf8_lossy(x.as_ref()).trim().to_string();
                let parent = path.iter().rev().nth(1).map(String::as_str);
                match (path.last().map(String::as_str), parent) {
                    (Some("TotalTimeSeconds"), Some("Lap")) => {
                        dur += v.parse::<f64>().unwrap_or(0.0)
                    }
                    (Some("DistanceMeters"), Some("Lap")) => {
                        dist += v.parse::<f64>().unwrap_or(0.0)
                    }
                    (Some("Calories"), Some("Lap")) => cal += v.parse::<f64>().unwrap_or(0.0),
                    (Some("Id"), Some("Activity")) if start.is_none() => start = iso_us(&v),
                    (Some("LatitudeDegrees"), _) => lat = super::text::deg_text_e7(&v),
                    (Some("LongitudeDegrees"), _) => {
                        if let (Some(la), Some(lo)) = (lat.take(), super::text::deg_text_e7(&v)) {
                            pts.push((la, lo));
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => {
                return Err(format!("invalid XML at byte {}: {e}", rd.buffer_position()).into())
            }
            _ => {}
        }
    }
    if activities == 0 {
        return Err("no <Activity> found".into());
    }
    Ok(())
}

/// Play Store `Installs.json`.
pub fn play_installs(t: &mut Tables, file: &str, doc: &Value) -> Result<(), ReadError> {
    let arr = doc.as_array().ok_or("expected a JSON array")?;
    for x in arr {
        let i = x.get("install").unwrap_or(x);
        let title = i.pointer("/doc/title").and_then(Value::as_str);
        let device = i
            .pointer("/deviceAttribute/deviceDisplayName")
            .or_else(|| i.pointer("/deviceAttribute/model"))
            .and_then(Value::as_str);
        let ts = i
            .get("firstInstallationTime")
            .and_then(Value::as_str)
            .and_then(iso_us);
        let last = i
            .get("lastUpdateTime")
            .and_then(Value::as_str)
            .and_then(iso_us);
        t.get(&PLAY_INSTALLS).push(
            Key::new("play_install").os(title).os(device).oi(ts).done(),
            &[
                V::ts(ts),
                title.into(),
                device.into(),
                V::ts(last),
                V::S(file),
            ],
        );
    }
    Ok(())
}
