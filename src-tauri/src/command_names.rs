// The app's commands: build.rs generates their permissions, main.rs registers them, and the
// bindings test checks both against this one list.
&[
    "lake_status",
    "open_lake",
    "list_datasets",
    "describe_dataset",
    "query_history",
    "preview_import",
    "pick_paths",
    "start_import",
    "cancel_import",
    "run_query",
    "explain",
    "cancel_query",
    "fetch_rows",
    "set_result_view",
    "close_result",
    "export_result",
    "ui_ready",
]
