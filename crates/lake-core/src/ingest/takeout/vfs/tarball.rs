//! Tar streams (the parts of a .tgz export): regular files visited in order, extension headers
//! read here with caps, and every byte counted against the part's budget.

use std::io::{self, Read};

use super::{
    check_unique, clean_entry_path, hostile, visit_capped, EntryMeta, Visit, MAX_ENTRIES,
    MAX_PART_BYTES, MAX_RATIO,
};
use crate::error::{LakeError, Result};

/// Longest path a GNU long-name or pax header may give (Linux allows 4,096 bytes).
pub const MAX_TAR_NAME: u64 = 64 << 10;
/// Largest pax extended header accepted (a few keys of a few bytes each in practice).
pub const MAX_PAX_HEADER: u64 = 1 << 20;

/// Counts every byte a tar stream yields, headers and skipped entries included, against the
/// part's budget.
struct Budgeted<R> {
    inner: R,
    left: u64,
    tripped: std::rc::Rc<std::cell::Cell<bool>>,
}

impl<R: Read> Read for Budgeted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)? as u64;
        if n > self.left {
            self.tripped.set(true);
            return Err(io::Error::other("the archive expands beyond its budget"));
        }
        self.left -= n;
        Ok(n as usize)
    }
}

/// Reads an extension header's content, refusing one over `max` bytes without reading it.
fn read_extension<R: Read>(
    e: &mut tar::Entry<'_, R>,
    max: u64,
    what: &str,
    display: &str,
    k: usize,
) -> Result<Vec<u8>> {
    let size = e.size();
    if size > max {
        return Err(hostile(
            display,
            &format!("entry {k}"),
            &format!("its {what} is {size} bytes; at most {max} are accepted"),
        ));
    }
    let mut out = Vec::with_capacity(size as usize);
    e.take(max + 1).read_to_end(&mut out).map_err(|err| {
        LakeError::bad_input(
            display,
            Some(format!("entry {k}")),
            format!("damaged tar {what}: {err}"),
        )
    })?;
    Ok(out)
}

/// The `path` and `size` records of a pax extended header (`"<len> <key>=<value>\n"`).
fn pax_records(data: &[u8]) -> (Option<Vec<u8>>, Option<u64>) {
    let (mut path, mut size) = (None, None);
    let mut rest = data;
    while !rest.is_empty() {
        let Some(sp) = rest.iter().position(|&c| c == b' ') else {
            break;
        };
        let Some(len) = std::str::from_utf8(&rest[..sp])
            .ok()
            .and_then(|l| l.parse::<usize>().ok())
            .filter(|&l| l > sp && l <= rest.len())
        else {
            break;
        };
        let record = &rest[sp + 1..len];
        let record = record.strip_suffix(b"\n").unwrap_or(record);
        if let Some(eq) = record.iter().position(|&c| c == b'=') {
            match &record[..eq] {
                b"path" => path = Some(record[eq + 1..].to_vec()),
                b"size" => {
                    size = std::str::from_utf8(&record[eq + 1..])
                        .ok()
                        .and_then(|t| t.parse().ok())
                }
                _ => {}
            }
        }
        rest = &rest[len..];
    }
    (path, size)
}

/// Visits the regular files of a tar stream (already decompressed). Symlinks, hard links,
/// devices, duplicate names and unsafe paths are refused, naming the entry; `budget` caps the
/// bytes the whole stream may yield, headers and skipped entries included. GNU long names and
/// pax headers are read here, each capped, rather than by the tar reader, which would hold any
/// size in memory.
pub fn tar_entries<R: Read>(
    r: R,
    budget: u64,
    display: &str,
    part: usize,
    visit: &mut Visit<'_>,
) -> Result<()> {
    use tar::EntryType;
    let tripped = std::rc::Rc::new(std::cell::Cell::new(false));
    // The entry being read when the budget runs out (or the last one read).
    let current = std::cell::RefCell::new(String::from("(archive)"));
    let over_budget = || {
        hostile(
            display,
            &current.borrow(),
            &format!(
                "the archive expands to more than {MAX_RATIO}× its own size or {} GiB (a \
                 possible zip bomb)",
                MAX_PART_BYTES >> 30
            ),
        )
    };
    let mut tar = tar::Archive::new(Budgeted {
        inner: r,
        left: budget,
        tripped: tripped.clone(),
    });
    let entries = tar.entries().map_err(|e| {
        LakeError::bad_input(display, None, format!("not a readable tar archive: {e}"))
    })?;
    let mut seen = std::collections::HashSet::new();
    let mut long_name: Option<Vec<u8>> = None;
    let mut pax: (Option<Vec<u8>>, Option<u64>) = (None, None);
    for (k, e) in entries.raw(true).enumerate() {
        if k >= MAX_ENTRIES {
            return Err(LakeError::bad_input(
                display,
                None,
                format!("more than {MAX_ENTRIES} entries"),
            ));
        }
        let mut e = e.map_err(|err| {
            if tripped.get() {
                return over_budget();
            }
            LakeError::bad_input(
                display,
                Some(format!("entry {k}")),
                format!("damaged tar entry: {err}"),
            )
        })?;
        let kind = e.header().entry_type();
        if kind.is_gnu_longname() {
            let mut name = read_extension(&mut e, MAX_TAR_NAME, "long name", display, k)?;
            while name.last() == Some(&0) {
                name.pop();
            }
            long_name = Some(name);
            continue;
        }
        if kind.is_gnu_longlink() {
            // A link target: links are refused below, so it is only read past.
            read_extension(&mut e, MAX_TAR_NAME, "long link name", display, k)?;
            continue;
        }
        if kind.is_pax_local_extensions() {
            let data = read_extension(&mut e, MAX_PAX_HEADER, "pax header", display, k)?;
            pax = pax_records(&data);
            continue;
        }
        if kind.is_pax_global_extensions() {
            read_extension(&mut e, MAX_PAX_HEADER, "pax header", display, k)?;
            continue;
        }
        let name = pax.0.take().or(long_name.take());
        let stated = pax.1.take();
        let raw_bytes = name.unwrap_or_else(|| e.path_bytes().into_owned());
        let raw = String::from_utf8_lossy(&raw_bytes).into_owned();
        current.replace(raw.chars().take(200).collect());
        if raw.len() as u64 > MAX_TAR_NAME {
            let start: String = raw.chars().take(200).collect();
            return Err(hostile(display, &start, "the entry's path is too long"));
        }
        match kind {
            EntryType::Regular | EntryType::Continuous => {}
            EntryType::Directory => {
                clean_entry_path(&raw, display)?;
                continue;
            }
            EntryType::Symlink => {
                return Err(hostile(display, &raw, "the entry is a symbolic link"))
            }
            EntryType::Link => return Err(hostile(display, &raw, "the entry is a hard link")),
            EntryType::Char | EntryType::Block | EntryType::Fifo => {
                return Err(hostile(display, &raw, "the entry is a device or a pipe"))
            }
            // Anything else (sparse files, vendor types) is skipped; its bytes still count
            // against the budget.
            _ => continue,
        }
        let size = e.size();
        if stated.is_some_and(|s| s != size) {
            return Err(hostile(
                display,
                &raw,
                "its pax header states another size than its tar header (files over 8 GiB are \
                 not supported)",
            ));
        }
        let Some(path) = clean_entry_path(&raw, display)? else {
            continue;
        };
        check_unique(&mut seen, &path, display, &raw)?;
        let meta = EntryMeta { path, size, part };
        // The stream's budget caps the entry too; the entry may not yield more than it states.
        let mut no_part_cap = u64::MAX;
        let caps = (u64::MAX, Some(size));
        let res = visit_capped(&mut e, &meta, caps, &mut no_part_cap, display, visit);
        if tripped.get() {
            return Err(over_budget());
        }
        res?;
    }
    if tripped.get() {
        return Err(over_budget());
    }
    Ok(())
}
