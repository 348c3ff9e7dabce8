//! The commands about where data came from and what it holds: lineage and derived datasets,
//! quality rules, profiles, personal data and the audit log. Glue over lake-core, like
//! `commands.rs`, which re-exports them so the command list names them in one place.

use lake_core::catalog::lineage::{Direction, LineageGraph, ViewInfo};
use lake_core::catalog::metrics::ProcessSample;
use lake_core::catalog::quality::{Rule, RuleResult};
use lake_core::catalog::query_log::{QueryRun, RunFilter};
use lake_core::lineage::ColumnGraph;
use lake_core::materialize::rollup::RollupInfo;
use lake_core::materialize::{self, NewerInput};
use lake_core::meter::process::{rss_bytes, CpuMeter};
use lake_core::metrics::{self, MetricsReport};
use lake_core::pii::{self, PiiStatus};
use lake_core::profile::DatasetProfile;
use lake_core::query::QueryOptions;
use lake_core::retention::{self, RetentionPlan};
use lake_core::storage::versions::{self, AuditView, VacuumReport};
use lake_core::timeline::{TimelineRequest, TimelineView};
use lake_core::timeline_rows::{RowsRequest, TimelineRows};
use lake_core::Lake;
use serde::Serialize;
use ts_rs::TS;

use lake_core::text::column::{embed_column, EmbedProgress, EmbedReport};
use lake_core::text::search::{self, Searchable, SemanticResults};

use crate::commands::{blocking, in_tab, Cx};
use crate::error::CmdResult;
use crate::state::lock;

/// A dataset's lineage for the Lineage tab, and the inputs that moved on since it was made.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LineageView {
    /// Where it came from and what was made from it.
    pub graph: LineageGraph,
    /// For a derived dataset: inputs with a newer version than it read (stale when any).
    pub stale: Vec<NewerInput>,
    /// In column mode: each version's columns and the column edges between them.
    pub columns: Option<ColumnGraph>,
}

/// A query's answer kept as a derived dataset.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CreatedDataset {
    /// Its name.
    pub dataset: String,
    /// The version made.
    pub version: u32,
    /// Its rows.
    pub rows: u64,
}

fn lineage_view(lake: &Lake, name: &str, depth: u32, columns: bool) -> CmdResult<LineageView> {
    let graph = lake
        .catalog()
        .lineage(name, Direction::Both, depth.clamp(1, 20))?;
    let stale = materialize::freshness(lake, name)?
        .map(|f| f.newer)
        .unwrap_or_default();
    let columns = match columns {
        true => Some(lake_core::lineage::column_graph(lake, &graph)?),
        false => None,
    };
    Ok(LineageView {
        graph,
        stale,
        columns,
    })
}

pub async fn list_views(cx: &Cx<'_>) -> CmdResult<Vec<ViewInfo>> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(lake.catalog().view_infos()?)).await
}

pub async fn list_rollups(cx: &Cx<'_>) -> CmdResult<Vec<RollupInfo>> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(lake_core::materialize::rollup::list(&lake)?)).await
}

pub async fn timeline(cx: &Cx<'_>, req: TimelineRequest) -> CmdResult<TimelineView> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(lake_core::timeline::view(&lake, &req)?)).await
}

pub async fn timeline_rows(cx: &Cx<'_>, req: RowsRequest) -> CmdResult<TimelineRows> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(lake_core::timeline_rows::rows(&lake, &req)?)).await
}

pub async fn create_view(cx: &Cx<'_>, name: String, sql: String) -> CmdResult<Vec<ViewInfo>> {
    let lake = cx.state.lake()?;
    blocking(move || {
        lake_core::query::views::create(&lake, &name, &sql)?;
        Ok(lake.catalog().view_infos()?)
    })
    .await
}

pub async fn drop_view(cx: &Cx<'_>, name: String) -> CmdResult<Vec<ViewInfo>> {
    let lake = cx.state.lake()?;
    blocking(move || {
        let _lock = lake.try_write_lock()?;
        lake.catalog().drop_view(&name)?;
        Ok(lake.catalog().view_infos()?)
    })
    .await
}

pub async fn vacuum(cx: &Cx<'_>, older_than: String, dry_run: bool) -> CmdResult<VacuumReport> {
    let lake = cx.state.lake()?;
    blocking(move || {
        let age = versions::parse_age(&older_than)?;
        let lock = lake.try_write_lock()?;
        Ok(lake.vacuum(&lock, age, dry_run)?)
    })
    .await
}

pub async fn retention_plan(cx: &Cx<'_>, name: String) -> CmdResult<Option<RetentionPlan>> {
    let lake = cx.state.lake()?;
    blocking(move || {
        let has = retention::list(&lake)?.iter().any(|p| p.dataset == name);
        Ok(if has {
            Some(retention::plan(&lake, &name)?)
        } else {
            None
        })
    })
    .await
}

pub async fn set_retention(cx: &Cx<'_>, name: String, keep_days: u32) -> CmdResult<RetentionPlan> {
    let lake = cx.state.lake()?;
    blocking(move || {
        retention::set(&lake, &name, None, keep_days)?;
        Ok(retention::plan(&lake, &name)?)
    })
    .await
}

pub async fn apply_retention(cx: &Cx<'_>, plan: RetentionPlan) -> CmdResult<u32> {
    let lake = cx.state.lake()?;
    blocking(move || {
        let made = retention::apply(&lake, &plan, &QueryOptions::default())?;
        Ok(made.map_or(0, |v| v.version))
    })
    .await
}

pub async fn drop_retention(cx: &Cx<'_>, name: String) -> CmdResult<bool> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(retention::remove(&lake, &name)?)).await
}

pub async fn audit_view(
    cx: &Cx<'_>,
    since: Option<String>,
    action: Option<String>,
    text: Option<String>,
) -> CmdResult<AuditView> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(lake.audit_view(since.as_deref(), action, text)?)).await
}

/// The app's memory and CPU now (CPU since the page last asked).
fn live_sample() -> Option<ProcessSample> {
    static CPU: std::sync::Mutex<Option<CpuMeter>> = std::sync::Mutex::new(None);
    let mut cpu = CPU.lock().unwrap_or_else(|p| p.into_inner());
    let pct = cpu
        .get_or_insert_with(CpuMeter::default)
        .sample()
        .unwrap_or(0.0);
    Some(ProcessSample {
        t: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as f64)
            .unwrap_or(0.0),
        rss_bytes: rss_bytes()?,
        cpu_percent: pct,
    })
}

/// The monitoring page's figures, and the import running now.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MonitorView {
    /// The period's figures and series, with the app's memory and CPU now as the last sample.
    pub report: MetricsReport,
    /// The running import's progress, if one runs.
    pub import: Option<lake_core::ingest::progress::ImportProgress>,
}

pub async fn metrics_report(cx: &Cx<'_>, since: Option<String>) -> CmdResult<MonitorView> {
    let lake = cx.state.lake()?;
    let import = crate::state::lock(&cx.state.import_progress).clone();
    let all = lake.clone();
    let view = blocking(move || {
        let since = metrics::since_instant(since.as_deref().unwrap_or("30d"))?;
        let mut report = metrics::report(&lake, &since)?;
        report.process.extend(live_sample());
        Ok(MonitorView { report, import })
    })
    .await;
    if view.is_ok() {
        keep_all_later(all);
    }
    view
}

/// After the page's answer: the whole query log, read in the background (once per open lake),
/// so a longer period chosen next is ready.
fn keep_all_later(lake: std::sync::Arc<Lake>) {
    tauri::async_runtime::spawn_blocking(move || {
        if let Err(e) = metrics::keep_all(&lake) {
            eprintln!("monitoring: reading the whole query log failed: {e}");
        }
    });
}

pub async fn query_runs(cx: &Cx<'_>, filter: RunFilter) -> CmdResult<Vec<QueryRun>> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(lake.catalog().query_runs(&filter)?)).await
}

/// Records the app's memory and CPU in the open lake once a minute (the monitoring page's
/// chart), for as long as the app runs.
pub fn sample_process(app: tauri::AppHandle) {
    use tauri::Manager;
    std::thread::spawn(move || {
        let mut cpu = CpuMeter::default();
        cpu.sample();
        let mut wait = std::time::Duration::from_secs(5);
        loop {
            std::thread::sleep(wait);
            wait = std::time::Duration::from_secs(60);
            let pct = cpu.sample().unwrap_or(0.0);
            let state = app.state::<crate::state::AppState>();
            if let (Ok(lake), Some(rss)) = (state.lake(), rss_bytes()) {
                let _ = lake.catalog().record_process(rss, pct);
            }
        }
    });
}

pub async fn pii_status(cx: &Cx<'_>, name: String) -> CmdResult<PiiStatus> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(pii::status(&lake, &name)?)).await
}

pub async fn tag_pii(
    cx: &Cx<'_>,
    name: String,
    column: String,
    kind: Option<String>,
) -> CmdResult<PiiStatus> {
    let lake = cx.state.lake()?;
    // A tag is one catalog transaction: no data file is written, so no lake lock is taken
    // (two quick clicks must not refuse each other).
    blocking(move || {
        match kind {
            Some(kind) => pii::tag(&lake, &name, &column, &kind)?,
            None => {
                lake.catalog().untag_pii(&name, &column)?;
            }
        }
        Ok(pii::status(&lake, &name)?)
    })
    .await
}

pub async fn set_pii_masking(cx: &Cx<'_>, on: bool) -> CmdResult<bool> {
    let lake = cx.state.lake()?;
    blocking(move || {
        let value = if on { "on" } else { "off" };
        lake.catalog().set_setting(pii::MASK_SETTING, value)?;
        Ok(on)
    })
    .await
}

pub async fn profile_dataset(cx: &Cx<'_>, name: String) -> CmdResult<DatasetProfile> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(lake_core::profile::profile(&lake, &name)?)).await
}

pub async fn dataset_lineage(
    cx: &Cx<'_>,
    name: String,
    depth: u32,
    columns: bool,
) -> CmdResult<LineageView> {
    let lake = cx.state.lake()?;
    blocking(move || lineage_view(&lake, &name, depth, columns)).await
}

pub async fn create_dataset(cx: &Cx<'_>, name: String, sql: String) -> CmdResult<CreatedDataset> {
    let lake = cx.state.lake()?;
    blocking(move || {
        let v = materialize::create(&lake, &name, &sql, &QueryOptions::default())?;
        Ok(CreatedDataset {
            dataset: v.dataset,
            version: v.version,
            rows: v.rows,
        })
    })
    .await
}

pub async fn refresh_dataset(
    cx: &Cx<'_>,
    name: String,
    depth: u32,
    columns: bool,
) -> CmdResult<LineageView> {
    let lake = cx.state.lake()?;
    blocking(move || {
        materialize::refresh(&lake, &name, &QueryOptions::default())?;
        lineage_view(&lake, &name, depth, columns)
    })
    .await
}

pub async fn check_dataset(cx: &Cx<'_>, name: String) -> CmdResult<Vec<RuleResult>> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(lake_core::quality::check(&lake, &name)?)).await
}

pub async fn add_rule(cx: &Cx<'_>, rule: Rule) -> CmdResult<Vec<RuleResult>> {
    let lake = cx.state.lake()?;
    blocking(move || {
        lake_core::quality::add_rule(&lake, &rule)?;
        Ok(lake_core::quality::check(&lake, &rule.dataset)?)
    })
    .await
}

pub async fn drop_rule(cx: &Cx<'_>, name: String, rule: String) -> CmdResult<Vec<RuleResult>> {
    let lake = cx.state.lake()?;
    blocking(move || {
        let lock = lake.try_write_lock()?;
        lake.catalog().drop_rule(&name, &rule)?;
        drop(lock);
        Ok(lake_core::quality::check(&lake, &name)?)
    })
    .await
}

pub async fn quality_status(cx: &Cx<'_>, name: String) -> CmdResult<Vec<RuleResult>> {
    let lake = cx.state.lake()?;
    Ok(lake_core::quality::latest(&lake, &name)?)
}

pub async fn searchable_datasets(cx: &Cx<'_>) -> CmdResult<Vec<Searchable>> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(search::searchable(&lake)?)).await
}

pub async fn semantic_search(cx: &Cx<'_>, text: String, k: u32) -> CmdResult<SemanticResults> {
    let lake = cx.state.lake()?;
    blocking(move || Ok(search::semantic_search(&lake, &text, k as usize)?)).await
}

pub async fn make_searchable(
    cx: &Cx<'_>,
    name: String,
    column: String,
    tab: String,
    on_progress: tauri::ipc::Channel<EmbedProgress>,
) -> CmdResult<EmbedReport> {
    // One run per dataset: a second would take over the first one's Cancel.
    if lock(&cx.state.query_cancel).contains_key(&tab) {
        let msg = format!("{name} is being made searchable already; wait for it or cancel it");
        return Err(lake_core::LakeError::Busy(msg).into());
    }
    in_tab(cx.state, &tab, move |lake, opts| {
        let cancel = opts.cancel.clone().unwrap_or_default();
        let progress = |p: EmbedProgress| drop(on_progress.send(p));
        embed_column(lake, &name, &column, None, true, &progress, &cancel)
    })
    .await
}

pub async fn similar_rows_sql(
    cx: &Cx<'_>,
    id: u32,
    row: u32,
    dataset: String,
    column: String,
) -> CmdResult<String> {
    let r = cx.state.result(id)?;
    let frame = lock(&r).view().slice(i64::from(row), 1);
    let lake = cx.state.lake()?;
    blocking(move || {
        let v = search::row_vector(&frame, &column)?;
        Ok(search::similar_sql(&lake, &dataset, &column, &v, 20)?)
    })
    .await
}

/// The files the app was opened with (granted), once: the page puts them in the import wizard.
pub async fn take_opened(cx: &Cx<'_>) -> CmdResult<Vec<String>> {
    Ok(std::mem::take(&mut *lock(&cx.state.opened)))
}

/// The settings file and the values in effect (with what is wrong with the file, if anything).
pub async fn app_settings(cx: &Cx<'_>) -> CmdResult<crate::prefs::SettingsView> {
    Ok(crate::prefs::reload(cx.state))
}

/// Writes a settings file with every key, commented, when there is none; returns the settings.
pub async fn create_settings_file(cx: &Cx<'_>) -> CmdResult<crate::prefs::SettingsView> {
    let file = cx.state.prefs_file.clone();
    if !file.exists() {
        let dir = file.parent().unwrap_or(std::path::Path::new("."));
        std::fs::create_dir_all(dir)
            .map_err(|e| lake_core::LakeError::io(format!("creating {}", dir.display()), e))?;
        let text = lake_core::settings::template();
        lake_core::query::output::write_file_atomically(&file, |w| {
            w.write_all(text.as_bytes())
                .map_err(|e| lake_core::LakeError::io("writing the settings file", e))
        })?;
    }
    Ok(crate::prefs::reload(cx.state))
}
