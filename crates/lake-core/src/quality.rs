//! Quality rules: declared per dataset (`lake rule add`), checked on every import before its
//! commit (a failing blocking rule refuses the import and the current version stays; a
//! warning rule lets it in and says so) and on demand (`lake check`). Results are kept as
//! history. Each rule is a SQL count over the version's rows, run by the engine through the
//! guard, with a query that lists the failing rows.

use std::path::PathBuf;

use polars::prelude::*;
use polars::sql::SQLContext;

use crate::catalog::quality::{Rule, RuleKind, RuleResult};
use crate::catalog::{now_rfc3339, ColumnDef};
use crate::error::{LakeError, Result};
use crate::Lake;

pub(crate) use crate::catalog::sql_type::ident;

fn text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// The condition that picks a rule's failing rows, over a table whose columns are the
/// dataset's; None for rules that do not look at rows one by one.
fn failing_condition(rule: &Rule) -> Option<String> {
    let c = rule.column.as_deref().map(ident).unwrap_or_default();
    match &rule.check {
        RuleKind::NotNull => Some(format!("{c} IS NULL")),
        RuleKind::Range { min, max } => {
            let mut parts = Vec::new();
            if let Some(m) = min {
                parts.push(format!("CAST({c} AS DOUBLE) < {m:?}"));
            }
            if let Some(m) = max {
                parts.push(format!("CAST({c} AS DOUBLE) > {m:?}"));
            }
            Some(parts.join(" OR "))
        }
        RuleKind::Regex { pattern } => Some(format!(
            "{c} IS NOT NULL AND NOT regexp_like(CAST({c} AS VARCHAR), {})",
            text(pattern)
        )),
        RuleKind::InSet { values } => Some(format!(
            "{c} IS NOT NULL AND CAST({c} AS VARCHAR) NOT IN ({})",
            values
                .iter()
                .map(|v| text(v))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        RuleKind::Sql { predicate } => Some(format!("NOT ({predicate})")),
        RuleKind::Unique | RuleKind::Freshness { .. } | RuleKind::RowCountChange { .. } => None,
    }
}

/// A query listing the failing rows of `table` (the dataset's name, or `t`).
fn failing_rows_sql(rule: &Rule, table: &str) -> Option<String> {
    if let Some(cond) = failing_condition(rule) {
        return Some(format!("SELECT * FROM {table} WHERE {cond}"));
    }
    if rule.check == RuleKind::Unique {
        let c = ident(rule.column.as_deref()?);
        return Some(format!(
            "SELECT * FROM {table} WHERE {c} IN (SELECT {c} FROM {table} WHERE {c} IS NOT NULL \
             GROUP BY {c} HAVING count(*) > 1) ORDER BY {c}"
        ));
    }
    None
}

/// Runs a read-only count over `lf` registered as `t`; the SQL goes through the guard first.
fn count(lf: &LazyFrame, sql: &str) -> Result<u64> {
    crate::query::guard::guard(sql)?;
    let mut ctx = SQLContext::new();
    ctx.register("t", lf.clone());
    let df = ctx
        .execute(sql)
        .and_then(crate::storage::collect_shielded)
        .map_err(|e| LakeError::QueryFailed(format!("checking the rule: {e}")))?;
    let c = df.columns()[0]
        .cast(&DataType::UInt64)
        .map_err(|e| LakeError::Internal(e.to_string()))?;
    Ok(c.u64().ok().and_then(|c| c.get(0)).unwrap_or(0))
}

/// Checks `rule` on the rows of `lf` (`rows` of them; `previous` rows in the version before).
fn evaluate(
    rule: &Rule,
    lf: &LazyFrame,
    rows: u64,
    previous: Option<u64>,
) -> Result<(u64, String)> {
    if let Some(cond) = failing_condition(rule) {
        let n = count(lf, &format!("SELECT count(*) AS n FROM t WHERE {cond}"))?;
        let what = match &rule.check {
            RuleKind::NotNull => "null",
            RuleKind::Range { .. } => "out of range",
            RuleKind::Regex { .. } => "not matching",
            RuleKind::InSet { .. } => "not in the set",
            _ => "failing",
        };
        return Ok((n, format!("{n} of {rows} rows {what}")));
    }
    match &rule.check {
        RuleKind::Unique => {
            let c = ident(rule.column.as_deref().unwrap_or_default());
            let n = count(
                lf,
                &format!(
                    "SELECT coalesce(sum(k), 0) AS n FROM (SELECT {c}, count(*) AS k FROM t \
                     WHERE {c} IS NOT NULL GROUP BY {c}) AS g WHERE k > 1"
                ),
            )?;
            Ok((
                n,
                format!("{n} of {rows} rows share their value with another"),
            ))
        }
        RuleKind::Freshness { max_age_secs } => {
            let c = rule.column.as_deref().unwrap_or_default();
            let newest = lf.clone().select([col(c)
                .cast(DataType::Datetime(TimeUnit::Microseconds, None))
                .cast(DataType::Int64)
                .max()]);
            let df = crate::storage::collect_shielded(newest)
                .map_err(|e| LakeError::QueryFailed(format!("checking the rule: {e}")))?;
            let us = df.columns()[0].i64().ok().and_then(|c| c.get(0));
            let now = chrono::Utc::now().timestamp_micros();
            match us {
                None => Ok((1, "no dates at all".into())),
                Some(us) => {
                    let age = ((now - us).max(0) / 1_000_000) as u64;
                    let when = chrono::DateTime::from_timestamp_micros(us)
                        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                        .unwrap_or_default();
                    let fails = age > *max_age_secs;
                    Ok((
                        u64::from(fails),
                        format!("newest is {when}, {} old", age_text(age)),
                    ))
                }
            }
        }
        RuleKind::RowCountChange { max_percent } => match previous {
            None | Some(0) => Ok((0, format!("{rows} rows (no previous version to compare)"))),
            Some(p) => {
                let change = (rows as f64 - p as f64) / p as f64 * 100.0;
                let fails = change.abs() > *max_percent;
                Ok((
                    u64::from(fails),
                    format!("{p} → {rows} rows ({change:+.1}%)"),
                ))
            }
        },
        _ => unreachable!("rules with a row condition are counted above"),
    }
}

/// An error's words without the "the rule:" prefix a bad rule's error carries.
fn why(e: LakeError) -> String {
    match e {
        LakeError::BadInput { message, .. } => message,
        e => e.to_string(),
    }
}

fn age_text(secs: u64) -> String {
    match secs {
        s if s >= 86_400 => format!("{}d", s / 86_400),
        s if s >= 3_600 => format!("{}h", s / 3_600),
        s => format!("{}m", s / 60),
    }
}

fn result(rule: &Rule, version: Option<u32>, (failing, detail): (u64, String)) -> RuleResult {
    RuleResult {
        rule: rule.name.clone(),
        version,
        passed: failing == 0,
        failing,
        failing_sql: (failing > 0)
            .then(|| failing_rows_sql(rule, &ident(&rule.dataset)))
            .flatten(),
        detail,
        block: rule.block,
        ts: now_rfc3339(),
    }
}

fn check_columns(rule: &Rule, schema: &[ColumnDef]) -> Result<()> {
    let needs_column = !matches!(
        rule.check,
        RuleKind::RowCountChange { .. } | RuleKind::Sql { .. }
    );
    match (&rule.column, needs_column) {
        (None, true) => Err(LakeError::bad_input(
            "the rule",
            None,
            "this kind of rule checks a column: give it with --column",
        )),
        (Some(c), _) if !schema.iter().any(|d| &d.name == c) => {
            let names: Vec<&str> = schema.iter().map(|d| d.name.as_str()).collect();
            Err(LakeError::bad_input(
                "the rule",
                None,
                format!(
                    "{} has no column {c}; its columns are {}",
                    rule.dataset,
                    names.join(", ")
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// Checks and stores `rule`, then checks it on the current version (its result is returned
/// and kept). A rule that cannot run (a bad pattern, an SQL error) is refused.
pub fn add_rule(lake: &Lake, rule: &Rule) -> Result<RuleResult> {
    let valid_name = !rule.name.is_empty()
        && rule.name.len() <= 64
        && rule
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid_name {
        return Err(LakeError::bad_input(
            "the rule's name",
            None,
            format!(
                "'{}' is not a rule name: use letters, digits, _ and -",
                rule.name
            ),
        ));
    }
    let ds = lake.catalog().require_dataset(&rule.dataset)?;
    check_columns(rule, &ds.schema)?;
    let lf = lake
        .scan_files(ds.files.iter().map(|f| f.path.as_str()))?
        .map_err(|e| LakeError::QueryFailed(e.to_string()))?;
    let previous = previous_rows(lake, &ds.name, ds.version)?;
    let r = result(
        rule,
        Some(ds.version),
        evaluate(rule, &lf, ds.rows, previous)?,
    );
    let _lock = lake.try_write_lock()?;
    lake.catalog().put_rule(rule)?;
    lake.catalog()
        .record_results(&rule.dataset, std::slice::from_ref(&r))?;
    Ok(r)
}

fn previous_rows(lake: &Lake, dataset: &str, version: u32) -> Result<Option<u64>> {
    // (`versions` lists rows per version without the sources `history` reads for each.)
    Ok(lake
        .catalog()
        .versions(dataset)?
        .into_iter()
        .find(|v| v.version < version)
        .map(|v| v.rows))
}

/// Checks every rule of `dataset` on its current version, and keeps the results.
pub fn check(lake: &Lake, dataset: &str) -> Result<Vec<RuleResult>> {
    let ds = lake.catalog().require_dataset(dataset)?;
    let rules = lake.catalog().rules(Some(dataset))?;
    let lf = lake
        .scan_files(ds.files.iter().map(|f| f.path.as_str()))?
        .map_err(|e| LakeError::QueryFailed(e.to_string()))?;
    let previous = previous_rows(lake, dataset, ds.version)?;
    let mut out = Vec::new();
    for rule in &rules {
        let found = check_columns(rule, &ds.schema)
            .and_then(|()| evaluate(rule, &lf, ds.rows, previous))
            .unwrap_or_else(|e| (1, format!("could not be checked: {}", why(e))));
        let r = result(rule, Some(ds.version), found);
        out.push(r);
    }
    if !out.is_empty() && !lake.is_read_only() {
        lake.catalog().record_results(dataset, &out)?;
    }
    Ok(out)
}

/// Checks the rules of `dataset` on a version about to be committed: `staged` are its new
/// files (in staging), plus the current version's files when it appends. Results are kept.
pub fn check_staged(
    lake: &Lake,
    dataset: &str,
    staged: &[PathBuf],
    append: bool,
    schema: &[ColumnDef],
) -> Result<Vec<RuleResult>> {
    let rules = lake.catalog().rules(Some(dataset))?;
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    let current = lake.catalog().dataset(dataset)?;
    let mut paths: Vec<PlRefPath> = staged
        .iter()
        .map(|p| PlRefPath::new(p.to_string_lossy().as_ref()))
        .collect();
    if let (true, Some(cur)) = (append, &current) {
        for f in &cur.files {
            paths.push(PlRefPath::new(
                lake.data_file(&f.path)?.to_string_lossy().as_ref(),
            ));
        }
    }
    let args = ScanArgsParquet {
        cache: false,
        glob: false,
        hive_options: HiveOptions::new_disabled(),
        ..Default::default()
    };
    let lf = LazyFrame::scan_parquet_sources(ScanSources::Paths(paths.into_iter().collect()), args)
        .map_err(|e| LakeError::QueryFailed(e.to_string()))?;
    let rows = crate::storage::collect_shielded(lf.clone().select([len()]))
        .ok()
        .and_then(|df| {
            df.columns()[0]
                .cast(&DataType::UInt64)
                .ok()?
                .u64()
                .ok()?
                .get(0)
        })
        .unwrap_or(0);
    let previous = current.as_ref().map(|c| c.rows);
    let mut out = Vec::new();
    for rule in &rules {
        // A rule that cannot run on this version (a column it checks is gone, say) fails,
        // and blocks only if it is a blocking rule; the other datasets' imports go on.
        let found = check_columns(rule, schema)
            .and_then(|()| evaluate(rule, &lf, rows, previous))
            .unwrap_or_else(|e| (1, format!("could not be checked: {}", why(e))));
        let r = result(rule, None, found);
        out.push(r);
    }
    lake.catalog().record_results(dataset, &out)?;
    Ok(out)
}

/// The latest kept result of each rule of `dataset` (from its last import or check), without
/// running anything: for a badge.
pub fn latest(lake: &Lake, dataset: &str) -> Result<Vec<RuleResult>> {
    let rules = lake.catalog().rules(Some(dataset))?;
    let kept = lake.catalog().latest_results(dataset)?;
    Ok(rules
        .iter()
        .filter_map(|rule| {
            let (_, passed, failing, detail, version, ts) =
                kept.iter().find(|k| k.0 == rule.name)?.clone();
            Some(RuleResult {
                rule: rule.name.clone(),
                version,
                passed,
                failing,
                failing_sql: (!passed)
                    .then(|| failing_rows_sql(rule, &ident(&rule.dataset)))
                    .flatten(),
                detail,
                block: rule.block,
                ts,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{import_paths, CancelToken, ImportOptions, NoProgress};

    fn rule(name: &str, column: Option<&str>, check: RuleKind) -> Rule {
        Rule {
            dataset: "ev".into(),
            name: name.into(),
            column: column.map(str::to_string),
            check,
            block: false,
        }
    }

    #[test]
    fn each_kind_counts_what_fails() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        let p = dir.path().join("ev.csv");
        let recent = (chrono::Utc::now() - chrono::Duration::hours(2)).format("%Y-%m-%dT%H:%M:%SZ");
        std::fs::write(
            &p,
            format!(
                "id,ts,note\n1,2020-01-01T00:00:00Z,a\n2,{recent},\n2,2021-01-01T00:00:00Z,it's\n"
            ),
        )
        .unwrap();
        let opts = ImportOptions {
            name: Some("ev".into()),
            ..Default::default()
        };
        import_paths(&lake, &[p], &opts, &NoProgress, &CancelToken::new()).unwrap();
        let got = |r: Rule| {
            let x = add_rule(&lake, &r).unwrap();
            (x.failing, x.detail)
        };
        assert_eq!(got(rule("nn", Some("note"), RuleKind::NotNull)).0, 1);
        assert_eq!(got(rule("uq", Some("id"), RuleKind::Unique)).0, 2);
        let r = rule(
            "rg",
            Some("id"),
            RuleKind::Range {
                min: Some(1.5),
                max: None,
            },
        );
        assert_eq!(got(r).0, 1);
        let r = rule(
            "set",
            Some("note"),
            RuleKind::InSet {
                values: vec!["a".into(), "it's".into()],
            },
        );
        assert_eq!(got(r).0, 0, "quotes in values are escaped, and nulls pass");
        let fresh = got(rule(
            "fresh",
            Some("ts"),
            RuleKind::Freshness {
                max_age_secs: 86_400,
            },
        ));
        assert_eq!(fresh.0, 0, "{}", fresh.1);
        assert!(fresh.1.contains("2h old"), "{}", fresh.1);
        let stale = got(rule(
            "old",
            Some("ts"),
            RuleKind::Freshness {
                max_age_secs: 3_600,
            },
        ));
        assert_eq!(stale.0, 1);
        let r = rule(
            "sql",
            None,
            RuleKind::Sql {
                predicate: "id < 2".into(),
            },
        );
        assert_eq!(got(r).0, 2);
        let r = rule("rows", None, RuleKind::RowCountChange { max_percent: 10.0 });
        assert!(got(r).1.contains("no previous version"));
        // Failing rows can be listed with the query the result carries.
        let r = check(&lake, "ev").unwrap();
        let uq = r.iter().find(|x| x.rule == "uq").unwrap();
        let sql = uq.failing_sql.clone().unwrap();
        let out = crate::query::run_query(&lake, &sql, &Default::default()).unwrap();
        assert_eq!(out.frame.height(), 2);
        assert_eq!(latest(&lake, "ev").unwrap().len(), 8);
        // A pattern the engine cannot read and a condition that is not SQL are refused.
        let bad = rule(
            "re",
            Some("note"),
            RuleKind::Regex {
                pattern: "(".into(),
            },
        );
        assert!(add_rule(&lake, &bad).is_err());
        let bad = rule(
            "bad",
            None,
            RuleKind::Sql {
                predicate: "id <".into(),
            },
        );
        assert!(add_rule(&lake, &bad).is_err());
        assert!(lake
            .catalog()
            .rules(Some("ev"))
            .unwrap()
            .iter()
            .all(|r| r.name != "re" && r.name != "bad"));
    }
}
