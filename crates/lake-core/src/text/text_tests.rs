#![cfg(test)]
//! The text model and `embed`: a model file read back, texts' vectors, the built-in model's
//! ranking of a few texts, `embed()` in SQL and in a top-k search, and `lake embed`.

use std::fmt::Write;

use polars::prelude::*;

use super::column::embed_column;
use super::TextModel;
use crate::cancel::CancelToken;
use crate::ingest::Mode;
use crate::query::{explain_query, run_query, QueryOptions};
use crate::test_util::import_csv;
use crate::Lake;

/// A model file as scripts/text-model.py writes it: `words` with their vectors and weights.
fn model_bytes(dim: usize, words: &[(&str, Vec<f32>, f32)]) -> Vec<u8> {
    let mut b = b"DPLKTE01".to_vec();
    b.extend((dim as u32).to_le_bytes());
    b.extend((words.len() as u32).to_le_bytes());
    let scales: Vec<f32> = words
        .iter()
        .map(|(_, v, _)| v.iter().fold(0f32, |m, x| m.max(x.abs())) / 127.0)
        .collect();
    for s in &scales {
        b.extend(s.to_le_bytes());
    }
    for (_, _, w) in words {
        b.extend(w.to_le_bytes());
    }
    for ((_, v, _), s) in words.iter().zip(&scales) {
        b.extend(v.iter().map(|x| (x / s).round() as i8 as u8));
    }
    for (w, _, _) in words {
        b.push(w.len() as u8);
        b.extend(w.as_bytes());
    }
    b
}

fn tiny() -> TextModel {
    TextModel::parse(&model_bytes(
        3,
        &[
            ("the", vec![1.0, 1.0, 1.0], 0.01),
            ("cafe", vec![1.0, 0.0, 0.0], 1.0),
            ("lisbon", vec![0.0, 1.0, 0.0], 1.0),
            ("e-mail", vec![0.0, 0.0, 1.0], 1.0),
            ("porto", vec![0.0, 2.0, 0.0], 0.5),
        ],
    ))
    .unwrap()
}

fn embed(m: &TextModel, t: &str) -> Option<Vec<f32>> {
    let mut v = vec![0f32; m.dim()];
    m.embed_into(t, &mut v).then_some(v)
}

fn close(a: &[f32], b: &[f32]) -> bool {
    a.iter().zip(b).all(|(x, y)| (x - y).abs() < 0.02)
}

#[test]
fn a_text_is_the_weighted_mean_of_its_known_words_at_length_one() {
    let m = tiny();
    assert_eq!((m.dim(), m.words()), (3, 5));
    // Unknown words count for nothing; case and accents do not matter.
    let v = embed(&m, "Café and LISBON!").unwrap();
    let h = std::f32::consts::FRAC_1_SQRT_2;
    assert!(close(&v, &[h, h, 0.0]), "{v:?}");
    // Weights: porto (0.5 × 2) counts as much as cafe (1 × 1).
    assert!(close(&embed(&m, "porto cafe").unwrap(), &[h, h, 0.0]));
    // "the" is all but ignored next to a rare word.
    let v = embed(&m, "the the the e-mail").unwrap();
    assert!(v[2] > 0.99, "{v:?}");
    // An unknown joined word is looked up by its parts.
    assert!(close(&embed(&m, "Lisbon-café").unwrap(), &[h, h, 0.0]));
    // Nothing known: no vector.
    assert_eq!(embed(&m, ""), None);
    assert_eq!(embed(&m, "zzz 123 東京"), None);
}

#[test]
fn a_damaged_model_is_refused() {
    let good = model_bytes(3, &[("a", vec![1.0, 0.0, 0.0], 1.0)]);
    for bad in [
        Vec::new(),
        b"NOTAMODEL-------".to_vec(),
        good[..good.len() - 1].to_vec(),
        good[..20].to_vec(),
    ] {
        let e = TextModel::parse(&bad).expect_err("refused");
        assert!(e.to_string().contains("text model"), "{e}");
    }
}

/// `lake embed` without progress or Cancel.
fn embed_quietly(
    lake: &Lake,
    dataset: &str,
    column: &str,
    name: Option<&str>,
    index: bool,
) -> crate::Result<super::column::EmbedReport> {
    embed_column(
        lake,
        dataset,
        column,
        name,
        index,
        &|_| {},
        &CancelToken::new(),
    )
}

/// The `id` column of `sql`'s answer.
fn ids(lake: &Lake, sql: &str) -> Vec<i64> {
    let out = run_query(lake, sql, &QueryOptions::default()).unwrap();
    crate::test_util::i64s(&out.frame, "id")
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn the_built_in_model_puts_like_with_like() {
    let m = super::builtin().expect("the text model is built by `make deps`");
    assert_eq!(m.dim(), 50);
    assert!(m.words() >= 50_000);
    let docs = [
        "Flight to Portugal booked, hotel in Lisbon for four nights",
        "Weekly grocery list: milk, eggs, bread",
        "Meeting notes: quarterly budget review with finance",
        "How to fix a flat bicycle tire",
        "Pasta recipe with tomato and basil",
    ];
    let rank = |q: &str| {
        let q = embed(m, q).unwrap();
        let mut r: Vec<(f32, usize)> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (cosine(&q, &embed(m, d).unwrap()), i))
            .collect();
        r.sort_by(|a, b| b.0.total_cmp(&a.0));
        r[0].1
    };
    assert_eq!(rank("trip to Lisbon"), 0);
    assert_eq!(rank("buy some cheese and butter"), 1);
    assert_eq!(rank("annual financial report"), 2);
    assert_eq!(rank("repair my bike"), 3);
    assert_eq!(rank("cook spaghetti for dinner"), 4);
    let v = embed(m, "trip to Lisbon").unwrap();
    assert!((cosine(&v, &v) - 1.0).abs() < 1e-4);
}

fn notes(lake: &Lake, dir: &std::path::Path) {
    let mut csv = String::from("id,title\n");
    let titles = [
        "Flight to Portugal booked, hotel in Lisbon for four nights",
        "Weekly grocery list: milk, eggs, bread",
        "",
        "Meeting notes: quarterly budget review with finance",
        "How to fix a flat bicycle tire",
        "zzzq xqvv",
        "Pasta recipe with tomato and basil",
    ];
    for i in 0..700 {
        writeln!(csv, "{i},\"{}\"", titles[i % titles.len()]).unwrap();
    }
    import_csv(lake, dir, "notes.csv", "notes", &csv, Mode::Replace);
}

#[test]
fn embed_in_sql_gives_a_float_50_and_null_without_a_known_word() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let out = run_query(
        &lake,
        "SELECT embed('trip to Lisbon') AS v, embed('') AS e, embed(NULL) AS n",
        &QueryOptions::default(),
    )
    .unwrap();
    let v = out.frame.column("v").unwrap();
    assert_eq!(v.dtype(), &DataType::Array(Box::new(DataType::Float32), 50));
    assert_eq!(v.null_count(), 0);
    assert_eq!(out.frame.column("e").unwrap().null_count(), 1);
    assert_eq!(out.frame.column("n").unwrap().null_count(), 1);
    let Err(e) = run_query(&lake, "SELECT embed(42)", &QueryOptions::default()) else {
        panic!("a number is not a text");
    };
    assert!(e.to_string().contains("VARCHAR"), "{e}");
    // Over a column, compared with the vector functions.
    notes(&lake, dir.path());
    let sql = "SELECT id FROM notes WHERE embed(title) IS NOT NULL \
               ORDER BY array_cosine_distance(embed(title), embed('trip to Lisbon')), id LIMIT 1";
    let out = run_query(&lake, sql, &QueryOptions::default()).unwrap();
    assert_eq!(
        out.frame.column("id").unwrap().i64().unwrap().get(0),
        Some(0)
    );
}

#[test]
fn lake_embed_adds_a_vector_column_and_an_index_that_answers_embed_searches() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    notes(&lake, dir.path());
    let seen = std::sync::Mutex::new(Vec::new());
    let r = embed_column(
        &lake,
        "notes",
        "TITLE",
        None,
        true,
        &|p| seen.lock().unwrap().push((p.done, p.total)),
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!((r.version, r.rows, r.dim), (2, 700, 50));
    assert_eq!(r.name, "title_embedding");
    // 100 empty titles and 100 without a known word have no vector.
    assert_eq!(r.embedded, 500);
    assert_eq!(seen.lock().unwrap().last(), Some(&(700, 700)));
    assert!(r.index.is_some());
    let ds = lake.catalog().require_dataset("notes").unwrap();
    let col = ds
        .schema
        .iter()
        .find(|c| c.name == "title_embedding")
        .unwrap();
    assert_eq!(col.dtype, "array[f32, 50]");
    // Rows and their order are kept.
    let out = run_query(
        &lake,
        "SELECT count(*) AS n, count(title_embedding) AS v, sum(id) AS s FROM notes",
        &QueryOptions::default(),
    )
    .unwrap();
    let get = |c: &str| {
        out.frame
            .column(c)
            .unwrap()
            .cast(&DataType::Int64)
            .unwrap()
            .i64()
            .unwrap()
            .get(0)
    };
    assert_eq!(
        (get("n"), get("v"), get("s")),
        (Some(700), Some(500), Some(699 * 700 / 2))
    );
    // A search by text is answered from the index; the nearest are the Lisbon notes.
    let sql = "SELECT id, title FROM notes \
               ORDER BY array_cosine_distance(title_embedding, embed('trip to Lisbon')) LIMIT 5";
    let plan = explain_query(&lake, sql, false, &QueryOptions::default())
        .unwrap()
        .to_text();
    assert!(plan.contains("VectorSearch"), "{plan}");
    let ids = ids(&lake, sql);
    assert_eq!(ids.len(), 5);
    assert!(ids.iter().all(|i| i % 7 == 0), "{ids:?}");
    // Again: the column is there now.
    let e = embed_quietly(&lake, "notes", "title", None, false).expect_err("the column exists");
    assert!(e.to_string().contains("already has a column"), "{e}");
    let e = embed_quietly(&lake, "notes", "id", Some("x"), false).expect_err("not a text");
    assert!(e.to_string().contains("BIGINT"), "{e}");
    let e = embed_quietly(&lake, "notes", "titel", Some("x"), false).expect_err("no such column");
    assert!(e.to_string().contains("title"), "{e}");
}

#[test]
fn every_file_keeps_its_rows_in_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let mut csv = String::from("id,title\n");
    for i in 0..950 {
        writeln!(csv, "{i},note {} about lisbon and porto", i * 7).unwrap();
    }
    let p = dir.path().join("many.csv");
    std::fs::write(&p, csv).unwrap();
    let opts = crate::ingest::ImportOptions {
        name: Some("many".into()),
        rows_per_file: 100,
        ..Default::default()
    };
    let r = crate::ingest::import_paths(
        &lake,
        &[p],
        &opts,
        &crate::ingest::NoProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let before = lake.catalog().require_dataset("many").unwrap();
    assert_eq!(before.files.len(), 10);
    embed_quietly(&lake, "many", "title", Some("v"), false).unwrap();
    let after = lake.catalog().require_dataset("many").unwrap();
    let rows =
        |d: &crate::catalog::DatasetVersion| d.files.iter().map(|f| f.rows).collect::<Vec<_>>();
    assert_eq!(rows(&after), rows(&before));
    let out = run_query(
        &lake,
        "SELECT id, title FROM many",
        &QueryOptions::default(),
    )
    .unwrap();
    let ids: Vec<i64> = out
        .frame
        .column("id")
        .unwrap()
        .i64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    assert_eq!(ids, (0..950).collect::<Vec<i64>>());
    // Each row's vector is its own text's.
    let out = run_query(
        &lake,
        "SELECT count(*) FROM many WHERE array_cosine_distance(v, embed(title)) > 1e-5",
        &QueryOptions::default(),
    )
    .unwrap();
    let c = out.frame.columns()[0].cast(&DataType::Int64).unwrap();
    assert_eq!(c.i64().unwrap().get(0), Some(0));
}

#[test]
fn a_cancelled_embed_leaves_the_dataset_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    notes(&lake, dir.path());
    let cancel = CancelToken::new();
    let e = embed_column(
        &lake,
        "notes",
        "title",
        None,
        true,
        &|_| cancel.cancel(),
        &cancel,
    )
    .expect_err("cancelled");
    assert_eq!(e.code(), crate::error::ErrorCode::Cancelled);
    let ds = lake.catalog().require_dataset("notes").unwrap();
    assert_eq!(ds.version, 1);
    assert!(ds.schema.iter().all(|c| c.name != "title_embedding"));
    // Nothing of it is left in staging.
    drop(lake);
    let lake = Lake::open(&dir.path().join("lake")).unwrap();
    let staged = std::fs::read_dir(dir.path().join("lake/staging")).map_or(0, |d| d.count());
    assert_eq!(staged, 0);
    assert_eq!(lake.catalog().require_dataset("notes").unwrap().version, 1);
}

#[test]
fn a_semantic_search_ranks_the_texts_of_every_searchable_dataset_together() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    notes(&lake, dir.path());
    import_csv(
        &lake,
        dir.path(),
        "mail.csv",
        "mail",
        "id,subject,size\n1,Your train to Porto leaves at nine,3\n2,Invoice for the electricity bill,4\n",
        Mode::Replace,
    );
    assert!(super::search::searchable(&lake).unwrap().is_empty());
    for (ds, col) in [("notes", "title"), ("mail", "subject")] {
        embed_quietly(&lake, ds, col, None, true).unwrap();
    }
    let s = super::search::searchable(&lake).unwrap();
    assert_eq!(s.len(), 2);
    assert!(s.iter().all(|s| s.indexed), "{s:?}");
    // 100 notes about Lisbon and one mail about Porto are the travel texts: they come first.
    let found = super::search::semantic_search(&lake, "holiday trip to Portugal", 200).unwrap();
    assert!(found.skipped.is_empty());
    assert_eq!(found.sources, s);
    let hits = found.hits;
    assert_eq!(hits.len(), 200);
    assert!(hits.windows(2).all(|w| w[0].distance <= w[1].distance));
    let travel =
        |h: &super::search::SemanticHit| h.text.contains("Lisbon") || h.text.contains("Porto");
    assert!(hits[..101].iter().all(travel), "{:?}", &hits[..101]);
    assert!(!hits[101..].iter().any(travel));
    // Every row with a vector can be found: 500 notes and 2 mails.
    let all = super::search::semantic_search(&lake, "holiday trip to Portugal", 1000).unwrap();
    assert_eq!(all.hits.len(), 502);
    // The hit's row is the one with that text.
    let row = crate::spatial::viewport::row_at(&lake, &hits[0].dataset, hits[0].file, hits[0].row)
        .unwrap();
    let col = row
        .column(&hits[0].column)
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    assert_eq!(col, hits[0].text);
    // Nothing the model knows: nothing found.
    assert!(super::search::semantic_search(&lake, "zzqx", 5)
        .unwrap()
        .hits
        .is_empty());
    // Find similar to the first note: itself first, then the other Lisbon notes.
    let v = super::embed_one("Flight to Portugal booked, hotel in Lisbon for four nights")
        .unwrap()
        .unwrap();
    let sql = super::search::similar_sql(&lake, "notes", "title_embedding", &v, 5).unwrap();
    assert!(
        sql.starts_with("SELECT array_cosine_distance(\"title_embedding\""),
        "{sql}"
    );
    let plan = explain_query(&lake, &sql, false, &QueryOptions::default())
        .unwrap()
        .to_text();
    assert!(plan.contains("VectorSearch"), "{plan}");
    let ids = ids(&lake, &sql);
    assert_eq!(ids.len(), 5);
    assert!(ids.iter().all(|i| i % 7 == 0), "{ids:?}");
    let out = run_query(&lake, &sql, &QueryOptions::default()).unwrap();
    let d = out
        .frame
        .column("distance")
        .unwrap()
        .f32()
        .unwrap()
        .get(0)
        .unwrap();
    assert!(d.abs() < 1e-4, "{d}");
    let e = super::search::similar_sql(&lake, "notes", "title_embedding", &v[..3], 5).unwrap_err();
    assert!(e.to_string().contains("not a vector of 50 numbers"), "{e}");
    let e = super::search::similar_sql(&lake, "notes", "title", &v, 5).unwrap_err();
    assert!(e.to_string().contains("not a vector"), "{e}");
}

#[test]
fn embedding_keeps_the_sources_refuses_a_derived_dataset_and_names_the_distance_apart() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let csv = "id,title,distance\n1,walk to the lisbon castle,3.5\n2,tram to the beach,12.0\n";
    import_csv(&lake, dir.path(), "walks.csv", "walks", csv, Mode::Replace);
    embed_quietly(&lake, "walks", "title", None, true).unwrap();
    let v2 = lake.catalog().require_dataset("walks").unwrap();
    assert_eq!(v2.version, 2);
    // The same file again is nothing new: the vectors stay.
    import_csv(&lake, dir.path(), "walks.csv", "walks", csv, Mode::Replace);
    assert_eq!(lake.catalog().require_dataset("walks").unwrap().version, 2);
    assert_eq!(lake.catalog().sources_of(v2.version_id).unwrap().len(), 1);
    // The dataset has a `distance` of its own: Find similar's is `distance_2`.
    let v = super::embed_one("walk to the lisbon castle")
        .unwrap()
        .unwrap();
    let sql = super::search::similar_sql(&lake, "walks", "title_embedding", &v, 5).unwrap();
    let out = run_query(&lake, &sql, &QueryOptions::default()).unwrap();
    let names: Vec<&str> = out
        .frame
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .collect();
    assert_eq!(&names[..2], ["distance_2", "id"], "{sql}");
    assert_eq!(
        out.frame.column("id").unwrap().i64().unwrap().get(0),
        Some(1)
    );
    let s = super::search::searchable(&lake).unwrap();
    assert_eq!(s[0].distance_column, "distance_2");
    // A dataset a query made is embedded in its query.
    crate::materialize::create(
        &lake,
        "short",
        "SELECT id, title FROM walks",
        &QueryOptions::default(),
    )
    .unwrap();
    let e = embed_quietly(&lake, "short", "title", None, false).unwrap_err();
    assert!(
        e.to_string().contains("add `embed(title)` to its query"),
        "{e}"
    );
}
