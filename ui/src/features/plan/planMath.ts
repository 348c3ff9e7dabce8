import type { PlanNode, QueryPlan } from "../../bindings/types";

/** Every node, depth first from the root. */
export function flatten(root: PlanNode): PlanNode[] {
  const out: PlanNode[] = [];
  const walk = (n: PlanNode) => {
    out.push(n);
    n.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** The sum of the nodes' own times (ms): what the shares are of. */
export function selfTotal(root: PlanNode): number {
  return flatten(root).reduce((s, n) => s + (n.time_ms ?? 0), 0);
}

/** The node that took the most time of its own, if any took time. */
export function costliest(root: PlanNode): PlanNode | null {
  let best: PlanNode | null = null;
  for (const n of flatten(root)) if ((n.time_ms ?? 0) > (best?.time_ms ?? 0)) best = n;
  return best;
}

/** A node's share (0..1) of `total`. */
export function share(node: PlanNode, total: number): number {
  return total > 0 && node.time_ms != null ? node.time_ms / total : 0;
}

/** How far the estimate was from the actual rows: a factor ≥ 1, and whether it was too low. */
export type Miss = { factor: number; under: boolean };

export function miss(node: PlanNode): Miss | null {
  const { est_rows: est, actual_rows: act } = node;
  if (est == null || act == null) return null;
  // 0 rows against 1 is no real miss; both count from 1.
  const e = Math.max(est, 1);
  const a = Math.max(act, 1);
  return a >= e ? { factor: a / e, under: a > e } : { factor: e / a, under: false };
}

/** `×340 under`, `×3 over`, or `≈` when within ×2. */
export function missText(m: Miss): string {
  if (m.factor < 2) return "≈ estimate";
  const f = m.factor >= 100 ? Math.round(m.factor).toLocaleString("en-US") : m.factor.toFixed(m.factor < 10 ? 1 : 0);
  return `×${f} ${m.under ? "under" : "over"}`;
}

/** Misses of ×10 and more are flagged, from ×3 marked (PEV2 flags at ×10 as well). */
export function missLevel(m: Miss | null): "ok" | "warn" | "bad" {
  if (!m || m.factor < 3) return "ok";
  return m.factor < 10 ? "warn" : "bad";
}

/** The summary line: where the time went (`60% of the time in Join (lineitem ⋈ orders)`). */
export function summary(plan: QueryPlan): string | null {
  if (!plan.analyzed) return null;
  const top = costliest(plan.root);
  const total = selfTotal(plan.root);
  if (!top || total <= 0) return null;
  return `${Math.round(share(top, total) * 100)}% of the time in ${top.label || top.kind}`;
}

/** How many nodes are under `node`. */
export function descendants(node: PlanNode): number {
  return node.children.reduce((s, c) => s + 1 + descendants(c), 0);
}

/** The plan with the subtrees under `collapsed` node ids left out. */
export function pruned(root: PlanNode, collapsed: ReadonlySet<number>): PlanNode {
  if (collapsed.size === 0) return root;
  const walk = (n: PlanNode): PlanNode => (collapsed.has(n.id) ? { ...n, children: [] } : { ...n, children: n.children.map(walk) });
  return walk(root);
}

export type View = { k: number; tx: number; ty: number };

/** The scale and offset that fit a `w`×`h` graph into a `W`×`H` view, never above 100%. */
export function fitView(W: number, H: number, w: number, h: number, pad = 16): View {
  if (w <= 0 || h <= 0 || W <= 0 || H <= 0) return { k: 1, tx: 0, ty: 0 };
  const k = Math.min(1, (W - 2 * pad) / w, (H - 2 * pad) / h);
  const kk = Math.max(0.05, k);
  return { k: kk, tx: (W - w * kk) / 2, ty: Math.max(pad, (H - h * kk) / 2) };
}

/** `v` zoomed by `factor` around the view point (`cx`, `cy`), within 5%..300%. */
export function zoomAt(v: View, factor: number, cx: number, cy: number): View {
  const k = Math.min(3, Math.max(0.05, v.k * factor));
  const f = k / v.k;
  return { k, tx: cx - (cx - v.tx) * f, ty: cy - (cy - v.ty) * f };
}

export type SortKey = "time" | "rows" | "miss" | "order";

/** The nodes as the table lists them, by `key` (time, rows and miss largest first). */
export function sortedNodes(root: PlanNode, key: SortKey): PlanNode[] {
  const nodes = flatten(root);
  const by: Record<SortKey, (n: PlanNode) => number> = {
    time: (n) => n.time_ms ?? -1,
    rows: (n) => n.actual_rows ?? n.est_rows ?? -1,
    miss: (n) => miss(n)?.factor ?? 0,
    order: (n) => -nodes.indexOf(n),
  };
  return [...nodes].sort((a, b) => by[key](b) - by[key](a));
}

/** A projection that only picks or renames columns: noise in a picture of where time goes. */
export function isPlainProjection(n: PlanNode): boolean {
  if (n.kind !== "Project" || n.children.length !== 1) return false;
  const cols = n.detail.replace(/^SELECT /, "");
  // Names, `a AS b`, commas: no call, operator or constant.
  return /^[\w#.]+( AS [\w#.]+)?(, [\w#.]+( AS [\w#.]+)?)*$/.test(cols);
}

/** The plan without plain projections (their input takes their place). */
export function withoutPlainProjections(root: PlanNode): PlanNode {
  const walk = (n: PlanNode): PlanNode => {
    if (isPlainProjection(n) && n !== root) return walk(n.children[0]!);
    return { ...n, children: n.children.map(walk) };
  };
  return walk(root);
}
