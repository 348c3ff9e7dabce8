//! "Did you mean": the closest known name to a misspelt one. Shared by the catalog and the
//! query binder, so it depends on neither.

/// The closest candidate to `name`, if it is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let last = c.rsplit('.').next().unwrap_or(c);
            let d = strsim::damerau_levenshtein(&lower, &c.to_lowercase())
                .min(strsim::damerau_levenshtein(&lower, &last.to_lowercase()));
            (d, c)
        })
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

/// The error for a column `spec` that `dataset` does not have, naming the columns that would
/// do (`fits`, after `listed`: "its text columns are"), or saying `none` when there are none;
/// `suggestion` is what the error offers instead.
pub fn no_such_column(
    dataset: &str,
    spec: &str,
    fits: &[String],
    (listed, none): (&str, &str),
) -> crate::error::LakeError {
    // The name closest to what was asked, else the first that fits.
    let suggestion =
        closest(spec, fits.iter().map(String::as_str)).or_else(|| fits.first().cloned());
    // Keys that hold commas (`lon,lat`) are kept apart by semicolons.
    let sep = if fits.iter().any(|f| f.contains(',')) {
        "; "
    } else {
        ", "
    };
    crate::error::LakeError::UnknownColumn {
        message: format!(
            "{dataset} has no column `{spec}`; {}",
            if fits.is_empty() {
                none.to_string()
            } else {
                format!("{listed}: {}", fits.join(sep))
            }
        ),
        position: None,
        suggestion,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggestion(e: crate::error::LakeError) -> Option<String> {
        match e {
            crate::error::LakeError::UnknownColumn { suggestion, .. } => suggestion,
            other => panic!("{other}"),
        }
    }

    #[test]
    fn a_missing_column_suggests_the_closest_name_else_the_first() {
        let fits = vec!["title".to_string(), "body_text".to_string()];
        let e = no_such_column("mail", "body_txt", &fits, ("its text columns are", "none"));
        assert!(
            e.to_string()
                .contains("its text columns are: title, body_text"),
            "{e}"
        );
        assert_eq!(suggestion(e).as_deref(), Some("body_text"));
        let e = no_such_column("mail", "zzz", &fits, ("listed", "none"));
        assert_eq!(suggestion(e).as_deref(), Some("title"));
        let e = no_such_column("mail", "x", &[], ("listed", "it has none"));
        assert!(e.to_string().ends_with("it has none"), "{e}");
        assert_eq!(suggestion(e), None);
    }
}
