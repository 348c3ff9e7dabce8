//! `lake rollup create|refresh|list`: time-bucketed aggregates kept in the lake and refreshed
//! from only what their source appended.

use std::process::ExitCode;

use lake_core::materialize::rollup;
use lake_core::materialize::{self, Refreshed};
use lake_core::query::QueryOptions;
use lake_core::{Lake, LakeError};

use crate::lineage_cmd::how_text;

/// What `lake rollup` does.
#[derive(clap::Subcommand)]
pub enum RollupAction {
    /// Keep a time-bucketed aggregate of one dataset:
    /// `lake rollup create hourly AS SELECT time_bucket(INTERVAL '1 hour', ts) AS hour,
    /// count(*) AS n FROM events GROUP BY hour`.
    Create {
        /// The rollup's name.
        name: String,
        /// `AS SELECT ...` (quoted or not).
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        sql: Vec<String>,
        /// Print to standard error how long it took (not the process start).
        #[arg(long)]
        timing: bool,
    },
    /// Bring rollups up to date with their sources (all stale ones when no name is given).
    Refresh {
        /// One rollup.
        name: Option<String>,
        /// Print to standard error how long it took (not the process start).
        #[arg(long)]
        timing: bool,
    },
    /// List rollups with their source, bucket and freshness.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(lake: &Lake, action: RollupAction) -> Result<ExitCode, LakeError> {
    let opts = QueryOptions::default();
    let start = std::time::Instant::now();
    let timed = |on: bool| {
        if on {
            eprintln!("time: {:.3} ms", start.elapsed().as_secs_f64() * 1000.0);
        }
    };
    match action {
        RollupAction::Create { name, sql, timing } => {
            let v = rollup::create(lake, &name, &sql.join(" "), &opts)?;
            println!(
                "created rollup {name} version {}: {} rows",
                v.version, v.rows
            );
            timed(timing);
        }
        RollupAction::Refresh { name, timing } => {
            let names = match name {
                Some(n) => vec![n],
                None => rollup::list(lake)?
                    .into_iter()
                    .filter(|r| r.read != r.current)
                    .map(|r| r.name)
                    .collect(),
            };
            if names.is_empty() {
                println!("every rollup is fresh");
            }
            for name in names {
                match materialize::refresh(lake, &name, &opts)? {
                    Refreshed::Fresh => println!("{name} is fresh"),
                    Refreshed::Made(version, _, how) => {
                        println!("refreshed {name} as version {version}: {}", how_text(&how))
                    }
                }
            }
            timed(timing);
        }
        RollupAction::List { json } => {
            let list = rollup::list(lake)?;
            if json {
                println!("{}", serde_json::to_string(&list).expect("serializes"));
                return Ok(ExitCode::SUCCESS);
            }
            if list.is_empty() {
                println!("no rollups yet; make one with `lake rollup create NAME AS SELECT …`");
            }
            for r in list {
                let fresh = match r.read == r.current {
                    true => "fresh".to_string(),
                    false => format!(
                        "stale: {} v{} → v{} (`lake rollup refresh {}`)",
                        r.source, r.read, r.current, r.name
                    ),
                };
                println!(
                    "{} v{} ({} rows): {} of {} v{}, made {}; {fresh}",
                    r.name, r.version, r.rows, r.bucket, r.source, r.read, r.made_at
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
