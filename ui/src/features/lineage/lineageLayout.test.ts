import { describe, expect, it } from "vitest";
import type { LineageGraph, LineageNode } from "../../bindings/types";
import { ends, layoutLineage, levels, NODE_H, NODE_W, visibleIn } from "./lineageLayout";

function ds(id: string, sql: string | null = null): LineageNode {
  const [name, v] = id.split("@v");
  return { id, kind: "dataset", name, version: Number(v), current: true, sql, detail: sql ? "query" : "replace" };
}

const graph: LineageGraph = {
  root: "by_city@v2",
  nodes: [
    ds("by_city@v2", "SELECT city, count(*) FROM people GROUP BY city"),
    ds("people@v2"),
    { id: "file:aa", kind: "file", name: "/in/people.csv", version: null, current: false, sql: null, detail: "3 rows" },
    ds("top@v1", "SELECT * FROM by_city"),
    // An older version of the root that a product read.
    ds("by_city@v1", "SELECT city, count(*) FROM people GROUP BY city"),
    ds("report@v1", "SELECT * FROM top JOIN places"),
    ds("places@v1"),
  ],
  edges: [
    { from: "by_city@v1", to: "top@v1" },
    { from: "file:aa", to: "people@v2" },
    { from: "people@v2", to: "by_city@v2" },
    { from: "places@v1", to: "report@v1" },
    { from: "top@v1", to: "report@v1" },
  ],
};

describe("lineage layout", () => {
  it("puts inputs left of the root and products right, other versions of the root beside it", () => {
    const l = levels(graph);
    expect(l.get("by_city@v2")).toBe(0);
    expect(l.get("by_city@v1")).toBe(0);
    expect(l.get("people@v2")).toBe(-1);
    expect(l.get("file:aa")).toBe(-2);
    expect(l.get("top@v1")).toBe(1);
    expect(l.get("report@v1")).toBe(2);
    // A product's other input is not placed (it is not in the root's lineage).
    expect(l.has("places@v1")).toBe(false);
  });

  it("lays columns left to right and draws every edge between placed nodes", () => {
    const lay = layoutLineage(graph);
    const x = (id: string) => lay.nodes.find((p) => p.node.id === id)!.x;
    expect(x("file:aa")).toBeLessThan(x("people@v2"));
    expect(x("people@v2")).toBeLessThan(x("by_city@v2"));
    expect(x("by_city@v2")).toBeLessThan(x("top@v1"));
    expect(x("by_city@v1")).toBe(x("by_city@v2"));
    // The root heads its column.
    const root = lay.nodes.find((p) => p.node.id === "by_city@v2")!;
    expect(root.y).toBeLessThan(lay.nodes.find((p) => p.node.id === "by_city@v1")!.y);
    expect(lay.edges).toHaveLength(4);
    expect(lay.width).toBeGreaterThanOrEqual(x("report@v1") + NODE_W);
    for (const e of lay.edges) expect(e.d).toMatch(/^M[\d.]+,[\d.]+ C/);
  });
});

describe("visibleIn", () => {
  // A hub with 999 products in one column: about 78,000 px tall.
  const many: LineageGraph = {
    root: "hub@v1",
    nodes: [ds("hub@v1"), ...Array.from({ length: 999 }, (_, i) => ds(`d${String(i).padStart(4, "0")}@v1`, "SELECT * FROM hub"))],
    edges: Array.from({ length: 999 }, (_, i) => ({ from: "hub@v1", to: `d${String(i).padStart(4, "0")}@v1` })),
  };
  const layout = layoutLineage(many);

  it("keeps only the nodes that meet the box and its margin", () => {
    const top = visibleIn(layout, layout.edges, { left: 0, top: 0, width: 1200, height: 800 }, 0);
    expect(layout.nodes).toHaveLength(1000);
    // The hub, and the products in the first 800 px of their column (78 px a row).
    expect(top.nodes.map((p) => p.node.id)).toContain("hub@v1");
    expect(top.nodes.length).toBe(1 + Math.ceil((800 - 12) / (NODE_H + 16)));
    expect(top.nodes.every((p) => p.y <= 800)).toBe(true);
    const far = visibleIn(layout, layout.edges, { left: 0, top: 40000, width: 1200, height: 800 }, 0);
    expect(far.nodes.some((p) => p.node.id === "hub@v1")).toBe(false);
    expect(far.nodes.every((p) => p.y + p.h >= 40000 && p.y <= 40800)).toBe(true);
    // The SVG covers only the box grown by the margin, kept within the canvas.
    expect(visibleIn(layout, layout.edges, { left: 0, top: 40000, width: 1200, height: 800 }, 100).box).toEqual({
      left: 0,
      top: 39900,
      width: layout.width,
      height: 1000,
    });
  });

  it("keeps an edge whose ends are both out of sight but whose curve crosses it", () => {
    // From the hub at the top to a product far below: it passes through the box between them.
    const far = visibleIn(layout, layout.edges, { left: 0, top: 40000, width: 1200, height: 800 }, 0);
    const last = layout.edges.find((e) => e.edge.to === "d0998@v1")!;
    expect(far.edges).toContain(last);
    // Out to the left of both columns nothing meets it.
    expect(visibleIn(layout, layout.edges, { left: -5000, top: 0, width: 100, height: 800 }, 0).edges).toHaveLength(0);
  });

  it("reads the ends of a curve", () => {
    expect(ends("M252,43 C287,43 287,121 322,121")).toEqual([252, 43, 322, 121]);
    expect(ends("M1.5,-2 C0,0 0,0 3,4.25")).toEqual([1.5, -2, 3, 4.25]);
  });
});
