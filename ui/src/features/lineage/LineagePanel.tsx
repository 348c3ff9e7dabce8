import { useEffect, useMemo, useState } from "react";
import type { ErrorPayload, LineageView } from "../../bindings/types";
import { datasetLineage, refreshDataset } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { ErrorBox } from "../../components/ErrorBox";
import { layoutLineage, NODE_H, NODE_W } from "./lineageLayout";
import "./lineage.css";

function oneLine(sql: string): string {
  return sql.split(/\s+/).join(" ");
}

/** Where a dataset came from (files, the versions and queries it was made from) and what was
 *  made from it, as a graph; a stale derived dataset can be refreshed here. */
export function LineagePanel({
  name,
  onOpen,
  onRefreshed,
}: {
  name: string;
  onOpen: (dataset: string) => void;
  /** A refresh made a new version of the dataset. */
  onRefreshed?: () => void;
}) {
  const [depth, setDepth] = useState(3);
  const [view, setView] = useState<LineageView | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let stale = false;
    setError(null);
    datasetLineage(name, depth)
      .then((v) => !stale && setView(v))
      .catch((e) => !stale && setError(asLakeError(e)));
    return () => {
      stale = true;
    };
  }, [name, depth]);

  const layout = useMemo(() => (view ? layoutLineage(view.graph) : null), [view]);

  const refresh = async () => {
    setBusy(true);
    setError(null);
    try {
      setView(await refreshDataset(name, depth));
      onRefreshed?.();
    } catch (e) {
      setError(asLakeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="lineage pad scroll" data-testid="lineage-panel">
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
        <span className="dim">Left: where it came from. Right: what was made from it. Click a dataset to open it.</span>
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
      {layout && view && (
        <div className="lineage-canvas" style={{ width: layout.width, height: layout.height }} data-testid="lineage-graph">
          <svg width={layout.width} height={layout.height} aria-hidden="true">
            <defs>
              <marker id="lineage-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="8" markerHeight="8" orient="auto">
                <path d="M0,0 L8,4 L0,8 z" className="lineage-arrowhead" />
              </marker>
            </defs>
            {layout.edges.map((e) => (
              <path key={`${e.edge.from}>${e.edge.to}`} d={e.d} className="lineage-edge" markerEnd="url(#lineage-arrow)" />
            ))}
          </svg>
          {layout.nodes.map(({ node, x, y }) => {
            const root = node.id === view.graph.root;
            const cls = `lineage-node ${node.kind}${root ? " root" : ""}${node.kind === "dataset" && !node.current ? " old" : ""}`;
            const title = node.sql ? oneLine(node.sql) : node.kind === "file" ? `${node.name}\n${node.detail}` : node.detail;
            const body = (
              <>
                <div className="lineage-name ellipsis">
                  {node.kind === "file" ? "≡ " : "▦ "}
                  {node.kind === "file" ? (node.name.split(/[\\/]/).pop() ?? node.name) : node.name}
                  {node.version != null && <span className="dim"> v{node.version}</span>}
                  {node.current && node.kind === "dataset" && <span className="badge">current</span>}
                </div>
                <div className="lineage-detail dim ellipsis">{node.sql ? oneLine(node.sql) : node.detail}</div>
              </>
            );
            return node.kind === "dataset" && !root ? (
              <button
                key={node.id}
                className={cls}
                style={{ left: x, top: y, width: NODE_W, height: NODE_H }}
                title={title}
                data-testid="lineage-node"
                data-id={node.id}
                onClick={() => onOpen(node.name)}
              >
                {body}
              </button>
            ) : (
              <div key={node.id} className={cls} style={{ left: x, top: y, width: NODE_W, height: NODE_H }} title={title} data-testid="lineage-node" data-id={node.id}>
                {body}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
