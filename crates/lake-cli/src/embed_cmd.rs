//! `lake embed DATASET COLUMN [--name NEWCOL]`: each text's vector from the built-in text
//! model, added as a new version's column, with its cosine index.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use lake_core::{Lake, LakeError};

/// `lake embed ...`.
#[derive(clap::Args)]
pub struct EmbedArgs {
    /// Dataset name.
    dataset: String,
    /// Its text column.
    column: String,
    /// The new vector column's name (default: COLUMN_embedding).
    #[arg(long)]
    name: Option<String>,
    /// Do not build the vector index on the new column.
    #[arg(long)]
    no_index: bool,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(lake: &Lake, a: EmbedArgs) -> Result<ExitCode, LakeError> {
    let cancel = crate::install_ctrlc();
    let bar = (std::io::stderr().is_terminal() && !a.json).then(|| {
        let b = ProgressBar::new(0);
        b.set_style(
            crate::progress::with_rate(
                ProgressStyle::with_template(
                    "{spinner} embedding [{bar:30}] {pos}/{len} texts {rate} ETA {eta}",
                )
                .expect("valid template"),
            )
            .progress_chars("=> "),
        );
        b.enable_steady_tick(Duration::from_millis(120));
        b
    });
    let progress = |p: lake_core::text::column::EmbedProgress| {
        if let Some(b) = &bar {
            b.set_length(p.total);
            b.set_position(p.done);
        }
    };
    let r = lake_core::text::column::embed_column(
        lake,
        &a.dataset,
        &a.column,
        a.name.as_deref(),
        !a.no_index,
        &progress,
        &cancel,
    );
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let r = r?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string(&r).map_err(|e| LakeError::Internal(e.to_string()))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let rate = r.rows as f64 / r.embed_s.max(1e-9);
    println!(
        "{} v{}: {} FLOAT[{}] from {} ({} of {} rows have a vector; the others have no text or \
         no word the model knows)",
        r.dataset, r.version, r.name, r.dim, r.column, r.embedded, r.rows
    );
    println!(
        "  model: {}; {:.0} texts/s, {:.2} s in all",
        lake_core::text::MODEL_NAME,
        rate,
        r.total_s
    );
    if let Some(i) = &r.index {
        println!("  index: {}", crate::index_cmd::describe(i));
    }
    if let Some(w) = &r.warning {
        eprintln!("warning: {w}");
    }
    let q = lake_core::catalog::sql_type::ident;
    println!(
        "  search it with SQL: SELECT * FROM {} ORDER BY array_cosine_distance({}, \
         embed('your words')) LIMIT 10",
        q(&r.dataset),
        q(&r.name)
    );
    Ok(ExitCode::SUCCESS)
}
