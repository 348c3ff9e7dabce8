#![cfg(test)]
//! The vector functions through Polars SQL, against values DuckDB 1.4.4 gives for the same
//! calls, and against sums worked out here on random vectors.

use polars::prelude::*;
use polars::sql::SQLContext;

fn ctx(frame: DataFrame) -> SQLContext {
    let ctx = SQLContext::new().with_function_registry(std::sync::Arc::new(super::VectorFunctions));
    ctx.register("t", frame.lazy());
    ctx
}

fn vectors(name: &str, rows: &[Option<Vec<f32>>], dim: usize) -> Column {
    let list: ListChunked = rows
        .iter()
        .map(|r| r.as_ref().map(|v| Series::new("".into(), v.clone())))
        .collect();
    list.into_series()
        .with_name(name.into())
        .cast(&DataType::Array(Box::new(DataType::Float32), dim))
        .unwrap()
        .into_column()
}

fn one(sql: &str) -> PolarsResult<AnyValue<'static>> {
    let df = SQLContext::new()
        .with_function_registry(std::sync::Arc::new(super::VectorFunctions))
        .execute(sql)?
        .collect()?;
    Ok(df.columns()[0].get(0)?.into_static())
}

#[test]
fn values_match_duckdb() {
    // DuckDB: array_distance([1,2]::FLOAT[2],[4,6]::FLOAT[2]) = 5.0, and so on.
    let df = DataFrame::new(
        1,
        vec![
            vectors("a", &[Some(vec![1.0, 2.0])], 2),
            vectors("b", &[Some(vec![4.0, 6.0])], 2),
        ],
    )
    .unwrap();
    let out = ctx(df)
        .execute(
            "SELECT array_distance(a, b) AS d, array_inner_product(a, b) AS ip, \
             array_negative_inner_product(a, b) AS nip, array_cosine_similarity(a, b) AS cs, \
             array_cosine_distance(a, b) AS cd, list_dot_product(a, b) AS dp FROM t",
        )
        .unwrap()
        .collect()
        .unwrap();
    let f = |c: &str| out.column(c).unwrap().f32().unwrap().get(0).unwrap();
    assert_eq!(f("d"), 5.0);
    assert_eq!(f("ip"), 16.0);
    assert_eq!(f("nip"), -16.0);
    assert_eq!(f("dp"), 16.0);
    // DuckDB: 0.9922778767136677 (on DOUBLE[2]); as a FLOAT here.
    assert!((f("cs") - 0.992_277_9).abs() < 1e-6, "{}", f("cs"));
    assert!((f("cd") - (1.0 - 0.992_277_9)).abs() < 1e-6);
    assert_eq!(out.column("d").unwrap().dtype(), &DataType::Float32);
}

#[test]
fn literals_nulls_zero_vectors_and_wrong_calls() {
    // Lists of numbers are vectors too; their values are DOUBLE, as DuckDB's list_distance.
    assert_eq!(
        one("SELECT list_distance([1, 2], [4, 6])").unwrap(),
        AnyValue::Float64(5.0)
    );
    // A NULL vector gives NULL.
    let df = DataFrame::new(2, vec![vectors("a", &[Some(vec![0.0, 0.0]), None], 2)]).unwrap();
    let out = ctx(df)
        .execute("SELECT array_cosine_similarity(a, [1.0, 1.0]) AS cs, array_distance(a, [3.0, 4.0]) AS d FROM t")
        .unwrap()
        .collect()
        .unwrap();
    // A zero vector's cosine is NaN (DuckDB: nan).
    assert!(out
        .column("cs")
        .unwrap()
        .f64()
        .unwrap()
        .get(0)
        .unwrap()
        .is_nan());
    assert_eq!(out.column("cs").unwrap().null_count(), 1);
    assert_eq!(out.column("d").unwrap().f64().unwrap().get(0), Some(5.0));
    // No rows: no values, and no error.
    let empty = DataFrame::new(0, vec![vectors("a", &[], 2)]).unwrap();
    let out = ctx(empty)
        .execute("SELECT array_distance(a, [1.0, 2.0]) AS d FROM t")
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(out.height(), 0);
    // Different sizes, a NULL inside, not a vector, the wrong number of arguments.
    for (sql, want) in [
        (
            "SELECT array_distance([1, 2], [4, 6, 7])",
            "vectors of 2 and 3 values",
        ),
        (
            "SELECT array_distance([1, NULL], [4, 6])",
            "a left vector holds a NULL",
        ),
        ("SELECT array_distance('abc', [4, 6])", "must be a vector"),
        (
            "SELECT array_inner_product([1, 2])",
            "array_inner_product([1, 2])",
        ),
        ("SELECT array_distance(['a'], ['b'])", "must hold numbers"),
    ] {
        let err = one(sql)
            .err()
            .unwrap_or_else(|| panic!("{sql} ran"))
            .to_string();
        assert!(err.contains(want), "{sql}: {err}");
    }
}

#[test]
fn random_vectors_against_sums_worked_out_here() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    };
    let dim = 37;
    let rows: Vec<Option<Vec<f32>>> = (0..200)
        .map(|_| Some((0..dim).map(|_| next()).collect()))
        .collect();
    let query: Vec<f32> = (0..dim).map(|_| next()).collect();
    let lit = format!(
        "[{}]",
        query
            .iter()
            .map(|v| format!("{v:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // The literal's values as SQL reads them (decimals, then DOUBLE).
    let query: Vec<f64> = query
        .iter()
        .map(|v| format!("{v:?}").parse().unwrap())
        .collect();
    let df = DataFrame::new(rows.len(), vec![vectors("v", &rows, dim)]).unwrap();
    let out = ctx(df)
        .execute(&format!(
            "SELECT array_distance(v, {lit}) AS d, array_cosine_distance(v, {lit}) AS c, \
             array_inner_product(v, {lit}) AS ip FROM t"
        ))
        .unwrap()
        .collect()
        .unwrap();
    for (i, r) in rows.iter().enumerate() {
        let a = r.as_ref().unwrap();
        let dot: f64 = a.iter().zip(&query).map(|(x, y)| *x as f64 * *y).sum();
        let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
        let nb: f64 = query.iter().map(|x| x.powi(2)).sum::<f64>().sqrt();
        let d: f64 = a
            .iter()
            .zip(&query)
            .map(|(x, y)| (*x as f64 - *y).powi(2))
            .sum::<f64>()
            .sqrt();
        let got = |c: &str| out.column(c).unwrap().f64().unwrap().get(i).unwrap();
        assert!((got("d") - d).abs() < 1e-9, "row {i}");
        assert!((got("ip") - dot).abs() < 1e-9, "row {i}");
        assert!((got("c") - (1.0 - dot / (na * nb))).abs() < 1e-9, "row {i}");
    }
}
