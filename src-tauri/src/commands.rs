//! The commands the UI calls: glue over lake-core. Long work runs on blocking threads, never
//! on the command thread; progress streams through a channel.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use lake_core::catalog::{describe, DatasetDescription, DatasetInfo, HistoryEntry};
use lake_core::ingest::preview::{preview_paths, ImportPreview};
use lake_core::ingest::takeout::vfs::{part_bytes, PartKind};
use lake_core::ingest::{import_paths, CancelToken, ImportOptions, ImportReport, Progress};
use lake_core::query::output::{export_to_file, OutputFormat};
use lake_core::query::results::{FilterSpec, ResultMeta, ResultSet, SortSpec};
use lake_core::query::{explain_query, run_query as core_query, QueryOptions, QueryPlan};
use lake_core::Lake;
use serde::{Deserialize, Serialize};
use tauri::ipc::{Channel, Response};
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;

use crate::error::{AppError, CmdResult};
use crate::grants::Use;
use crate::pick::PickKind;
use crate::state::{lock, AppState};

/// Which lake is open, and what the start screen offers.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LakeStatus {
    /// The open lake's folder.
    pub path: Option<String>,
    /// Where "Create lake" puts a new lake.
    pub default_path: String,
    /// Lakes opened before, most recent first.
    pub recent: Vec<String>,
}

/// Live progress of an import.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportProgress {
    /// The file (or Takeout export) being read.
    pub file: String,
    /// Its size.
    pub file_bytes: u64,
    /// Bytes of it read so far.
    pub file_read: u64,
    /// Records of it so far.
    pub records: u64,
    /// Bytes read over all files.
    pub done_bytes: u64,
    /// Bytes of all files.
    pub total_bytes: u64,
    /// Milliseconds since the import started.
    pub elapsed_ms: f64,
    /// Estimated milliseconds left, once there is a rate to go by.
    pub eta_ms: Option<f64>,
}

/// One path to import and, for plain files, its target dataset.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ImportItem {
    /// The file, folder or Takeout part.
    pub path: String,
    /// Dataset name (plain files only; Takeout fills `takeout.*`).
    pub dataset: Option<String>,
}

/// The answer to a query: its kept result, and the plan for EXPLAIN statements.
#[derive(Debug, Clone, Serialize, TS)]
pub struct QueryResponse {
    /// The kept result, for the grid.
    pub result: ResultMeta,
    /// The plan, when the statement was an EXPLAIN.
    pub plan: Option<QueryPlan>,
}

fn status(state: &AppState) -> LakeStatus {
    LakeStatus {
        path: state.lake_path(),
        default_path: state.default_lake.display().to_string(),
        recent: state.settings().recent,
    }
}

/// Sets the window title to name the open lake.
pub fn show_lake_in_title(app: &AppHandle, path: Option<&str>) {
    if let Some(w) = app.get_webview_window("main") {
        let title = match path {
            Some(p) => format!("Datapunk Lake — {p}"),
            None => "Datapunk Lake".to_string(),
        };
        let _ = w.set_title(&title);
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> CmdResult<T> + Send + 'static,
) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| {
        AppError::new(
            "internal",
            format!("a worker thread failed: {e}; this is a bug"),
        )
    })?
}

/// The open lake and the start screen's choices.
#[tauri::command]
pub fn lake_status(state: State<'_, AppState>) -> LakeStatus {
    status(&state)
}

/// Opens the lake in `path`; with `create`, makes a new one there if there is none.
#[tauri::command]
pub fn open_lake(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
    create: bool,
) -> CmdResult<LakeStatus> {
    let path = path.trim();
    if path.is_empty() {
        return Err(AppError::new(
            "bad_input",
            "type or choose a folder for the lake",
        ));
    }
    let path = state.lake_path_allowed(path)?;
    let lake = state.open(&path, create)?;
    show_lake_in_title(&app, Some(&lake.root().display().to_string()));
    Ok(status(&state))
}

/// Every dataset of the open lake.
#[tauri::command]
pub fn list_datasets(state: State<'_, AppState>) -> CmdResult<Vec<DatasetInfo>> {
    Ok(state.lake()?.catalog().list_datasets()?)
}

/// A dataset's schema, column statistics and versions.
#[tauri::command]
pub fn describe_dataset(state: State<'_, AppState>, name: String) -> CmdResult<DatasetDescription> {
    let lake = state.lake()?;
    let cat = lake.catalog();
    Ok(describe(&cat, &name)?)
}

/// The editor's query history, newest first.
#[tauri::command]
pub fn query_history(state: State<'_, AppState>, limit: u32) -> CmdResult<Vec<HistoryEntry>> {
    Ok(state.lake()?.catalog().query_history(limit)?)
}

/// What importing `paths` would do: formats, Takeout products, schemas and samples.
#[tauri::command]
pub async fn preview_import(
    state: State<'_, AppState>,
    paths: Vec<String>,
) -> CmdResult<ImportPreview> {
    let paths = paths
        .iter()
        .map(|p| state.grants.check(p, Use::Read))
        .collect::<CmdResult<Vec<PathBuf>>>()?;
    blocking(move || Ok(preview_paths(&paths, &CancelToken::new()))).await
}

/// Opens the dialog for `kind` (files or folders to import, a lake folder, an export target);
/// what the user picks may then be used by the other commands. Empty when cancelled.
#[tauri::command]
pub async fn pick_paths(app: AppHandle, kind: PickKind) -> CmdResult<Vec<String>> {
    blocking(move || {
        let picked = crate::pick::pick(&app, kind);
        app.state::<AppState>()
            .grants
            .grant(&picked, kind.grant_use());
        Ok(picked.iter().map(|p| p.display().to_string()).collect())
    })
    .await
}

struct ChannelProgress {
    channel: Channel<ImportProgress>,
    started: Instant,
    total_bytes: u64,
    inner: Mutex<(ImportProgress, u64, Instant)>,
}

impl ChannelProgress {
    fn send(&self, force: bool) {
        let mut g = lock(&self.inner);
        let (p, _, last) = &mut *g;
        if !force && last.elapsed().as_millis() < 100 {
            return;
        }
        *last = Instant::now();
        p.elapsed_ms = self.started.elapsed().as_secs_f64() * 1e3;
        p.total_bytes = self.total_bytes;
        p.eta_ms = (p.done_bytes > 0 && p.elapsed_ms > 300.0).then(|| {
            p.elapsed_ms * (self.total_bytes.saturating_sub(p.done_bytes)) as f64
                / p.done_bytes as f64
        });
        let _ = self.channel.send(p.clone());
    }
}

impl Progress for ChannelProgress {
    fn file_started(&self, path: &str, bytes: u64) {
        {
            let mut g = lock(&self.inner);
            let (p, before, _) = &mut *g;
            *before = p.done_bytes;
            p.file = path.to_string();
            p.file_bytes = bytes;
            p.file_read = 0;
            p.records = 0;
        }
        self.send(true);
    }
    fn update(&self, bytes_read: u64, records: u64) {
        {
            let mut g = lock(&self.inner);
            let (p, before, _) = &mut *g;
            p.file_read = bytes_read;
            p.records = records;
            p.done_bytes = *before + bytes_read.min(p.file_bytes);
        }
        self.send(false);
    }
    fn file_done(&self, _path: &str, records: u64) {
        {
            let mut g = lock(&self.inner);
            let (p, before, _) = &mut *g;
            p.records = records;
            p.file_read = p.file_bytes;
            p.done_bytes = *before + p.file_bytes;
        }
        self.send(true);
    }
}

/// Imports `items` in one transaction, streaming progress; `cancel_import` stops it and leaves
/// the lake as it was.
#[tauri::command]
pub async fn start_import(
    state: State<'_, AppState>,
    items: Vec<ImportItem>,
    skip_bad: bool,
    on_progress: Channel<ImportProgress>,
) -> CmdResult<ImportReport> {
    start_import_in(&state, items, skip_bad, on_progress).await
}

/// The body of the command of the same name (tests call it with a plain state).
pub(crate) async fn start_import_in(
    state: &AppState,
    items: Vec<ImportItem>,
    skip_bad: bool,
    on_progress: Channel<ImportProgress>,
) -> CmdResult<ImportReport> {
    for i in &items {
        state.grants.check(&i.path, Use::Read)?;
    }
    let lake = state.lake()?;
    let cancel = CancelToken::new();
    {
        let mut running = lock(&state.import_cancel);
        if running.is_some() {
            return Err(AppError::new(
                "busy",
                "an import is already running; wait for it or cancel it",
            ));
        }
        *running = Some(cancel.clone());
    }
    let paths: Vec<PathBuf> = items.iter().map(|i| PathBuf::from(&i.path)).collect();
    let names: BTreeMap<PathBuf, String> = items
        .iter()
        .filter_map(|i| i.dataset.clone().map(|d| (PathBuf::from(&i.path), d)))
        .collect();
    // Sizes as the importers count them (a folder: the sum of its files).
    let total_bytes = paths
        .iter()
        .map(|p| {
            let kind = if p.is_dir() {
                PartKind::Dir
            } else {
                PartKind::File
            };
            part_bytes(p, kind)
        })
        .sum();
    let progress = ChannelProgress {
        channel: on_progress,
        started: Instant::now(),
        total_bytes,
        inner: Mutex::new((
            ImportProgress {
                file: String::new(),
                file_bytes: 0,
                file_read: 0,
                records: 0,
                done_bytes: 0,
                total_bytes,
                elapsed_ms: 0.0,
                eta_ms: None,
            },
            0,
            Instant::now(),
        )),
    };
    let result = blocking(move || {
        let opts = ImportOptions {
            names,
            skip_bad,
            ..Default::default()
        };
        Ok(import_paths(&lake, &paths, &opts, &progress, &cancel)?)
    })
    .await;
    *lock(&state.import_cancel) = None;
    result
}

/// Stops the running import; nothing of it is kept.
#[tauri::command]
pub fn cancel_import(state: State<'_, AppState>) -> bool {
    match lock(&state.import_cancel).as_ref() {
        Some(c) => {
            c.cancel();
            true
        }
        None => false,
    }
}

/// Runs `work` on a blocking thread with a cancel token that `cancel_query(tab)` can reach.
async fn in_tab<T: Send + 'static>(
    state: &AppState,
    tab: &str,
    work: impl FnOnce(&Lake, &QueryOptions) -> lake_core::Result<T> + Send + 'static,
) -> CmdResult<T> {
    let lake = state.lake()?;
    let cancel = CancelToken::new();
    lock(&state.query_cancel).insert(tab.to_string(), cancel.clone());
    let opts = QueryOptions {
        cancel: Some(cancel),
        ..Default::default()
    };
    let out = blocking(move || Ok(work(&lake, &opts)?)).await;
    lock(&state.query_cancel).remove(tab);
    out
}

/// Runs `sql` for editor tab `tab`; the result is kept for the grid.
#[tauri::command]
pub async fn run_query(
    state: State<'_, AppState>,
    sql: String,
    tab: String,
) -> CmdResult<QueryResponse> {
    run_query_in(&state, sql, tab).await
}

/// The body of the command of the same name (tests call it with a plain state).
pub(crate) async fn run_query_in(
    state: &AppState,
    sql: String,
    tab: String,
) -> CmdResult<QueryResponse> {
    let out = in_tab(state, &tab, move |lake, opts| core_query(lake, &sql, opts)).await?;
    let ms = out.elapsed.as_secs_f64() * 1e3;
    let plan = out.plan;
    let (id, r) = state.keep(ResultSet::new(out.frame));
    let result = lock(&r).meta(id, ms);
    Ok(QueryResponse { result, plan })
}

/// EXPLAIN (or, with `analyze`, EXPLAIN ANALYZE) of `sql`.
#[tauri::command]
pub async fn explain(
    state: State<'_, AppState>,
    sql: String,
    analyze: bool,
    tab: String,
) -> CmdResult<QueryPlan> {
    explain_in(&state, sql, analyze, tab).await
}

/// The body of the command of the same name (tests call it with a plain state).
pub(crate) async fn explain_in(
    state: &AppState,
    sql: String,
    analyze: bool,
    tab: String,
) -> CmdResult<QueryPlan> {
    in_tab(state, &tab, move |lake, opts| {
        explain_query(lake, &sql, analyze, opts)
    })
    .await
}

/// Stops the query running in editor tab `tab`.
#[tauri::command]
pub fn cancel_query(state: State<'_, AppState>, tab: String) -> bool {
    match lock(&state.query_cancel).get(&tab) {
        Some(c) => {
            c.cancel();
            true
        }
        None => false,
    }
}

/// Rows `offset..offset+limit` of a kept result, as Arrow IPC stream bytes.
#[tauri::command]
pub async fn fetch_rows(
    state: State<'_, AppState>,
    id: u32,
    offset: u32,
    limit: u32,
) -> CmdResult<Response> {
    Ok(Response::new(
        fetch_rows_in(&state, id, offset, limit).await?,
    ))
}

/// The body of the command of the same name (tests call it with a plain state).
pub(crate) async fn fetch_rows_in(
    state: &AppState,
    id: u32,
    offset: u32,
    limit: u32,
) -> CmdResult<Vec<u8>> {
    let r = state.result(id)?;
    let limit = limit.min(10_000);
    blocking(move || Ok(lock(&r).page_ipc(offset as u64, limit)?)).await
}

/// Sorts and filters a kept result (done by the engine).
#[tauri::command]
pub async fn set_result_view(
    state: State<'_, AppState>,
    id: u32,
    sort: Option<SortSpec>,
    filter: Option<FilterSpec>,
) -> CmdResult<ResultMeta> {
    set_result_view_in(&state, id, sort, filter).await
}

/// The body of the command of the same name (tests call it with a plain state).
pub(crate) async fn set_result_view_in(
    state: &AppState,
    id: u32,
    sort: Option<SortSpec>,
    filter: Option<FilterSpec>,
) -> CmdResult<ResultMeta> {
    let r = state.result(id)?;
    blocking(move || {
        let started = Instant::now();
        let mut g = lock(&r);
        g.set_view(sort, filter, &QueryOptions::default())?;
        Ok(g.meta(id, started.elapsed().as_secs_f64() * 1e3))
    })
    .await
}

/// Forgets a kept result.
#[tauri::command]
pub fn close_result(state: State<'_, AppState>, id: u32) {
    state.drop_result(id)
}

/// Writes a kept result's current view to `path` (chosen in the save dialog) as `csv` or
/// `parquet`; with `spreadsheet_safe`, CSV cells that would start a formula are defused.
/// Returns the rows.
#[tauri::command]
pub async fn export_result(
    state: State<'_, AppState>,
    id: u32,
    path: String,
    format: String,
    spreadsheet_safe: bool,
) -> CmdResult<u32> {
    export_result_in(&state, id, path, format, spreadsheet_safe).await
}

/// The body of the command of the same name (tests call it with a plain state).
pub(crate) async fn export_result_in(
    state: &AppState,
    id: u32,
    path: String,
    format: String,
    spreadsheet_safe: bool,
) -> CmdResult<u32> {
    let path = state.grants.check(&path, Use::Write)?;
    let r = state.result(id)?;
    let fmt = match format.as_str() {
        "csv" => OutputFormat::Csv,
        "parquet" => OutputFormat::Parquet,
        other => {
            return Err(AppError::new(
                "bad_input",
                format!("cannot export as {other}; choose csv or parquet"),
            ))
        }
    };
    blocking(move || {
        let g = lock(&r);
        export_to_file(g.view(), fmt, &path, spreadsheet_safe)?;
        Ok(g.view().height() as u32)
    })
    .await
}

/// When the process started (set first thing in `main`).
pub static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// The UI has painted its first screen: logs the start-up time. With `DATAPUNK_EXIT_WHEN_READY`
/// set, the app then exits (the cold-start benchmark).
#[tauri::command]
pub fn ui_ready(app: AppHandle) {
    let ms = STARTED
        .get()
        .map(|s| s.elapsed().as_secs_f64() * 1e3)
        .unwrap_or(0.0);
    println!("ready_ms={ms:.1}");
    if std::env::var_os("DATAPUNK_EXIT_WHEN_READY").is_some() {
        app.exit(0);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Array, StringArray};
    use tauri::async_runtime::block_on;
    use tauri::ipc::InvokeResponseBody;

    use super::*;

    fn names_in(ipc: &[u8]) -> Vec<String> {
        let mut r =
            arrow_ipc::reader::StreamReader::try_new(std::io::Cursor::new(ipc.to_vec()), None)
                .unwrap();
        let b = r.next().unwrap().unwrap();
        let col = b.column(0).as_any().downcast_ref::<StringArray>().unwrap();
        (0..col.len()).map(|i| col.value(i).to_string()).collect()
    }

    #[test]
    fn a_user_session_through_the_commands_on_a_real_lake() {
        let dir = tempfile::tempdir().unwrap();
        let st = AppState::new(&dir.path().join("config"), &dir.path().join("data"));
        let e = block_on(run_query_in(&st, "SELECT 1".into(), "t".into())).unwrap_err();
        assert_eq!(e.0.code, "no_lake");

        let lake_dir = dir.path().join("lake");
        st.open(&lake_dir, true).unwrap();
        assert_eq!(st.settings().recent[0], lake_dir.display().to_string());

        let csv = dir.path().join("people.csv");
        std::fs::write(&csv, "id,name\n1,Grace\n2,Ada\n3,Linus\n").unwrap();
        // A path the user did not choose is refused; a dropped one is accepted.
        let channel = Channel::new(|_| Ok(()));
        let items = vec![ImportItem {
            path: csv.display().to_string(),
            dataset: Some("folks".into()),
        }];
        let e = block_on(start_import_in(&st, items, false, channel)).unwrap_err();
        assert_eq!(e.0.code, "path_not_chosen");
        crate::drop_paths(&st, std::slice::from_ref(&csv));
        let events = Arc::new(Mutex::new(Vec::<serde_json::Value>::new()));
        let sink = events.clone();
        let channel = Channel::new(move |body| {
            if let InvokeResponseBody::Json(j) = body {
                lock(&sink).push(serde_json::from_str(&j).unwrap());
            }
            Ok(())
        });
        let items = vec![ImportItem {
            path: csv.display().to_string(),
            dataset: Some("folks".into()),
        }];
        let report = block_on(start_import_in(&st, items, false, channel)).unwrap();
        assert_eq!(report.datasets[0].name, "folks");
        assert_eq!(report.datasets[0].rows, 3);
        assert_eq!(report.datasets[0].version, 1);
        let last = lock(&events).last().cloned().unwrap();
        assert_eq!(last["done_bytes"], last["total_bytes"], "{last}");
        assert_eq!(last["records"], 3);

        let r = block_on(run_query_in(
            &st,
            "SELECT name FROM folks".into(),
            "t".into(),
        ))
        .unwrap();
        assert_eq!(r.result.rows, 3);
        let page = block_on(fetch_rows_in(&st, r.result.id, 1, 10)).unwrap();
        assert_eq!(names_in(&page), ["Ada", "Linus"]);

        let sort = SortSpec {
            column: "name".into(),
            descending: true,
        };
        let meta = block_on(set_result_view_in(&st, r.result.id, Some(sort), None)).unwrap();
        assert_eq!(meta.rows, 3);
        let page = block_on(fetch_rows_in(&st, r.result.id, 0, 1)).unwrap();
        assert_eq!(names_in(&page), ["Linus"]);

        let out = dir.path().join("out.csv");
        let e = block_on(export_result_in(
            &st,
            r.result.id,
            out.display().to_string(),
            "csv".into(),
            false,
        ))
        .unwrap_err();
        assert_eq!(e.0.code, "path_not_chosen");
        assert!(!out.exists());
        st.grants.grant([&out], Use::Write);
        let n = block_on(export_result_in(
            &st,
            r.result.id,
            out.display().to_string(),
            "csv".into(),
            false,
        ))
        .unwrap();
        assert_eq!(n, 3);
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "name\nLinus\nGrace\nAda\n"
        );

        let e = block_on(run_query_in(
            &st,
            "SELECT nme FROM folks".into(),
            "t".into(),
        ))
        .unwrap_err();
        assert_eq!(e.0.code, "unknown_column");
        assert_eq!(e.0.details["suggestion"], "name");
        assert_eq!(e.0.details["column"], 8);

        let plan = block_on(explain_in(
            &st,
            "SELECT name FROM folks WHERE id > 1".into(),
            true,
            "t".into(),
        ))
        .unwrap();
        assert!(plan.analyzed);

        st.drop_result(r.result.id);
        let e = block_on(fetch_rows_in(&st, r.result.id, 0, 1)).unwrap_err();
        assert_eq!(e.0.code, "result_gone");
    }
}
