//! Google Photos: media files joined with their JSON sidecars, wherever in the parts each one
//! is. Sidecar names follow Google's rules: `<media>.json` (old) or
//! `<media>.supplemental-metadata.json` (new), the part before `.json` cut to 47 characters,
//! a duplicate counter `X(1).jpg` pairing with `X.jpg<suffix>(1).json` (or `X.jpg(1).json`),
//! and an edited copy (`X-edited.jpg`, `-bearbeitet`, `-modifié`) using the original's sidecar.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::tables::{Key, Tables, PHOTOS, V};
use crate::error::ReadError;

#[derive(serde::Deserialize)]
struct JTs<'a> {
    #[serde(borrow, default)]
    timestamp: Option<std::borrow::Cow<'a, str>>,
}

#[derive(serde::Deserialize)]
struct JGeo {
    #[serde(default)]
    latitude: Option<f64>,
    #[serde(default)]
    longitude: Option<f64>,
    #[serde(default)]
    altitude: Option<f64>,
}

#[derive(serde::Deserialize)]
struct JPerson<'a> {
    #[serde(borrow, default)]
    name: Option<std::borrow::Cow<'a, str>>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct JSidecar<'a> {
    #[serde(borrow, default)]
    title: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    photo_taken_time: Option<JTs<'a>>,
    #[serde(borrow, default)]
    creation_time: Option<JTs<'a>>,
    #[serde(default)]
    geo_data: Option<JGeo>,
    #[serde(default)]
    geo_data_exif: Option<JGeo>,
    #[serde(borrow, default)]
    people: Vec<JPerson<'a>>,
}

/// Reads a sidecar without building a JSON tree.
pub fn parse_sidecar_bytes(data: &[u8]) -> Result<Sidecar, ReadError> {
    let j: JSidecar = serde_json::from_slice(data).map_err(|e| super::json_error(data, &e))?;
    let ts = |t: &Option<JTs>| {
        t.as_ref()
            .and_then(|t| t.timestamp.as_deref())
            .and_then(super::text::epoch_text_us)
    };
    let geo = [&j.geo_data, &j.geo_data_exif].into_iter().find_map(|g| {
        let g = g.as_ref()?;
        let (lat, lon) = (g.latitude?, g.longitude?);
        (lat != 0.0 || lon != 0.0).then_some((lat, lon, g.altitude))
    });
    let people: Vec<&str> = j.people.iter().filter_map(|p| p.name.as_deref()).collect();
    Ok(Sidecar {
        title: j.title.map(|t| t.into_owned()),
        taken: ts(&j.photo_taken_time),
        created: ts(&j.creation_time),
        geo,
        people: (!people.is_empty()).then(|| people.join(", ")),
    })
}

/// What a sidecar says.
#[derive(Debug, Clone, Default)]
pub struct Sidecar {
    title: Option<String>,
    taken: Option<i64>,
    created: Option<i64>,
    geo: Option<(f64, f64, Option<f64>)>,
    people: Option<String>,
}

/// Photos seen so far; resolved once every part has been read.
#[derive(Default)]
pub struct Photos {
    /// folder → sidecar file name → (path, sidecar)
    sidecars: HashMap<String, BTreeMap<String, (String, Sidecar)>>,
    /// (folder, name, path) of every media file.
    media: Vec<(String, String, String)>,
    /// Album folders and their titles.
    albums: HashMap<String, String>,
}

const EDITED: &[&str] = &[
    "-edited",
    "-bearbeitet",
    "-modifié",
    "-modifie",
    "-editado",
    "-modificato",
];

fn split(path: &str) -> (String, String) {
    match path.rsplit_once('/') {
        Some((d, n)) => (d.to_string(), n.to_string()),
        None => (String::new(), path.to_string()),
    }
}

/// The sidecar names a media file may have, most specific first.
pub fn sidecar_candidates(name: &str) -> Vec<String> {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s, format!(".{e}")),
        None => (name, String::new()),
    };
    // `X(1)` → base `X`, counter 1.
    let (base_stem, dup) = match stem.strip_suffix(')').and_then(|s| s.rsplit_once('(')) {
        Some((b, d)) if !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()) => (b, Some(d)),
        _ => (stem, None),
    };
    let base = format!("{base_stem}{ext}");
    let mut out = Vec::new();
    for suffix in [".supplemental-metadata", ""] {
        let full: String = format!("{base}{suffix}");
        let cut: String = full.chars().take(47).collect();
        for s in [&cut, &full] {
            let n = match dup {
                Some(d) => format!("{s}({d}).json"),
                None => format!("{s}.json"),
            };
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    if let Some(d) = dup {
        out.push(format!("{base}({d}).json"));
    }
    out
}

impl Photos {
    /// A sidecar file.
    pub fn add_sidecar(&mut self, path: &str, side: Sidecar) {
        let (dir, name) = split(path);
        self.sidecars
            .entry(dir)
            .or_default()
            .insert(name, (path.to_string(), side));
    }

    /// A media file.
    pub fn add_media(&mut self, path: &str) {
        let (dir, name) = split(path);
        self.media.push((dir, name, path.to_string()));
    }

    /// An album's `metadata.json`.
    pub fn add_album(&mut self, path: &str, doc: &Value) {
        let (dir, _) = split(path);
        let title = doc
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| dir.rsplit('/').next().unwrap_or("").to_string());
        self.albums.insert(dir, title);
    }

    /// Whether anything was seen.
    pub fn is_empty(&self) -> bool {
        self.media.is_empty() && self.sidecars.is_empty()
    }

    /// Joins media and sidecars and writes the rows; returns the number of rows offered.
    pub fn finish(self, t: &mut Tables) -> u64 {
        let mut used: HashSet<String> = HashSet::new();
        // Album membership by file name.
        let mut album_of: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut in_year: HashSet<&str> = HashSet::new();
        for (dir, name, _) in &self.media {
            match self.albums.get(dir) {
                Some(title) => album_of.entry(name.as_str()).or_default().push(title),
                None => {
                    in_year.insert(name.as_str());
                }
            }
        }
        let mut rows = 0u64;
        let empty = BTreeMap::new();
        for (dir, name, path) in &self.media {
            let is_album = self.albums.contains_key(dir);
            if is_album && in_year.contains(name.as_str()) {
                continue; // a copy of a year-folder item
            }
            let sides = self.sidecars.get(dir).unwrap_or(&empty);
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            let edited_base = EDITED
                .iter()
                .find_map(|suf| stem.strip_suffix(suf))
                .map(|s| {
                    if ext.is_empty() {
                        s.to_string()
                    } else {
                        format!("{s}.{ext}")
                    }
                });
            let lookup = edited_base.as_deref().unwrap_or(name);
            let side = sidecar_candidates(lookup)
                .into_iter()
                .find_map(|c| sides.get(&c));
            if let Some((p, _)) = side {
                used.insert(p.clone());
            }
            let album = album_of.get(name.as_str()).map(|a| a.join(", "));
            rows += push_photo(t, Some(path), side, album.as_deref(), edited_base.is_some());
        }
        for (dir, sides) in &self.sidecars {
            if self.albums.contains_key(dir) {
                continue;
            }
            for (p, s) in sides.values() {
                if !used.contains(p) {
                    rows += push_photo(t, None, Some(&(p.clone(), s.clone())), None, false);
                }
            }
        }
        rows
    }
}

fn push_photo(
    t: &mut Tables,
    media: Option<&String>,
    side: Option<&(String, Sidecar)>,
    album: Option<&str>,
    edited: bool,
) -> u64 {
    let s = side.map(|x| &x.1);
    let sp = side.map(|x| x.0.as_str());
    let taken = s.and_then(|s| s.taken);
    let geo = s.and_then(|s| s.geo);
    let key = Key::new("photo")
        .os(media.map(String::as_str))
        .os(sp)
        .oi(taken)
        .done();
    t.get(&PHOTOS).push(
        key,
        &[
            V::ts(taken),
            V::ts(s.and_then(|s| s.created)),
            media.map(String::as_str).into(),
            sp.into(),
            s.and_then(|s| s.title.as_deref()).into(),
            geo.map(|g| g.0).into(),
            geo.map(|g| g.1).into(),
            geo.and_then(|g| g.2).into(),
            s.and_then(|s| s.people.as_deref()).into(),
            album.into(),
            V::B(edited),
            media.map(String::as_str).or(sp).into(),
        ],
    );
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecar_names() {
        let c = sidecar_candidates("PXL_20240429_190351085.jpg");
        assert!(c.contains(&"PXL_20240429_190351085.jpg.supplemental-metadat.json".to_string()));
        assert!(c.contains(&"PXL_20240429_190351085.jpg.json".to_string()));
        let c = sidecar_candidates("IMG_20240408_073210(1).jpg");
        assert!(c.contains(&"IMG_20240408_073210.jpg.supplemental-metadata(1).json".to_string()));
        assert!(c.contains(&"IMG_20240408_073210.jpg(1).json".to_string()));
        let c =
            sidecar_candidates("Screenshot_20240408-200731_Some Very Long Application Name.jpg");
        assert!(c.contains(&"Screenshot_20240408-200731_Some Very Long Appli.json".to_string()));
    }
}
