//! `lake`: the command-line face of Datapunk Lake. Argument parsing and printing only; all
//! work happens in `lake-core`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

mod backup_cmd;
mod embed_cmd;
mod index_cmd;
mod lineage_cmd;
mod metrics_cmd;
mod pii_cmd;
mod profile_cmd;
mod progress;
use progress::{install_ctrlc, Bar};
mod quality_cmd;
mod retention_cmd;
mod rollup_cmd;
mod settings_cmd;
mod timeline_cmd;
mod versions_cmd;

// Import parses on every core; glibc's allocator serialises those threads on its arena locks.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use indicatif::{ProgressBar, ProgressStyle};
use lake_core::ingest::{self, ImportOptions, Mode};
use lake_core::query::{self, output, QueryOptions};
use lake_core::{Lake, LakeError};

#[derive(Parser)]
#[command(
    name = "lake",
    version,
    about = "Datapunk Lake: import files into a local lake and query them with SQL"
)]
struct Cli {
    /// The lake folder (default: $LAKE_DIR, else `lake.default` of the settings file, else the
    /// app's default lake in the platform data folder, such as ~/.local/share/org.datapunk.lake/lake).
    #[arg(long, global = true, env = "LAKE_DIR")]
    lake: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a lake (or check an existing one).
    Init,
    /// Import files or folders (CSV, TSV, JSON, NDJSON, Parquet, GeoJSON, GPX).
    Import {
        /// Dataset name for all files (default: one dataset per file, named after it).
        #[arg(long)]
        name: Option<String>,
        /// `replace` makes a new version with only these files; `append` adds them.
        #[arg(long, default_value = "replace", value_parser = ["replace", "append"])]
        mode: String,
        /// Count and skip bad records instead of failing (default: `import.skip_bad`).
        #[arg(long)]
        skip_bad: bool,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Force the format instead of detecting it.
        #[arg(long, value_parser = ["csv", "tsv", "json", "ndjson", "parquet", "geojson", "gpx", "npy", "takeout"])]
        format: Option<String>,
        /// Rows per Parquet file in the lake (default: `import.rows_per_file`, 1,000,000).
        #[arg(long)]
        rows_per_file: Option<u64>,
        /// Split the files by the year of this date or timestamp column, so queries on a time
        /// range skip whole years (Takeout tables are split by the year of `ts` anyway).
        #[arg(long, value_name = "COLUMN")]
        partition_by: Option<String>,
        /// Leave the column profiles (histograms, top values) to be computed when first asked
        /// for, instead of from a bounded sample at import.
        #[arg(long)]
        no_profile: bool,
        /// Files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// List datasets.
    Datasets {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a dataset's columns and statistics.
    Schema {
        /// Dataset name.
        dataset: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run a SQL query.
    Query {
        /// Output format (default: from --output's extension, else a table).
        #[arg(long, value_parser = ["table", "csv", "json", "ndjson", "parquet", "geojson"])]
        format: Option<String>,
        /// Write to this file instead of standard output (all at once: a failed write leaves
        /// no partial file).
        #[arg(long)]
        output: Option<PathBuf>,
        /// CSV for spreadsheets: text cells starting with =, +, -, @ (formulas) get a leading '.
        #[arg(long)]
        spreadsheet_safe: bool,
        /// Stop the query after this many seconds.
        #[arg(long)]
        timeout: Option<f64>,
        /// Print to standard error how long the query took in the engine (planning, catalog
        /// reads and running; not the process start or writing the output).
        #[arg(long)]
        timing: bool,
        /// Run it this many times in this process and print each run's time (a repeat is
        /// answered from the result cache when the data is unchanged); the last answer is
        /// written.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
        repeat: u32,
        /// Run the query even when the result cache holds its answer (with --repeat: times
        /// the engine on a warm process, as the app's later queries run).
        #[arg(long)]
        no_cache: bool,
        /// The SQL.
        sql: String,
    },
    /// A dataset's versions: when, from which files, rows, and column changes. Read an old
    /// one with `SELECT ... FROM ds VERSION AS OF 3` or `TIMESTAMP AS OF '2026-11-01'`.
    History {
        /// Dataset name.
        dataset: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Restore a backup folder into a new or empty folder (`lake restore BACKUP [--to DIR]`,
    /// every file checked), or make an old version of a dataset current again (`lake restore
    /// DATASET --version N`, as a new version; nothing is copied or lost).
    Restore(backup_cmd::RestoreArgs),
    /// Remove the files of versions replaced longer ago than `--older-than` (those versions
    /// can no longer be read; current versions are never touched).
    Vacuum {
        /// Keep every version current at any time within this age: 30d, 12h, 45m, 0d.
        #[arg(long, default_value = "30d")]
        older_than: String,
        /// Only list what would be removed.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Keep a query's answer as a dataset that records its query and the versions it read:
    /// `lake create by_city AS SELECT city, count(*) AS n FROM people GROUP BY city`.
    Create {
        /// The new (or derived) dataset's name.
        name: String,
        /// `AS SELECT ...` (quoted or not).
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        sql: Vec<String>,
    },
    /// Add a text column's vectors (embeddings) as a new column, and index them.
    Embed(embed_cmd::EmbedArgs),
    /// Rollups: time-bucketed aggregates of a dataset, refreshed from what it appended.
    Rollup {
        #[command(subcommand)]
        action: rollup_cmd::RollupAction,
    },
    /// Retention: keep only the last N days of a dataset (as a new version).
    Retention {
        #[command(subcommand)]
        action: retention_cmd::RetentionAction,
    },
    /// Run a derived dataset's query again if one of its inputs has a newer version.
    Refresh {
        /// The derived dataset.
        name: String,
    },
    /// Views: named queries used in queries like datasets.
    View {
        #[command(subcommand)]
        action: lineage_cmd::ViewAction,
    },
    /// Where a dataset came from (source files, the versions and queries it was made from) and
    /// what was made from it.
    Lineage(lineage_cmd::LineageArgs),
    /// Quality rules of datasets, checked on every import.
    Rule {
        #[command(subcommand)]
        action: quality_cmd::RuleAction,
    },
    /// Each column's histogram, top values, null share, distinct count and min/max.
    Profile(profile_cmd::ProfileArgs),
    /// Every dataset with a time column, its rows per bucket of a range, on one time axis.
    Timeline(timeline_cmd::TimelineArgs),
    /// The settings file (app and CLI): where it is and the values in effect.
    Settings(settings_cmd::SettingsArgs),
    /// Copy the lake to a backup folder: consistent while the app is open, incremental, checked.
    Backup(backup_cmd::BackupArgs),
    /// Check every file of a lake or a backup against its recorded checksum (exit 1 if one
    /// does not match).
    Verify(backup_cmd::VerifyArgs),
    /// How imports, queries, storage and the app behaved over a period.
    Metrics(metrics_cmd::MetricsArgs),
    /// The monitoring charts in one file: .html, .svg or .png.
    Report(metrics_cmd::ReportArgs),
    /// Personal data: suggest and tag columns, and mask them in results and exports.
    Pii {
        #[command(subcommand)]
        action: pii_cmd::PiiAction,
    },
    /// Check a dataset's rules on its current version (exit 1 if one fails).
    Check {
        /// Dataset name.
        dataset: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// What was done to the lake: commits, restores, vacuums, views and exports, newest first.
    Audit {
        /// Only entries of this age or newer: 30d, 12h, 45m.
        #[arg(long)]
        since: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Check the log's hash chain instead: fails (exit 1) naming the first changed entry.
        #[arg(long)]
        verify: bool,
    },
    /// Spatial indexes (R-tree) of coordinate and geometry columns.
    Index {
        #[command(subcommand)]
        action: index_cmd::IndexAction,
    },
    /// Save a polygon as a named fence, for `geofence_events('points', 'fences')`.
    Fence {
        /// The fence's name (`Office`, `Home`...).
        name: String,
        /// The area, as WKT: `POLYGON((lon lat, lon lat, ...))`.
        wkt: String,
        /// The dataset of fences it joins.
        #[arg(long, default_value = lake_core::spatial::fences::DEFAULT_DATASET)]
        dataset: String,
    },
    /// Show a query's plan.
    Explain {
        /// Run the query and add actual rows and times.
        #[arg(long)]
        analyze: bool,
        /// Output format: text, JSON (what `--diff` reads), or one HTML page that opens offline.
        #[arg(long, default_value = "text", value_parser = ["text", "json", "html"])]
        format: String,
        /// Stop after this many seconds.
        #[arg(long)]
        timeout: Option<f64>,
        /// Compare two plans saved with `--format json` (before, after) instead of planning.
        #[arg(long, num_args = 2, value_names = ["BEFORE.json", "AFTER.json"], conflicts_with = "sql")]
        diff: Option<Vec<PathBuf>>,
        /// The SQL.
        #[arg(required_unless_present = "diff")]
        sql: Option<String>,
    },
}

fn print_error(e: &LakeError, sql: Option<&str>) {
    eprintln!("error[{}]: {e}", e.code());
    if let (Some(p), Some(sql)) = (e.position(), sql) {
        if let Some(line) = sql.lines().nth(p.line.saturating_sub(1) as usize) {
            eprintln!("  --> line {}, column {}", p.line, p.column);
            eprintln!("   | {line}");
            eprintln!("   | {}^", " ".repeat(p.column.saturating_sub(1) as usize));
        }
    }
}

fn main() -> ExitCode {
    let settings = settings_cmd::load_at_start();
    let asks_settings = std::env::args_os().any(|a| a == "settings");
    let settings = match settings {
        Ok(s) => s,
        // `lake settings` shows the error itself.
        Err(_) if asks_settings => Default::default(),
        Err(e) => {
            print_error(&e, None);
            eprintln!("fix the settings file (`lake settings` shows it), or move it away");
            return ExitCode::from(1);
        }
    };
    query::tune_engine_for_local_files();
    // A panic inside the streaming engine is caught and the query rerun in memory: do not
    // print it (nor those of the Polars pool threads it started).
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let name = std::thread::current().name().map(str::to_string);
        if name.as_deref() == Some(query::STREAMING_THREAD)
            || name
                .as_deref()
                .is_some_and(|n| n.starts_with("polars") || n.starts_with("async-executor"))
        {
            return;
        }
        default_hook(info)
    }));
    let cli = Cli::parse();
    let lake_dir = cli.lake.clone().unwrap_or_else(|| settings.lake_dir());
    let sql = match &cli.command {
        Command::Query { sql, .. } => Some(sql.clone()),
        Command::Explain { sql, .. } => sql.clone(),
        _ => None,
    };
    match run(cli, &lake_dir, &settings) {
        Ok(code) => code,
        Err(e) => {
            print_error(&e, sql.as_deref());
            ExitCode::from(1)
        }
    }
}

/// Runs `sql` `n` times; with `timing`, prints each run's time, whether the result cache
/// answered it, and what the log and cache around the engine took.
fn repeated(
    lake: &Lake,
    sql: &str,
    opts: &QueryOptions,
    n: u32,
    timing: bool,
) -> Result<query::QueryOutput, LakeError> {
    let mut last = None;
    for i in 1..=n {
        let t = std::time::Instant::now();
        let out = query::run_query(lake, sql, opts)?;
        let wall = t.elapsed().as_secs_f64() * 1e3;
        if timing && n > 1 {
            let engine = out.elapsed.as_secs_f64() * 1e3;
            eprintln!(
                "run {i}: {wall:.3} ms{} (engine {engine:.3} ms, log and cache {:.3} ms)",
                if out.cached {
                    ", from the result cache"
                } else {
                    ""
                },
                (wall - engine).max(0.0)
            );
        }
        last = Some(out);
    }
    Ok(last.expect("at least one run"))
}

fn open(dir: &std::path::Path) -> Result<Lake, LakeError> {
    Lake::open(dir).map(noted)
}

/// Says (on standard error) what clean-up found in the lake folder that is not the lake's.
fn noted(lake: Lake) -> Lake {
    let foreign = lake.foreign_files();
    if !foreign.is_empty() {
        let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
        let more = foreign.len().saturating_sub(shown.len());
        eprintln!(
            "note: {} file(s) in the lake folder are not the lake's and were left alone: {}{}; \
             move them out of {}",
            foreign.len(),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
            lake.root().display()
        );
    }
    lake
}

fn run(
    cli: Cli,
    lake_dir: &std::path::Path,
    settings: &lake_core::settings::Settings,
) -> Result<ExitCode, LakeError> {
    match cli.command {
        Command::Init => {
            let existed = lake_dir.join("catalog.sqlite").exists();
            noted(Lake::init(lake_dir)?);
            println!(
                "{} lake at {}",
                if existed {
                    "opened existing"
                } else {
                    "created"
                },
                lake_dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            name,
            mode,
            skip_bad,
            json,
            format,
            rows_per_file,
            partition_by,
            no_profile,
            paths,
        } => {
            let lake = noted(Lake::open_or_init(lake_dir)?);
            let opts = ImportOptions {
                name,
                mode: if mode == "append" {
                    Mode::Append
                } else {
                    Mode::Replace
                },
                skip_bad: skip_bad || settings.import_skip_bad,
                format: format.as_deref().and_then(ingest::Format::parse),
                rows_per_file: rows_per_file.unwrap_or(settings.import_rows_per_file),
                partition_by,
                profile: !no_profile && settings.import_profile,
                ..Default::default()
            };
            let cancel = install_ctrlc();
            let bar = if std::io::stderr().is_terminal() && !json {
                let b = ProgressBar::new(0);
                b.set_style(
                    ProgressStyle::with_template(
                        "{spinner} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
                    )
                    .expect("valid template")
                    .progress_chars("=> "),
                );
                b.enable_steady_tick(Duration::from_millis(120));
                Some(b)
            } else {
                None
            };
            let progress = Bar {
                bar,
                file: Default::default(),
            };
            let report = ingest::import_paths(&lake, &paths, &opts, &progress, &cancel);
            if let Some(b) = &progress.bar {
                b.finish_and_clear();
            }
            let report = report?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&report).expect("report serializes")
                );
            } else {
                for d in &report.datasets {
                    let skipped = if d.skipped_rows > 0 {
                        format!(" ({} bad records skipped)", d.skipped_rows)
                    } else {
                        String::new()
                    };
                    println!(
                        "imported {} version {}: {} rows in {} file(s){skipped}",
                        d.name, d.version, d.rows, d.files
                    );
                    for ex in &d.bad_examples {
                        println!("  skipped {ex}");
                    }
                    for q in &d.quality {
                        println!("  warning: rule {} fails: {}", q.rule, q.detail);
                    }
                }
                for u in &report.unchanged {
                    println!("unchanged {}: {}", u.name, u.reason);
                }
                for i in &report.indexes {
                    println!("built {}", index_cmd::describe(i));
                }
                for e in &report.errors {
                    eprintln!("error[{}]: {}", e.code, e.error);
                }
                if let Some(t) = &report.takeout {
                    print_coverage(t);
                }
            }
            Ok(if report.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Index { action } => index_cmd::run(&open(lake_dir)?, action),
        Command::Create { name, sql } => lineage_cmd::create(&open(lake_dir)?, &name, &sql),
        Command::Rule { action } => quality_cmd::rule(&open(lake_dir)?, action),
        Command::Profile(args) => profile_cmd::run(&open(lake_dir)?, args),
        Command::Timeline(args) => timeline_cmd::run(&open(lake_dir)?, args),
        Command::Settings(args) => settings_cmd::run(args),
        Command::Backup(args) => backup_cmd::backup(lake_dir, args),
        Command::Restore(args) => backup_cmd::restore(lake_dir, args),
        Command::Verify(args) => backup_cmd::verify(lake_dir, args),
        Command::Metrics(args) => metrics_cmd::run(&open(lake_dir)?, args),
        Command::Report(args) => metrics_cmd::report(&open(lake_dir)?, args),
        Command::Pii { action } => pii_cmd::run(&open(lake_dir)?, action),
        Command::Check { dataset, json } => quality_cmd::check(&open(lake_dir)?, &dataset, json),
        Command::Audit {
            since,
            json,
            verify,
        } => versions_cmd::audit(&open(lake_dir)?, since.as_deref(), json, verify),
        Command::View { action } => lineage_cmd::view(&open(lake_dir)?, action),
        Command::Retention { action } => retention_cmd::run(&open(lake_dir)?, action),
        Command::Embed(args) => embed_cmd::run(&open(lake_dir)?, args),
        Command::Rollup { action } => rollup_cmd::run(&open(lake_dir)?, action),
        Command::Refresh { name } => lineage_cmd::refresh(&open(lake_dir)?, &name),
        Command::Lineage(args) => lineage_cmd::lineage(&open(lake_dir)?, args),
        Command::History { dataset, json } => {
            versions_cmd::history(&open(lake_dir)?, &dataset, json)
        }
        Command::Vacuum {
            older_than,
            dry_run,
            json,
        } => versions_cmd::vacuum(&open(lake_dir)?, &older_than, dry_run, json),
        Command::Fence { name, wkt, dataset } => {
            let v = lake_core::spatial::fences::save(&open(lake_dir)?, &dataset, &name, &wkt)?;
            println!(
                "saved fence '{}' in {dataset} (version {}, {} fences)",
                name.trim(),
                v.version,
                v.rows
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Datasets { json } => {
            let lake = open(lake_dir)?;
            let list = lake.catalog().list_datasets()?;
            if json {
                println!("{}", serde_json::to_string(&list).expect("serializes"));
            } else if list.is_empty() {
                println!("no datasets yet; import files with `lake import PATH`");
            } else {
                println!(
                    "{:<40} {:>7} {:>12} {:>7} {:>12}  created",
                    "name", "version", "rows", "columns", "bytes"
                );
                for d in list {
                    // A derived dataset whose inputs moved on says so (`lake refresh` fixes it).
                    let stale = match lake_core::materialize::freshness(&lake, &d.name)? {
                        Some(f) if !f.newer.is_empty() => "  (stale: `lake refresh`)",
                        _ => "",
                    };
                    println!(
                        "{:<40} {:>7} {:>12} {:>7} {:>12}  {}{stale}",
                        d.name, d.version, d.rows, d.columns, d.bytes, d.created_at
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { dataset, json } => {
            let lake = open(lake_dir)?;
            let info = lake_core::query::mask::describe_masked(&lake, &dataset)?;
            if json {
                println!("{}", serde_json::to_string(&info).expect("serializes"));
            } else {
                println!(
                    "{} version {}: {} rows, {} files",
                    info.name, info.version, info.rows, info.files
                );
                println!(
                    "{:<30} {:<24} {:>10} {:>10}  {:<24} {:<24}",
                    "column", "type", "nulls", "distinct", "min", "max"
                );
                for c in info.columns {
                    let show = |v: &Option<serde_json::Value>| show_stat(&c.dtype, v);
                    let distinct = c.distinct.map_or("-".into(), |d| format!("~{d}"));
                    println!(
                        "{:<30} {:<24} {:>10} {:>10}  {:<24} {:<24}",
                        c.name,
                        c.dtype,
                        c.null_count,
                        distinct,
                        show(&c.min),
                        show(&c.max)
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Query {
            format,
            output: out_path,
            spreadsheet_safe,
            timeout,
            timing,
            repeat,
            no_cache,
            sql,
        } => {
            let lake = open(lake_dir)?;
            let opts = QueryOptions {
                timeout: timeout.map(Duration::from_secs_f64),
                cancel: Some(install_ctrlc()),
                // The process exits right after a cancel, so the fastest engine is safe here.
                engine: query::QueryEngine::Streaming,
                no_cache,
                // One run in this process: nothing would ever be read from the cache.
                one_shot: repeat == 1,
            };
            let result = repeated(&lake, &sql, &opts, repeat, timing)?;
            // `--output x.csv` writes CSV unless --format says otherwise.
            let by_extension = out_path
                .as_ref()
                .and_then(|p| p.extension())
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .filter(|e| ["csv", "json", "ndjson", "parquet", "geojson"].contains(&e.as_str()));
            let format = format.or(by_extension).unwrap_or_else(|| "table".into());
            let fmt = output::OutputFormat::parse(&format).expect("clap checked");
            if fmt == output::OutputFormat::Parquet
                && out_path.is_none()
                && std::io::stdout().is_terminal()
            {
                return Err(LakeError::RejectedStatement(
                    "refusing to write Parquet to a terminal; add --output FILE".into(),
                ));
            }
            let written = std::time::Instant::now();
            match out_path {
                // Whole or not at all: a temporary file beside it, then a rename.
                Some(p) => {
                    output::export_to_file(&result.frame, fmt, &p, spreadsheet_safe)?;
                    lake.record_export(&p, result.frame.height(), Some(&sql), &result.inputs)?;
                }
                None => {
                    let stdout = std::io::stdout();
                    let mut lock = stdout.lock();
                    let safe;
                    let frame = if spreadsheet_safe && fmt == output::OutputFormat::Csv {
                        safe = output::spreadsheet_safe(&result.frame)?;
                        &safe
                    } else {
                        &result.frame
                    };
                    output::write_frame(frame, fmt, &mut lock)?;
                    let _ = lock.flush();
                }
            }
            if timing && repeat == 1 {
                let ms = result.elapsed.as_secs_f64() * 1e3;
                let stages = lake_core::meter::stages::summary();
                let output = written.elapsed().as_secs_f64() * 1e3;
                eprintln!("query time: {ms:.3} ms ({stages}); output {output:.2} ms");
            }
            if !result.masked.is_empty() {
                eprintln!(
                    "note: personal data masked in {} (`lake pii mask off` shows it)",
                    result.masked.join(", ")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain {
            diff: Some(files),
            format,
            ..
        } => {
            let [a, b] = [&files[0], &files[1]].map(|f| read_plan(f));
            let d = lake_core::query::plan_diff::diff(&a?, &b?);
            if format == "json" {
                println!("{}", serde_json::to_string_pretty(&d).expect("serializes"));
            } else {
                print!("{}", d.to_text());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain {
            analyze,
            format,
            timeout,
            sql,
            ..
        } => {
            let sql = sql.unwrap_or_default();
            let lake = open(lake_dir)?;
            let opts = QueryOptions {
                timeout: timeout.map(Duration::from_secs_f64),
                cancel: Some(install_ctrlc()),
                // The process exits right after a cancel, so the fastest engine is safe here.
                engine: query::QueryEngine::Streaming,
                ..Default::default()
            };
            let plan = query::explain_query(&lake, &sql, analyze, &opts)?;
            match format.as_str() {
                "json" => println!(
                    "{}",
                    serde_json::to_string_pretty(&plan.to_json()).expect("serializes")
                ),
                "html" => print!(
                    "{}",
                    lake_core::query::plan_html::to_html(&plan, Some(&sql))
                ),
                _ => print!("{}", plan.to_text()),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A plan saved with `lake explain --format json`; a bad file is named with the line and
/// column where it went wrong.
fn read_plan(path: &Path) -> lake_core::Result<lake_core::query::plan::QueryPlan> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| LakeError::io(format!("reading the plan {}", path.display()), e))?;
    serde_json::from_str(&text).map_err(|e| LakeError::BadInput {
        path: path.display().to_string(),
        location: Some(format!("line {}, column {}", e.line(), e.column())),
        message: format!("not a plan saved with `lake explain --format json` ({e})"),
    })
}

/// A statistic as people read it: timestamps and dates in ISO 8601, the rest as JSON.
/// Statistics are in the column's own unit (`datetime[ms]` from some Parquet files).
fn show_stat(dtype: &str, v: &Option<serde_json::Value>) -> String {
    let Some(v) = v else { return String::new() };
    let iso = |us: f64| {
        chrono::DateTime::from_timestamp_micros(us as i64)
            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_else(|| v.to_string())
    };
    match (lake_core::temporal::micros_per_unit(dtype), v.as_f64()) {
        (Some(per), Some(x)) => iso(x * per),
        (None, Some(days)) if dtype == "date" => {
            let t = iso(days * 86_400_000_000.0);
            t.get(..10).unwrap_or(&t).to_string()
        }
        _ => match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        },
    }
}

fn print_coverage(t: &lake_core::ingest::takeout::TakeoutReport) {
    println!();
    println!(
        "Takeout {} ({} part(s), locale {})",
        t.export_id,
        t.parts.len(),
        t.locale
    );
    println!(
        "{:<30} {:>6} {:>10}  {:<20} {:<20}  status",
        "product", "files", "rows", "from", "to"
    );
    let day = |s: &Option<String>| {
        s.as_deref()
            .map(|x| x.chars().take(19).collect::<String>())
            .unwrap_or_else(|| "-".into())
    };
    for p in &t.products {
        println!(
            "{:<30} {:>6} {:>10}  {:<20} {:<20}  {}",
            p.product,
            p.files,
            p.rows,
            day(&p.min_ts),
            day(&p.max_ts),
            p.status
        );
        for e in &p.errors {
            println!("    {}: {}", e.path, e.error);
        }
    }
    if !t.unrecognized.is_empty() {
        println!("{} file(s) not recognized:", t.unrecognized.len());
        for u in t.unrecognized.iter().take(20) {
            println!("    {} ({} bytes)", u.path, u.bytes);
        }
        if t.unrecognized.len() > 20 {
            println!("    … and {} more (see --json)", t.unrecognized.len() - 20);
        }
    }
    for n in &t.notes {
        println!("note: {n}");
    }
}
