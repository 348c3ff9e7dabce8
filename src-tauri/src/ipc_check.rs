//! Checks every IPC call before Tauri deserializes it, against the types of the one command
//! list (`command_list.rs`): an unknown command, a missing or mistyped argument (each argument
//! is deserialized as its Rust type, as Tauri will), or an oversized value is answered with a
//! typed `{code, message, details}` error (Tauri's own answer would be a bare string), and
//! never reaches a command.

use lake_core::ingest::records::json_kind;
use lake_core::ErrorCode;
use serde_json::Value;

use crate::error::AppError;

/// Longest string argument accepted (a SQL text, a path); the SQL guard has its own, lower cap.
pub const MAX_STRING_BYTES: usize = 8 << 20;
/// Most elements in an array argument (paths dropped at once).
pub const MAX_ARRAY_LEN: usize = 100_000;

fn too_big(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if s.len() > MAX_STRING_BYTES => Some(format!(
            "a text of {} bytes (at most {} MiB)",
            s.len(),
            MAX_STRING_BYTES >> 20
        )),
        Value::Array(a) if a.len() > MAX_ARRAY_LEN => Some(format!(
            "a list of {} items (at most {MAX_ARRAY_LEN})",
            a.len()
        )),
        Value::Array(a) => a.iter().find_map(too_big),
        Value::Object(m) => m.values().find_map(too_big),
        _ => None,
    }
}

/// `Ok` when `cmd` is one of ours and `args` fit its signature.
pub fn check_call(cmd: &str, args: &Value) -> Result<(), AppError> {
    let invalid = |message: String, arg: &str| {
        let mut e = AppError::new(ErrorCode::InvalidArguments, message);
        e.0.details = serde_json::json!({ "command": cmd, "argument": arg });
        Err(e)
    };
    let empty = serde_json::Map::new();
    let map = match args {
        Value::Object(m) => m,
        Value::Null => &empty,
        other => {
            return invalid(
                format!("`{cmd}` takes named arguments, not {}", json_kind(other)),
                "",
            )
        }
    };
    if let Some((name, v)) = map.iter().find_map(|(k, v)| too_big(v).map(|w| (k, w))) {
        return invalid(format!("`{cmd}`: `{name}` is too large: {v}"), name);
    }
    match crate::ipc::check_args(cmd, map) {
        None => Err(AppError::new(
            ErrorCode::UnknownCommand,
            format!("there is no command `{cmd}`; the app and its window are out of step"),
        )),
        Some(Ok(())) => Ok(()),
        Some(Err((name, what))) => invalid(format!("`{cmd}`: `{name}` {what}"), &name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn code(cmd: &str, args: Value) -> String {
        match check_call(cmd, &args) {
            Ok(()) => "ok".into(),
            Err(e) => {
                assert!(!e.0.message.is_empty());
                e.0.code.to_string()
            }
        }
    }

    #[test]
    fn good_calls_pass() {
        assert_eq!(code("lake_status", json!({})), "ok");
        assert_eq!(
            code("run_query", json!({"sql": "SELECT 1", "tab": "t1"})),
            "ok"
        );
        assert_eq!(
            code("fetch_rows", json!({"id": 1, "offset": 0, "limit": 256})),
            "ok"
        );
        assert_eq!(
            code(
                "set_result_view",
                json!({"id": 1, "sort": null, "filter": null})
            ),
            "ok"
        );
        assert_eq!(
            code(
                "export_result",
                json!({"id": 1, "path": "/tmp/x.csv", "format": "csv", "spreadsheetSafe": true})
            ),
            "ok"
        );
        assert_eq!(code("pick_paths", json!({"kind": "import_files"})), "ok");
        assert_eq!(code("preview_import", json!({"paths": ["/a", "/b"]})), "ok");
    }

    #[test]
    fn unknown_commands_wrong_types_and_oversized_values_are_typed_errors() {
        for (cmd, args, want) in [
            ("no_such_command", json!({}), "unknown_command"),
            (
                "plugin:fs|read_file",
                json!({"path": "/etc/passwd"}),
                "unknown_command",
            ),
            ("", json!({}), "unknown_command"),
            (
                "run_query",
                json!({"sql": 42, "tab": "t"}),
                "invalid_arguments",
            ),
            ("run_query", json!({"tab": "t"}), "invalid_arguments"),
            ("run_query", json!([1, 2]), "invalid_arguments"),
            ("run_query", json!("SELECT 1"), "invalid_arguments"),
            (
                "fetch_rows",
                json!({"id": "1", "offset": 0, "limit": 1}),
                "invalid_arguments",
            ),
            (
                "open_lake",
                json!({"path": "/x", "create": "yes"}),
                "invalid_arguments",
            ),
            (
                "preview_import",
                json!({"paths": "/etc"}),
                "invalid_arguments",
            ),
            ("preview_import", json!({"paths": [1]}), "invalid_arguments"),
            (
                "export_result",
                json!({"id": 1, "path": "/x", "format": "exe"}),
                "invalid_arguments",
            ),
            (
                "run_query",
                json!({"sql": "x".repeat(MAX_STRING_BYTES + 1), "tab": "t"}),
                "invalid_arguments",
            ),
            (
                "preview_import",
                json!({"paths": vec!["/a"; MAX_ARRAY_LEN + 1]}),
                "invalid_arguments",
            ),
        ] {
            assert_eq!(
                code(cmd, args.clone()),
                want,
                "{cmd} {:.80}",
                args.to_string()
            );
        }
    }

    #[test]
    fn the_message_names_the_argument_and_its_type() {
        let e = check_call("fetch_rows", &json!({"id": -1, "offset": 0, "limit": 1})).unwrap_err();
        assert_eq!(e.0.details["argument"], "id");
        assert!(
            e.0.message.contains("`id` must be number"),
            "{}",
            e.0.message
        );
        let e = check_call("start_import", &json!({"items": [], "skipBad": false})).unwrap_err();
        assert_eq!(e.0.message, "`start_import`: `onProgress` is missing");
    }
}
