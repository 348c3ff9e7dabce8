//! One virtual tree over the parts of a Takeout export: zip and tgz archives read in place
//! (nothing is extracted to disk), unpacked folders, and single files dropped beside them.
//!
//! Every entry is checked before it is read, and nothing is ever extracted: only regular files
//! (a symlink, hard link or device refuses the archive), no absolute, drive or `..` paths, no
//! NUL bytes, no name twice; caps on the entry count, on what one entry may expand to (by its
//! ratio and by the size it states) and on what the whole archive may expand to. Each refusal
//! names the archive and the entry.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use unicode_normalization::UnicodeNormalization;

use crate::error::{IoContext, LakeError, Result};

mod tarball;
pub use tarball::{tar_entries, MAX_PAX_HEADER, MAX_TAR_NAME};

/// At most this many entries per part.
pub const MAX_ENTRIES: usize = 2_000_000;
/// One entry may not expand to more than this many times its compressed size (plus 1 MiB),
/// nor a whole archive to more than this many times its size on disk.
pub const MAX_RATIO: u64 = 1_000;
/// No archive part may expand to more than this (Google splits exports into parts of 2 to
/// 50 GB).
pub const MAX_PART_BYTES: u64 = 1 << 40;

/// What a part is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// A zip archive.
    Zip,
    /// A gzip-compressed tar archive.
    Tgz,
    /// An unpacked folder.
    Dir,
    /// A single file (for example the on-device `Timeline.json`).
    File,
}

/// One input of the export.
#[derive(Debug, Clone)]
pub struct Part {
    /// Where it is.
    pub path: PathBuf,
    /// What it is.
    pub kind: PartKind,
    /// Its size on disk (for folders: the sum of the files).
    pub bytes: u64,
}

/// An entry of the virtual tree.
#[derive(Debug, Clone)]
pub struct EntryMeta {
    /// The path inside the export, `/`-separated, NFC-normalised, starting at `Takeout/` when
    /// the export has that folder.
    pub path: String,
    /// Uncompressed size as the archive states it.
    pub size: u64,
    /// Index of the part it comes from.
    pub part: usize,
}

/// Classifies a path given on the command line.
pub fn part_kind(path: &Path) -> Result<PartKind> {
    if path.is_dir() {
        return Ok(PartKind::Dir);
    }
    let mut head = [0u8; 4];
    let n = {
        let mut f = File::open(path).ctx(|| format!("opening {}", path.display()))?;
        f.read(&mut head)
            .ctx(|| format!("reading {}", path.display()))?
    };
    Ok(match &head[..n] {
        [0x50, 0x4b, 0x03, 0x04] | [0x50, 0x4b, 0x05, 0x06] => PartKind::Zip,
        [0x1f, 0x8b, ..] => PartKind::Tgz,
        _ => PartKind::File,
    })
}

/// Unicode NFC, non-breaking and other odd spaces turned into plain spaces, dashes into `-`.
pub fn normalize_name(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    s.nfc()
        .map(|c| match c {
            '\u{a0}' | '\u{202f}' | '\u{2007}' | '\u{2009}' => ' ',
            '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
            c => c,
        })
        .collect()
}

/// Checks an archive entry name and turns it into a tree path (keeping the original letters,
/// NFC-normalised). `None` for entries that are skipped (folders).
pub fn clean_entry_path(raw: &str, part: &str) -> Result<Option<String>> {
    if raw.contains('\0') {
        return Err(LakeError::bad_input(
            part,
            Some(format!("entry {raw:?}")),
            "entry name contains a NUL byte; the archive is damaged or hostile",
        ));
    }
    let s = raw.replace('\\', "/");
    if s.ends_with('/') {
        return Ok(None);
    }
    if s.starts_with('/') || s.as_bytes().get(1) == Some(&b':') {
        return Err(LakeError::bad_input(
            part,
            Some(format!("entry {raw:?}")),
            "entry has an absolute path; refusing to read it",
        ));
    }
    let mut parts = Vec::new();
    for c in s.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                return Err(LakeError::bad_input(
                    part,
                    Some(format!("entry {raw:?}")),
                    "entry path contains `..`; refusing to read it",
                ))
            }
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        return Ok(None);
    }
    let joined = parts.join("/");
    Ok(Some(if joined.is_ascii() {
        joined
    } else {
        joined.nfc().collect()
    }))
}

/// Bytes read from disk over all parts, for progress.
#[derive(Clone, Default)]
pub struct ReadCounter(pub Arc<AtomicU64>);

impl ReadCounter {
    /// Bytes so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

struct Counting<R> {
    inner: R,
    counter: ReadCounter,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// A read buffer that survives seeks landing inside it.
struct SeekBuf<R> {
    inner: R,
    buf: Vec<u8>,
    /// File offset of `buf[0]`.
    start: u64,
    pos: usize,
    len: usize,
}

impl<R: Read + Seek> SeekBuf<R> {
    fn new(inner: R) -> Self {
        SeekBuf {
            inner,
            buf: vec![0; 256 << 10],
            start: 0,
            pos: 0,
            len: 0,
        }
    }
}

impl<R: Read + Seek> Read for SeekBuf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len {
            if out.len() >= self.buf.len() {
                let n = self.inner.read(out)?;
                self.start += (self.len + n) as u64;
                self.pos = 0;
                self.len = 0;
                return Ok(n);
            }
            self.start += self.len as u64;
            self.len = self.inner.read(&mut self.buf)?;
            self.pos = 0;
        }
        let n = out.len().min(self.len - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl<R: Read + Seek> Seek for SeekBuf<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let here = self.start + self.pos as u64;
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::Current(d) => here.checked_add_signed(d),
            SeekFrom::End(_) => None,
        };
        if let Some(t) = target {
            if t >= self.start && t <= self.start + self.len as u64 {
                self.pos = (t - self.start) as usize;
                return Ok(t);
            }
        }
        let p = match to {
            SeekFrom::Current(d) => self.inner.seek(SeekFrom::Start(
                here.checked_add_signed(d)
                    .ok_or_else(|| io::Error::other("seek before the start"))?,
            ))?,
            other => self.inner.seek(other)?,
        };
        self.start = p;
        self.pos = 0;
        self.len = 0;
        Ok(p)
    }
}

/// Caps what one entry may expand to (its ratio, its stated size) and what a whole part may
/// expand to, so a zip bomb or an entry that lies about its size fails with a clear error.
struct Capped<'a, R> {
    inner: R,
    /// Bytes this entry may still yield by its compression ratio.
    left: u64,
    /// Bytes this entry may still yield by the size the archive states (zip only).
    stated_left: Option<u64>,
    /// Bytes the whole part may still yield.
    part_left: &'a mut u64,
    path: &'a str,
    /// Set when a cap was hit, so the archive is refused even if the reader's caller would
    /// only have marked the file broken.
    tripped: Option<String>,
}

impl<R: Read> Capped<'_, R> {
    fn trip(&mut self, what: String) -> io::Error {
        self.tripped = Some(what.clone());
        io::Error::other(format!("entry {}: {what}", self.path))
    }
}

impl<R: Read> Read for Capped<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = match self.inner.read(buf) {
            Ok(n) => n as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
            // A CRC mismatch, a bad deflate stream, more bytes than declared: the entry (and
            // so the download) is damaged.
            Err(e) => return Err(self.trip(format!("cannot be read ({e})"))),
        };
        if n > self.left {
            return Err(self.trip(format!(
                "expands to more than {MAX_RATIO}× its compressed size (a possible zip bomb)"
            )));
        }
        if self.stated_left.is_some_and(|s| n > s) {
            return Err(self.trip("holds more bytes than the archive states".into()));
        }
        if n > *self.part_left {
            return Err(self.trip(format!(
                "the archive expands to more than {MAX_RATIO}× its own size or {} GiB (a \
                 possible zip bomb)",
                MAX_PART_BYTES >> 30
            )));
        }
        self.left -= n;
        if let Some(s) = self.stated_left.as_mut() {
            *s -= n;
        }
        *self.part_left -= n;
        Ok(n as usize)
    }
}

/// Runs `visit` over an entry capped by its ratio (`left`), the size it states and what the
/// part may still yield; a tripped cap refuses the archive, naming the entry.
fn visit_capped<R: Read>(
    inner: R,
    meta: &EntryMeta,
    (left, stated_left): (u64, Option<u64>),
    part_left: &mut u64,
    display: &str,
    visit: &mut Visit<'_>,
) -> Result<()> {
    let mut capped = Capped {
        inner,
        left,
        stated_left,
        part_left,
        path: &meta.path,
        tripped: None,
    };
    let res = visit(meta, &mut capped);
    match capped.tripped {
        Some(what) => Err(hostile(display, &meta.path, &what)),
        None => res,
    }
}

/// What a part may expand to in all: `MAX_RATIO` times its size, at most `MAX_PART_BYTES`.
fn part_budget(compressed: u64) -> u64 {
    compressed
        .saturating_mul(MAX_RATIO)
        .saturating_add(1 << 20)
        .min(MAX_PART_BYTES)
}

fn hostile(display: &str, raw: &str, what: &str) -> LakeError {
    LakeError::bad_input(
        display,
        Some(format!("entry {raw:?}")),
        format!("{what}; the archive is damaged or hostile, so it is refused"),
    )
}

/// Checks that `path` appears once in the part.
fn check_unique(
    seen: &mut std::collections::HashSet<String>,
    path: &str,
    display: &str,
    raw: &str,
) -> Result<()> {
    if !seen.insert(path.to_string()) {
        return Err(hostile(
            display,
            raw,
            "the same path appears twice in the archive",
        ));
    }
    Ok(())
}

/// The first name the central directory (at `start`) lists twice.
fn first_duplicate<R: Read + Seek>(mut r: R, start: u64) -> Option<String> {
    r.seek(SeekFrom::Start(start)).ok()?;
    let mut cd = Vec::new();
    r.take(64 << 20).read_to_end(&mut cd).ok()?;
    let mut seen = std::collections::HashSet::new();
    let mut i = 0;
    while cd.get(i..i + 4) == Some(b"PK\x01\x02") && i + 46 <= cd.len() {
        let u16_at = |o: usize| u16::from_le_bytes([cd[i + o], cd[i + o + 1]]) as usize;
        let (n, x, c) = (u16_at(28), u16_at(30), u16_at(32));
        let name = cd.get(i + 46..i + 46 + n)?;
        if !seen.insert(name) {
            return Some(String::from_utf8_lossy(name).into_owned());
        }
        i += 46 + n + x + c;
    }
    None
}

type Visit<'v> = dyn FnMut(&EntryMeta, &mut dyn Read) -> Result<()> + 'v;

/// Visits the regular files of a zip archive read from `r` (`compressed` is its size on
/// disk). Symlinks, duplicate names, unsafe paths, bombs and lying sizes are refused, naming
/// the entry.
pub fn zip_entries<R: Read + Seek>(
    r: R,
    compressed: u64,
    display: &str,
    part: usize,
    visit: &mut Visit<'_>,
) -> Result<()> {
    let mut zip = zip::ZipArchive::new(r).map_err(|e| {
        LakeError::bad_input(display, None, format!("not a readable zip archive: {e}"))
    })?;
    if zip.len() > MAX_ENTRIES {
        return Err(LakeError::bad_input(
            display,
            None,
            format!("{} entries; at most {MAX_ENTRIES} are accepted", zip.len()),
        ));
    }
    if zip.has_duplicate_names() {
        let cd = zip.central_directory_start();
        let name = first_duplicate(zip.into_inner(), cd).unwrap_or_default();
        return Err(hostile(
            display,
            &name,
            "the same path appears twice in the archive",
        ));
    }
    let mut part_left = part_budget(compressed);
    let mut seen = std::collections::HashSet::new();
    // Each entry's local header must agree with the central directory (no "cloaked" entry
    // that one tool lists under one name and another under a different one).
    let consistent = zip::ZipReadOptions::new().enforce_header_consistency(true);
    for k in 0..zip.len() {
        let mut e = zip
            .by_index_with_options(k, consistent.clone())
            .map_err(|e| {
                LakeError::bad_input(
                    display,
                    Some(format!("entry {k}")),
                    format!("damaged zip entry: {e}"),
                )
            })?;
        let raw = e
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(e.name_raw()).into_owned());
        if e.is_symlink() {
            return Err(hostile(display, &raw, "the entry is a symbolic link"));
        }
        if e.is_dir() {
            clean_entry_path(&raw, display)?;
            continue;
        }
        let Some(path) = clean_entry_path(&raw, display)? else {
            continue;
        };
        check_unique(&mut seen, &path, display, &raw)?;
        let size = e.size();
        let limit = e.compressed_size().saturating_mul(MAX_RATIO) + (1 << 20);
        let meta = EntryMeta { path, size, part };
        let caps = (limit, Some(size));
        visit_capped(&mut e, &meta, caps, &mut part_left, display, visit)?;
    }
    Ok(())
}

/// Calls `visit` with each regular file of each part, in archive order, with a reader over its
/// content. Directory parts are walked in sorted order.
pub fn for_each_entry(parts: &[Part], counter: &ReadCounter, visit: &mut Visit<'_>) -> Result<()> {
    for (i, part) in parts.iter().enumerate() {
        let display = part.path.display().to_string();
        match part.kind {
            PartKind::Zip => {
                let f = File::open(&part.path).ctx(|| format!("opening {display}"))?;
                let size = f.metadata().map(|m| m.len()).unwrap_or(part.bytes);
                // The zip reader seeks to every entry; small entries lie one after another,
                // so a seek inside the buffer must not throw it away (std's BufReader does).
                let r = SeekBuf::new(Counting {
                    inner: f,
                    counter: counter.clone(),
                });
                zip_entries(r, size, &display, i, visit)?;
            }
            PartKind::Tgz => {
                let f = File::open(&part.path).ctx(|| format!("opening {display}"))?;
                let size = f.metadata().map(|m| m.len()).unwrap_or(part.bytes);
                let gz = flate2::read::GzDecoder::new(BufReader::with_capacity(
                    256 << 10,
                    Counting {
                        inner: f,
                        counter: counter.clone(),
                    },
                ));
                tar_entries(gz, part_budget(size), &display, i, visit)?;
            }
            PartKind::Dir => {
                let mut files = Vec::new();
                walk(&part.path, &mut files).ctx(|| format!("listing {display}"))?;
                files.sort();
                // Paths are made relative to the folder's parent when it is `Takeout`, else to
                // the folder itself.
                let base = if part.path.file_name().is_some_and(|n| n == "Takeout") {
                    part.path.parent().unwrap_or(&part.path).to_path_buf()
                } else {
                    part.path.clone()
                };
                for f in files {
                    let rel = f.strip_prefix(&base).unwrap_or(&f);
                    let raw = rel.to_string_lossy().replace('\\', "/");
                    let Some(path) = clean_entry_path(&raw, &display)? else {
                        continue;
                    };
                    let size = std::fs::metadata(&f).map(|m| m.len()).unwrap_or(0);
                    let file = File::open(&f).ctx(|| format!("opening {}", f.display()))?;
                    let mut r = Counting {
                        inner: file,
                        counter: counter.clone(),
                    };
                    visit(
                        &EntryMeta {
                            path,
                            size,
                            part: i,
                        },
                        &mut r,
                    )?;
                }
            }
            PartKind::File => {
                let name = part
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let file = File::open(&part.path).ctx(|| format!("opening {display}"))?;
                let mut r = Counting {
                    inner: file,
                    counter: counter.clone(),
                };
                visit(
                    &EntryMeta {
                        path: name.nfc().collect(),
                        size: part.bytes,
                        part: i,
                    },
                    &mut r,
                )?;
            }
        }
    }
    Ok(())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let t = e.file_type()?;
        if t.is_dir() {
            walk(&e.path(), out)?;
        } else if t.is_file() {
            out.push(e.path());
        }
    }
    Ok(())
}

/// Size of a part on disk.
pub fn part_bytes(path: &Path, kind: PartKind) -> u64 {
    if kind == PartKind::Dir {
        let mut files = Vec::new();
        let _ = walk(path, &mut files);
        files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum()
    } else {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_paths_are_checked() {
        assert!(clean_entry_path("../etc/passwd", "p").is_err());
        assert!(clean_entry_path("/etc/passwd", "p").is_err());
        assert!(clean_entry_path("C:\\x", "p").is_err());
        assert!(clean_entry_path("a\0b", "p").is_err());
        assert_eq!(clean_entry_path("Takeout/", "p").unwrap(), None);
        assert_eq!(
            clean_entry_path("./Takeout//Keep/a.json", "p").unwrap(),
            Some("Takeout/Keep/a.json".into())
        );
    }

    #[test]
    fn names_are_normalised() {
        // Decomposed "ä" and a non-breaking space before an en-dash.
        let raw = "Meine Aktiv\u{0061}\u{0308}ten\u{a0}\u{2013} x";
        assert_eq!(normalize_name(raw), "Meine Aktiväten - x");
    }
}
