import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { KeyboardEvent, PointerEvent as ReactPointerEvent, ReactNode } from "react";
import type { PlanNode, QueryPlan } from "../../bindings/types";
import { layoutPlan } from "./layout";
import type { PlanLayout, Point } from "./layout";
import { costliest, descendants, fitView, flatten, miss, missLevel, missText, pruned, selfTotal, share, summary, withoutPlainProjections, zoomAt } from "./planMath";
import type { View } from "./planMath";
import { PlanTable } from "./PlanTable";
import "./plan.css";

type KindFamily = "scan" | "filter" | "join" | "aggregate" | "sort" | "other";

function kindFamily(kind: string): KindFamily {
  const k = kind.toLowerCase();
  if (k.includes("scan")) return "scan";
  if (k.includes("filter")) return "filter";
  if (k.includes("join")) return "join";
  if (k.includes("aggregate") || k.includes("groupby") || k === "distinct") return "aggregate";
  if (k.includes("sort") || k.includes("topk")) return "sort";
  return "other";
}

/** Flags that mean an optimisation kicked in; they are what a reader scans the plan for. */
function isHotFlag(flag: string): boolean {
  return /pruned|pushdown|index|rtree/i.test(flag);
}

const formatCount = (n: number) => n.toLocaleString("en-US");

function formatMs(ms: number): string {
  if (ms > 0 && ms < 0.1) return "<0.1 ms";
  return `${ms.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ms`;
}

function pathThrough(points: Point[]): string {
  return points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x},${p.y}`).join(" ");
}

/** The whole graph small, with the part in view marked; a click moves the view there. */
function Minimap({ layout, view, size, onCenter }: { layout: PlanLayout; view: View; size: { w: number; h: number }; onCenter: (x: number, y: number) => void }) {
  const m = Math.min(180 / Math.max(layout.width, 1), 120 / Math.max(layout.height, 1));
  const w = layout.width * m;
  const h = layout.height * m;
  const vx = (-view.tx / view.k) * m;
  const vy = (-view.ty / view.k) * m;
  return (
    <svg
      className="plan-minimap"
      width={w}
      height={h}
      data-testid="plan-minimap"
      onClick={(e) => {
        const r = e.currentTarget.getBoundingClientRect();
        onCenter((e.clientX - r.left) / m, (e.clientY - r.top) / m);
      }}
    >
      {layout.nodes.map(({ node, x, y, w: nw, h: nh }) => (
        <rect key={node.id} x={x * m} y={y * m} width={nw * m} height={nh * m} className={`kind-${kindFamily(node.kind)}`} />
      ))}
      <rect className="plan-minimap-view" x={vx} y={vy} width={(size.w / view.k) * m} height={(size.h / view.k) * m} />
    </svg>
  );
}

/**
 * A query plan as a graph that fits the view on open: zoom (wheel, + and −), pan (drag), fit (F),
 * an overview, and subtrees that fold. Each node shows its own time and share of the whole,
 * colour by share, and how far its row estimate was off. The costliest node is named above the
 * graph; a table beside it sorts the nodes by time, rows or miss.
 */
export function PlanView({
  plan,
  marks,
  compact = false,
  tools,
  onSelectNode,
  focus,
}: {
  plan: QueryPlan;
  /** Per node id, how a diff saw it (`added`, `removed`, `changed`): the node is tinted so. */
  marks?: ReadonlyMap<number, string>;
  /** No node table beside the graph (two plans side by side). */
  compact?: boolean;
  /** Buttons the host adds to the toolbar (compare, save). */
  tools?: ReactNode;
  /** A node was selected (or the selection cleared): the host marks its part of the SQL. */
  onSelectNode?: (node: PlanNode | null) => void;
  /** Select this node from outside (a name clicked in the SQL); `seq` changes on each pick. */
  focus?: { id: number; seq: number } | null;
}) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(new Set());
  // Projections that only pick columns are left out of the picture unless asked for.
  const [projections, setProjections] = useState(false);
  const shown = useMemo(() => {
    const tree = pruned(plan.root, collapsed);
    return projections ? tree : withoutPlainProjections(tree);
  }, [plan.root, collapsed, projections]);
  const layout = useMemo(() => layoutPlan(shown), [shown]);
  const total = useMemo(() => selfTotal(plan.root), [plan.root]);
  const top = useMemo(() => (plan.analyzed ? costliest(plan.root) : null), [plan]);
  const line = useMemo(() => summary(plan), [plan]);
  const [raw, setRaw] = useState(false);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const all = useMemo(() => new Map(flatten(plan.root).map((n) => [n.id, n])), [plan.root]);
  const selected = selectedId != null ? (all.get(selectedId) ?? null) : null;
  const arrowId = `plan-arrow-${useId().replace(/[^\w-]/g, "")}`;

  const port = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<View>({ k: 1, tx: 0, ty: 0 });
  const [size, setSize] = useState({ w: 0, h: 0 });
  const fit = useCallback(() => {
    const el = port.current;
    if (!el) return;
    setSize({ w: el.clientWidth, h: el.clientHeight });
    setView(fitView(el.clientWidth, el.clientHeight, layout.width, layout.height));
  }, [layout]);
  // Every new plan (or fold) is shown whole.
  useLayoutEffect(fit, [fit]);
  const fitRef = useRef(fit);
  fitRef.current = fit;
  useEffect(() => {
    const el = port.current;
    if (!el) return;
    // A plan that arrived while its tab was hidden (no size) is fitted once it is shown.
    let wasHidden = el.clientWidth === 0;
    const resize = new ResizeObserver(() => {
      setSize({ w: el.clientWidth, h: el.clientHeight });
      if (wasHidden && el.clientWidth > 0) fitRef.current();
      wasHidden = el.clientWidth === 0;
    });
    resize.observe(el);
    const wheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      setView((v) => zoomAt(v, Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top));
    };
    el.addEventListener("wheel", wheel, { passive: false });
    return () => {
      resize.disconnect();
      el.removeEventListener("wheel", wheel);
    };
  }, []);

  const drag = useRef<{ x: number; y: number; v: View } | null>(null);
  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement).closest(".plan-node, .plan-minimap")) return;
    drag.current = { x: e.clientX, y: e.clientY, v: view };
    e.currentTarget.setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (d) setView({ ...d.v, tx: d.v.tx + e.clientX - d.x, ty: d.v.ty + e.clientY - d.y });
  };
  const onPointerUp = () => {
    drag.current = null;
  };

  const zoomBy = (f: number) => setView((v) => zoomAt(v, f, size.w / 2, size.h / 2));
  /** Moves the view so graph point (x, y) is in the middle. */
  const centerOn = (x: number, y: number) => setView((v) => ({ ...v, tx: size.w / 2 - x * v.k, ty: size.h / 2 - y * v.k }));
  const select = (id: number) => {
    setSelectedId(id);
    const at = layout.nodes.find((n) => n.node.id === id);
    if (at) centerOn(at.x + at.w / 2, at.y + at.h / 2);
  };
  // The host hears of every selection (through a ref: its callback is new each render).
  const notify = useRef(onSelectNode);
  notify.current = onSelectNode;
  useEffect(() => notify.current?.(selectedId != null ? (all.get(selectedId) ?? null) : null), [selectedId, all]);
  const selectRef = useRef(select);
  selectRef.current = select;
  useEffect(() => {
    if (focus) selectRef.current(focus.id);
  }, [focus]);
  const toggle = (id: number) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
    if (e.key === "f" || e.key === "F") fit();
    else if (e.key === "+" || e.key === "=") zoomBy(1.25);
    else if (e.key === "-") zoomBy(0.8);
    else if (e.key === "Escape") setSelectedId(null);
    else return;
    e.preventDefault();
  };

  const slowest = top?.time_ms ?? 0;
  return (
    <div className="plan-view" data-testid="plan-view" onKeyDown={onKey} tabIndex={-1}>
      <div className="plan-summary">
        <span className="plan-summary-mode">
          {plan.analyzed
            ? `EXPLAIN ANALYZE${plan.total_ms != null ? ` · total ${formatMs(plan.total_ms)}` : ""}`
            : "EXPLAIN (estimates only; run Analyze for actual rows and times)"}
        </span>
        {line && top && (
          <button type="button" className="plan-costliest" data-testid="plan-costliest" onClick={() => select(top.id)} title="Show this node">
            {line}
          </button>
        )}
        {plan.cached && (
          <span className="plan-chip" data-testid="plan-cached" title="The datasets this query reads are at the versions of a kept answer: a run now is answered from the result cache, not by this plan">
            answered from the result cache
          </span>
        )}
        {!compact && plan.rules_fired.length > 0 && (
          <span className="plan-rules">
            <span className="plan-rules-label">rules</span>
            {plan.rules_fired.map((rule, i) => (
              <span key={`${rule}-${i}`} className="plan-chip plan-rule">
                {rule}
              </span>
            ))}
          </span>
        )}
        <span className="plan-tools">
          {tools}
          <button type="button" onClick={fit} title="Fit the whole plan in view (F)" data-testid="plan-fit">
            Fit
          </button>
          <button type="button" onClick={() => zoomBy(0.8)} title="Zoom out (−)" aria-label="Zoom out">
            −
          </button>
          <span className="plan-zoom" data-testid="plan-zoom">
            {Math.round(view.k * 100)}%
          </span>
          <button type="button" onClick={() => zoomBy(1.25)} title="Zoom in (+)" aria-label="Zoom in">
            +
          </button>
          <label className="plan-raw-toggle" title="Also draw the projections that only pick columns">
            <input type="checkbox" checked={projections} onChange={(e) => setProjections(e.target.checked)} data-testid="plan-projections" /> projections
          </label>
          <label className="plan-raw-toggle" title="Show the engine's own text of each node">
            <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} data-testid="plan-raw" /> engine text
          </label>
        </span>
      </div>

      <div className="plan-body">
        <div
          className="plan-port"
          ref={port}
          data-testid="plan-port"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
        >
          <div
            className="plan-canvas"
            style={{ width: layout.width, height: layout.height, transform: `translate(${view.tx}px, ${view.ty}px) scale(${view.k})` }}
          >
            <svg className="plan-edges" width={layout.width} height={layout.height} aria-hidden="true">
              <defs>
                <marker id={arrowId} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
                  <path d="M0,0 L10,5 L0,10 z" />
                </marker>
              </defs>
              {layout.edges.map((edge, i) => (
                <path key={i} d={pathThrough(edge.points)} markerEnd={`url(#${arrowId})`} />
              ))}
            </svg>

            {layout.nodes.map(({ node, x, y, w, h }) => {
              const original = all.get(node.id) ?? node;
              const hidden = collapsed.has(node.id) ? descendants(original) : 0;
              const m = miss(node);
              const pct = share(node, total);
              const classes = [
                "plan-node",
                `kind-${kindFamily(node.kind)}`,
                node.id === selectedId ? "selected" : "",
                node.id === top?.id ? "costliest" : "",
                marks?.has(node.id) ? `diff-${marks.get(node.id)}` : "",
              ].join(" ");
              return (
                <div
                  key={node.id}
                  className={classes}
                  style={{ left: x, top: y, width: w, height: h, ["--share" as string]: String(pct) }}
                  data-testid="plan-node"
                  data-diff={marks?.get(node.id)}
                  data-kind={node.kind}
                  data-id={node.id}
                  tabIndex={0}
                  role="button"
                  aria-pressed={node.id === selectedId}
                  onClick={() => setSelectedId(node.id)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" || e.key === " ") {
                      e.preventDefault();
                      setSelectedId(node.id);
                    }
                  }}
                >
                  <div className="plan-node-head">
                    <span className="plan-kind" title={node.label}>
                      {node.label || node.kind}
                    </span>
                    {node.time_ms != null && (
                      <span className="plan-time">
                        {formatMs(node.time_ms)}
                        {total > 0 ? ` · ${Math.round(pct * 100)}%` : ""}
                      </span>
                    )}
                  </div>
                  <div className="plan-detail" title={raw ? node.raw : node.detail}>
                    {(raw ? node.raw : node.detail) || "—"}
                  </div>
                  {(node.est_rows != null || node.actual_rows != null) && (
                    <div className="plan-rows">
                      {node.actual_rows != null ? (
                        <span className="plan-actual">{formatCount(node.actual_rows)} rows</span>
                      ) : (
                        <span className="plan-est">est {formatCount(node.est_rows ?? 0)} rows</span>
                      )}
                      {node.actual_rows != null && node.est_rows != null && <span className="plan-est"> · est {formatCount(node.est_rows)}</span>}
                      {m && node.actual_rows != null && (
                        <span className={`plan-miss miss-${missLevel(m)}`} data-testid="plan-miss" title="Actual rows against the estimate">
                          {missText(m)}
                        </span>
                      )}
                    </div>
                  )}
                  {node.flags.length > 0 && (
                    <div className="plan-flags">
                      {node.flags.map((flag, j) => (
                        <span key={`${flag}-${j}`} className={`plan-chip plan-flag${isHotFlag(flag) ? " flag-hot" : ""}`} title={flag}>
                          {flag}
                        </span>
                      ))}
                    </div>
                  )}
                  {original.children.length > 0 && (
                    <button
                      type="button"
                      className="plan-fold"
                      data-testid="plan-fold"
                      title={hidden ? "Show the inputs" : "Fold the inputs away"}
                      onClick={(e) => {
                        e.stopPropagation();
                        toggle(node.id);
                      }}
                    >
                      {hidden ? `▸ ${hidden}` : "▾"}
                    </button>
                  )}
                  {node.time_ms != null && slowest > 0 && (
                    <div className="plan-time-bar" aria-hidden="true">
                      <div style={{ width: `${(node.time_ms / slowest) * 100}%` }} />
                    </div>
                  )}
                </div>
              );
            })}
          </div>
          {!compact && layout.nodes.length > 1 && <Minimap layout={layout} view={view} size={size} onCenter={centerOn} />}
        </div>

        {(!compact || selected) && (
          <div className="plan-side">
            {selected && <PlanDetails node={selected} total={total} onClose={() => setSelectedId(null)} />}
            {!compact && <PlanTable root={plan.root} total={total} selected={selectedId} onSelect={select} />}
          </div>
        )}
      </div>
    </div>
  );
}

function PlanDetails({ node, total, onClose }: { node: PlanNode; total: number; onClose: () => void }) {
  const m = miss(node);
  return (
    <aside className="plan-details" data-testid="plan-details">
      <div className="plan-details-head">
        <span className={`plan-details-kind kind-${kindFamily(node.kind)}`}>{node.label || node.kind}</span>
        <button type="button" className="plan-details-close" onClick={onClose} aria-label="Close details">
          ×
        </button>
      </div>
      <dl>
        <dt>What it does</dt>
        <dd className="plan-details-text">{node.detail || "—"}</dd>
        <dt>Rows</dt>
        <dd>
          {node.actual_rows != null ? `${formatCount(node.actual_rows)} actual` : "—"}
          {node.est_rows != null ? ` · ${formatCount(node.est_rows)} estimated` : ""}
          {m && node.actual_rows != null ? ` · ${missText(m)}` : ""}
        </dd>
        <dt>Time (its own)</dt>
        <dd>{node.time_ms != null ? `${formatMs(node.time_ms)}${total > 0 ? ` · ${Math.round(share(node, total) * 100)}% of the query` : ""}` : "—"}</dd>
        {node.tables.length > 0 && (
          <>
            <dt>Reads</dt>
            <dd>{node.tables.join(", ")}</dd>
          </>
        )}
        <dt>Flags</dt>
        <dd>
          {node.flags.length > 0
            ? node.flags.map((flag, i) => (
                <span key={`${flag}-${i}`} className={`plan-chip plan-flag${isHotFlag(flag) ? " flag-hot" : ""}`}>
                  {flag}
                </span>
              ))
            : "—"}
        </dd>
        <dt>Engine text</dt>
        <dd className="plan-details-raw">{node.raw || "—"}</dd>
      </dl>
    </aside>
  );
}
