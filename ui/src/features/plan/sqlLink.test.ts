import { describe, expect, it } from "vitest";
import type { PlanNode } from "../../bindings/types";
import { nodeAt, sqlRanges } from "./sqlLink";

const node = (id: number, kind: string, detail: string, tables: string[], children: PlanNode[] = []): PlanNode => ({
  id,
  kind,
  label: kind,
  detail,
  raw: "",
  tables,
  flags: [],
  children,
});

const sql = "SELECT n_name, sum(x) FROM orders o JOIN nation n ON o.nk = n.n_nationkey WHERE o.status = 'nation' -- nation\nGROUP BY n_name";
const scanOrders = node(3, "Scan", "orders (1 of 1 files) columns: x, nk, status WHERE status = 'F'", ["orders"]);
const scanNation = node(4, "Scan", "nation (1 of 1 files) columns: n_name, n_nationkey", ["nation"]);
const join = node(2, "Join", "INNER JOIN ON nk = n_nationkey", ["orders", "nation"], [scanOrders, scanNation]);
const root = node(0, "Aggregate", "GROUP BY n_name → sum(x)", ["orders", "nation"], [node(1, "Project", "SELECT n_name, x", [], [join])]);
const words = (r: { from: number; to: number }[]) => r.map(({ from, to }) => sql.slice(from, to));

describe("the SQL link", () => {
  it("finds a scan's table and the columns of its WHERE, not words in strings or comments", () => {
    expect(words(sqlRanges(sql, scanOrders))).toEqual(["orders", "status"]);
    expect(words(sqlRanges(sql, scanNation))).toEqual(["nation"]);
  });

  it("finds a join's key columns and a group-by's keys", () => {
    expect(words(sqlRanges(sql, join))).toEqual(["nk", "n_nationkey"]);
    expect(words(sqlRanges(sql, root))).toEqual(["n_name", "x", "n_name"]);
  });

  it("goes from a name in the SQL to its node", () => {
    expect(nodeAt(sql, sql.indexOf("nation n") + 2, root)?.id).toBe(4);
    expect(nodeAt(sql, sql.indexOf("n_nationkey") + 1, root)?.id).toBe(2);
    expect(nodeAt(sql, sql.indexOf("GROUP") + 1, root)).toBeNull();
  });
});
