//! Profiles on a real lake: exact figures from the statistics, histograms and top values from
//! the sample, kept per version.
#![cfg(test)]

use super::*;
use crate::ingest::Mode;
use crate::test_util::import_csv;

fn col<'a>(p: &'a DatasetProfile, name: &str) -> &'a ColumnProfile {
    p.columns.iter().find(|c| c.name == name).unwrap()
}

#[test]
fn a_profile_counts_what_a_person_would_check() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let mut csv = String::from("n,city,score,ts\n");
    for i in 1..=10 {
        let city = if i <= 6 {
            "Paris"
        } else if i <= 9 {
            "Rome"
        } else {
            "Oslo"
        };
        let score = if i % 5 == 0 {
            String::new()
        } else {
            format!("{}.5", i * 10)
        };
        csv.push_str(&format!(
            "{i},{city},{score},2024-0{}-01T00:00:00Z\n",
            1 + i % 3
        ));
    }
    import_csv(&lake, dir.path(), "t.csv", "t", &csv, Mode::Replace);
    let p = profile(&lake, "t").unwrap();
    assert_eq!((p.rows, p.sampled, p.version), (10, 10, 1));

    let n = col(&p, "n");
    assert_eq!(n.sql_type, "BIGINT");
    assert_eq!(
        (n.min.as_deref(), n.max.as_deref()),
        (Some("1"), Some("10"))
    );
    let h = n.histogram.as_ref().unwrap();
    // Ten whole numbers: one bar each.
    assert_eq!(h.counts, vec![1; 10]);
    assert_eq!((h.lo, h.hi), (0.5, 10.5));
    assert!(n.top.is_empty(), "every value differs: {:?}", n.top);

    let city = col(&p, "city");
    assert_eq!(city.sql_type, "VARCHAR");
    let top: Vec<(&str, u64)> = city
        .top
        .iter()
        .map(|t| (t.value.as_str(), t.count))
        .collect();
    assert_eq!(
        top,
        [("Paris", 6), ("Rome", 3)],
        "Oslo once is no top value"
    );
    assert!(city.histogram.is_none());

    let score = col(&p, "score");
    assert_eq!(score.nulls, 2);
    assert!((score.null_share - 0.2).abs() < 1e-9);
    let h = score.histogram.as_ref().unwrap();
    assert_eq!(h.counts.len(), BINS);
    assert_eq!(h.counts.iter().sum::<u64>(), 8, "the 8 non-null scores");
    assert_eq!((h.lo, h.hi), (10.5, 90.5));

    let ts = col(&p, "ts");
    let h = ts.histogram.as_ref().unwrap();
    assert!(h.temporal);
    assert_eq!(ts.min.as_deref(), Some("2024-01-01 00:00:00"));
    assert_eq!(ts.max.as_deref(), Some("2024-03-01 00:00:00"));
    assert_eq!(h.lo, 1_704_067_200_000.0, "2024-01-01 in ms");
    assert_eq!(h.counts.iter().sum::<u64>(), 10);

    // Kept: the second read comes from the catalog; a new version gets its own.
    assert_eq!(profile(&lake, "t").unwrap().elapsed_ms, 0.0);
    import_csv(
        &lake,
        dir.path(),
        "t2.csv",
        "t",
        "n,city\n1,Oslo\n1,Oslo\n",
        Mode::Replace,
    );
    let p2 = profile(&lake, "t").unwrap();
    assert_eq!((p2.version, p2.rows, p2.columns.len()), (2, 2, 2));
    assert_eq!(col(&p2, "city").top[0].value, "Oslo");
}

#[test]
fn a_big_dataset_is_sampled_from_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let rows = SAMPLE_ROWS as usize + 50_000;
    let mut csv = String::with_capacity(rows * 8);
    csv.push_str("v\n");
    for i in 0..rows {
        csv.push_str(&format!("{}\n", i % 1000));
    }
    import_csv(&lake, dir.path(), "big.csv", "big", &csv, Mode::Replace);
    // A second file: an append of large values, which a sample of the first rows would miss.
    let more: String = std::iter::once("v\n".to_string())
        .chain((0..rows).map(|_| "5000\n".to_string()))
        .collect();
    import_csv(&lake, dir.path(), "more.csv", "big", &more, Mode::Append);
    let p = profile(&lake, "big").unwrap();
    assert_eq!(p.rows, 2 * rows as u64);
    assert!(
        p.sampled <= SAMPLE_ROWS + 2 && p.sampled >= SAMPLE_ROWS,
        "{}",
        p.sampled
    );
    let h = p.columns[0].histogram.as_ref().unwrap();
    assert_eq!(h.hi, 5000.0);
    let last = *h.counts.last().unwrap() as f64;
    assert!(
        (last / p.sampled as f64 - 0.5).abs() < 0.01,
        "half the sample is the appended file: {last}"
    );
    assert_eq!(p.columns[0].top[0].value, "5000");
}

#[test]
fn an_import_keeps_its_profile_unless_asked_not_to() {
    use crate::ingest::{import_paths, CancelToken, ImportOptions, NoProgress};
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    let kept = |name: &str| {
        let id = lake.catalog().require_dataset(name).unwrap().version_id;
        lake.catalog().kept_profile_json(id).unwrap()
    };
    // Profiled at import: kept for the version just committed, with its figures.
    import_csv(
        &lake,
        dir.path(),
        "a.csv",
        "a",
        "x,y\n1,p\n2,q\n2,q\n",
        Mode::Replace,
    );
    let json = kept("a").expect("profiled at import");
    let p: DatasetProfile = serde_json::from_str(&json).unwrap();
    assert_eq!((p.version, p.rows, p.sampled), (1, 3, 3));
    assert_eq!(col(&p, "y").top[0].value, "q");
    // A new version is profiled again; the old one keeps its own.
    import_csv(&lake, dir.path(), "a2.csv", "a", "x,y\n7,r\n", Mode::Append);
    let p2: DatasetProfile = serde_json::from_str(&kept("a").unwrap()).unwrap();
    assert_eq!((p2.version, p2.rows), (2, 4));
    // `profile: false` (`--no-profile`) leaves it to be computed when asked for.
    let f = dir.path().join("b.csv");
    std::fs::write(&f, "z\n5\n").unwrap();
    let opts = ImportOptions {
        name: Some("b".into()),
        profile: false,
        ..Default::default()
    };
    import_paths(&lake, &[f], &opts, &NoProgress, &CancelToken::new()).unwrap();
    assert!(kept("b").is_none());
    assert_eq!(profile(&lake, "b").unwrap().rows, 1);
    assert!(kept("b").is_some());
}
