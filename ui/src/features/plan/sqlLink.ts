import type { PlanNode } from "../../bindings/types";
import { flatten } from "./planMath";

export type Range = { from: number; to: number };

/** Words in plan text that are SQL, not names. */
const KEYWORDS = new Set(
  "select from where and or not in is null as on join inner left right full outer semi anti cross group by order asc desc limit offset distinct case when then else end between like cast true false count sum avg min max first last all columns of files contains starts_with ends_with year month day adds having union".split(
    " ",
  ),
);

const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;

/** Where each identifier (not keyword, not in a string or comment) stands in `sql`, by lower-case name. */
function identifiers(sql: string): Map<string, Range[]> {
  const out = new Map<string, Range[]>();
  // Strings and comments are blanked (same length) so their words are not names.
  const code = sql.replace(/'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\//g, (m) => " ".repeat(m.length));
  for (const m of code.matchAll(WORD)) {
    const word = m[0].toLowerCase();
    if (KEYWORDS.has(word)) continue;
    const at = m.index ?? 0;
    const list = out.get(word) ?? [];
    list.push({ from: at, to: at + m[0].length });
    out.set(word, list);
  }
  return out;
}

/** The names a node is about: the datasets it scans, and the columns its SQL words name. */
function names(node: PlanNode): string[] {
  const words = new Set<string>();
  const isScan = node.kind.toLowerCase().includes("scan");
  if (isScan) for (const t of node.tables) words.add(t.split(".").pop()!.toLowerCase());
  // The scan's text lists every column read; only its WHERE part says what it picks.
  const text = isScan ? (node.detail.split(" WHERE ")[1] ?? "") : node.detail;
  // `n_name#5` (a copy for a join) and `subquery1.x` name `n_name` and `x`.
  for (const m of text.replace(/'(?:[^']|'')*'/g, " ").matchAll(WORD)) {
    const w = m[0].toLowerCase();
    if (!KEYWORDS.has(w) && !/^(shared_expr|subquery|having)\d*$/.test(w)) words.add(w);
  }
  return [...words];
}

/** The parts of `sql` that `node` came from, where they can be told: its tables, and the columns of its conditions and keys. */
export function sqlRanges(sql: string, node: PlanNode): Range[] {
  const ids = identifiers(sql);
  return names(node)
    .flatMap((n) => ids.get(n) ?? [])
    .sort((a, b) => a.from - b.from);
}

/** The node the name at `offset` of `sql` belongs to: the scan of a table named there, else the first node (from the top) whose text names it. */
export function nodeAt(sql: string, offset: number, root: PlanNode): PlanNode | null {
  let word: string | null = null;
  for (const [w, ranges] of identifiers(sql)) if (ranges.some((r) => r.from <= offset && offset <= r.to)) word = w;
  if (!word) return null;
  const nodes = flatten(root);
  const scan = nodes.find((n) => n.kind.toLowerCase().includes("scan") && n.tables.some((t) => t.split(".").pop()!.toLowerCase() === word));
  return scan ?? nodes.find((n) => names(n).includes(word!)) ?? null;
}
