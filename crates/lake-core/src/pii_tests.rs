//! Personal data on a real lake: suggestions, tags, masking through lineage, and tags that
//! follow a derived dataset.
#![cfg(test)]

use super::*;
use crate::ingest::Mode;
use crate::query::{run_query, QueryOptions};
use crate::test_util::import_csv;
use polars::prelude::*;

fn cell(lake: &Lake, sql: &str) -> String {
    let out = run_query(lake, sql, &QueryOptions::default()).unwrap();
    out.frame.columns()[0]
        .get(0)
        .unwrap()
        .str_value()
        .to_string()
}

#[test]
fn suggestions_tags_and_masking_follow_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    import_csv(
        &lake,
        dir.path(),
        "people.csv",
        "people",
        "name,contact,phone,lat,lon,born\n\
         Ann,ann@example.com,+44 20 7946 0958,51.50722,-0.1275,2001-02-03\n\
         Bob,\"Bob <bob@mail.org>\",(555) 010-4477,48.8566,2.3522,1999-12-31\n",
        Mode::Replace,
    );
    let s = suggest(&lake, "people").unwrap();
    let kinds: Vec<(&str, &str)> = s
        .iter()
        .map(|x| (x.column.as_str(), x.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("contact", "email"),
            ("phone", "phone"),
            ("lat", "location"),
            ("lon", "location")
        ],
        "dates and names are not personal data by their look: {s:?}"
    );
    tag(&lake, "people", "contact", "email").unwrap();
    tag(&lake, "people", "lat", "location").unwrap();
    let e = tag(&lake, "people", "contakt", "email").unwrap_err();
    assert!(e.to_string().contains("did you mean `contact`"), "{e}");
    assert!(tag(&lake, "people", "name", "secret").is_err());

    // Off by default: the data as it is.
    assert_eq!(cell(&lake, "SELECT contact FROM people"), "ann@example.com");
    lake.catalog().set_setting(MASK_SETTING, "on").unwrap();
    assert_eq!(
        cell(&lake, "SELECT contact FROM people"),
        "a***@example.com"
    );
    assert_eq!(
        cell(&lake, "SELECT upper(contact) AS c FROM people"),
        "A***@EXAMPLE.COM"
    );
    assert_eq!(
        cell(
            &lake,
            "WITH x AS (SELECT contact AS k FROM people) SELECT k FROM x"
        ),
        "a***@example.com"
    );
    assert_eq!(cell(&lake, "SELECT lat FROM people"), "51.51");
    assert_eq!(
        cell(&lake, "SELECT max(contact) FROM people"),
        "a***@example.com"
    );
    // A count says how many, not who; untagged columns are as they are.
    assert_eq!(cell(&lake, "SELECT count(contact) AS n FROM people"), "2");
    assert_eq!(cell(&lake, "SELECT lon FROM people"), "-0.1275");
    let out = run_query(
        &lake,
        "SELECT name, contact FROM people",
        &QueryOptions::default(),
    )
    .unwrap();
    assert_eq!(out.masked, ["contact"]);

    // A dataset made from a tagged column is tagged too, and masked when read.
    crate::materialize::create(
        &lake,
        "contacts",
        "SELECT name, contact AS mail FROM people",
        &QueryOptions::default(),
    )
    .unwrap();
    let tags = lake.catalog().pii_tags().unwrap();
    assert!(
        tags.iter()
            .any(|t| t.dataset == "contacts" && t.column == "mail" && t.kind == "email"),
        "{tags:?}"
    );
    assert_eq!(cell(&lake, "SELECT mail FROM contacts"), "a***@example.com");
    // The stored data is whole: masking is for results and exports.
    lake.catalog().set_setting(MASK_SETTING, "off").unwrap();
    assert_eq!(cell(&lake, "SELECT mail FROM contacts"), "ann@example.com");
}

#[test]
fn masking_keeps_a_hint_and_nothing_more() {
    let s = Series::new("p".into(), [Some("+44 20 7946 0958"), None]);
    let m = mask_series(&s, "phone");
    assert_eq!(m.str().unwrap().get(0), Some("***58"));
    assert_eq!(m.null_count(), 1);
    let n = Series::new("n".into(), [1i64, 2]);
    assert_eq!(mask_series(&n, "other").null_count(), 2);
}

#[test]
fn an_integer_aggregate_of_an_integer_column_is_masked_a_count_of_text_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::init(&dir.path().join("lake")).unwrap();
    crate::test_util::import_csv(
        &lake,
        dir.path(),
        "p.csv",
        "p",
        "name,pin,mail,ts\nAnn,4711,ann@example.com,2024-01-01T00:00:00Z\nBob,1234,bob@mail.org,2024-01-02T00:00:00Z\n",
        crate::ingest::Mode::Replace,
    );
    tag(&lake, "p", "pin", "other").unwrap();
    tag(&lake, "p", "mail", "email").unwrap();
    lake.catalog().set_setting(MASK_SETTING, "on").unwrap();
    // max and last of an integer column are its values: masked (to NULL for "other").
    for sql in ["SELECT max(pin) FROM p", "SELECT last(pin, ts) FROM p"] {
        assert_eq!(cell(&lake, sql), "null", "{sql}");
    }
    // A count of a text column is a number of rows, not a value of it.
    assert_eq!(cell(&lake, "SELECT count(mail) AS n FROM p"), "2");
}
