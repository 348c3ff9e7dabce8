//! `lake metrics` (how imports, queries, storage and the app behaved over a period) and
//! `lake report` (the same as charts in one file).

use std::path::PathBuf;
use std::process::ExitCode;

use lake_core::metrics::report::{bytes, render, ReportFormat};
use lake_core::metrics::{self, MetricsReport};
use lake_core::{Lake, LakeError};

/// `lake metrics [--since 30d] [--json]`.
#[derive(clap::Args)]
pub struct MetricsArgs {
    /// The period: 30d (days), 12h (hours), 45m (minutes) or all.
    #[arg(long, default_value = "30d")]
    since: String,
    /// Print JSON: every figure and series.
    #[arg(long)]
    json: bool,
}

/// `lake report [--since 30d] --out FILE.html|.svg|.png`.
#[derive(clap::Args)]
pub struct ReportArgs {
    /// The period: 30d (days), 12h (hours), 45m (minutes) or all.
    #[arg(long, default_value = "30d")]
    since: String,
    /// The file to write: .html (figures, charts and the slowest queries), .svg or .png.
    #[arg(long)]
    out: PathBuf,
}

fn ms(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1} ms"))
        .unwrap_or_else(|| "-".into())
}

pub fn run(lake: &Lake, args: MetricsArgs) -> Result<ExitCode, LakeError> {
    let r = metrics::report(lake, &metrics::since_instant(&args.since)?)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&r).expect("metrics serialize")
        );
        return Ok(ExitCode::SUCCESS);
    }
    print_text(&r, &args.since);
    Ok(ExitCode::SUCCESS)
}

fn print_text(r: &MetricsReport, since: &str) {
    let q = &r.queries;
    println!("metrics of the last {since}");
    println!(
        "queries   {} run, {} failed, {} cancelled; median {}, p95 {}, longest {}",
        q.count,
        q.errors,
        q.cancelled,
        ms(q.p50_ms),
        ms(q.p95_ms),
        ms(q.max_ms)
    );
    println!(
        "          {} rows returned; {} files read ({}), {} skipped by pruning; \
         row groups: {} read, {} skipped by their statistics",
        q.rows,
        q.files_scanned,
        bytes(q.bytes_scanned),
        q.files_pruned,
        q.row_groups_read,
        q.row_groups_pruned
    );
    if let Some(h) = q.cache_hit_rate {
        println!(
            "cache     {:.0}% hits ({} of {})",
            h * 100.0,
            q.cache_hits,
            q.cache_hits + q.cache_misses
        );
    }
    println!(
        "imports   {} ({} failed or cancelled), {} rows",
        r.import_count, r.import_errors, r.import_rows
    );
    for i in r.imports.iter().rev().take(5) {
        println!(
            "          {}  {:<8} {:>10} rows {:>9.0} rows/s  read {:.0} ms, parse {:.0} ms, \
             write {:.0} ms, commit {:.0} ms, peak {}  {}",
            i.ts.get(..19).unwrap_or(&i.ts),
            i.status,
            i.rows,
            i.rows_per_s(),
            i.read_ms,
            i.parse_ms,
            i.write_ms,
            i.commit_ms,
            i.peak_bytes.map(bytes).unwrap_or_else(|| "-".into()),
            i.datasets.join(", ")
        );
    }
    let total: u64 = r.storage.iter().map(|d| d.bytes).sum();
    let kept: u64 = r.storage.iter().map(|d| d.retained_bytes).sum();
    println!(
        "storage   {} in current versions, {} with older versions kept, {} datasets",
        bytes(total),
        bytes(kept),
        r.storage.len()
    );
    for d in r.storage.iter().take(5) {
        println!(
            "          {:<32} {:>10}  {} versions, indexes {}",
            d.name,
            bytes(d.bytes),
            d.versions,
            bytes(d.index_bytes)
        );
    }
    if let Some(p) = r.process.last() {
        let peak = r.process.iter().map(|p| p.rss_bytes).max().unwrap_or(0);
        println!(
            "app       {} samples; memory now {}, at most {}; CPU {:.0}%",
            r.process.len(),
            bytes(p.rss_bytes),
            bytes(peak),
            p.cpu_percent
        );
    }
    if !r.slowest.is_empty() {
        println!("slowest queries");
        for s in r.slowest.iter().take(5) {
            let sql: String = s.entry.sql.split_whitespace().collect::<Vec<_>>().join(" ");
            let short: String = sql.chars().take(90).collect();
            println!(
                "  {:>10}  {}  {}{}",
                ms(Some(s.entry.duration_ms)),
                s.entry.status,
                short,
                if sql.chars().count() > 90 { "…" } else { "" }
            );
        }
    }
}

pub fn report(lake: &Lake, args: ReportArgs) -> Result<ExitCode, LakeError> {
    let format = ReportFormat::of(&args.out)?;
    let r = metrics::report(lake, &metrics::since_instant(&args.since)?)?;
    let data = render(&r, format)?;
    lake_core::query::output::write_file_atomically(&args.out, |w| {
        w.write_all(&data)
            .map_err(|e| LakeError::io(format!("writing {}", args.out.display()), e))
    })?;
    eprintln!(
        "wrote {} ({}): {} queries, {} imports",
        args.out.display(),
        bytes(data.len() as u64),
        r.queries.count,
        r.import_count
    );
    Ok(ExitCode::SUCCESS)
}
