import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { ColumnEdge, ErrorPayload, LineageNode, LineageView } from "../../bindings/types";
import { datasetLineage, refreshDataset } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { sqlName } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";
import { layoutLineage, NODE_H, NODE_W, visibleIn, type Box } from "./lineageLayout";
import { columnNodeHeight, HEADER_H, layoutColumnEdges, MAX_ROWS, ROW_H, traceColumn } from "./columnLayout";
import "./lineage.css";

function oneLine(sql: string): string {
  return sql.split(/\s+/).join(" ");
}

const SUBTYPE_WORDS: Record<string, string> = {
  IDENTITY: "copied as is",
  TRANSFORMATION: "computed from",
  AGGREGATION: "aggregated from",
  FILTER: "filters the rows",
  JOIN: "joins the rows",
  GROUP_BY: "groups the rows",
  SORT: "sorts the rows",
  WINDOW: "window key",
  CONDITIONAL: "decides the value",
};

/** What one column edge means, in words. */
function edgeTitle(e: ColumnEdge): string {
  const to = e.to_column ? `${e.to}.${e.to_column}` : e.to;
  return `${e.from}.${e.from_column} → ${to}: ${SUBTYPE_WORDS[e.subtype] ?? e.subtype}`;
}

/** Where a dataset came from (files, the versions and queries it was made from) and what was
 *  made from it, as a graph; in column mode, which columns feed which. A stale derived dataset
 *  can be refreshed here. Clicking a node opens it: a current dataset in its tab, an older
 *  version as a query of that version, a file or export in the details box. */
export function LineagePanel({
  name,
  onOpen,
  onQuery,
  onRefreshed,
}: {
  name: string;
  onOpen: (dataset: string) => void;
  /** Opens a query (an older version of a dataset). */
  onQuery?: (sql: string) => void;
  /** A refresh made a new version of the dataset. */
  onRefreshed?: () => void;
}) {
  const [depth, setDepth] = useState(3);
  const [columns, setColumns] = useState(false);
  const [view, setView] = useState<LineageView | null>(null);
  // The depth `view` was read at (the page may show the previous graph while a new one loads).
  const [viewDepth, setViewDepth] = useState(depth);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [busy, setBusy] = useState(false);
  const [picked, setPicked] = useState<LineageNode | null>(null);
  const [traced, setTraced] = useState<{ node: string; column: string } | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLDivElement>(null);
  // The part of the canvas in sight: only what meets it is put in the document.
  const [sight, setSight] = useState<Box>({ left: 0, top: 0, width: 1600, height: 1200 });
  const measure = useCallback(() => {
    const s = scroller.current;
    const c = canvas.current;
    if (!s || !c) return;
    const sr = s.getBoundingClientRect();
    const cr = c.getBoundingClientRect();
    const next = { left: sr.left - cr.left, top: sr.top - cr.top, width: s.clientWidth, height: s.clientHeight };
    setSight((b) => (b.left === next.left && b.top === next.top && b.width === next.width && b.height === next.height ? b : next));
  }, []);

  useEffect(() => {
    let stale = false;
    setError(null);
    datasetLineage(name, depth, columns)
      .then((v) => {
        if (stale) return;
        setView(v);
        setViewDepth(depth);
      })
      .catch((e) => !stale && setError(asLakeError(e)));
    return () => {
      stale = true;
    };
  }, [name, depth, columns]);

  const colsOf = useMemo(() => new Map((view?.columns?.nodes ?? []).map((n) => [n.node, n.columns])), [view]);
  const layout = useMemo(() => {
    if (!view) return null;
    const cm = view.columns != null;
    return layoutLineage(view.graph, (n) => (cm && n.kind === "dataset" ? columnNodeHeight(colsOf.get(n.id)?.length ?? 0) : NODE_H));
  }, [view, colsOf]);
  const columnEdges = useMemo(
    () => (layout && view?.columns ? layoutColumnEdges(layout, view.columns).map((c, i) => ({ ...c, key: i })) : []),
    [layout, view],
  );
  const lit = useMemo(
    () => (traced && view?.columns ? traceColumn(view.columns.edges, traced.node, traced.column) : null),
    [traced, view],
  );

  useLayoutEffect(measure, [measure, layout]);
  useEffect(() => {
    const s = scroller.current;
    if (!s) return;
    let frame = 0;
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(() => ((frame = 0), measure()));
    };
    const seen = new ResizeObserver(onScroll);
    seen.observe(s);
    s.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      s.removeEventListener("scroll", onScroll);
      seen.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [measure]);
  const graphEdges = useMemo(
    () => (layout && view ? layout.edges.filter((e) => view.columns == null || !colsOf.has(e.edge.from) || !colsOf.has(e.edge.to)) : []),
    [layout, view, colsOf],
  );
  const shown = useMemo(() => (layout ? visibleIn(layout, graphEdges, sight) : null), [layout, graphEdges, sight]);
  const shownColumnEdges = useMemo(() => (layout ? visibleIn(layout, columnEdges, sight).edges : []), [layout, columnEdges, sight]);

  const refresh = async () => {
    setBusy(true);
    setError(null);
    try {
      setView(await refreshDataset(name, depth, columns));
      setViewDepth(depth);
      onRefreshed?.();
    } catch (e) {
      setError(asLakeError(e));
    } finally {
      setBusy(false);
    }
  };

  const open = (node: LineageNode) => {
    if (node.kind !== "dataset") setPicked(node);
    else if (node.current) onOpen(node.name);
    else if (node.version != null) onQuery?.(`SELECT * FROM ${sqlName(node.name)} VERSION AS OF ${node.version}`);
  };

  return (
    <div className="lineage pad scroll" data-testid="lineage-panel" ref={scroller}>
      <div className="lineage-bar">
        <label>
          Depth{" "}
          <select value={depth} onChange={(e) => setDepth(Number(e.target.value))} data-testid="lineage-depth">
            {[1, 2, 3, 5, 10].map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <label title="Which input columns feed each column (solid), and which decide the rows (dashed)">
          <input type="checkbox" checked={columns} onChange={(e) => setColumns(e.target.checked)} data-testid="lineage-columns" /> Columns
        </label>
        <span className="dim">
          Left: where it came from. Right: what was made from it. Click a node to open it{columns ? ", a column to trace it" : ""}.
        </span>
      </div>
      {error && <ErrorBox error={error} />}
      {view && view.stale.length > 0 && (
        <div className="lineage-stale" data-testid="lineage-stale">
          Stale:{" "}
          {view.stale.map((s) => `${s.dataset} is at v${s.current}, this read v${s.read}`).join("; ")}.{" "}
          <button className="primary" disabled={busy} onClick={() => void refresh()} data-testid="lineage-refresh">
            {busy ? "Refreshing…" : "Refresh"}
          </button>
        </div>
      )}
      {picked && (
        <div className="lineage-picked" data-testid="lineage-picked">
          <b>{picked.kind === "file" ? "Source file" : "Export"}</b> <code className="selectable">{picked.name}</code>
          <div className="dim">{picked.detail}</div>
          <button onClick={() => void navigator.clipboard?.writeText(picked.name)}>Copy path</button>{" "}
          <button onClick={() => setPicked(null)}>Close</button>
        </div>
      )}
      {layout && view && shown && (
        <div
          className="lineage-canvas"
          style={{ width: layout.width, height: layout.height }}
          ref={canvas}
          data-testid="lineage-graph"
          data-nodes={layout.nodes.length}
          data-depth={viewDepth}
          data-columns={view.columns != null}
          data-shown={shown.nodes.length}
        >
          <svg
            width={shown.box.width}
            height={shown.box.height}
            viewBox={`${shown.box.left} ${shown.box.top} ${shown.box.width} ${shown.box.height}`}
            style={{ left: shown.box.left, top: shown.box.top }}
          >
            <defs>
              <marker id="lineage-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="8" markerHeight="8" orient="auto">
                <path d="M0,0 L8,4 L0,8 z" className="lineage-arrowhead" />
              </marker>
            </defs>
            {/* Column mode draws the edges between datasets column by column. */}
            {shown.edges.map((e) => (
              <path key={`${e.edge.from}>${e.edge.to}`} d={e.d} className="lineage-edge" markerEnd="url(#lineage-arrow)" />
            ))}
            {shownColumnEdges.map((c) => (
              <path
                key={c.key}
                d={c.d}
                className={`lineage-col-edge${c.direct ? "" : " indirect"}${lit ? (lit.has(c.edge) ? " lit" : " faded") : ""}`}
                data-testid="lineage-col-edge"
              >
                <title>{edgeTitle(c.edge)}</title>
              </path>
            ))}
          </svg>
          {shown.nodes.map(({ node, x, y, h }) => {
            const root = node.id === view.graph.root;
            const cls = `lineage-node ${node.kind}${root ? " root" : ""}${node.kind === "dataset" && !node.current ? " old" : ""}`;
            const title = node.sql ? oneLine(node.sql) : node.kind === "dataset" ? node.detail : `${node.name}\n${node.detail}`;
            const icon = node.kind === "file" ? "≡ " : node.kind === "export" ? "⇥ " : "▦ ";
            const cols = colsOf.get(node.id);
            const clickable = !root || node.kind !== "dataset";
            return (
              <div key={node.id} className={cls} style={{ left: x, top: y, width: NODE_W, height: h }} data-testid="lineage-node" data-id={node.id}>
                <button
                  className="lineage-head"
                  style={{ height: Math.min(h, view.columns && cols ? HEADER_H : NODE_H) }}
                  title={title}
                  disabled={!clickable}
                  onClick={() => open(node)}
                  data-testid="lineage-open"
                >
                  <div className="lineage-name ellipsis">
                    {icon}
                    {node.kind === "dataset" ? node.name : (node.name.split(/[\\/]/).pop() ?? node.name)}
                    {node.version != null && <span className="dim"> v{node.version}</span>}
                    {node.current && node.kind === "dataset" && <span className="badge">current</span>}
                  </div>
                  <div className="lineage-detail dim ellipsis">{node.sql ? oneLine(node.sql) : node.detail}</div>
                </button>
                {view.columns &&
                  cols &&
                  cols.slice(0, MAX_ROWS).map(([c, t]) => (
                    <button
                      key={c}
                      className={`lineage-col${traced?.node === node.id && traced.column === c ? " traced" : ""}`}
                      style={{ height: ROW_H }}
                      onClick={() => setTraced(traced?.node === node.id && traced.column === c ? null : { node: node.id, column: c })}
                      data-testid="lineage-col"
                      data-column={c}
                    >
                      <span className="ellipsis">{c}</span>
                      <span className="dim">{t}</span>
                    </button>
                  ))}
                {view.columns && cols && cols.length > MAX_ROWS && <div className="lineage-col dim">+{cols.length - MAX_ROWS} more</div>}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
