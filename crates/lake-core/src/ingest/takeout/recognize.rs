//! Which Takeout file is which: by content first (JSON keys, mbox separators, vCard and
//! iCalendar headers, the HTML cell layout, CSV headers), with folder and file names in
//! English, German and French used only as hints.

use super::vfs::normalize_name;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `Records.json` of Location History.
    Records,
    /// A monthly Semantic Location History file.
    SemanticMonth,
    /// `Timeline Edits.json`.
    TimelineEdits,
    /// The on-device timeline export (Android `Timeline.json` or iOS `location-history.json`).
    OnDevice,
    /// The "encrypted Timeline backups" placeholder.
    EncryptedPlaceholder,
    /// My Activity (or YouTube history) in JSON.
    ActivityJson,
    /// My Activity in the legacy HTML layout.
    ActivityHtml,
    /// Chrome `History.json` / `BrowserHistory.json`.
    ChromeHistory,
    /// YouTube comments CSV.
    YoutubeComments,
    /// A Google Photos JSON sidecar.
    PhotoSidecar,
    /// A Google Photos album `metadata.json`.
    AlbumMeta,
    /// A photo or video.
    Media,
    /// Gmail mbox.
    Mbox,
    /// iCalendar.
    Ics,
    /// vCard.
    Vcf,
    /// A Keep note.
    KeepNote,
    /// Maps saved places (GeoJSON).
    SavedPlaces,
    /// Fit per-day activity metrics CSV.
    FitDaily,
    /// Fit TCX activity.
    Tcx,
    /// Play Store installs.
    PlayInstalls,
    /// Known files that hold nothing for the tables (settings, labels, the archive index).
    Known,
    /// Anything else.
    Unknown,
}

impl Kind {
    /// The product this kind belongs to, in canonical English.
    pub fn product(self) -> &'static str {
        match self {
            Kind::Records | Kind::TimelineEdits | Kind::EncryptedPlaceholder => "Location History",
            Kind::SemanticMonth => "Semantic Location History",
            Kind::OnDevice => "On-device Timeline",
            Kind::ActivityJson | Kind::ActivityHtml => "My Activity",
            Kind::ChromeHistory => "Chrome",
            Kind::YoutubeComments => "YouTube",
            Kind::PhotoSidecar | Kind::AlbumMeta | Kind::Media => "Google Photos",
            Kind::Mbox => "Gmail",
            Kind::Ics => "Calendar",
            Kind::Vcf => "Contacts",
            Kind::KeepNote => "Keep",
            Kind::SavedPlaces => "Maps (your places)",
            Kind::FitDaily | Kind::Tcx => "Fit",
            Kind::PlayInstalls => "Google Play Store",
            Kind::Known => "(other)",
            Kind::Unknown => "(unrecognized)",
        }
    }
}

const MEDIA_EXT: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "heic", "heif", "webp", "mp4", "mov", "3gp", "avi", "mkv", "dng",
    "cr2", "nef", "arw", "tif", "tiff", "bmp", "m4v", "mpg", "wmv",
];

/// Folder names (first level under `Takeout/`) of the My Activity product.
pub const MY_ACTIVITY_DIRS: &[&str] = &[
    "My Activity",
    "Meine Aktivitäten",
    "Mon activité",
    "Mi actividad",
    "La mia attività",
];

/// Locale hints: folder or file names that only one language uses.
pub fn locale_hint(path: &str) -> Option<&'static str> {
    const DE: &[&str] = &[
        "Meine Aktivitäten",
        "Google Fotos",
        "Fotos von ",
        "Kalender/",
        "Google Kontakte",
        "Google Notizen",
        "Tägliche Aktivitätswerte",
        "Maps (Meine Orte)",
        "Standortverlauf",
        "YouTube und YouTube Music",
        "Archiv_Übersicht",
        "Zeitleiste.json",
    ];
    const FR: &[&str] = &[
        "Mon activité",
        "Photos de ",
        "Agenda/",
        "Mes contacts",
        "Tous les contacts",
        "Statistiques d'activité",
        "Maps (vos adresses)",
        "Historique des positions",
        "YouTube et YouTube Music",
        "Archive_navigateur",
        "Chronologie.json",
    ];
    const EN: &[&str] = &[
        "My Activity",
        "Photos from ",
        "Calendar/",
        "All Contacts",
        "Daily activity metrics",
        "Maps (your places)",
        "YouTube and YouTube Music",
        "archive_browser.html",
    ];
    if DE.iter().any(|m| path.contains(m)) {
        Some("de")
    } else if FR.iter().any(|m| path.contains(m)) {
        Some("fr")
    } else if EN.iter().any(|m| path.contains(m)) {
        Some("en")
    } else {
        None
    }
}

fn ext_of(path: &str) -> String {
    path.rsplit('/')
        .next()
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// The JSON keys that appear in the first bytes of a document (cheap: no full parse).
fn has_key(text: &str, key: &str) -> bool {
    let pat = format!("\"{key}\"");
    text.contains(&pat)
}

/// Classifies a file from its path and its first bytes.
pub fn classify(path: &str, head: &[u8]) -> Kind {
    let norm = normalize_name(path);
    let name = norm.rsplit('/').next().unwrap_or(&norm);
    let ext = ext_of(&norm);
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    // Binary media by magic number, else by extension.
    if head.starts_with(&[0xff, 0xd8, 0xff])
        || head.starts_with(b"\x89PNG")
        || head.starts_with(b"GIF8")
        || (head.len() > 12 && &head[4..8] == b"ftyp")
        || (head.starts_with(b"RIFF") && head.len() > 12 && &head[8..12] == b"WEBP")
    {
        return Kind::Media;
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(16384)]);
    let t = text.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        return classify_json(&norm, name, t);
    }
    if t.starts_with("From ")
        && (text.contains("\nFrom:") || text.contains("\nDate:") || text.contains("\nX-GM-THRID"))
    {
        return Kind::Mbox;
    }
    if t.starts_with("BEGIN:VCALENDAR") {
        return Kind::Ics;
    }
    if t.starts_with("BEGIN:VCARD") {
        return Kind::Vcf;
    }
    if t.starts_with("<?xml") || t.starts_with('<') {
        if text.contains("<TrainingCenterDatabase") {
            return Kind::Tcx;
        }
        if text.contains("outer-cell") && text.contains("content-cell") {
            return Kind::ActivityHtml;
        }
        if t.to_ascii_lowercase().starts_with("<html") || t.starts_with("<!DOCTYPE") {
            return Kind::Known;
        }
    }
    if ext == "csv" {
        let first = t.lines().next().unwrap_or("");
        let cols: Vec<&str> = first.split(',').collect();
        if first.contains("Video ID")
            || first.contains("Comment ID")
            || first.contains("contentJSON")
        {
            return Kind::YoutubeComments;
        }
        let second = t.lines().nth(1).unwrap_or("");
        let looks_time =
            second.len() > 8 && second.as_bytes()[2] == b':' && second.as_bytes()[5] == b':';
        if cols.len() >= 6 && looks_time {
            return Kind::FitDaily;
        }
        if cols.len() >= 6 && second.len() >= 10 && second.as_bytes()[4] == b'-' {
            // The Fit per-day summary ("Date,…"): the per-day files hold the same data.
            return Kind::Known;
        }
        return Kind::Unknown;
    }
    if ext == "txt" {
        let lower = text.to_lowercase();
        if lower.contains("encrypted") && lower.contains("timeline")
            || lower.contains("verschlüsselt")
            || lower.contains("chiffrées")
            || name.starts_with("Encrypted Backups")
        {
            return Kind::EncryptedPlaceholder;
        }
        if norm.contains("Keep/") || norm.contains("Google Notizen/") || name == "Labels.txt" {
            return Kind::Known;
        }
    }
    if MEDIA_EXT.contains(&ext.as_str()) {
        return Kind::Media;
    }
    Kind::Unknown
}

fn classify_json(path: &str, name: &str, t: &str) -> Kind {
    if t.starts_with('{') {
        let first = first_key(t).unwrap_or_default();
        match first.as_str() {
            "locations" => return Kind::Records,
            "timelineObjects" => return Kind::SemanticMonth,
            "timelineEdits" => return Kind::TimelineEdits,
            "semanticSegments" | "rawSignals" | "userLocationProfile" => return Kind::OnDevice,
            "Browser History" => return Kind::ChromeHistory,
            _ => {}
        }
        if has_key(t, "Browser History") {
            return Kind::ChromeHistory;
        }
        if has_key(t, "semanticSegments") || has_key(t, "rawSignals") {
            return Kind::OnDevice;
        }
        if has_key(t, "photoTakenTime") || (has_key(t, "creationTime") && has_key(t, "imageViews"))
        {
            return Kind::PhotoSidecar;
        }
        if has_key(t, "isTrashed")
            && (has_key(t, "textContent") || has_key(t, "listContent") || has_key(t, "title"))
        {
            return Kind::KeepNote;
        }
        if has_key(t, "FeatureCollection") || t.contains("\"FeatureCollection\"") {
            if has_key(t, "google_maps_url") || has_key(t, "Google Maps URL") {
                return Kind::SavedPlaces;
            }
            return Kind::Unknown;
        }
        if has_key(t, "title") && has_key(t, "date") && has_key(t, "access") {
            return Kind::AlbumMeta;
        }
        if has_key(t, "deviceSettings") || has_key(t, "historyEnabled") {
            return Kind::Known;
        }
        if has_key(t, "creationTime")
            && has_key(t, "title")
            && name.ends_with(".json")
            && has_key(t, "photoTakenTime")
        {
            return Kind::PhotoSidecar;
        }
        return Kind::Unknown;
    }
    // Arrays.
    if has_key(t, "install") && has_key(t, "doc") {
        return Kind::PlayInstalls;
    }
    if has_key(t, "header") && has_key(t, "time") && (has_key(t, "title") || has_key(t, "products"))
    {
        return Kind::ActivityJson;
    }
    if has_key(t, "startTime")
        && (has_key(t, "visit") || has_key(t, "activity") || has_key(t, "timelinePath"))
    {
        return Kind::OnDevice;
    }
    let _ = path;
    if t.trim_start_matches('[').trim().starts_with(']') {
        return Kind::Known;
    }
    Kind::Unknown
}

fn first_key(t: &str) -> Option<String> {
    let rest = t.strip_prefix('{')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    Some(rest[..end].to_string())
}

/// Whether a folder path (under `Takeout/`) is a My Activity folder.
pub fn in_my_activity(path: &str) -> bool {
    let mut parts = path.split('/');
    let first = parts.next().unwrap_or("");
    let top = if first == "Takeout" {
        parts.next().unwrap_or("")
    } else {
        first
    };
    let top = normalize_name(top);
    MY_ACTIVITY_DIRS.iter().any(|d| top == *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_not_the_name() {
        assert_eq!(
            classify("x/whatever.json", b"{\n  \"locations\": [{"),
            Kind::Records
        );
        assert_eq!(
            classify("Takeout/Chrome/Verlauf.json", b"{\"Browser History\": ["),
            Kind::ChromeHistory
        );
        assert_eq!(
            classify(
                "a.mbox",
                b"From 1@xxx Wed Mar 20 06:17:24 +0000 2024\nX-GM-THRID: 1\nFrom: a"
            ),
            Kind::Mbox
        );
        assert_eq!(
            classify("Kalender/Familie.ics", b"BEGIN:VCALENDAR\r\n"),
            Kind::Ics
        );
        assert_eq!(classify("a.jpg", &[0xff, 0xd8, 0xff, 0xe0]), Kind::Media);
        assert_eq!(
            classify(
                "Meine Aktivitäten/Suche/MeineAktivitäten.json",
                b"[{\"header\": \"Suche\", \"title\": \"x\", \"time\": \"2024\"}]"
            ),
            Kind::ActivityJson
        );
        assert_eq!(
            classify("x.json", b"{\"semanticSegments\": []}"),
            Kind::OnDevice
        );
        assert_eq!(
            classify(
                "x.json",
                b"[{\"endTime\":\"2024\",\"startTime\":\"2024\",\"visit\":{}}]"
            ),
            Kind::OnDevice
        );
    }

    #[test]
    fn my_activity_folders_in_three_languages() {
        assert!(in_my_activity(
            "Takeout/Meine Aktivitäten/Suche/MeineAktivitäten.json"
        ));
        assert!(in_my_activity(
            "Takeout/Mon activité/Recherche/MonActivité.json"
        ));
        assert!(!in_my_activity(
            "Takeout/YouTube and YouTube Music/history/watch-history.json"
        ));
    }
}
