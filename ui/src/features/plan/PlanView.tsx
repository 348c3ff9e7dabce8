import { useId, useMemo, useState } from "react";
import type { KeyboardEvent } from "react";
import type { PlanNode, QueryPlan } from "../../bindings/types";
import { layoutPlan } from "./layout";
import type { Point } from "./layout";
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
  return /pruned|pushdown|index/i.test(flag);
}

const formatCount = (n: number) => n.toLocaleString("en-US");

function formatMs(ms: number): string {
  if (ms > 0 && ms < 0.1) return "<0.1 ms";
  return `${ms.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ms`;
}

function maxTime(node: PlanNode): number {
  return node.children.reduce((m, c) => Math.max(m, maxTime(c)), node.time_ms ?? 0);
}

function pathThrough(points: Point[]): string {
  return points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x},${p.y}`).join(" ");
}

export function PlanView({ plan }: { plan: QueryPlan }) {
  const layout = useMemo(() => layoutPlan(plan.root), [plan.root]);
  const slowest = useMemo(() => maxTime(plan.root), [plan.root]);
  // Selection is the node object itself: ids may repeat, and a node from a previous plan simply
  // never matches the new one, so a re-run clears the selection without an effect.
  const [selected, setSelected] = useState<PlanNode | null>(null);
  const selectedNode = layout.nodes.some((n) => n.node === selected) ? selected : null;
  // Marker ids are document-global, so make them unique per instance; useId() output contains
  // characters (":" or "«»" depending on the React version) that need escaping inside url(#…).
  const arrowId = `plan-arrow-${useId().replace(/[^\w-]/g, "")}`;

  const onNodeKey = (e: KeyboardEvent<HTMLDivElement>, node: PlanNode) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      setSelected(node);
    } else if (e.key === "Escape") {
      setSelected(null);
    }
  };

  return (
    <div className="plan-view" data-testid="plan-view">
      <div className="plan-summary">
        <span className="plan-summary-mode">
          {plan.analyzed
            ? `EXPLAIN ANALYZE${plan.total_ms != null ? ` · total ${formatMs(plan.total_ms)}` : ""}`
            : "EXPLAIN (estimates only; run Analyze for actual rows and times)"}
        </span>
        {plan.rules_fired.length > 0 && (
          <span className="plan-rules">
            <span className="plan-rules-label">rules</span>
            {plan.rules_fired.map((rule, i) => (
              <span key={`${rule}-${i}`} className="plan-chip plan-rule">
                {rule}
              </span>
            ))}
          </span>
        )}
      </div>

      <div className="plan-body">
        <div className="plan-scroll">
          <div className="plan-canvas" style={{ width: layout.width, height: layout.height }}>
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

            {layout.nodes.map(({ node, x, y, w, h }, i) => (
              <div
                key={i}
                className={`plan-node kind-${kindFamily(node.kind)}${node === selectedNode ? " selected" : ""}`}
                style={{ left: x, top: y, width: w, height: h }}
                data-testid="plan-node"
                data-kind={node.kind}
                tabIndex={0}
                role="button"
                aria-pressed={node === selectedNode}
                onClick={() => setSelected(node)}
                onKeyDown={(e) => onNodeKey(e, node)}
              >
                <div className="plan-node-head">
                  <span className="plan-kind">{node.kind}</span>
                  {node.time_ms != null && <span className="plan-time">{formatMs(node.time_ms)}</span>}
                </div>
                <div className="plan-detail" title={node.detail}>
                  {node.detail}
                </div>
                {node.est_rows != null && <div className="plan-est">est {formatCount(node.est_rows)} rows</div>}
                {node.actual_rows != null && <div className="plan-actual">actual {formatCount(node.actual_rows)} rows</div>}
                {node.flags.length > 0 && (
                  <div className="plan-flags">
                    {node.flags.map((flag, j) => (
                      <span key={`${flag}-${j}`} className={`plan-chip plan-flag${isHotFlag(flag) ? " flag-hot" : ""}`} title={flag}>
                        {flag}
                      </span>
                    ))}
                  </div>
                )}
                {node.time_ms != null && (
                  <div className="plan-time-bar" aria-hidden="true">
                    <div style={{ width: `${slowest > 0 ? (node.time_ms / slowest) * 100 : 0}%` }} />
                  </div>
                )}
              </div>
            ))}
          </div>
        </div>

        {selectedNode && <PlanDetails node={selectedNode} onClose={() => setSelected(null)} />}
      </div>
    </div>
  );
}

function PlanDetails({ node, onClose }: { node: PlanNode; onClose: () => void }) {
  return (
    <aside className="plan-details" data-testid="plan-details">
      <div className="plan-details-head">
        <span className={`plan-details-kind kind-${kindFamily(node.kind)}`}>{node.kind}</span>
        <button type="button" className="plan-details-close" onClick={onClose} aria-label="Close details">
          ×
        </button>
      </div>
      <dl>
        <dt>Detail</dt>
        <dd className="plan-details-text">{node.detail || "—"}</dd>
        <dt>Estimated rows</dt>
        <dd>{node.est_rows != null ? formatCount(node.est_rows) : "—"}</dd>
        <dt>Actual rows</dt>
        <dd>{node.actual_rows != null ? formatCount(node.actual_rows) : "—"}</dd>
        <dt>Time</dt>
        <dd>{node.time_ms != null ? formatMs(node.time_ms) : "—"}</dd>
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
        <dt>Inputs</dt>
        <dd>{node.children.length}</dd>
      </dl>
    </aside>
  );
}
