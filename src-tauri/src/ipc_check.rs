//! Checks every IPC call before Tauri deserializes it, against the same command list the
//! TypeScript bindings come from: an unknown command, a missing or mistyped argument, or an
//! oversized value is answered with a typed `{code, message, details}` error (Tauri's own
//! answer would be a bare string), and never reaches a command.

use lake_core::ingest::records::json_kind;
use serde_json::Value;

use crate::error::AppError;

/// Longest string argument accepted (a SQL text, a path); the SQL guard has its own, lower cap.
pub const MAX_STRING_BYTES: usize = 8 << 20;
/// Most elements in an array argument (paths dropped at once).
pub const MAX_ARRAY_LEN: usize = 100_000;

/// What a JSON argument must be, read from its TypeScript type.
fn kind_ok(ts: &str, v: &Value) -> Option<bool> {
    let nullable = ts.ends_with(" | null");
    if nullable && v.is_null() {
        return Some(true);
    }
    let ts = ts.trim_end_matches(" | null");
    Some(match ts {
        "string" => v.is_string(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "string[]" => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        t if t.starts_with('"') => v.as_str().is_some_and(|s| {
            t.split(" | ")
                .any(|alt| alt.trim_matches('"') == s && alt.starts_with('"'))
        }),
        t if t.ends_with("[]") => v.is_array(),
        // Channels and structs: Tauri's deserializer has the last word.
        _ => return None,
    })
}

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
    let Some(spec) = crate::bindings::signature(cmd) else {
        return Err(AppError::new(
            "unknown_command",
            format!("there is no command `{cmd}`; the app and its window are out of step"),
        ));
    };
    let invalid = |message: String, arg: &str| {
        let mut e = AppError::new("invalid_arguments", message);
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
    for (name, ts) in spec {
        let Some(v) = map.get(name.as_str()) else {
            if ts.ends_with(" | null") {
                continue;
            }
            return invalid(format!("`{cmd}` needs the argument `{name}`"), name);
        };
        if let Some(what) = too_big(v) {
            return invalid(format!("`{cmd}`: `{name}` is too large: {what}"), name);
        }
        if kind_ok(ts, v) == Some(false) {
            return invalid(
                format!("`{cmd}`: `{name}` must be {ts}, not {}", json_kind(v)),
                name,
            );
        }
    }
    Ok(())
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
                e.0.code
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
    fn every_registered_command_is_known() {
        for name in crate::COMMAND_NAMES {
            assert!(crate::bindings::signature(name).is_some(), "{name}");
        }
    }
}
