use super::*;

fn stats() -> Stats {
    let t = |cols: &[&str], rows: u64| TableStats {
        columns: cols.iter().map(|c| c.to_string()).collect(),
        rows,
        distinct: cols.iter().map(|c| (c.to_string(), rows)).collect(),
    };
    [
        (
            "big".to_string(),
            t(&["b_id", "b_small", "b_mid", "b_x"], 1_000_000),
        ),
        ("mid".to_string(), t(&["m_id", "m_y"], 10_000)),
        ("small".to_string(), t(&["s_id", "s_name"], 10)),
    ]
    .into_iter()
    .collect()
}

fn run(sql: &str) -> (String, Vec<String>) {
    let mut st = Parser::parse_sql(&GenericDialect {}, sql)
        .unwrap()
        .remove(0);
    let fired = rewrite(&mut st, &stats());
    (st.to_string(), fired)
}

#[test]
fn comma_joins_become_ordered_inner_joins() {
    let (sql, fired) = run("SELECT s_name, count(*) FROM big, mid, small \
         WHERE b_mid = m_id AND b_small = s_id AND s_name = 'x' AND (m_y = 1 OR m_y = 2) \
         GROUP BY s_name");
    assert_eq!(
        sql,
        "SELECT s_name, count(*) FROM small JOIN big ON b_small = s_id JOIN mid ON b_mid = m_id \
         WHERE s_name = 'x' AND (m_y = 1 OR m_y = 2) GROUP BY s_name"
    );
    assert_eq!(fired, ["comma_joins_to_inner_joins", "join_reordering"]);
    // SELECT * keeps the text order (its column order depends on it).
    let (sql, _) = run("SELECT * FROM big, small WHERE b_small = s_id");
    assert_eq!(sql, "SELECT * FROM big JOIN small ON b_small = s_id");
    // No condition between two relations: a cross join, never a lost row.
    let (sql, _) = run("SELECT s_name, m_y FROM small, mid");
    assert!(sql.contains("CROSS JOIN"), "{sql}");
}

#[test]
fn correlated_scalar_subqueries_are_left_to_polars() {
    for q in [
        "SELECT b_id FROM big WHERE b_x < (SELECT 0.2 * avg(b_x) FROM big AS i WHERE i.b_mid = big.b_mid)",
        "SELECT m_id FROM mid WHERE 0 = (SELECT count(*) FROM big WHERE b_mid = m_id)",
    ] {
        let (sql, fired) = run(q);
        assert!(sql.contains("(SELECT "), "{sql}");
        assert!(!sql.contains("__sq"), "{sql}");
        assert!(
            !fired.iter().any(|f| f.starts_with("decorrelate")),
            "{fired:?}"
        );
    }
}

#[test]
fn exists_with_inequality_uses_min_and_max() {
    let (sql, _) = run(
        "SELECT b_id FROM big AS o WHERE EXISTS (SELECT * FROM big AS i WHERE i.b_mid = o.b_mid AND i.b_small < o.b_small) \
         AND NOT EXISTS (SELECT * FROM big AS j WHERE j.b_mid = o.b_mid AND j.b_small > o.b_small AND j.b_x > 5)",
    );
    assert_eq!(
        sql,
        "SELECT b_id FROM \
         (SELECT i.b_mid AS __sq0_k0, min(i.b_small) AS __sq0_min FROM big AS i GROUP BY i.b_mid) AS __sq0 JOIN big AS o ON o.b_mid = __sq0_k0 \
         LEFT OUTER JOIN (SELECT j.b_mid AS __sq1_k0, max(j.b_small) AS __sq1_max FROM big AS j WHERE j.b_x > 5 GROUP BY j.b_mid) AS __sq1 ON o.b_mid = __sq1_k0 \
         WHERE __sq0_min < o.b_small \
         AND NOT COALESCE(__sq1_max > o.b_small, false)"
    );
}

#[test]
fn exists_with_not_equal_is_left_to_polars() {
    let (sql, fired) = run(
        "SELECT b_id FROM big AS o WHERE EXISTS (SELECT * FROM big AS i WHERE i.b_mid = o.b_mid AND i.b_small <> o.b_small)",
    );
    assert!(sql.contains("WHERE EXISTS (SELECT"), "{sql}");
    assert!(
        !fired.contains(&"decorrelate_exists".to_string()),
        "{fired:?}"
    );
}

#[test]
fn ors_give_up_their_common_join_key_and_per_relation_filters() {
    let (sql, fired) = run(
        "SELECT b_id FROM big, mid WHERE (b_mid = m_id AND m_y = 1 AND b_x = 2) \
         OR (b_mid = m_id AND m_y = 3 AND b_x = 4)",
    );
    assert_eq!(
        sql,
        "SELECT b_id FROM (SELECT * FROM mid AS \"mid\" WHERE ((m_y = 1) OR (m_y = 3))) AS \"mid\" \
         JOIN (SELECT * FROM big AS \"big\" WHERE ((b_x = 2) OR (b_x = 4))) AS \"big\" \
         ON b_mid = m_id WHERE ((m_y = 1 AND b_x = 2) OR (m_y = 3 AND b_x = 4))"
    );
    assert!(fired.contains(&"or_factoring".to_string()));
    assert!(fired.contains(&"filters_into_join_inputs".to_string()));
}

#[test]
fn grouped_in_subqueries_become_semi_joins_and_filtered_keys_narrow_subqueries() {
    let (sql, fired) = run("SELECT s_name, b_x FROM small, big WHERE b_small = s_id \
         AND b_id IN (SELECT b_mid FROM big GROUP BY b_mid HAVING sum(b_x) > 3)");
    assert_eq!(
        sql,
        "SELECT s_name, b_x FROM small JOIN big ON b_small = s_id LEFT SEMI JOIN \
         (SELECT b_mid AS __sq0_k FROM big GROUP BY b_mid HAVING sum(b_x) > 3) AS __sq0 \
         ON b_id = __sq0_k"
    );
    assert!(fired.contains(&"in_subquery_to_semi_join".to_string()));
    let (sql, fired) = run(
        "SELECT b_id FROM big, small WHERE b_small = s_id AND s_name = 'x' \
         AND EXISTS (SELECT * FROM big AS i WHERE i.b_small = s_id AND i.b_x < big.b_x)",
    );
    assert!(
        sql.contains(
            "FROM big AS i LEFT SEMI JOIN (SELECT DISTINCT s_id AS __sq0_k FROM small \
             WHERE s_name = 'x') AS __sq0 ON i.b_small = __sq0_k GROUP BY i.b_small"
        ),
        "{sql}"
    );
    assert!(fired.contains(&"subquery_key_filter".to_string()));
}

#[test]
fn left_join_right_only_conditions_move_into_the_right_side() {
    let (sql, fired) = run(
        "SELECT c, count(*) FROM (SELECT m_id, count(b_id) FROM mid LEFT OUTER JOIN big \
         ON m_id = b_mid AND b_x NOT LIKE '%a%' GROUP BY m_id) AS t (k, c) GROUP BY c",
    );
    assert_eq!(
        sql,
        "SELECT c, count(*) FROM (SELECT m_id AS k, count(b_id) AS c FROM mid LEFT OUTER JOIN \
         (SELECT * FROM big WHERE b_x NOT LIKE '%a%') AS \"big\" ON m_id = b_mid GROUP BY m_id) AS t GROUP BY c"
    );
    assert!(fired.contains(&"left_join_condition_pushdown".to_string()));
    assert!(fired.contains(&"derived_column_aliases".to_string()));
}
