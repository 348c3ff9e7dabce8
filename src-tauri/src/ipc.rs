//! What is generated from the one command list (`command_list.rs`): the Tauri commands (each
//! hands its arguments to the function of the same name in `commands.rs`), their handler, the
//! command names, each command's argument check, and the signatures `bindings.rs` writes as
//! TypeScript.

use lake_core::backup::{BackupProgress, BackupReport, VerifyReport};
use lake_core::catalog::history::VersionEntry;
use lake_core::catalog::quality::RuleResult;
use lake_core::catalog::query_log::{QueryRun, RunFilter};
use lake_core::catalog::{DatasetDescription, DatasetInfo, HistoryEntry};
use lake_core::ingest::preview::ImportPreview;
use lake_core::ingest::progress::ImportProgress;
use lake_core::ingest::ImportReport;
use lake_core::query::results::{FilterSpec, ResultMeta, SortSpec};
use lake_core::query::QueryPlan;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tauri::ipc::{Channel, Response};
use tauri::AppHandle;
use ts_rs::{Config, TS};

use crate::commands::{
    self, CreatedDataset, Cx, ExportFormat, ImportItem, LakeStatus, LineageView, MapRequest,
    MapView, MonitorView, PlanFormat, QueryResponse,
};
use crate::error::CmdResult;
use crate::pick::PickKind;
use crate::prefs::SettingsView;
use lake_core::catalog::lineage::ViewInfo;
use lake_core::catalog::quality::Rule;
use lake_core::materialize::rollup::RollupInfo;
use lake_core::pii::PiiStatus;
use lake_core::profile::DatasetProfile;
use lake_core::query::chart::{ChartData, ChartRequest};
use lake_core::query::plan_diff::PlanDiff;
use lake_core::query::track::Track;
use lake_core::query::PlanRun;
use lake_core::retention::RetentionPlan;
use lake_core::spatial::fences::Fence;
use lake_core::spatial::viewport::Viewport;
use lake_core::storage::versions::{AuditView, VacuumReport};
use lake_core::text::column::{EmbedProgress, EmbedReport};
use lake_core::text::search::{Searchable, SemanticResults};
use lake_core::timeline::{TimelineRequest, TimelineView};
use lake_core::timeline_rows::{RowsRequest, TimelineRows};

/// ts-rs settings of every generated type (64-bit integers are plain numbers).
pub fn ts_config() -> Config {
    Config::new().with_large_int("number")
}

/// A type a command takes or returns, as TypeScript names it.
pub trait IpcType {
    /// Its TypeScript type.
    fn ts() -> String;
}

/// A type a command takes: how a JSON argument is checked before Tauri deserializes it.
pub trait IpcArg: IpcType {
    /// May the window leave it out (it is an `Option`)?
    const OPTIONAL: bool = false;
    /// `Err` with serde's words when `v` would not deserialize as this type.
    fn check(v: &Value) -> Result<(), String>;
}

fn deserializes_as<T: DeserializeOwned>(v: &Value) -> Result<(), String> {
    T::deserialize(v).map(|_| ()).map_err(|e| e.to_string())
}

macro_rules! ts_types {
    ($($t:ty),* $(,)?) => { $(
        impl IpcType for $t {
            fn ts() -> String {
                <$t as TS>::name(&ts_config())
            }
        }
    )* };
}
macro_rules! arg_types {
    ($optional:literal: $($t:ty),* $(,)?) => { $(
        impl IpcArg for $t {
            const OPTIONAL: bool = $optional;
            fn check(v: &Value) -> Result<(), String> {
                deserializes_as::<$t>(v)
            }
        }
    )* };
}
// Every type the list uses: a type missing here fails to compile, so none can be forgotten.
ts_types!(
    String,
    bool,
    u32,
    Vec<String>,
    PickKind,
    Vec<ImportItem>,
    Option<SortSpec>,
    Option<FilterSpec>,
    ExportFormat,
    LakeStatus,
    Vec<DatasetInfo>,
    DatasetDescription,
    Vec<HistoryEntry>,
    MonitorView,
    RunFilter,
    Vec<QueryRun>,
    Vec<VersionEntry>,
    DatasetProfile,
    Vec<ViewInfo>,
    Vec<RollupInfo>,
    RetentionPlan,
    Option<RetentionPlan>,
    Rule,
    AuditView,
    VacuumReport,
    ChartRequest,
    ChartData,
    TimelineRequest,
    TimelineView,
    RowsRequest,
    TimelineRows,
    PiiStatus,
    LineageView,
    CreatedDataset,
    Vec<RuleResult>,
    ImportPreview,
    ImportReport,
    QueryResponse,
    QueryPlan,
    Vec<PlanRun>,
    PlanDiff,
    PlanFormat,
    ResultMeta,
    MapRequest,
    MapView,
    Viewport,
    Option<String>,
    Track,
    Vec<Fence>,
    Vec<Searchable>,
    SemanticResults,
    EmbedReport,
    BackupReport,
    VerifyReport,
    SettingsView,
);
arg_types!(false: String, bool, u32, Vec<String>, PickKind, Vec<ImportItem>, ExportFormat, MapRequest, MapView, QueryPlan, PlanFormat, Rule, ChartRequest, TimelineRequest, RowsRequest, RetentionPlan, RunFilter);
arg_types!(true: Option<SortSpec>, Option<FilterSpec>, Option<String>);

macro_rules! channels {
    ($($t:ty),*) => { $(
        impl IpcType for Channel<$t> {
            fn ts() -> String {
                format!("Channel<{}>", <$t as TS>::name(&ts_config()))
            }
        }
        impl IpcArg for Channel<$t> {
            /// The window sends a channel as its id (`__CHANNEL__:<n>`); Tauri resolves it.
            fn check(v: &Value) -> Result<(), String> {
                match v.as_str() {
                    Some(s) if s.starts_with("__CHANNEL__:") => Ok(()),
                    _ => Err("expected a Channel".into()),
                }
            }
        }
    )* };
}
channels!(ImportProgress, EmbedProgress, BackupProgress);
impl IpcType for Response {
    fn ts() -> String {
        "ArrayBuffer".into()
    }
}
impl IpcType for () {
    fn ts() -> String {
        "null".into()
    }
}

/// A command as the window sees it: for `commands.ts` and the IPC check.
pub struct Signature {
    /// Its name (snake_case, as registered).
    pub name: &'static str,
    /// Its doc comment.
    pub doc: String,
    /// Arguments: the window's (camelCase) name and TypeScript type.
    pub args: Vec<(String, String)>,
    /// What it resolves to, in TypeScript.
    pub ret: String,
}

/// `snake_case` to the `camelCase` name Tauri expects from the window.
pub fn camel(s: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in s.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// One argument of a call: present (or optional) and of the right type.
fn arg<T: IpcArg>(args: &Map<String, Value>, name: &str) -> Result<(), (String, String)> {
    let name = camel(name);
    match args.get(&name) {
        None if T::OPTIONAL => Ok(()),
        None => Err((name, "is missing".into())),
        Some(v) => T::check(v).map_err(|e| (name, format!("must be {}: {e}", T::ts()))),
    }
}

/// Checks one argument by its (snake_case) name.
type ArgCheck = fn(&Map<String, Value>, &str) -> Result<(), (String, String)>;

fn each(args: &Map<String, Value>, checks: &[(&str, ArgCheck)]) -> Result<(), (String, String)> {
    checks
        .iter()
        .try_for_each(|(name, check)| check(args, name))
}

macro_rules! generate {
    ($( $(#[doc = $doc:literal])* $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty; )*) => {
        /// The Tauri commands, one per entry of the list.
        pub mod tauri_commands {
            use super::*;
            $(
                $(#[doc = $doc])*
                #[tauri::command]
                pub async fn $name(app: AppHandle, $($arg: $ty),*) -> CmdResult<$ret> {
                    commands::$name(&Cx::of(&app), $($arg),*).await
                }
            )*
        }

        /// The invoke handler of every command in the list.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(tauri_commands::$name),*]
        }

        /// The names of the commands, in list order.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Checks a call's arguments against its command's types: `None` when there is no such
        /// command, else the first argument that is missing or mistyped (its name, what is wrong).
        pub fn check_args(
            cmd: &str,
            args: &Map<String, Value>,
        ) -> Option<Result<(), (String, String)>> {
            match cmd {
                $(stringify!($name) => Some(each(args, &[$((stringify!($arg), arg::<$ty>)),*])),)*
                _ => None,
            }
        }

        /// Every command's signature as the window sees it.
        pub fn signatures() -> Vec<Signature> {
            vec![$(Signature {
                name: stringify!($name),
                doc: [$($doc),*].iter().map(|l| l.trim()).collect::<Vec<_>>().join(" "),
                args: vec![$((camel(stringify!($arg)), <$ty as IpcType>::ts())),*],
                ret: <$ret as IpcType>::ts(),
            }),*]
        }
    };
}

with_commands!(generate);

/// An event as the window sees it: for `commands.ts`.
pub struct EventSignature {
    /// Its name in Rust (`dropped` gives `emit_dropped` and `onDropped`).
    pub name: &'static str,
    /// The event's text.
    pub event: &'static str,
    /// Its doc comment.
    pub doc: String,
    /// The payload's TypeScript type.
    pub payload: String,
}

macro_rules! generate_events {
    ($( $(#[doc = $doc:literal])* $name:ident = $event:literal : $ty:ty; )*) => {
        /// Typed senders of the events, one per entry of the list.
        pub mod emit {
            use super::*;
            $(
                $(#[doc = $doc])*
                pub fn $name(app: &AppHandle, payload: $ty) {
                    use tauri::Emitter;
                    let _ = app.emit($event, payload);
                }
            )*
        }

        /// Every event's signature as the window sees it.
        pub fn event_signatures() -> Vec<EventSignature> {
            vec![$(EventSignature {
                name: stringify!($name),
                event: $event,
                doc: [$($doc),*].iter().map(|l| l.trim()).collect::<Vec<_>>().join(" "),
                payload: <$ty as IpcType>::ts(),
            }),*]
        }
    };
}

with_events!(generate_events);
