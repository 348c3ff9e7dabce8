//! Personal data: suggesting which columns hold it (email addresses, phone numbers, exact
//! coordinates), and masking the tagged ones in query results and exports when the lake's
//! `mask_pii` setting is on.
//!
//! A result column is masked when its column lineage gives it a value from a tagged column
//! (copied, computed or aggregated), so `SELECT upper(email)`, a view or a WITH name does not
//! slip past; a count of a tagged column stays a count. A dataset made by a query from tagged
//! columns gets its own tags, so the data stays masked downstream.

use serde::Serialize;

use crate::catalog::pii::PiiTag;
use crate::error::{LakeError, Result};
use crate::query::column_lineage;
use crate::Lake;

pub use crate::query::mask::{mask_result, mask_series, masking_on, MASK_SETTING};

/// A column that looks like personal data.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PiiSuggestion {
    /// Column name.
    pub column: String,
    /// `email`, `phone` or `location`.
    pub kind: String,
    /// Why: the share of sampled values that look so, or the column's name and type.
    pub reason: String,
    /// Already tagged.
    pub tagged: bool,
}

fn looks_like_email(s: &str) -> bool {
    s.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| "<>()[],;:\"'".contains(c));
        let Some((user, domain)) = w.split_once('@') else {
            return false;
        };
        !user.is_empty()
            && !domain.contains('@')
            && domain.rsplit_once('.').is_some_and(|(host, tld)| {
                !host.is_empty() && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
            })
    })
}

fn looks_like_phone(s: &str) -> bool {
    let s = s.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&digits)
        && s.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
        && !s.contains("--")
        // Not a date or a plain number: a separator, or a leading +.
        && (s.starts_with('+') || s.contains(' ') || s.contains('(') || s.matches('-').count() >= 2)
        && !(s.len() == 10 && s.as_bytes().get(4) == Some(&b'-'))
}

fn is_coordinate_name(name: &str) -> bool {
    let n = name.to_lowercase();
    ["lat", "lon", "lng", "latitude", "longitude"]
        .iter()
        .any(|k| n == *k || n.ends_with(&format!("_{k}")) || n.starts_with(&format!("{k}_")))
}

/// Columns of `dataset` that look like personal data, from a sample of its rows.
pub fn suggest(lake: &Lake, dataset: &str) -> Result<Vec<PiiSuggestion>> {
    let ds = lake.catalog().require_dataset(dataset)?;
    let tags = lake.catalog().pii_tags()?;
    let tagged = |c: &str| tags.iter().any(|t| t.dataset == dataset && t.column == c);
    let sample = crate::profile::read_sample(lake, &ds.files, ds.rows, 2_000)?;
    let mut out = Vec::new();
    for c in &ds.schema {
        let mut push = |kind: &str, reason: String| {
            out.push(PiiSuggestion {
                column: c.name.clone(),
                kind: kind.into(),
                reason,
                tagged: tagged(&c.name),
            })
        };
        let geometry = c.dtype == "binary"
            && (c.name == "geometry" || c.name.ends_with("_wkb") || c.name == "path");
        if geometry || (c.dtype.starts_with('f') && is_coordinate_name(&c.name)) {
            push("location", format!("{} holds exact places", c.name));
            continue;
        }
        if c.dtype != "str" {
            continue;
        }
        let Ok(col) = sample.column(&c.name) else {
            continue;
        };
        let Ok(ca) = col.as_materialized_series().str().cloned() else {
            continue;
        };
        let values: Vec<&str> = ca.iter().flatten().filter(|v| !v.is_empty()).collect();
        if values.is_empty() {
            continue;
        }
        let share = |f: fn(&str) -> bool| {
            values.iter().filter(|v| f(v)).count() as f64 / values.len() as f64
        };
        let (email, phone) = (share(looks_like_email), share(looks_like_phone));
        if email >= 0.5 {
            push(
                "email",
                format!(
                    "{:.0}% of sampled values are email addresses",
                    email * 100.0
                ),
            );
        } else if phone >= 0.5 {
            push(
                "phone",
                format!("{:.0}% of sampled values are phone numbers", phone * 100.0),
            );
        }
    }
    Ok(out)
}

/// A dataset's personal data as the app shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PiiStatus {
    /// Columns that look like personal data.
    pub suggestions: Vec<PiiSuggestion>,
    /// The dataset's tagged columns.
    pub tags: Vec<PiiTag>,
    /// Whether the lake masks tagged columns in results and exports.
    pub masking: bool,
}

/// `dataset`'s suggestions and tags, and the lake's masking setting.
pub fn status(lake: &Lake, dataset: &str) -> Result<PiiStatus> {
    let suggestions = suggest(lake, dataset)?;
    let tags = lake.catalog().pii_tags()?;
    Ok(PiiStatus {
        suggestions,
        tags: tags.into_iter().filter(|t| t.dataset == dataset).collect(),
        masking: masking_on(lake)?,
    })
}

/// Tags `column` of `dataset` as personal data of `kind`.
pub fn tag(lake: &Lake, dataset: &str, column: &str, kind: &str) -> Result<()> {
    if !["email", "phone", "location", "other"].contains(&kind) {
        return Err(LakeError::bad_input(
            "lake pii tag",
            None,
            format!("unknown kind `{kind}`: use email, phone, location or other"),
        ));
    }
    let ds = lake.catalog().require_dataset(dataset)?;
    if !ds.schema.iter().any(|c| c.name == column) {
        let names: Vec<&str> = ds.schema.iter().map(|c| c.name.as_str()).collect();
        let hint = crate::hints::closest(column, names.iter().copied())
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(LakeError::bad_input(
            "lake pii tag",
            None,
            format!("{dataset} has no column `{column}`{hint}"),
        ));
    }
    lake.catalog().tag_pii(&[PiiTag {
        dataset: dataset.into(),
        column: column.into(),
        kind: kind.into(),
    }])
}

/// After `dataset` was made by `sql` (reading `read`): tags its columns that come from tagged
/// columns, with their kind, so masking follows the data.
pub fn inherit_tags(
    lake: &Lake,
    dataset: &str,
    sql: &str,
    read: &[crate::catalog::lineage::InputVersion],
    names: &[String],
) -> Result<()> {
    let tags = lake.catalog().pii_tags()?;
    if tags.is_empty() {
        return Ok(());
    }
    let lineage = column_lineage::of_sql(lake, sql, read, Some(names))?;
    let new: Vec<PiiTag> = lineage
        .columns
        .iter()
        .filter_map(|c| {
            let kind = crate::query::mask::feeding_tag(c, &tags)?.0.kind.clone();
            Some(PiiTag {
                dataset: dataset.into(),
                column: c.name.clone(),
                kind,
            })
        })
        .collect();
    if new.is_empty() {
        return Ok(());
    }
    lake.catalog().tag_pii(&new)
}

#[cfg(test)]
#[path = "pii_tests.rs"]
mod tests;
