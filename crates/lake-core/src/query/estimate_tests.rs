//! The row estimator on data whose answers are known: every node of each plan is estimated
//! within ×1.5 of the rows it really gives.
#![cfg(test)]

use super::plan::PlanNode;
use super::spatial_tests::lake_with;
use super::{explain_query, QueryOptions};

fn data() -> (tempfile::TempDir, crate::Lake) {
    let mut orders = String::from("id,customer,status,amount\n");
    for i in 0..10_000 {
        let status = ["open", "shipped", "returned"][i % 3];
        orders.push_str(&format!("{i},{},{status},{i}\n", i % 500));
    }
    let mut customers = String::from("id,country,name\n");
    for i in 0..500 {
        customers.push_str(&format!("{i},c{},name{i:04}\n", i % 20));
    }
    lake_with(&[("orders.csv", &orders), ("customers.csv", &customers)])
}

fn nodes(n: &PlanNode) -> Vec<&PlanNode> {
    let mut out = vec![n];
    for c in &n.children {
        out.extend(nodes(c));
    }
    out
}

#[test]
fn estimates_filters_joins_group_bys_and_limits_from_the_statistics() {
    let (_dir, lake) = data();
    for (sql, rows) in [
        ("SELECT id FROM orders WHERE amount < 2500", 2_500),
        ("SELECT id FROM orders WHERE amount BETWEEN 1000 AND 1999", 1_000),
        ("SELECT id FROM orders WHERE status = 'shipped'", 3_333),
        ("SELECT id FROM orders WHERE status <> 'shipped'", 6_667),
        ("SELECT id FROM orders WHERE customer IN (1, 2, 3, 4, 5)", 100),
        ("SELECT id FROM orders WHERE amount >= 9000 AND status = 'open'", 334),
        ("SELECT id FROM customers WHERE name LIKE 'name00%'", 100),
        ("SELECT id FROM orders WHERE amount > 20000", 0),
        ("SELECT o.id FROM orders o JOIN customers c ON o.customer = c.id", 10_000),
        ("SELECT o.id FROM orders o JOIN customers c ON o.customer = c.id WHERE c.country = 'c3'", 500),
        ("SELECT status, count(*) FROM orders GROUP BY status", 3),
        ("SELECT country, count(*) AS n FROM customers GROUP BY country", 20),
        ("SELECT count(*) FROM orders", 1),
        ("SELECT id FROM orders LIMIT 7", 7),
        ("SELECT DISTINCT customer FROM orders", 500),
        ("SELECT CAST(sum(amount) AS DOUBLE) / 7 AS week FROM orders", 1),
        ("SELECT id FROM customers WHERE id NOT IN (SELECT customer FROM orders WHERE amount < 50)", 450),
        ("SELECT id FROM customers WHERE id IN (SELECT customer FROM orders WHERE amount < 50)", 50),
    ] {
        let plan = explain_query(&lake, sql, true, &QueryOptions::default()).unwrap();
        assert_eq!(plan.root.actual_rows, Some(rows), "{sql}\n{}", plan.to_text());
        for n in nodes(&plan.root) {
            let (est, act) = (n.est_rows.unwrap().max(1) as f64, n.actual_rows.unwrap().max(1) as f64);
            let miss = if est > act { est / act } else { act / est };
            assert!(miss <= 1.5, "{sql}: {} estimated {est}, really {act}\n{}", n.label, plan.to_text());
        }
    }
}

#[test]
fn the_catalog_knows_each_columns_distinct_values() {
    let (_dir, lake) = data();
    let d = crate::catalog::describe(&lake.catalog(), "orders").unwrap();
    let distinct = |c: &str| {
        d.columns
            .iter()
            .find(|x| x.name == c)
            .unwrap()
            .distinct
            .unwrap()
    };
    assert_eq!(distinct("status"), 3);
    let near = |got: u64, want: f64| ((got as f64 - want) / want).abs() < 0.05;
    assert!(
        near(distinct("customer"), 500.0),
        "{}",
        distinct("customer")
    );
    assert!(near(distinct("id"), 10_000.0), "{}", distinct("id"));
}

#[test]
fn files_of_a_key_add_up_and_files_of_a_repeated_column_overlap() {
    use crate::catalog::merge_distinct;
    // A key over 4 files of 1,000 rows, each file 1,000 distinct.
    assert_eq!(merge_distinct(&[(1_000, 1_000); 4]), 4_000);
    // 25 nations in every file.
    let n = merge_distinct(&[(1_000, 25); 4]);
    assert!((25..=30).contains(&n), "{n}");
    assert_eq!(merge_distinct(&[]), 0);
}

#[test]
fn analyzed_runs_keep_their_plans_for_comparison() {
    let (_dir, lake) = data();
    let sql = "SELECT status, count(*) FROM orders GROUP BY status";
    let first = explain_query(&lake, sql, true, &QueryOptions::default()).unwrap();
    // A plain EXPLAIN is not a run.
    explain_query(&lake, sql, false, &QueryOptions::default()).unwrap();
    let runs = super::plan_runs(&lake, sql, 5).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].plan.root.actual_rows, first.root.actual_rows);
    assert!(
        runs[0].plan.root.raw.is_empty(),
        "the engine text is not kept"
    );
    let kept = crate::catalog::PLANS_KEPT as usize;
    for _ in 0..kept {
        explain_query(&lake, sql, true, &QueryOptions::default()).unwrap();
    }
    assert_eq!(super::plan_runs(&lake, sql, 50).unwrap().len(), kept);
    assert!(super::plan_runs(&lake, "SELECT 1", 5).unwrap().is_empty());
}

#[test]
fn a_dataset_may_be_named_data() {
    use super::estimate::dataset_of_path;
    assert_eq!(
        dataset_of_path("/home/me/lake/data/data/v1/part-00000.parquet").as_deref(),
        Some("data")
    );
    assert_eq!(
        dataset_of_path("/data/lake/data/takeout.emails/v12/part-00000.parquet").as_deref(),
        Some("takeout.emails")
    );
    assert_eq!(dataset_of_path("/srv/data/x.parquet"), None);
}
