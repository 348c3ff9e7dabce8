//! `lake pii ...`: which columns hold personal data, and masking them in results and exports.
//! A tag or the setting is one catalog transaction (no data file is written), so these take no
//! lake lock: they work while an import runs, as the app's do.

use std::process::ExitCode;

use lake_core::pii::{self, MASK_SETTING};
use lake_core::{Lake, LakeError};

/// `lake pii suggest|tag|untag|list|mask`.
#[derive(clap::Subcommand)]
pub enum PiiAction {
    /// Columns of a dataset that look like personal data (email addresses, phone numbers,
    /// exact coordinates), from a sample of its rows.
    Suggest {
        /// Dataset name.
        dataset: String,
        /// Tag every suggested column.
        #[arg(long)]
        tag: bool,
    },
    /// Tag a column as personal data.
    Tag {
        /// Dataset name.
        dataset: String,
        /// Column name.
        column: String,
        /// How it is masked: email, phone, location or other.
        #[arg(long, default_value = "other")]
        kind: String,
    },
    /// Remove a column's tag.
    Untag {
        /// Dataset name.
        dataset: String,
        /// Column name.
        column: String,
    },
    /// The tagged columns, and whether masking is on.
    List,
    /// Mask tagged columns in query results and exports (`on`), or show them (`off`).
    Mask {
        /// on or off.
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
}

/// `lake pii ...`.
pub fn run(lake: &Lake, action: PiiAction) -> Result<ExitCode, LakeError> {
    match action {
        PiiAction::Suggest { dataset, tag } => {
            let s = pii::suggest(lake, &dataset)?;
            if s.is_empty() {
                println!("no column of {dataset} looks like personal data");
            }
            for x in &s {
                let tagged = if x.tagged { "  (tagged)" } else { "" };
                println!("{:<20} {:<9} {}{tagged}", x.column, x.kind, x.reason);
            }
            if tag {
                for x in s.iter().filter(|x| !x.tagged) {
                    pii::tag(lake, &dataset, &x.column, &x.kind)?;
                }
                println!("tagged; `lake pii mask on` masks them in results and exports");
            } else if s.iter().any(|x| !x.tagged) {
                println!("tag them with `lake pii suggest {dataset} --tag`, or one by one with `lake pii tag`");
            }
        }
        PiiAction::Tag {
            dataset,
            column,
            kind,
        } => {
            pii::tag(lake, &dataset, &column, &kind)?;
            println!("{dataset}.{column} tagged as {kind}");
        }
        PiiAction::Untag { dataset, column } => {
            if !lake.catalog().untag_pii(&dataset, &column)? {
                return Err(LakeError::bad_input(
                    "lake pii untag",
                    None,
                    format!("{dataset}.{column} is not tagged; `lake pii list` shows the tags"),
                ));
            }
            println!("{dataset}.{column} is no longer tagged");
        }
        PiiAction::List => {
            let on = pii::masking_on(lake)?;
            println!(
                "masking is {}",
                if on {
                    "on: tagged columns are masked in results and exports"
                } else {
                    "off (`lake pii mask on` turns it on)"
                }
            );
            for t in lake.catalog().pii_tags()? {
                println!("{}.{}  {}", t.dataset, t.column, t.kind);
            }
        }
        PiiAction::Mask { state } => {
            lake.catalog().set_setting(MASK_SETTING, &state)?;
            println!("masking of personal data is {state}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
