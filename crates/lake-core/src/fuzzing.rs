//! Entry points for the fuzz targets under `fuzz/`: bytes in, never a panic out. Each runs one
//! reader of hostile input exactly as an import does, minus the lake. Not a stable API.

use std::io::{Cursor, Read};

use crate::ingest::records::{self, Flow, Item};
use crate::ingest::takeout::{recognize, tables::Tables, vfs};

fn drain(r: &mut dyn Read) -> crate::Result<()> {
    std::io::copy(r, &mut std::io::sink())
        .map(|_| ())
        .map_err(|e| crate::LakeError::io("reading an entry", e))
}

/// A zip archive: every entry is checked and read to its end.
pub fn zip(data: &[u8]) {
    let _ = vfs::zip_entries(
        Cursor::new(data),
        data.len() as u64,
        "fuzz.zip",
        0,
        &mut |_, r| drain(r),
    );
}

/// A tar stream (uncompressed): every entry is checked and read to its end.
pub fn tar(data: &[u8]) {
    let budget = (data.len() as u64).saturating_mul(vfs::MAX_RATIO);
    let _ = vfs::tar_entries(Cursor::new(data), budget, "fuzz.tar", 0, &mut |_, r| {
        drain(r)
    });
}

fn all_items(_: Item) -> crate::Result<Flow> {
    Ok(Flow::Continue)
}

/// A JSON document (array, object holding an array, or one object).
pub fn json_doc(data: &[u8]) {
    let _ = records::json_doc_items(Cursor::new(data), None, "fuzz.json", &mut all_items);
    let _ = records::json_doc_items(
        Cursor::new(data),
        Some("features"),
        "fuzz.geojson",
        &mut all_items,
    );
}

/// NDJSON lines.
pub fn ndjson(data: &[u8]) {
    let _ = records::ndjson_items(&mut Cursor::new(data), "fuzz.ndjson", &mut all_items);
}

/// The Takeout streaming array cutter (Records.json's `locations`).
pub fn json_array(data: &[u8]) {
    let _ = crate::ingest::takeout::fuzz_stream_array(data);
}

/// CSV encoding and delimiter sniffing, then the records as the import reads them.
pub fn csv(data: &[u8]) {
    let _ = crate::ingest::detect_encoding(data);
    let delim = crate::ingest::sniff_delimiter(data);
    let mut r = ::csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .has_headers(true)
        .from_reader(data);
    let mut rec = ::csv::ByteRecord::new();
    while let Ok(true) = r.read_byte_record(&mut rec) {}
}

/// Takeout recognition: the first line is the entry path, the rest its first bytes.
pub fn takeout_classify(data: &[u8]) {
    let (path, head) = match memchr::memchr(b'\n', data) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let path = String::from_utf8_lossy(path);
    if let Ok(Some(clean)) = vfs::clean_entry_path(&path, "fuzz") {
        let _ = recognize::classify(&clean, head);
        let _ = recognize::locale_hint(&clean);
        let _ = vfs::normalize_name(&clean);
    }
}

/// mbox splitting and header decoding (rows stay in memory; nothing is written).
pub fn mbox(data: &[u8]) {
    let mut t = Tables::new(std::path::Path::new("/nonexistent"), u64::MAX);
    let _ = crate::ingest::takeout::fuzz_mbox(&mut t, data);
}

/// The SQL guard. Whatever it accepts must reach the engine unchanged: the text the engine is
/// given (the statement printed) parses, the way the engine parses it, to the very statement
/// the guard checked.
pub fn sql_guard(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(g) = crate::query::guard::guard(s) {
            let text = g.statement.to_string();
            if let Err(e) = crate::query::guard::recheck_for_engine(&text, &g.statement) {
                panic!("accepted {s:?}, but its printed form {text:?} is not the same: {e}");
            }
        }
    }
}
