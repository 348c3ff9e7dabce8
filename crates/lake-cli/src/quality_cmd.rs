//! `lake rule add|list|drop` and `lake check`: quality rules per dataset, checked on every
//! import (a blocking rule refuses a failing import) and on demand.

use std::process::ExitCode;

use clap::Subcommand;
use lake_core::catalog::quality::{Rule, RuleKind, RuleResult};
use lake_core::storage::versions::parse_age;
use lake_core::{Lake, LakeError};

#[derive(Subcommand)]
pub enum RuleAction {
    /// Add (or replace) a rule; it is checked on the current version at once.
    Add {
        /// Dataset name.
        dataset: String,
        /// The rule's name (letters, digits, _ and -).
        name: String,
        /// What it checks.
        #[arg(value_parser = ["not_null", "unique", "range", "regex", "in_set", "freshness", "row_count_change", "sql"])]
        kind: String,
        /// The column it checks (every kind but row_count_change and sql).
        #[arg(long)]
        column: Option<String>,
        /// range: smallest allowed.
        #[arg(long, allow_hyphen_values = true)]
        min: Option<f64>,
        /// range: largest allowed.
        #[arg(long, allow_hyphen_values = true)]
        max: Option<f64>,
        /// regex: the pattern (anchor it with ^...$ to match whole values).
        #[arg(long)]
        pattern: Option<String>,
        /// in_set: the allowed values, comma-separated.
        #[arg(long, value_delimiter = ',')]
        values: Option<Vec<String>>,
        /// freshness: the newest value is at most this old (30d, 12h, 45m).
        #[arg(long)]
        max_age: Option<String>,
        /// row_count_change: largest change from the previous version, in percent.
        #[arg(long)]
        max_change: Option<f64>,
        /// sql: a condition every row meets, e.g. "end_ts >= start_ts".
        #[arg(long)]
        sql: Option<String>,
        /// Refuse imports that fail it (default: import and warn).
        #[arg(long)]
        block: bool,
    },
    /// List the rules (of one dataset, or all) with their latest results.
    List {
        /// Only this dataset's.
        dataset: Option<String>,
    },
    /// Remove a rule.
    Drop {
        /// Dataset name.
        dataset: String,
        /// The rule's name.
        name: String,
    },
}

fn need<T>(v: Option<T>, flag: &str, kind: &str) -> Result<T, LakeError> {
    v.ok_or_else(|| {
        LakeError::bad_input("lake rule add", None, format!("a {kind} rule needs {flag}"))
    })
}

/// Prints one result line; returns whether it failed.
pub fn print_result(r: &RuleResult) -> bool {
    let mark = if r.passed {
        "ok  "
    } else if r.block {
        "FAIL"
    } else {
        "warn"
    };
    println!("{mark}  {}: {}", r.rule, r.detail);
    if let Some(sql) = &r.failing_sql {
        println!("      rows: lake query \"{}\"", sql.replace('"', "\\\""));
    }
    !r.passed
}

/// `lake rule ...`.
pub fn rule(lake: &Lake, action: RuleAction) -> Result<ExitCode, LakeError> {
    match action {
        RuleAction::Add {
            dataset,
            name,
            kind,
            column,
            min,
            max,
            pattern,
            values,
            max_age,
            max_change,
            sql,
            block,
        } => {
            let check = match kind.as_str() {
                "not_null" => RuleKind::NotNull,
                "unique" => RuleKind::Unique,
                "range" => {
                    if min.is_none() && max.is_none() {
                        return Err(need::<()>(None, "--min or --max", "range").unwrap_err());
                    }
                    RuleKind::Range { min, max }
                }
                "regex" => RuleKind::Regex {
                    pattern: need(pattern, "--pattern", "regex")?,
                },
                "in_set" => RuleKind::InSet {
                    values: need(values, "--values", "in_set")?,
                },
                "freshness" => RuleKind::Freshness {
                    max_age_secs: parse_age(&need(max_age, "--max-age", "freshness")?)?.as_secs(),
                },
                "row_count_change" => RuleKind::RowCountChange {
                    max_percent: need(max_change, "--max-change", "row_count_change")?,
                },
                _ => RuleKind::Sql {
                    predicate: need(sql, "--sql", "sql")?,
                },
            };
            let rule = Rule {
                dataset,
                name,
                column,
                check,
                block,
            };
            let r = lake_core::quality::add_rule(lake, &rule)?;
            println!(
                "rule {} added to {} ({}); on the current version:",
                rule.name,
                rule.dataset,
                if rule.block {
                    "blocks failing imports"
                } else {
                    "warns"
                }
            );
            print_result(&r);
        }
        RuleAction::List { dataset } => {
            let rules = lake.catalog().rules(dataset.as_deref())?;
            if rules.is_empty() {
                println!("no rules yet; add one with `lake rule add DATASET NAME KIND`");
            }
            for r in rules {
                let latest = lake.catalog().latest_results(&r.dataset)?;
                let last = latest.iter().find(|l| l.0 == r.name);
                let state = match last {
                    Some((_, true, ..)) => "passing".to_string(),
                    Some((_, false, _, detail, ..)) => format!("failing: {detail}"),
                    None => "not checked yet".to_string(),
                };
                println!(
                    "{}  {}  {}{}  [{}]  {state}",
                    r.dataset,
                    r.name,
                    serde_json::to_string(&r.check).unwrap_or_default(),
                    r.column.map(|c| format!(" on {c}")).unwrap_or_default(),
                    if r.block { "block" } else { "warn" },
                );
            }
        }
        RuleAction::Drop { dataset, name } => {
            let _lock = lake.try_write_lock()?;
            if !lake.catalog().drop_rule(&dataset, &name)? {
                return Err(LakeError::bad_input(
                    "lake rule drop",
                    None,
                    format!("{dataset} has no rule {name}; `lake rule list {dataset}` shows them"),
                ));
            }
            println!("rule {name} dropped from {dataset}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lake check DATASET [--json]`: exit 1 when a rule fails.
pub fn check(lake: &Lake, dataset: &str, json: bool) -> Result<ExitCode, LakeError> {
    let results = lake_core::quality::check(lake, dataset)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&results).expect("results serialize")
        );
    } else if results.is_empty() {
        println!("{dataset} has no rules; add one with `lake rule add {dataset} NAME KIND`");
    }
    let mut failed = false;
    for r in &results {
        if !json {
            failed |= print_result(r);
        } else {
            failed |= !r.passed;
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
