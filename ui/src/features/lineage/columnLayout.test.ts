import { describe, expect, it } from "vitest";
import type { ColumnEdge, LineageGraph } from "../../bindings/types";
import { columnNodeHeight, HEADER_H, layoutColumnEdges, MAX_ROWS, ROW_H, rowOf, traceColumn } from "./columnLayout";
import { layoutLineage } from "./lineageLayout";

const edge = (from: string, from_column: string, to: string, to_column: string | null, kind = "DIRECT"): ColumnEdge => ({
  from,
  from_column,
  to,
  to_column,
  kind,
  subtype: kind === "DIRECT" ? "IDENTITY" : "FILTER",
});

describe("column mode", () => {
  it("sizes a node for its columns, with one row for the rest past the limit", () => {
    expect(columnNodeHeight(3)).toBe(HEADER_H + 3 * ROW_H + 6);
    expect(columnNodeHeight(500)).toBe(HEADER_H + (MAX_ROWS + 1) * ROW_H + 6);
    const many = Array.from({ length: 30 }, (_, i) => `c${i}`);
    expect(rowOf(many, "c2")).toBe(2);
    expect(rowOf(many, "c25")).toBe(MAX_ROWS);
  });

  it("draws an edge from the input column's row to the output column's row", () => {
    const g: LineageGraph = {
      root: "b@v1",
      nodes: [
        { id: "b@v1", kind: "dataset", name: "b", version: 1, current: true, sql: "SELECT y AS z FROM a", detail: "query" },
        { id: "a@v1", kind: "dataset", name: "a", version: 1, current: true, sql: null, detail: "import" },
      ],
      edges: [{ from: "a@v1", to: "b@v1" }],
    };
    const layout = layoutLineage(g, () => columnNodeHeight(2));
    const placed = layoutColumnEdges(layout, {
      nodes: [
        { node: "a@v1", columns: [["x", "BIGINT"], ["y", "VARCHAR"]] },
        { node: "b@v1", columns: [["z", "VARCHAR"]] },
      ],
      edges: [edge("a@v1", "y", "b@v1", "z"), edge("a@v1", "x", "b@v1", null, "INDIRECT")],
    });
    const a = layout.nodes.find((p) => p.node.id === "a@v1")!;
    const b = layout.nodes.find((p) => p.node.id === "b@v1")!;
    expect(a.x).toBeLessThan(b.x);
    // y is a's second column; z is b's first.
    expect(placed[0].d.startsWith(`M${a.x + 240},${a.y + HEADER_H + ROW_H * 1.5} `)).toBe(true);
    expect(placed[0].d.endsWith(` ${b.x},${b.y + HEADER_H + ROW_H / 2}`)).toBe(true);
    expect(placed[0].direct).toBe(true);
    // A filter column leads to the header, dashed.
    expect(placed[1].d.endsWith(` ${b.x},${b.y + HEADER_H / 2}`)).toBe(true);
    expect(placed[1].direct).toBe(false);
  });

  it("traces a column through several steps both ways, and no further", () => {
    const edges = [
      edge("a@v1", "x", "b@v1", "x2"),
      edge("b@v1", "x2", "c@v1", "x3"),
      edge("a@v1", "y", "b@v1", "y2"),
      edge("a@v1", "y", "b@v1", null, "INDIRECT"),
    ];
    const t = traceColumn(edges, "b@v1", "x2");
    expect([...t]).toEqual([edges[0], edges[1]]);
    expect(traceColumn(edges, "a@v1", "y").size).toBe(2);
  });
});
