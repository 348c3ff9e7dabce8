import { useMemo, useState } from "react";
import type { PlanNode } from "../../bindings/types";
import { miss, missLevel, missText, share, sortedNodes, type SortKey } from "./planMath";

const fmtMs = (ms: number | undefined) => (ms == null ? "—" : ms < 0.1 && ms > 0 ? "<0.1" : ms.toFixed(1));
const fmtRows = (n: number | undefined) => (n == null ? "—" : n.toLocaleString("en-US"));

/** The plan's nodes as a table beside the graph, sortable by time, rows or estimate miss. */
export function PlanTable({
  root,
  total,
  selected,
  onSelect,
}: {
  root: PlanNode;
  total: number;
  selected: number | null;
  onSelect: (id: number) => void;
}) {
  const [key, setKey] = useState<SortKey>(total > 0 ? "time" : "order");
  const rows = useMemo(() => sortedNodes(root, key), [root, key]);
  const head = (k: SortKey, text: string, title: string) => (
    <th>
      <button type="button" className={key === k ? "on" : ""} onClick={() => setKey(k)} title={title} data-testid={`plan-sort-${k}`}>
        {text}
        {key === k ? " ▾" : ""}
      </button>
    </th>
  );
  return (
    <div className="plan-table-wrap">
      <table className="plan-table" data-testid="plan-table" data-sort={key}>
        <thead>
          <tr>
            {head("order", "Node", "In plan order")}
            {head("time", "Time ms", "Each node's own time, largest first")}
            {head("rows", "Rows", "Rows out, largest first")}
            {head("miss", "Estimate", "How far the estimate was from the actual rows, largest miss first")}
          </tr>
        </thead>
        <tbody>
          {rows.map((n) => {
            const m = miss(n);
            const pct = Math.round(share(n, total) * 100);
            return (
              <tr
                key={n.id}
                className={n.id === selected ? "selected" : ""}
                onClick={() => onSelect(n.id)}
                data-testid="plan-table-row"
                data-id={n.id}
                data-time={n.time_ms ?? ""}
                title={n.detail}
              >
                <td className="plan-table-name">{n.label || n.kind}</td>
                <td className="num">
                  {fmtMs(n.time_ms)}
                  {total > 0 && n.time_ms != null && <span className="dim"> {pct}%</span>}
                </td>
                <td className="num">{fmtRows(n.actual_rows ?? n.est_rows)}</td>
                <td className={`num miss-${missLevel(m)}`}>{m ? missText(m) : "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
