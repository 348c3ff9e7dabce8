//! The SQL guard: one read-only statement (`SELECT`, `WITH`, `EXPLAIN`), within size and depth
//! limits, with no table functions and no functions that read files.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Statement, TableFactor, Visit, Visitor};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::{Parser, ParserError, ParserOptions};
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use crate::error::{LakeError, Result, SqlPosition};

/// Longest SQL text accepted.
pub const MAX_SQL_BYTES: usize = 1 << 20;
/// Deepest nesting accepted by the parser: the engine's own parser stops at 50 levels too.
pub const MAX_DEPTH: usize = 50;

/// Functions that read or write files, by any engine's name for them.
const FILE_FUNCTIONS: &[&str] = &[
    "read_csv",
    "read_csv_auto",
    "read_parquet",
    "read_json",
    "read_json_auto",
    "read_ndjson",
    "read_ipc",
    "read_excel",
    "read_text",
    "read_blob",
    "scan_csv",
    "scan_parquet",
    "scan_ndjson",
    "scan_ipc",
    "parquet_scan",
    "pg_read_file",
    "pg_read_binary_file",
    "load_file",
    "readfile",
    "writefile",
    "lo_import",
    "lo_export",
    "copy",
    "glob",
    "read_file",
    "sqlite_scan",
    "postgres_scan",
];

/// A statement that passed the guard.
#[derive(Debug)]
pub struct Guarded {
    /// The parsed statement.
    pub statement: Statement,
    /// `Some(analyze)` when the statement is an EXPLAIN of a query.
    pub explain: Option<bool>,
}

/// Turns a parser error into a positioned `parse_error`.
pub fn parse_error(e: ParserError) -> LakeError {
    let text = e.to_string();
    let text = text
        .strip_prefix("sql parser error: ")
        .unwrap_or(&text)
        .to_string();
    // sqlparser appends " at Line: L, Column: C".
    let position = text.rfind("Line: ").and_then(|i| {
        let rest = &text[i + 6..];
        let (l, c) = rest.split_once(", Column: ")?;
        Some(SqlPosition {
            line: l.trim().parse().ok()?,
            column: c
                .trim()
                .trim_end_matches(|ch: char| !ch.is_ascii_digit())
                .parse()
                .ok()?,
        })
    });
    if matches!(e, ParserError::RecursionLimitExceeded) {
        return LakeError::RejectedStatement(format!(
            "the query is nested too deeply (more than {MAX_DEPTH} levels); simplify it"
        ));
    }
    LakeError::Parse {
        message: format!("SQL syntax error: {text}"),
        position,
    }
}

/// Parses `sql` and checks it is one read-only query.
pub fn guard(sql: &str) -> Result<Guarded> {
    if sql.len() > MAX_SQL_BYTES {
        return Err(LakeError::RejectedStatement(format!(
            "the query is {} bytes long; the limit is {MAX_SQL_BYTES}",
            sql.len()
        )));
    }
    // The tokenizer reads every literal form (E'' and X'' escapes, doubled quotes) exactly as
    // the parser will, and runs in linear time; the checks below work on its tokens.
    let tokens = Tokenizer::new(&GenericDialect {}, sql)
        .tokenize_with_location()
        .map_err(|e| {
            reject_by_keyword(sql).unwrap_or_else(|| LakeError::Parse {
                message: format!("SQL syntax error: {}", e.message),
                position: Some(SqlPosition {
                    line: e.location.line,
                    column: e.location.column,
                }),
            })
        })?;
    let mut tokens = tokens;
    super::time_travel::rewrite_tokens(&mut tokens)?;
    check_brackets(&tokens)?;
    check_dotted_names(&tokens)?;
    let dialect = GenericDialect {};
    let mut statements = Parser::new(&dialect)
        .with_recursion_limit(MAX_DEPTH)
        .with_tokens_with_locations(tokens)
        .parse_statements()
        .map_err(|e| reject_by_keyword(sql).unwrap_or_else(|| parse_error(e)))?;
    if statements.is_empty() {
        return Err(LakeError::Parse {
            message: "the query is empty: write a SELECT".into(),
            position: None,
        });
    }
    if statements.len() > 1 {
        return Err(LakeError::RejectedStatement(format!(
            "only one statement can run at a time; found {}",
            statements.len()
        )));
    }
    let statement = statements.remove(0);
    let explain = match &statement {
        Statement::Query(_) => None,
        Statement::Explain {
            statement: inner,
            analyze,
            ..
        } => {
            if !matches!(**inner, Statement::Query(_)) {
                return Err(LakeError::RejectedStatement(
                    "EXPLAIN works on queries only (SELECT or WITH)".into(),
                ));
            }
            Some(*analyze)
        }
        other => {
            return Err(LakeError::RejectedStatement(format!(
            "only read-only queries (SELECT, WITH, EXPLAIN) are allowed; `{}` statements are not",
            statement_kind(other)
        )))
        }
    };
    if let Statement::Query(q) = &statement {
        if let Some(sqlparser::ast::SetExpr::Select(s)) = Some(q.body.as_ref()) {
            if s.into.is_some() {
                return Err(LakeError::RejectedStatement(
                    "SELECT ... INTO writes a table and is not allowed".into(),
                ));
            }
        }
    }
    check_tree(&statement)?;
    check_round_trip(&statement)?;
    Ok(Guarded { statement, explain })
}

/// Refuses file-reading functions and table functions anywhere in `statement`.
pub fn check_tree(statement: &Statement) -> Result<()> {
    match statement.visit(&mut Checker) {
        ControlFlow::Break(e) => Err(e),
        ControlFlow::Continue(()) => Ok(()),
    }
}

/// Parses SQL exactly as the engine (Polars' SQL context) does.
fn parse_like_engine(sql: &str) -> std::result::Result<Vec<Statement>, ParserError> {
    Parser::new(&GenericDialect {})
        .with_recursion_limit(MAX_DEPTH)
        .with_options(ParserOptions {
            trailing_commas: true,
            ..Default::default()
        })
        .try_with_sql(sql)?
        .parse_statements()
}

/// The engine is given a statement as text, which it parses again. A statement whose printed
/// text parses to a different tree (some literal forms do not print back exactly) could make
/// the engine run something other than what was checked, so it is refused, naming the first
/// literal that changes.
fn check_round_trip(statement: &Statement) -> Result<()> {
    let printed = statement.to_string();
    let again = parse_like_engine(&printed)
        .ok()
        .and_then(|mut v| (v.len() == 1).then(|| v.remove(0)));
    if again.as_ref() == Some(statement) {
        return Ok(());
    }
    let literals = |s: &Statement| {
        let mut out = Vec::new();
        let _ = sqlparser::ast::visit_expressions(s, |e| {
            if let Expr::Value(v) = e {
                out.push(v.clone());
            }
            ControlFlow::<()>::Continue(())
        });
        out
    };
    let before = literals(statement);
    let after = again.as_ref().map(literals).unwrap_or_default();
    let changed = before
        .iter()
        .enumerate()
        .find(|(i, v)| after.get(*i) != Some(*v))
        .map(|(_, v)| v);
    Err(match changed {
        Some(v) => LakeError::Parse {
            message: format!(
                "the literal {} cannot be passed on exactly as written (N'', X'', B'' and \
                 backslash-escaped strings are not supported); write it as a plain '...' string",
                v.value
            ),
            position: (v.span.start.line > 0).then_some(SqlPosition {
                line: v.span.start.line,
                column: v.span.start.column,
            }),
        },
        None => LakeError::RejectedStatement(
            "this query cannot be passed on to the engine exactly as written; simplify the \
             literals and quoted names in it"
                .into(),
        ),
    })
}

/// Checks the exact text handed to the engine: parsed as the engine will parse it, it must be
/// the statement that was bound and rewritten (`expected`), and pass the guard's checks again.
pub fn recheck_for_engine(text: &str, expected: &Statement) -> Result<()> {
    let mut parsed = parse_like_engine(text).map_err(|e| {
        LakeError::Internal(format!("the rewritten query does not parse again ({e})"))
    })?;
    if parsed.len() != 1 {
        return Err(LakeError::RejectedStatement(
            "only one statement can run at a time".into(),
        ));
    }
    let parsed = parsed.remove(0);
    check_tree(&parsed)?;
    if &parsed != expected {
        return Err(LakeError::RejectedStatement(
            "this query cannot be passed on to the engine exactly as rewritten; try it with \
             LAKE_REWRITES_OFF=all and report the query"
                .into(),
        ));
    }
    Ok(())
}

/// Brackets and parentheses must pair up before the parser sees the tokens: sqlparser
/// backtracks exponentially over nested unclosed `[` or `(` (found by fuzzing: a few hundred
/// bytes took minutes). Strings, quoted names and comments are single tokens, so what they
/// hold does not count, whatever their escapes.
fn check_brackets(tokens: &[TokenWithSpan]) -> Result<()> {
    let mut open: Vec<(char, SqlPosition)> = Vec::new();
    for t in tokens {
        let at = SqlPosition {
            line: t.span.start.line,
            column: t.span.start.column,
        };
        let c = match t.token {
            Token::LParen => '(',
            Token::LBracket => '[',
            Token::RParen => ')',
            Token::RBracket => ']',
            _ => continue,
        };
        match c {
            '(' | '[' => open.push((c, at)),
            _ => {
                let want = if c == ']' { '[' } else { '(' };
                match open.pop() {
                    Some((o, _)) if o == want => {}
                    Some((o, p)) => {
                        return Err(LakeError::Parse {
                            message: format!("this `{o}` is closed by a `{c}`"),
                            position: Some(p),
                        })
                    }
                    None => {
                        return Err(LakeError::Parse {
                            message: format!("this `{c}` closes nothing"),
                            position: Some(at),
                        })
                    }
                }
            }
        }
    }
    match open.first() {
        Some((o, p)) => Err(LakeError::Parse {
            message: format!("this `{o}` is never closed"),
            position: Some(*p),
        }),
        None => Ok(()),
    }
}

/// Most dotted parts a name may have (`takeout.chrome_history.title` has 3; struct fields add
/// a few). sqlparser backtracks exponentially over a long dotted chain followed by nested
/// subscripts (found by fuzzing: 22 parts and `[[x]]` took 9 s), so longer chains are refused.
pub const MAX_NAME_PARTS: usize = 8;

fn check_dotted_names(tokens: &[TokenWithSpan]) -> Result<()> {
    let mut parts = 0usize;
    let mut start = None;
    let mut after_word = false;
    for t in tokens {
        match &t.token {
            Token::Whitespace(_) => continue,
            Token::Word(_) | Token::Mul if !after_word => {
                if parts == 0 {
                    start = Some(t.span.start);
                }
                parts += 1;
                after_word = true;
            }
            Token::Period if after_word => after_word = false,
            _ => {
                parts = 0;
                after_word = false;
                if let Token::Word(_) = t.token {
                    parts = 1;
                    start = Some(t.span.start);
                    after_word = true;
                }
            }
        }
        if parts > MAX_NAME_PARTS {
            return Err(LakeError::Parse {
                message: format!("this name has more than {MAX_NAME_PARTS} dotted parts"),
                position: start.map(|l| SqlPosition {
                    line: l.line,
                    column: l.column,
                }),
            });
        }
    }
    Ok(())
}

/// A statement the parser does not know (such as `PRAGMA`) is still refused by its first word.
fn reject_by_keyword(sql: &str) -> Option<LakeError> {
    let first = sql
        .split_whitespace()
        .next()?
        .trim_end_matches(|c: char| !c.is_ascii_alphabetic())
        .to_ascii_uppercase();
    const NOT_QUERIES: &[&str] = &[
        "PRAGMA",
        "ATTACH",
        "DETACH",
        "COPY",
        "INSERT",
        "UPDATE",
        "DELETE",
        "MERGE",
        "CREATE",
        "DROP",
        "ALTER",
        "TRUNCATE",
        "GRANT",
        "REVOKE",
        "VACUUM",
        "LOAD",
        "INSTALL",
        "SET",
        "CALL",
        "EXPORT",
        "IMPORT",
        "REPLACE",
        "UPSERT",
        "BEGIN",
        "COMMIT",
        "ROLLBACK",
        "USE",
        "CHECKPOINT",
    ];
    NOT_QUERIES.contains(&first.as_str()).then(|| {
        LakeError::RejectedStatement(format!(
            "only read-only queries (SELECT, WITH, EXPLAIN) are allowed; `{first}` statements are not"
        ))
    })
}

fn statement_kind(s: &Statement) -> String {
    let text = s.to_string();
    let words: Vec<&str> = text.split_whitespace().take(2).collect();
    match words.as_slice() {
        [a, b] if ["CREATE", "DROP", "ALTER"].contains(a) => format!("{a} {b}"),
        [a, ..] => a.to_string(),
        [] => "empty".into(),
    }
}

struct Checker;

impl Visitor for Checker {
    type Break = LakeError;

    fn pre_visit_table_factor(&mut self, tf: &TableFactor) -> ControlFlow<LakeError> {
        match tf {
            TableFactor::Table {
                name,
                args: Some(a),
                ..
            } if name.to_string().eq_ignore_ascii_case(super::geofence::NAME) => {
                match super::geofence::dataset_args(a) {
                    Ok(_) => ControlFlow::Continue(()),
                    Err(e) => ControlFlow::Break(e),
                }
            }
            TableFactor::Table {
                name,
                args: Some(_),
                ..
            } => ControlFlow::Break(LakeError::RejectedStatement(format!(
                "table functions such as `{name}(...)` are not allowed; query datasets by name \
                 (import files first with `lake import`)"
            ))),
            TableFactor::Table { .. }
            | TableFactor::Derived { .. }
            | TableFactor::NestedJoin { .. } => ControlFlow::Continue(()),
            TableFactor::UNNEST { .. } => ControlFlow::Continue(()),
            _ => ControlFlow::Break(LakeError::RejectedStatement(
                "this kind of FROM item (table function) is not allowed; query datasets by name"
                    .into(),
            )),
        }
    }

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<LakeError> {
        if let Expr::Function(f) = e {
            let name = f.name.to_string().to_ascii_lowercase();
            let last = name.rsplit('.').next().unwrap_or(&name).trim_matches('"');
            if FILE_FUNCTIONS.contains(&last)
                || last.starts_with("read_")
                || last.starts_with("scan_")
            {
                return ControlFlow::Break(LakeError::RejectedStatement(format!(
                    "`{}` reads files and is not allowed; import the file and query it by name",
                    f.name
                )));
            }
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(sql: &str) -> &'static str {
        match guard(sql) {
            Ok(_) => "ok",
            Err(e) => e.code().as_str(),
        }
    }

    #[test]
    fn accepts_queries() {
        assert_eq!(code("SELECT 1"), "ok");
        assert_eq!(code("WITH a AS (SELECT 1 AS x) SELECT x FROM a"), "ok");
        assert_eq!(code("EXPLAIN SELECT * FROM t"), "ok");
        assert_eq!(code("EXPLAIN ANALYZE SELECT * FROM t"), "ok");
    }

    #[test]
    fn rejects_everything_else() {
        for sql in [
            "SELECT * FROM read_csv('/etc/passwd')",
            "SELECT read_csv('/etc/passwd')",
            "SELECT * FROM read_parquet('x.parquet')",
            "DROP TABLE t",
            "CREATE TABLE t (a INT)",
            "INSERT INTO t VALUES (1)",
            "UPDATE t SET a = 1",
            "DELETE FROM t",
            "ATTACH DATABASE 'x' AS y",
            "PRAGMA table_info(t)",
            "COPY t TO '/tmp/x'",
            "SELECT 1; SELECT 2",
            "SELECT * INTO t2 FROM t",
            "EXPLAIN DROP TABLE t",
        ] {
            assert_eq!(code(sql), "rejected_statement", "{sql}");
        }
    }

    #[test]
    fn every_file_reading_function_is_rejected_wherever_it_stands() {
        let mut n = 0;
        for f in FILE_FUNCTIONS
            .iter()
            .chain(&["read_delta", "scan_anything", "READ_CSV"])
        {
            for sql in [
                format!("SELECT * FROM {f}('/etc/passwd')"),
                format!("SELECT {f}('/etc/passwd')"),
                format!("SELECT * FROM t WHERE a IN (SELECT {f}('/etc/passwd'))"),
                format!("SELECT * FROM t JOIN {f}('/etc/passwd') x ON true"),
                format!("WITH x AS (SELECT * FROM {f}('/etc/shadow')) SELECT * FROM x"),
                format!("SELECT * FROM main.{f}('/etc/passwd')"),
                format!("SELECT \"{f}\"('/etc/passwd')"),
                format!("SELECT upper(CAST({f}('/etc/passwd') AS TEXT))"),
            ] {
                assert_eq!(code(&sql), "rejected_statement", "{sql}");
                n += 1;
            }
        }
        assert!(n >= 200, "{n}");
    }

    #[test]
    fn statements_that_change_anything_are_rejected() {
        for sql in [
            "ALTER TABLE t ADD COLUMN b INT",
            "TRUNCATE TABLE t",
            "MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE",
            "CREATE VIEW v AS SELECT 1",
            "CREATE TEMP TABLE x AS SELECT 1",
            "GRANT SELECT ON t TO bob",
            "SET search_path = x",
            "INSTALL httpfs",
            "LOAD httpfs",
            "CALL f()",
            "VACUUM",
            "DETACH DATABASE y",
            "BEGIN",
            "EXPORT DATABASE '/tmp/x'",
            "CHECKPOINT",
            "COPY (SELECT 1) TO '/tmp/x.csv'",
            "EXPLAIN ANALYZE DELETE FROM t",
            "pragma database_list",
            "  attach '/tmp/x.db' as x",
            "SELECT 1; DROP TABLE t",
            "SELECT 1; -- a comment\n DROP TABLE t",
            "/* hidden */ DROP TABLE t",
            "SELECT 1;\nSELECT 2;",
        ] {
            assert_eq!(code(sql), "rejected_statement", "{sql}");
        }
        // A trailing semicolon is still one statement.
        assert_eq!(code("SELECT 1;"), "ok");
    }

    #[test]
    fn oversized_queries_are_rejected_before_parsing() {
        let sql = format!("SELECT 1 {}", " ".repeat(MAX_SQL_BYTES));
        let t = std::time::Instant::now();
        assert_eq!(code(&sql), "rejected_statement");
        assert!(t.elapsed() < std::time::Duration::from_millis(100));
    }

    #[test]
    fn unclosed_brackets_are_refused_before_the_parser_backtracks_over_them() {
        // Found by `make fuzz`: nested unclosed `[` made sqlparser take minutes.
        let sql = format!("SELECT a{}", "[a.b.c.d.e".repeat(8));
        let t = std::time::Instant::now();
        let e = guard(&sql).unwrap_err();
        assert!(t.elapsed() < std::time::Duration::from_millis(100));
        assert_eq!(e.code(), "parse_error");
        assert_eq!(e.position().map(|p| p.column), Some(9));
        assert_eq!(guard("SELECT 1]").unwrap_err().code(), "parse_error");
        // And unclosed parentheses inside function calls (the second finding).
        let sql = format!("SELECT {}", "lower(name#, substr(n0me, ".repeat(20));
        let t = std::time::Instant::now();
        let e = guard(&sql).unwrap_err();
        assert!(t.elapsed() < std::time::Duration::from_millis(100));
        assert_eq!(e.code(), "parse_error");
        assert!(e.to_string().contains("never closed"), "{e}");
        assert_eq!(guard("SELECT (1]").unwrap_err().code(), "parse_error");
        // A long dotted chain before nested subscripts (the third finding).
        let sql = "SELECT a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v[[x]][]";
        let t = std::time::Instant::now();
        assert_eq!(guard(sql).unwrap_err().code(), "parse_error");
        assert!(t.elapsed() < std::time::Duration::from_millis(100));
        assert_eq!(
            code("SELECT t.a, s.b.c.d FROM takeout.chrome_history t, x.y s"),
            "ok"
        );
        assert_eq!(code("SELECT ')' AS \"(\" FROM t WHERE (a = 1)"), "ok");
        // Brackets inside strings, quoted names and comments do not count.
        assert_eq!(code("SELECT '[' AS \"[x\" -- [\n/* [ */"), "ok");
    }

    #[test]
    fn deep_nesting_is_rejected_quickly() {
        let sql = format!("SELECT {}1{}", "(".repeat(1000), ")".repeat(1000));
        let t = std::time::Instant::now();
        assert_eq!(code(&sql), "rejected_statement");
        assert!(t.elapsed() < std::time::Duration::from_millis(100));
        let sql = format!(
            "SELECT * FROM {}t{}",
            "(SELECT * FROM ".repeat(1000),
            ")".repeat(1000)
        );
        assert_eq!(code(&sql), "rejected_statement");
    }

    /// Every literal form sqlparser knows, with payloads that try to smuggle a file-reading
    /// function past the guard through quotes and backslashes. Whatever the guard accepts is
    /// exactly what the engine will parse; none of it reads a file.
    #[test]
    fn no_literal_form_smuggles_sql_past_the_guard() {
        let prefixes = [
            "", "N", "n", "X", "x", "B", "b", "E", "e", "U&", "R", "r", "BR", "RB",
        ];
        let payloads = [
            "plain",
            "it''s",
            r"a\'",
            r"a\''",
            "x'' || (SELECT * FROM read_csv(''/etc/passwd'')) || ''",
            r"x\' || (SELECT * FROM read_csv('/etc/passwd')) || '",
            r"\\",
            r"\x27",
            "41",
            "0101",
        ];
        let mut accepted = 0;
        for p in prefixes {
            for body in payloads {
                for quote in ["'", "\"", "'''"] {
                    let sql = format!("SELECT {p}{quote}{body}{quote} AS v FROM t");
                    let Ok(g) = guard(&sql) else { continue };
                    accepted += 1;
                    let printed = g.statement.to_string();
                    recheck_for_engine(&printed, &g.statement)
                        .unwrap_or_else(|e| panic!("{sql}: {e}"));
                    let again = parse_like_engine(&printed).unwrap();
                    assert!(
                        !format!("{again:?}").contains("value: \"read_csv\""),
                        "{sql} reaches the engine as a call: {printed}"
                    );
                }
            }
        }
        assert!(accepted > 20, "{accepted}");
        // The forms that do not print back exactly are refused, naming the literal.
        for sql in [
            "SELECT N'x'' || (SELECT count(*) FROM read_csv(''/etc/passwd'')) || ''' AS a",
            "SELECT N'it''s' AS a",
        ] {
            let e = guard(sql).unwrap_err();
            assert_eq!(e.code(), "parse_error", "{sql}");
            assert!(e.to_string().contains("cannot be passed on exactly"), "{e}");
            assert_eq!(e.position().map(|p| p.column), Some(8));
        }
    }

    #[test]
    fn escapes_and_unclosed_quotes_are_read_as_the_parser_reads_them() {
        // A quote escaped by a backslash does not end the string, so its `(` is text.
        assert_eq!(code(r"SELECT E'\'(' AS a"), "ok");
        // In a plain string a backslash is text: this string ends at its second quote.
        assert_eq!(code(r"SELECT 'a\' AS a"), "ok");
        // An unclosed quote is an error with its position, whatever follows it.
        for (sql, column) in [
            ("SELECT 'abc", 8),
            (r"SELECT E'abc\'", 8),
            ("SELECT \"abc", 8),
            ("SELECT X'41", 9),
            ("SELECT 1,\n  N'x", 4),
        ] {
            let e = guard(sql).unwrap_err();
            assert_eq!(e.code(), "parse_error", "{sql}");
            assert!(e.to_string().contains("SQL syntax error"), "{e}");
            let line = sql.lines().count() as u64;
            assert_eq!(
                e.position().map(|p| (p.line, p.column)),
                Some((line, column)),
                "{sql}"
            );
        }
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = guard("SELECT * FROM t\nWHERE a = = 1").unwrap_err();
        assert_eq!(e.code(), "parse_error");
        assert_eq!(e.position().map(|p| p.line), Some(2));
    }
}
