//! The lake's own HNSW build: the graph of Malkov and Yashunin's paper, made as hnswlib makes
//! it (each insert looks `ef_construction` wide, keeps neighbours by the paper's heuristic, and
//! locks one node at a time, on every core), then written in the form USearch saves. So
//! [`super::graph::GraphView`] searches it where it lies in the file, and USearch reads it to
//! append.
//!
//! USearch's own build was 1.7–1.8× hnswlib's time on the same data: it keeps each node's
//! neighbours apart from its vector and fetches neither ahead, so nearly every distance waited
//! on memory. Here the vectors are read where the caller holds them, and the next ones are
//! fetched while the current one is measured.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering::*};
use std::sync::Mutex;

use super::index::{inv_norm, BackendKind, Metric, VectorIndex};
use crate::error::Result;

/// Bytes of a node's head in USearch's form: its key (`u64`) and its level (`i16`).
const NODE_HEAD: usize = 10;
/// The highest level a node is given (USearch's files allow 64; 2⁻⁴⁸ of nodes would reach 12).
const MAX_LEVEL: usize = 30;

/// A distance and a slot, ordered by distance, then slot.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Near(pub f32, pub u32);

impl Eq for Near {}
impl Ord for Near {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.total_cmp(&o.0).then(self.1.cmp(&o.1))
    }
}
impl PartialOrd for Near {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// The graph while it is built: neighbour lists as atomics (a count, then slots), read and
/// written under their node's lock.
struct Graph {
    metric: Metric,
    dim: usize,
    vectors: Vec<f32>,
    /// Each vector's reciprocal norm, for the cosine (empty otherwise).
    inv: Vec<f32>,
    m: usize,
    m0: usize,
    levels: Vec<u8>,
    /// Level 0: `1 + m0` per node.
    base: Vec<AtomicU32>,
    /// Levels 1 and up: `level × (1 + m)` per node (empty for most).
    upper: Vec<Box<[AtomicU32]>>,
    locks: Vec<AtomicBool>,
    /// The entry and its level; held through the insert of a node that rises above it, as
    /// hnswlib does.
    top: Mutex<(u32, usize)>,
}

/// One thread's buffers, kept between inserts.
struct Scratch {
    visited: Vec<u16>,
    tag: u16,
    next: BinaryHeap<std::cmp::Reverse<Near>>,
    best: BinaryHeap<Near>,
    list: Vec<u32>,
    found: Vec<Near>,
    kept: Vec<Near>,
    /// What a full list keeps when pruned.
    pruned: Vec<Near>,
    pool: Vec<Near>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            visited: vec![0; n],
            tag: 0,
            next: BinaryHeap::new(),
            best: BinaryHeap::new(),
            list: Vec::new(),
            found: Vec::new(),
            kept: Vec::new(),
            pruned: Vec::new(),
            pool: Vec::new(),
        }
    }
}

/// Counts a worker out when dropped.
struct Quit<'w>(&'w AtomicUsize);

impl Drop for Quit<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Release);
    }
}

/// Holds a node's lock until dropped.
struct Held<'g>(&'g AtomicBool);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.store(false, Release);
    }
}

/// Sorts `list` nearest first; equal distances (copies of one vector) in an order drawn from
/// `owner`, the node whose list it is. Ordered by slot, the first copies would take every
/// list's room and later ones would be linked from nowhere, never found.
fn sort_for(list: &mut [Near], owner: u32) {
    let draw = |s: u32| (s ^ owner).wrapping_mul(0x9E37_79B1).rotate_left(15);
    list.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(draw(a.1).cmp(&draw(b.1))));
}

/// The level of node `i`: −ln(u)/ln(m) rounded down, `u` drawn from `i` alone (so a graph's
/// levels do not depend on which thread inserts what).
pub(crate) fn level_of(i: usize, m: usize) -> u8 {
    let mut x = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    let u = ((x >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
    ((-u.ln() / (m as f64).ln()) as usize).min(MAX_LEVEL) as u8
}

impl Graph {
    fn vector(&self, s: u32) -> &[f32] {
        let at = s as usize * self.dim;
        &self.vectors[at..at + self.dim]
    }

    fn inv(&self, s: u32) -> f32 {
        self.inv.get(s as usize).copied().unwrap_or(0.0)
    }

    fn distance(&self, q: &[f32], q_inv: f32, s: u32) -> f32 {
        self.metric.rank(q, q_inv, self.vector(s), self.inv(s))
    }

    /// Node `s`'s list at `level`: its count, then room for its neighbours.
    fn list(&self, s: u32, level: usize) -> &[AtomicU32] {
        if level == 0 {
            let at = s as usize * (1 + self.m0);
            &self.base[at..at + 1 + self.m0]
        } else {
            let at = (level - 1) * (1 + self.m);
            &self.upper[s as usize][at..at + 1 + self.m]
        }
    }

    fn lock(&self, s: u32) -> Held<'_> {
        let l = &self.locks[s as usize];
        let mut spins = 0u32;
        while l
            .compare_exchange_weak(false, true, Acquire, Relaxed)
            .is_err()
        {
            spins += 1;
            if spins < 64 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
        Held(l)
    }

    /// Copies node `s`'s neighbours at `level` into `out`.
    fn neighbours(&self, s: u32, level: usize, out: &mut Vec<u32>) {
        let _held = self.lock(s);
        let l = self.list(s, level);
        let c = (l[0].load(Relaxed) as usize).min(l.len() - 1);
        out.clear();
        out.extend(l[1..=c].iter().map(|x| x.load(Relaxed)));
    }

    fn set(&self, s: u32, level: usize, to: &[Near]) {
        let l = self.list(s, level);
        for (slot, n) in l[1..].iter().zip(to) {
            slot.store(n.1, Relaxed);
        }
        l[0].store(to.len() as u32, Relaxed);
    }

    /// Asks the processor to fetch `s`'s vector while others are measured.
    #[inline]
    fn prefetch(&self, s: u32) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let v = self.vector(s);
            for line in (0..v.len()).step_by(16) {
                // SAFETY: a hint with an address inside `v`; nothing is read.
                #[allow(unused_unsafe)]
                unsafe {
                    _mm_prefetch::<_MM_HINT_T0>(v.as_ptr().add(line).cast())
                };
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = s;
    }

    /// The `ef` nearest to `q` found at `level` from `from`, left in `s.best`.
    fn search(&self, q: &[f32], q_inv: f32, from: Near, level: usize, ef: usize, s: &mut Scratch) {
        s.tag = s.tag.wrapping_add(1);
        if s.tag == 0 {
            s.visited.fill(0);
            s.tag = 1;
        }
        s.best.clear();
        s.next.clear();
        s.visited[from.1 as usize] = s.tag;
        s.best.push(from);
        s.next.push(std::cmp::Reverse(from));
        while let Some(std::cmp::Reverse(c)) = s.next.pop() {
            let worst = s.best.peek().map_or(f32::INFINITY, |w| w.0);
            if c.0 > worst && s.best.len() >= ef {
                break;
            }
            self.neighbours(c.1, level, &mut s.list);
            s.list.retain(|&e| s.visited[e as usize] != s.tag);
            for &e in &s.list {
                self.prefetch(e);
            }
            for &e in &s.list {
                s.visited[e as usize] = s.tag;
                let d = self.distance(q, q_inv, e);
                if s.best.len() < ef || d < s.best.peek().map_or(f32::INFINITY, |w| w.0) {
                    s.next.push(std::cmp::Reverse(Near(d, e)));
                    s.best.push(Near(d, e));
                    if s.best.len() > ef {
                        s.best.pop();
                    }
                }
            }
        }
    }

    /// The paper's heuristic over `found` (nearest first), for `owner`'s list: a candidate is
    /// kept unless a kept one is nearer to it than it is to the owner, up to `m`. Fewer than
    /// `m` are all kept.
    ///
    /// Copies of one vector (one text embedded twice) are all at distance zero, give or take a
    /// last bit. "Nearer" is by more than rounding, so copies are kept alike whatever the
    /// metric; and a copy's list keeps at most `m / 8` (at least 2) copies of it, leaving the
    /// rest of its room to other vectors. Without that, many copies link only to each other:
    /// a search that reaches them cannot leave, and misses the nearest others.
    fn choose(&self, owner: u32, found: &[Near], m: usize, kept: &mut Vec<Near>) {
        kept.clear();
        if found.len() <= m {
            kept.extend_from_slice(found);
            return;
        }
        let own = self.vector(owner);
        let mut copies = (m / 8).max(2);
        for &c in found {
            if kept.len() >= m {
                break;
            }
            let (v, vi) = (self.vector(c.1), self.inv(c.1));
            if v == own {
                if copies > 0 {
                    copies -= 1;
                    kept.push(c);
                }
                continue;
            }
            let bar = if c.0.is_finite() {
                c.0 - 1e-6 * (1.0 + c.0.abs())
            } else {
                c.0
            };
            if kept.iter().all(|r| self.distance(v, vi, r.1) >= bar) {
                kept.push(c);
            }
        }
    }

    /// Adds `new` (at distance `d`) to `s`'s list at `level`, pruning the list by the
    /// heuristic when full.
    fn link(&self, s: u32, new: u32, d: f32, level: usize, room: usize, sc: &mut Scratch) {
        let _held = self.lock(s);
        let l = self.list(s, level);
        let c = (l[0].load(Relaxed) as usize).min(room);
        if c < room {
            l[1 + c].store(new, Relaxed);
            l[0].store(c as u32 + 1, Relaxed);
            return;
        }
        let (v, vi) = (self.vector(s), self.inv(s));
        sc.pool.clear();
        sc.pool.push(Near(d, new));
        for e in &l[1..=c] {
            let e = e.load(Relaxed);
            sc.pool.push(Near(self.distance(v, vi, e), e));
        }
        sort_for(&mut sc.pool, s);
        self.choose(s, &sc.pool, room, &mut sc.pruned);
        self.set(s, level, &sc.pruned);
    }

    /// Greedy steps toward `q` from `cur`, at each level from `top` down to `to`.
    fn descend(
        &self,
        q: &[f32],
        q_inv: f32,
        mut cur: Near,
        top: usize,
        to: usize,
        s: &mut Scratch,
    ) -> Near {
        for l in (to..=top).rev() {
            let mut moved = true;
            while moved {
                moved = false;
                self.neighbours(cur.1, l, &mut s.list);
                for &e in &s.list {
                    let d = self.distance(q, q_inv, e);
                    if d < cur.0 {
                        cur = Near(d, e);
                        moved = true;
                    }
                }
            }
        }
        cur
    }

    fn insert(&self, i: u32, ef: usize, s: &mut Scratch) {
        let (q, q_inv) = (self.vector(i), self.inv(i));
        let level = self.levels[i as usize] as usize;
        let top = self.top.lock().unwrap_or_else(|p| p.into_inner());
        let (entry, max) = *top;
        let mut hold = (level > max).then_some(top);
        let first = Near(self.distance(q, q_inv, entry), entry);
        let mut cur = self.descend(q, q_inv, first, max, level + 1, s);
        for l in (0..=level.min(max)).rev() {
            self.search(q, q_inv, cur, l, ef, s);
            s.found.clear();
            s.found.extend(s.best.drain());
            sort_for(&mut s.found, i);
            let mut chosen = std::mem::take(&mut s.kept);
            self.choose(i, &s.found, self.m, &mut chosen);
            {
                let _held = self.lock(i);
                self.set(i, l, &chosen);
            }
            let room = if l == 0 { self.m0 } else { self.m };
            for n in &chosen {
                self.link(n.1, i, n.0, l, room, s);
            }
            s.kept = chosen;
            cur = s.found[0];
        }
        if let Some(top) = hold.as_mut() {
            **top = (i, level);
        }
    }
}

impl Graph {
    /// The nodes a search cannot reach at level 0 from the entry.
    fn unreached(&self, n: usize) -> Vec<u32> {
        let entry = self.top.lock().unwrap_or_else(|p| p.into_inner()).0;
        let mut seen = vec![false; n];
        let mut queue = vec![entry];
        seen[entry as usize] = true;
        while let Some(s) = queue.pop() {
            for e in self.ids(s) {
                if !std::mem::replace(&mut seen[e as usize], true) {
                    queue.push(e);
                }
            }
        }
        (0..n as u32).filter(|&s| !seen[s as usize]).collect()
    }

    /// Links each node no search reaches from its nearest reached neighbour, until every
    /// node is reached or a few rounds have passed. A full list gives up its farthest
    /// neighbour that other reached lists also link. Pruning leaves some nodes linked from
    /// nowhere (a few in thousands), and a node no search reaches is a row no query returns.
    /// By the inner product only lists with room take one: a vector inside the others' hull
    /// is never the nearest to anything, and many are unlinked (a tenth of the clustered
    /// test data), so taking places would cost the links searches use.
    fn link_unreached(&self, n: usize) {
        for _ in 0..4 {
            let lost = self.unreached(n);
            if lost.is_empty() {
                return;
            }
            let mut reached = vec![true; n];
            for &u in &lost {
                reached[u as usize] = false;
            }
            let mut links_to = vec![0u32; n];
            // Links from reached nodes only: a node linked from nowhere else loses its way in
            // when such a link gives way.
            for s in (0..n as u32).filter(|&s| reached[s as usize]) {
                for e in self.ids(s) {
                    links_to[e as usize] += 1;
                }
            }
            for u in lost {
                let (q, qi) = (self.vector(u), self.inv(u));
                let nearest = self
                    .ids(u)
                    .filter(|&e| reached[e as usize])
                    .map(|e| Near(self.distance(q, qi, e), e))
                    .min();
                let Some(Near(_, v)) = nearest else { continue };
                let to = self.list(v, 0);
                let c = (to[0].load(Relaxed) as usize).min(self.m0);
                if c < self.m0 {
                    to[1 + c].store(u, Relaxed);
                    to[0].store(c as u32 + 1, Relaxed);
                    links_to[u as usize] += 1;
                    continue;
                }
                if self.metric == Metric::InnerProduct {
                    continue;
                }
                let (v_vec, v_inv) = (self.vector(v), self.inv(v));
                let far = (1..=c)
                    .map(|i| (i, to[i].load(Relaxed)))
                    .filter(|&(_, w)| links_to[w as usize] > 1)
                    .map(|(i, w)| Near(self.distance(v_vec, v_inv, w), i as u32))
                    .max();
                if let Some(Near(_, i)) = far {
                    let w = to[i as usize].swap(u, Relaxed);
                    links_to[w as usize] -= 1;
                    links_to[u as usize] += 1;
                }
            }
        }
    }

    /// Node `s`'s neighbours at level 0 (the build is over: nothing changes them).
    fn ids(&self, s: u32) -> impl Iterator<Item = u32> + '_ {
        let l = self.list(s, 0);
        let c = (l[0].load(Relaxed) as usize).min(self.m0);
        l[1..=c].iter().map(|e| e.load(Relaxed))
    }
}

/// The sizes a build needs.
pub struct Params {
    /// Neighbours per node above level 0 (`M`); level 0 keeps twice as many.
    pub connectivity: usize,
    /// How wide each insert looks.
    pub ef_construction: usize,
}

/// Builds the graph of `vectors` (`dim` numbers each, laid end to end; their numbers are
/// their keys and slots). `head` is the 64-byte head USearch writes for these types and
/// metric, taken from an empty index. `report(inserted, all)` is called on this thread about
/// ten times a second while other threads insert; when it returns `false` the build stops and
/// returns `None`.
pub fn build(
    metric: Metric,
    dim: usize,
    mut vectors: Vec<f32>,
    p: &Params,
    head: &[u8; 64],
    report: &mut dyn FnMut(usize, usize) -> bool,
) -> Option<Built> {
    let n = vectors.len().checked_div(dim).unwrap_or(0);
    // A part-vector at the end (never given by the lake) is not indexed.
    vectors.truncate(n * dim);
    let (m, m0) = (p.connectivity.max(2), 2 * p.connectivity.max(2));
    let levels: Vec<u8> = (0..n).map(|i| level_of(i, m)).collect();
    let inv = if metric == Metric::Cosine {
        vectors.chunks_exact(dim.max(1)).map(inv_norm).collect()
    } else {
        Vec::new()
    };
    let g = Graph {
        metric,
        dim,
        vectors,
        inv,
        m,
        m0,
        base: (0..n * (1 + m0)).map(|_| AtomicU32::new(0)).collect(),
        upper: levels
            .iter()
            .map(|&l| {
                (0..l as usize * (1 + m))
                    .map(|_| AtomicU32::new(0))
                    .collect()
            })
            .collect(),
        locks: (0..n).map(|_| AtomicBool::new(false)).collect(),
        top: Mutex::new((0, levels.first().copied().unwrap_or(0) as usize)),
        levels,
    };
    let (next, done, stop) = (
        AtomicUsize::new(1),
        AtomicUsize::new(1),
        AtomicBool::new(false),
    );
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(n.saturating_sub(1));
    let working = AtomicUsize::new(threads);
    std::thread::scope(|sc| {
        for _ in 0..threads {
            sc.spawn(|| {
                // Counted out however the worker ends, a panic included (which the scope then
                // passes on), so this thread never waits for a worker that is gone.
                let quit = Quit(&working);
                let mut s = Scratch::new(n);
                while !stop.load(Relaxed) {
                    let i = next.fetch_add(1, Relaxed);
                    if i >= n {
                        break;
                    }
                    g.insert(i as u32, p.ef_construction.max(1), &mut s);
                    done.fetch_add(1, Relaxed);
                }
                drop(quit);
            });
        }
        let mut last = std::time::Instant::now();
        while working.load(Acquire) > 0 {
            std::thread::sleep(std::time::Duration::from_millis(20));
            if !stop.load(Relaxed) && last.elapsed().as_millis() >= 100 {
                last = std::time::Instant::now();
                if !report(done.load(Relaxed).min(n), n) {
                    stop.store(true, Relaxed);
                }
            }
        }
    });
    if stop.into_inner() {
        return None;
    }
    if n > 1 {
        g.link_unreached(n);
    }
    report(n, n);
    Some(Built { g, head: *head, n })
}

/// A graph built: searched in memory, and written in USearch's saved form.
pub struct Built {
    g: Graph,
    head: [u8; 64],
    n: usize,
}

impl Built {
    fn node_bytes(&self, level: u8) -> usize {
        NODE_HEAD + 4 * (1 + self.g.m0) + level as usize * 4 * (1 + self.g.m)
    }
}

impl VectorIndex for Built {
    fn backend(&self) -> BackendKind {
        BackendKind::USearch
    }

    fn search(&self, q: &[f32], k: usize, ef: usize) -> Result<Vec<(u32, f32)>> {
        let g = &self.g;
        if q.len() != g.dim || self.n == 0 || k == 0 {
            return Ok(Vec::new());
        }
        let q_inv = if g.metric == Metric::Cosine {
            inv_norm(q)
        } else {
            0.0
        };
        let (entry, max) = *g.top.lock().unwrap_or_else(|p| p.into_inner());
        let mut s = Scratch::new(self.n);
        let first = Near(g.distance(q, q_inv, entry), entry);
        let cur = g.descend(q, q_inv, first, max, 1, &mut s);
        g.search(q, q_inv, cur, 0, ef.max(k).min(self.n), &mut s);
        let mut found = s.best.into_sorted_vec();
        found.truncate(k);
        Ok(found.into_iter().map(|n| (n.1, n.0)).collect())
    }

    fn vector(&self, entry: u32, out: &mut Vec<f32>) {
        out.clear();
        if (entry as usize) < self.n {
            out.extend_from_slice(self.g.vector(entry));
        } else {
            out.resize(self.g.dim, 0.0);
        }
    }

    /// USearch's saved form: the vectors (`[rows u32][bytes per row u32]`, then each row),
    /// the dense head, the graph's header (size, connectivity, level-0 connectivity, top
    /// level, entry slot, each `u64`), each node's level (`i16`), each node (key, level, then
    /// its lists: a `u32` count and the room's slots); then each key's slot, as the lake
    /// writes after USearch's bytes (`graph::key_slots`).
    fn byte_len(&self) -> usize {
        let nodes: usize = self.g.levels.iter().map(|&l| self.node_bytes(l)).sum();
        8 + 4 * self.g.vectors.len() + 64 + 40 + 2 * self.n + nodes + 4 * self.n
    }

    fn fill(&self, out: &mut [u8]) -> std::io::Result<()> {
        if out.len() != self.byte_len() {
            return Err(std::io::Error::other(
                "the index's bytes are not the size expected",
            ));
        }
        let (g, n) = (&self.g, self.n);
        let (entry, max) = *g.top.lock().unwrap_or_else(|p| p.into_inner());
        let mut at = 0;
        let mut put = |b: &[u8]| {
            out[at..at + b.len()].copy_from_slice(b);
            at += b.len();
        };
        put(&(n as u32).to_le_bytes());
        put(&(4 * g.dim as u32).to_le_bytes());
        for x in &g.vectors {
            put(&x.to_le_bytes());
        }
        let mut h = self.head;
        h[17..25].copy_from_slice(&(n as u64).to_le_bytes());
        h[25..33].copy_from_slice(&0u64.to_le_bytes());
        h[33..41].copy_from_slice(&(g.dim as u64).to_le_bytes());
        h[41] = 0;
        put(&h);
        for v in [n, g.m, g.m0, max, entry as usize] {
            put(&(v as u64).to_le_bytes());
        }
        for &l in &g.levels {
            put(&(l as i16).to_le_bytes());
        }
        for (s, &l) in g.levels.iter().enumerate() {
            put(&(s as u64).to_le_bytes());
            put(&(l as i16).to_le_bytes());
            for level in 0..=l as usize {
                for x in g.list(s as u32, level) {
                    put(&x.load(Relaxed).to_le_bytes());
                }
            }
        }
        for s in 0..n {
            put(&(s as u32).to_le_bytes());
        }
        Ok(())
    }
}
