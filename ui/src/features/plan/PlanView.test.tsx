// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import type { PlanNode, QueryPlan } from "../../bindings/types";
import { PlanView } from "./PlanView";
import { layoutPlan } from "./layout";

const leaf = (id: number, detail: string, rows: number, flags: string[]): PlanNode => ({
  id,
  kind: "Scan",
  detail,
  est_rows: rows,
  actual_rows: rows,
  time_ms: 4.25,
  flags,
  children: [],
});

const join: PlanNode = {
  id: 1,
  kind: "Join",
  detail: "INNER JOIN trips.zone_id = zones.id",
  est_rows: 1000,
  actual_rows: 1234,
  time_ms: 30.5,
  flags: [],
  children: [leaf(2, "trips.parquet", 50000, ["pruned_files=3/10", "projection_pushdown"]), leaf(3, "zones.csv", 265, ["streaming"])],
};

const plan: QueryPlan = {
  root: { id: 0, kind: "Aggregate", detail: "GROUP BY zone: count(*)", est_rows: 200, actual_rows: 180, time_ms: 41, flags: [], children: [join] },
  analyzed: true,
  total_ms: 123.4,
  rules_fired: ["predicate_pushdown", "projection_pushdown"],
};

afterEach(cleanup);

describe("PlanView", () => {
  it("renders one box per plan node with formatted stats and hot flags", () => {
    render(<PlanView plan={plan} />);

    const nodes = screen.getAllByTestId("plan-node");
    expect(nodes).toHaveLength(4);
    expect(nodes.map((n) => n.dataset.kind).sort()).toEqual(["Aggregate", "Join", "Scan", "Scan"]);

    const joinBox = nodes.find((n) => n.dataset.kind === "Join");
    expect(joinBox?.querySelector(".plan-actual")?.textContent).toBe("actual 1,234 rows");
    expect(screen.getByText("actual 50,000 rows").classList.contains("plan-actual")).toBe(true);

    expect(screen.getByText("pruned_files=3/10").classList.contains("flag-hot")).toBe(true);
    expect(screen.getByText("streaming").classList.contains("flag-hot")).toBe(false);

    expect(screen.getByText("EXPLAIN ANALYZE · total 123.4 ms")).toBeTruthy();
  });

  it("shows the clicked node in the details panel and supports Enter", () => {
    render(<PlanView plan={plan} />);
    expect(screen.queryByTestId("plan-details")).toBeNull();

    const joinBox = screen.getAllByTestId("plan-node").find((n) => n.dataset.kind === "Join");
    if (!joinBox) throw new Error("no Join node");
    fireEvent.click(joinBox);
    expect(joinBox.classList.contains("selected")).toBe(true);
    const details = screen.getByTestId("plan-details");
    expect(within(details).getByText("INNER JOIN trips.zone_id = zones.id")).toBeTruthy();

    const root = screen.getAllByTestId("plan-node").find((n) => n.dataset.kind === "Aggregate");
    if (!root) throw new Error("no Aggregate node");
    fireEvent.keyDown(root, { key: "Enter" });
    expect(root.classList.contains("selected")).toBe(true);
    expect(joinBox.classList.contains("selected")).toBe(false);
    expect(within(screen.getByTestId("plan-details")).getByText("GROUP BY zone: count(*)")).toBeTruthy();
  });

  it("says when the plan has estimates only", () => {
    render(<PlanView plan={{ ...plan, analyzed: false, total_ms: undefined, rules_fired: [] }} />);
    expect(screen.getByText("EXPLAIN (estimates only; run Analyze for actual rows and times)")).toBeTruthy();
  });
});

describe("layoutPlan", () => {
  it("puts the root above its inputs and links every child to its parent", () => {
    const layout = layoutPlan(plan.root);
    const byId = new Map(layout.nodes.map((n) => [n.node.id, n]));
    const root = byId.get(0);
    const joinBox = byId.get(1);
    if (!root || !joinBox) throw new Error("missing nodes");

    expect(layout.nodes).toHaveLength(4);
    expect(root.y).toBeLessThan(joinBox.y);
    for (const scanId of [2, 3]) expect(joinBox.y).toBeLessThan(byId.get(scanId)?.y ?? -Infinity);

    expect(layout.edges.map((e) => [e.from, e.to]).sort()).toEqual([[1, 0], [2, 1], [3, 1]]);
    // Points run child → parent, so the last point (the arrowhead) is the highest one.
    for (const e of layout.edges) expect(e.points[e.points.length - 1]?.y).toBeLessThan(e.points[0]?.y ?? -Infinity);
    expect(layout.width).toBeGreaterThan(0);
    expect(layout.height).toBeGreaterThan(0);
  });
});
