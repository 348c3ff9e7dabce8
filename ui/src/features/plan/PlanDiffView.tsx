import { useMemo } from "react";
import type { PlanDiff, QueryPlan } from "../../bindings/types";
import { PlanView } from "./PlanView";

const MARK: Record<string, string> = { same: "=", changed: "~", added: "+", removed: "−" };

/**
 * Two plans side by side, nodes matched by the engine's diff: removed nodes are marked on the
 * left, added ones on the right, changed ones on both; the table lists every node with what
 * changed (rows, time, estimate, flags).
 */
export function PlanDiffView({
  before,
  after,
  diff,
  beforeName,
  afterName,
  onClose,
}: {
  before: QueryPlan;
  after: QueryPlan;
  diff: PlanDiff;
  beforeName: string;
  afterName: string;
  onClose: () => void;
}) {
  const [left, right] = useMemo(() => {
    const l = new Map<number, string>();
    const r = new Map<number, string>();
    for (const row of diff.rows) {
      if (row.status === "same") continue;
      if (row.a != null) l.set(row.a, row.status);
      if (row.b != null) r.set(row.b, row.status);
    }
    return [l, r];
  }, [diff]);
  return (
    <div className="plan-diff" data-testid="plan-diff">
      <div className="plan-diff-head">
        <b>Plan diff</b>
        <span data-testid="plan-diff-summary">{diff.summary}</span>
        <button type="button" onClick={onClose} data-testid="plan-diff-close" title="Back to the plan (Esc)">
          Back to the plan
        </button>
      </div>
      <div className="plan-diff-sides">
        <div className="plan-diff-side">
          <div className="plan-diff-name">Before · {beforeName}</div>
          <PlanView plan={before} marks={left} compact />
        </div>
        <div className="plan-diff-side">
          <div className="plan-diff-name">After · {afterName}</div>
          <PlanView plan={after} marks={right} compact />
        </div>
      </div>
      <div className="plan-diff-table-wrap">
        <table className="plan-table plan-diff-table" data-testid="plan-diff-table">
          <thead>
            <tr>
              <th />
              <th>Node</th>
              <th>What changed</th>
            </tr>
          </thead>
          <tbody>
            {diff.rows.map((row, i) => (
              <tr key={i} className={`diff-${row.status}`} data-testid="plan-diff-row" data-status={row.status}>
                <td className="diff-mark">{MARK[row.status]}</td>
                <td>{row.label}</td>
                <td>{row.status === "added" ? "only after" : row.status === "removed" ? "only before" : row.changes.join(" · ") || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
