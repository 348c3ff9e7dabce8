//! The R-tree file: bulk-loaded by `rstar` (its OMT packing, 16 children a node), then laid
//! out flat (nodes breadth-first, then entries) so a search reads it as it is on disk, and
//! reopening a lake never builds it again.
//!
//! Layout, little-endian: the magic `DPLKRT01`; flags (u32, 1 = entries are points); the data
//! files it covers (u32 count, then each: u16 length, UTF-8 path, u64 rows); u64 node count;
//! u64 entry count; the nodes (`NODE_BYTES` each: min x, min y, max x, max y as f64; first
//! child, child count and "children are entries" as u32; u32 padding; u64 entries below); the
//! entries (x, y, and for boxes max x, max y, as f64; file ordinal and row as u32).

use std::io::Write;

use rstar::{RStarInsertionStrategy, RTree, RTreeNode, RTreeObject, RTreeParams, AABB};

use crate::error::{LakeError, Result};

const MAGIC: &[u8; 8] = b"DPLKRT01";
const NODE_BYTES: usize = 56;

/// One indexed thing: a box (a point has min = max) and where its row is.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    /// Lower corner.
    pub lo: [f64; 2],
    /// Upper corner.
    pub hi: [f64; 2],
    /// Ordinal of the data file in the version's file list.
    pub file: u32,
    /// Row within that file.
    pub row: u32,
}

/// One indexed point and where its row is: 24 bytes against a box's 40, so bulk-loading moves
/// less memory.
#[derive(Debug, Clone, Copy)]
pub struct PointItem {
    /// x, y.
    pub xy: [f64; 2],
    /// Ordinal of the data file in the version's file list.
    pub file: u32,
    /// Row within that file.
    pub row: u32,
}

/// What the tree can hold: a box and a row.
pub trait Indexed: RTreeObject<Envelope = AABB<[f64; 2]>> + Copy + Send {
    /// Lower and upper corners.
    fn corners(&self) -> ([f64; 2], [f64; 2]);
    /// File ordinal and row.
    fn place(&self) -> (u32, u32);
}

impl RTreeObject for Item {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners(self.lo, self.hi)
    }
}

impl Indexed for Item {
    fn corners(&self) -> ([f64; 2], [f64; 2]) {
        (self.lo, self.hi)
    }
    fn place(&self) -> (u32, u32) {
        (self.file, self.row)
    }
}

impl RTreeObject for PointItem {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.xy)
    }
}

impl Indexed for PointItem {
    fn corners(&self) -> ([f64; 2], [f64; 2]) {
        (self.xy, self.xy)
    }
    fn place(&self) -> (u32, u32) {
        (self.file, self.row)
    }
}

struct Fanout;
impl RTreeParams for Fanout {
    const MIN_SIZE: usize = 6;
    const MAX_SIZE: usize = 16;
    const REINSERTION_COUNT: usize = 4;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

/// A box: min x, min y, max x, max y.
pub type BBox = [f64; 4];

/// The box of a geometry (None when it is empty).
pub fn bbox_of(g: &geo::Geometry) -> Option<BBox> {
    use geo::BoundingRect;
    let r = g.bounding_rect()?;
    Some([r.min().x, r.min().y, r.max().x, r.max().y])
}

fn overlaps(a: &BBox, b: &BBox) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

fn inside(a: &BBox, b: &BBox) -> bool {
    a[0] >= b[0] && a[2] <= b[2] && a[1] >= b[1] && a[3] <= b[3]
}

/// Splits `items` into `k` slabs of equal size along x.
fn slabs<T: Indexed>(mut items: Vec<T>, k: usize) -> Vec<Vec<T>> {
    let mut out = Vec::with_capacity(k);
    for left in (1..=k).rev() {
        if left == 1 {
            out.push(std::mem::take(&mut items));
            break;
        }
        let n = items.len() / left;
        items.select_nth_unstable_by(n, |a, b| a.corners().0[0].total_cmp(&b.corners().0[0]));
        let rest = items.split_off(n);
        out.push(std::mem::replace(&mut items, rest));
    }
    out
}

/// Builds the index file's bytes for `items` and counts its entries (see [`write`]).
pub fn build<T: Indexed>(items: Vec<T>, files: &[(String, u64)], points: bool) -> (Vec<u8>, u64) {
    let mut out = Vec::new();
    let (entries, bytes) = write(items, files, points, &mut out).expect("a Vec takes every write");
    assert_eq!(
        bytes as usize,
        out.len(),
        "the index file's size is worked out right"
    );
    (out, entries)
}

/// Bulk-loads `items` and writes the index file to `w`, returning its entries and bytes; `files` are the
/// data files' paths and rows, and `points` says entries are points (x, y only). Items with a
/// NaN or infinite coordinate are left out (they match no box). Big inputs are cut into one slab
/// per core along x, each bulk-loaded by `rstar` on its own thread, under one root. The entries
/// go from the trees straight to `w`: no copy of the file is held in memory.
pub fn write<T: Indexed>(
    mut items: Vec<T>,
    files: &[(String, u64)],
    points: bool,
    w: &mut dyn Write,
) -> std::io::Result<(u64, u64)> {
    items.retain(|i| {
        let (lo, hi) = i.corners();
        lo.iter().chain(&hi).all(|v| v.is_finite())
    });
    let size = items.len();
    let cores = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let trees: Vec<RTree<T, Fanout>> = if cores > 1 && size > 200_000 {
        std::thread::scope(|s| {
            let handles: Vec<_> = slabs(items, cores)
                .into_iter()
                .map(|slab| s.spawn(move || RTree::bulk_load_with_params(slab)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("an R-tree builder panicked"))
                .collect()
        })
    } else {
        vec![RTree::bulk_load_with_params(items)]
    };
    let (nodes, leaves) = flatten(&trees);
    let mut w = std::io::BufWriter::with_capacity(1 << 20, w);
    let names: usize = files
        .iter()
        .map(|(p, _)| 10 + p.len().min(u16::MAX as usize))
        .sum();
    let bytes = 32 + names + nodes.len() * NODE_BYTES + size * if points { 24 } else { 40 };
    w.write_all(MAGIC)?;
    w.write_all(&(points as u32).to_le_bytes())?;
    w.write_all(&(files.len() as u32).to_le_bytes())?;
    for (path, rows) in files {
        let b = path.as_bytes();
        w.write_all(&(b.len().min(u16::MAX as usize) as u16).to_le_bytes())?;
        w.write_all(&b[..b.len().min(u16::MAX as usize)])?;
        w.write_all(&rows.to_le_bytes())?;
    }
    w.write_all(&(nodes.len() as u64).to_le_bytes())?;
    w.write_all(&(size as u64).to_le_bytes())?;
    for n in &nodes {
        let mut b = [0u8; NODE_BYTES];
        for (i, v) in n.bbox.iter().enumerate() {
            b[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
        }
        b[32..36].copy_from_slice(&n.first.to_le_bytes());
        b[36..40].copy_from_slice(&n.count.to_le_bytes());
        b[40..44].copy_from_slice(&(n.leafy as u32).to_le_bytes());
        b[48..56].copy_from_slice(&n.below.to_le_bytes());
        w.write_all(&b)?;
    }
    for leaf in leaves {
        for k in leaf.children() {
            let RTreeNode::Leaf(it) = k else {
                unreachable!("a leafy node holds entries only")
            };
            let ((lo, hi), (file, row)) = (it.corners(), it.place());
            let mut b = [0u8; 40];
            b[0..8].copy_from_slice(&lo[0].to_le_bytes());
            b[8..16].copy_from_slice(&lo[1].to_le_bytes());
            let at = if points {
                16
            } else {
                b[16..24].copy_from_slice(&hi[0].to_le_bytes());
                b[24..32].copy_from_slice(&hi[1].to_le_bytes());
                32
            };
            b[at..at + 4].copy_from_slice(&file.to_le_bytes());
            b[at + 4..at + 8].copy_from_slice(&row.to_le_bytes());
            w.write_all(&b[..at + 8])?;
        }
    }
    w.flush()?;
    Ok((size as u64, bytes as u64))
}

/// A node as written.
struct FlatNode {
    bbox: BBox,
    first: u32,
    count: u32,
    leafy: bool,
    below: u64,
}

/// The trees' nodes breadth first (a node's children are contiguous, in nodes or in entries),
/// under one root when there are several trees, and the leafy nodes in the order their entries
/// are laid out.
fn flatten<T: Indexed>(trees: &[RTree<T, Fanout>]) -> (Vec<FlatNode>, Vec<&rstar::ParentNode<T>>) {
    let env = |e: AABB<[f64; 2]>| [e.lower()[0], e.lower()[1], e.upper()[0], e.upper()[1]];
    let node = |bbox, first, count, leafy, below| FlatNode {
        bbox,
        first,
        count,
        leafy,
        below,
    };
    let mut nodes: Vec<FlatNode> = Vec::new();
    let mut leaves = Vec::new();
    let mut queue = std::collections::VecDeque::new();
    let mut parent_of: Vec<usize> = vec![usize::MAX];
    if let [tree] = trees {
        nodes.push(node(env(tree.root().envelope()), 0, 0, false, 0));
        queue.push_back((tree.root(), 0));
    } else {
        let whole = trees
            .iter()
            .map(|t| env(t.root().envelope()))
            .reduce(|a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            })
            .unwrap_or([0.0; 4]);
        nodes.push(node(whole, 1, trees.len() as u32, false, 0));
        for t in trees {
            parent_of.push(0);
            queue.push_back((t.root(), nodes.len()));
            nodes.push(node(env(t.root().envelope()), 0, 0, false, 0));
        }
    }
    let mut entries = 0u32;
    while let Some((p, me)) = queue.pop_front() {
        let kids = p.children();
        if kids.iter().all(|k| matches!(k, RTreeNode::Leaf(_))) {
            let n = &mut nodes[me];
            (n.first, n.count, n.leafy, n.below) =
                (entries, kids.len() as u32, true, kids.len() as u64);
            entries += kids.len() as u32;
            leaves.push(p);
            continue;
        }
        let first = nodes.len() as u32;
        (nodes[me].first, nodes[me].count) = (first, kids.len() as u32);
        for k in kids {
            match k {
                RTreeNode::Parent(c) => {
                    parent_of.push(me);
                    queue.push_back((c, nodes.len()));
                    nodes.push(node(env(c.envelope()), 0, 0, false, 0));
                }
                // rstar keeps every leaf at one depth; a stray leaf would be lost here.
                RTreeNode::Leaf(_) => unreachable!("rstar mixes no leaves with nodes"),
            }
        }
    }
    // Children come after their parents: add each leafy count upwards, last node first.
    for i in (1..nodes.len()).rev() {
        let (n, p) = (nodes[i].below, parent_of[i]);
        nodes[p].below += n;
    }
    (nodes, leaves)
}

/// An index file, read.
pub struct FlatRTree {
    bytes: crate::storage::FileBytes,
    /// How messages name it.
    what: String,
    points: bool,
    /// The data files it covers: path and rows.
    pub files: Vec<(String, u64)>,
    nodes_at: usize,
    nodes: usize,
    entries_at: usize,
    entries: usize,
}

fn f64_at(b: &[u8], at: usize) -> f64 {
    f64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// One node of the tree.
#[derive(Debug, Clone, Copy)]
pub struct Node {
    /// Its box.
    pub bbox: BBox,
    first: usize,
    count: usize,
    leafy: bool,
    /// Entries below it.
    pub below: u64,
}

/// One entry: its box and row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    /// Its box (a point's has min = max).
    pub bbox: BBox,
    /// File ordinal in the version.
    pub file: u32,
    /// Row in that file.
    pub row: u32,
}

impl FlatRTree {
    /// Reads an index file's bytes, checking every size against the length.
    pub fn parse(bytes: impl Into<crate::storage::FileBytes>, what: &str) -> Result<FlatRTree> {
        let bytes = bytes.into();
        let bad = |why: &str| {
            LakeError::Internal(format!(
                "the spatial index {what} is damaged ({why}); drop it with `lake index drop` and create it again"
            ))
        };
        if bytes.len() < 16 || &bytes[..8] != MAGIC {
            return Err(bad("it does not start as an index file"));
        }
        let points = u32_at(&bytes, 8) == 1;
        let nfiles = u32_at(&bytes, 12) as usize;
        let mut at = 16;
        let mut files = Vec::with_capacity(nfiles.min(1 << 16));
        for _ in 0..nfiles {
            let len = bytes
                .get(at..at + 2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)
                .ok_or_else(|| bad("file list cut short"))?;
            let path = bytes
                .get(at + 2..at + 2 + len)
                .and_then(|b| std::str::from_utf8(b).ok())
                .ok_or_else(|| bad("file list cut short"))?;
            at += 2 + len;
            let rows = bytes
                .get(at..at + 8)
                .ok_or_else(|| bad("file list cut short"))?;
            files.push((path.to_string(), u64_at(rows, 0)));
            at += 8;
        }
        if bytes.len() < at + 16 {
            return Err(bad("no counts"));
        }
        let (nodes, entries) = (u64_at(&bytes, at) as usize, u64_at(&bytes, at + 8) as usize);
        let nodes_at = at + 16;
        let entries_at = nodes_at.saturating_add(nodes.saturating_mul(NODE_BYTES));
        let entry_bytes = if points { 24 } else { 40 };
        if nodes == 0
            || entries_at.saturating_add(entries.saturating_mul(entry_bytes)) != bytes.len()
        {
            return Err(bad("its length does not match its counts"));
        }
        // Each node's child range is checked when a search reaches it (`search`), not here:
        // a whole walk would read every node of a mapped file at each open.
        Ok(FlatRTree {
            bytes,
            what: what.to_string(),
            points,
            files,
            nodes_at,
            nodes,
            entries_at,
            entries,
        })
    }

    /// Entries in the index.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// Whether it has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Whether the entries are points.
    pub fn is_points(&self) -> bool {
        self.points
    }

    /// Node `i`.
    pub fn node(&self, i: usize) -> Node {
        let at = self.nodes_at + i * NODE_BYTES;
        let b = &self.bytes;
        Node {
            bbox: [
                f64_at(b, at),
                f64_at(b, at + 8),
                f64_at(b, at + 16),
                f64_at(b, at + 24),
            ],
            first: u32_at(b, at + 32) as usize,
            count: u32_at(b, at + 36) as usize,
            leafy: u32_at(b, at + 40) == 1,
            below: u64_at(b, at + 48),
        }
    }

    /// Entry `i`.
    pub fn entry(&self, i: usize) -> Entry {
        let b = &self.bytes;
        if self.points {
            let at = self.entries_at + i * 24;
            let (x, y) = (f64_at(b, at), f64_at(b, at + 8));
            Entry {
                bbox: [x, y, x, y],
                file: u32_at(b, at + 16),
                row: u32_at(b, at + 20),
            }
        } else {
            let at = self.entries_at + i * 40;
            Entry {
                bbox: [
                    f64_at(b, at),
                    f64_at(b, at + 8),
                    f64_at(b, at + 16),
                    f64_at(b, at + 24),
                ],
                file: u32_at(b, at + 32),
                row: u32_at(b, at + 36),
            }
        }
    }

    /// The entries below `n` (the tree keeps them together: every leaf of a subtree is at one
    /// depth, and entries are laid out breadth first), for a node wholly inside a box.
    pub fn entries_below(&self, n: &Node) -> Result<std::ops::Range<usize>> {
        let damaged = || {
            LakeError::Internal(format!(
                "the spatial index {} is damaged (a node points outside the file); drop it \
                 with `lake index drop` and create it again",
                self.what
            ))
        };
        let mut m = *n;
        while !m.leafy {
            if m.count == 0 || m.first >= self.nodes {
                return if m.below == 0 {
                    Ok(0..0)
                } else {
                    Err(damaged())
                };
            }
            let next = self.node(m.first);
            // Children come after their parents, so each step goes deeper or stops.
            if next.below > m.below || (!next.leafy && next.first <= m.first) {
                return Err(damaged());
            }
            m = next;
        }
        let end = m.first.saturating_add(n.below as usize);
        if end > self.entries {
            return Err(damaged());
        }
        Ok(m.first..end)
    }

    /// Visits the entries whose box meets `q`; `whole` is offered each node wholly inside `q`
    /// first, and when it returns true that node's entries are not visited one by one.
    pub fn search(
        &self,
        q: &BBox,
        whole: &mut dyn FnMut(&Node) -> bool,
        each: &mut dyn FnMut(Entry),
    ) -> Result<()> {
        if self.entries == 0 {
            return Ok(());
        }
        let mut stack = vec![0usize];
        while let Some(i) = stack.pop() {
            let n = self.node(i);
            // Every child range must lie inside the arrays, and children after their parent,
            // so a search never reads past them nor loops.
            let end = n.first.saturating_add(n.count);
            if (n.leafy && end > self.entries)
                || (!n.leafy && (end > self.nodes || (n.count > 0 && n.first <= i)))
            {
                return Err(LakeError::Internal(format!(
                    "the spatial index {} is damaged (a node points outside the file); drop it \
                     with `lake index drop` and create it again",
                    self.what
                )));
            }
            if !overlaps(&n.bbox, q) {
                continue;
            }
            if inside(&n.bbox, q) && whole(&n) {
                continue;
            }
            if n.leafy {
                for e in n.first..end {
                    let e = self.entry(e);
                    if overlaps(&e.bbox, q) {
                        each(e);
                    }
                }
            } else {
                stack.extend(n.first..end);
            }
        }
        Ok(())
    }

    /// How many entries meet `q`.
    pub fn count(&self, q: &BBox) -> Result<u64> {
        let whole = std::cell::Cell::new(0u64);
        let mut one = 0u64;
        self.search(
            q,
            &mut |node| {
                whole.set(whole.get() + node.below);
                true
            },
            &mut |_| one += 1,
        )?;
        Ok(whole.get() + one)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: &mut u64) -> f64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn searches_find_exactly_what_a_scan_finds() {
        let mut seed = 7;
        let pts: Vec<Item> = (0..300_000)
            .map(|i| {
                let (x, y) = (
                    lcg(&mut seed) * 360.0 - 180.0,
                    lcg(&mut seed) * 170.0 - 85.0,
                );
                Item {
                    lo: [x, y],
                    hi: [x, y],
                    file: (i % 3) as u32,
                    row: i as u32,
                }
            })
            .collect();
        let files = vec![
            ("a".to_string(), 1),
            ("b".to_string(), 2),
            ("c".to_string(), 3),
        ];
        let items: Vec<PointItem> = pts
            .iter()
            .map(|p| PointItem {
                xy: p.lo,
                file: p.file,
                row: p.row,
            })
            .collect();
        let t = FlatRTree::parse(build(items, &files, true).0, "test").unwrap();
        assert_eq!(t.len(), 300_000);
        assert_eq!(t.files, files);
        for _ in 0..50 {
            let (x, y) = (
                lcg(&mut seed) * 300.0 - 180.0,
                lcg(&mut seed) * 150.0 - 85.0,
            );
            let q = [x, y, x + lcg(&mut seed) * 60.0, y + lcg(&mut seed) * 30.0];
            let mut want: Vec<u32> = pts
                .iter()
                .filter(|p| overlaps(&[p.lo[0], p.lo[1], p.hi[0], p.hi[1]], &q))
                .map(|p| p.row)
                .collect();
            let mut got = Vec::new();
            t.search(&q, &mut |_| false, &mut |e| got.push(e.row))
                .unwrap();
            want.sort();
            got.sort();
            assert_eq!(got, want);
            assert_eq!(t.count(&q).unwrap(), want.len() as u64);
        }
    }

    #[test]
    fn boxes_empty_trees_and_damage() {
        let items = vec![
            Item {
                lo: [0., 0.],
                hi: [2., 2.],
                file: 0,
                row: 0,
            },
            Item {
                lo: [5., 5.],
                hi: [6., 7.],
                file: 0,
                row: 1,
            },
            Item {
                lo: [f64::NAN, 0.],
                hi: [1., 1.],
                file: 0,
                row: 2,
            },
        ];
        let (bytes, n) = build(items, &[("f".into(), 3)], false);
        assert_eq!(n, 2);
        let t = FlatRTree::parse(bytes.clone(), "t").unwrap();
        assert_eq!(t.len(), 2, "the NaN box is left out");
        assert_eq!(t.count(&[1., 1., 5.5, 5.5]).unwrap(), 2);
        assert_eq!(t.count(&[3., 3., 4., 4.]).unwrap(), 0);
        let empty = FlatRTree::parse(build(Vec::<PointItem>::new(), &[], true).0, "e").unwrap();
        assert_eq!(empty.count(&[-1e9, -1e9, 1e9, 1e9]).unwrap(), 0);
        for cut in [0, 10, bytes.len() - 1] {
            let e = FlatRTree::parse(bytes[..cut].to_vec(), "x.rtree")
                .err()
                .unwrap();
            assert!(e.to_string().contains("x.rtree is damaged"), "{e}");
        }
        // A root whose children lie past the nodes: found by the search, which stops.
        let mut bad = bytes.clone();
        let root = t.nodes_at;
        bad[root + 32..root + 36].copy_from_slice(&1000u32.to_le_bytes());
        let d = FlatRTree::parse(bad, "y.rtree").unwrap();
        let e = d.count(&[-1e9, -1e9, 1e9, 1e9]).unwrap_err();
        assert!(e.to_string().contains("y.rtree is damaged"), "{e}");
    }
}
