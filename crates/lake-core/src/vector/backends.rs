//! The backends behind [`VectorIndex`]: an exact scan, USearch's HNSW and instant-distance's
//! HNSW. `make bench-vector` measures them against hnswlib and USearch's Python package;
//! [`choose`] picks by those figures.

use instant_distance::{Builder, HnswMap, Point, Search};
use serde::{Deserialize, Serialize};

use super::index::{inv_norm, top_k, BackendKind, Metric, VectorIndex};
use crate::error::{LakeError, Result};

/// Below this many vectors an exact scan answers as fast as a graph, with no build and exact
/// answers (200k × 128 vectors are scanned in about 10 ms on this machine's one core).
pub const EXACT_BELOW: usize = 20_000;

/// Neighbours per node in the HNSW graphs (`M`).
pub const CONNECTIVITY: usize = 16;
/// How wide an insert looks (`efConstruction`).
pub const EF_CONSTRUCTION: usize = 128;
/// How wide a search looks when the query does not say (`ef`).
pub const EF_SEARCH: usize = 64;

/// The backend a build uses when none is named: exact for small datasets, USearch otherwise
/// (in `make bench-vector`, instant-distance built 20k × 128 vectors in 12.2 s, USearch in 1.5 s).
pub fn choose(n: usize) -> BackendKind {
    if n < EXACT_BELOW {
        BackendKind::Exact
    } else {
        BackendKind::USearch
    }
}

/// Builds `kind`'s structure over `n` vectors of `dim` numbers, laid end to end in `flat`.
pub fn build(
    kind: BackendKind,
    metric: Metric,
    dim: usize,
    flat: Vec<f32>,
) -> Result<Box<dyn VectorIndex>> {
    build_watched(kind, metric, dim, flat, &mut |_, _| true)
}

/// [`build`], calling `report(inserted, all)` about ten times a second while a graph is
/// built; when it returns `false` the build stops with [`LakeError::Cancelled`].
pub fn build_watched(
    kind: BackendKind,
    metric: Metric,
    dim: usize,
    flat: Vec<f32>,
    report: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Box<dyn VectorIndex>> {
    match kind {
        BackendKind::Exact => Ok(Box::new(Exact::new(metric, dim, flat))),
        BackendKind::USearch => USearch::build(metric, dim, flat, report),
        BackendKind::InstantDistance => Ok(instant::build(metric, dim, &flat)),
    }
}

/// Reads `kind`'s structure from its bytes; the error says what is wrong. With `unchecked`
/// (the file's checksum not known yet), only the lake's own search of a mapped USearch graph,
/// which checks every read against the file, is made; else `None`.
#[allow(clippy::too_many_arguments)]
pub fn read(
    kind: BackendKind,
    metric: Metric,
    dim: usize,
    n: usize,
    bytes: &[u8],
    mapped: Option<&std::sync::Arc<crate::storage::FileBytes>>,
    what: &str,
    unchecked: bool,
) -> std::result::Result<Option<Box<dyn VectorIndex>>, String> {
    if unchecked && kind != BackendKind::USearch {
        return Ok(None);
    }
    match kind {
        BackendKind::Exact => {
            if n.checked_mul(dim).and_then(|x| x.checked_mul(4)) != Some(bytes.len()) {
                return Err("its vectors are not the size its header says".into());
            }
            let flat = bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
                .collect();
            Ok(Some(Box::new(Exact::new(metric, dim, flat))))
        }
        BackendKind::USearch => {
            // A mapped file's graph is searched where it lies, in the page cache, never copied
            // into the process; anything else is copied into USearch's memory.
            let view = mapped
                .filter(|_| (bytes.as_ptr() as usize).is_multiple_of(64))
                .cloned();
            // The lake's own search over the saved graph, where it knows the form.
            if let Some(m) = &view {
                let at = bytes.as_ptr() as usize - m.as_ptr() as usize;
                if let Some(g) = super::graph::GraphView::open(m, at, metric, dim, n, what)? {
                    return Ok(Some(Box::new(g)));
                }
            }
            if unchecked {
                return Ok(None);
            }
            let index = match &view {
                Some(_) => {
                    let meta = usearch::Index::metadata_from_buffer(bytes)
                        .map_err(|e| format!("USearch cannot read it: {e}"))?;
                    let index = usearch::Index::new(&meta.into())
                        .map_err(|e| format!("USearch cannot read it: {e}"))?;
                    // SAFETY: `bytes` lie in the mapping `view` holds, which the index keeps
                    // (dropped after it) and which the lake never changes in place.
                    unsafe { index.view_from_buffer(bytes) }
                        .map_err(|e| format!("USearch cannot read it: {e}"))?;
                    index
                }
                None => usearch::Index::restore_from_buffer(bytes)
                    .map_err(|e| format!("USearch cannot read it: {e}"))?,
            };
            if index.size() != n
                || index.dimensions() != dim
                || !(0..n as u64).all(|k| index.contains(k))
            {
                return Err("its graph does not hold the entries its header lists".into());
            }
            // Room for many searches at once (a restored index has one per core).
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            index
                .reserve_capacity_and_threads(n, threads.max(64))
                .map_err(|e| format!("USearch cannot make room for searches: {e}"))?;
            index.change_expansion_search(1);
            Ok(Some(Box::new(USearch {
                index,
                dim,
                _mapped: view,
            })))
        }
        BackendKind::InstantDistance => instant::read(metric, dim, n, bytes).map(Some),
    }
}

/// Every vector compared.
struct Exact {
    metric: Metric,
    dim: usize,
    flat: Vec<f32>,
    inv: Vec<f32>,
}

impl Exact {
    fn new(metric: Metric, dim: usize, flat: Vec<f32>) -> Exact {
        let inv = if metric == Metric::Cosine && dim > 0 {
            flat.chunks_exact(dim).map(inv_norm).collect()
        } else {
            Vec::new()
        };
        Exact {
            metric,
            dim,
            flat,
            inv,
        }
    }
}

impl VectorIndex for Exact {
    fn backend(&self) -> BackendKind {
        BackendKind::Exact
    }

    fn search(&self, q: &[f32], k: usize, _ef: usize) -> Result<Vec<(u32, f32)>> {
        if self.dim == 0 {
            return Ok(Vec::new());
        }
        let inv_q = inv_norm(q);
        let mut ranked: Vec<(u32, f32)> = self
            .flat
            .chunks_exact(self.dim)
            .enumerate()
            .map(|(i, v)| {
                let inv = self.inv.get(i).copied().unwrap_or(1.0);
                (i as u32, self.metric.rank(q, inv_q, v, inv))
            })
            .collect();
        top_k(&mut ranked, k);
        Ok(ranked)
    }

    fn vector(&self, entry: u32, out: &mut Vec<f32>) {
        let at = entry as usize * self.dim;
        out.clear();
        out.extend_from_slice(&self.flat[at..at + self.dim]);
    }

    fn byte_len(&self) -> usize {
        self.flat.len() * 4
    }

    fn fill(&self, out: &mut [u8]) -> std::io::Result<()> {
        for (o, v) in out.chunks_exact_mut(4).zip(&self.flat) {
            o.copy_from_slice(&v.to_le_bytes());
        }
        Ok(())
    }
}

/// USearch's HNSW, for the graphs the lake's search does not read (`graph::GraphView`):
/// another USearch's form, other types, or removed entries.
struct USearch {
    index: usearch::Index,
    dim: usize,
    /// The mapped file the graph is viewed in, if it is (dropped after `index`).
    _mapped: Option<std::sync::Arc<crate::storage::FileBytes>>,
}

fn usearch_error(e: impl std::fmt::Display) -> LakeError {
    LakeError::Internal(format!("the USearch index: {e}"))
}

impl USearch {
    fn options(metric: Metric, dim: usize) -> usearch::IndexOptions {
        usearch::IndexOptions {
            dimensions: dim,
            metric: match metric {
                Metric::Cosine => usearch::MetricKind::Cos,
                Metric::L2 => usearch::MetricKind::L2sq,
                Metric::InnerProduct => usearch::MetricKind::IP,
            },
            quantization: usearch::ScalarKind::F32,
            connectivity: CONNECTIVITY,
            expansion_add: EF_CONSTRUCTION,
            expansion_search: EF_SEARCH,
            multi: false,
        }
    }

    /// Builds the graph with the lake's own HNSW build (`hnsw`), which writes it in USearch's
    /// saved form straight into the index file (`graph::GraphView` then searches it there).
    fn build(
        metric: Metric,
        dim: usize,
        flat: Vec<f32>,
        report: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<Box<dyn VectorIndex>> {
        let n = flat.len().checked_div(dim).unwrap_or(0);
        // The 64-byte head USearch writes for these types and metric, from an empty index.
        let empty = usearch::Index::new(&Self::options(metric, dim)).map_err(usearch_error)?;
        let mut saved = vec![0u8; empty.serialized_length()];
        empty.save_to_buffer(&mut saved).map_err(usearch_error)?;
        if n == 0 {
            return Ok(Box::new(USearch {
                index: empty,
                dim,
                _mapped: None,
            }));
        }
        let head: [u8; 64] = saved
            .get(8..72)
            .and_then(|h| h.try_into().ok())
            .ok_or_else(|| usearch_error("an empty index saved no head"))?;
        let params = super::hnsw::Params {
            connectivity: CONNECTIVITY,
            ef_construction: EF_CONSTRUCTION,
        };
        let built = super::hnsw::build(metric, dim, flat, &params, &head, report)
            .ok_or_else(|| LakeError::Cancelled("the index build was cancelled".into()))?;
        Ok(Box::new(built))
    }
}

impl VectorIndex for USearch {
    fn backend(&self) -> BackendKind {
        BackendKind::USearch
    }

    fn search(&self, q: &[f32], k: usize, ef: usize) -> Result<Vec<(u32, f32)>> {
        // USearch looks max(its ef, the results asked for) wide; its own ef is 1 (set once,
        // when built or read), so asking for `ef` results and keeping `k` is a search exactly
        // max(k, ef) wide, with no setting shared between searches.
        let m = self.index.search(q, k.max(ef)).map_err(usearch_error)?;
        Ok(m.keys
            .iter()
            .zip(&m.distances)
            .take(k)
            .map(|(k, d)| (*k as u32, *d))
            .collect())
    }

    fn vector(&self, entry: u32, out: &mut Vec<f32>) {
        out.clear();
        out.resize(self.dim, 0.0);
        // Every entry was added, so it is there.
        let _ = self.index.get(entry as u64, out.as_mut_slice());
    }

    fn append(&self, first: u32, flat: &[f32]) -> Result<bool> {
        // A viewed graph lies in a file shared with queries: it is never changed.
        if self._mapped.is_some() {
            return Ok(false);
        }
        let n = flat.len().checked_div(self.dim).unwrap_or(0);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.index
            .reserve_capacity_and_threads(self.index.size() + n, threads.max(64))
            .map_err(usearch_error)?;
        for (i, v) in flat.chunks_exact(self.dim.max(1)).enumerate() {
            self.index
                .add(first as u64 + i as u64, v)
                .map_err(usearch_error)?;
        }
        Ok(true)
    }

    fn byte_len(&self) -> usize {
        // USearch's bytes, then each key's slot (`graph::key_slots`).
        self.index.serialized_length() + 4 * self.index.size()
    }

    fn fill(&self, out: &mut [u8]) -> std::io::Result<()> {
        let (saved, slots) = out.split_at_mut(self.index.serialized_length());
        self.index
            .save_to_buffer(saved)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        super::graph::key_slots(saved, self.dim, self.index.size(), slots)
    }
}

/// instant-distance's HNSW: a point type per metric, with the reciprocal norm kept for the
/// cosine.
mod instant {
    use super::*;

    pub const COSINE: u8 = 0;
    pub const L2: u8 = 1;
    pub const IP: u8 = 2;

    #[derive(Clone, Serialize, Deserialize)]
    pub struct Pt<const M: u8> {
        v: Box<[f32]>,
        inv: f32,
    }

    impl<const M: u8> Point for Pt<M> {
        fn distance(&self, o: &Self) -> f32 {
            let metric = [Metric::Cosine, Metric::L2, Metric::InnerProduct][M as usize];
            metric.rank(&self.v, self.inv, &o.v, o.inv)
        }
    }

    pub struct Instant<const M: u8> {
        map: HnswMap<Pt<M>, u32>,
        /// The vectors again, in entry order (the map gives no way to reach a point by its
        /// number).
        flat: Vec<f32>,
        dim: usize,
    }

    fn points<const M: u8>(dim: usize, flat: &[f32]) -> Vec<Pt<M>> {
        flat.chunks_exact(dim.max(1))
            .map(|v| Pt {
                v: v.into(),
                inv: inv_norm(v),
            })
            .collect()
    }

    fn wrap<const M: u8>(map: HnswMap<Pt<M>, u32>, dim: usize) -> Option<Box<dyn VectorIndex>> {
        let n = map.values.len();
        let mut flat = vec![0f32; n.checked_mul(dim)?];
        let mut seen = vec![false; n];
        for ((_, p), entry) in map.iter().zip(&map.values) {
            let e = *entry as usize;
            if p.v.len() != dim || std::mem::replace(seen.get_mut(e)?, true) {
                return None;
            }
            flat[e * dim..(e + 1) * dim].copy_from_slice(&p.v);
        }
        seen.iter()
            .all(|s| *s)
            .then(|| Box::new(Instant { map, flat, dim }) as Box<dyn VectorIndex>)
    }

    fn make<const M: u8>(dim: usize, flat: &[f32]) -> Box<dyn VectorIndex> {
        let pts = points::<M>(dim, flat);
        let ids = (0..pts.len() as u32).collect();
        let map = Builder::default()
            .seed(1)
            .ef_construction(EF_CONSTRUCTION)
            .ef_search(EF_SEARCH)
            .build(pts, ids);
        wrap(map, dim).expect("every entry was given")
    }

    pub fn build(metric: Metric, dim: usize, flat: &[f32]) -> Box<dyn VectorIndex> {
        match metric {
            Metric::Cosine => make::<COSINE>(dim, flat),
            Metric::L2 => make::<L2>(dim, flat),
            Metric::InnerProduct => make::<IP>(dim, flat),
        }
    }

    fn load<const M: u8>(
        dim: usize,
        n: usize,
        bytes: &[u8],
    ) -> std::result::Result<Box<dyn VectorIndex>, String> {
        let (map, _): (HnswMap<Pt<M>, u32>, usize) =
            bincode::serde::decode_from_slice(bytes, bincode::config::standard())
                .map_err(|e| format!("instant-distance cannot read it: {e}"))?;
        if map.values.len() != n {
            return Err("its graph does not hold the entries its header lists".into());
        }
        wrap(map, dim).ok_or_else(|| "its graph's entries are not the header's".to_string())
    }

    pub fn read(
        metric: Metric,
        dim: usize,
        n: usize,
        bytes: &[u8],
    ) -> std::result::Result<Box<dyn VectorIndex>, String> {
        match metric {
            Metric::Cosine => load::<COSINE>(dim, n, bytes),
            Metric::L2 => load::<L2>(dim, n, bytes),
            Metric::InnerProduct => load::<IP>(dim, n, bytes),
        }
    }

    impl<const M: u8> Instant<M> {
        /// Its graph's bytes (only on request, below 20,000 vectors or so: made twice when
        /// written, once to size the file).
        fn bytes(&self) -> std::io::Result<Vec<u8>> {
            bincode::serde::encode_to_vec(&self.map, bincode::config::standard())
                .map_err(|e| std::io::Error::other(e.to_string()))
        }
    }

    impl<const M: u8> VectorIndex for Instant<M> {
        fn backend(&self) -> BackendKind {
            BackendKind::InstantDistance
        }

        fn search(&self, q: &[f32], k: usize, _ef: usize) -> Result<Vec<(u32, f32)>> {
            // Its `ef` is fixed when it is built: a search gives at most that many.
            let p = Pt::<M> {
                v: q.into(),
                inv: inv_norm(q),
            };
            let mut s = Search::default();
            Ok(self
                .map
                .search(&p, &mut s)
                .take(k)
                .map(|m| (*m.value, m.distance))
                .collect())
        }

        fn vector(&self, entry: u32, out: &mut Vec<f32>) {
            let at = entry as usize * self.dim;
            out.clear();
            out.extend_from_slice(&self.flat[at..at + self.dim]);
        }

        fn byte_len(&self) -> usize {
            self.bytes().map_or(0, |b| b.len())
        }

        fn fill(&self, out: &mut [u8]) -> std::io::Result<()> {
            let b = self.bytes()?;
            out.get_mut(..b.len())
                .ok_or_else(|| std::io::Error::other("the graph grew while written"))?
                .copy_from_slice(&b);
            Ok(())
        }
    }
}
