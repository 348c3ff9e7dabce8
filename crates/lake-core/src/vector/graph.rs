//! USearch's saved HNSW graph, searched by the lake where it lies in the mapped index file.
//!
//! USearch builds the graph (on every core, `backends::USearch`) and saves it; a query then
//! needs no USearch object: opening reads three headers and each node's level (2 bytes per
//! node), not the 130 MB of a 200k × 128 index, and the search is the lake's own loop, with a
//! visited list of generation tags, the next neighbour's vector prefetched while one is
//! compared, and the distance inlined in one AVX-512 (or AVX2) function (`make bench-vector`
//! measures it against hnswlib). The saved form (USearch 2.x, `index_dense_gt::save_to_stream`):
//!
//! ```text
//! rows u32, bytes per vector u32, then each slot's vector (f32)
//! 64-byte head: "usearch", version 3 × u16, metric u8, scalar u8, key u8, slot u8,
//!               present u64, deleted u64, dimensions u64, multi u8
//! graph: size, connectivity, base connectivity, max level, entry slot (u64 each),
//!        each slot's level (i16), then each slot's node:
//!        key u64, level i16, per level 0..=level: count u32, then that level's room of slots
//!        (u32; the base connectivity at level 0, the connectivity above)
//! then, written by the lake (`key_slots`): each key's slot, u32 (u32::MAX for none)
//! ```
//!
//! Every count, slot and level read is checked against the headers, so damaged bytes are an
//! error (or a wrong answer the file's checksum catches), never a read outside the file.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex, OnceLock};

use super::index::{inv_norm, Metric, VectorIndex};
use super::kernels;
use crate::error::{LakeError, Result};
use crate::storage::FileBytes;

/// A graph USearch saved, read where it lies.
pub struct GraphView {
    /// The file, for errors.
    what: String,
    bytes: Arc<FileBytes>,
    parts: Layout,
    metric: Metric,
    dim: usize,
    n: usize,
    /// Each key's slot, made the first time a vector is asked for by key, for a file without
    /// them written after the graph.
    slots: OnceLock<Vec<u32>>,
    visited: Mutex<Vec<Visited>>,
}

/// Where the parts of USearch's saved bytes are.
struct Layout {
    /// Slot 0's vector.
    vectors_at: usize,
    /// Each slot's node.
    nodes: Vec<usize>,
    levels_at: usize,
    /// Where USearch's bytes end.
    end: usize,
    /// Each key's slot (u32), where the lake wrote them after USearch's bytes.
    slots_at: Option<usize>,
    connectivity: usize,
    base_connectivity: usize,
    max_level: usize,
    entry: u32,
}

const NODE_HEAD: usize = 8 + 2;

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Reads where the parts of the graph saved at `b[at..]` are; `None` for a form this reader
/// does not know, an error for damaged bytes. `metric`, when given, must be the graph's.
fn layout(
    b: &[u8],
    at: usize,
    metric: Option<Metric>,
    dim: usize,
    n: usize,
) -> std::result::Result<Option<Layout>, String> {
    let end = |what: &str| format!("its graph ends early ({what})");
    let rows = u32_at(b, at).ok_or_else(|| end("rows"))?;
    let width = u32_at(b, at + 4).ok_or_else(|| end("rows"))?;
    if rows as usize != n || width as usize != dim * 4 {
        return Err("its vectors are not the size its header says".into());
    }
    let vectors_at = at + 8;
    let head = vectors_at
        .checked_add(n.checked_mul(dim * 4).ok_or("a size overflows")?)
        .ok_or("a size overflows")?;
    let h = b.get(head..head + 64).ok_or_else(|| end("head"))?;
    if &h[..7] != b"usearch" {
        return Err("its graph is not one USearch saved".into());
    }
    let code = |m: Metric| match m {
        Metric::Cosine => b'c',
        Metric::L2 => b'e',
        Metric::InnerProduct => b'i',
    };
    let (f32_kind, u64_kind, u32_kind) = (11, 14, 15);
    let deleted = u64_at(h, 13 + 4 + 8).unwrap_or(1);
    let multi = h[13 + 4 + 24];
    let version = u16::from_le_bytes([h[7], h[8]]);
    let types = (h[14], h[15], h[16]) == (f32_kind, u64_kind, u32_kind);
    if version != 2 || !types || deleted != 0 || multi != 0 {
        // Not a form this reader knows (another USearch, other types, removed entries):
        // USearch's own reader takes it, after the file's checksum.
        return Ok(None);
    }
    if metric.is_some_and(|m| h[13] != code(m)) {
        return Err("its graph is not of the metric its header lists".into());
    }
    let g = head + 64;
    let field = |i: usize| u64_at(b, g + 8 * i).ok_or_else(|| end("graph header"));
    let (size, conn, base, max_level, entry) =
        (field(0)?, field(1)?, field(2)?, field(3)?, field(4)?);
    if size as usize != n || (n > 0 && entry >= size) {
        return Err("its graph does not hold the entries its header lists".into());
    }
    if !(2..=4096).contains(&conn) || !(2..=8192).contains(&base) || (n > 0 && max_level > 64) {
        return Err("its graph's header is out of range".into());
    }
    let (conn, base) = (conn as usize, base as usize);
    let levels_at = g + 40;
    let levels = b
        .get(levels_at..levels_at + 2 * n)
        .ok_or_else(|| end("levels"))?;
    let mut nodes = Vec::with_capacity(n);
    let mut off = levels_at + 2 * n;
    let base_bytes = 4 + 4 * base;
    let level_bytes = 4 + 4 * conn;
    for l in levels.chunks_exact(2) {
        let l = i16::from_le_bytes([l[0], l[1]]);
        if l < 0 || l as u64 > max_level {
            return Err("a node's level is out of range".into());
        }
        nodes.push(off);
        off += NODE_HEAD + base_bytes + l as usize * level_bytes;
    }
    if off > b.len() {
        return Err(end("nodes"));
    }
    Ok(Some(Layout {
        vectors_at,
        nodes,
        levels_at,
        end: off,
        slots_at: (b.len() - off == 4 * n).then_some(off),
        connectivity: conn,
        base_connectivity: base,
        max_level: if n == 0 { 0 } else { max_level as usize },
        entry: entry as u32,
    }))
}

/// Writes into `out` (`4 × n` bytes) each key's slot in the graph USearch saved as `saved`:
/// the lake puts them after USearch's bytes, so that a query finds a vector by key without
/// reading every node first (a key with no slot is `u32::MAX`).
pub fn key_slots(saved: &[u8], dim: usize, n: usize, out: &mut [u8]) -> std::io::Result<()> {
    out.fill(0xFF);
    // A form this reader does not know gets no slots: the reader then finds them itself.
    let Some(l) = layout(saved, 0, None, dim, n).map_err(std::io::Error::other)? else {
        return Ok(());
    };
    for (s, &at) in l.nodes.iter().enumerate() {
        let key = u64_at(saved, at).unwrap_or(u64::MAX);
        if let Some(o) = usize::try_from(key).ok().filter(|k| *k < n) {
            out[4 * o..4 * o + 4].copy_from_slice(&(s as u32).to_le_bytes());
        }
    }
    Ok(())
}

impl GraphView {
    /// Reads the graph whose saved bytes are `bytes[at..]` (`at` 64-byte aligned in the
    /// mapping); `None` when they are not a form this reader knows (USearch reads those), an
    /// error when they are damaged.
    pub fn open(
        bytes: &Arc<FileBytes>,
        at: usize,
        metric: Metric,
        dim: usize,
        n: usize,
        what: &str,
    ) -> std::result::Result<Option<GraphView>, String> {
        if cfg!(target_endian = "big") || !(bytes.as_ptr() as usize + at + 8).is_multiple_of(4) {
            // Not where f32s can be read in place: USearch copies them.
            return Ok(None);
        }
        let Some(layout) = layout(bytes, at, Some(metric), dim, n)? else {
            return Ok(None);
        };
        Ok(Some(GraphView {
            what: what.to_string(),
            bytes: bytes.clone(),
            parts: layout,
            metric,
            dim,
            n,
            slots: OnceLock::new(),
            visited: Mutex::new(Vec::new()),
        }))
    }

    fn vectors(&self) -> &[f32] {
        let b = &self.bytes[self.parts.vectors_at..self.parts.vectors_at + self.n * self.dim * 4];
        // SAFETY: `open` checked that these bytes lie in the file (the head after them was
        // read) and start 4-byte aligned; any bytes are valid f32s, and `self.bytes` keeps
        // them for as long as the slice lives.
        unsafe { std::slice::from_raw_parts(b.as_ptr() as *const f32, self.n * self.dim) }
    }

    /// Slot `s`'s neighbours at `level`, or an error when `s` has no such level.
    fn neighbours<'a>(&self, b: &'a [u8], s: u32, level: usize) -> Result<&'a [u8]> {
        let at = self.parts.nodes[s as usize];
        let node_level = i16::from_le_bytes([
            b[self.parts.levels_at + 2 * s as usize],
            b[self.parts.levels_at + 2 * s as usize + 1],
        ]);
        if level > node_level.max(0) as usize {
            return Err(self.damaged());
        }
        let (at, room) = if level == 0 {
            (at + NODE_HEAD, self.parts.base_connectivity)
        } else {
            (
                at + NODE_HEAD
                    + 4
                    + 4 * self.parts.base_connectivity
                    + (level - 1) * (4 + 4 * self.parts.connectivity),
                self.parts.connectivity,
            )
        };
        let count = u32::from_le_bytes(b[at..at + 4].try_into().expect("4")) as usize;
        Ok(&b[at + 4..at + 4 + 4 * count.min(room)])
    }

    fn damaged(&self) -> LakeError {
        super::index::damaged(&self.what, "its graph links to a node it does not hold")
    }

    fn key(&self, b: &[u8], s: u32) -> u64 {
        let at = self.parts.nodes[s as usize];
        u64::from_le_bytes(b[at..at + 8].try_into().expect("8"))
    }

    fn slots(&self) -> &[u32] {
        self.slots.get_or_init(|| {
            let b: &[u8] = &self.bytes;
            let mut slots = vec![u32::MAX; self.n];
            for s in 0..self.n as u32 {
                if let Some(x) = slots.get_mut(self.key(b, s) as usize) {
                    *x = s;
                }
            }
            slots
        })
    }

    /// The `k` nearest slots' keys by `dist`, from a beam `ef` wide; inlined into its caller
    /// so `dist` is too.
    #[inline(always)]
    fn search_in(
        &self,
        k: usize,
        ef: usize,
        dist: impl Fn(&[f32]) -> f32,
    ) -> Result<Vec<(u32, f32)>> {
        if self.n == 0 || self.dim == 0 {
            return Ok(Vec::new());
        }
        let b: &[u8] = &self.bytes;
        let vectors = self.vectors();
        let vec_of = |s: u32| &vectors[s as usize * self.dim..(s as usize + 1) * self.dim];
        let slot = |c: &[u8]| -> Result<u32> {
            let s = u32::from_le_bytes(c.try_into().expect("4"));
            if (s as usize) < self.n {
                Ok(s)
            } else {
                Err(self.damaged())
            }
        };
        // Greedy down the upper levels.
        let mut cur = self.parts.entry;
        let mut d = dist(vec_of(cur));
        for level in (1..=self.parts.max_level).rev() {
            loop {
                let mut moved = false;
                for c in self.neighbours(b, cur, level)?.chunks_exact(4) {
                    let s = slot(c)?;
                    let ds = dist(vec_of(s));
                    if ds < d {
                        (d, cur, moved) = (ds, s, true);
                    }
                }
                if !moved {
                    break;
                }
            }
        }
        // A beam `ef` wide at level 0.
        // No beam is wider than the graph (and `k` beyond it finds no more).
        let ef = ef.max(k).clamp(1, self.n);
        let mut seen = self
            .visited
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop()
            .unwrap_or_else(|| Visited::new(self.n));
        seen.next();
        seen.mark(cur);
        let mut next = BinaryHeap::with_capacity(ef * 4);
        let mut best = BinaryHeap::with_capacity(ef + 1);
        next.push(std::cmp::Reverse(Cand(d, cur)));
        best.push(Cand(d, cur));
        let mut outcome = Ok(());
        while let Some(std::cmp::Reverse(Cand(dc, c))) = next.pop() {
            let worst = best.peek().map_or(f32::INFINITY, |w: &Cand| w.0);
            if dc > worst && best.len() >= ef {
                break;
            }
            let list = match self.neighbours(b, c, 0) {
                Ok(l) => l,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            };
            let mut slots = list
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().expect("4")));
            let mut upcoming = slots.next();
            while let Some(s) = upcoming {
                upcoming = slots.next();
                if s as usize >= self.n {
                    outcome = Err(self.damaged());
                    break;
                }
                if let Some(u) = upcoming.filter(|u| (*u as usize) < self.n) {
                    prefetch(vectors.as_ptr().wrapping_add(u as usize * self.dim));
                }
                if !seen.mark(s) {
                    continue;
                }
                let ds = dist(vec_of(s));
                let worst = best.peek().map_or(f32::INFINITY, |w: &Cand| w.0);
                if best.len() < ef || ds < worst {
                    next.push(std::cmp::Reverse(Cand(ds, s)));
                    best.push(Cand(ds, s));
                    if best.len() > ef {
                        best.pop();
                    }
                }
            }
            if outcome.is_err() {
                break;
            }
        }
        self.visited
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(seen);
        outcome?;
        let mut found = best.into_sorted_vec();
        found.truncate(k);
        found
            .into_iter()
            .map(|Cand(d, s)| {
                let key = self.key(b, s);
                u32::try_from(key)
                    .ok()
                    .filter(|k| (*k as usize) < self.n)
                    .map(|k| (k, d))
                    .ok_or_else(|| self.damaged())
            })
            .collect()
    }
}

#[cfg(test)]
impl GraphView {
    /// The search with the portable sums, whatever the processor has.
    pub(crate) fn search_portable(
        &self,
        q: &[f32],
        k: usize,
        ef: usize,
    ) -> Result<Vec<(u32, f32)>> {
        // SAFETY: the plain sums need no feature.
        unsafe { wide::by_metric::<wide::Plain>(self, q, k, ef) }
    }
}

impl VectorIndex for GraphView {
    fn backend(&self) -> super::BackendKind {
        super::BackendKind::USearch
    }

    fn search(&self, q: &[f32], k: usize, ef: usize) -> Result<Vec<(u32, f32)>> {
        if q.len() != self.dim {
            return Ok(Vec::new());
        }
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the processor has AVX-512F, checked just above.
                return unsafe { wide::by_avx512(self, q, k, ef) };
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the processor has AVX2, checked just above.
                return unsafe { wide::by_avx2(self, q, k, ef) };
            }
        }
        // SAFETY: the plain sums need no feature.
        unsafe { wide::by_metric::<wide::Plain>(self, q, k, ef) }
    }

    fn vector(&self, entry: u32, out: &mut Vec<f32>) {
        out.clear();
        let written = self
            .parts
            .slots_at
            .and_then(|at| u32_at(&self.bytes, at + 4 * entry as usize))
            // A slot whose node holds another key is not used (a damaged file's checksum
            // fails the query besides).
            .filter(|s| (*s as usize) < self.n && self.key(&self.bytes, *s) == entry as u64);
        let slot = written.unwrap_or_else(|| {
            self.slots()
                .get(entry as usize)
                .copied()
                .unwrap_or(u32::MAX)
        });
        let v = self.vectors();
        let at = slot as usize * self.dim;
        match v.get(at..at + self.dim) {
            Some(x) => out.extend_from_slice(x),
            None => out.resize(self.dim, 0.0),
        }
    }

    fn byte_len(&self) -> usize {
        let end = self
            .parts
            .slots_at
            .map_or(self.parts.end, |at| at + 4 * self.n);
        end - (self.parts.vectors_at - 8)
    }

    fn fill(&self, out: &mut [u8]) -> std::io::Result<()> {
        let at = self.parts.vectors_at - 8;
        out.copy_from_slice(&self.bytes[at..at + out.len()]);
        Ok(())
    }
}

/// The search compiled for the processor's widest registers, with the distance inlined.
mod wide {
    use super::*;

    /// The three sums a search makes.
    pub trait Sums {
        /// Σ (aᵢ − bᵢ)².
        ///
        /// # Safety
        /// The processor has the features the implementation uses.
        unsafe fn l2(a: &[f32], b: &[f32]) -> f32;
        /// Σ aᵢbᵢ (same safety).
        unsafe fn dot(a: &[f32], b: &[f32]) -> f32;
        /// (Σ aᵢbᵢ, Σ bᵢ²) (same safety).
        unsafe fn dot_and_norm(a: &[f32], b: &[f32]) -> (f32, f32);
    }

    /// The portable sums (AVX2 when inlined into an AVX2 function): safe everywhere.
    pub struct Plain;

    impl Sums for Plain {
        #[inline(always)]
        unsafe fn l2(a: &[f32], b: &[f32]) -> f32 {
            kernels::l2_wide(a, b)
        }
        #[inline(always)]
        unsafe fn dot(a: &[f32], b: &[f32]) -> f32 {
            kernels::dot_wide(a, b)
        }
        #[inline(always)]
        unsafe fn dot_and_norm(a: &[f32], b: &[f32]) -> (f32, f32) {
            kernels::dot_and_norm_wide(a, b)
        }
    }

    /// The AVX-512 sums: the processor must have AVX-512F.
    #[cfg(target_arch = "x86_64")]
    struct Avx512;

    #[cfg(target_arch = "x86_64")]
    impl Sums for Avx512 {
        #[inline(always)]
        unsafe fn l2(a: &[f32], b: &[f32]) -> f32 {
            // SAFETY: the caller's promise: the processor has AVX-512F.
            unsafe { kernels::avx512::l2_squared(a, b) }
        }
        #[inline(always)]
        unsafe fn dot(a: &[f32], b: &[f32]) -> f32 {
            // SAFETY: as above.
            unsafe { kernels::avx512::dot(a, b) }
        }
        #[inline(always)]
        unsafe fn dot_and_norm(a: &[f32], b: &[f32]) -> (f32, f32) {
            // SAFETY: as above.
            unsafe { kernels::avx512::dot_and_norm(a, b) }
        }
    }

    /// The search by the graph's metric, with USearch's distances: l2 squared, 1 − a·b,
    /// 1 − cos.
    ///
    /// # Safety
    /// The processor has the features `S` uses.
    #[inline(always)]
    pub unsafe fn by_metric<S: Sums>(
        g: &GraphView,
        q: &[f32],
        k: usize,
        ef: usize,
    ) -> Result<Vec<(u32, f32)>> {
        // SAFETY (each sum): the caller's promise.
        match g.metric {
            Metric::L2 => g.search_in(k, ef, |v| unsafe { S::l2(q, v) }),
            Metric::InnerProduct => g.search_in(k, ef, |v| 1.0 - unsafe { S::dot(q, v) }),
            Metric::Cosine => {
                let inv_q = inv_norm(q);
                g.search_in(k, ef, |v| {
                    let (ab, bb) = unsafe { S::dot_and_norm(q, v) };
                    let inv_b = if bb > 0.0 { 1.0 / bb.sqrt() } else { 0.0 };
                    1.0 - ab * inv_q * inv_b
                })
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    pub fn by_avx512(g: &GraphView, q: &[f32], k: usize, ef: usize) -> Result<Vec<(u32, f32)>> {
        // SAFETY: this function runs only where the processor has AVX-512F.
        unsafe { by_metric::<Avx512>(g, q, k, ef) }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    pub fn by_avx2(g: &GraphView, q: &[f32], k: usize, ef: usize) -> Result<Vec<(u32, f32)>> {
        // SAFETY: the plain sums need no feature.
        unsafe { by_metric::<Plain>(g, q, k, ef) }
    }
}

#[inline(always)]
fn prefetch(p: *const f32) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it never faults, whatever the address.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(p as *const i8);
        _mm_prefetch::<_MM_HINT_T0>((p as *const i8).wrapping_add(64));
    }
}

/// A candidate: its distance and slot, ordered by distance (then slot).
#[derive(Clone, Copy)]
struct Cand(f32, u32);

impl PartialEq for Cand {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Cand {}
impl PartialOrd for Cand {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Cand {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.total_cmp(&o.0).then(self.1.cmp(&o.1))
    }
}

/// Which slots a search has seen: a tag per slot, equal to the search's generation when seen,
/// so a new search clears nothing (but once in 65,535).
struct Visited {
    tags: Vec<u16>,
    now: u16,
}

impl Visited {
    fn new(n: usize) -> Visited {
        Visited {
            tags: vec![0; n],
            now: 0,
        }
    }

    fn next(&mut self) {
        self.now = self.now.wrapping_add(1);
        if self.now == 0 {
            self.tags.fill(0);
            self.now = 1;
        }
    }

    /// Marks `s` seen; false when it already was.
    #[inline(always)]
    fn mark(&mut self, s: u32) -> bool {
        let t = &mut self.tags[s as usize];
        if *t == self.now {
            false
        } else {
            *t = self.now;
            true
        }
    }
}
