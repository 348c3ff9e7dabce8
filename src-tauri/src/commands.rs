//! The commands the UI calls, one function per entry of `command_list.rs` (which generates
//! the Tauri commands that call these): glue over lake-core. Long work runs on blocking
//! threads, never on the command thread; import progress streams through a channel.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use lake_core::catalog::history::VersionEntry;
use lake_core::catalog::{DatasetDescription, DatasetInfo, HistoryEntry};
use lake_core::ingest::preview::{preview_paths, ImportPreview};
use lake_core::ingest::progress::{total_bytes, ImportProgress, ProgressTracker};
use lake_core::ingest::{import_paths, CancelToken, ImportOptions, ImportReport};
use lake_core::query::chart::{self, ChartData, ChartRequest};
use lake_core::query::output::{export_to_file, write_file_atomically, OutputFormat};
use lake_core::query::plan_diff::PlanDiff;
use lake_core::query::results::{FilterSpec, ResultMeta, ResultSet, SortSpec};
use lake_core::query::track::{day_track, Track};
use lake_core::query::{explain_query, plan_runs as plan_runs_of, PlanRun};
use lake_core::query::{run_query as core_query, QueryOptions, QueryPlan};
use lake_core::spatial::fences::{self, Fence};
use lake_core::spatial::viewport::{row_at, viewport, ViewportRequest};
use lake_core::{ErrorCode, Lake, LakeError};
use serde::{Deserialize, Serialize};
use tauri::ipc::{Channel, Response};
use tauri::{AppHandle, Manager};
use ts_rs::TS;

pub use crate::commands_backup::*;
pub use crate::commands_meta::*;
use crate::error::{AppError, CmdResult};
use crate::grants::Use;
use crate::pick::PickKind;
use crate::state::{lock, AppState};

/// What a command works with: the app's state and, in the running app, its handle (tests run
/// the commands on a plain state).
pub struct Cx<'a> {
    /// The state every command shares.
    pub state: &'a AppState,
    app: Option<&'a AppHandle>,
}

impl<'a> Cx<'a> {
    /// The running app's context.
    pub fn of(app: &'a AppHandle) -> Self {
        Cx {
            state: app.state::<AppState>().inner(),
            app: Some(app),
        }
    }

    /// A context without a window (tests).
    #[cfg(test)]
    pub fn bare(state: &'a AppState) -> Self {
        Cx { state, app: None }
    }

    /// The running app's handle, if there is a window.
    pub(crate) fn window(&self) -> Option<&'a AppHandle> {
        self.app
    }

    fn app(&self) -> CmdResult<&'a AppHandle> {
        self.app
            .ok_or_else(|| AppError::new(ErrorCode::Internal, "this command needs the app window"))
    }
}

/// Which lake is open, and what the start screen offers.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LakeStatus {
    /// The open lake's folder.
    pub path: Option<String>,
    /// Where "Create lake" puts a new lake.
    pub default_path: String,
    /// Lakes opened before, most recent first.
    pub recent: Vec<String>,
    /// Files found in the open lake's `data/` or `staging/` that the lake did not write: left
    /// alone, and shown so the user can move them out (the first 100).
    pub foreign_files: Vec<String>,
    /// How many such files there are in all.
    pub foreign_count: u64,
    /// The open lake's last backup folder, if it still holds that backup.
    pub last_backup: Option<String>,
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
    /// Columns masked as personal data (the lake's setting).
    pub masked: Vec<String>,
    /// Answered from the result cache (the datasets it read are unchanged since).
    pub cached: bool,
}

/// What the map shows: the visible box (west, south, east, north) of a dataset's points.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct MapRequest {
    /// Dataset.
    pub dataset: String,
    /// The coordinate pair (`lon,lat`, as its index names it); the first if null.
    pub column: Option<String>,
    /// West, south, east, north.
    pub bbox: [f64; 4],
    /// Points sent one by one up to this many; past it, counts per cell.
    pub max_points: u32,
    /// Cells across.
    pub cols: u32,
    /// Cells down.
    pub rows: u32,
}

/// The visible box of a result's map.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct MapView {
    /// West, south, east, north.
    pub bbox: [f64; 4],
    /// Points sent one by one up to this many; past it, counts per cell.
    pub max_points: u32,
    /// Cells across.
    pub cols: u32,
    /// Cells down.
    pub rows: u32,
}

/// What an export writes.
#[derive(Debug, Clone, Copy, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// RFC 4180 CSV with a header.
    Csv,
    /// Parquet (GeoParquet when the result has a geometry column).
    Parquet,
    /// GeoJSON, from a geometry column or a lon/lat pair.
    Geojson,
}

/// How a plan is written.
#[derive(Debug, Clone, Copy, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PlanFormat {
    /// The plan's JSON (what `lake explain --diff` reads).
    Json,
    /// One self-contained HTML page that opens offline.
    Html,
}

/// The most foreign file names sent to the window (a folder may hold millions).
const FOREIGN_SHOWN: usize = 100;

pub(crate) fn status(state: &AppState) -> LakeStatus {
    let foreign = state
        .lake()
        .map(|l| l.foreign_files().to_vec())
        .unwrap_or_default();
    LakeStatus {
        path: state.lake_path(),
        default_path: state.default_lake().display().to_string(),
        recent: state.settings().recent,
        foreign_count: foreign.len() as u64,
        foreign_files: foreign.into_iter().take(FOREIGN_SHOWN).collect(),
        last_backup: state.last_backup(),
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

pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> CmdResult<T> + Send + 'static,
) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| {
        AppError::new(
            ErrorCode::Internal,
            format!("a worker thread failed: {e}; this is a bug"),
        )
    })?
}

/// Runs `work` on a blocking thread with a cancel token that `cancel_query(tab)` can reach.
pub(crate) async fn in_tab<T: Send + 'static>(
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

pub async fn lake_status(cx: &Cx<'_>) -> CmdResult<LakeStatus> {
    Ok(status(cx.state))
}

pub async fn open_lake(cx: &Cx<'_>, path: String, create: bool) -> CmdResult<LakeStatus> {
    let path = path.trim();
    if path.is_empty() {
        let e = "type or choose a folder for the lake";
        return Err(AppError::new(ErrorCode::BadInput, e));
    }
    let path = cx.state.lake_path_allowed(path)?;
    let lake = cx.state.open(&path, create)?;
    if let Some(app) = cx.app {
        show_lake_in_title(app, Some(&lake.root().display().to_string()));
    }
    Ok(status(cx.state))
}

pub async fn list_datasets(cx: &Cx<'_>) -> CmdResult<Vec<DatasetInfo>> {
    Ok(cx.state.lake()?.catalog().list_datasets()?)
}

pub async fn describe_dataset(cx: &Cx<'_>, name: String) -> CmdResult<DatasetDescription> {
    let lake = cx.state.lake()?;
    Ok(lake_core::query::mask::describe_masked(&lake, &name)?)
}

pub async fn dataset_history(cx: &Cx<'_>, name: String) -> CmdResult<Vec<VersionEntry>> {
    Ok(cx.state.lake()?.catalog().history(&name)?)
}

pub async fn restore_version(cx: &Cx<'_>, name: String, version: u32) -> CmdResult<u32> {
    let lake = cx.state.lake()?;
    blocking(move || {
        let lock = lake.try_write_lock()?;
        Ok(lake.restore(&lock, &name, version)?)
    })
    .await
}

pub async fn query_history(cx: &Cx<'_>, limit: u32) -> CmdResult<Vec<HistoryEntry>> {
    Ok(cx.state.lake()?.catalog().query_history(limit)?)
}

/// Formats, Takeout products, schemas and samples of `paths` (which the user chose).
pub async fn preview_import(cx: &Cx<'_>, paths: Vec<String>) -> CmdResult<ImportPreview> {
    let paths = paths
        .iter()
        .map(|p| cx.state.grants.check(p, Use::Read))
        .collect::<CmdResult<Vec<PathBuf>>>()?;
    blocking(move || Ok(preview_paths(&paths, &CancelToken::new()))).await
}

/// Opens the dialog for `kind` (files or folders to import, a lake folder, an export target);
/// what the user picks may then be used by the other commands. Empty when cancelled.
pub async fn pick_paths(cx: &Cx<'_>, kind: PickKind) -> CmdResult<Vec<String>> {
    let app = cx.app()?.clone();
    blocking(move || {
        let picked = crate::pick::pick(&app, kind);
        let state = app.state::<AppState>();
        state.grants.grant(&picked, kind.grant_use());
        Ok(picked.iter().map(|p| p.display().to_string()).collect())
    })
    .await
}

/// The paths of `items`, as the grant check returned them (each one the user chose), and the
/// dataset names given to them.
fn import_plan(
    state: &AppState,
    items: Vec<ImportItem>,
) -> CmdResult<(Vec<PathBuf>, BTreeMap<PathBuf, String>)> {
    let (mut paths, mut names) = (Vec::new(), BTreeMap::new());
    for i in items {
        let path = state.grants.check(&i.path, Use::Read)?;
        if let Some(d) = i.dataset {
            names.insert(path.clone(), d);
        }
        paths.push(path);
    }
    Ok((paths, names))
}

/// An import's options: the dataset names, Skip bad records, and the settings' defaults.
fn import_options(
    state: &AppState,
    names: BTreeMap<PathBuf, String>,
    skip_bad: bool,
) -> ImportOptions {
    let prefs = state.current();
    ImportOptions {
        names,
        skip_bad,
        rows_per_file: prefs.import_rows_per_file,
        profile: prefs.import_profile,
        ..Default::default()
    }
}

/// Imports `items` in one transaction, streaming progress; one import runs at a time, and
/// `cancel_import` stops it leaving the lake as it was.
pub async fn start_import(
    cx: &Cx<'_>,
    items: Vec<ImportItem>,
    skip_bad: bool,
    on_progress: Channel<ImportProgress>,
) -> CmdResult<ImportReport> {
    let (paths, names) = import_plan(cx.state, items)?;
    let lake = cx.state.lake()?;
    let ticket = cx.state.imports.start()?;
    let cancel = ticket.cancel.clone();
    let opts = import_options(cx.state, names, skip_bad);
    let report = cx.state.progress_to(on_progress);
    blocking(move || {
        let progress = ProgressTracker::new(total_bytes(&paths), report);
        Ok(import_paths(&lake, &paths, &opts, &progress, &cancel)?)
    })
    .await
}

pub async fn cancel_import(cx: &Cx<'_>) -> CmdResult<bool> {
    Ok(cx.state.imports.cancel())
}

pub async fn run_query(cx: &Cx<'_>, sql: String, tab: String) -> CmdResult<QueryResponse> {
    let out = in_tab(cx.state, &tab, move |lake, opts| {
        core_query(lake, &sql, opts)
    })
    .await?;
    let ms = out.elapsed.as_secs_f64() * 1e3;
    let (id, r) = cx.state.keep(ResultSet::from_query(out.frame, out.inputs));
    let result = lock(&r).meta(id, ms);
    Ok(QueryResponse {
        result,
        plan: out.plan,
        masked: out.masked,
        cached: out.cached,
    })
}

pub async fn explain(cx: &Cx<'_>, sql: String, analyze: bool, tab: String) -> CmdResult<QueryPlan> {
    let work = move |lake: &Lake, opts: &QueryOptions| explain_query(lake, &sql, analyze, opts);
    in_tab(cx.state, &tab, work).await
}

pub async fn plan_runs(cx: &Cx<'_>, sql: String, limit: u32) -> CmdResult<Vec<PlanRun>> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(plan_runs_of(&lake, &sql, limit.min(50))?)).await
}

pub async fn plan_diff(_cx: &Cx<'_>, before: QueryPlan, after: QueryPlan) -> CmdResult<PlanDiff> {
    Ok(lake_core::query::plan_diff::diff(&before, &after))
}

/// Writes `plan` where the user chose in the save dialog, atomically.
pub async fn export_plan(
    cx: &Cx<'_>,
    plan: QueryPlan,
    sql: String,
    path: String,
    format: PlanFormat,
) -> CmdResult<()> {
    let path = cx.state.grants.check(&path, Use::Write)?;
    let text = match format {
        PlanFormat::Json => serde_json::to_string_pretty(&plan).unwrap_or_default(),
        PlanFormat::Html => lake_core::query::plan_html::to_html(&plan, Some(&sql)),
    };
    let write = move || {
        let io = |e| LakeError::io(format!("writing {}", path.display()), e);
        Ok(write_file_atomically(&path, |w| {
            w.write_all(text.as_bytes()).map_err(io)
        })?)
    };
    blocking(write).await
}

pub async fn export_chart(
    cx: &Cx<'_>,
    path: String,
    format: String,
    data: String,
) -> CmdResult<()> {
    let path = cx.state.grants.check(&path, Use::Write)?;
    let bytes = chart::chart_file(&format, &data)?;
    let write = move || {
        let io = |e| LakeError::io(format!("writing {}", path.display()), e);
        Ok(write_file_atomically(&path, |w| {
            w.write_all(&bytes).map_err(io)
        })?)
    };
    blocking(write).await
}

pub async fn export_chart_svg(
    cx: &Cx<'_>,
    path: String,
    id: u32,
    req: ChartRequest,
    title: String,
) -> CmdResult<()> {
    let path = cx.state.grants.check(&path, Use::Write)?;
    let r = cx.state.result(id)?;
    let write = move || {
        let data = chart::chart(lock(&r).view(), &req)?;
        let text = lake_core::query::chart_svg::svg(&data, &title)?;
        let io = |e| LakeError::io(format!("writing {}", path.display()), e);
        Ok(write_file_atomically(&path, |w| {
            w.write_all(text.as_bytes()).map_err(io)
        })?)
    };
    blocking(write).await
}

pub async fn map_viewport(cx: &Cx<'_>, req: MapRequest) -> CmdResult<Response> {
    let lake = cx.state.lake()?;
    let req = ViewportRequest {
        dataset: req.dataset,
        column: req.column,
        bbox: req.bbox,
        max_points: req.max_points.min(50_000) as usize,
        grid: (req.cols, req.rows),
    };
    let bytes = blocking(move || Ok(viewport(&lake, &req)?.to_ipc()?)).await?;
    Ok(Response::new(bytes))
}

pub async fn map_result(cx: &Cx<'_>, id: u32, view: MapView) -> CmdResult<Response> {
    let r = cx.state.result(id)?;
    let max = view.max_points.min(50_000) as usize;
    let grid = (view.cols, view.rows);
    let v = blocking(move || Ok(lock(&r).map_viewport(view.bbox, max, grid)?.to_ipc()?));
    Ok(Response::new(v.await?))
}

pub async fn result_chart(cx: &Cx<'_>, id: u32, req: ChartRequest) -> CmdResult<ChartData> {
    let r = cx.state.result(id)?;
    let req = ChartRequest {
        max_points: req.max_points.clamp(3, 20_000),
        ..req
    };
    blocking(move || Ok(chart::chart(lock(&r).view(), &req)?)).await
}

pub async fn map_row(cx: &Cx<'_>, dataset: String, file: u32, row: u32) -> CmdResult<ResultMeta> {
    let lake = cx.state.lake()?;
    let t = Instant::now();
    let frame = blocking(move || Ok(row_at(&lake, &dataset, file, row)?)).await?;
    let (id, r) = cx.state.keep(ResultSet::new(frame));
    let meta = lock(&r).meta(id, t.elapsed().as_secs_f64() * 1e3);
    Ok(meta)
}

pub async fn map_track(
    cx: &Cx<'_>,
    dataset: String,
    day: Option<String>,
    zone: Option<String>,
) -> CmdResult<Track> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(day_track(&lake, &dataset, day.as_deref(), zone.as_deref())?)).await
}

pub async fn save_fence(cx: &Cx<'_>, name: String, wkt: String) -> CmdResult<u32> {
    let lake = cx.state.lake()?;
    let saved = blocking(move || Ok(fences::save(&lake, fences::DEFAULT_DATASET, &name, &wkt)?));
    Ok(saved.await?.rows as u32)
}

pub async fn map_fences(cx: &Cx<'_>) -> CmdResult<Vec<Fence>> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(fences::list(&lake, fences::DEFAULT_DATASET)?)).await
}

pub async fn result_row(cx: &Cx<'_>, id: u32, row: u32) -> CmdResult<ResultMeta> {
    let r = cx.state.result(id)?;
    let frame = lock(&r).view().slice(i64::from(row), 1);
    let (id, kept) = cx.state.keep(ResultSet::new(frame));
    let meta = lock(&kept).meta(id, 0.0);
    Ok(meta)
}

pub async fn cancel_query(cx: &Cx<'_>, tab: String) -> CmdResult<bool> {
    let running = lock(&cx.state.query_cancel).get(&tab).cloned();
    Ok(running.map(|c| c.cancel()).is_some())
}

/// Rows `offset..offset+limit` (at most 10,000) of a kept result, as Arrow IPC stream bytes.
pub async fn fetch_rows(cx: &Cx<'_>, id: u32, offset: u32, limit: u32) -> CmdResult<Response> {
    let r = cx.state.result(id)?;
    let limit = limit.min(10_000);
    let bytes = blocking(move || Ok(lock(&r).page_ipc(offset as u64, limit)?)).await?;
    Ok(Response::new(bytes))
}

pub async fn set_result_view(
    cx: &Cx<'_>,
    id: u32,
    sort: Option<SortSpec>,
    filter: Option<FilterSpec>,
) -> CmdResult<ResultMeta> {
    let r = cx.state.result(id)?;
    blocking(move || {
        let started = Instant::now();
        let mut g = lock(&r);
        g.set_view(sort, filter, &QueryOptions::default())?;
        Ok(g.meta(id, started.elapsed().as_secs_f64() * 1e3))
    })
    .await
}

pub async fn close_result(cx: &Cx<'_>, id: u32) -> CmdResult<()> {
    cx.state.drop_result(id);
    Ok(())
}

/// Writes a kept result's current view to `path` (chosen in the save dialog), atomically; with
/// `spreadsheet_safe`, CSV cells that would start a formula are defused. Returns the rows.
pub async fn export_result(
    cx: &Cx<'_>,
    id: u32,
    path: String,
    format: ExportFormat,
    spreadsheet_safe: bool,
) -> CmdResult<u32> {
    let path = cx.state.grants.check(&path, Use::Write)?;
    let r = cx.state.result(id)?;
    let fmt = match format {
        ExportFormat::Csv => OutputFormat::Csv,
        ExportFormat::Parquet => OutputFormat::Parquet,
        ExportFormat::Geojson => OutputFormat::GeoJson,
    };
    let lake = cx.state.lake()?;
    blocking(move || {
        let g = lock(&r);
        export_to_file(g.view(), fmt, &path, spreadsheet_safe)?;
        lake.record_export(&path, g.view().height(), None, g.inputs())?;
        Ok(g.view().height() as u32)
    })
    .await
}

/// When the process started (set first thing in `main`).
pub static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// Logs the start-up time. With `DATAPUNK_EXIT_WHEN_READY` set, the app then exits (the
/// cold-start benchmark).
pub async fn ui_ready(cx: &Cx<'_>) -> CmdResult<()> {
    let ms = STARTED.get().map(|s| s.elapsed().as_secs_f64() * 1e3);
    println!("ready_ms={:.1}", ms.unwrap_or(0.0));
    if std::env::var_os("DATAPUNK_EXIT_WHEN_READY").is_some() {
        cx.app()?.exit(0);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Array, StringArray};
    use std::sync::Mutex;
    use tauri::async_runtime::block_on;
    use tauri::ipc::{InvokeResponseBody, IpcResponse};

    use super::*;

    fn names_in(page: Response) -> Vec<String> {
        let Ok(InvokeResponseBody::Raw(ipc)) = page.body() else {
            panic!("rows are sent as raw bytes")
        };
        let mut r =
            arrow_ipc::reader::StreamReader::try_new(std::io::Cursor::new(ipc), None).unwrap();
        let b = r.next().unwrap().unwrap();
        let col = b.column(0).as_any().downcast_ref::<StringArray>().unwrap();
        (0..col.len()).map(|i| col.value(i).to_string()).collect()
    }

    #[test]
    fn a_user_session_through_the_commands_on_a_real_lake() {
        let dir = tempfile::tempdir().unwrap();
        let st = AppState::new(&dir.path().join("config"), &dir.path().join("data"));
        let cx = Cx::bare(&st);
        let e = block_on(run_query(&cx, "SELECT 1".into(), "t".into())).unwrap_err();
        assert_eq!(e.0.code, "no_lake");

        let lake_dir = dir.path().join("lake");
        st.open(&lake_dir, true).unwrap();
        assert_eq!(st.settings().recent[0], lake_dir.display().to_string());
        assert!(block_on(lake_status(&cx)).unwrap().foreign_files.is_empty());

        let csv = dir.path().join("people.csv");
        std::fs::write(&csv, "id,name\n1,Grace\n2,Ada\n3,Linus\n").unwrap();
        // A path the user did not choose is refused; a dropped one is accepted.
        let channel = Channel::new(|_| Ok(()));
        let items = vec![ImportItem {
            path: csv.display().to_string(),
            dataset: Some("folks".into()),
        }];
        let e = block_on(start_import(&cx, items, false, channel)).unwrap_err();
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
        let report = block_on(start_import(&cx, items, false, channel)).unwrap();
        assert_eq!(report.datasets[0].name, "folks");
        assert_eq!(report.datasets[0].rows, 3);
        assert_eq!(report.datasets[0].version, 1);
        let last = lock(&events).last().cloned().unwrap();
        assert_eq!(last["done_bytes"], last["total_bytes"], "{last}");
        assert_eq!(last["records"], 3);

        let r = block_on(run_query(&cx, "SELECT name FROM folks".into(), "t".into())).unwrap();
        assert_eq!(r.result.rows, 3);
        let page = block_on(fetch_rows(&cx, r.result.id, 1, 10)).unwrap();
        assert_eq!(names_in(page), ["Ada", "Linus"]);

        let sort = SortSpec {
            column: "name".into(),
            descending: true,
        };
        let meta = block_on(set_result_view(&cx, r.result.id, Some(sort), None)).unwrap();
        assert_eq!(meta.rows, 3);
        let page = block_on(fetch_rows(&cx, r.result.id, 0, 1)).unwrap();
        assert_eq!(names_in(page), ["Linus"]);

        let out = dir.path().join("out.csv");
        let e = block_on(export_result(
            &cx,
            r.result.id,
            out.display().to_string(),
            ExportFormat::Csv,
            false,
        ))
        .unwrap_err();
        assert_eq!(e.0.code, "path_not_chosen");
        assert!(!out.exists());
        st.grants.grant([&out], Use::Write);
        let n = block_on(export_result(
            &cx,
            r.result.id,
            out.display().to_string(),
            ExportFormat::Csv,
            false,
        ))
        .unwrap();
        assert_eq!(n, 3);
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "name\nLinus\nGrace\nAda\n"
        );

        let e = block_on(run_query(&cx, "SELECT nme FROM folks".into(), "t".into())).unwrap_err();
        assert_eq!(e.0.code, "unknown_column");
        assert_eq!(e.0.details["suggestion"], "name");
        assert_eq!(e.0.details["column"], 8);

        let plan = block_on(explain(
            &cx,
            "SELECT name FROM folks WHERE id > 1".into(),
            true,
            "t".into(),
        ))
        .unwrap();
        assert!(plan.analyzed);

        st.drop_result(r.result.id);
        let Err(e) = block_on(fetch_rows(&cx, r.result.id, 0, 1)) else {
            panic!("a closed result still answers")
        };
        assert_eq!(e.0.code, "result_gone");

        // Another lake with a file it did not write: left alone, and shown on opening it.
        let other = dir.path().join("other");
        drop(Lake::open_or_init(&other).unwrap());
        std::fs::write(other.join("data").join("notes.txt"), "mine").unwrap();
        st.open(&other, false).unwrap();
        let status = block_on(lake_status(&cx)).unwrap();
        let shown = status.foreign_files;
        assert_eq!((shown.len(), status.foreign_count), (1, 1), "{shown:?}");
        assert!(shown[0].ends_with("notes.txt"), "{shown:?}");
        assert_eq!(
            std::fs::read_to_string(other.join("data/notes.txt")).unwrap(),
            "mine"
        );
        // Thousands of them: the count is whole, the names sent are capped.
        let many = dir.path().join("many");
        drop(Lake::open_or_init(&many).unwrap());
        for i in 0..150 {
            std::fs::write(many.join("data").join(format!("f{i}.txt")), "x").unwrap();
        }
        st.open(&many, false).unwrap();
        let status = block_on(lake_status(&cx)).unwrap();
        assert_eq!(
            (status.foreign_files.len(), status.foreign_count),
            (FOREIGN_SHOWN, 150)
        );
    }
}
