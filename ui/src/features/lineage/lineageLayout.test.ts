import { describe, expect, it } from "vitest";
import type { LineageGraph, LineageNode } from "../../bindings/types";
import { layoutLineage, levels, NODE_W } from "./lineageLayout";

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
