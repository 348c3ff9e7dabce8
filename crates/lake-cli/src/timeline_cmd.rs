//! `lake timeline`: every dataset with a time column, and its rows per bucket of a range.

use std::process::ExitCode;

use lake_core::timeline::{self, Density, TimelineRequest};
use lake_core::{Lake, LakeError};

/// `lake timeline [--from T] [--to T] [--buckets N] [--json]`.
#[derive(clap::Args)]
pub struct TimelineArgs {
    /// Start of the range: a date (2024-05-01) or a time (2024-05-01T08:00:00Z); default the
    /// earliest time in the lake.
    #[arg(long)]
    from: Option<String>,
    /// End of the range (exclusive); default just after the latest time.
    #[arg(long)]
    to: Option<String>,
    /// Buckets in the range.
    #[arg(long, default_value_t = 60)]
    buckets: u32,
    /// Print JSON: the sources and the strips.
    #[arg(long)]
    json: bool,
}

fn parse_time(flag: &str, text: &str) -> Result<f64, LakeError> {
    if let Ok(d) = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        return Ok(d.and_time(Default::default()).and_utc().timestamp_millis() as f64);
    }
    lake_core::temporal::parse_datetime_us(text)
        .map(|us| us as f64 / 1000.0)
        .ok_or_else(|| {
            LakeError::bad_input(
                flag,
                None,
                format!("'{text}' is not a date or time; write 2024-05-01 or 2024-05-01T08:00:00Z"),
            )
        })
}

/// A length in the largest unit that fits.
fn span(ms: f64) -> String {
    let units = [
        (86_400_000.0, "d"),
        (3_600_000.0, "h"),
        (60_000.0, "min"),
        (1000.0, "s"),
    ];
    for (u, name) in units {
        if ms >= u {
            return format!("{}{name}", (ms / u * 10.0).round() / 10.0);
        }
    }
    format!("{ms}ms")
}

fn spark(counts: &[u32]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as u64;
    counts
        .iter()
        .map(|&c| match c as u64 {
            0 => ' ',
            c => BARS[((c * 7) / max) as usize],
        })
        .collect()
}

fn when(ms: f64) -> String {
    chrono::DateTime::from_timestamp_millis(ms as i64).map_or_else(
        || ms.to_string(),
        |t| t.format("%Y-%m-%d %H:%M").to_string(),
    )
}

fn print(d: &Density) {
    println!(
        "{} → {} UTC, {} buckets of {} ({:.0} ms)",
        when(d.from_ms),
        when(d.to_ms),
        d.strips.first().map_or(0, |s| s.counts.len()),
        span(d.bucket_ms),
        d.elapsed_ms
    );
    let width = d.strips.iter().map(|s| s.dataset.len()).max().unwrap_or(0);
    for s in &d.strips {
        println!(
            "{:<width$}  │{}│ {} rows",
            s.dataset,
            spark(&s.counts),
            s.total
        );
    }
}

/// Runs `lake timeline`.
pub fn run(lake: &Lake, args: TimelineArgs) -> Result<ExitCode, LakeError> {
    let req = TimelineRequest {
        from_ms: args
            .from
            .as_deref()
            .map(|t| parse_time("--from", t))
            .transpose()?,
        to_ms: args
            .to
            .as_deref()
            .map(|t| parse_time("--to", t))
            .transpose()?,
        buckets: args.buckets,
    };
    let v = timeline::view(lake, &req)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&v).expect("serializes"));
    } else if let Some(d) = &v.density {
        print(d);
    } else {
        println!("no dataset has times yet; import one with a timestamp or date column");
    }
    Ok(ExitCode::SUCCESS)
}
