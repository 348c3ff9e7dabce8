#![cfg(test)]
//! Vectors end to end: JSON arrays imported as FLOAT[N] columns, compared in SQL, ranked for the
//! nearest; rows that cannot be vectors are errors naming the file and line, or skipped.

use crate::ingest::{import_paths, CancelToken, ImportOptions, ImportReport, NoProgress};
use crate::query::{run_query, QueryOptions};
use crate::Lake;
use polars::prelude::*;

fn import(lake: &Lake, dir: &std::path::Path, text: &str, skip_bad: bool) -> ImportReport {
    let p = dir.join("notes.ndjson");
    std::fs::write(&p, text).unwrap();
    let opts = ImportOptions {
        name: Some("notes".into()),
        skip_bad,
        ..Default::default()
    };
    import_paths(lake, &[p], &opts, &NoProgress, &CancelToken::new()).unwrap()
}

// Vectors of 8 (the fewest a JSON array needs to be taken for one); `ids` has whole numbers
// only, `bbox` too few values: both stay JSON text, exact.
const GOOD: &str = r#"{"id": 1, "title": "Lisbon trip", "emb": [0.9, 0.1, 0.0, 0, 0, 0, 0, 0], "ids": [1, 2, 3, 4, 5, 6, 7, 8], "bbox": [0.5, 1.5, 2.5, 3.5]}
{"id": 2, "title": "Porto weekend", "emb": [0.8, 0.3, 0.1, 0, 0, 0, 0, 0], "ids": [1, 2, 3, 4, 5, 6, 7, 8], "bbox": [0.5, 1.5, 2.5, 3.5]}
{"id": 3, "title": "tax return", "emb": [0.0, 0.2, 0.95, 0, 0, 0, 0, 0], "ids": [1, 2, 3, 4, 5, 6, 7, 8], "bbox": null}
{"id": 4, "title": "no vector yet", "emb": null, "ids": null, "bbox": [0.5, 1.5, 2.5, 3.5]}
"#;
const PAD: &str = "0, 0, 0, 0, 0";

#[test]
fn json_arrays_of_numbers_become_vector_columns_that_rank_the_nearest() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let r = import(&lake, dir.path(), GOOD, false);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let ds = lake.catalog().require_dataset("notes").unwrap();
    let ty = |c: &str| {
        let d = ds.schema.iter().find(|d| d.name == c).unwrap();
        crate::catalog::sql_type::sql_type_name(&d.dtype)
    };
    assert_eq!(ty("emb"), "FLOAT[8]");
    assert_eq!(
        (ty("ids"), ty("bbox")),
        ("VARCHAR".into(), "VARCHAR".into())
    );

    let q = format!(
        "SELECT id, title, array_cosine_distance(emb, [1.0, 0.2, 0.0, {PAD}]) AS d FROM notes \
         WHERE emb IS NOT NULL ORDER BY d LIMIT 2"
    );
    let q = q.as_str();
    let out = run_query(&lake, q, &QueryOptions::default()).unwrap();
    let ids = crate::test_util::i64s(&out.frame, "id");
    assert_eq!(ids, vec![1, 2]);
    let d = out.frame.column("d").unwrap();
    assert_eq!(d.dtype(), &DataType::Float64);
    // Row 1: cos([0.9, 0.1, 0], [1, 0.2, 0]) worked out by hand.
    let want = 1.0 - (0.9 + 0.02) / ((0.81f64 + 0.01).sqrt() * (1.0f64 + 0.04).sqrt());
    assert!((d.f64().unwrap().get(0).unwrap() - want).abs() < 1e-6);
    // Vectors print in every output format (a list of numbers as text in CSV).
    let out = run_query(
        &lake,
        "SELECT id, emb FROM notes WHERE id = 1",
        &QueryOptions::default(),
    )
    .unwrap();
    for f in ["table", "csv", "json", "ndjson", "parquet"] {
        let mut buf = Vec::new();
        let fmt = crate::query::output::OutputFormat::parse(f).unwrap();
        crate::query::output::write_frame(&out.frame, fmt, &mut buf)
            .unwrap_or_else(|e| panic!("{f}: {e}"));
        if f != "parquet" {
            let text = String::from_utf8(buf).unwrap();
            assert!(text.contains("0.9"), "{f}: {text}");
            if f == "csv" {
                assert_eq!(text, "id,emb\n1,\"[0.9,0.1,0.0,0.0,0.0,0.0,0.0,0.0]\"\n");
            }
        }
    }
    crate::query::arrow_ipc::frame_to_ipc(&out.frame).unwrap();
    // Another row's vector as the probe, through a scalar subquery.
    let q = "SELECT id FROM notes WHERE id <> 2 \
             ORDER BY array_cosine_distance(emb, (SELECT emb FROM notes WHERE id = 2)) LIMIT 1";
    assert_eq!(crate::test_util::first_i64(&lake, q).unwrap(), 1);
    // Another row's vector as the probe ("more like this"), and the row without one.
    let q = "SELECT b.id, array_distance(a.emb, b.emb) AS d FROM notes a CROSS JOIN notes b \
             WHERE a.id = 1 AND b.id <> 1 ORDER BY d NULLS LAST";
    let out = run_query(&lake, q, &QueryOptions::default()).unwrap();
    let ids = crate::test_util::i64s(&out.frame, "id");
    assert_eq!(ids, vec![2, 3, 4]);
    assert_eq!(out.frame.column("d").unwrap().null_count(), 1);
}

#[test]
fn a_row_that_is_no_vector_is_an_error_naming_its_line_or_is_skipped() {
    // 30 good rows, then three that cannot be FLOAT[8] (lines 31 to 33): few enough that the
    // column is still taken for vectors (at least 90% of the values are).
    let mut text: String = (1..=30)
        .map(|i| {
            format!(
                "{{\"id\": {i}, \"emb\": [{}, 0.5, 0.1, {PAD}]}}\n",
                i as f64 / 30.0
            )
        })
        .collect();
    text.push_str(r#"{"id": 31, "emb": [0.5, 0.5]}"#);
    text.push('\n');
    text.push_str(r#"{"id": 32, "emb": [0.5, "x", 0.1, 0, 0, 0, 0, 0]}"#);
    text.push('\n');
    text.push_str(r#"{"id": 33, "emb": "0.1,0.2,0.3"}"#);
    text.push('\n');
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let r = import(&lake, dir.path(), &text, false);
    assert_eq!(r.errors.len(), 1, "{r:?}");
    let e = &r.errors[0].error;
    assert!(e.contains("notes.ndjson") && e.contains("line 31"), "{e}");
    assert!(
        e.contains("`emb`: an array of 2 values") && e.contains("FLOAT[8]"),
        "{e}"
    );
    // Nothing was written.
    assert!(lake.catalog().dataset("notes").unwrap().is_none());

    let r = import(&lake, dir.path(), &text, true);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let ds = &r.datasets[0];
    assert_eq!((ds.rows, ds.skipped_rows), (30, 3));
    let examples = ds.bad_examples.join("\n");
    assert!(
        examples.contains("value 2 of the array is \"x\" not a number"),
        "{examples}"
    );
    assert!(
        examples.contains("line 33") && examples.contains("a string"),
        "{examples}"
    );
    assert_eq!(
        crate::test_util::first_i64(&lake, "SELECT count(*) FROM notes WHERE emb IS NOT NULL")
            .unwrap(),
        30
    );
}

#[test]
fn parquet_lists_of_one_length_become_vectors_and_others_stay_lists() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let write = |name: &str, rows: &[Vec<f64>]| {
        let list: ListChunked = rows
            .iter()
            .map(|r| Some(Series::new("".into(), r.clone())))
            .collect();
        let mut df = DataFrame::new(
            rows.len(),
            vec![
                Column::new("id".into(), (0..rows.len() as i64).collect::<Vec<_>>()),
                list.into_series().with_name("emb".into()).into_column(),
            ],
        )
        .unwrap();
        let p = dir.path().join(name);
        ParquetWriter::new(std::fs::File::create(&p).unwrap())
            .finish(&mut df)
            .unwrap();
        p
    };
    let good = write("good.parquet", &[vec![1.0, 0.0, 0.0], vec![0.0, 1.0, 0.5]]);
    let opts = |name: &str| ImportOptions {
        name: Some(name.into()),
        ..Default::default()
    };
    let r = import_paths(
        &lake,
        &[good],
        &opts("pq"),
        &NoProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let ds = lake.catalog().require_dataset("pq").unwrap();
    let emb = ds.schema.iter().find(|d| d.name == "emb").unwrap();
    assert_eq!(
        crate::catalog::sql_type::sql_type_name(&emb.dtype),
        "FLOAT[3]"
    );
    let q = "SELECT id FROM pq ORDER BY array_cosine_distance(emb, [0.0, 1.0, 0.4]) LIMIT 1";
    assert_eq!(crate::test_util::first_i64(&lake, q).unwrap(), 1);
    // Lists of different lengths in the first batch are no vectors: they stay lists.
    let mixed = write("mixed.parquet", &[vec![1.0, 0.0, 0.0], vec![0.0, 1.0]]);
    let r = import_paths(
        &lake,
        &[mixed],
        &opts("pq2"),
        &NoProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let ds = lake.catalog().require_dataset("pq2").unwrap();
    let emb = ds.schema.iter().find(|d| d.name == "emb").unwrap();
    assert_eq!(
        crate::catalog::sql_type::sql_type_name(&emb.dtype),
        "DOUBLE[]"
    );
}

#[test]
fn appends_keep_the_vector_type_the_dataset_has() {
    use crate::ingest::Mode;
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let row = |id: i64, v: &str| format!("{{\"id\": {id}, \"emb\": {v}}}\n");
    let append = |file: &str, text: String| {
        let p = dir.path().join(file);
        std::fs::write(&p, text).unwrap();
        let opts = ImportOptions {
            name: Some("notes".into()),
            mode: Mode::Append,
            ..Default::default()
        };
        import_paths(&lake, &[p], &opts, &NoProgress, &CancelToken::new()).unwrap()
    };
    let v8 = "[0.5, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]";
    let r = append("a.ndjson", row(1, v8));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    // A later file whose arrays are whole numbers only would be text on its own: joining
    // FLOAT[8] rows, they are vectors too.
    let r = append("b.ndjson", row(2, "[1, 2, 3, 4, 5, 6, 7, 8]"));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        crate::test_util::first_i64(&lake, "SELECT count(*) FROM notes WHERE emb IS NOT NULL")
            .unwrap(),
        2
    );
    // A table whose field is text (made before vectors): new float arrays stay text.
    let p = dir.path().join("old.ndjson");
    std::fs::write(&p, row(1, "\"made as text\"")).unwrap();
    let opts = ImportOptions {
        name: Some("old".into()),
        ..Default::default()
    };
    import_paths(&lake, &[p], &opts, &NoProgress, &CancelToken::new()).unwrap();
    let p = dir.path().join("new.ndjson");
    std::fs::write(&p, row(2, v8)).unwrap();
    let opts = ImportOptions {
        name: Some("old".into()),
        mode: Mode::Append,
        ..Default::default()
    };
    let r = import_paths(&lake, &[p], &opts, &NoProgress, &CancelToken::new()).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        crate::test_util::first_i64(&lake, "SELECT count(*) FROM old").unwrap(),
        2
    );
}
