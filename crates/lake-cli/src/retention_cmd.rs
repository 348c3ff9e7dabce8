//! `lake retention set|list|drop|apply`: keep only the last N days of a dataset, as a new
//! version (the old ones stay restorable until `lake vacuum`).

use std::process::ExitCode;

use lake_core::query::QueryOptions;
use lake_core::retention::{self, RetentionPlan};
use lake_core::{Lake, LakeError};

/// What `lake retention` does.
#[derive(clap::Subcommand)]
pub enum RetentionAction {
    /// Keep the last N days of a dataset's time column: `lake retention set events --keep 90d`.
    Set {
        /// The dataset.
        dataset: String,
        /// Days to keep: 90d (or 90).
        #[arg(long)]
        keep: String,
        /// Its time column (default: `ts`, else its first timestamp or date column).
        #[arg(long)]
        column: Option<String>,
    },
    /// List the policies.
    List,
    /// Remove a dataset's policy (its data is not touched).
    Drop {
        /// The dataset.
        dataset: String,
    },
    /// Make a new version of each dataset with a policy (or of one) without its older rows.
    Apply {
        /// One dataset.
        dataset: Option<String>,
        /// Only say what it would remove.
        #[arg(long)]
        dry_run: bool,
    },
}

fn days(text: &str) -> Result<u32, LakeError> {
    let t = text.trim();
    t.strip_suffix('d')
        .unwrap_or(t)
        .parse::<u32>()
        .ok()
        .filter(|d| *d > 0)
        .ok_or_else(|| {
            LakeError::bad_input(
                "--keep",
                None,
                format!("'{t}' is not a number of days; write it as 90d"),
            )
        })
}

fn describe(p: &RetentionPlan) -> String {
    format!(
        "{} v{}: {} of {} rows older than {} ({} days of {}); {} files left out, {} kept as they \
         are, {} written again",
        p.policy.dataset,
        p.version,
        p.rows_removed,
        p.rows,
        p.cutoff,
        p.policy.keep_days,
        p.policy.column,
        p.files_removed,
        p.files_kept,
        p.files_rewritten
    )
}

pub fn run(lake: &Lake, action: RetentionAction) -> Result<ExitCode, LakeError> {
    match action {
        RetentionAction::Set {
            dataset,
            keep,
            column,
        } => {
            let p = retention::set(lake, &dataset, column.as_deref(), days(&keep)?)?;
            println!(
                "{} keeps {} days of {}; `lake retention apply {}` removes the older rows",
                p.dataset, p.keep_days, p.column, p.dataset
            );
        }
        RetentionAction::List => {
            let list = retention::list(lake)?;
            if list.is_empty() {
                println!(
                    "no retention policies; set one with `lake retention set DATASET --keep 90d`"
                );
            }
            for p in list {
                println!("{}: keep {} days of {}", p.dataset, p.keep_days, p.column);
            }
        }
        RetentionAction::Drop { dataset } => match retention::remove(lake, &dataset)? {
            true => println!("{dataset} has no retention policy now"),
            false => println!("{dataset} had no retention policy"),
        },
        RetentionAction::Apply { dataset, dry_run } => {
            let names: Vec<String> = match dataset {
                Some(d) => vec![d],
                None => retention::list(lake)?
                    .into_iter()
                    .map(|p| p.dataset)
                    .collect(),
            };
            for name in names {
                let plan = retention::plan(lake, &name)?;
                if dry_run {
                    println!("would remove: {}", describe(&plan));
                    continue;
                }
                match retention::apply(lake, &plan, &QueryOptions::default())? {
                    Some(v) => println!(
                        "{name} version {}: {} rows ({})",
                        v.version,
                        v.rows,
                        describe(&plan)
                    ),
                    None => println!("{name}: no row is older than {}", plan.cutoff),
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
