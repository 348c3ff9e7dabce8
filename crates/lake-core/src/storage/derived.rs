//! Files the lake derives from a version's data (index files under `index/`): written as
//! crash-safely as data files. Each path is journaled before it exists, the file is fsynced and
//! renamed into place, and the catalog row that makes it the lake's is committed in the same
//! transaction that forgets the journal. A crash at any point leaves either a recorded file or
//! journaled leftovers that the next open removes.

use std::any::Any;
use std::fs;
use std::sync::Arc;

use super::{fsync_dir, job_name, Lake, WriteLock};
use crate::catalog::indexes::DerivedFile;
use crate::catalog::journal::EntryKind;
use crate::catalog::Catalog;
use crate::error::{IoContext, Result};

impl Lake {
    /// Writes the lake file `rel` (under `index/`) with `write`, then runs `record` with the
    /// catalog, the job name and file's checksum, and what `write` returned; `record` must record the file and
    /// forget the job's journal in one transaction ([`Catalog::add_index`]). On any error
    /// nothing is left behind.
    pub fn write_derived<T>(
        &self,
        _lock: &WriteLock,
        rel: &str,
        write: impl FnOnce(&mut fs::File) -> Result<T>,
        record: impl FnOnce(&mut Catalog, &DerivedFile, &T) -> Result<()>,
    ) -> Result<T> {
        crate::catalog::indexes::check_index_path(rel)?;
        let index_root = self.root.join("index");
        self.check_inside(&index_root)?;
        let job = job_name("index");
        let target = self.root.join(rel);
        let tmp = self.root.join(format!("{rel}.tmp-{job}"));
        // The folders between index/ and the file that do not exist yet, parents first.
        let mut dirs = Vec::new();
        let mut d = target.parent().map(|p| p.to_path_buf());
        while let Some(p) = d {
            if p == index_root || p.exists() {
                break;
            }
            d = p.parent().map(|q| q.to_path_buf());
            dirs.push(p);
        }
        dirs.reverse();
        let mut entries: Vec<(EntryKind, String)> = dirs
            .iter()
            .map(|d| (EntryKind::Dir, self.relative(d)))
            .collect();
        entries.push((EntryKind::File, self.relative(&tmp)));
        entries.push((EntryKind::File, rel.to_string()));
        self.catalog().journal_add(&job, &entries)?;
        let undo = || {
            let _ = fs::remove_file(&tmp);
            let _ = fs::remove_file(&target);
            for d in dirs.iter().rev() {
                let _ = fs::remove_dir(d);
            }
        };
        let written = (|| -> Result<T> {
            for d in &dirs {
                fs::create_dir(d).ctx(|| format!("creating {}", d.display()))?;
            }
            if let Some(parent) = target.parent() {
                self.check_inside(parent)?;
            }
            let mut f = fs::File::create_new(&tmp).ctx(|| format!("creating {}", tmp.display()))?;
            let out = write(&mut f)?;
            f.sync_all().ctx(|| format!("writing {}", tmp.display()))?;
            drop(f);
            let (_, sha256) =
                super::sha256_file(&tmp).ctx(|| format!("reading {}", tmp.display()))?;
            fs::rename(&tmp, &target).ctx(|| format!("moving {} into place", tmp.display()))?;
            if let Some(parent) = target.parent() {
                fsync_dir(parent)?;
            }
            let mut cat = self.catalog();
            record(&mut cat, &DerivedFile { job: &job, sha256 }, &out)?;
            Ok(out)
        })();
        if written.is_err() {
            undo();
        }
        // The tmp entry is no file any more; clean-up ignores a journaled path that is gone.
        written
    }

    /// Removes a derived file the catalog no longer lists (after [`Catalog::remove_index`]).
    pub fn remove_derived(&self, _lock: &WriteLock, rel: &str) -> Result<()> {
        crate::catalog::indexes::check_index_path(rel)?;
        self.forget_cached(rel);
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            self.check_inside(parent)?;
        }
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(crate::LakeError::io(
                format!("removing {}", path.display()),
                e,
            )),
            _ => Ok(()),
        }
    }

    /// This lake's one `T`, made on first use and kept while the lake is open (state that
    /// belongs to an open lake, such as the result cache, without storage knowing it).
    pub fn memo<T: Default + std::any::Any + Send + Sync>(&self) -> Arc<T> {
        let mut m = self.memo.lock().unwrap_or_else(|p| p.into_inner());
        let slot = m
            .entry(std::any::TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()));
        slot.clone().downcast::<T>().expect("kept by its type")
    }

    /// A derived file, mapped and parsed once per process by `parse` and kept: an index is
    /// immutable once recorded, so its path names its content.
    pub fn cached<T: Any + Send + Sync>(
        &self,
        rel: &str,
        parse: impl FnOnce(FileBytes) -> Result<T>,
    ) -> Result<Arc<T>> {
        if let Some(hit) = self
            .derived
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(rel)
        {
            if let Ok(t) = hit.clone().downcast::<T>() {
                return Ok(t);
            }
        }
        crate::catalog::indexes::check_index_path(rel)?;
        let path = self.root.join(rel);
        let real = crate::storage::platform::canonical(&path)
            .ctx(|| format!("opening {}", path.display()))?;
        if !real.starts_with(&self.canonical_root) {
            return Err(crate::LakeError::Damaged(format!(
                "the index file {rel} leads outside the lake; nothing was read"
            )));
        }
        let file = fs::File::open(&real).ctx(|| format!("opening {}", path.display()))?;
        // SAFETY: the lake writes a derived file whole, beside its final name, and renames it
        // into place; it never changes one in place (dropping or vacuuming removes the name,
        // and the mapping keeps the old bytes). Only another program truncating the file under
        // a running query could break the mapping.
        let bytes = match unsafe { memmap2::Mmap::map(&file) } {
            Ok(m) => FileBytes::Mapped(m),
            // An empty file cannot be mapped, nor can some file systems: read it.
            Err(_) => {
                FileBytes::Owned(fs::read(&real).ctx(|| format!("reading {}", path.display()))?)
            }
        };
        let t = Arc::new(parse(bytes)?);
        self.derived
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(rel.to_string(), t.clone());
        Ok(t)
    }

    fn forget_cached(&self, rel: &str) {
        self.derived
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(rel);
    }
}

/// The path of version `version` of `dataset`'s index file for `key` (a column, or `lon,lat`):
/// `index/<dataset>/v<version>/<kind>-<key, cleaned>-<hash of key>.<ext>`; the hash keeps keys
/// that clean to the same text apart.
pub fn index_file_path(dataset: &str, version: u32, kind: &str, key: &str, ext: &str) -> String {
    let clean: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let hash = xxhash_rust::xxh3::xxh3_64(key.as_bytes()) as u32;
    format!("index/{dataset}/v{version}/{kind}-{clean}-{hash:08x}.{ext}")
}

/// A derived file's bytes: mapped from disk (read through the page cache, never copied into
/// the process; a vector index's checksum reads them once when it is opened), or owned.
pub enum FileBytes {
    /// Made in memory (or read, where mapping failed).
    Owned(Vec<u8>),
    /// Mapped read-only.
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Owned(v) => v,
            FileBytes::Mapped(m) => m,
        }
    }
}

impl From<Vec<u8>> for FileBytes {
    fn from(v: Vec<u8>) -> Self {
        FileBytes::Owned(v)
    }
}
