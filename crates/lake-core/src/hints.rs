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
