//! Time travel in SQL: reading a past version of a dataset, in the forms users of Delta Lake,
//! Iceberg, DuckLake and SQL:2011 write:
//!
//! - `FROM events VERSION AS OF 3` (Delta, Iceberg) or `FROM events AT (VERSION => 3)` (DuckLake);
//! - `FROM events TIMESTAMP AS OF '2026-11-01 08:00'`, `FOR SYSTEM_TIME AS OF '…'` (SQL:2011)
//!   or `AT (TIMESTAMP => '…')`: the version current at that instant (UTC unless the text
//!   has an offset).
//!
//! The SQL parser's generic dialect has none of these, so the guard rewrites them on its
//! tokens, before parsing, into a table name with a suffix: `"events@v3"`, or
//! `"events@t1761984000000"` (milliseconds since 1970, UTC). The binder resolves such names
//! ([`split_name`]) against the catalog's versions; the suffix is the lake's own spelling, and a
//! quoted name written that way directly means the same.

use chrono::{DateTime, TimeZone, Utc};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Word};

use crate::catalog::history::VersionSel;
use crate::error::{LakeError, Result, SqlPosition};

/// Splits a bound table name into its dataset and the version it asks for, if it has a suffix.
pub fn split_name(name: &str) -> Option<(&str, VersionSel)> {
    let (base, sel) = name.rsplit_once('@')?;
    let sel = if let Some(n) = sel.strip_prefix('v') {
        VersionSel::Number(n.parse().ok()?)
    } else {
        let ms: i64 = sel.strip_prefix('t')?.parse().ok()?;
        let t: DateTime<Utc> = Utc.timestamp_millis_opt(ms).single()?;
        VersionSel::AsOf(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    };
    (!base.is_empty()).then_some((base, sel))
}

fn error_at(t: &TokenWithSpan, message: String) -> LakeError {
    LakeError::Parse {
        message,
        position: Some(SqlPosition {
            line: t.span.start.line,
            column: t.span.start.column,
        }),
    }
}

fn is_kw(t: &Token, k: Keyword) -> bool {
    matches!(t, Token::Word(w) if w.keyword == k && w.quote_style.is_none())
}

/// Indexes of the non-whitespace tokens.
fn solid(tokens: &[TokenWithSpan]) -> Vec<usize> {
    (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect()
}

/// What a time-travel clause at `s[k..]` asks for, and how many solid tokens it spans.
enum Clause {
    Version(usize),
    Timestamp(usize),
}

fn clause_at(tokens: &[TokenWithSpan], s: &[usize], k: usize) -> Option<Clause> {
    let t = |j: usize| s.get(k + j).map(|&i| &tokens[i].token);
    let kw = |j: usize, kw: Keyword| t(j).is_some_and(|x| is_kw(x, kw));
    if kw(0, Keyword::VERSION) && kw(1, Keyword::AS) && kw(2, Keyword::OF) {
        return Some(Clause::Version(3));
    }
    if kw(0, Keyword::TIMESTAMP) && kw(1, Keyword::AS) && kw(2, Keyword::OF) {
        return Some(Clause::Timestamp(3));
    }
    if kw(0, Keyword::FOR)
        && kw(1, Keyword::SYSTEM_TIME)
        && kw(2, Keyword::AS)
        && kw(3, Keyword::OF)
    {
        return Some(Clause::Timestamp(4));
    }
    if kw(0, Keyword::AT) && t(1) == Some(&Token::LParen) && t(3) == Some(&Token::RArrow) {
        if kw(2, Keyword::VERSION) {
            return Some(Clause::Version(4));
        }
        if kw(2, Keyword::TIMESTAMP) {
            return Some(Clause::Timestamp(4));
        }
    }
    None
}

/// Rewrites every time-travel clause after a table name into the name's suffix.
pub fn rewrite_tokens(tokens: &mut Vec<TokenWithSpan>) -> Result<()> {
    loop {
        let s = solid(tokens);
        let mut found = None;
        for k in 1..s.len() {
            // Only a table name (a word) comes before these clauses in any SQL that parses;
            // dataset names are often keywords too (`location`, `events`).
            if !matches!(tokens[s[k - 1]].token, Token::Word(_)) {
                continue;
            }
            if let Some(c) = clause_at(tokens, &s, k) {
                found = Some((k, c));
                break;
            }
        }
        let Some((k, clause)) = found else {
            return Ok(());
        };
        let start = &tokens[s[k]];
        let (suffix, mut end) = match clause {
            Clause::Version(n) => {
                let v = s.get(k + n).map(|&i| &tokens[i]);
                let num = match v.map(|t| &t.token) {
                    Some(Token::Number(text, false)) => text.parse::<u32>().ok(),
                    _ => None,
                };
                let num = num.ok_or_else(|| {
                    error_at(
                        v.unwrap_or(start),
                        "VERSION AS OF takes a version number, such as VERSION AS OF 3 (see \
                         `lake history DATASET`)"
                            .into(),
                    )
                })?;
                (format!("v{num}"), k + n)
            }
            Clause::Timestamp(n) => {
                let mut j = k + n;
                // `TIMESTAMP AS OF TIMESTAMP '…'`: the typed literal's keyword is optional.
                if s.get(j)
                    .is_some_and(|&i| is_kw(&tokens[i].token, Keyword::TIMESTAMP))
                {
                    j += 1;
                }
                let v = s.get(j).map(|&i| &tokens[i]);
                let text =
                    match v.map(|t| &t.token) {
                        Some(Token::SingleQuotedString(text)) => text.clone(),
                        _ => return Err(error_at(
                            v.unwrap_or(start),
                            "TIMESTAMP AS OF takes a quoted timestamp, such as TIMESTAMP AS OF \
                             '2026-11-01 08:00:00' (UTC) or '2026-11-01T08:00:00+01:00'"
                                .into(),
                        )),
                    };
                let VersionSel::AsOf(ts) = VersionSel::timestamp(&text)
                    .map_err(|e| error_at(v.unwrap_or(start), e.to_string()))?
                else {
                    unreachable!("a timestamp selects by time")
                };
                let ms = DateTime::parse_from_rfc3339(&ts)
                    .map_err(|e| LakeError::Internal(e.to_string()))?
                    .timestamp_millis();
                (format!("t{ms}"), j)
            }
        };
        if is_kw(&tokens[s[k]].token, Keyword::AT) {
            end += 1;
            if s.get(end).map(|&i| &tokens[i].token) != Some(&Token::RParen) {
                let at = s.get(end).map_or(start, |&i| &tokens[i]);
                return Err(error_at(at, "AT (...) ends with a `)` here".into()));
            }
        }
        let Token::Word(name) = &tokens[s[k - 1]].token else {
            unreachable!("checked above")
        };
        if name.value.contains('@') {
            return Err(error_at(
                start,
                "this table already names a version; give one version per table".into(),
            ));
        }
        let renamed = Token::Word(Word {
            value: format!("{}@{suffix}", name.value),
            quote_style: Some('"'),
            keyword: Keyword::NoKeyword,
        });
        let (from, to) = (s[k - 1], s[end]);
        tokens[from].token = renamed;
        tokens.drain(from + 1..=to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::GenericDialect;
    use sqlparser::tokenizer::Tokenizer;

    fn rewritten(sql: &str) -> Result<String> {
        let mut t = Tokenizer::new(&GenericDialect {}, sql)
            .tokenize_with_location()
            .unwrap();
        rewrite_tokens(&mut t)?;
        Ok(t.iter().map(|t| t.token.to_string()).collect())
    }

    #[test]
    fn every_form_becomes_a_suffix() {
        let v3 = r#"SELECT * FROM "events@v3" e"#;
        assert_eq!(
            rewritten("SELECT * FROM events VERSION AS OF 3 e").unwrap(),
            v3
        );
        assert_eq!(
            rewritten("SELECT * FROM events AT (VERSION => 3) e").unwrap(),
            v3
        );
        let t = r#"SELECT * FROM takeout."location@t1761955200000""#;
        for sql in [
            "SELECT * FROM takeout.location TIMESTAMP AS OF '2025-11-01'",
            "SELECT * FROM takeout.location FOR SYSTEM_TIME AS OF '2025-11-01 00:00:00'",
            "SELECT * FROM takeout.location AT (TIMESTAMP => '2025-11-01T01:00:00+01:00')",
            "SELECT * FROM takeout.location TIMESTAMP AS OF TIMESTAMP '2025-11-01'",
        ] {
            assert_eq!(rewritten(sql).unwrap(), t, "{sql}");
        }
        let (base, sel) = split_name("takeout.location@t1761955200000").unwrap();
        assert_eq!(base, "takeout.location");
        assert_eq!(sel, VersionSel::AsOf("2025-11-01T00:00:00.000Z".into()));
        assert_eq!(
            split_name("events@v3"),
            Some(("events", VersionSel::Number(3)))
        );
        assert_eq!(split_name("events@x"), None);
        assert_eq!(split_name("events"), None);
    }

    #[test]
    fn other_sql_is_left_alone_and_bad_clauses_say_where() {
        for sql in [
            "SELECT CAST(x AS TIMESTAMP) AS of FROM t",
            "SELECT version FROM t WHERE ts > TIMESTAMP '2020-01-01'",
            "SELECT 'VERSION AS OF 3' FROM t",
        ] {
            let mut t = Tokenizer::new(&GenericDialect {}, sql)
                .tokenize_with_location()
                .unwrap();
            let before = t.clone();
            rewrite_tokens(&mut t).unwrap();
            assert_eq!(t, before, "{sql}");
        }
        let e = rewritten("SELECT * FROM events VERSION AS OF 'x'").unwrap_err();
        assert!(e.to_string().contains("version number"), "{e}");
        assert!(matches!(e, LakeError::Parse { position: Some(p), .. } if p.column == 36));
        let e = rewritten("SELECT * FROM events TIMESTAMP AS OF 'yesterday'").unwrap_err();
        assert!(e.to_string().contains("not a timestamp"), "{e}");
        let e = rewritten("SELECT * FROM events TIMESTAMP AS OF now()").unwrap_err();
        assert!(e.to_string().contains("quoted timestamp"), "{e}");
        let e = rewritten("SELECT * FROM events AT (VERSION => 2 x").unwrap_err();
        assert!(e.to_string().contains("`)`"), "{e}");
    }
}
