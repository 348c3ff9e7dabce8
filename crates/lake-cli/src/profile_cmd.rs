//! `lake profile DATASET`: each column's histogram, top values, null share, approximate
//! distinct count and min/max.

use std::process::ExitCode;

use lake_core::profile::{self, ColumnProfile, Histogram};
use lake_core::{Lake, LakeError};

/// `lake profile DATASET [--json]`.
#[derive(clap::Args)]
pub struct ProfileArgs {
    /// Dataset name.
    dataset: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Bars of a histogram as block characters, highest bar full.
fn spark(h: &Histogram) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = h.counts.iter().copied().max().unwrap_or(0).max(1);
    h.counts
        .iter()
        .map(|&c| match c {
            0 => ' ',
            c => BARS[((c * 7) / max) as usize],
        })
        .collect()
}

fn short(s: &str) -> String {
    if s.chars().count() > 24 {
        format!("{}…", s.chars().take(23).collect::<String>())
    } else {
        s.to_string()
    }
}

fn print_column(c: &ColumnProfile, sampled: u64) {
    let distinct = c
        .distinct
        .map(|d| format!("≈{d}"))
        .unwrap_or_else(|| "–".into());
    let range = match (&c.min, &c.max) {
        (Some(a), Some(b)) => format!("{} … {}", short(a), short(b)),
        _ => "–".into(),
    };
    println!(
        "{:<20} {:<12} nulls {:>5.1}%  distinct {:<10} {range}",
        c.name,
        c.sql_type,
        c.null_share * 100.0,
        distinct
    );
    if let Some(h) = &c.histogram {
        println!("{:<20} │{}│", "", spark(h));
    }
    if !c.top.is_empty() {
        let top: Vec<String> = c
            .top
            .iter()
            .map(|t| {
                let share = t.count as f64 * 100.0 / sampled.max(1) as f64;
                format!("{} {share:.0}%", short(&t.value))
            })
            .collect();
        println!("{:<20} top: {}", "", top.join(", "));
    }
}

/// `lake profile`.
pub fn run(lake: &Lake, a: ProfileArgs) -> Result<ExitCode, LakeError> {
    let p = profile::profile(lake, &a.dataset)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&p).expect("json"));
        return Ok(ExitCode::SUCCESS);
    }
    let sample = if p.sampled < p.rows {
        format!(
            "; histograms and top values from a sample of {} rows across its files",
            p.sampled
        )
    } else {
        String::new()
    };
    println!("{} v{}: {} rows{sample}", p.dataset, p.version, p.rows);
    for c in &p.columns {
        print_column(c, p.sampled);
    }
    Ok(ExitCode::SUCCESS)
}
