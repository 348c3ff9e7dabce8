import type { ErrorCode, ErrorPayload } from "../bindings/types";

/** Whatever a command rejected with, as `{code, message, details}`. */
export function asLakeError(e: unknown): ErrorPayload {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const o = e as { code: unknown; message: unknown; details?: unknown };
    return {
      code: String(o.code) as ErrorCode,
      message: String(o.message),
      details: (o.details && typeof o.details === "object" ? o.details : {}) as Record<string, unknown>,
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  // Tauri's own refusals are plain strings: an unknown command (its access control answers
  // before our check can) or arguments its deserializer rejects.
  if (/not allowed|command not found|not found/i.test(message)) {
    return { code: "unknown_command", message, details: {} };
  }
  if (/invalid args|invalid type|missing (required )?key/i.test(message)) {
    return { code: "invalid_arguments", message, details: {} };
  }
  return { code: "internal", message, details: {} };
}

/** What to do about an error, in words, by its code. */
export function hintFor(e: ErrorPayload): string | null {
  const s = e.details["suggestion"];
  if (typeof s === "string") return `Did you mean ${s}?`;
  // Exhaustive: a code added in Rust (lake_core::ErrorCode) fails the type check until it is here.
  switch (e.code) {
    case "parse_error":
      return "Check the SQL near the underlined position.";
    case "unknown_dataset":
      return "The catalog on the left lists every dataset.";
    case "busy":
      return "Another program is writing to this lake; wait for it to finish.";
    case "import_running":
      return "An import is already running; wait for it or cancel it.";
    case "not_a_lake":
      return "Pick a folder made by Datapunk Lake, or create a new lake in an empty folder.";
    case "path_not_chosen":
      return "Choose the file or folder with Choose files… or drop it on the window.";
    case "read_only":
      return "This lake's folder cannot be written: copy the lake to a folder you can write to.";
    case "damaged_lake":
      return "The lake's catalog points outside the lake; restore the lake from a backup.";
    case "not_a_backup":
      return "Choose an empty folder for a new backup, or a folder an earlier backup wrote.";
    case "no_lake":
      return "Create or open a lake first.";
    case "unsupported":
      return "Rewrite the query without that construct.";
    case "io_error":
    case "not_found":
      return "Check that the file exists and that you may read (or write) it.";
    case "result_gone":
      return "Run the query again.";
    case "rejected_statement":
      return "Only reading queries run here: SELECT, WITH, EXPLAIN.";
    case "unknown_command":
    case "invalid_arguments":
    case "internal":
      return "This is a bug in the app; please report the message.";
    case "cancelled":
    case "unknown_column":
    case "query_failed":
    case "bad_input":
    case "unsupported_format":
    case "invalid_name":
    case "catalog_error":
      return null;
    default: {
      const unhandled: never = e.code;
      return unhandled;
    }
  }
}
