#![cfg(test)]
//! Top-k searches through a vector index (`vector_search`): the same rows and distances as a
//! scan, k rows under a selective filter, the plan's `VectorSearch`, and an index that belongs
//! to its version.

use polars::prelude::*;

use crate::ingest::{import_paths, CancelToken, ImportOptions, Mode, NoProgress};
use crate::query::{explain_query, run_query, QueryOptions};
use crate::vector::index_tests::clustered;
use crate::vector::{lake_index, BackendKind, Metric};
use crate::Lake;

const DIM: usize = 16;

struct Plan {
    text: String,
}

fn explain(lake: &Lake, sql: &str) -> crate::Result<Plan> {
    explain_query(lake, sql, false, &QueryOptions::default()).map(|p| Plan { text: p.to_text() })
}

/// Imports `n` clustered vectors as dataset `vecs` (id, grp = id % 100, emb FLOAT[16]), from
/// ids `first` on.
fn import(lake: &Lake, dir: &std::path::Path, first: usize, n: usize, mode: Mode) {
    // Rows `first..first + n` of one stream: an append brings more rows around the same
    // centres, as more of the same data would.
    let flat = clustered(first + n, DIM, 1)[first * DIM..].to_vec();
    let ids: Vec<i64> = (first..first + n).map(|i| i as i64).collect();
    let grp: Vec<i64> = ids.iter().map(|i| i % 100).collect();
    let emb = Series::new("emb".into(), flat)
        .reshape_array(&[
            ReshapeDimension::Infer,
            ReshapeDimension::new_dimension(DIM as u64),
        ])
        .unwrap();
    let mut df = DataFrame::new(
        n,
        vec![
            Column::new("id".into(), ids),
            Column::new("grp".into(), grp),
            emb.into_column(),
        ],
    )
    .unwrap();
    let p = dir.join(format!("vecs-{first}.parquet"));
    ParquetWriter::new(std::fs::File::create(&p).unwrap())
        .finish(&mut df)
        .unwrap();
    let opts = ImportOptions {
        name: Some("vecs".into()),
        mode,
        ..Default::default()
    };
    let r = import_paths(lake, &[p], &opts, &NoProgress, &CancelToken::new()).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

fn query_vector(seed: u64) -> String {
    let v = clustered(1, DIM, seed);
    let parts: Vec<String> = v.iter().map(|x| format!("{x}")).collect();
    format!("[{}]", parts.join(", "))
}

fn ids_and_distances(lake: &Lake, sql: &str) -> Vec<(i64, f64)> {
    let out = run_query(lake, sql, &QueryOptions::default()).unwrap();
    let ids = out.frame.column("id").unwrap().i64().unwrap().clone();
    let d = out
        .frame
        .column("d")
        .unwrap()
        .cast(&DataType::Float64)
        .unwrap();
    let d = d.f64().unwrap().clone();
    ids.into_no_null_iter().zip(d.into_no_null_iter()).collect()
}

fn build(lake: &Lake, metric: Metric, backend: Option<BackendKind>) -> lake_index::Built {
    let lock = lake.try_write_lock().unwrap();
    lake_index::create(lake, &lock, "vecs", "EMB", metric, backend).unwrap()
}

#[test]
fn an_exact_index_gives_the_scans_rows_and_distances_and_the_plan_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    import(&lake, dir.path(), 0, 3000, Mode::Replace);
    let q = query_vector(99);
    let cases = [
        (Metric::Cosine, format!("SELECT id, array_cosine_distance(emb, {q}) AS d FROM vecs ORDER BY d LIMIT 7")),
        (Metric::L2, format!("SELECT v.id, array_distance(v.emb, {q}::FLOAT[16]) AS d FROM vecs v ORDER BY array_distance(v.emb, {q}::FLOAT[16]) LIMIT 5 OFFSET 2")),
        (Metric::InnerProduct, format!("SELECT id, array_inner_product({q}, emb) AS d FROM vecs ORDER BY d DESC LIMIT 4")),
    ];
    for (metric, sql) in &cases {
        let scan = ids_and_distances(&lake, sql);
        let b = build(&lake, *metric, None);
        assert_eq!(
            b.backend,
            BackendKind::Exact,
            "3000 vectors are compared exactly"
        );
        assert_eq!(b.info.kind, metric.kind());
        assert_eq!(ids_and_distances(&lake, sql), scan, "{sql}");
        let plan = explain(&lake, sql).unwrap().text;
        assert!(plan.contains("VectorSearch"), "{plan}");
        assert!(plan.contains("backend=exact"), "{plan}");
    }
    // Another row's vector, by a subquery: the same rows as the scan, from the index.
    let like = "SELECT id, array_cosine_distance(emb, (SELECT emb FROM vecs WHERE id = 17)) AS d \
                FROM vecs ORDER BY d LIMIT 4";
    let rows = ids_and_distances(&lake, like);
    assert_eq!(rows[0], (17, 0.0), "{rows:?}");
    // FLOAT, as without the index: the vector is written back as the f32s it is.
    let out = run_query(&lake, like, &QueryOptions::default()).unwrap();
    assert_eq!(out.frame.column("d").unwrap().dtype(), &DataType::Float32);
    assert!(explain(&lake, like).unwrap().text.contains("VectorSearch"));
    assert_eq!(ids_and_distances(&lake, like), {
        let lock = lake.try_write_lock().unwrap();
        lake_index::drop(&lake, &lock, "vecs", "emb").unwrap();
        drop(lock);
        ids_and_distances(&lake, like)
    });
    // A vector of the wrong size is the function's own error, index or not.
    build(&lake, Metric::Cosine, None);
    let e = run_query(
        &lake,
        "SELECT id FROM vecs ORDER BY array_cosine_distance(emb, [1.0, 2.0]) LIMIT 3",
        &QueryOptions::default(),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(e.contains("16") && e.contains('2'), "{e}");
    // Shapes the index does not answer still run, over every row.
    let other = format!(
        "SELECT grp, min(array_distance(emb, {q})) AS d FROM vecs GROUP BY grp ORDER BY d LIMIT 3"
    );
    assert!(!explain(&lake, &other)
        .unwrap()
        .text
        .contains("VectorSearch"));
    assert_eq!(
        run_query(&lake, &other, &QueryOptions::default())
            .unwrap()
            .frame
            .height(),
        3
    );
    // The wrong direction asks for the farthest: not from the index.
    let far = format!(
        "SELECT id, array_cosine_distance(emb, {q}) AS d FROM vecs ORDER BY d DESC LIMIT 3"
    );
    assert!(!explain(&lake, &far).unwrap().text.contains("VectorSearch"));
}

#[test]
fn an_hnsw_index_finds_the_nearest_and_a_selective_filter_still_gets_k_rows() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    import(&lake, dir.path(), 0, 30_000, Mode::Replace);
    let q = query_vector(7);
    let top = format!(
        "SELECT id, grp, array_cosine_distance(emb, {q}) AS d FROM vecs ORDER BY d LIMIT 10"
    );
    // 1% of rows pass (grp = 42), and 0.5% (two ids in a range).
    let filtered = format!("SELECT id, grp, array_cosine_distance(emb, {q}) AS d FROM vecs WHERE grp = 42 ORDER BY d LIMIT 10");
    let scan_top = ids_and_distances(&lake, &top);
    let scan_filtered = ids_and_distances(&lake, &filtered);
    let b = build(&lake, Metric::Cosine, None);
    assert_eq!(b.backend, BackendKind::USearch);
    // A rebuild that is cancelled leaves the index there was.
    let cancel = crate::cancel::CancelToken::new();
    cancel.cancel();
    let lock = lake.try_write_lock().unwrap();
    let of = ("vecs", "EMB");
    let e = lake_index::create_watched(&lake, &lock, of, Metric::Cosine, None, &|_, _| {}, &cancel)
        .err()
        .unwrap();
    assert_eq!(e.code(), crate::error::ErrorCode::Cancelled);
    assert!(
        e.to_string()
            .contains("was cancelled; the lake is unchanged"),
        "{e}"
    );
    drop(lock);
    assert_eq!(lake.catalog().indexes(Some("vecs")).unwrap().len(), 1);
    assert!(dir.path().join("lake").join(&b.info.path).exists());
    let got = ids_and_distances(&lake, &top);
    let hits = got.iter().filter(|g| scan_top.contains(g)).count();
    assert!(hits >= 9, "recall {hits}/10: {got:?} against {scan_top:?}");
    // Distances are the function's own, and in order.
    assert!(got.windows(2).all(|w| w[0].1 <= w[1].1));
    let plan = explain(&lake, &top).unwrap().text;
    assert!(
        plan.contains("VectorSearch") && plan.contains("backend=usearch"),
        "{plan}"
    );
    assert!(plan.contains("candidates=30/30000"), "{plan}");

    // A filter that 1% pass is answered exactly from the index's vectors.
    assert_eq!(ids_and_distances(&lake, &filtered), scan_filtered);
    let plan = explain(&lake, &filtered).unwrap().text;
    assert!(plan.contains("300 rows passed the WHERE clause"), "{plan}");
    // One no row passes: no rows, no error.
    let none = format!("SELECT id, array_cosine_distance(emb, {q}) AS d FROM vecs WHERE grp > 1000 ORDER BY d LIMIT 10");
    assert!(ids_and_distances(&lake, &none).is_empty());
    // `SELECT *` gives every column, the vectors exact.
    let star = format!("SELECT * FROM vecs ORDER BY array_cosine_distance(emb, {q}) LIMIT 3");
    let out = run_query(&lake, &star, &QueryOptions::default()).unwrap();
    assert_eq!(out.frame.get_column_names(), ["id", "grp", "emb"]);
    let first = out
        .frame
        .column("id")
        .unwrap()
        .i64()
        .unwrap()
        .get(0)
        .unwrap() as usize;
    let emb = out
        .frame
        .column("emb")
        .unwrap()
        .array()
        .unwrap()
        .get_as_series(0)
        .unwrap();
    let want = &clustered(30_000, DIM, 1)[first * DIM..(first + 1) * DIM];
    assert_eq!(
        emb.f32().unwrap().into_no_null_iter().collect::<Vec<_>>(),
        want
    );
}

#[test]
fn an_index_belongs_to_its_version_and_is_dropped_with_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    import(&lake, dir.path(), 0, 500, Mode::Replace);
    let q = query_vector(3);
    let sql = format!("SELECT id, array_distance(emb, {q}) AS d FROM vecs ORDER BY d LIMIT 5");
    let b = build(&lake, Metric::L2, None);
    let file = dir.path().join("lake").join(&b.info.path);
    assert!(file.exists());
    let listed = lake.catalog().indexes(Some("vecs")).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].column.as_str(), listed[0].entries), ("emb", 500));
    // Reopened, the lake reads the file, and never builds again.
    let lake = Lake::open(&dir.path().join("lake")).unwrap();
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    assert!(explain(&lake, &sql).unwrap().text.contains("VectorSearch"));
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        modified
    );
    // An append makes a new version: the import builds its index again, with the new rows.
    import(&lake, dir.path(), 500, 500, Mode::Append);
    let listed = lake.catalog().indexes(Some("vecs")).unwrap();
    assert_eq!(
        (listed.len(), listed[0].version, listed[0].entries),
        (1, 2, 1000)
    );
    assert!(explain(&lake, &sql).unwrap().text.contains("VectorSearch"));
    let after = ids_and_distances(&lake, &sql);
    let b2 = build(&lake, Metric::L2, None);
    assert_eq!(b2.info.entries, 1000);
    assert_eq!(ids_and_distances(&lake, &sql), after);
    // The first version keeps its own index.
    assert!(file.exists());
    let lock = lake.try_write_lock().unwrap();
    assert_eq!(lake_index::drop(&lake, &lock, "vecs", "emb").unwrap(), 1);
    assert!(!dir.path().join("lake").join(&b2.info.path).exists());
    let e = lake_index::create(&lake, &lock, "vecs", "grp", Metric::L2, None)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("not a vector (FLOAT[N]) column"), "{e}");
}

/// The answer of `sql` (all columns, as text), and whether the index gave its rows.
fn answer_and_used(lake: &Lake, sql: &str) -> (String, bool) {
    let out = run_query(lake, sql, &QueryOptions::default()).unwrap();
    let used = explain(lake, sql).unwrap().text.contains("VectorSearch");
    (format!("{:?}", out.frame), used)
}

#[test]
fn rows_the_index_leaves_out_keep_their_place_in_every_order() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    // 40 rows: NULL, zero and NaN-free vectors; row 0 has no vector, row 1 a zero one.
    let mut lines = String::new();
    for i in 0..40 {
        let emb = match i {
            0 => "null".to_string(),
            1 => format!("[{}]", ["0.0"; 8].join(", ")),
            _ => {
                let v: Vec<String> = (0..8)
                    .map(|j| format!("{:.3}", ((i * 7 + j * 3) % 11) as f64 / 10.0 + 0.05))
                    .collect();
                format!("[{}]", v.join(", "))
            }
        };
        lines.push_str(&format!(
            "{{\"id\": {i}, \"grp\": {}, \"emb\": {emb}}}\n",
            i % 4
        ));
    }
    let p = dir.path().join("v.ndjson");
    std::fs::write(&p, lines).unwrap();
    let opts = ImportOptions {
        name: Some("vecs".into()),
        ..Default::default()
    };
    import_paths(&lake, &[p], &opts, &NoProgress, &CancelToken::new()).unwrap();
    let q = "[0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.4, 0.6]";
    let cases = [
        // (query, whether the index may answer it)
        (format!("SELECT id, array_cosine_distance(emb, {q}) AS d FROM vecs ORDER BY d LIMIT 5"), true),
        (format!("SELECT id, array_cosine_similarity(emb, {q}) AS s FROM vecs ORDER BY s DESC LIMIT 3"), false),
        (format!("SELECT id, array_distance(emb, {q}) AS d FROM vecs ORDER BY d NULLS FIRST LIMIT 3"), false),
        (format!("SELECT id, count(*) OVER () AS n FROM vecs ORDER BY array_distance(emb, {q}) LIMIT 3"), false),
        (format!("SELECT count(*) AS n FROM vecs ORDER BY array_distance(emb, {q}) LIMIT 1"), false),
        (format!("SELECT id, [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0] AS emb FROM vecs ORDER BY array_distance(emb, {q}) LIMIT 3"), false),
        // Three rows pass, one without a vector: LIMIT 3 needs it too.
        (format!("SELECT id, array_distance(emb, {q}) AS d FROM vecs WHERE id IN (0, 5, 9) ORDER BY d LIMIT 3"), false),
        (format!("SELECT id, array_distance(emb, {q}) AS d FROM vecs WHERE grp = 1 ORDER BY d LIMIT 4"), true),
    ];
    let scans: Vec<String> = cases
        .iter()
        .map(|(sql, _)| {
            format!(
                "{:?}",
                run_query(&lake, sql, &QueryOptions::default())
                    .unwrap()
                    .frame
            )
        })
        .collect();
    build(&lake, Metric::Cosine, None);
    build(&lake, Metric::L2, None);
    let ds = lake.catalog().require_dataset("vecs").unwrap();
    let listed = lake.catalog().indexes(Some("vecs")).unwrap();
    // The cosine index leaves out the NULL and the zero vector; L2 only the NULL.
    let entries = |k: &str| listed.iter().find(|i| i.kind == k).unwrap().entries;
    assert_eq!(
        (ds.rows, entries("hnsw-cosine"), entries("hnsw-l2")),
        (40, 38, 39)
    );
    for ((sql, may), scan) in cases.iter().zip(&scans) {
        let (with, used) = answer_and_used(&lake, sql);
        assert_eq!(used, *may, "{sql}");
        assert_eq!(&with, scan, "{sql}");
    }
}

#[test]
fn a_backend_that_gives_fewer_than_asked_still_gives_k_rows() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    import(&lake, dir.path(), 0, 2000, Mode::Replace);
    let q = query_vector(5);
    let sql = format!("SELECT id, array_distance(emb, {q}) AS d FROM vecs ORDER BY d LIMIT 100");
    let scan = ids_and_distances(&lake, &sql);
    build(&lake, Metric::L2, Some(BackendKind::InstantDistance));
    let got = ids_and_distances(&lake, &sql);
    assert_eq!(got.len(), 100);
    assert_eq!(got, scan);
}

#[test]
fn an_append_adds_its_rows_to_a_usearch_graph_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    import(&lake, dir.path(), 0, 25_000, Mode::Replace);
    let b = build(&lake, Metric::Cosine, None);
    assert_eq!(b.backend, BackendKind::USearch);
    import(&lake, dir.path(), 25_000, 300, Mode::Append);
    let listed = lake.catalog().indexes(Some("vecs")).unwrap();
    assert_eq!((listed[0].version, listed[0].entries), (2, 25_300));
    // A new row's own vector finds it first, from the graph.
    let v = &clustered(25_300, DIM, 1)[25_017 * DIM..25_018 * DIM];
    let parts: Vec<String> = v.iter().map(|x| format!("{}", *x as f64)).collect();
    let sql = format!(
        "SELECT id, array_cosine_distance(emb, [{}]) AS d FROM vecs ORDER BY d LIMIT 3",
        parts.join(", ")
    );
    let plan = explain(&lake, &sql).unwrap().text;
    assert!(
        plan.contains("backend=usearch") && plan.contains("/25300"),
        "{plan}"
    );
    let got = ids_and_distances(&lake, &sql);
    assert_eq!(got[0].0, 25_017, "{got:?}");
    assert!(got[0].1.abs() < 1e-6, "{got:?}");
}

#[test]
fn a_query_of_an_index_file_changed_on_disk_fails_and_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lake");
    let lake = Lake::init(&root).unwrap();
    import(&lake, dir.path(), 0, 3000, Mode::Replace);
    let q = query_vector(3);
    let sql = format!("SELECT id, array_distance(emb, {q}) AS d FROM vecs ORDER BY d LIMIT 5");
    let scan = ids_and_distances(&lake, &sql);
    let b = build(&lake, Metric::L2, Some(BackendKind::USearch));
    // Another process opens the file (mapped) and searches the graph where it lies.
    let fresh = Lake::open(&root).unwrap();
    let got = ids_and_distances(&fresh, &sql);
    let same = got
        .iter()
        .filter(|g| scan.iter().any(|s| s.0 == g.0))
        .count();
    assert!(same >= 4, "{got:?} against {scan:?}");
    drop(fresh);
    // One vector's byte changed in the file: the next process's query fails, naming the file.
    let path = root.join(&b.info.path);
    let mut bytes = std::fs::read(&path).unwrap();
    let matrix = [3000u32.to_le_bytes(), ((DIM * 4) as u32).to_le_bytes()].concat();
    let at = bytes.windows(8).position(|w| w == matrix).unwrap() + 8 + 1234 * DIM * 4 + 3;
    bytes[at] ^= 0x40;
    std::fs::write(&path, &bytes).unwrap();
    let e = run_query(&Lake::open(&root).unwrap(), &sql, &QueryOptions::default())
        .err()
        .expect("a damaged index is an error")
        .to_string();
    assert!(
        e.contains(&b.info.path) && e.contains("is damaged (its checksum does not match)"),
        "{e}"
    );
    assert!(e.contains("lake index drop"), "{e}");
}
