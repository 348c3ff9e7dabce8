//! Masking the columns tagged as personal data in query results and exports, when the lake's
//! `mask_pii` setting is on (tags and suggestions: the pii module). A result column is masked
//! when its column lineage gives it a value from a tagged column (copied, computed or
//! aggregated), so `SELECT upper(email)`, a view or a WITH name does not slip past; a count of
//! a tagged column stays a count.

use polars::prelude::*;

use crate::catalog::pii::PiiTag;
use crate::error::{LakeError, Result};
use crate::Lake;

use super::column_lineage::{self, ColumnLineage};

/// The setting that turns masking on (`on` / `off`).
pub const MASK_SETTING: &str = "mask_pii";

/// Whether the lake masks tagged columns in results and exports.
pub fn masking_on(lake: &Lake) -> Result<bool> {
    Ok(lake.catalog().setting(MASK_SETTING)?.as_deref() == Some("on"))
}

/// The tagged column that gives `c` a value (directly: copied, computed or aggregated), and
/// how (`IDENTITY`, `TRANSFORMATION`, `AGGREGATION`).
pub fn feeding_tag<'a, 'b>(
    c: &'b super::column_lineage::OutputColumn,
    tags: &'a [PiiTag],
) -> Option<(&'a PiiTag, &'b str)> {
    c.inputs
        .iter()
        .filter(|x| x.kind == "DIRECT")
        .find_map(|x| {
            tags.iter()
                .find(|t| t.dataset == x.dataset && t.column == x.column)
                .map(|t| (t, x.subtype.as_str()))
        })
}

/// The tag that gives each output column of `lineage` its value, if any.
fn tagged_outputs(
    lineage: &ColumnLineage,
    tags: &[PiiTag],
    frame: &DataFrame,
    integer_column: impl Fn(&PiiTag) -> bool,
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, c) in lineage.columns.iter().enumerate() {
        let tag = feeding_tag(c, tags);
        let Some((t, subtype)) = tag else { continue };
        let kind = t.kind.clone();
        // A count of a tagged column tells how many, not who. An integer aggregate of an
        // integer column may be one of its values (max, last), so that is masked.
        let counted = subtype == "AGGREGATION"
            && frame
                .columns()
                .get(i)
                .is_some_and(|s| s.dtype().is_integer())
            && !integer_column(t);
        if !counted {
            out.push((i, kind));
        }
    }
    out
}

/// Masks the columns of `frame` (the answer to `sql`) that come from tagged columns, when the
/// lake's setting is on. Returns the names of the masked columns.
pub fn mask_result(lake: &Lake, sql: &str, frame: &mut DataFrame) -> Result<Vec<String>> {
    if !masking_on(lake)? {
        return Ok(Vec::new());
    }
    let tags = lake.catalog().pii_tags()?;
    if tags.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let lineage = column_lineage::of_sql(lake, sql, &[], Some(&names))?;
    // Read only for an integer aggregate of a tagged column (not for every tag, every query);
    // a column that cannot be read is taken as integer, so the value is masked.
    let integer_column = |t: &PiiTag| {
        let ds = lake.catalog().dataset(&t.dataset).ok().flatten();
        let c = ds.and_then(|d| d.schema.into_iter().find(|c| c.name == t.column));
        c.is_none_or(|c| c.dtype.starts_with('i') || c.dtype.starts_with('u'))
    };
    let mut tagged = tagged_outputs(&lineage, &tags, frame, integer_column);
    // A step over the answer (lttb's two columns of one call) leaves the lineage's columns
    // apart from the answer's: then a tag on any of them masks every column.
    if lineage.columns.len() != frame.width() {
        if let Some((_, kind)) = tagged.first().cloned() {
            tagged = (0..frame.width()).map(|i| (i, kind.clone())).collect();
        }
    }
    let mut masked = Vec::new();
    for (i, kind) in tagged {
        let Some(col) = frame.columns().get(i) else {
            continue;
        };
        let s = mask_series(col.as_materialized_series(), &kind);
        let name = s.name().to_string();
        frame
            .replace_column(i, s.into_column())
            .map_err(|e| LakeError::Internal(format!("masking {name}: {e}")))?;
        masked.push(name);
    }
    Ok(masked)
}

/// `v` masked for `kind` (see [`mask_series`]).
pub fn mask_text(v: &str, kind: &str) -> String {
    match kind {
        "email" => match v.rsplit_once('@') {
            Some((user, domain)) => {
                format!("{}***@{domain}", user.chars().next().unwrap_or('*'))
            }
            None => "***".into(),
        },
        "phone" => {
            let digits: Vec<char> = v.chars().filter(char::is_ascii_digit).collect();
            let last: String = digits[digits.len().saturating_sub(2)..].iter().collect();
            format!("***{last}")
        }
        _ => "***".into(),
    }
}

/// `s` masked for `kind`: text keeps a hint (an email's first letter and domain, a phone's
/// last two digits); coordinates are rounded to 0.01° (about a kilometre); anything else
/// becomes null.
pub fn mask_series(s: &Series, kind: &str) -> Series {
    let name = s.name().clone();
    if let Ok(ca) = s.str() {
        let v: Vec<Option<String>> = ca.iter().map(|x| x.map(|x| mask_text(x, kind))).collect();
        return Series::new(name, v);
    }
    if kind == "location" && s.dtype().is_float() {
        if let Ok(f) = s.cast(&DataType::Float64) {
            if let Ok(ca) = f.f64() {
                let v: Vec<Option<f64>> = ca
                    .iter()
                    .map(|x| x.map(|x| (x * 100.0).round() / 100.0))
                    .collect();
                return Series::new(name, v);
            }
        }
    }
    Series::full_null(name, s.len(), s.dtype())
}

/// `name`'s description, with the min and max of its tagged columns masked when the lake masks
/// them (the statistics would show an address or a place otherwise).
pub fn describe_masked(lake: &Lake, name: &str) -> Result<crate::catalog::DatasetDescription> {
    let mut d = crate::catalog::describe(&lake.catalog(), name)?;
    if !masking_on(lake)? {
        return Ok(d);
    }
    let tags = lake.catalog().pii_tags()?;
    for c in &mut d.columns {
        let Some(t) = tags
            .iter()
            .find(|t| t.dataset == d.name && t.column == c.name)
        else {
            continue;
        };
        for v in [&mut c.min, &mut c.max] {
            *v = match v.take() {
                Some(serde_json::Value::String(s)) => Some(mask_text(&s, &t.kind).into()),
                Some(serde_json::Value::Number(n)) if t.kind == "location" => {
                    n.as_f64().map(|f| ((f * 100.0).round() / 100.0).into())
                }
                _ => None,
            };
        }
    }
    Ok(d)
}
