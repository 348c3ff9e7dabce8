import { useCallback, useEffect, useRef, useState } from "react";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import type { DatasetInfo, ErrorPayload, LakeStatus, RollupInfo, SettingsView, ViewInfo } from "./bindings/types";
import { appSettings, dropView, lakeStatus, listDatasets, listRollups, listViews, onDropped, onSettingsChanged, takeOpened, uiReady } from "./bindings/commands";
import { sqlName } from "./lib/format";
import { asLakeError } from "./lib/errors";
import { ErrorBox } from "./components/ErrorBox";
import { OfflineBadge } from "./components/OfflineBadge";
import { StartScreen } from "./features/lake/StartScreen";
import { AuditPanel } from "./features/audit/AuditPanel";
import { TimelinePanel } from "./features/timeline/TimelinePanel";
import { MonitorPanel } from "./features/monitor/MonitorPanel";
import { ImportWizard } from "./features/import/ImportWizard";
import { CatalogList } from "./features/catalog/CatalogList";
import { DatasetView } from "./features/catalog/DatasetView";
import { QueryTab } from "./features/query/QueryTab";
import { SearchPanel } from "./features/search/SearchPanel";
import { BackupPanel } from "./features/backup/BackupPanel";
import { SettingsPanel } from "./features/settings/SettingsPanel";
import type { CompletionSchema } from "./features/query/SqlEditor";

type Tab =
  | { id: string; kind: "query"; title: string; sql: string; autoRun?: "run" | "analyze" }
  | { id: string; kind: "dataset"; title: string; name: string; mapDay?: { day: string; asked: number } }
  | { id: string; kind: "audit"; title: string }
  | { id: string; kind: "timeline"; title: string }
  | { id: string; kind: "monitor"; title: string }
  | { id: string; kind: "search"; title: string }
  | { id: string; kind: "backup"; title: string }
  | { id: string; kind: "settings"; title: string };

let tabCounter = 0;
function newQueryTab(sql = "", autoRun?: "run" | "analyze"): Tab {
  tabCounter += 1;
  return { id: `q${Date.now()}-${tabCounter}`, kind: "query", title: `Query ${tabCounter}`, sql, autoRun };
}

export function App() {
  const [status, setStatus] = useState<LakeStatus | null>(null);
  const [datasets, setDatasets] = useState<DatasetInfo[]>([]);
  const [views, setViews] = useState<ViewInfo[]>([]);
  const [rollups, setRollups] = useState<RollupInfo[]>([]);
  const [schema, setSchema] = useState<CompletionSchema>({});
  const [tabs, setTabs] = useState<Tab[]>(() => [newQueryTab("")]);
  const [active, setActive] = useState<string>(() => "");
  const [importPaths, setImportPaths] = useState<string[] | null>(null);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [foreignSeen, setForeignSeen] = useState<string | null>(null);
  const [prefs, setPrefs] = useState<SettingsView | null>(null);
  const statusRef = useRef(status);
  statusRef.current = status;

  useEffect(() => {
    lakeStatus()
      .then(setStatus)
      .catch((e) => setError(asLakeError(e)));
  }, []);

  // The settings file: read at start, and again whenever the shell sees it change.
  useEffect(() => {
    appSettings()
      .then(setPrefs)
      .catch(() => {
        /* not inside the app window (unit tests) */
      });
    let unlisten: (() => void) | undefined;
    onSettingsChanged(setPrefs)
      .then((u) => (unlisten = u))
      .catch(() => {});
    return () => unlisten?.();
  }, []);

  // The theme: the settings' app.theme, or the desktop's for "system".
  const theme = prefs?.settings.theme ?? "system";
  useEffect(() => {
    const media = window.matchMedia?.("(prefers-color-scheme: light)");
    const apply = () => {
      const light = theme === "light" || (theme === "system" && !!media?.matches);
      document.documentElement.dataset.theme = light ? "light" : "dark";
    };
    apply();
    media?.addEventListener?.("change", apply);
    return () => media?.removeEventListener?.("change", apply);
  }, [theme]);

  // Once the first real screen has painted, tell the shell (it logs the start-up time).
  const ready = status !== null;
  useEffect(() => {
    if (!ready) return;
    requestAnimationFrame(() => requestAnimationFrame(() => void uiReady().catch(() => {})));
  }, [ready]);

  const refresh = useCallback(async () => {
    try {
      const [list, viewList, rollupList] = await Promise.all([listDatasets(), listViews(), listRollups()]);
      setDatasets(list);
      setViews(viewList);
      setRollups(rollupList);
      // Column names for completion come with the list: no call per dataset.
      setSchema(Object.fromEntries(list.map((d) => [d.name, d.schema.map((c) => c.name)])));
    } catch (e) {
      setError(asLakeError(e));
    }
  }, []);

  useEffect(() => {
    if (status?.path) void refresh();
  }, [status?.path, refresh]);

  // Files the app was opened with (a file association, "Open with"): into the import wizard, once
  // a lake is open.
  useEffect(() => {
    if (!status?.path) return;
    takeOpened()
      .then((paths) => {
        if (paths.length) setImportPaths((old) => [...new Set([...(old ?? []), ...paths])]);
      })
      .catch(() => {
        /* not inside the app window (unit tests) */
      });
  }, [status?.path]);

  // The CLI (or another window) may have changed the lake meanwhile: the list is read again
  // whenever the window comes back to the front.
  useEffect(() => {
    if (!status?.path) return;
    const onFocus = () => void refresh();
    window.addEventListener("focus", onFocus);
    return () => window.removeEventListener("focus", onFocus);
  }, [status?.path, refresh]);

  // Another lake: the tabs of the previous one (its datasets, its kept results) close.
  const shownLake = useRef<string | null>(null);
  useEffect(() => {
    const path = status?.path ?? null;
    if (!path) return;
    if (shownLake.current && shownLake.current !== path) {
      const t = newQueryTab("");
      setTabs([t]);
      setActive(t.id);
    }
    shownLake.current = path;
  }, [status?.path]);

  useEffect(() => {
    if (!active && tabs.length) setActive(tabs[0].id);
  }, [active, tabs]);

  // Files dropped anywhere on the window open the import wizard with their paths.
  useEffect(() => {
    let unlisten: (() => void) | undefined;
    getCurrentWebview()
      .onDragDropEvent((event) => {
        const p = event.payload;
        if (p.type === "enter" || p.type === "over") setDragging(true);
        else if (p.type === "leave") setDragging(false);
        else if (p.type === "drop") setDragging(false);
      })
      .then((u) => (unlisten = u))
      .catch(() => {
        /* not inside the app window (unit tests) */
      });
    // The paths come from the shell, once it has granted them from the window's real drop.
    let unlistenDropped: (() => void) | undefined;
    onDropped((paths) => {
      if (statusRef.current?.path && paths.length) setImportPaths((old) => [...new Set([...(old ?? []), ...paths])]);
    })
      .then((u) => (unlistenDropped = u))
      .catch(() => {
        /* not inside the app window (unit tests) */
      });
    return () => {
      unlisten?.();
      unlistenDropped?.();
    };
  }, []);

  // `mapDay`: open it on the map, with that day's track (the timeline's day view asks).
  const openDataset = useCallback((name: string, mapDay?: string) => {
    setTabs((old) => {
      const asked = mapDay ? { day: mapDay, asked: Date.now() } : undefined;
      const found = old.find((t) => t.kind === "dataset" && t.name === name);
      if (found) {
        setActive(found.id);
        return asked ? old.map((t) => (t === found ? { ...found, mapDay: asked } : t)) : old;
      }
      const t: Tab = { id: `d-${name}`, kind: "dataset", title: name, name, mapDay: asked };
      setActive(t.id);
      return [...old, t];
    });
  }, []);

  const openQuery = useCallback((sql = "", autoRun?: "run" | "analyze") => {
    const t = newQueryTab(sql, autoRun);
    setTabs((old) => [...old, t]);
    setActive(t.id);
  }, []);

  const openAudit = useCallback(() => {
    setTabs((old) => (old.some((t) => t.kind === "audit") ? old : [...old, { id: "audit", kind: "audit", title: "Audit log" }]));
    setActive("audit");
  }, []);

  const openTimeline = useCallback(() => {
    setTabs((old) => (old.some((t) => t.kind === "timeline") ? old : [...old, { id: "timeline", kind: "timeline", title: "Timeline" }]));
    setActive("timeline");
  }, []);

  const openMonitor = useCallback(() => {
    setTabs((old) => (old.some((t) => t.kind === "monitor") ? old : [...old, { id: "monitor", kind: "monitor", title: "Monitoring" }]));
    setActive("monitor");
  }, []);

  const openSearch = useCallback(() => {
    setTabs((old) => (old.some((t) => t.kind === "search") ? old : [...old, { id: "search", kind: "search", title: "Search" }]));
    setActive("search");
  }, []);

  const openBackup = useCallback(() => {
    setTabs((old) => (old.some((t) => t.kind === "backup") ? old : [...old, { id: "backup", kind: "backup", title: "Backup" }]));
    setActive("backup");
  }, []);

  const openSettings = useCallback(() => {
    setTabs((old) => (old.some((t) => t.kind === "settings") ? old : [...old, { id: "settings", kind: "settings", title: "Settings" }]));
    setActive("settings");
  }, []);

  const closeTab = useCallback((id: string) => {
    setTabs((old) => {
      const i = old.findIndex((t) => t.id === id);
      const next = old.filter((t) => t.id !== id);
      setActive((cur) => (cur === id ? (next[Math.max(0, i - 1)]?.id ?? "") : cur));
      return next;
    });
  }, []);

  // Keyboard shortcuts of the whole window.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod) return;
      const k = e.key.toLowerCase();
      if (k === "i" && statusRef.current?.path) {
        e.preventDefault();
        setImportPaths((old) => old ?? []);
      } else if (k === "t") {
        e.preventDefault();
        openQuery();
      } else if (k === "w") {
        e.preventDefault();
        if (active) closeTab(active);
      } else if (k === "m" && statusRef.current?.path) {
        e.preventDefault();
        openMonitor();
      } else if (k === "k" && !e.shiftKey && !e.defaultPrevented && statusRef.current?.path) {
        e.preventDefault();
        openSearch();
      } else if (k === ",") {
        e.preventDefault();
        openSettings();
      } else if (k === "p") {
        e.preventDefault();
        document.getElementById("catalog-search")?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active, closeTab, openQuery, openMonitor, openSearch, openSettings]);

  if (!status) {
    return <div className="pad dim">{error ? <ErrorBox error={error} /> : "Starting…"}</div>;
  }
  if (!status.path) {
    return <StartScreen status={status} onOpened={setStatus} />;
  }

  const current = tabs.find((t) => t.id === active);
  return (
    <div className={`app ${dragging ? "dragging" : ""}`}>
      <header className="topbar">
        <span className="brand">Datapunk Lake</span>
        <span className="lake-path dim ellipsis" data-testid="lake-path-shown" title={status.path}>
          {status.path}
        </span>
        <span className="grow" />
        <OfflineBadge />
        <button className="primary" data-testid="open-import" onClick={() => setImportPaths([])} title="Import files (Ctrl+I)">
          Import…
        </button>
        <button onClick={() => openQuery()} data-testid="new-query" title="New query tab (Ctrl+T)">
          New query
        </button>
        <button onClick={openSearch} data-testid="open-search" title="Search your texts by meaning: notes, mail, searches, videos (Ctrl+K)">
          Search
        </button>
        <button onClick={openTimeline} data-testid="open-timeline" title="Every dataset with times on one axis">
          Timeline
        </button>
        <button onClick={openMonitor} data-testid="open-monitor" title="Query history, slow queries, and how the lake behaves over time (Ctrl+M)">
          Monitoring
        </button>
        <button onClick={openAudit} data-testid="open-audit" title="Everything done to this lake, hash-chained">
          Audit log
        </button>
        <button onClick={openBackup} data-testid="open-backup" title="Back up the lake to a folder you choose, verify it, or restore a backup">
          Backup
        </button>
        <button onClick={openSettings} data-testid="open-settings" title="The settings file: preset, default lake, threads, theme, import defaults, privacy (Ctrl+,)">
          Settings
        </button>
        <button data-testid="switch-lake" onClick={() => setStatus({ ...status, path: null })} title="Open or create another lake">
          Switch lake
        </button>
      </header>
      {status.foreign_files.length > 0 && foreignSeen !== status.path && (
        <div className="notice-bar" role="status" data-testid="foreign-files">
          <span className="grow">
            {status.foreign_count} file(s) in the lake folder are not the lake's and were left alone:{" "}
            {status.foreign_files.slice(0, 3).join(", ")}
            {status.foreign_count > 3 ? ` and ${status.foreign_count - 3} more` : ""}. Move them out of{" "}
            {status.path}.
          </span>
          <button onClick={() => setForeignSeen(status.path)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      <div className="main">
        <CatalogList
          datasets={datasets}
          views={views}
          rollups={rollups}
          selected={current?.kind === "dataset" ? current.name : null}
          onOpen={openDataset}
          onOpenView={(v) => openQuery(`SELECT * FROM ${sqlName(v)}`)}
          onDropView={(v) =>
            void dropView(v)
              .then(setViews)
              .catch((e) => setError(asLakeError(e)))
          }
        />
        <section className="workspace">
          <div className="tabs" role="tablist">
            {tabs.map((t) => (
              <div key={t.id} className={`tab ${t.id === active ? "on" : ""}`} data-testid="tab" data-kind={t.kind}>
                <button role="tab" aria-selected={t.id === active} onClick={() => setActive(t.id)} className="tab-title ellipsis">
                  {t.kind === "dataset" ? "▦ " : t.kind === "audit" ? "☰ " : t.kind === "timeline" ? "◷ " : t.kind === "monitor" ? "◔ " : t.kind === "search" ? "⌕ " : t.kind === "backup" ? "⛁ " : t.kind === "settings" ? "⚙ " : "✎ "}
                  {t.title}
                </button>
                <button className="tab-close" aria-label={`Close ${t.title}`} onClick={() => closeTab(t.id)}>
                  ×
                </button>
              </div>
            ))}
            <button className="tab-new" onClick={() => openQuery()} aria-label="New query tab">
              +
            </button>
          </div>
          <div className="tab-body">
            {tabs.map((t) => (
              <div key={t.id} className="tab-panel" hidden={t.id !== active}>
                {t.kind === "query" ? (
                  <QueryTab tabId={t.id} initialSql={t.sql} autoRun={t.autoRun} schema={schema} onDatasetCreated={() => void refresh()} />
                ) : t.kind === "monitor" ? (
                  <MonitorPanel datasets={datasets.map((d) => d.name)} onQuery={openQuery} />
                ) : t.kind === "search" ? (
                  <SearchPanel onQuery={openQuery} onOpenDataset={(n) => openDataset(n)} />
                ) : t.kind === "settings" ? (
                  <SettingsPanel view={prefs} onView={setPrefs} />
                ) : t.kind === "backup" ? (
                  <BackupPanel status={status} onStatus={setStatus} />
                ) : t.kind === "audit" ? (
                  <AuditPanel />
                ) : t.kind === "timeline" ? (
                  <TimelinePanel onQuery={openQuery} onMapDay={openDataset} />
                ) : (
                  <DatasetView
                    name={t.name}
                    version={datasets.find((d) => d.name === t.name)?.version}
                    onQuery={openQuery}
                    onChanged={() => void refresh()}
                    onOpenDataset={openDataset}
                    mapDay={t.mapDay}
                  />
                )}
              </div>
            ))}
            {tabs.length === 0 && (
              <div className="empty pad dim">
                Open a dataset from the catalog, or start a query with Ctrl+T.
              </div>
            )}
          </div>
        </section>
      </div>
      {error && (
        <div className="toast">
          <ErrorBox error={error} onDismiss={() => setError(null)} />
        </div>
      )}
      {dragging && <div className="drop-hint">Drop to import</div>}
      {importPaths && (
        <ImportWizard
          paths={importPaths}
          onClose={() => setImportPaths(null)}
          onImported={() => void refresh()}
          skipBadByDefault={prefs?.settings.import_skip_bad ?? false}
        />
      )}
    </div>
  );
}
