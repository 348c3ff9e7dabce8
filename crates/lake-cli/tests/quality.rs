//! Quality rules: declared, checked on import (blocking or warning) and on demand.

use crate::common::TestLake;

#[test]
fn rules_block_or_warn_on_import_and_check_lists_the_failing_rows() {
    let lake = TestLake::new();
    let v1 = lake.file(
        "people.csv",
        "id,email,age,kind\n1,ann@x.org,34,a\n2,bob@y.org,51,b\n3,cid@z.org,19,a\n",
    );
    lake.import(&[&v1], &["--name", "people"]);
    let add = |args: &[&str]| {
        let mut a = vec!["rule", "add", "people"];
        a.extend_from_slice(args);
        lake.ok(&a)
    };
    let out = add(&["ids", "unique", "--column", "id", "--block"]);
    assert!(
        out.contains("rule ids added to people (blocks failing imports)"),
        "{out}"
    );
    assert!(
        out.contains("ok    ids: 0 of 3 rows share their value"),
        "{out}"
    );
    add(&[
        "email",
        "regex",
        "--column",
        "email",
        "--pattern",
        "^[^@ ]+@[^@ ]+$",
    ]);
    add(&[
        "age", "range", "--column", "age", "--min", "0", "--max", "130",
    ]);
    add(&["kind", "in_set", "--column", "kind", "--values", "a,b"]);
    add(&["present", "not_null", "--column", "email"]);
    add(&["growth", "row_count_change", "--max-change", "200"]);
    add(&["adult", "sql", "--sql", "age >= 18", "--block"]);
    assert!(lake
        .ok(&["check", "people"])
        .lines()
        .all(|l| l.starts_with("ok")));

    // A duplicate id: the blocking rule refuses the import; people keeps version 1.
    let dup = lake.file("dup.csv", "id,email,age,kind\n3,dan@x.org,40,a\n");
    let r = lake.import(&[&dup], &["--name", "people", "--mode", "append"]);
    let err = r["errors"][0]["error"].as_str().unwrap();
    assert!(
        err.contains("not imported into people") && err.contains("ids (2 of 4 rows share"),
        "{r}"
    );
    assert_eq!(lake.csv("SELECT count(*) AS n FROM people"), "n\n3\n");
    assert!(lake.ok(&["history", "people"]).starts_with("v1 "));

    // A bad email and an unknown kind only warn: the version is made, and says so.
    let warn = lake.file("warn.csv", "id,email,age,kind\n4,not an email,40,c\n");
    let text = lake.ok(&[
        "import",
        "--name",
        "people",
        "--mode",
        "append",
        warn.to_str().unwrap(),
    ]);
    assert!(text.contains("imported people version 2"), "{text}");
    assert!(
        text.contains("warning: rule email fails: 1 of 4 rows not matching"),
        "{text}"
    );
    assert!(
        text.contains("warning: rule kind fails: 1 of 4 rows not in the set"),
        "{text}"
    );

    let out = lake.run(&["check", "people"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("warn  email: 1 of 4 rows not matching"),
        "{text}"
    );
    let sql = text
        .lines()
        .find(|l| l.contains("rows: lake query") && l.contains("regexp_like"))
        .unwrap()
        .split_once("lake query \"")
        .unwrap()
        .1
        .trim_end_matches('"')
        .replace("\\\"", "\"");
    assert_eq!(lake.csv(&sql), "id,email,age,kind\n4,not an email,40,c\n");
    let list = lake.ok(&["rule", "list", "people"]);
    assert!(
        list.contains("people  email") && list.contains("failing: 1 of 4 rows not matching"),
        "{list}"
    );
    assert!(
        list.contains("people  ids") && list.contains("[block]  passing"),
        "{list}"
    );

    let e = lake.fails(&["rule", "add", "people", "x", "not_null", "--column", "nope"]);
    assert!(
        e.contains("people has no column nope; its columns are id, email, age, kind"),
        "{e}"
    );
    let e = lake.fails(&["rule", "add", "people", "x", "range", "--column", "age"]);
    assert!(e.contains("a range rule needs --min or --max"), "{e}");
    let e = lake.fails(&[
        "rule",
        "add",
        "people",
        "x",
        "sql",
        "--sql",
        "1); DROP TABLE people; --",
    ]);
    assert!(e.contains("error["), "{e}");
    assert_eq!(
        lake.ok(&["rule", "drop", "people", "email"]).trim(),
        "rule email dropped from people"
    );
    // A new version without a column a warning rule checks still imports, and says why the
    // rule failed; the other rules still run.
    let narrow = lake.file("narrow.csv", "id,email,age\n7,eve@x.org,30\n");
    let text = lake.ok(&["import", "--name", "people", narrow.to_str().unwrap()]);
    assert!(text.contains("imported people version 3"), "{text}");
    assert!(
        text.contains("warning: rule kind fails: could not be checked: people has no column kind"),
        "{text}"
    );
    let audit = lake.ok(&["audit"]);
    assert!(
        audit.contains("rule_drop") && audit.contains("rule_add"),
        "{audit}"
    );
}

#[test]
fn profile_from_the_cli() {
    let lake = TestLake::new();
    let mut csv = String::from("n,city\n");
    for i in 1..=10 {
        let city = if i <= 7 { "Paris" } else { "Rome" };
        csv.push_str(&format!("{i},{city}\n"));
    }
    csv.push_str(",Rome\n");
    let f = lake.file("t.csv", csv);
    lake.import(&[&f], &[]);
    let text = lake.ok(&["profile", "t"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "t v1: 11 rows", "{text}");
    assert!(
        lines[1].starts_with("n                    BIGINT       nulls   9.1%  distinct ≈10"),
        "{text}"
    );
    assert!(lines[1].ends_with("1 … 10"), "{text}");
    // Ten whole numbers, one bar each, all as high.
    assert_eq!(lines[2].trim(), "│██████████│", "{text}");
    assert!(lines[4].trim() == "top: Paris 64%, Rome 36%", "{text}");
    let p: serde_json::Value = serde_json::from_str(&lake.ok(&["profile", "t", "--json"])).unwrap();
    assert_eq!(
        p["columns"][0]["histogram"]["counts"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
    assert_eq!(p["columns"][1]["top"][0]["count"], 7);
    let err = lake.fails(&["profile", "nope"]);
    assert!(err.contains("unknown dataset"), "{err}");
}

#[test]
fn personal_data_is_suggested_tagged_and_masked_in_results_and_exports() {
    let lake = TestLake::new();
    let f = lake.file(
        "people.csv",
        "name,email,lat\nAnn,ann@example.com,51.50722\nBob,bob@mail.org,48.8566\n",
    );
    lake.import(&[&f], &[]);
    let s = lake.ok(&["pii", "suggest", "people", "--tag"]);
    assert!(
        s.contains("email                email     100% of sampled values are email addresses"),
        "{s}"
    );
    assert!(
        s.contains("lat                  location  lat holds exact places"),
        "{s}"
    );
    assert_eq!(
        lake.csv("SELECT email FROM people ORDER BY name"),
        "email\nann@example.com\nbob@mail.org\n"
    );
    lake.ok(&["pii", "mask", "on"]);
    let list = lake.ok(&["pii", "list"]);
    assert!(
        list.starts_with("masking is on") && list.contains("people.email  email"),
        "{list}"
    );
    let out = lake.run(&[
        "query",
        "--format",
        "csv",
        "SELECT name, email, lat FROM people ORDER BY name",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "name,email,lat\nAnn,a***@example.com,51.51\nBob,b***@mail.org,48.86\n"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("personal data masked in email, lat"));
    // An export is masked the same way.
    let path = lake.path().join("out.csv");
    lake.ok(&[
        "query",
        "--output",
        path.to_str().unwrap(),
        "SELECT email FROM people ORDER BY name",
    ]);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "email\na***@example.com\nb***@mail.org\n"
    );
    // The schema's statistics too: min and max of email and lat are masked, name's are not.
    let schema: serde_json::Value =
        serde_json::from_str(&lake.ok(&["schema", "people", "--json"])).unwrap();
    let stat = |c: usize, k: &str| schema["columns"][c][k].clone();
    assert_eq!(
        (stat(1, "min"), stat(1, "max")),
        ("a***@example.com".into(), "b***@mail.org".into())
    );
    assert_eq!(
        (stat(2, "min"), stat(2, "max")),
        (48.86.into(), 51.51.into())
    );
    assert_eq!(stat(0, "min"), "Ann");
    let e = lake.fails(&["pii", "untag", "people", "name"]);
    assert!(e.contains("people.name is not tagged"), "{e}");
    lake.ok(&["pii", "untag", "people", "email"]);
    assert_eq!(
        lake.csv("SELECT email FROM people ORDER BY name"),
        "email\nann@example.com\nbob@mail.org\n"
    );
}
