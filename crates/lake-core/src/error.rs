//! The one error type of the engine: every variant has a stable snake_case code and says what the
//! user can do about it.

use serde::{Deserialize, Serialize};

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
    /// An import is already running in this front end (one at a time).
    #[error("{0}")]
    ImportRunning(String),
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
    /// A backup folder (to write or to restore from) that is not one, or a restore target that
    /// is not free.
    #[error("{0}")]
    NotABackup(String),
    /// The catalog database failed.
    #[error("catalog: {0}")]
    Catalog(#[from] rusqlite::Error),
    /// A bug: please report it with the message.
    #[error("internal error (this is a bug, please report it): {0}")]
    Internal(String),
}

/// Every error code there is, the engine's and the app's alike: one list, so the UI can branch
/// on it exhaustively (it is generated into `ui/src/bindings/types.ts`). Serialized as the
/// stable snake_case text scripts and the UI match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ErrorCode {
    /// The SQL could not be parsed.
    ParseError,
    /// The SQL guard refused the statement (only reading queries run).
    RejectedStatement,
    /// A dataset named in the query does not exist.
    UnknownDataset,
    /// A column named in the query does not exist.
    UnknownColumn,
    /// Valid SQL that the engine does not support.
    Unsupported,
    /// The query failed while planning or running.
    QueryFailed,
    /// A file could not be imported; the details name the file and position.
    BadInput,
    /// A file whose format the lake cannot import.
    UnsupportedFormat,
    /// A file to import does not exist.
    NotFound,
    /// The user cancelled, or a timeout fired; nothing changed.
    Cancelled,
    /// A dataset name that cannot be used.
    InvalidName,
    /// The folder is missing or is not a lake.
    NotALake,
    /// Another process holds the lake's write lock.
    Busy,
    /// The lake's folder cannot be written.
    ReadOnly,
    /// The catalog points outside the lake or contradicts itself.
    DamagedLake,
    /// Reading or writing a file failed.
    IoError,
    /// The catalog database failed.
    CatalogError,
    /// A bug: the message says what to report.
    Internal,
    /// (app) No lake is open yet.
    NoLake,
    /// (app) The kept result was closed or replaced; run the query again.
    ResultGone,
    /// (app) A path the user did not pick or drop on the window.
    PathNotChosen,
    /// (app) The window called a command the app does not have.
    UnknownCommand,
    /// (app) A command was called with missing, mistyped or oversized arguments.
    InvalidArguments,
    /// An import is already running in this window (one at a time).
    ImportRunning,
    /// A folder that is not a lake's backup, or a restore target that is not free.
    NotABackup,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [ErrorCode; 25] = [
        ErrorCode::ParseError,
        ErrorCode::RejectedStatement,
        ErrorCode::UnknownDataset,
        ErrorCode::UnknownColumn,
        ErrorCode::Unsupported,
        ErrorCode::QueryFailed,
        ErrorCode::BadInput,
        ErrorCode::UnsupportedFormat,
        ErrorCode::NotFound,
        ErrorCode::Cancelled,
        ErrorCode::InvalidName,
        ErrorCode::NotALake,
        ErrorCode::Busy,
        ErrorCode::ReadOnly,
        ErrorCode::DamagedLake,
        ErrorCode::IoError,
        ErrorCode::CatalogError,
        ErrorCode::Internal,
        ErrorCode::NoLake,
        ErrorCode::ResultGone,
        ErrorCode::PathNotChosen,
        ErrorCode::UnknownCommand,
        ErrorCode::InvalidArguments,
        ErrorCode::ImportRunning,
        ErrorCode::NotABackup,
    ];

    /// The stable snake_case text.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ParseError => "parse_error",
            ErrorCode::RejectedStatement => "rejected_statement",
            ErrorCode::UnknownDataset => "unknown_dataset",
            ErrorCode::UnknownColumn => "unknown_column",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::QueryFailed => "query_failed",
            ErrorCode::BadInput => "bad_input",
            ErrorCode::UnsupportedFormat => "unsupported_format",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::InvalidName => "invalid_name",
            ErrorCode::NotALake => "not_a_lake",
            ErrorCode::Busy => "busy",
            ErrorCode::ReadOnly => "read_only",
            ErrorCode::DamagedLake => "damaged_lake",
            ErrorCode::IoError => "io_error",
            ErrorCode::CatalogError => "catalog_error",
            ErrorCode::Internal => "internal",
            ErrorCode::NoLake => "no_lake",
            ErrorCode::ResultGone => "result_gone",
            ErrorCode::PathNotChosen => "path_not_chosen",
            ErrorCode::UnknownCommand => "unknown_command",
            ErrorCode::InvalidArguments => "invalid_arguments",
            ErrorCode::ImportRunning => "import_running",
            ErrorCode::NotABackup => "not_a_backup",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Why one file of an import (a Takeout entry, a GeoJSON feature, ...) could not be read, in
/// the words the coverage report shows next to the file. The import goes on with the others.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The user cancelled.
    #[error("cancelled")]
    Cancelled,
    /// More than the reader takes (a size or depth limit); none of it was read.
    #[error("{0}")]
    TooLarge(String),
    /// The bytes could not be read.
    #[error("{0}")]
    Io(String),
    /// Not what its format says: what is wrong, and where when known.
    #[error("{0}")]
    Malformed(String),
}

impl From<String> for ReadError {
    fn from(message: String) -> Self {
        ReadError::Malformed(message)
    }
}

impl From<&str> for ReadError {
    fn from(message: &str) -> Self {
        ReadError::Malformed(message.to_string())
    }
}

/// The engine's result type.
pub type Result<T, E = LakeError> = std::result::Result<T, E>;

/// The error as it crosses a process or IPC boundary: `{code, message, details}`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorPayload {
    /// Stable snake_case code the UI and scripts branch on.
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// Structured extras (position, suggestion, path...).
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub details: serde_json::Value,
}

impl LakeError {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            LakeError::Parse { .. } => ErrorCode::ParseError,
            LakeError::RejectedStatement(_) => ErrorCode::RejectedStatement,
            LakeError::UnknownDataset { .. } => ErrorCode::UnknownDataset,
            LakeError::UnknownColumn { .. } => ErrorCode::UnknownColumn,
            LakeError::Unsupported(_) => ErrorCode::Unsupported,
            LakeError::QueryFailed(_) => ErrorCode::QueryFailed,
            LakeError::BadInput { .. } => ErrorCode::BadInput,
            LakeError::UnsupportedFormat { .. } => ErrorCode::UnsupportedFormat,
            LakeError::Cancelled(_) => ErrorCode::Cancelled,
            LakeError::InvalidName(_) => ErrorCode::InvalidName,
            LakeError::NotALake(_) => ErrorCode::NotALake,
            LakeError::Busy(_) => ErrorCode::Busy,
            LakeError::ImportRunning(_) => ErrorCode::ImportRunning,
            LakeError::ReadOnly(_) => ErrorCode::ReadOnly,
            LakeError::Damaged(_) => ErrorCode::DamagedLake,
            LakeError::NotABackup(_) => ErrorCode::NotABackup,
            LakeError::Io { .. } => ErrorCode::IoError,
            LakeError::Catalog(_) => ErrorCode::CatalogError,
            LakeError::Internal(_) => ErrorCode::Internal,
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
            code: self.code(),
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
    fn every_code_serializes_as_its_text() {
        for c in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
            let back: ErrorCode = serde_json::from_value(c.as_str().into()).unwrap();
            assert_eq!(back, c);
        }
        let texts: std::collections::HashSet<_> =
            ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(texts.len(), ErrorCode::ALL.len(), "two codes share a text");
    }

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
