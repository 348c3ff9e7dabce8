//! The one error type of the engine: every variant has a stable snake_case code and says what the
//! user can do about it.

use serde::Serialize;

/// A position inside a SQL text (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SqlPosition {
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

/// Everything that can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum LakeError {
    /// The SQL could not be parsed.
    #[error("{message}")]
    Parse {
        /// What is wrong, in words.
        message: String,
        /// Where, when known.
        position: Option<SqlPosition>,
    },
    /// The guard refused the statement (DDL, DML, file-reading functions, several statements...).
    #[error("{0}")]
    RejectedStatement(String),
    /// A dataset named in the query does not exist.
    #[error("{message}")]
    UnknownDataset {
        /// What is wrong, with a suggestion when there is one.
        message: String,
        /// Where the name stands in the SQL.
        position: Option<SqlPosition>,
        /// The closest existing name.
        suggestion: Option<String>,
    },
    /// A column named in the query does not exist.
    #[error("{message}")]
    UnknownColumn {
        /// What is wrong, with a suggestion when there is one.
        message: String,
        /// Where the name stands in the SQL.
        position: Option<SqlPosition>,
        /// The closest existing name.
        suggestion: Option<String>,
    },
    /// The query is valid SQL but uses something the engine does not support.
    #[error("{0}")]
    Unsupported(String),
    /// The query failed while planning or running.
    #[error("{0}")]
    QueryFailed(String),
    /// A file could not be imported: it names the file and the line or byte offset.
    #[error("{path}{}: {message}", location.as_ref().map(|l| format!(":{l}")).unwrap_or_default())]
    BadInput {
        /// The file.
        path: String,
        /// `line N` or `byte N`, when known.
        location: Option<String>,
        /// What is wrong and what to do.
        message: String,
    },
    /// The file's format is not one the lake can import.
    #[error("{path}: {message}")]
    UnsupportedFormat {
        /// The file.
        path: String,
        /// Why, and which formats are supported.
        message: String,
    },
    /// The user cancelled, or a timeout fired. Nothing was changed.
    #[error("{0}")]
    Cancelled(String),
    /// A dataset name that cannot be used.
    #[error("{0}")]
    InvalidName(String),
    /// The lake folder is missing or not a lake.
    #[error("{0}")]
    NotALake(String),
    /// Another process holds the lake's write lock.
    #[error("{0}")]
    Busy(String),
    /// The lake is open read-only (its folder cannot be written), so it cannot change.
    #[error("{0}")]
    ReadOnly(String),
    /// The lake's catalog points outside the lake or contradicts itself; nothing was read.
    #[error("{0}")]
    Damaged(String),
    /// Reading or writing a file failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, with the path.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The catalog database failed.
    #[error("catalog: {0}")]
    Catalog(#[from] rusqlite::Error),
    /// A bug: please report it with the message.
    #[error("internal error (this is a bug, please report it): {0}")]
    Internal(String),
}

/// The engine's result type.
pub type Result<T, E = LakeError> = std::result::Result<T, E>;

/// The error as it crosses a process or IPC boundary: `{code, message, details}`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorPayload {
    /// Stable snake_case code the UI and scripts branch on.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// Structured extras (position, suggestion, path...).
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub details: serde_json::Value,
}

impl LakeError {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            LakeError::Parse { .. } => "parse_error",
            LakeError::RejectedStatement(_) => "rejected_statement",
            LakeError::UnknownDataset { .. } => "unknown_dataset",
            LakeError::UnknownColumn { .. } => "unknown_column",
            LakeError::Unsupported(_) => "unsupported",
            LakeError::QueryFailed(_) => "query_failed",
            LakeError::BadInput { .. } => "bad_input",
            LakeError::UnsupportedFormat { .. } => "unsupported_format",
            LakeError::Cancelled(_) => "cancelled",
            LakeError::InvalidName(_) => "invalid_name",
            LakeError::NotALake(_) => "not_a_lake",
            LakeError::Busy(_) => "busy",
            LakeError::ReadOnly(_) => "read_only",
            LakeError::Damaged(_) => "damaged_lake",
            LakeError::Io { .. } => "io_error",
            LakeError::Catalog(_) => "catalog_error",
            LakeError::Internal(_) => "internal",
        }
    }

    /// The position in the SQL text this error points at, if any.
    pub fn position(&self) -> Option<SqlPosition> {
        match self {
            LakeError::Parse { position, .. }
            | LakeError::UnknownDataset { position, .. }
            | LakeError::UnknownColumn { position, .. } => *position,
            _ => None,
        }
    }

    /// The `{code, message, details}` form.
    pub fn payload(&self) -> ErrorPayload {
        let mut details = serde_json::Map::new();
        if let Some(p) = self.position() {
            details.insert("line".into(), p.line.into());
            details.insert("column".into(), p.column.into());
        }
        match self {
            LakeError::UnknownDataset {
                suggestion: Some(s),
                ..
            }
            | LakeError::UnknownColumn {
                suggestion: Some(s),
                ..
            } => {
                details.insert("suggestion".into(), s.clone().into());
            }
            LakeError::BadInput { path, location, .. } => {
                details.insert("path".into(), path.clone().into());
                if let Some(l) = location {
                    details.insert("location".into(), l.clone().into());
                }
            }
            LakeError::UnsupportedFormat { path, .. } => {
                details.insert("path".into(), path.clone().into());
            }
            _ => {}
        }
        ErrorPayload {
            code: self.code().to_string(),
            message: self.to_string(),
            details: serde_json::Value::Object(details),
        }
    }

    /// Wraps an I/O error with what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        LakeError::Io {
            context: context.into(),
            source,
        }
    }

    /// A bad-input error for `path`, at an optional location.
    pub fn bad_input(
        path: impl std::fmt::Display,
        location: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        LakeError::BadInput {
            path: path.to_string(),
            location,
            message: message.into(),
        }
    }
}

/// Adds a context to I/O results.
pub trait IoContext<T> {
    /// Maps the I/O error to [`LakeError::Io`] with a context computed lazily.
    fn ctx<F: FnOnce() -> String>(self, f: F) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn ctx<F: FnOnce() -> String>(self, f: F) -> Result<T> {
        self.map_err(|e| LakeError::io(f(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_json_is_pinned() {
        let e = LakeError::UnknownColumn {
            message: "unknown column `titel`; did you mean `title`?".into(),
            position: Some(SqlPosition { line: 1, column: 8 }),
            suggestion: Some("title".into()),
        };
        let json = serde_json::to_value(e.payload()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "unknown_column",
                "message": "unknown column `titel`; did you mean `title`?",
                "details": {"line": 1, "column": 8, "suggestion": "title"}
            })
        );
    }
}
