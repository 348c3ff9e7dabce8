//! Small parsers shared by the products: timestamps in the shapes Takeout uses, localized
//! dates of the legacy HTML pages, zone abbreviations, coordinates written as text, and the
//! canonical English product names.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};

use crate::ingest::table::parse_datetime_us;

/// `YYYY-MM-DDTHH:MM:SS[.f+](Z|±HH:MM)` to UTC microseconds, with a fast path for the `Z` form.
pub fn iso_us(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() >= 20 && b[b.len() - 1] == b'Z' && b[10] == b'T' && b[4] == b'-' {
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let mut v = 0i64;
            for &c in &b[r] {
                if !c.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + (c - b'0') as i64;
            }
            Some(v)
        };
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let mut micros = 0i64;
        let end = b.len() - 1;
        if end > 19 {
            if b[19] != b'.' {
                return parse_datetime_us(s);
            }
            let frac = &b[20..end];
            let mut scale = 100_000i64;
            for &c in frac.iter().take(6) {
                if !c.is_ascii_digit() {
                    return None;
                }
                micros += (c - b'0') as i64 * scale;
                scale /= 10;
            }
        }
        let days = days_from_civil(y, mo, d)?;
        if h > 23 || mi > 59 || se > 60 {
            return None;
        }
        return Some(((days * 24 + h) * 60 + mi) * 60_000_000 + se * 1_000_000 + micros);
    }
    parse_datetime_us(s)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> Option<i64> {
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Microseconds since the epoch from an epoch number in any unit Takeout uses, told apart by
/// magnitude: fields named `...Ms` hold seconds in some exports (`"1742844232"`), `...Usec`
/// fields microseconds. Below 10^11 is seconds (until the year 5138), below 10^14
/// milliseconds, below 10^17 microseconds, above that nanoseconds. Every instant since 1973
/// reads the same whatever unit it was written in.
pub fn epoch_us(v: i64) -> Option<i64> {
    let a = v.unsigned_abs();
    if a < 100_000_000_000 {
        v.checked_mul(1_000_000)
    } else if a < 100_000_000_000_000 {
        v.checked_mul(1000)
    } else if a < 100_000_000_000_000_000 {
        Some(v)
    } else {
        Some(v / 1000)
    }
}

/// An epoch number (in any unit, see [`epoch_us`]) given as a string or a number.
pub fn epoch_value_us(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::String(s) => epoch_text_us(s),
        serde_json::Value::Number(n) => epoch_us(n.as_i64()?),
        _ => None,
    }
}

/// An epoch number (in any unit, see [`epoch_us`]) written as text.
pub fn epoch_text_us(s: &str) -> Option<i64> {
    epoch_us(s.trim().parse::<i64>().ok()?)
}

/// A timestamp field that may be ISO text or an epoch number in any unit.
pub fn any_ts_us(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::String(s) if s.contains('-') && !s.trim().starts_with('-') => iso_us(s),
        other => epoch_value_us(other),
    }
}

/// Latitude/longitude in 1e-7 degrees from `"51.5413000°, -0.1432000°"`, `"geo:51.5,-0.1"` or
/// `"51.5, -0.1"`.
pub fn latlng_text_e7(s: &str) -> Option<(i64, i64)> {
    let s = s.trim();
    let s = s.strip_prefix("geo:").unwrap_or(s);
    let (a, b) = s.split_once(',')?;
    Some((deg_text_e7(a)?, deg_text_e7(b)?))
}

/// Degrees written in decimal to 1e-7 degrees, exactly when there are at most 7 decimals.
pub fn deg_text_e7(s: &str) -> Option<i64> {
    let s = s.trim().trim_end_matches('°').trim();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty()
        || !int.bytes().all(|c| c.is_ascii_digit())
        || !frac.bytes().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    if frac.len() > 7 {
        let v: f64 = s.parse().ok()?;
        return Some((v * 1e7).round() as i64);
    }
    let mut v: i64 = int.parse().ok()?;
    for i in 0..7 {
        v = v * 10 + frac.as_bytes().get(i).map_or(0, |c| (c - b'0') as i64);
    }
    Some(if neg { -v } else { v })
}

/// A coordinate in 1e-7 degrees rounded to 6 decimals (1e-6 degrees), as Python's
/// `round(x / 1e7, 6)` and `"%.6f"` do: exact ties follow the binary value of `x / 1e7`.
pub fn e7_to_micro(e7: i64) -> i64 {
    if e7.rem_euclid(10) == 5 {
        let s = format!("{:.6}", e7 as f64 / 1e7);
        return deg_text_e7(&s).map_or(e7 / 10, |v| v / 10);
    }
    let q = e7.div_euclid(10);
    if e7.rem_euclid(10) > 5 {
        q + 1
    } else {
        q
    }
}

/// Records.json overflow: latitudes above 90° (and longitudes above 180°) written without the
/// 2^32 wrap-around are fixed, as Google's own viewer does.
pub fn fix_e7(v: i64, limit: i64) -> i64 {
    if v > limit {
        v - 4_294_967_296
    } else {
        v
    }
}

/// UTC offset in minutes for a zone abbreviation of the legacy HTML pages (`BST`, `MESZ`,
/// `UTC+2`, `GMT-05:00`, …).
pub fn zone_offset_minutes(z: &str) -> Option<i32> {
    let z = z.trim();
    let fixed = match z {
        "UTC" | "GMT" | "Z" | "WET" | "WEZ" => 0,
        "BST" | "IST" | "CET" | "MEZ" | "WEST" | "WESZ" | "HNEC" => 60,
        "CEST" | "MESZ" | "EET" | "OEZ" | "HAEC" => 120,
        "EEST" | "OESZ" => 180,
        "EST" | "HNE" => -300,
        "EDT" | "HAE" => -240,
        "CST" => -360,
        "CDT" => -300,
        "MST" => -420,
        "MDT" => -360,
        "PST" => -480,
        "PDT" => -420,
        "JST" => 540,
        "AEST" => 600,
        "AEDT" => 660,
        _ => {
            let rest = z.strip_prefix("UTC").or_else(|| z.strip_prefix("GMT"))?;
            let (sign, rest) = match rest.as_bytes().first()? {
                b'+' => (1, &rest[1..]),
                b'-' | 0xe2 => (-1, rest.trim_start_matches(['-', '\u{2212}'])),
                _ => return None,
            };
            let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
            return Some(sign * (h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?));
        }
    };
    Some(fixed)
}

fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    const NAMES: &[(&str, u32)] = &[
        ("jan", 1),
        ("janv", 1),
        ("januar", 1),
        ("janvier", 1),
        ("january", 1),
        ("jän", 1),
        ("feb", 2),
        ("févr", 2),
        ("fevr", 2),
        ("februar", 2),
        ("février", 2),
        ("february", 2),
        ("mar", 3),
        ("mär", 3),
        ("märz", 3),
        ("mars", 3),
        ("march", 3),
        ("apr", 4),
        ("avr", 4),
        ("april", 4),
        ("avril", 4),
        ("may", 5),
        ("mai", 5),
        ("jun", 6),
        ("juni", 6),
        ("juin", 6),
        ("june", 6),
        ("jul", 7),
        ("juli", 7),
        ("juil", 7),
        ("juillet", 7),
        ("july", 7),
        ("aug", 8),
        ("august", 8),
        ("août", 8),
        ("aout", 8),
        ("sep", 9),
        ("sept", 9),
        ("september", 9),
        ("septembre", 9),
        ("oct", 10),
        ("okt", 10),
        ("oktober", 10),
        ("october", 10),
        ("octobre", 10),
        ("nov", 11),
        ("november", 11),
        ("novembre", 11),
        ("dec", 12),
        ("dez", 12),
        ("déc", 12),
        ("dezember", 12),
        ("december", 12),
        ("décembre", 12),
    ];
    NAMES.iter().find(|(n, _)| *n == w).map(|(_, m)| *m)
}

/// A date of the legacy My Activity HTML in English, German or French, with its zone:
/// `May 13, 2024, 1:27:22 PM BST`, `13. Mai 2024, 14:27:22 MESZ`, `13 mai 2024, 14:27:22 UTC+2`.
/// The zone abbreviation is taken at its word: Google prints every entry in the zone in force at
/// export time (a January entry can say `BST`), and the abbreviation tells the offset used.
pub fn html_date_us(s: &str) -> Option<i64> {
    let s: String = s
        .chars()
        .map(|c| {
            if c.is_whitespace() || c == '\u{202f}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut words: Vec<&str> = s
        .split([' ', ','])
        .filter(|w| !w.is_empty() && *w != "à" && *w != "um")
        .collect();
    let zone = words.pop()?;
    let offset = zone_offset_minutes(zone)?;
    let mut pm = None;
    if let Some(last) = words.last() {
        match last.to_ascii_uppercase().as_str() {
            "AM" | "A.M." => pm = Some(false),
            "PM" | "P.M." => pm = Some(true),
            _ => {}
        }
        if pm.is_some() {
            words.pop();
        }
    }
    let time = words.pop()?;
    let (day, month, year) = match words.as_slice() {
        [m, d, y] if month_number(m).is_some() => (*d, month_number(m)?, *y),
        [d, m, y] => (*d, month_number(m)?, *y),
        _ => return None,
    };
    let day: u32 = day.trim_end_matches('.').parse().ok()?;
    let year: i32 = year.parse().ok()?;
    let mut t = time.split(':');
    let mut h: u32 = t.next()?.parse().ok()?;
    let mi: u32 = t.next()?.parse().ok()?;
    let se: u32 = t.next().unwrap_or("0").parse().ok()?;
    match pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    let local = NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(h, mi, se)?;
    Some(local.and_utc().timestamp_micros() - offset as i64 * 60_000_000)
}

/// A local date-time in an IANA zone to UTC microseconds (the earlier instant when ambiguous).
pub fn zoned_us(local: NaiveDateTime, tz: &str) -> Option<i64> {
    let tz: chrono_tz::Tz = tz.parse().ok()?;
    tz.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|d| d.timestamp_micros())
}

/// The canonical English name of a My Activity product folder, header or `products` entry.
pub fn canonical_product(name: &str) -> String {
    let n = name.trim();
    let lower = n.to_lowercase();
    let canon = match lower.as_str() {
        "search" | "suche" | "recherche" | "google search" | "búsqueda" => "Search",
        "image search" | "bildersuche" | "recherche d'images" | "recherche d’images" => {
            "Image Search"
        }
        "video search" | "videosuche" | "recherche de vidéos" => "Video Search",
        "youtube" => "YouTube",
        "maps" | "google maps" => "Maps",
        "chrome" => "Chrome",
        "takeout" => "Takeout",
        "google play store" | "google play" => "Google Play Store",
        "google play books" | "google play bücher" | "google play livres" => "Google Play Books",
        "news" | "google news" | "nachrichten" | "actualités" => "News",
        "assistant" | "google assistant" | "assistent" => "Assistant",
        "gmail" => "Gmail",
        "drive" | "google drive" => "Drive",
        "discover" | "entdecken" | "découvrir" => "Discover",
        "shopping" | "google shopping" => "Shopping",
        "books" | "bücher" | "livres" => "Books",
        "ads" | "werbung" | "annonces" => "Ads",
        "youtube music" => "YouTube Music",
        "image" | "images" | "bilder" => "Image Search",
        _ => return n.to_string(),
    };
    canon.to_string()
}

/// The prefixes and suffixes of localized activity titles ("Watched X", "X angesehen", "A regardé
/// X"), so the bare title can be recovered.
pub fn strip_verb(title: &str, verbs: &[(&str, &str)]) -> String {
    for (pre, suf) in verbs {
        if let Some(rest) = title.strip_prefix(pre) {
            if let Some(core) = rest.strip_suffix(suf) {
                if !core.is_empty() {
                    return core.to_string();
                }
            }
        }
    }
    title.to_string()
}

/// "Watched …" in the three languages.
pub const WATCHED: &[(&str, &str)] = &[
    ("Watched ", ""),
    ("", " angesehen"),
    ("A regardé ", ""),
    ("Vous avez regardé ", ""),
];
/// "Searched for …" in the three languages.
pub const SEARCHED: &[(&str, &str)] = &[
    ("Searched for ", ""),
    ("Gesucht nach: ", ""),
    ("Gesucht nach ", ""),
    ("", " gesucht"),
    ("A recherché ", ""),
    ("Vous avez recherché ", ""),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_fast_path_matches_chrono() {
        for s in [
            "2024-03-20T00:09:08.193Z",
            "2024-05-13T21:49:55.426489Z",
            "1999-12-31T23:59:59Z",
            "2024-05-08T01:00:00.000+01:00",
        ] {
            let want = chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .timestamp_micros();
            assert_eq!(iso_us(s), Some(want), "{s}");
        }
    }

    #[test]
    fn html_dates_in_three_languages() {
        let want = chrono::DateTime::parse_from_rfc3339("2024-05-13T12:27:22Z")
            .unwrap()
            .timestamp_micros();
        assert_eq!(
            html_date_us("May 13, 2024, 1:27:22\u{202f}PM BST"),
            Some(want)
        );
        assert_eq!(html_date_us("13. Mai 2024, 14:27:22 MESZ"), Some(want));
        assert_eq!(html_date_us("13 mai 2024, 14:27:22 UTC+2"), Some(want));
        assert_eq!(
            html_date_us("3 janv. 2024, 08:00:00 UTC+1").map(|v| v % 1_000_000),
            Some(0)
        );
    }

    #[test]
    fn coordinates_round_like_python() {
        assert_eq!(
            latlng_text_e7("51.5413000°, -0.1432000°"),
            Some((515413000, -1432000))
        );
        assert_eq!(
            latlng_text_e7("geo:51.541181,-0.143224"),
            Some((515411810, -1432240))
        );
        assert_eq!(e7_to_micro(515412916), 51541292);
        assert_eq!(e7_to_micro(-1431792), -143179);
        // A tie follows the binary value, as "%.6f" does.
        let tie = 515412915i64;
        let py = format!("{:.6}", tie as f64 / 1e7);
        assert_eq!(e7_to_micro(tie), deg_text_e7(&py).unwrap() / 10);
    }

    #[test]
    fn products_and_verbs() {
        assert_eq!(canonical_product("Suche"), "Search");
        assert_eq!(canonical_product("Recherche d'images"), "Image Search");
        assert_eq!(
            strip_verb("Relaxing music angesehen", WATCHED),
            "Relaxing music"
        );
        assert_eq!(strip_verb("A regardé Clip", WATCHED), "Clip");
        assert_eq!(strip_verb("Gesucht nach: katzen", SEARCHED), "katzen");
    }
}
