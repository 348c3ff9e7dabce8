//! The committed column-lineage cases (`column_lineage_cases.txt`), each with its expected
//! edges, and the lineage of real derived datasets and views.
#![cfg(test)]

use super::*;

struct Case {
    name: String,
    schemas: Schemas,
    sql: String,
    expect: Vec<String>,
}

fn cases() -> Vec<Case> {
    let text = include_str!("column_lineage_cases.txt");
    let mut out: Vec<Case> = Vec::new();
    let mut in_expect = false;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix("== ") {
            out.push(Case {
                name: name.into(),
                schemas: Schemas::new(),
                sql: String::new(),
                expect: Vec::new(),
            });
            in_expect = false;
            continue;
        }
        let c = out.last_mut().expect("a case starts with ==");
        if let Some(t) = line.strip_prefix("tables: ") {
            for table in t.split(") ").map(|s| s.trim_end_matches(')')) {
                let (name, cols) = table.split_once('(').expect("name(cols)");
                let cols = cols.split(", ").map(str::to_string).collect();
                c.schemas.insert(name.trim().to_string(), cols);
            }
        } else if let Some(s) = line.strip_prefix("sql: ") {
            c.sql = s.to_string();
        } else if line == "expect:" {
            in_expect = true;
        } else if in_expect {
            c.expect.push(line.trim_end().to_string());
        } else {
            panic!("unexpected line in case {}: {line}", c.name);
        }
    }
    out
}

fn render(l: &ColumnLineage) -> Vec<String> {
    let fmt = |v: &[ColumnInput]| {
        v.iter()
            .map(|i| format!("{}.{} {}", i.dataset, i.column, i.subtype))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out: Vec<String> = l
        .columns
        .iter()
        .map(|c| {
            format!("{} <- {}", c.name, fmt(&c.inputs))
                .trim_end()
                .to_string()
        })
        .collect();
    if !l.dataset.is_empty() {
        out.push(format!("* <- {}", fmt(&l.dataset)));
    }
    out
}

#[test]
fn committed_sql_cases_give_their_expected_edges() {
    let cases = cases();
    assert!(
        cases.len() >= 15,
        "the cases file was read: {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for c in &cases {
        let guarded =
            crate::query::guard::guard(&c.sql).unwrap_or_else(|e| panic!("case {}: {e}", c.name));
        let sqlparser::ast::Statement::Query(q) = &guarded.statement else {
            panic!("case {}: not a query", c.name);
        };
        let got = render(&analyze(q, &c.schemas));
        if got != c.expect {
            failures.push(format!(
                "== {}\nexpected:\n  {}\ngot:\n  {}",
                c.name,
                c.expect.join("\n  "),
                got.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn derived_datasets_and_views_on_a_real_lake() {
    let dir = tempfile::tempdir().unwrap();
    let lake = crate::Lake::open_or_init(&dir.path().join("lake")).unwrap();
    let csv = |name: &str, text: &str, mode| {
        crate::test_util::import_csv(&lake, dir.path(), name, "people", text, mode)
    };
    csv("v1.csv", "id,name\n1,Ann\n", crate::ingest::Mode::Replace);
    csv(
        "v2.csv",
        "id,name,age\n1,Ann,30\n2,Bob,12\n",
        crate::ingest::Mode::Replace,
    );
    crate::query::views::create(
        &lake,
        "adults",
        "SELECT id, name FROM people WHERE age >= 18",
    )
    .unwrap();
    let l = of_sql(
        &lake,
        "SELECT upper(name) FROM adults",
        &[],
        Some(&["name".into()]),
    )
    .unwrap();
    assert_eq!(
        render(&l),
        [
            "name <- people.name TRANSFORMATION",
            "* <- people.age FILTER"
        ]
    );
    let cols = |read: &[crate::catalog::lineage::InputVersion]| {
        let l = of_sql(&lake, "SELECT * FROM people", read, None).unwrap();
        l.columns.into_iter().map(|c| c.name).collect::<Vec<_>>()
    };
    assert_eq!(cols(&[]), ["id", "name", "age"]);
    // A derived dataset's lineage uses the columns of the version it read.
    let read = [crate::catalog::lineage::InputVersion {
        dataset: "people".into(),
        version: 1,
        pinned: false,
    }];
    assert_eq!(cols(&read), ["id", "name"]);
}
