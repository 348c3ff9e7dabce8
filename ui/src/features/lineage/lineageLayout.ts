import type { LineageEdge, LineageGraph, LineageNode } from "../../bindings/types";

export const NODE_W = 240;
export const NODE_H = 62;
const COL_GAP = 70;
const ROW_GAP = 16;
const PAD = 12;

export interface Placed {
  node: LineageNode;
  /** Columns left of the root (< 0) are what it came from; right (> 0) what was made from it. */
  level: number;
  x: number;
  y: number;
  /** Its height. */
  h: number;
}

/** A left-to-right S-curve from (x1, y1) to (x2, y2), as an SVG path. */
export function curve(x1: number, y1: number, x2: number, y2: number): string {
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}

export interface Layout {
  nodes: Placed[];
  /** SVG paths, from an input's right side to the left side of what it made. */
  edges: { edge: LineageEdge; d: string }[];
  width: number;
  height: number;
}

/** Levels by breadth-first search from the root: inputs one column left, products one right.
 *  Other versions of the root's dataset (a product may have read an older one) share its column. */
export function levels(g: LineageGraph): Map<string, number> {
  const level = new Map<string, number>();
  const rootName = g.nodes.find((n) => n.id === g.root)?.name;
  const queue: string[] = [];
  for (const n of g.nodes) {
    if (n.id === g.root || (n.kind === "dataset" && n.name === rootName)) {
      level.set(n.id, 0);
      queue.push(n.id);
    }
  }
  while (queue.length) {
    const id = queue.shift()!;
    const l = level.get(id)!;
    for (const e of g.edges) {
      // Upstream only from the root's column leftwards, downstream only rightwards, so a
      // product's other inputs do not pull it into the wrong column.
      if (e.to === id && l <= 0 && !level.has(e.from)) {
        level.set(e.from, l - 1);
        queue.push(e.from);
      }
      if (e.from === id && l >= 0 && !level.has(e.to)) {
        level.set(e.to, l + 1);
        queue.push(e.to);
      }
    }
  }
  return level;
}

/** `heightOf` gives a node's height (column mode lists columns in it); NODE_H by default. */
export function layoutLineage(g: LineageGraph, heightOf: (n: LineageNode) => number = () => NODE_H): Layout {
  const level = levels(g);
  const placedNodes = g.nodes.filter((n) => level.has(n.id));
  const min = Math.min(0, ...placedNodes.map((n) => level.get(n.id)!));
  const columns = new Map<number, LineageNode[]>();
  for (const n of placedNodes) {
    const l = level.get(n.id)!;
    columns.set(l, [...(columns.get(l) ?? []), n]);
  }
  const nodes: Placed[] = [];
  let height = 0;
  for (const [l, col] of columns) {
    col.sort((a, b) => (a.id === g.root ? -1 : b.id === g.root ? 1 : a.id.localeCompare(b.id)));
    let y = PAD;
    for (const node of col) {
      const h = heightOf(node);
      nodes.push({ node, level: l, x: PAD + (l - min) * (NODE_W + COL_GAP), y, h });
      y += h + ROW_GAP;
      height = Math.max(height, y - ROW_GAP + PAD);
    }
  }
  const at = new Map(nodes.map((p) => [p.node.id, p]));
  const edges = g.edges.flatMap((edge) => {
    const a = at.get(edge.from);
    const b = at.get(edge.to);
    if (!a || !b) return [];
    const x1 = a.x + NODE_W;
    return [{ edge, d: curve(x1, a.y + Math.min(a.h, NODE_H) / 2, b.x, b.y + Math.min(b.h, NODE_H) / 2) }];
  });
  const width = Math.max(...nodes.map((p) => p.x + NODE_W), NODE_W) + PAD;
  return { nodes, edges, width, height };
}
