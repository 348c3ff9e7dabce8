//! A vector index file: which rows it holds, by what measure, and the search structure of one
//! of the backends behind [`VectorIndex`].
//!
//! ```text
//! "DPLKVX02", metric u32, backend u32, dimensions u32, files u32,
//! per file: path length u16, path, rows u64,
//! entries u64, checksum u64 (xxh3 of what comes before it, then of all that follows),
//! per entry: file u32, row u32,
//! zeros up to the next multiple of 64 bytes from the file's start,
//! the backend's own bytes (a USearch graph: USearch's saved bytes, then each entry's slot in
//! the graph, u32, `graph::key_slots`)
//! ```
//!
//! Entry `i` is the `i`th non-NULL vector of the version's files, in file and row order; the
//! backends key their vectors by it. The backend's bytes start 64-byte aligned so that a mapped
//! file can be searched where it lies (USearch's view), without copying the graph into memory.
//! Files of the first layout (`DPLKVX01`, no padding) are still read, by copying.

use std::io::Write;
use std::sync::Arc;

use crate::error::{LakeError, Result};
use crate::storage::FileBytes;

const MAGIC: &[u8; 8] = b"DPLKVX02";
const MAGIC_V1: &[u8; 8] = b"DPLKVX01";
/// Where the backend's bytes may start.
const ALIGN: usize = 64;

/// What "near" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// `array_cosine_distance`: 1 − cos(a, b).
    Cosine,
    /// `array_distance`: Euclidean.
    L2,
    /// `array_negative_inner_product`: −a·b.
    InnerProduct,
}

impl Metric {
    /// Every metric, in the order of their codes.
    pub const ALL: [Metric; 3] = [Metric::Cosine, Metric::L2, Metric::InnerProduct];

    /// The name `--metric` takes and `lake index list` shows.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Cosine => "cosine",
            Metric::L2 => "l2",
            Metric::InnerProduct => "ip",
        }
    }

    /// The metric named `s` (`cosine`, `l2`, `ip`, and the usual other spellings).
    pub fn parse(s: &str) -> Result<Metric> {
        match s.to_ascii_lowercase().as_str() {
            "cosine" | "cos" => Ok(Metric::Cosine),
            "l2" | "euclidean" | "l2sq" => Ok(Metric::L2),
            "ip" | "inner_product" | "dot" => Ok(Metric::InnerProduct),
            _ => Err(LakeError::Unsupported(format!(
                "`{s}` is not a vector metric; use cosine, l2 or ip"
            ))),
        }
    }

    /// The catalog's kind for an HNSW index by this metric: `hnsw-cosine`, `hnsw-l2`, `hnsw-ip`.
    pub fn kind(self) -> String {
        format!("hnsw-{}", self.name())
    }

    /// The rank of `b` against `a` (smaller is nearer), in `f32`; `inv` are the reciprocal
    /// norms, used by the cosine only.
    pub fn rank(self, a: &[f32], inv_a: f32, b: &[f32], inv_b: f32) -> f32 {
        match self {
            Metric::Cosine => 1.0 - super::kernels::dot(a, b) * inv_a * inv_b,
            Metric::L2 => super::kernels::l2_squared(a, b),
            Metric::InnerProduct => -super::kernels::dot(a, b),
        }
    }

    fn code(self) -> u32 {
        Metric::ALL.iter().position(|m| *m == self).expect("listed") as u32
    }
}

/// 1/‖v‖, or 0 for a zero vector (which is then at distance 1 from everything by the cosine).
pub fn inv_norm(v: &[f32]) -> f32 {
    let n = super::kernels::dot(v, v).sqrt();
    if n > 0.0 && n.is_finite() {
        1.0 / n
    } else {
        0.0
    }
}

/// How an index finds near vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// Every vector compared, with SIMD sums: exact, and fastest for small datasets.
    Exact,
    /// USearch's HNSW (the `usearch` crate).
    USearch,
    /// instant-distance's HNSW.
    InstantDistance,
}

impl BackendKind {
    /// Every backend, in the order of their codes.
    pub const ALL: [BackendKind; 3] = [
        BackendKind::Exact,
        BackendKind::USearch,
        BackendKind::InstantDistance,
    ];

    /// The name `--backend` takes and plans show.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Exact => "exact",
            BackendKind::USearch => "usearch",
            BackendKind::InstantDistance => "instant-distance",
        }
    }

    /// The backend named `s`.
    pub fn parse(s: &str) -> Result<BackendKind> {
        BackendKind::ALL
            .into_iter()
            .find(|b| b.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                LakeError::Unsupported(format!(
                    "`{s}` is not a vector index backend; use exact, usearch or instant-distance"
                ))
            })
    }

    fn code(self) -> u32 {
        BackendKind::ALL
            .iter()
            .position(|b| *b == self)
            .expect("listed") as u32
    }
}

/// A search structure over an index's entries.
pub trait VectorIndex: Send + Sync {
    /// The backend's name, as plans show it.
    fn backend(&self) -> BackendKind;
    /// Up to `k` entries nearest to `q`, nearest first, with their ranks; `ef` is how wide an
    /// approximate search looks (at least `k`).
    fn search(&self, q: &[f32], k: usize, ef: usize) -> Result<Vec<(u32, f32)>>;
    /// Entry `entry`'s vector, into `out` (cleared first).
    fn vector(&self, entry: u32, out: &mut Vec<f32>);
    /// The size of its own bytes, as the file stores them after the entries.
    fn byte_len(&self) -> usize;
    /// Writes its own bytes into `out` (of [`VectorIndex::byte_len`] bytes).
    fn fill(&self, out: &mut [u8]) -> std::io::Result<()>;
    /// Adds vectors (end to end) as entries from `first` on, in place, where the backend can
    /// (USearch can; the others are built again). Only on an index no query shares.
    fn append(&self, _first: u32, _flat: &[f32]) -> Result<bool> {
        Ok(false)
    }
}

/// What makes a backend from its bytes, or says what is wrong with them. With the mapped file
/// that holds the bytes (aligned), a backend may search them where they lie, keeping the file;
/// the file's name is for the errors its searches may give. `unchecked`: the file's checksum
/// is not known yet, so only a backend that checks every read against the file may be made
/// (`None` otherwise); with it false, a backend is always made.
pub type ReadBackend = fn(
    BackendKind,
    Metric,
    usize,
    usize,
    &[u8],
    Option<&Arc<FileBytes>>,
    &str,
    bool,
) -> std::result::Result<Option<Box<dyn VectorIndex>>, String>;

/// An index as read from (or about to be written to) its file.
pub struct VectorIndexFile {
    /// The measure it ranks by.
    pub metric: Metric,
    /// The vectors' size.
    pub dim: usize,
    /// The data files it was built from, with their rows.
    pub files: Vec<(String, u64)>,
    /// Where each entry's row is: file (an index into `files`) and row.
    pub entries: Vec<(u32, u32)>,
    /// The search structure.
    pub index: Box<dyn VectorIndex>,
    /// Whether its checksum matched.
    pub checked: Checked,
}

/// Whether an index file's checksum matched. A file read into memory (or just built) is
/// known at once; a mapped one is summed on another thread while the first query that opened
/// it searches (a 200k × 128 index is 130 MB: summing it first would take most of a query's
/// time), and [`Checked::wait`] makes that query wait for the answer before it gives rows.
pub struct Checked {
    what: String,
    pending: std::sync::Mutex<Option<std::thread::JoinHandle<bool>>>,
    ok: std::sync::OnceLock<bool>,
}

impl Checked {
    /// A file whose checksum is known: `ok`.
    pub fn known(what: &str, ok: bool) -> Checked {
        Checked {
            what: what.to_string(),
            pending: std::sync::Mutex::new(None),
            ok: std::sync::OnceLock::from(ok),
        }
    }

    fn later(what: &str, job: std::thread::JoinHandle<bool>) -> Checked {
        Checked {
            what: what.to_string(),
            pending: std::sync::Mutex::new(Some(job)),
            ok: std::sync::OnceLock::new(),
        }
    }

    /// Waits for the checksum (once per file and process); an error when it did not match.
    pub fn wait(&self) -> Result<()> {
        let ok = *self.ok.get_or_init(|| {
            let job = self
                .pending
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            job.is_some_and(|j| j.join().unwrap_or(false))
        });
        if ok {
            Ok(())
        } else {
            Err(damaged(&self.what, "its checksum does not match"))
        }
    }
}

/// The error for a damaged index file: what is wrong, and what to do.
pub(crate) fn damaged(what: &str, why: &str) -> LakeError {
    LakeError::Damaged(format!(
        "the vector index {what} is damaged ({why}); drop it with `lake index drop` and create \
         it again"
    ))
}

impl VectorIndexFile {
    /// The `k` entries of `among` nearest to `q`, by comparing every one: exact.
    pub fn exact_among(&self, q: &[f32], among: &[u32], k: usize) -> Vec<(u32, f32)> {
        let inv_q = inv_norm(q);
        let mut v = Vec::with_capacity(self.dim);
        let mut ranked: Vec<(u32, f32)> = among
            .iter()
            .map(|&e| {
                self.index.vector(e, &mut v);
                let inv = if self.metric == Metric::Cosine {
                    inv_norm(&v)
                } else {
                    1.0
                };
                (e, self.metric.rank(q, inv_q, &v, inv))
            })
            .collect();
        top_k(&mut ranked, k);
        ranked
    }

    /// The file's first bytes: the header (its checksum still zero), the entries and the
    /// padding; the backend's bytes follow.
    fn head(&self) -> Vec<u8> {
        let mut head = Vec::new();
        head.extend_from_slice(MAGIC);
        for v in [
            self.metric.code(),
            self.index.backend().code(),
            self.dim as u32,
            self.files.len() as u32,
        ] {
            head.extend_from_slice(&v.to_le_bytes());
        }
        for (path, rows) in &self.files {
            let b = path.as_bytes();
            let b = &b[..b.len().min(u16::MAX as usize)];
            head.extend_from_slice(&(b.len() as u16).to_le_bytes());
            head.extend_from_slice(b);
            head.extend_from_slice(&rows.to_le_bytes());
        }
        head.extend_from_slice(&(self.entries.len() as u64).to_le_bytes());
        head.extend_from_slice(&0u64.to_le_bytes());
        for (f, r) in &self.entries {
            head.extend_from_slice(&f.to_le_bytes());
            head.extend_from_slice(&r.to_le_bytes());
        }
        head.resize(head.len().next_multiple_of(ALIGN), 0);
        head
    }

    /// Where the checksum is in [`VectorIndexFile::head`].
    fn sum_at(&self) -> usize {
        8 + 16
            + self
                .files
                .iter()
                .map(|(p, _)| 2 + p.len().min(u16::MAX as usize) + 8)
                .sum::<usize>()
            + 8
    }

    /// Fills in the checksum of a whole file's bytes.
    fn seal(&self, bytes: &mut [u8]) {
        let at = self.sum_at();
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(&bytes[..at]);
        h.update(&bytes[at + 8..]);
        bytes[at..at + 8].copy_from_slice(&h.digest().to_le_bytes());
    }

    /// Writes the file into memory; returns its entries and bytes.
    pub fn write(&self, w: &mut dyn Write) -> std::io::Result<(u64, u64)> {
        let mut bytes = self.head();
        let start = bytes.len();
        bytes.resize(start + self.index.byte_len(), 0);
        self.index.fill(&mut bytes[start..])?;
        self.seal(&mut bytes);
        w.write_all(&bytes)?;
        Ok((self.entries.len() as u64, bytes.len() as u64))
    }

    /// Writes the file into `f` (new and empty) through a mapping, so the backend writes its
    /// bytes (a graph of 200k × 128 vectors is 130 MB) straight into the file's pages, never a
    /// copy in memory; returns its entries and bytes.
    pub fn write_file(&self, f: &mut std::fs::File) -> std::io::Result<(u64, u64)> {
        let head = self.head();
        let size = head.len() + self.index.byte_len();
        // The blocks are taken first: a full disk is then this error, not a fault when a
        // mapped page is written.
        reserve(f, size as u64)?;
        // SAFETY: the file is new, private to this write (its name is journaled and no reader
        // knows it until the rename), and its blocks are allocated.
        let Ok(mut map) = (unsafe { memmap2::MmapMut::map_mut(&*f) }) else {
            // A file system that cannot map files: the bytes are made in memory.
            f.set_len(0)?;
            return self.write(f);
        };
        map[..head.len()].copy_from_slice(&head);
        self.index.fill(&mut map[head.len()..])?;
        self.seal(&mut map);
        map.flush()?;
        Ok((self.entries.len() as u64, size as u64))
    }

    /// Reads a file `write` made (copying the backend's bytes); `what` names it in errors.
    /// `read` makes the backend from its bytes (`backends::read`).
    pub fn parse(bytes: &[u8], what: &str, read: ReadBackend) -> Result<VectorIndexFile> {
        Self::parse_in(bytes, what, read, None)
    }

    /// Reads a file mapped from disk; a backend that can searches its bytes where they lie,
    /// keeping the mapping.
    pub fn parse_mapped(
        bytes: FileBytes,
        what: &str,
        read: ReadBackend,
    ) -> Result<VectorIndexFile> {
        let owner = Arc::new(bytes);
        Self::parse_in(&owner, what, read, Some(&owner))
    }

    fn parse_in(
        bytes: &[u8],
        what: &str,
        read: ReadBackend,
        owner: Option<&Arc<FileBytes>>,
    ) -> Result<VectorIndexFile> {
        let bad = |why: &str| damaged(what, why);
        let mut at = 0usize;
        let mut take = |n: usize| -> Result<&[u8]> {
            let s = bytes
                .get(at..at.checked_add(n).ok_or_else(|| bad("a size overflows"))?)
                .ok_or_else(|| bad("it ends early"))?;
            at += n;
            Ok(s)
        };
        let v2 = match take(8)? {
            m if m == MAGIC => true,
            m if m == MAGIC_V1 => false,
            _ => return Err(bad("it does not start as a vector index")),
        };
        let mut u32s = [0u32; 4];
        for v in &mut u32s {
            *v = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes"));
        }
        let [metric, backend, dim, nfiles] = u32s;
        let metric = *Metric::ALL
            .get(metric as usize)
            .ok_or_else(|| bad("an unknown metric"))?;
        let backend = *BackendKind::ALL
            .get(backend as usize)
            .ok_or_else(|| bad("an unknown backend"))?;
        let mut files = Vec::new();
        for _ in 0..nfiles {
            let len = u16::from_le_bytes(take(2)?.try_into().expect("2 bytes")) as usize;
            let path = String::from_utf8(take(len)?.to_vec()).map_err(|_| bad("a file name"))?;
            let rows = u64::from_le_bytes(take(8)?.try_into().expect("8 bytes"));
            files.push((path, rows));
        }
        let n = u64::from_le_bytes(take(8)?.try_into().expect("8 bytes"));
        let sum = u64::from_le_bytes(take(8)?.try_into().expect("8 bytes"));
        let head_len = at - 8;
        let body_at = at;
        let body = &bytes[at..];
        let digest = move |bytes: &[u8]| {
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            h.update(&bytes[..head_len]);
            h.update(&bytes[body_at..]);
            h.digest() == sum
        };
        // Only the new layout's bytes are aligned where they lie.
        let owner = owner.filter(|_| v2);
        if owner.is_none() && !digest(bytes) {
            return Err(bad("its checksum does not match"));
        }
        let n = usize::try_from(n)
            .ok()
            .filter(|n| n.checked_mul(8).is_some_and(|b| b <= body.len()))
            .ok_or_else(|| bad("more entries than bytes"))?;
        let entries: Vec<(u32, u32)> = body[..n * 8]
            .chunks_exact(8)
            .map(|c| {
                (
                    u32::from_le_bytes(c[..4].try_into().expect("4 bytes")),
                    u32::from_le_bytes(c[4..].try_into().expect("4 bytes")),
                )
            })
            .collect();
        if entries.iter().any(|(f, _)| *f as usize >= files.len()) {
            return Err(bad("an entry names a file it does not list"));
        }
        let mut own = body_at + n * 8;
        if v2 {
            own = own.next_multiple_of(ALIGN);
        }
        let own_bytes = bytes.get(own..).ok_or_else(|| bad("it ends early"))?;
        let dim = dim as usize;
        let read = |unchecked| {
            read(backend, metric, dim, n, own_bytes, owner, what, unchecked).map_err(|w| bad(&w))
        };
        // A mapped file whose backend checks every read against the file (the lake's search of
        // a USearch graph) is summed on another thread, while the query that opened it runs;
        // any other reader gets only bytes whose checksum matched.
        let early = match owner {
            Some(_) => read(true)?,
            None => None,
        };
        let (index, checked) = match (early, owner) {
            (Some(index), Some(o)) => {
                let o = o.clone();
                let job = std::thread::Builder::new()
                    .name("vidx-checksum".into())
                    .spawn(move || {
                        // The page tables are filled in one call, for the query's reads too.
                        #[cfg(target_os = "linux")]
                        if let FileBytes::Mapped(m) = &*o {
                            let _ = m.advise(memmap2::Advice::PopulateRead);
                        }
                        digest(&o)
                    });
                match job {
                    Ok(job) => (index, Checked::later(what, job)),
                    Err(_) if digest(bytes) => (index, Checked::known(what, true)),
                    Err(_) => return Err(bad("its checksum does not match")),
                }
            }
            _ => {
                if owner.is_some() && !digest(bytes) {
                    return Err(bad("its checksum does not match"));
                }
                let index = read(false)?.ok_or_else(|| bad("no reader for its backend"))?;
                (index, Checked::known(what, true))
            }
        };
        Ok(VectorIndexFile {
            metric,
            dim,
            files,
            entries,
            index,
            checked,
        })
    }
}

/// Gives `f` (empty) `size` bytes whose blocks are allocated.
fn reserve(f: &std::fs::File, size: u64) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let len = i64::try_from(size).map_err(std::io::Error::other)?;
        // SAFETY: a plain call on an open descriptor.
        match unsafe { libc::posix_fallocate(f.as_raw_fd(), 0, len) } {
            0 => return Ok(()),
            // File systems without it (some network ones) get a plain size.
            libc::EOPNOTSUPP | libc::EINVAL => {}
            e => return Err(std::io::Error::from_raw_os_error(e)),
        }
    }
    f.set_len(size)
}

/// Keeps the `k` smallest of `ranked` (by rank, then entry), sorted.
pub fn top_k(ranked: &mut Vec<(u32, f32)>, k: usize) {
    let order = |a: &(u32, f32), b: &(u32, f32)| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0));
    if ranked.len() > k && k > 0 {
        ranked.select_nth_unstable_by(k - 1, order);
    }
    ranked.truncate(k);
    ranked.sort_unstable_by(order);
}
