import { describe, expect, it } from "vitest";
import type { PlanNode, QueryPlan } from "../../bindings/types";
import { costliest, fitView, isPlainProjection, withoutPlainProjections, miss, missLevel, missText, pruned, selfTotal, sortedNodes, summary, zoomAt } from "./planMath";

const node = (id: number, kind: string, label: string, time: number, est: number, act: number, children: PlanNode[] = []): PlanNode => ({
  id,
  kind,
  label,
  detail: "",
  raw: "",
  tables: [],
  est_rows: est,
  actual_rows: act,
  time_ms: time,
  flags: [],
  children,
});

const root = node(0, "Sort", "Sort", 2, 60175, 173, [
  node(1, "Join", "Join (lineitem ⋈ orders)", 12, 60175, 3223, [node(2, "Scan", "Scan lineitem", 4, 60175, 60175), node(3, "Scan", "Scan orders", 2, 15000, 15000)]),
]);
const plan: QueryPlan = { root, analyzed: true, total_ms: 25, rules_fired: [] };

describe("planMath", () => {
  it("finds where the time went, by the nodes' own times", () => {
    expect(selfTotal(root)).toBe(20);
    expect(costliest(root)?.id).toBe(1);
    expect(summary(plan)).toBe("60% of the time in Join (lineitem ⋈ orders)");
    expect(summary({ ...plan, analyzed: false })).toBeNull();
  });

  it("states estimate misses as factors", () => {
    expect(miss(root)).toEqual({ factor: 60175 / 173, under: false });
    expect(missText(miss(root)!)).toBe("×348 over");
    expect(missLevel(miss(root))).toBe("bad");
    const under = node(9, "Filter", "Filter", 1, 10, 40);
    expect(missText(miss(under)!)).toBe("×4.0 under");
    expect(missLevel(miss(under))).toBe("warn");
    expect(missText(miss(node(9, "Scan", "s", 1, 100, 120))!)).toBe("≈ estimate");
    expect(miss(node(9, "Scan", "s", 1, 0, 0))).toEqual({ factor: 1, under: false });
    expect(miss({ ...root, actual_rows: undefined })).toBeNull();
  });

  it("sorts the table by time, rows or miss", () => {
    expect(sortedNodes(root, "time").map((n) => n.id)).toEqual([1, 2, 0, 3]);
    expect(sortedNodes(root, "rows").map((n) => n.id)).toEqual([2, 3, 1, 0]);
    expect(sortedNodes(root, "miss")[0].id).toBe(0);
    expect(sortedNodes(root, "order").map((n) => n.id)).toEqual([0, 1, 2, 3]);
  });

  it("collapses subtrees", () => {
    const p = pruned(root, new Set([1]));
    expect(p.children[0].children).toHaveLength(0);
    expect(root.children[0].children).toHaveLength(2);
  });

  it("fits a big graph in the view and zooms around the cursor", () => {
    const v = fitView(800, 600, 1600, 400);
    expect(v.k).toBeCloseTo((800 - 32) / 1600);
    expect(1600 * v.k + 2 * v.tx).toBeCloseTo(800);
    expect(fitView(800, 600, 200, 100).k).toBe(1);
    const z = zoomAt({ k: 1, tx: 0, ty: 0 }, 2, 100, 50);
    expect(z).toEqual({ k: 2, tx: -100, ty: -50 });
  });
});

describe("plain projections", () => {
  it("are left out of the picture, computed ones stay", () => {
    const scan = node(3, "Scan", "Scan t", 1, 10, 10);
    const pick = { ...node(2, "Project", "Project", 0, 10, 10, [scan]), detail: "SELECT a, b AS c, n_name#5" };
    const calc = { ...node(1, "Project", "Project", 0, 10, 10, [pick]), detail: "SELECT a * 2 AS d" };
    const top = node(0, "Sort", "Sort", 1, 10, 10, [calc]);
    expect(isPlainProjection(pick)).toBe(true);
    expect(isPlainProjection(calc)).toBe(false);
    const shown = withoutPlainProjections(top);
    expect(shown.children[0]?.id).toBe(1);
    expect(shown.children[0]?.children[0]?.id).toBe(3);
  });
});
