//! Words as the text model knows them: lower case, split at anything that is not a letter or a
//! digit, except an apostrophe, hyphen or dot between two of them (`e-mail`, `don't`, `u.s`)
//! and a comma or dot between digits (`2,000`, `1.5`).

/// Calls `f` with each word of `text`, in lower case (the model's vocabulary is lower case).
/// Text is composed first (NFC), so an accent written as a separate mark stays in its word.
pub fn each_token(text: &str, f: &mut dyn FnMut(&str)) {
    use unicode_normalization::UnicodeNormalization;
    let composed: String;
    let text = if text.is_ascii() {
        text
    } else {
        composed = text.nfc().collect();
        &composed
    };
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    let mut last: Option<char> = None;
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
            last = Some(c);
            continue;
        }
        let next = chars.peek().copied();
        let joins = match (last, next) {
            (Some(a), Some(b))
                if a.is_alphanumeric() && b.is_alphanumeric() && !word.is_empty() =>
            {
                match c {
                    '\'' | '’' | '-' | '.' => true,
                    ',' => a.is_ascii_digit() && b.is_ascii_digit(),
                    _ => false,
                }
            }
            _ => false,
        };
        if joins {
            word.push(if c == '’' { '\'' } else { c });
        } else if !word.is_empty() {
            f(&word);
            word.clear();
        }
        last = Some(c);
    }
    if !word.is_empty() {
        f(&word);
    }
}

/// Calls `f` with each word of `text` the way the model looks words up: the whole token
/// (`e-mail`), and when `known` does not know it, its parts (`lisbon-bound` → `lisbon`,
/// `bound`; `john's` → `john`).
pub fn each_word(text: &str, known: &dyn Fn(&str) -> bool, f: &mut dyn FnMut(&str)) {
    each_token(text, &mut |t| {
        if known(t) || !t.contains(['\'', '-', '.', ',']) {
            f(t);
            return;
        }
        let t = t.strip_suffix("'s").unwrap_or(t);
        for part in t.split(['\'', '-', '.', ',']).filter(|p| !p.is_empty()) {
            f(part);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(t: &str) -> Vec<String> {
        let mut out = Vec::new();
        each_token(t, &mut |w| out.push(w.to_string()));
        out
    }

    #[test]
    fn words_split_at_spaces_and_punctuation_but_keep_their_joins() {
        assert_eq!(
            tokens("Trip to LISBON, e-mail: don’t pay 2,000.50 € (Café) -x- a.b."),
            ["trip", "to", "lisbon", "e-mail", "don't", "pay", "2,000.50", "café", "x", "a.b"]
        );
        assert_eq!(tokens(""), Vec::<String>::new());
        assert_eq!(tokens("  ,,, !!"), Vec::<String>::new());
        assert_eq!(
            tokens("Straße über ÉTÉ 東京"),
            ["straße", "über", "été", "東京"]
        );
        // A comma between words is a break, not a join.
        assert_eq!(tokens("paris,london"), ["paris", "london"]);
    }

    #[test]
    fn unknown_joined_words_are_looked_up_by_their_parts() {
        let known = |w: &str| ["e-mail", "lisbon", "bound", "john"].contains(&w);
        let mut out = Vec::new();
        each_word("E-mail John's Lisbon-bound", &known, &mut |w| {
            out.push(w.to_string())
        });
        assert_eq!(out, ["e-mail", "john", "lisbon", "bound"]);
    }
}
