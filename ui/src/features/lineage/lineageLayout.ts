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
  const into = new Map<string, string[]>();
  const outOf = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, k: string, v: string) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const e of g.edges) {
    add(into, e.to, e.from);
    add(outOf, e.from, e.to);
  }
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    const l = level.get(id)!;
    // Upstream only from the root's column leftwards, downstream only rightwards, so a
    // product's other inputs do not pull it into the wrong column.
    const next: [string[], number][] = [];
    if (l <= 0) next.push([into.get(id) ?? [], l - 1]);
    if (l >= 0) next.push([outOf.get(id) ?? [], l + 1]);
    for (const [ids, at] of next) {
      for (const n of ids) {
        if (!level.has(n)) {
          level.set(n, at);
          queue.push(n);
        }
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
    const col = columns.get(l);
    if (col) col.push(n);
    else columns.set(l, [n]);
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

/** A rectangle of the canvas, in its pixels. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

function meets(b: Box, x1: number, y1: number, x2: number, y2: number): boolean {
  return x2 >= b.left && x1 <= b.left + b.width && y2 >= b.top && y1 <= b.top + b.height;
}

/** What of `layout` meets `box` (grown by `margin` on each side, kept within the canvas): the
 *  only nodes and edges the page puts in the document, in an SVG only that box big, so a graph
 *  of thousands draws as fast as a small one. An edge counts when the rectangle between its
 *  ends meets the box (its curve stays inside it). */
export function visibleIn<E extends { d: string }>(
  layout: Layout,
  edges: E[],
  box: Box,
  margin = 400,
): { nodes: Placed[]; edges: E[]; box: Box } {
  // The grown box, within the canvas: what the page's SVG covers.
  const left = Math.max(0, box.left - margin);
  const top = Math.max(0, box.top - margin);
  const b = {
    left,
    top,
    width: Math.max(0, Math.min(layout.width, box.left + box.width + margin) - left),
    height: Math.max(0, Math.min(layout.height, box.top + box.height + margin) - top),
  };
  const nodes = layout.nodes.filter((p) => meets(b, p.x, p.y, p.x + NODE_W, p.y + p.h));
  const shown = edges.filter((e) => {
    const [x1, y1, x2, y2] = endsOf(e);
    return meets(b, Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2));
  });
  return { nodes, edges: shown, box: b };
}

// Each edge's ends, read from its path once (scrolling asks again and again).
const endsKept = new WeakMap<object, [number, number, number, number]>();
function endsOf(e: { d: string }): [number, number, number, number] {
  let v = endsKept.get(e);
  if (!v) endsKept.set(e, (v = ends(e.d)));
  return v;
}

/** The two ends of a path made by `curve`. */
export function ends(d: string): [number, number, number, number] {
  const n = d.match(/-?\d+(\.\d+)?/g)!.map(Number);
  return [n[0], n[1], n[n.length - 2], n[n.length - 1]];
}
