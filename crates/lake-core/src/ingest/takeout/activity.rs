//! My Activity (JSON and the legacy HTML layout), Chrome history, YouTube watch and search
//! history, and YouTube comments.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::tables::{
    Key, Tables, CHROME_HISTORY, MY_ACTIVITY, V, YOUTUBE_COMMENTS, YOUTUBE_SEARCH, YOUTUBE_WATCH,
};
use super::text::{canonical_product, html_date_us, iso_us, strip_verb, SEARCHED, WATCHED};
use crate::error::ReadError;

/// One activity entry, from JSON or HTML.
#[derive(Default, Debug)]
pub struct Entry {
    ts: Option<i64>,
    header: Option<String>,
    product: Option<String>,
    title: Option<String>,
    title_url: Option<String>,
    subtitles: Vec<(String, Option<String>)>,
    details: Vec<String>,
    lat_lon: Option<(f64, f64)>,
}

/// `…center=51.517451,-0.102348…` in a Maps link.
fn center_of(url: &str) -> Option<(f64, f64)> {
    let i = url.find("center=")?;
    let rest = &url[i + 7..];
    let rest = rest.split('&').next()?;
    let rest = rest.replace("%2C", ",");
    let (a, b) = rest.split_once(',')?;
    Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
}

/// Where an activity entry goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `takeout.my_activity` (files under the My Activity folder).
    MyActivity,
    /// YouTube watch or search history, decided per entry from its link.
    YoutubeHistory,
}

fn push_entry(t: &mut Tables, e: &Entry, route: Route, file: &str) {
    match route {
        Route::MyActivity => {
            let product = e.product.as_deref().map(canonical_product);
            let subtitle = (!e.subtitles.is_empty()).then(|| {
                e.subtitles
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            });
            let details = (!e.details.is_empty()).then(|| e.details.join("; "));
            let key = Key::new("my_activity")
                .oi(e.ts)
                .os(product.as_deref())
                .os(e.title.as_deref())
                .os(e.title_url.as_deref())
                .done();
            t.get(&MY_ACTIVITY).push(
                key,
                &[
                    V::ts(e.ts),
                    product.as_deref().into(),
                    e.header.as_deref().into(),
                    e.title.as_deref().into(),
                    e.title_url.as_deref().into(),
                    subtitle.as_deref().into(),
                    details.as_deref().into(),
                    e.lat_lon.map(|l| l.0).into(),
                    e.lat_lon.map(|l| l.1).into(),
                    V::S(file),
                ],
            );
        }
        Route::YoutubeHistory => {
            let url = e.title_url.as_deref().unwrap_or("");
            let title = e.title.as_deref().unwrap_or("");
            let is_search = url.contains("search_query=")
                || (url.is_empty() && strip_verb(title, SEARCHED) != title);
            if is_search {
                let query = query_of(url).unwrap_or_else(|| strip_verb(title, SEARCHED));
                t.get(&YOUTUBE_SEARCH).push(
                    Key::new("youtube_search").oi(e.ts).s(&query).done(),
                    &[
                        V::ts(e.ts),
                        V::S(&query),
                        e.title_url.as_deref().into(),
                        V::S(file),
                    ],
                );
            } else {
                let bare = strip_verb(title, WATCHED);
                let (cn, cu) = e
                    .subtitles
                    .first()
                    .map(|(n, u)| (Some(n.as_str()), u.as_deref()))
                    .unwrap_or((None, None));
                t.get(&YOUTUBE_WATCH).push(
                    Key::new("youtube_watch")
                        .oi(e.ts)
                        .os(e.title_url.as_deref())
                        .s(title)
                        .done(),
                    &[
                        V::ts(e.ts),
                        V::S(&bare),
                        e.title_url.as_deref().into(),
                        cn.into(),
                        cu.into(),
                        V::S(file),
                    ],
                );
            }
        }
    }
}

fn query_of(url: &str) -> Option<String> {
    let i = url.find("search_query=")?;
    let raw = url[i + 13..].split('&').next()?;
    Some(percent_decode(&raw.replace('+', " ")))
}

/// `%XX` decoding (invalid sequences are kept as they are).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Deserialize)]
struct JName<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    url: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JEntry<'a> {
    #[serde(borrow, default)]
    header: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    title_url: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    time: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    products: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    subtitles: Vec<JName<'a>>,
    #[serde(borrow, default)]
    details: Vec<JName<'a>>,
    #[serde(borrow, default)]
    location_infos: Vec<JName<'a>>,
}

impl JEntry<'_> {
    fn entry(self) -> Entry {
        let header = self.header.map(Cow::into_owned);
        Entry {
            ts: self.time.as_deref().and_then(iso_us),
            product: self
                .products
                .into_iter()
                .next()
                .map(Cow::into_owned)
                .or_else(|| header.clone()),
            header,
            title: self.title.map(Cow::into_owned),
            title_url: self.title_url.map(Cow::into_owned),
            subtitles: self
                .subtitles
                .into_iter()
                .filter_map(|n| Some((n.name?.into_owned(), n.url.map(Cow::into_owned))))
                .collect(),
            details: self
                .details
                .into_iter()
                .filter_map(|n| n.name.map(Cow::into_owned))
                .collect(),
            lat_lon: self
                .location_infos
                .iter()
                .find_map(|l| center_of(l.url.as_deref()?)),
        }
    }
}

/// A My Activity or YouTube history JSON file (an array of entries), parsed into typed entries
/// without building a JSON tree.
pub fn activity_json(
    t: &mut Tables,
    file: &str,
    data: &[u8],
    route: Route,
) -> Result<(), ReadError> {
    let entries: Vec<JEntry> =
        serde_json::from_slice(data).map_err(|e| super::json_error(data, &e))?;
    for (i, e) in entries.into_iter().enumerate() {
        push_entry(t, &e.entry(), route, file);
        if i % 16_384 == 16_383 {
            t.maybe_flush().map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v: Option<Value> = Option::deserialize(d)?;
    Ok(v.and_then(|v| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok())))
}

#[derive(Deserialize)]
struct ChromeItem<'a> {
    #[serde(borrow, default)]
    page_transition: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    client_id: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "lenient_i64")]
    time_usec: Option<i64>,
}

#[derive(Deserialize)]
struct ChromeDoc<'a> {
    #[serde(rename = "Browser History", borrow)]
    history: Option<Vec<ChromeItem<'a>>>,
}

/// HTML entities used by the Takeout pages.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let ent = &tail[1..end];
        let rep = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            "emsp" | "ensp" | "thinsp" => Some(' '),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match rep {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text of an HTML fragment: tags removed, entities decoded, trimmed.
pub fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out).trim().to_string()
}

fn hrefs(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("<a href=\"") {
        let after = &rest[i + 9..];
        let Some(q) = after.find('"') else { break };
        let url = decode_entities(&after[..q]);
        let text_start = after[q..].find('>').map(|x| q + x + 1).unwrap_or(q);
        let text_end = after[text_start..]
            .find("</a>")
            .map(|x| text_start + x)
            .unwrap_or(text_start);
        out.push((url, strip_tags(&after[text_start..text_end])));
        rest = &after[text_end..];
    }
    out
}

/// The legacy HTML layout: one `outer-cell` per entry, the header in the title cell, the
/// title, links and date in the first content cell, products and locations in the caption.
pub fn activity_html(
    t: &mut Tables,
    file: &str,
    html: &str,
    route: Route,
) -> Result<(), ReadError> {
    let mut n = 0u64;
    let mut bad = 0u64;
    let mut first_bad: Option<String> = None;
    for cell in html.split("<div class=\"outer-cell").skip(1) {
        n += 1;
        let header = cell
            .find("mdl-typography--title\">")
            .map(|i| &cell[i + 23..])
            .and_then(|r| r.split("<br").next())
            .map(strip_tags);
        let Some(ci) = cell.find("mdl-typography--body-1\">") else {
            bad += 1;
            continue;
        };
        let body = &cell[ci + 24..];
        let body = &body[..body.find("</div>").unwrap_or(body.len())];
        let lines: Vec<&str> = body
            .split("<br>")
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let Some((date_line, rest)) = lines.split_last() else {
            bad += 1;
            continue;
        };
        let ts = html_date_us(&strip_tags(date_line));
        if ts.is_none() {
            bad += 1;
            first_bad.get_or_insert_with(|| strip_tags(date_line));
        }
        let title_line = rest.first().copied().unwrap_or("");
        let links = hrefs(title_line);
        let subtitles = rest
            .iter()
            .skip(1)
            .map(|l| {
                let h = hrefs(l);
                (strip_tags(l), h.first().map(|x| x.0.clone()))
            })
            .collect();
        let caption = cell
            .find("mdl-typography--caption\">")
            .map(|i| &cell[i..])
            .unwrap_or("");
        let product = caption
            .find("<br>&emsp;")
            .map(|i| &caption[i + 10..])
            .and_then(|r| r.split("<br").next())
            .map(strip_tags)
            .or_else(|| header.clone());
        let lat_lon = hrefs(caption).iter().find_map(|(u, _)| center_of(u));
        let e = Entry {
            ts,
            header,
            product,
            title: Some(strip_tags(title_line)).filter(|s| !s.is_empty()),
            title_url: links.first().map(|l| l.0.clone()),
            subtitles,
            details: Vec::new(),
            lat_lon,
        };
        push_entry(t, &e, route, file);
    }
    if n == 0 {
        return Err("no activity entries found in the HTML page".into());
    }
    if let Some(d) = first_bad {
        return Err(format!(
            "{bad} of {n} entries have a date that could not be read (first: {d:?})"
        )
        .into());
    }
    Ok(())
}

/// Chrome `History.json` / `BrowserHistory.json`.
pub fn chrome(t: &mut Tables, file: &str, data: &[u8]) -> Result<(), ReadError> {
    let doc: ChromeDoc = serde_json::from_slice(data).map_err(|e| super::json_error(data, &e))?;
    let items = doc.history.ok_or("no `Browser History` array")?;
    for (i, v) in items.into_iter().enumerate() {
        if i % 16_384 == 16_383 {
            t.maybe_flush().map_err(|e| e.to_string())?;
        }
        let ts = v.time_usec.and_then(super::text::epoch_us);
        t.get(&CHROME_HISTORY).push(
            Key::new("chrome").oi(ts).os(v.url.as_deref()).done(),
            &[
                V::ts(ts),
                v.url.as_deref().into(),
                v.title.as_deref().into(),
                v.page_transition.as_deref().into(),
                v.client_id.as_deref().into(),
                V::S(file),
            ],
        );
    }
    Ok(())
}

/// YouTube comments CSV (`contentJSON` or `Comment Text` column).
pub fn youtube_comments(t: &mut Tables, file: &str, data: &[u8]) -> Result<(), ReadError> {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(data);
    let headers = rdr.headers().map_err(|e| e.to_string())?.clone();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.trim()));
    let c_id = col(&["Comment ID", "Kommentar-ID", "ID du commentaire"]);
    let c_ts = col(&[
        "Comment Create Timestamp",
        "Comment create timestamp",
        "Zeitstempel der Kommentarerstellung",
    ])
    .or_else(|| {
        headers
            .iter()
            .position(|h| h.to_lowercase().contains("timestamp"))
    });
    let c_video = col(&["Video ID", "Video-ID", "ID de la vidéo"]);
    let c_text = col(&[
        "contentJSON",
        "Comment Text",
        "Comment text",
        "Kommentartext",
        "Texte du commentaire",
    ]);
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("line {}: {e}", i + 2))?;
        let get = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let ts = get(c_ts).and_then(iso_us);
        let video = get(c_video).map(|v| format!("https://www.youtube.com/watch?v={v}"));
        let text = get(c_text).map(comment_text);
        let id = get(c_id);
        let key = match id {
            Some(id) => Key::new("yt_comment").s(id).done(),
            None => Key::new("yt_comment")
                .oi(ts)
                .os(video.as_deref())
                .os(text.as_deref())
                .done(),
        };
        t.get(&YOUTUBE_COMMENTS).push(
            key,
            &[
                V::ts(ts),
                video.as_deref().into(),
                text.as_deref().into(),
                id.into(),
                V::S(file),
            ],
        );
    }
    Ok(())
}

fn comment_text(raw: &str) -> String {
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::Object(o)) => match o.get("text") {
            Some(Value::String(s)) => s.clone(),
            _ => raw.to_string(),
        },
        Ok(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(""),
        _ => {
            // Several JSON objects separated by commas: `{"text":"a"},{"text":"b"}`.
            match serde_json::from_str::<Value>(&format!("[{raw}]")) {
                Ok(Value::Array(a)) if !a.is_empty() => a
                    .iter()
                    .filter_map(|x| x.get("text").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join(""),
                _ => raw.to_string(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_links() {
        assert_eq!(decode_entities("a&amp;b&nbsp;&#x27;c&#39;"), "a&b 'c'");
        let h = hrefs("Searched for&nbsp;<a href=\"https://x/?q=a&amp;b\">a &amp; b</a>");
        assert_eq!(
            h,
            vec![("https://x/?q=a&b".to_string(), "a & b".to_string())]
        );
        assert_eq!(percent_decode("emoji+%F0%9F%8E%89"), "emoji+🎉");
    }
}
