// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import type { PlanNode, QueryPlan } from "../../bindings/types";
import { PlanView } from "./PlanView";
import { layoutPlan } from "./layout";

const leaf = (id: number, table: string, rows: number, flags: string[]): PlanNode => ({
  id,
  kind: "Scan",
  label: `Scan ${table}`,
  detail: `${table}: all columns`,
  raw: `Parquet SCAN [${table}.parquet]`,
  tables: [table],
  est_rows: rows,
  actual_rows: rows,
  time_ms: 4.25,
  flags,
  children: [],
});

const join: PlanNode = {
  id: 1,
  kind: "Join",
  label: "Join (trips ⋈ zones)",
  detail: "INNER JOIN ON trips.zone_id = zones.id",
  raw: "INNER JOIN:\nLEFT PLAN ON: [col(\"zone_id\")]",
  tables: ["trips", "zones"],
  est_rows: 10,
  actual_rows: 1234,
  time_ms: 30.5,
  flags: [],
  children: [leaf(2, "trips", 50000, ["pruned_files=3/10", "projection_pushdown"]), leaf(3, "zones", 265, ["streaming"])],
};

const plan: QueryPlan = {
  root: {
    id: 0,
    kind: "Aggregate",
    label: "Aggregate",
    detail: "GROUP BY zone → count(*)",
    raw: "AGGREGATE[maintain_order: false]",
    tables: [],
    est_rows: 200,
    actual_rows: 180,
    time_ms: 41,
    flags: [],
    children: [join],
  },
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
    expect(joinBox?.querySelector(".plan-kind")?.textContent).toBe("Join (trips ⋈ zones)");
    expect(joinBox?.querySelector(".plan-actual")?.textContent).toBe("1,234 rows");
    // 1,234 actual against 10 estimated: flagged as a large miss.
    const missChip = joinBox?.querySelector("[data-testid=plan-miss]");
    expect(missChip?.textContent).toBe("×123 under");
    expect(missChip?.classList.contains("miss-bad")).toBe(true);
    expect(nodes.find((n) => n.dataset.kind === "Aggregate")?.querySelector("[data-testid=plan-miss]")?.textContent).toBe("≈ estimate");

    expect(screen.getByText("pruned_files=3/10").classList.contains("flag-hot")).toBe(true);
    expect(screen.getByText("streaming").classList.contains("flag-hot")).toBe(false);

    expect(screen.getByText("EXPLAIN ANALYZE · total 123.4 ms")).toBeTruthy();
    // Own times 41 + 30.5 + 4.25 + 4.25 = 80 ms: the Aggregate has 51% of them.
    expect(screen.getByTestId("plan-costliest").textContent).toBe("51% of the time in Aggregate");
  });

  it("switches node text to the engine's own and back", () => {
    render(<PlanView plan={plan} />);
    const joinBox = screen.getAllByTestId("plan-node").find((n) => n.dataset.kind === "Join");
    expect(joinBox?.querySelector(".plan-detail")?.textContent).toBe("INNER JOIN ON trips.zone_id = zones.id");
    fireEvent.click(screen.getByTestId("plan-raw"));
    expect(joinBox?.querySelector(".plan-detail")?.textContent).toContain("LEFT PLAN ON");
  });

  it("folds a subtree away and shows how many nodes it hides", () => {
    render(<PlanView plan={plan} />);
    const folds = screen.getAllByTestId("plan-fold");
    // The Aggregate's fold is first: it hides the join and both scans.
    fireEvent.click(folds[0] as HTMLElement);
    expect(screen.getAllByTestId("plan-node")).toHaveLength(1);
    expect(screen.getByTestId("plan-fold").textContent).toBe("▸ 3");
    fireEvent.click(screen.getByTestId("plan-fold"));
    expect(screen.getAllByTestId("plan-node")).toHaveLength(4);
  });

  it("lists the nodes in a table that sorts by time, rows and miss", () => {
    render(<PlanView plan={plan} />);
    const ids = () => screen.getAllByTestId("plan-table-row").map((r) => Number(r.dataset.id));
    expect(screen.getByTestId("plan-table").dataset.sort).toBe("time");
    expect(ids()).toEqual([0, 1, 2, 3]);
    fireEvent.click(screen.getByTestId("plan-sort-rows"));
    expect(ids()).toEqual([2, 1, 3, 0]);
    fireEvent.click(screen.getByTestId("plan-sort-miss"));
    expect(ids()[0]).toBe(1);
    fireEvent.click(screen.getAllByTestId("plan-table-row")[0] as HTMLElement);
    expect(within(screen.getByTestId("plan-details")).getByText("Join (trips ⋈ zones)")).toBeTruthy();
  });

  it("shows the clicked node in the details panel and supports Enter", () => {
    render(<PlanView plan={plan} />);
    expect(screen.queryByTestId("plan-details")).toBeNull();

    const joinBox = screen.getAllByTestId("plan-node").find((n) => n.dataset.kind === "Join");
    if (!joinBox) throw new Error("no Join node");
    fireEvent.click(joinBox);
    expect(joinBox.classList.contains("selected")).toBe(true);
    const details = screen.getByTestId("plan-details");
    expect(within(details).getByText("INNER JOIN ON trips.zone_id = zones.id")).toBeTruthy();
    expect(within(details).getByText("trips, zones")).toBeTruthy();

    const root = screen.getAllByTestId("plan-node").find((n) => n.dataset.kind === "Aggregate");
    if (!root) throw new Error("no Aggregate node");
    fireEvent.keyDown(root, { key: "Enter" });
    expect(root.classList.contains("selected")).toBe(true);
    expect(joinBox.classList.contains("selected")).toBe(false);
    expect(within(screen.getByTestId("plan-details")).getByText("GROUP BY zone → count(*)")).toBeTruthy();
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
