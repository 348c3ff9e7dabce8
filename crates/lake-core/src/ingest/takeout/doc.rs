//! Takeout files read whole: the size limits by kind (a JSON tree takes several times its
//! text in memory), and decoding helpers for JSON and text files.

use std::io::Read;

use serde_json::Value;

use super::recognize::Kind;
use crate::error::ReadError;

/// Largest file read whole and parsed into a JSON tree (a tree takes several times the
/// text's size in memory).
pub const MAX_JSON_TREE: u64 = 64 << 20;
/// Largest file read whole for the typed and text readers (My Activity, Chrome, calendars,
/// the on-device timeline...).
pub const MAX_WHOLE: u64 = 256 << 20;

/// What a file of `kind` may weigh to be read whole.
pub(super) fn whole_limit(kind: Kind) -> u64 {
    match kind {
        Kind::SemanticMonth
        | Kind::AlbumMeta
        | Kind::KeepNote
        | Kind::SavedPlaces
        | Kind::PlayInstalls
        | Kind::TimelineEdits => MAX_JSON_TREE,
        _ => MAX_WHOLE,
    }
}

pub(super) fn read_all(
    r: &mut dyn Read,
    head: &[u8],
    size: u64,
    path: &str,
    max: u64,
) -> std::result::Result<Vec<u8>, ReadError> {
    let too_big = || {
        format!(
            "{path}: larger than {} MiB, the most a file of this kind is read whole; split it \
             or report it if it is a real export",
            max >> 20
        )
    };
    if size > max {
        return Err(ReadError::TooLarge(too_big()));
    }
    let mut data = Vec::with_capacity((size as usize).max(head.len()) + 1);
    data.extend_from_slice(head);
    r.take(max + 1 - head.len() as u64)
        .read_to_end(&mut data)
        .map_err(|e| ReadError::Io(format!("read error: {e} ({path})")))?;
    if data.len() as u64 > max {
        return Err(ReadError::TooLarge(too_big()));
    }
    Ok(data)
}

pub(super) fn json_doc(data: &[u8]) -> std::result::Result<Value, ReadError> {
    let data = strip_bom(data);
    serde_json::from_slice(data).map_err(|e| json_error(data, &e).into())
}

pub(super) fn strip_bom(data: &[u8]) -> &[u8] {
    data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data)
}

/// A JSON error in words, with its byte offset.
pub(crate) fn json_error(data: &[u8], e: &serde_json::Error) -> String {
    let what = if e.is_eof() {
        "truncated JSON"
    } else {
        "invalid JSON"
    };
    format!(
        "{what}: {e} (byte {})",
        byte_offset(data, e.line(), e.column())
    )
}

fn byte_offset(data: &[u8], line: usize, col: usize) -> usize {
    let mut l = 1;
    for (i, c) in data.iter().enumerate() {
        if l == line {
            return i + col.saturating_sub(1);
        }
        if *c == b'\n' {
            l += 1;
        }
    }
    data.len()
}

pub(super) fn text_of(data: &[u8]) -> String {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    match std::str::from_utf8(data) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(data).0.into_owned(),
    }
}
