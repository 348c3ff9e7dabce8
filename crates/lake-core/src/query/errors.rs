//! The one translator of Polars' errors into the lake's typed errors. Polars reports most SQL
//! problems as text, so each message it matches is pinned by a test: a Polars upgrade that
//! changes one shows up there, not as a different code for users.

use std::collections::HashMap;
use std::ops::ControlFlow;

use polars::prelude::*;
use sqlparser::ast::{Expr, Statement, Visit, Visitor};

use crate::error::{LakeError, SqlPosition};
use crate::hints::closest;

pub(super) fn engine_error(e: PolarsError) -> LakeError {
    let msg = e.to_string();
    let first = msg.lines().next().unwrap_or("");
    // A scalar subquery (`x > (SELECT …)`) is run by Polars as an `item` aggregation.
    if let Some(n) = first
        .strip_prefix("aggregation 'item' expected no or a single value, got ")
        .and_then(|r| r.strip_suffix(" values"))
    {
        return LakeError::QueryFailed(format!(
            "a scalar subquery returned {n} rows; it must return at most one \
             (add a WHERE, an aggregate such as max(), or LIMIT 1)"
        ));
    }
    LakeError::QueryFailed(first.to_string())
}

pub(super) fn polars_query_error(
    e: PolarsError,
    original: &sqlparser::ast::Statement,
    columns: &HashMap<String, Vec<String>>,
) -> LakeError {
    let text = e.to_string();
    if let Some(err) = (text.contains("unable to find column")
        || matches!(e, PolarsError::ColumnNotFound(_)))
    .then(|| unknown_column(&text, original, columns))
    .flatten()
    {
        return err;
    }
    let first = text.lines().next().unwrap_or(&text).to_string();
    if matches!(e, PolarsError::SQLSyntax(_)) && first.contains("not supported") {
        return LakeError::Unsupported(tidy_unsupported(&first));
    }
    if matches!(e, PolarsError::SQLSyntax(_)) {
        return LakeError::Parse {
            message: first,
            position: None,
        };
    }
    if first.contains("not supported")
        || first.contains("not currently supported")
        || first.contains("unsupported")
        || first.contains("not yet supported")
    {
        return LakeError::Unsupported(tidy_unsupported(&first));
    }
    LakeError::QueryFailed(cap(&first))
}

/// Polars names an unsupported SQL expression by dumping its syntax tree; say it in words.
pub(super) fn tidy_unsupported(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("expression ") {
        let variant: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let what = match variant.as_str() {
            "Exists" => "EXISTS subqueries",
            "GroupingSets" => "GROUPING SETS",
            "Rollup" => "ROLLUP",
            "Cube" => "CUBE",
            "Subquery" => "scalar subqueries in this position",
            "InSubquery" => "IN (subquery) in this position",
            "Interval" => "this INTERVAL form",
            "" => "this expression",
            other => return format!("the SQL construct `{other}` is not supported yet"),
        };
        return format!(
            "{what} are not supported yet; rewrite the query (for example with a JOIN)"
        );
    }
    // "EXISTS subquery is not currently supported in this position: Query { with: None, … }"
    if let Some(i) = msg.find(": ").filter(|&i| {
        let rest = &msg[i + 2..];
        let word: String = rest
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        word.starts_with(|c: char| c.is_ascii_uppercase())
            && rest[word.len()..].trim_start().starts_with(['(', '{'])
    }) {
        return format!("{}; rewrite the query (for example with a JOIN)", &msg[..i]);
    }
    cap(msg)
}

fn cap(msg: &str) -> String {
    if msg.chars().count() <= 300 {
        return msg.to_string();
    }
    let mut s: String = msg.chars().take(300).collect();
    s.push('…');
    s
}

/// Finds where an identifier stands in the original SQL.
fn find_ident(statement: &Statement, name: &str) -> Option<SqlPosition> {
    struct Finder<'a> {
        name: &'a str,
        found: Option<SqlPosition>,
    }
    impl Visitor for Finder<'_> {
        type Break = ();
        fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
            let hit = match e {
                Expr::Identifier(i) if i.value.eq_ignore_ascii_case(self.name) => Some(i),
                Expr::CompoundIdentifier(parts) => parts
                    .last()
                    .filter(|i| i.value.eq_ignore_ascii_case(self.name)),
                _ => None,
            };
            if let Some(i) = hit {
                self.found = super::bind::pos(i);
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        }
    }
    let mut f = Finder { name, found: None };
    let _ = statement.visit(&mut f);
    f.found
}

/// Turns Polars' "column not found" into `unknown_column` with a position and a hint.
fn unknown_column(
    message: &str,
    original: &Statement,
    columns: &HashMap<String, Vec<String>>,
) -> Option<LakeError> {
    // Polars says: unable to find column "titel"; valid columns: [...]
    let start = message.find("column \"")? + 8;
    let end = start + message[start..].find('"')?;
    let name = &message[start..end];
    let position = find_ident(original, name);
    let mut best: Option<(String, String)> = None;
    for (ds, cols) in columns {
        if let Some(s) = closest(name, cols.iter().map(String::as_str)) {
            best = Some((ds.clone(), s));
            break;
        }
    }
    // The column exists, yet the engine did not see it where it is used: no hint would help.
    if let Some((ds, _)) = best.as_ref().filter(|(_, s)| s.eq_ignore_ascii_case(name)) {
        return Some(LakeError::Unsupported(format!(
            "column `{name}` of {ds} cannot be used at this point of the query: the way its \
             FROM clause joins {ds} is not supported yet; write the joins as explicit JOIN … ON"
        )));
    }
    let (in_ds, suggestion) = match (&best, columns.len()) {
        (Some((ds, s)), _) => (format!(" in {ds}"), Some(s.clone())),
        (None, 1) => (format!(" in {}", columns.keys().next().expect("one")), None),
        _ => (String::new(), None),
    };
    let hint = suggestion
        .as_ref()
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    Some(LakeError::UnknownColumn {
        message: format!("unknown column `{name}`{in_ds}{hint}"),
        position,
        suggestion,
    })
}

/// Runs `f`, turning a panic anywhere in it (a bug in the engine or in Polars) into
/// `error[internal]` naming the query, so a caller such as the app never goes down with it.
pub(super) fn no_panic<T>(sql: &str, f: impl FnOnce() -> crate::Result<T>) -> crate::Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".into());
            Err(LakeError::Internal(format!(
                "the engine failed on this query ({}); the lake is unchanged. The query: {}",
                cap(&what),
                cap(sql)
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_in_a_query_is_an_internal_error_naming_it() {
        let r: crate::Result<()> = super::no_panic("SELECT 42", || panic!("index out of bounds"));
        let e = r.unwrap_err();
        assert_eq!(e.code(), "internal");
        let text = e.to_string();
        assert!(
            text.contains("index out of bounds") && text.contains("SELECT 42"),
            "{text}"
        );
    }
}
