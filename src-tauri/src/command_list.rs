// The one list of the app's commands: name, arguments with their Rust types, and what each
// returns (errors are always `{code, message, details}`). Everything else is generated from it:
// - the Tauri commands and their invoke handler (`ipc.rs`), which call the function of the
//   same name and arguments in `commands.rs` (the compiler holds the two to the list);
// - the argument check that runs before Tauri deserializes a call (`ipc.rs`);
// - the TypeScript functions in `ui/src/bindings/commands.ts` (`bindings.rs`, `make bindings`);
// - the permission of each command and the set the window is granted (`build.rs` writes
//   `permissions/lake.toml`).
// Adding a command: one entry here, one function in `commands.rs`, then `make bindings`.
// build.rs includes this file too, so it holds only the macro and `permission_set`.
macro_rules! with_commands {
    ($then:ident) => {
        $then! {
            /// The open lake and the start screen's choices.
            lake_status() -> LakeStatus;
            /// Opens the lake in `path`; with `create`, makes one there if there is none.
            open_lake(path: String, create: bool) -> LakeStatus;
            /// Every dataset of the open lake.
            list_datasets() -> Vec<DatasetInfo>;
            /// Every view of the open lake (named queries), by name.
            list_views() -> Vec<ViewInfo>;
            /// Every rollup (a derived dataset grouping one dataset by a time bucket), with its source and freshness.
            list_rollups() -> Vec<RollupInfo>;
            /// Saves the query `sql` as the view `name` (new or replacing one); returns every view.
            create_view(name: String, sql: String) -> Vec<ViewInfo>;
            /// Removes the view `name`; returns the views left.
            drop_view(name: String) -> Vec<ViewInfo>;
            /// Removes the files of versions older than `older_than` (30d, 12h, 0d) that are not current and no version still reads; with `dry_run`, only says what it would remove.
            vacuum(older_than: String, dry_run: bool) -> VacuumReport;
            /// What applying dataset `name`'s retention policy would remove now (null without a policy).
            retention_plan(name: String) -> Option<RetentionPlan>;
            /// Sets dataset `name`'s retention policy (keep `keep_days` days of its time column) and says what applying it would remove.
            set_retention(name: String, keep_days: u32) -> RetentionPlan;
            /// Applies a previewed retention plan: a new version without the older rows (its number; 0 when none were older). Refused if the dataset or policy changed, or the cutoff is later than the policy allows.
            apply_retention(plan: RetentionPlan) -> u32;
            /// Removes dataset `name`'s retention policy (its data is not touched).
            drop_retention(name: String) -> bool;
            /// A dataset's schema, column statistics and versions.
            describe_dataset(name: String) -> DatasetDescription;
            /// Each column's histogram, top values, null share, distinct count and min/max (computed once per version).
            profile_dataset(name: String) -> DatasetProfile;
            /// Which of dataset `name`'s columns look like personal data, which are tagged, and whether the lake masks them.
            pii_status(name: String) -> PiiStatus;
            /// Tags (`kind`: email, phone, location, other) or, with a null kind, untags a column as personal data; returns the dataset's status after.
            tag_pii(name: String, column: String, kind: Option<String>) -> PiiStatus;
            /// Turns the masking of tagged columns in results and exports on or off.
            set_pii_masking(on: bool) -> bool;
            /// A dataset's versions, newest first: sources, column changes, restored or vacuumed.
            dataset_history(name: String) -> Vec<VersionEntry>;
            /// Makes version `version` of dataset `name` current again, as a new version; returns its number.
            restore_version(name: String, version: u32) -> u32;
            /// Where dataset `name` came from and what was made from it, `depth` steps each way; and whether it is stale. With `columns`, the column lineage too.
            dataset_lineage(name: String, depth: u32, columns: bool) -> LineageView;
            /// Keeps the answer of `sql` as the derived dataset `name` (new, or derived already), recording the query and the versions it read.
            create_dataset(name: String, sql: String) -> CreatedDataset;
            /// Runs a stale derived dataset's query again on its inputs' current versions; returns its lineage after.
            refresh_dataset(name: String, depth: u32, columns: bool) -> LineageView;
            /// Checks dataset `name`'s quality rules on its current version (results are kept).
            check_dataset(name: String) -> Vec<RuleResult>;
            /// Adds (or replaces) a quality rule, checks it on the current version, and returns the check of all the dataset's rules.
            add_rule(rule: Rule) -> Vec<RuleResult>;
            /// Removes dataset `name`'s rule `rule`; returns the check of the rules left.
            drop_rule(name: String, rule: String) -> Vec<RuleResult>;
            /// The latest kept result of each of `name`'s rules, without checking (for its badge).
            quality_status(name: String) -> Vec<RuleResult>;
            /// The audit log, newest first (at most 500): entries since `since` (an age: 1d, 30d; all when null), of one action, with a text; and whether its hash chain is intact.
            audit_view(since: Option<String>, action: Option<String>, text: Option<String>) -> AuditView;
            /// Every dataset with a time column, and each one's rows per bucket of a range (the whole lake's by default).
            timeline(req: TimelineRequest) -> TimelineView;
            /// The rows of a stretch of the timeline from every source, in time order (a day view).
            timeline_rows(req: RowsRequest) -> TimelineRows;
            /// The editor's query history, newest first.
            query_history(limit: u32) -> Vec<HistoryEntry>;
            /// How imports, queries, storage and the app behaved since `since` (30d, 12h, all; 30d when null), with the app's memory and CPU now and the running import's progress.
            metrics_report(since: Option<String>) -> MonitorView;
            /// Runs of queries matching `filter` (text, dataset, status, duration, period), newest or slowest first.
            query_runs(filter: RunFilter) -> Vec<QueryRun>;
            /// What importing `paths` would do.
            preview_import(paths: Vec<String>) -> ImportPreview;
            /// Opens the shell's dialog for `kind`; what the user picks may be used (empty on cancel).
            pick_paths(kind: PickKind) -> Vec<String>;
            /// Imports in one transaction, streaming progress to `onProgress`.
            start_import(items: Vec<ImportItem>, skip_bad: bool, on_progress: Channel<ImportProgress>) -> ImportReport;
            /// Stops the running import; nothing of it is kept.
            cancel_import() -> bool;
            /// Runs `sql` for editor tab `tab`; the result is kept for the grid.
            run_query(sql: String, tab: String) -> QueryResponse;
            /// EXPLAIN (ANALYZE) of `sql`.
            explain(sql: String, analyze: bool, tab: String) -> QueryPlan;
            /// The latest analyzed runs of `sql` with their plans, newest first.
            plan_runs(sql: String, limit: u32) -> Vec<PlanRun>;
            /// Two plans compared, nodes matched: what was added, removed and changed.
            plan_diff(before: QueryPlan, after: QueryPlan) -> PlanDiff;
            /// Writes a plan to `path` (chosen with pick_paths) as JSON or one offline HTML page.
            export_plan(plan: QueryPlan, sql: String, path: String, format: PlanFormat) -> ();
            /// The points (or counts per cell) of a dataset in the map's visible box, from its R-tree, as Arrow IPC (see Viewport).
            map_viewport(req: MapRequest) -> Response;
            /// The points (or counts per cell) of a kept result's lon/lat columns in its map's box, as Arrow IPC.
            map_result(id: u32, view: MapView) -> Response;
            /// A chart of a kept result's view: its series, downsampled by the engine (LTTB) or aggregated per bar.
            result_chart(id: u32, req: ChartRequest) -> ChartData;
            /// Writes a chart the page drew to `path` (chosen with pick_paths): `png`, base64 (checked to be a PNG).
            export_chart(path: String, format: String, data: String) -> ();
            /// Draws the chart `req` of kept result `id` as SVG in the engine (titled `title`) and writes it to `path`, which the user chose.
            export_chart_svg(path: String, id: u32, req: ChartRequest, title: String) -> ();
            /// The row behind a point on the map, kept for the grid.
            map_row(dataset: String, file: u32, row: u32) -> ResultMeta;
            /// One day (`YYYY-MM-DD`, or the last with points) of a dataset's points as a track, days in time zone `zone` (IANA; UTC if None).
            map_track(dataset: String, day: Option<String>, zone: Option<String>) -> Track;
            /// Saves a polygon drawn on the map (WKT) as the fence `name` in `fences`; returns how many it holds.
            save_fence(name: String, wkt: String) -> u32;
            /// The fences saved from the map (the `fences` dataset), to draw them.
            map_fences() -> Vec<Fence>;
            /// Row `row` of a kept result's view, kept for the grid (a point clicked on a result's map).
            result_row(id: u32, row: u32) -> ResultMeta;
            /// Stops the query running in editor tab `tab`.
            cancel_query(tab: String) -> bool;
            /// Rows of a kept result as Arrow IPC stream bytes.
            fetch_rows(id: u32, offset: u32, limit: u32) -> Response;
            /// Sorts and filters a kept result (done by the engine).
            set_result_view(id: u32, sort: Option<SortSpec>, filter: Option<FilterSpec>) -> ResultMeta;
            /// Forgets a kept result.
            close_result(id: u32) -> ();
            /// Writes a kept result's view to `path` (chosen with pick_paths), optionally spreadsheet-safe; returns the rows.
            export_result(id: u32, path: String, format: ExportFormat, spreadsheet_safe: bool) -> u32;
            /// The datasets whose texts can be searched by meaning (a text column with its `_embedding` vectors).
            searchable_datasets() -> Vec<Searchable>;
            /// The `k` rows nearest in meaning to `text` across every searchable dataset, nearest first.
            semantic_search(text: String, k: u32) -> SemanticResults;
            /// Makes dataset `name`'s text column `column` searchable: its vectors as a new version's column, indexed, streaming progress to `on_progress` (`cancel_query(tab)` stops it, the lake unchanged).
            make_searchable(name: String, column: String, tab: String, on_progress: Channel<EmbedProgress>) -> EmbedReport;
            /// The SQL of "Find similar" for row `row` of kept result `id`, a view of dataset `dataset`, by its vector column `column`.
            similar_rows_sql(id: u32, row: u32, dataset: String, column: String) -> String;
            /// Backs the open lake up into `dest` (a folder chosen with pick_paths, or the last backup's): a consistent copy while the app works, copying only new files, each checked; streams progress to `on_progress`.
            backup_lake(dest: String, on_progress: Channel<BackupProgress>) -> BackupReport;
            /// Checks every file of the open lake against the checksum recorded when it was written, streaming progress.
            verify_lake(on_progress: Channel<BackupProgress>) -> VerifyReport;
            /// Restores the backup `src` into the new or empty folder `to` (both chosen with pick_paths), every file checked, and opens it.
            restore_lake(src: String, to: String, on_progress: Channel<BackupProgress>) -> LakeStatus;
            /// Stops the running backup, restore or verify; nothing it did is kept.
            cancel_backup() -> bool;
            /// The files the app was opened with (a file association, "Open with", `datapunk-lake FILE`), granted; each is given once.
            take_opened() -> Vec<String>;
            /// The settings file (settings.toml) and the values in effect, with what is wrong with the file if anything (the app then keeps its last good settings).
            app_settings() -> SettingsView;
            /// Writes a settings file with every key, commented, if there is none; returns the settings.
            create_settings_file() -> SettingsView;
            /// The UI has painted its first screen (start-up time is logged).
            ui_ready() -> ();
        }
    };
}

// The events the shell sends the window: name, the event's text, and its payload's Rust type.
// `ipc.rs` generates a typed `emit_<name>` for the shell; `bindings.rs` an `on<Name>` listener
// in `commands.ts` for the UI.
#[allow(unused_macros)] // build.rs includes this file and needs only the commands
macro_rules! with_events {
    ($then:ident) => {
        $then! {
            /// Paths dropped on the window, once the shell has granted them.
            dropped = "lake://dropped": Vec<String>;
            /// The settings file changed: the settings now in effect (the last good ones, with the error, when it is wrong).
            settings_changed = "lake://settings": SettingsView;
        }
    };
}

/// `permissions/lake.toml`: the set of every command's permission, granted to the main window
/// by `capabilities/main.json` (build.rs writes it; a test checks it is current).
#[allow(dead_code)]
pub fn permission_set(names: &[&str]) -> String {
    let mut s = String::from(concat!(
        "# Written by build.rs from src/command_list.rs; do not edit.\n",
        "# Every command of the app, granted to the main window by capabilities/main.json.\n",
        "[[set]]\n",
        "identifier = \"allow-lake-commands\"\n",
        "description = \"The lake commands the UI uses (file access goes only through these).\"\n",
        "permissions = [\n",
    ));
    for n in names {
        s.push_str(&format!("  \"allow-{}\",\n", n.replace('_', "-")));
    }
    s.push_str("]\n");
    s
}
