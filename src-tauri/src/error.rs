//! The error every command returns: lake-core's `{code, message, details}` payload, so the UI
//! can branch on `code` and show `message` as it is.

use lake_core::ErrorCode;
use lake_core::{ErrorPayload, LakeError};
use serde::Serialize;

/// A command's error, serialized as `{code, message, details}`.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct AppError(pub ErrorPayload);

impl From<LakeError> for AppError {
    fn from(e: LakeError) -> Self {
        AppError(e.payload())
    }
}

impl AppError {
    /// An error of our own with a stable code.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError(ErrorPayload {
            code,
            message: message.into(),
            details: serde_json::json!({}),
        })
    }

    /// No lake is open yet.
    pub fn no_lake() -> Self {
        Self::new(
            ErrorCode::NoLake,
            "no lake is open; create one or open a lake folder first",
        )
    }
}

/// What commands return.
pub type CmdResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_the_boundary_as_code_message_details() {
        let e: AppError = LakeError::UnknownDataset {
            message: "no dataset tripz; did you mean trips?".into(),
            position: Some(lake_core::SqlPosition {
                line: 1,
                column: 15,
            }),
            suggestion: Some("trips".into()),
        }
        .into();
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "code": "unknown_dataset",
                "message": "no dataset tripz; did you mean trips?",
                "details": {"line": 1, "column": 15, "suggestion": "trips"}
            })
        );
    }
}
