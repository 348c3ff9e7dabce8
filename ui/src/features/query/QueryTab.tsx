import { Suspense, lazy, useCallback, useEffect, useRef, useState } from "react";
import type { ErrorPayload, HistoryEntry, PlanDiff, PlanNode, PlanRun, QueryPlan, ResultMeta } from "../../bindings/types";
import { nodeAt, sqlRanges } from "../plan/sqlLink";
import type { Range } from "../plan/sqlLink";
import { KeepAsDataset } from "./KeepAsDataset";
import { PaneBoundary } from "../../components/PaneBoundary";
import { cancelQuery, explain, exportPlan, exportResult, mapFences, mapResult, pickPaths, planDiff, planRuns, queryHistory, resultRow, runQuery } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtInt, fmtMs, fmtTs } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";
import { metrics } from "../../lib/metrics";

import type { CompletionSchema, EditorError, SqlEditorHandle } from "./SqlEditor";
import { errorRange } from "./errorRange";
import { coordinatePair } from "../map/mapMath";
import "./query.css";

type Pane = "results" | "plan" | "diff" | "map" | "chart";

// The grid (with Arrow) and the plan view (with dagre) load when first needed: a faster start.
const ResultGrid = lazy(() => import("../../components/ResultGrid"));
// CodeMirror is most of the start-up JavaScript: the window paints first, the editor follows.
const SqlEditor = lazy(() => import("./SqlEditor"));
const PlanView = lazy(() => import("../plan/PlanView").then((m) => ({ default: m.PlanView })));
const PlanDiffView = lazy(() => import("../plan/PlanDiffView").then((m) => ({ default: m.PlanDiffView })));
const MapView = lazy(() => import("../map/MapView"));
const ChartPane = lazy(() => import("../chart/ChartPane"));

/** One editor tab: SQL with completion, run/cancel, errors at their position, results, plan. */
export function QueryTab({
  tabId,
  initialSql,
  autoRun,
  schema,
  onDatasetCreated,
}: {
  tabId: string;
  initialSql: string;
  /** Run the SQL (or EXPLAIN ANALYZE it) as soon as the tab opens (from the query history). */
  autoRun?: "run" | "analyze";
  schema: CompletionSchema;
  /** A result was kept as a dataset (the catalog should list it). */
  onDatasetCreated?: (name: string) => void;
}) {
  const storageKey = `datapunk.sql.${tabId}`;
  const [spreadsheetSafe, setSpreadsheetSafe] = useState(true);
  const [text, setText] = useState(() => localStorage.getItem(storageKey) ?? initialSql);
  const [running, setRunning] = useState<null | "query" | "explain">(null);
  const [started, setStarted] = useState(0);
  const [now, setNow] = useState(0);
  const [meta, setMeta] = useState<ResultMeta | null>(null);
  // A result with a lon/lat pair of columns can be drawn on a map.
  const pair = meta ? coordinatePair(meta.columns) : null;
  const [plan, setPlan] = useState<QueryPlan | null>(null);
  // The SQL of the plan shown, and the previous analyzed run of it (kept in the lake's log).
  const [planSql, setPlanSql] = useState("");
  // Where that SQL starts in the editor (a selection may have been run), and the SQL link:
  // the parts of the editor's text the selected node came from, and the node a name picks.
  const [planAt, setPlanAt] = useState(0);
  const [linked, setLinked] = useState<Range[]>([]);
  // A sequence number too, so picking the same name again selects its node again.
  const [focus, setFocus] = useState<{ id: number; seq: number } | null>(null);
  const [previous, setPrevious] = useState<PlanRun | null>(null);
  const [diff, setDiff] = useState<{ before: PlanRun; after: QueryPlan; diff: PlanDiff } | null>(null);
  const [pane, setPane] = useState<Pane>("results");
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [errorOffset, setErrorOffset] = useState(0);
  const [history, setHistory] = useState<HistoryEntry[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Result columns masked as personal data (the lake's setting).
  const [masked, setMasked] = useState<string[]>([]);
  // The result came from the lake's result cache.
  const [cached, setCached] = useState(false);
  // The SQL behind the result shown (what "Keep as dataset" keeps).
  const [resultSql, setResultSql] = useState<string | null>(null);
  const editor = useRef<SqlEditorHandle | null>(null);

  useEffect(() => localStorage.setItem(storageKey, text), [storageKey, text]);
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(t);
  }, [running]);

  const run = useCallback(async () => {
    const h = editor.current;
    if (!h || running) return;
    const { text: q, offset } = h.runText();
    if (!q.trim()) return;
    setRunning("query");
    setStarted(performance.now());
    setNow(performance.now());
    setError(null);
    setNotice(null);
    setErrorOffset(offset);
    metrics.runStart = performance.now();
    metrics.gridPaintedAt = undefined;
    try {
      const r = await runQuery(q, tabId);
      metrics.resultAt = performance.now();
      metrics.resultId = r.result.id;
      setMeta(r.result);
      setMasked(r.masked);
      setCached(r.cached);
      setResultSql(r.plan ? null : q);
      if (r.plan) {
        // `EXPLAIN …` run as a query: the plan view gets the same state as from Analyze.
        setPlan(r.plan);
        setPlanSql(q);
        setPlanAt(offset);
        setLinked([]);
        setDiff(null);
        setPrevious(null);
        setPane("plan");
      } else setPane("results");
    } catch (e) {
      setError(asLakeError(e));
    } finally {
      setRunning(null);
    }
  }, [running, tabId]);

  const runExplain = useCallback(
    async (analyze: boolean) => {
      const h = editor.current;
      if (!h || running) return;
      const { text: q, offset } = h.runText();
      if (!q.trim()) return;
      setRunning("explain");
      setStarted(performance.now());
      setError(null);
      setErrorOffset(offset);
      try {
        const p = await explain(q, analyze, tabId);
        setPlan(p);
        setPlanSql(q);
        setPlanAt(offset);
        setLinked([]);
        setDiff(null);
        setPane("plan");
        // The run just made is the newest in the log; the one before it is the previous run.
        setPrevious(analyze ? ((await planRuns(q, 2))[1] ?? null) : null);
      } catch (e) {
        setError(asLakeError(e));
      } finally {
        setRunning(null);
      }
    },
    [running, tabId],
  );

  // Opened to run at once (Re-run or Plan in the query history): once, when the editor is there.
  // (The editor loads lazily: `editorReady` says when it is there.)
  const autoDone = useRef(false);
  const [editorReady, setEditorReady] = useState(false);
  useEffect(() => {
    if (!autoRun || autoDone.current || !editorReady || !editor.current) return;
    autoDone.current = true;
    if (autoRun === "run") void run();
    else void runExplain(true);
  }, [autoRun, editorReady, run, runExplain]);

  const format = useCallback(async () => {
    const h = editor.current;
    if (!h) return;
    try {
      // The formatter is big and rarely needed: it loads on first use.
      const { format: formatSql } = await import("sql-formatter");
      h.setText(formatSql(text, { language: "sql", keywordCase: "upper", tabWidth: 2 }));
    } catch {
      setNotice("Could not format: the SQL does not parse yet.");
    }
  }, [text]);

  const cancel = useCallback(() => void cancelQuery(tabId), [tabId]);

  async function doExport(fmt: "csv" | "parquet" | "geojson") {
    if (!meta) return;
    try {
      // The shell opens the save dialog: only a path the user chose there can be written.
      const [path] = await pickPaths(fmt === "csv" ? "export_csv" : fmt === "parquet" ? "export_parquet" : "export_geojson");
      if (!path) return;
      const n = await exportResult(meta.id, path, fmt, spreadsheetSafe);
      setNotice(`Exported ${fmtInt(n)} rows to ${path}`);
    } catch (e) {
      setError(asLakeError(e));
    }
  }

  async function compare() {
    if (!plan || !previous) return;
    try {
      setDiff({ before: previous, after: plan, diff: await planDiff(previous.plan, plan) });
      setPane("diff");
    } catch (e) {
      setError(asLakeError(e));
    }
  }

  async function savePlan(fmt: "html" | "json") {
    if (!plan) return;
    try {
      // The shell opens the save dialog: only a path the user chose there can be written.
      const [path] = await pickPaths(fmt === "html" ? "export_plan_html" : "export_plan_json");
      if (!path) return;
      await exportPlan(plan, planSql, path, fmt);
      setNotice(`Saved the plan to ${path}`);
    } catch (e) {
      setError(asLakeError(e));
    }
  }

  // The link holds while the editor still has the planned SQL where it was.
  const linkable = text.slice(planAt, planAt + planSql.length) === planSql;
  const onSelectNode = useCallback(
    (n: PlanNode | null) => setLinked(n && linkable ? sqlRanges(planSql, n).map((r) => ({ from: r.from + planAt, to: r.to + planAt })) : []),
    [linkable, planSql, planAt],
  );
  const onCursor = useCallback(
    (offset: number) => {
      if (!plan || pane !== "plan" || !linkable) return;
      const n = nodeAt(planSql, offset - planAt, plan.root);
      if (n) setFocus((f) => ({ id: n.id, seq: (f?.seq ?? 0) + 1 }));
    },
    [plan, pane, linkable, planSql, planAt],
  );

  const planTools = plan && (
    <>
      {previous && plan.analyzed && (
        <button type="button" onClick={() => void compare()} data-testid="plan-compare" title={`Compare with the run of ${fmtTs(previous.ts)} (UTC)`}>
          Compare with previous run
        </button>
      )}
      <button type="button" onClick={() => void savePlan("html")} data-testid="plan-save-html" title="Save the plan as one web page that opens offline">
        Save HTML
      </button>
      <button type="button" onClick={() => void savePlan("json")} data-testid="plan-save-json" title="Save the plan as JSON (lake explain --diff reads it)">
        Save JSON
      </button>
    </>
  );

  async function showHistory() {
    if (history) return setHistory(null);
    try {
      setHistory(await queryHistory(50));
    } catch (e) {
      setError(asLakeError(e));
    }
  }

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && running) cancel();
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "e") {
        e.preventDefault();
        void runExplain(e.shiftKey);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [running, cancel, runExplain]);

  const line = error?.details["line"];
  const column = error?.details["column"];
  const editorError: EditorError =
    error && typeof line === "number" && typeof column === "number" ? { line, column, message: error.message } : null;

  return (
    <div className="query-tab" data-testid="query-tab">
      <div className="toolbar">
        <button className="primary" data-testid="run" disabled={!!running} onClick={run} title="Run the selection, or everything (Ctrl+Enter)">
          ▶ Run
        </button>
        <button className="danger" data-testid="cancel-query" disabled={!running} onClick={cancel} title="Cancel (Esc)">
          ■ Cancel
        </button>
        <button data-testid="explain" disabled={!!running} onClick={() => runExplain(false)} title="Plan with estimates (Ctrl+E)">
          Explain
        </button>
        <button data-testid="analyze" disabled={!!running} onClick={() => runExplain(true)} title="Run and measure each node (Ctrl+Shift+E)">
          Analyze
        </button>
        <button onClick={format} title="Format (Ctrl+Shift+F)">
          Format
        </button>
        <button onClick={showHistory} data-testid="history">
          History
        </button>
        <span className="grow" />
        {running && (
          <span className="dim" data-testid="running">
            {running === "query" ? "Running" : "Planning"}… {fmtMs(Math.max(0, now - started))}
          </span>
        )}
        {!running && meta && (
          <span className="dim" data-testid="result-summary">
            {fmtInt(meta.total_rows)} rows · {fmtMs(meta.elapsed_ms)}
          </span>
        )}
        {!running && meta && cached && (
          <span className="badge" data-testid="result-cached" title="The datasets this query reads are unchanged since it last ran: the kept answer was used">
            from cache
          </span>
        )}
        {!running && meta && masked.length > 0 && (
          <span className="badge warn" data-testid="masked" title="The lake masks columns tagged as personal data in results and exports (Schema & stats turns it off)">
            masked: {masked.join(", ")}
          </span>
        )}
        <span className="dim small">Export</span>
        <button disabled={!meta} onClick={() => doExport("csv")} title="Export the result as CSV">
          CSV
        </button>
        <label className="small" title="Cells that start with =, +, - or @ get a leading ' so a spreadsheet shows them as text instead of running them as formulas">
          <input type="checkbox" data-testid="spreadsheet-safe" checked={spreadsheetSafe} onChange={(e) => setSpreadsheetSafe(e.target.checked)} /> spreadsheet-safe
        </label>
        <button disabled={!meta} onClick={() => doExport("parquet")} title="Export the result as Parquet (GeoParquet with a geometry column)">
          Parquet
        </button>
        {(pair || meta?.columns.some((c) => c.dtype === "binary" && /geom|wkb|shape/i.test(c.name))) && (
          <button disabled={!meta} onClick={() => doExport("geojson")} title="Export the result as GeoJSON, by its geometry or lon/lat columns">
            GeoJSON
          </button>
        )}
        <KeepAsDataset sql={meta ? resultSql : null} onCreated={(n) => onDatasetCreated?.(n)} />
        <KeepAsDataset kind="view" sql={meta ? resultSql : null} onCreated={(n) => onDatasetCreated?.(n)} />
      </div>
      {history && (
        <div className="history" data-testid="history-list">
          {history.length === 0 && <div className="dim pad">No queries yet.</div>}
          {history.map((h) => (
            <button
              key={h.ts + h.sql}
              className={`history-item ${h.status}`}
              onClick={() => {
                editor.current?.setText(h.sql);
                setHistory(null);
              }}
            >
              <code className="ellipsis">{h.sql.replace(/\s+/g, " ")}</code>
              <span className="dim small">
                {h.status === "ok" ? `${fmtInt(h.rows)} rows` : h.error_code} · {fmtMs(h.duration_ms)}
              </span>
            </button>
          ))}
        </div>
      )}
      <div className={`editor-pane${pane === "plan" || pane === "diff" ? " compact" : ""}`}>
        <Suspense fallback={<div className="dim pad">Loading the editor…</div>}>
          <SqlEditor
          initial={text}
          schema={schema}
          error={editorError}
          errorOffset={errorOffset}
          onChange={setText}
          onRun={run}
          onFormat={format}
          onCursor={onCursor}
          linked={linked}
            handle={(h) => {
              editor.current = h;
              if (h) setEditorReady(true);
            }}
          />
        </Suspense>
      </div>
      {error && (
        <ErrorBox
          error={error}
          onDismiss={() => setError(null)}
        />
      )}
      {error && typeof error.details["suggestion"] === "string" && editorError && (
        <button
          className="link fix"
          data-testid="apply-suggestion"
          onClick={() => {
            const s = error.details["suggestion"] as string;
            const { from, to } = errorRange(text, errorOffset, editorError.line, editorError.column);
            editor.current?.replaceRange(from, to, s);
            setError(null);
          }}
        >
          Replace with {String(error.details["suggestion"])}
        </button>
      )}
      {notice && <div className="notice">{notice}</div>}
      <div className="result-tabs">
        <button className={pane === "results" ? "on" : ""} onClick={() => setPane("results")} data-testid="pane-results">
          Results
        </button>
        <button className={pane === "plan" ? "on" : ""} onClick={() => setPane("plan")} disabled={!plan} data-testid="pane-plan">
          Plan
        </button>
        <button className={pane === "chart" ? "on" : ""} onClick={() => setPane("chart")} disabled={!meta} data-testid="pane-chart" title="The result as a chart">
          Chart
        </button>
        {pair && (
          <button className={pane === "map" ? "on" : ""} onClick={() => setPane("map")} data-testid="pane-map" title={`The rows on a map, by ${pair.join(", ")}`}>
            Map
          </button>
        )}
      </div>
      <div className="result-pane">
        {pane === "results" && !meta && <div className="dim pad">Run a query to see its rows here.</div>}
        <Suspense fallback={<div className="dim pad">Loading…</div>}>
          {pane === "results" && meta && <ResultGrid meta={meta} />}
          {pane === "plan" && plan && <PlanView plan={plan} tools={planTools} onSelectNode={onSelectNode} focus={focus} />}
          {pane === "diff" && diff && (
            <PlanDiffView
              before={diff.before.plan}
              after={diff.after}
              diff={diff.diff}
              beforeName={`${fmtTs(diff.before.ts)} UTC`}
              afterName="this run"
              onClose={() => setPane("plan")}
            />
          )}
          {pane === "chart" && meta && (
            <PaneBoundary key={meta.id} what="chart">
              <ChartPane meta={meta} />
            </PaneBoundary>
          )}
          {pane === "map" && meta && pair && (
            <MapView key={meta.id} column={pair.join(",")} bounds={null} fetch={(v) => mapResult(meta.id, v)} onPoint={(_f, r) => resultRow(meta.id, r)} loadFences={mapFences} />
          )}
        </Suspense>
      </div>
    </div>
  );
}
