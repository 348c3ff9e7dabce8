#![cfg(test)]
//! The lake's own build and search of a graph in USearch's saved form: it finds what a
//! brute-force scan finds, gives each key's vector, agrees with USearch's own reader and search
//! of the same bytes, and damaged bytes are an error, never a read outside the file.

use std::sync::Arc;

use super::backends;
use super::graph::GraphView;
use super::index::{BackendKind, Checked, Metric, VectorIndex, VectorIndexFile};
use super::index_tests::clustered;
use crate::storage::FileBytes;

/// An index file of `flat` in USearch's form, built, written and mapped as the lake does; with
/// the offset of USearch's own bytes in it.
fn mapped(metric: Metric, dim: usize, flat: &[f32]) -> (VectorIndexFile, Arc<FileBytes>, usize) {
    let n = flat.len() / dim;
    let f = VectorIndexFile {
        metric,
        dim,
        files: vec![("data/v/part-0.parquet".into(), n as u64)],
        entries: (0..n as u32).map(|r| (0, r)).collect(),
        index: backends::build(BackendKind::USearch, metric, dim, flat.to_vec()).unwrap(),
        checked: Checked::known("", true),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.vidx");
    let mut out = std::fs::File::create_new(&path).unwrap();
    f.write_file(&mut out).unwrap();
    drop(out);
    // SAFETY: a private file of this test, never changed while mapped.
    let map = unsafe { memmap2::Mmap::map(&std::fs::File::open(&path).unwrap()).unwrap() };
    let own = (8 + 16 + 2 + 21 + 8 + 8 + 8 + 8 * n).next_multiple_of(64);
    (f, Arc::new(FileBytes::Mapped(map)), own)
}

fn brute(metric: Metric, flat: &[f32], dim: usize, q: &[f32], k: usize) -> Vec<u32> {
    let exact = backends::build(BackendKind::Exact, metric, dim, flat.to_vec()).unwrap();
    let found = exact.search(q, k, k).unwrap();
    found.into_iter().map(|(e, _)| e).collect()
}

#[test]
fn the_lakes_search_of_a_saved_graph_finds_the_nearest_by_every_metric() {
    let (n, dim) = (6000, 24);
    let flat = clustered(n, dim, 11);
    for metric in Metric::ALL {
        let (built, bytes, own) = mapped(metric, dim, &flat);
        let g = GraphView::open(&bytes, own, metric, dim, n, "g.vidx")
            .unwrap()
            .expect("a graph the lake reads");
        // USearch's own reader and search, of the graph the lake built in its form.
        let usearch = backends::read(
            BackendKind::USearch,
            metric,
            dim,
            n,
            &bytes[own..],
            None,
            "g.vidx",
            false,
        )
        .unwrap()
        .expect("a graph USearch reads");
        let (mut hits, mut same, mut portable) = (0, 0, 0);
        for i in 0..100 {
            let q = &flat[(i * 53 % n) * dim..][..dim];
            let got = g.search(q, 10, 64).unwrap();
            let keys: Vec<u32> = got.iter().map(|x| x.0).collect();
            let want = brute(metric, &flat, dim, q, 10);
            hits += keys.iter().filter(|k| want.contains(k)).count();
            // USearch's own search of the same graph, by its own distances.
            let theirs = usearch.search(q, 10, 64).unwrap();
            // The portable sums (what a processor without AVX-512 or AVX2 runs) find the same.
            let plain = g.search_portable(q, 10, 64).unwrap();
            portable += keys
                .iter()
                .filter(|k| plain.iter().any(|p| p.0 == **k))
                .count();
            same += keys
                .iter()
                .filter(|k| theirs.iter().any(|t| t.0 == **k))
                .count();
            for (e, d) in &got {
                if let Some(t) = theirs.iter().find(|t| t.0 == *e) {
                    assert!((d - t.1).abs() < 1e-4, "{metric:?}: {d} against {}", t.1);
                }
            }
            assert!(got.windows(2).all(|w| w[0].1 <= w[1].1), "{metric:?}");
        }
        assert!(hits >= 950, "{metric:?}: recall {hits}/1000");
        assert!(same >= 980, "{metric:?}: {same}/1000 of USearch's own");
        assert!(
            portable >= 990,
            "{metric:?}: {portable}/1000 of the portable search's"
        );
        // Each key's vector: by the slots written after the graph, and (a file written before
        // them) by its nodes.
        let before = changed(&bytes, |b| b.truncate(b.len() - 4 * n));
        let old = GraphView::open(&before, own, metric, dim, n, "g.vidx")
            .unwrap()
            .unwrap();
        let mut v = Vec::new();
        for e in [0u32, 1, 2999, 5999] {
            g.vector(e, &mut v);
            assert_eq!(v, flat[e as usize * dim..][..dim], "{metric:?} entry {e}");
            old.vector(e, &mut v);
            assert_eq!(v, flat[e as usize * dim..][..dim], "{metric:?} entry {e}");
        }
        assert_eq!(old.byte_len() + 4 * n, g.byte_len());
        // Wider than it holds, and k larger than ef: every entry at most once.
        let all = g.search(&flat[..dim], n + 5, 8).unwrap();
        assert!(all.len() <= n && all.len() >= 8);
        let mut keys: Vec<u32> = all.iter().map(|x| x.0).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), all.len());
        // A query of another size finds nothing rather than comparing parts.
        assert!(g.search(&flat[..dim - 1], 10, 64).unwrap().is_empty());
        // What it writes back is USearch's bytes as saved.
        let mut again = vec![0u8; g.byte_len()];
        g.fill(&mut again).unwrap();
        assert_eq!(again.len(), built.index.byte_len());
        assert!(again == bytes[own..own + again.len()]);
    }
}

/// `bytes` with `f` applied to a copy, in memory.
fn changed(bytes: &[u8], f: impl FnOnce(&mut Vec<u8>)) -> Arc<FileBytes> {
    let mut copy = bytes.to_vec();
    f(&mut copy);
    Arc::new(FileBytes::Owned(copy))
}

#[test]
fn damaged_graph_bytes_are_an_error_never_a_read_outside_the_file() {
    let (n, dim) = (3000, 8);
    let flat = clustered(n, dim, 5);
    let (_, bytes, own) = mapped(Metric::L2, dim, &flat);
    let open = |b: &Arc<FileBytes>| GraphView::open(b, own, Metric::L2, dim, n, "g.vidx");
    let graph = own + 8 + n * dim * 4 + 64;
    let levels = graph + 40;
    let nodes = levels + 2 * n;
    let err = |b: Arc<FileBytes>| open(&b).err().unwrap_or_else(|| panic!("opened"));
    // Cut short, a level out of range, a header that is not USearch's, another metric.
    assert!(err(changed(&bytes, |b| b.truncate(nodes + 100))).contains("ends early"));
    assert!(err(changed(&bytes, |b| b[levels..levels + 2]
        .copy_from_slice(&99i16.to_le_bytes())))
    .contains("level is out of range"));
    assert!(err(changed(&bytes, |b| b[graph - 64] = b'x')).contains("not one USearch saved"));
    assert!(GraphView::open(&bytes, own, Metric::Cosine, dim, n, "g.vidx").is_err());
    assert!(GraphView::open(&bytes, own, Metric::L2, dim, n + 1, "g.vidx").is_err());
    // Each node's first neighbour at level 0 pointed past the end: a search fails, it does not
    // read there.
    let node_at = |b: &[u8]| -> Vec<usize> {
        let (conn, base) = (b[graph + 8] as usize, b[graph + 16] as usize);
        let mut at = nodes;
        (0..n)
            .map(|i| {
                let l = i16::from_le_bytes([b[levels + 2 * i], b[levels + 2 * i + 1]]) as usize;
                let here = at;
                at += 10 + 4 + 4 * base + l * (4 + 4 * conn);
                here
            })
            .collect()
    };
    let starts = node_at(&bytes);
    let g = open(&changed(&bytes, |b| {
        for &at in &starts {
            b[at + 14..at + 18].copy_from_slice(&u32::MAX.to_le_bytes());
        }
    }))
    .unwrap()
    .unwrap();
    let e = g.search(&flat[..dim], 10, 32).unwrap_err().to_string();
    assert!(
        e.contains("g.vidx is damaged (its graph links to a node it does not hold)")
            && e.contains("lake index drop"),
        "{e}"
    );
    // Counts larger than a node's room are held to the room.
    let g = open(&changed(&bytes, |b| {
        for &at in &starts {
            b[at + 10..at + 14].copy_from_slice(&u32::MAX.to_le_bytes());
        }
    }))
    .unwrap()
    .unwrap();
    // (The room past a node's true count may hold any slot: found, or an error.)
    match g.search(&flat[..dim], 10, 32) {
        Ok(found) => assert!(found.len() <= 10),
        Err(e) => assert!(e.to_string().contains("lake index drop"), "{e}"),
    }
}

#[test]
fn a_mapped_file_whose_vectors_changed_fails_its_first_query_not_its_open() {
    let (n, dim) = (3000, 8);
    let flat = clustered(n, dim, 6);
    let (built, bytes, own) = mapped(Metric::L2, dim, &flat);
    let mut whole = Vec::new();
    built.write(&mut whole).unwrap();
    assert!(whole == bytes[..]);
    whole[own + 8 + 100 * dim * 4] ^= 0x10;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.vidx");
    std::fs::write(&path, &whole).unwrap();
    // SAFETY: a private file of this test.
    let map = unsafe { memmap2::Mmap::map(&std::fs::File::open(&path).unwrap()).unwrap() };
    let f = VectorIndexFile::parse_mapped(FileBytes::Mapped(map), "x.vidx", backends::read)
        .expect("the checksum is summed beside the first query");
    let e = f.checked.wait().unwrap_err().to_string();
    assert!(
        e.contains("x.vidx is damaged (its checksum does not match)"),
        "{e}"
    );
    assert!(e.contains("lake index drop"), "{e}");
    // Asked again, the same answer, without summing again.
    assert!(f.checked.wait().is_err());
    // The file unchanged: the first query waits for a match.
    let ok =
        VectorIndexFile::parse_mapped(FileBytes::Owned(bytes.to_vec()), "ok.vidx", backends::read)
            .unwrap();
    ok.checked.wait().unwrap();
    // Readers that do not check their reads (an exact index, instant-distance, USearch's own)
    // get no byte before the checksum matched: opening such a file fails at once.
    for kind in [BackendKind::Exact, BackendKind::InstantDistance] {
        let f = VectorIndexFile {
            metric: Metric::L2,
            dim,
            files: vec![("data/v/part-0.parquet".into(), n as u64)],
            entries: (0..n as u32).map(|r| (0, r)).collect(),
            index: backends::build(kind, Metric::L2, dim, flat.clone()).unwrap(),
            checked: Checked::known("", true),
        };
        let mut whole = Vec::new();
        f.write(&mut whole).unwrap();
        let at = whole.len() - 5;
        whole[at] ^= 0x08;
        let path = dir.path().join(format!("{}.vidx", kind.name()));
        std::fs::write(&path, &whole).unwrap();
        // SAFETY: a private file of this test.
        let map = unsafe { memmap2::Mmap::map(&std::fs::File::open(&path).unwrap()).unwrap() };
        let e = VectorIndexFile::parse_mapped(FileBytes::Mapped(map), "y.vidx", backends::read)
            .err()
            .unwrap_or_else(|| panic!("{kind:?} opened"))
            .to_string();
        assert!(
            e.contains("y.vidx is damaged (its checksum does not match)"),
            "{kind:?}: {e}"
        );
    }
}
