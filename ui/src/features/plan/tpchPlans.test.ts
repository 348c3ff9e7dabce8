// The 22 TPC-H plans at SF0.01, analyzed by `lake explain --analyze --format json` and committed
// (fixtures/tpch; remade by scripts/tpch-plan-fixtures.sh): each is laid out without overlaps,
// its costliest node is named, its misses computed, and its node text reads as SQL.
import { describe, expect, it } from "vitest";
import type { QueryPlan } from "../../bindings/types";
import { layoutPlan } from "./layout";
import { costliest, flatten, miss, selfTotal, summary } from "./planMath";

const plans = import.meta.glob<QueryPlan>("./fixtures/tpch/q*.json", { eager: true, import: "default" });
const files = Object.keys(plans).sort();

/** Rust and Polars debug syntax that must never reach a node's title or text. */
const DEBUG = /maintain_order|descending: \[|nulls_last|simple π|col\("|Some\(|None\b|\{|\bdyn (int|str|float)\b|__POLARS/;

describe("the 22 TPC-H plans", () => {
  it("are all here", () => expect(files).toHaveLength(22));

  for (const f of files) {
    it(`${f}: laid out, summarised, readable`, () => {
      const plan = plans[f]!;
      const nodes = flatten(plan.root);
      const layout = layoutPlan(plan.root);
      expect(layout.nodes).toHaveLength(nodes.length);
      // No two boxes overlap.
      for (const a of layout.nodes)
        for (const b of layout.nodes)
          if (a !== b) expect(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y).toBe(true);
      const top = costliest(plan.root);
      expect(top).not.toBeNull();
      expect(summary(plan)).toMatch(new RegExp(`^\\d+% of the time in ${top!.label.replace(/[()|.*+?^$[\]\\{}]/g, "\\$&")}$`));
      expect(selfTotal(plan.root)).toBeGreaterThan(0);
      for (const n of nodes) {
        expect(miss(n)?.factor).toBeGreaterThanOrEqual(1);
        expect(n.label, `${f} node ${n.id}`).not.toMatch(DEBUG);
        expect(n.detail, `${f} node ${n.id}: ${n.detail}`).not.toMatch(DEBUG);
      }
    });
  }
});
