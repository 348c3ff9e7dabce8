import dagre from "@dagrejs/dagre";
import type { GraphLabel } from "@dagrejs/dagre";
import type { PlanNode } from "../../bindings/types";

export type Point = { x: number; y: number };

/** One positioned plan node; x/y are the box's top-left corner in graph pixels. */
export type LaidOutNode = { node: PlanNode; x: number; y: number; w: number; h: number };

/** An edge from a child (input, `from`) to its parent (consumer, `to`), by node id. */
export type LaidOutEdge = { from: number; to: number; points: Point[] };

export type PlanLayout = { nodes: LaidOutNode[]; edges: LaidOutEdge[]; width: number; height: number };

export const NODE_WIDTH = 240;
export const NODE_MIN_HEIGHT = 76;

// Vertical metrics of a node box; must stay in sync with plan.css (.plan-node and its rows).
const BOX_CHROME = 16; // top + bottom padding (incl. room for the time bar) + borders
const KIND_ROW = 16;
const TEXT_ROW = 14;
const FLAGS_ROW = 18;

/**
 * Height of a node box. The layout cannot measure the DOM, so the height is derived from which
 * rows the box will render.
 */
export function nodeHeight(node: PlanNode): number {
  // Actual rows, the estimate and the miss share one line.
  const statRows = node.est_rows != null || node.actual_rows != null ? 1 : 0;
  const h = BOX_CHROME + KIND_ROW + TEXT_ROW + statRows * TEXT_ROW + (node.flags.length > 0 ? FLAGS_ROW : 0);
  return Math.max(NODE_MIN_HEIGHT, h);
}

/**
 * Lays the plan tree out top-down with the root (the output) at the top. Edges run child →
 * parent, the direction data flows, so dagre gets rankdir "BT": edge sources (the inputs) go to
 * the bottom and the edge points already run from the child to the parent.
 */
export function layoutPlan(root: PlanNode): PlanLayout {
  const g = new dagre.graphlib.Graph<GraphLabel, { width: number; height: number; x?: number; y?: number }, { points?: Point[] }>();
  g.setGraph({ rankdir: "BT", nodesep: 28, ranksep: 44, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));

  // Dagre names are the pre-order position rather than node.id, so a plan that repeats an id
  // (e.g. a shared subplan printed twice) still lays out as a tree instead of collapsing nodes.
  const order: PlanNode[] = [];
  const edges: { v: string; w: string; from: number; to: number }[] = [];
  const visit = (node: PlanNode): string => {
    const name = String(order.length);
    order.push(node);
    g.setNode(name, { width: NODE_WIDTH, height: nodeHeight(node) });
    for (const child of node.children) {
      const childName = visit(child);
      edges.push({ v: childName, w: name, from: child.id, to: node.id });
    }
    return name;
  };
  visit(root);
  for (const e of edges) g.setEdge(e.v, e.w);

  dagre.layout(g);

  const nodes = order.map((node, i): LaidOutNode => {
    const label = g.node(String(i));
    // Dagre reports centres; the view positions boxes by their corner.
    return { node, x: (label.x ?? 0) - label.width / 2, y: (label.y ?? 0) - label.height / 2, w: label.width, h: label.height };
  });
  const graph = g.graph();
  return {
    nodes,
    edges: edges.map((e) => ({ from: e.from, to: e.to, points: g.edge(e.v, e.w)?.points ?? [] })),
    width: graph.width ?? 0,
    height: graph.height ?? 0,
  };
}
