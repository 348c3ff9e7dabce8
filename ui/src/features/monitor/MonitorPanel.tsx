import { memo, useEffect, useMemo, useRef, useState } from "react";
import type { ErrorPayload, MonitorView, QueryRun, RunFilter } from "../../bindings/types";
import { metricsReport, queryRuns } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtBytes, fmtInt, fmtMs, fmtTs } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";
import { MiniChart } from "./MiniChart";
import "./monitor.css";

const PERIODS: [string, string][] = [
  ["1d", "Last day"],
  ["7d", "Last 7 days"],
  ["30d", "Last 30 days"],
  ["365d", "Last year"],
  ["all", "All time"],
];

/** How long the page waits after an answer before asking again while it is shown (an import's
 *  progress, the app's memory); a slow answer is never asked for twice at once. */
const POLL_MS = 3000;

const tsMs = (iso: string) => Date.parse(iso);

/** Timings the benchmark reads: when the report was asked for, when it arrived, when React had
 *  rendered it (its charts made), the next frame, and the frame after it (painted). */
export const monitorTimings: { askedAt?: number; answeredAt?: number; renderedAt?: number; framedAt?: number; paintedAt?: number; queries?: number } = {};
(window as unknown as { __datapunkMonitor: typeof monitorTimings }).__datapunkMonitor = monitorTimings;

function Figure({ label, value, bad, testId }: { label: string; value: string; bad?: boolean; testId?: string }) {
  return (
    <div className={`figure ${bad ? "bad" : ""}`} data-testid={testId}>
      <b>{value}</b>
      <span>{label}</span>
    </div>
  );
}

/** One run of the history, with what to do with it. */
function RunRow({ r, onQuery }: { r: QueryRun; onQuery: (sql: string, auto?: "run" | "analyze") => void }) {
  return (
    <tr className={r.status} data-testid="run-row" data-status={r.status}>
      <td className="nowrap">{fmtTs(r.ts)}</td>
      <td className="num">{fmtMs(r.duration_ms)}</td>
      <td className="status">{r.status === "ok" ? "ok" : (r.error_code ?? r.status)}</td>
      <td className="num">{fmtInt(r.rows)}</td>
      <td className="num" title="Files read, and skipped by pruning">
        {r.scan ? `${r.scan.files_scanned} / ${r.scan.files_pruned} skipped` : "–"}
      </td>
      <td className="num" title="Row groups read, and skipped by their statistics (unknown when other work ran at the same time)">
        {r.scan?.row_groups_read != null ? `${r.scan.row_groups_read} / ${r.scan.row_groups_pruned ?? 0} skipped` : "–"}
      </td>
      <td className="num">{r.scan ? fmtBytes(r.scan.bytes_scanned) : "–"}</td>
      <td className="num">{r.peak_bytes != null ? fmtBytes(r.peak_bytes) : "–"}</td>
      <td className="sql" title={r.sql}>
        {r.sql}
      </td>
      <td className="actions">
        <button onClick={() => onQuery(r.sql)} title="Open in a new editor tab" data-testid="run-open">
          Open
        </button>
        <button onClick={() => onQuery(r.sql, "run")} title="Run it again in a new tab" data-testid="run-again">
          Re-run
        </button>
        <button onClick={() => onQuery(r.sql, "analyze")} title="Run it with EXPLAIN ANALYZE: its plan, and a comparison with an earlier run" data-testid="run-plan">
          Plan
        </button>
      </td>
    </tr>
  );
}

/** A table of runs. Memoised: the page re-renders with each report (every few seconds), and
 *  the history's 200 rows need no new render unless the runs themselves changed. */
const RunTable = memo(function RunTable({ runs, onQuery, testId }: { runs: QueryRun[]; onQuery: (sql: string, auto?: "run" | "analyze") => void; testId: string }) {
  // Its own sideways scroll: the section around it clips what overflows (content-visibility).
  return (
    <div className="runs-wrap">
      <table className="mini runs" data-testid={testId}>
        <thead>
          <tr>
            <th>When</th>
            <th>Time</th>
            <th>Status</th>
            <th>Rows</th>
            <th>Files</th>
            <th>Row groups</th>
            <th>Read</th>
            <th>Peak memory</th>
            <th>SQL</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <RunRow key={r.id} r={r} onQuery={onQuery} />
          ))}
        </tbody>
      </table>
    </div>
  );
});

/** The monitoring page: how imports, queries, storage and the app behaved over a period, the
 *  query history with filters, and the slowest queries. It asks again every few seconds while
 *  shown, so an import's progress and the app's memory move live. */
export function MonitorPanel({
  datasets,
  onQuery,
}: {
  datasets: string[];
  onQuery: (sql: string, auto?: "run" | "analyze") => void;
}) {
  const [since, setSince] = useState("30d");
  const [view, setView] = useState<MonitorView | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [filter, setFilter] = useState<RunFilter>({ text: "", dataset: "", status: "", min_ms: 0, since: "", slowest: false, limit: 200 });
  const [runs, setRuns] = useState<QueryRun[] | null>(null);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let stale = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = () => {
      if (!stale) timer = setTimeout(() => load(false), POLL_MS);
    };
    const load = (first: boolean) => {
      // Hidden (another tab is on top): nothing to refresh; look again later.
      if (!first && root.current?.offsetParent == null) return next();
      if (first) monitorTimings.askedAt = performance.now();
      metricsReport(since)
        .then((v) => {
          if (stale) return;
          if (first) monitorTimings.answeredAt = performance.now();
          setView(v);
          setError(null);
        })
        .catch((e) => !stale && setError(asLakeError(e)))
        .finally(next);
    };
    load(true);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [since]);

  const report = view?.report;
  useEffect(() => {
    if (!report) return;
    monitorTimings.queries = Number(report.queries.count);
    // Each report's own frames: a later report's render makes an earlier chain's mark stale.
    const rendered = performance.now();
    monitorTimings.renderedAt = rendered;
    monitorTimings.paintedAt = undefined;
    requestAnimationFrame(() => {
      if (monitorTimings.renderedAt === rendered) monitorTimings.framedAt = performance.now();
      requestAnimationFrame(() => {
        if (monitorTimings.renderedAt === rendered) monitorTimings.paintedAt = performance.now();
      });
    });
  }, [report]);

  // The history follows the filters, and new queries as the report counts them: a period's
  // count that grew between two of its reports. Choosing another period changes the count too,
  // but logs nothing new, so the history (which has no period) is not asked for again.
  const count = report ? Number(report.queries.count) : 0;
  const [logged, setLogged] = useState(0);
  const seen = useRef<{ since: string; count: number } | null>(null);
  useEffect(() => {
    if (!report) return;
    const before = seen.current;
    seen.current = { since, count };
    if (before && before.since === since && before.count !== count) setLogged((n) => n + 1);
    // Only a new report is a new count; `since` and `count` are read with it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [report]);
  useEffect(() => {
    let stale = false;
    const t = setTimeout(() => {
      queryRuns(filter)
        .then((r) => !stale && setRuns(r))
        .catch((e) => !stale && setError(asLakeError(e)));
    }, 150);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [filter, logged]);

  const charts = useMemo(() => {
    if (!report) return null;
    const qx = report.query_series.map((b) => b.t);
    const size = [...report.growth];
    const last = size[size.length - 1];
    if (last) size.push({ t: Math.max(tsMs(report.until), last.t), bytes: last.bytes });
    const until = tsMs(report.until);
    const firsts = [qx[0], report.imports[0] && tsMs(report.imports[0].ts), size[0]?.t, report.process[0]?.t].filter((v): v is number => v != null);
    const since = report.since ? tsMs(report.since) : Math.min(until - 3_600_000, ...firsts);
    const range: [number, number] = [since, Math.max(until, since + 60_000)];
    return {
      range,
      latency: { x: qx, series: [
        { name: "p50 ms", values: report.query_series.map((b) => b.p50_ms), color: "#4fb3bf" },
        { name: "p95 ms", values: report.query_series.map((b) => b.p95_ms), color: "#e5a550" },
      ] },
      counts: { x: qx, series: [
        { name: "queries", values: report.query_series.map((b) => Number(b.count)), color: "#61afef" },
        { name: "failed or cancelled", values: report.query_series.map((b) => Number(b.errors)), color: "#e06c75" },
      ] },
      ingest: { x: report.imports.map((i) => tsMs(i.ts)), series: [
        { name: "rows/s", values: report.imports.map((i) => (i.duration_ms > 0 ? Number(i.rows) / (i.duration_ms / 1000) : 0)), color: "#98c379" },
      ] },
      size: { x: size.map((g) => g.t), series: [{ name: "MB", values: size.map((g) => Number(g.bytes) / 1e6), color: "#c678dd" }] },
      memory: { x: report.process.map((p) => p.t), series: [
        { name: "memory MB", values: report.process.map((p) => Number(p.rss_bytes) / 1e6), color: "#d19a66" },
        { name: "CPU %", values: report.process.map((p) => p.cpu_percent), color: "#abb2bf" },
      ] },
    };
  }, [report]);

  const q = report?.queries;
  const lakeBytes = report ? report.storage.reduce((a, d) => a + Number(d.bytes), 0) : 0;
  const mem = report?.process[report.process.length - 1];
  const imp = view?.import;
  const per = report?.bucket === "hour" ? "hour" : "day";
  const set = (patch: Partial<RunFilter>) => setFilter((f) => ({ ...f, ...patch }));

  return (
    <div className="monitor pad scroll" data-testid="monitor-panel" ref={root}>
      <div className="monitor-bar">
        <select value={since} onChange={(e) => setSince(e.target.value)} aria-label="Period" data-testid="monitor-since">
          {PERIODS.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
        <span className="dim">Figures of this lake, kept in its catalog; they refresh every few seconds.</span>
      </div>
      {error && <ErrorBox error={error} />}
      {imp && (
        <div className="live-import" role="status" data-testid="monitor-import">
          Importing {imp.file}: {fmtInt(imp.records)} records, {fmtBytes(Number(imp.done_bytes))} of {fmtBytes(Number(imp.total_bytes))}
          {imp.elapsed_ms > 0 && `, ${fmtInt(Number(imp.records) / (imp.elapsed_ms / 1000))} records/s`}
          {imp.eta_ms != null && `, about ${fmtMs(imp.eta_ms)} left`}
        </div>
      )}
      {q && (
        <div className="figures" data-testid="monitor-figures">
          <Figure label="queries" value={fmtInt(Number(q.count))} testId="fig-queries" />
          <Figure label="failed" value={fmtInt(Number(q.errors))} bad={Number(q.errors) > 0} testId="fig-failed" />
          <Figure label="cancelled" value={fmtInt(Number(q.cancelled))} />
          <Figure label="median time" value={q.p50_ms != null ? fmtMs(q.p50_ms) : "–"} testId="fig-p50" />
          <Figure label="95th percentile" value={q.p95_ms != null ? fmtMs(q.p95_ms) : "–"} />
          <Figure label="files skipped by pruning" value={`${fmtInt(Number(q.files_pruned))} of ${fmtInt(Number(q.files_pruned) + Number(q.files_scanned))}`} />
          <Figure label="row groups skipped by statistics" value={`${fmtInt(Number(q.row_groups_pruned))} of ${fmtInt(Number(q.row_groups_pruned) + Number(q.row_groups_read))}`} testId="fig-row-groups" />
          <Figure label="cache hit rate" value={q.cache_hit_rate != null ? `${Math.round(q.cache_hit_rate * 100)}%` : "–"} />
          <Figure label="imports" value={fmtInt(Number(report.import_count))} testId="fig-imports" />
          <Figure label="rows imported" value={fmtInt(Number(report.import_rows))} testId="fig-rows" />
          <Figure label="failed imports" value={fmtInt(Number(report.import_errors))} bad={Number(report.import_errors) > 0} />
          <Figure label="lake size" value={fmtBytes(lakeBytes)} testId="fig-size" />
          <Figure label="app memory now" value={mem ? fmtBytes(Number(mem.rss_bytes)) : "–"} />
        </div>
      )}
      {charts && (
        <div className="charts">
          <MiniChart title={`Query latency per ${per}`} testId="chart-latency" range={charts.range} {...charts.latency} />
          <MiniChart title={`Queries and errors per ${per}`} testId="chart-queries" range={charts.range} {...charts.counts} />
          <MiniChart title="Ingest throughput (rows/s per import)" testId="chart-ingest" kind="points" range={charts.range} {...charts.ingest} />
          <MiniChart title="Lake size (current versions)" testId="chart-size" kind="area" range={charts.range} {...charts.size} />
          <MiniChart title="App memory and CPU" testId="chart-memory" range={charts.range} {...charts.memory} />
        </div>
      )}
      {report && (
        <section className="monitor-runs">
          <h3>Slowest queries</h3>
          {report.slowest.length === 0 ? (
            <div className="dim">No queries in this period.</div>
          ) : (
            <RunTable runs={report.slowest} onQuery={onQuery} testId="slow-queries" />
          )}
        </section>
      )}
      <section className="monitor-runs">
        <h3>Query history</h3>
        <div className="monitor-bar">
          <input type="search" placeholder="SQL contains…" value={filter.text} onChange={(e) => set({ text: e.target.value })} aria-label="SQL contains" data-testid="runs-text" />
          <select value={filter.dataset} onChange={(e) => set({ dataset: e.target.value })} aria-label="Dataset" data-testid="runs-dataset">
            <option value="">Any dataset</option>
            {datasets.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
          <select value={filter.status} onChange={(e) => set({ status: e.target.value })} aria-label="Status" data-testid="runs-status">
            <option value="">Any status</option>
            <option value="ok">ok</option>
            <option value="error">failed</option>
            <option value="cancelled">cancelled</option>
          </select>
          <label>
            at least{" "}
            <input type="number" min={0} step={10} value={filter.min_ms} onChange={(e) => set({ min_ms: Math.max(0, Number(e.target.value) || 0) })} aria-label="At least ms" data-testid="runs-min-ms" style={{ width: 80 }} />{" "}
            ms
          </label>
          <label>
            <input type="checkbox" checked={filter.slowest} onChange={(e) => set({ slowest: e.target.checked })} data-testid="runs-slowest" /> slowest first
          </label>
        </div>
        {runs && runs.length > 0 && <RunTable runs={runs} onQuery={onQuery} testId="runs-table" />}
        {runs && runs.length === 0 && <div className="dim pad">No queries match.</div>}
      </section>
    </div>
  );
}
