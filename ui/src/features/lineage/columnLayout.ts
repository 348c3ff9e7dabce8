import type { ColumnEdge, ColumnGraph } from "../../bindings/types";
import { curve, NODE_W, type Layout } from "./lineageLayout";

/** Column mode: a node lists its columns under a header. */
export const HEADER_H = 46;
export const ROW_H = 18;
/** Columns listed per node; the rest share one "+N more" row. */
export const MAX_ROWS = 20;

/** A node's height in column mode. */
export function columnNodeHeight(columns: number): number {
  const rows = columns > MAX_ROWS ? MAX_ROWS + 1 : Math.max(columns, 1);
  return HEADER_H + rows * ROW_H + 6;
}

/** The row a column is drawn in (the "+N more" row for one past the limit). */
export function rowOf(columns: string[], column: string): number {
  const i = columns.indexOf(column);
  return i < 0 || i >= MAX_ROWS ? Math.min(columns.length, MAX_ROWS) : i;
}

export interface PlacedColumnEdge {
  edge: ColumnEdge;
  d: string;
  /** Gives a value (DIRECT) or decides rows or values (INDIRECT, drawn dashed). */
  direct: boolean;
}

/** The paths of `cols`' edges between the placed nodes: from an input column's row to the
 *  output column's row, or to the node's header when the input shapes the whole result. */
export function layoutColumnEdges(layout: Layout, cols: ColumnGraph): PlacedColumnEdge[] {
  const at = new Map(layout.nodes.map((p) => [p.node.id, p]));
  const names = new Map(cols.nodes.map((n) => [n.node, n.columns.map(([c]) => c)]));
  const rowY = (y: number, columns: string[], column: string) => y + HEADER_H + rowOf(columns, column) * ROW_H + ROW_H / 2;
  return cols.edges.flatMap((edge) => {
    const a = at.get(edge.from);
    const b = at.get(edge.to);
    if (!a || !b) return [];
    const y1 = rowY(a.y, names.get(edge.from) ?? [], edge.from_column);
    const y2 = edge.to_column == null ? b.y + HEADER_H / 2 : rowY(b.y, names.get(edge.to) ?? [], edge.to_column);
    return [{ edge, d: curve(a.x + NODE_W, y1, b.x, y2), direct: edge.kind === "DIRECT" }];
  });
}

/** The edges that lead into or out of `node`'s `column`, followed upstream and downstream:
 *  what it is made from and what is made from it. */
export function traceColumn(edges: ColumnEdge[], node: string, column: string): Set<ColumnEdge> {
  const out = new Set<ColumnEdge>();
  const walk = (dir: "up" | "down") => {
    const todo: [string, string][] = [[node, column]];
    const seen = new Set<string>();
    while (todo.length) {
      const [n, c] = todo.pop()!;
      if (seen.has(`${n}\u0000${c}`)) continue;
      seen.add(`${n}\u0000${c}`);
      for (const e of edges) {
        if (dir === "up" && e.to === n && e.to_column === c) {
          out.add(e);
          todo.push([e.from, e.from_column]);
        }
        if (dir === "down" && e.from === n && e.from_column === c) {
          out.add(e);
          if (e.to_column != null) todo.push([e.to, e.to_column]);
        }
      }
    }
  };
  walk("up");
  walk("down");
  return out;
}
