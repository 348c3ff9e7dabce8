#![cfg(test)]
//! Vector index files and backends: what is written is read back, damage is an error, exact is
//! exact, and the HNSW backends find the nearest on clustered data.

use super::backends;
use super::index::{BackendKind, Metric, VectorIndexFile};

/// `n` vectors of `dim` numbers around 50 centres (a fixed seed), end to end.
pub fn clustered(n: usize, dim: usize, seed: u64) -> Vec<f32> {
    let mut s = seed;
    let mut rnd = move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64 / (1u64 << 53) as f64) as f32
    };
    let centres: Vec<f32> = (0..50 * dim).map(|_| rnd() * 2.0 - 1.0).collect();
    let mut out = Vec::with_capacity(n * dim);
    for i in 0..n {
        let c = &centres[(i % 50) * dim..(i % 50 + 1) * dim];
        out.extend(c.iter().map(|x| x + (rnd() - 0.5) * 0.4));
    }
    out
}

fn brute(metric: Metric, flat: &[f32], dim: usize, q: &[f32], k: usize) -> Vec<u32> {
    let exact = backends::build(BackendKind::Exact, metric, dim, flat.to_vec()).unwrap();
    exact
        .search(q, k, k)
        .unwrap()
        .into_iter()
        .map(|(e, _)| e)
        .collect()
}

fn file(kind: BackendKind, metric: Metric, dim: usize, flat: &[f32]) -> VectorIndexFile {
    let n = flat.len() / dim;
    VectorIndexFile {
        metric,
        dim,
        files: vec![("data/v/part-0.parquet".into(), n as u64)],
        entries: (0..n as u32).map(|r| (0, r)).collect(),
        index: backends::build(kind, metric, dim, flat.to_vec()).unwrap(),
        checked: super::index::Checked::known("", true),
    }
}

#[test]
fn every_backend_reads_back_what_it_wrote_and_finds_the_same_nearest() {
    let dim = 12;
    let flat = clustered(3000, dim, 3);
    for metric in Metric::ALL {
        for kind in BackendKind::ALL {
            let f = file(kind, metric, dim, &flat);
            let mut bytes = Vec::new();
            let (entries, size) = f.write(&mut bytes).unwrap();
            assert_eq!((entries, size), (3000, bytes.len() as u64));
            let back = VectorIndexFile::parse(&bytes, "t.vidx", backends::read).unwrap();
            assert_eq!((back.metric, back.dim), (metric, dim));
            assert_eq!(back.index.backend(), kind);
            assert_eq!(back.entries, f.entries);
            let mut v = Vec::new();
            back.index.vector(1234, &mut v);
            assert_eq!(v, flat[1234 * dim..1235 * dim], "{kind:?} {metric:?}");
            // The first nearest of a stored vector is itself, by every backend (by the inner
            // product, a longer vector may rank above it).
            let q = &flat[77 * dim..78 * dim];
            let found = back.index.search(q, 5, 64).unwrap();
            if metric != Metric::InnerProduct {
                assert_eq!(found[0].0, 77, "{kind:?} {metric:?}: {found:?}");
            }
            if kind == BackendKind::Exact {
                let got: Vec<u32> = found.iter().map(|(e, _)| *e).collect();
                assert_eq!(got, brute(metric, &flat, dim, q, 5));
            }
        }
    }
}

#[test]
fn a_damaged_or_foreign_file_is_an_error_that_says_what_to_do() {
    let dim = 4;
    let flat = clustered(100, dim, 5);
    for kind in BackendKind::ALL {
        let mut bytes = Vec::new();
        file(kind, Metric::L2, dim, &flat)
            .write(&mut bytes)
            .unwrap();
        let last = bytes.len() - 3;
        bytes[last] ^= 0x55;
        let e = VectorIndexFile::parse(&bytes, "x.vidx", backends::read)
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("x.vidx is damaged") && e.contains("lake index drop"),
            "{e}"
        );
        bytes.truncate(40);
        assert!(VectorIndexFile::parse(&bytes, "x.vidx", backends::read).is_err());
    }
    let e = VectorIndexFile::parse(b"PAR1 not an index at all", "y.vidx", backends::read)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("does not start as a vector index"), "{e}");
}

#[test]
fn usearch_finds_the_ten_nearest_with_high_recall_on_clustered_data() {
    let (n, dim) = (20_000, 32);
    let flat = clustered(n, dim, 11);
    for metric in [Metric::Cosine, Metric::L2] {
        let index = backends::build(BackendKind::USearch, metric, dim, flat.clone()).unwrap();
        let (mut hits, mut total) = (0, 0);
        for qi in (0..n).step_by(400) {
            // A query near a stored vector, not on it.
            let q: Vec<f32> = flat[qi * dim..(qi + 1) * dim]
                .iter()
                .map(|x| x + 0.01)
                .collect();
            let want = brute(metric, &flat, dim, &q, 10);
            let got: Vec<u32> = index
                .search(&q, 10, 64)
                .unwrap()
                .into_iter()
                .map(|(e, _)| e)
                .collect();
            hits += want.iter().filter(|w| got.contains(w)).count();
            total += 10;
        }
        let recall = hits as f64 / total as f64;
        assert!(recall >= 0.95, "{metric:?}: recall {recall}");
    }
}

#[test]
fn metrics_and_backends_are_named_as_users_write_them() {
    assert_eq!(Metric::parse("COSINE").unwrap(), Metric::Cosine);
    assert_eq!(Metric::parse("euclidean").unwrap(), Metric::L2);
    assert_eq!(Metric::parse("dot").unwrap().kind(), "hnsw-ip");
    assert!(Metric::parse("manhattan")
        .unwrap_err()
        .to_string()
        .contains("cosine, l2 or ip"));
    assert_eq!(
        BackendKind::parse("instant-distance").unwrap(),
        BackendKind::InstantDistance
    );
    assert_eq!(backends::choose(100), BackendKind::Exact);
    assert_eq!(backends::choose(1_000_000), BackendKind::USearch);
}

/// A file as the first layout (`DPLKVX01`) wrote it: no padding before the backend's bytes.
fn first_layout(f: &VectorIndexFile) -> Vec<u8> {
    let mut v2 = Vec::new();
    f.write(&mut v2).unwrap();
    let sum_at = 8 + 16 + f.files.iter().map(|(p, _)| 2 + p.len() + 8).sum::<usize>() + 8;
    let entries_end = sum_at + 8 + f.entries.len() * 8;
    let own = entries_end.next_multiple_of(64);
    let mut v1 = v2[..entries_end].to_vec();
    v1.extend_from_slice(&v2[own..]);
    v1[..8].copy_from_slice(b"DPLKVX01");
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&v1[..sum_at]);
    h.update(&v1[sum_at + 8..]);
    v1[sum_at..sum_at + 8].copy_from_slice(&h.digest().to_le_bytes());
    v1
}

#[test]
fn a_mapped_file_is_searched_where_it_lies_and_old_files_are_still_read() {
    let dim = 16;
    let flat = clustered(2000, dim, 9);
    let dir = tempfile::tempdir().unwrap();
    for kind in BackendKind::ALL {
        let f = file(kind, Metric::Cosine, dim, &flat);
        // Written through a mapping, as the lake writes it: the same bytes as in memory.
        let path = dir.path().join(format!("{}.vidx", kind.name()));
        let mut out = std::fs::File::create_new(&path).unwrap();
        let (_, size) = f.write_file(&mut out).unwrap();
        drop(out);
        let on_disk = std::fs::read(&path).unwrap();
        let mut in_memory = Vec::new();
        f.write(&mut in_memory).unwrap();
        assert_eq!(on_disk.len() as u64, size);
        assert!(on_disk == in_memory, "{kind:?}");
        let map = unsafe { memmap2::Mmap::map(&std::fs::File::open(&path).unwrap()).unwrap() };
        let mapped = VectorIndexFile::parse_mapped(
            crate::storage::FileBytes::Mapped(map),
            "m.vidx",
            backends::read,
        )
        .unwrap();
        let copied = VectorIndexFile::parse(&on_disk, "c.vidx", backends::read).unwrap();
        let old = VectorIndexFile::parse(&first_layout(&f), "o.vidx", backends::read).unwrap();
        // A mapped graph is never changed in place.
        if kind == BackendKind::USearch {
            assert!(!mapped.index.append(2000, &flat[..dim]).unwrap());
        }
        // Many searches at once on the mapped file give what the copies give.
        let mapped = std::sync::Arc::new(mapped);
        let handles: Vec<_> = (0..16)
            .map(|t| {
                let (m, flat) = (mapped.clone(), flat.clone());
                std::thread::spawn(move || {
                    (0..20)
                        .map(|i| {
                            let q = &flat[(t * 97 + i * 13) * dim..][..dim];
                            m.index.search(q, 10, 64).unwrap()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for (t, h) in handles.into_iter().enumerate() {
            for (i, got) in h.join().unwrap().into_iter().enumerate() {
                let q = &flat[(t * 97 + i * 13) * dim..][..dim];
                // The same rows by the same distances (the lake's search of a mapped graph
                // sums in another order than USearch's of a copied one).
                for other in [&copied, &old] {
                    let want = other.index.search(q, 10, 64).unwrap();
                    let same = got
                        .iter()
                        .filter(|g| want.iter().any(|w| w.0 == g.0))
                        .count();
                    assert!(same >= 9, "{kind:?}: {got:?} against {want:?}");
                    for (g, w) in got.iter().zip(&want).filter(|(g, w)| g.0 == w.0) {
                        assert!((g.1 - w.1).abs() < 1e-5, "{kind:?}: {g:?} {w:?}");
                    }
                }
            }
        }
        let mut v = Vec::new();
        mapped.index.vector(1234, &mut v);
        assert_eq!(v, flat[1234 * dim..1235 * dim]);
    }
}
