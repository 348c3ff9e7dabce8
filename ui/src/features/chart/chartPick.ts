import type { ChartKind, ColumnDef } from "../../bindings/types";

/** What a column is good for on a chart, from its Polars type. */
export function columnRole(dtype: string): "time" | "number" | "text" | "other" {
  if (dtype.startsWith("datetime") || dtype === "date") return "time";
  if (/^(i|u)(8|16|32|64|128)$/.test(dtype) || dtype === "f32" || dtype === "f64" || dtype.startsWith("decimal")) return "number";
  if (dtype === "str" || dtype === "cat" || dtype.startsWith("enum") || dtype === "bool") return "text";
  return "other";
}

export interface ChartChoice {
  kind: ChartKind;
  x: string | null;
  ys: string[];
  agg: string;
  /** The column whose values are one series each, or none. */
  color: string | null;
}

/** The chart a result suggests: a line over its first time column, bars per its first text
 *  column, a scatter of two numbers, or a histogram of one. */
export function suggestChart(columns: ColumnDef[]): ChartChoice {
  const of = (role: string) => columns.filter((c) => columnRole(c.dtype) === role).map((c) => c.name);
  const [times, numbers, texts] = [of("time"), of("number"), of("text")];
  if (times.length && numbers.length) return { kind: "line", x: times[0], ys: numbers.slice(0, 3), agg: "sum", color: null };
  if (texts.length) return { kind: "bar", x: texts[0], ys: numbers.slice(0, 1), agg: "sum", color: null };
  if (times.length) return { kind: "histogram", x: null, ys: [times[0]], agg: "sum", color: null };
  if (numbers.length >= 2) return { kind: "scatter", x: numbers[0], ys: [numbers[1]], agg: "sum", color: null };
  if (numbers.length === 1) return { kind: "histogram", x: null, ys: [numbers[0]], agg: "sum", color: null };
  return { kind: "bar", x: columns[0]?.name ?? null, ys: [], agg: "count", color: null };
}

/** The columns that may be x for `kind`, and those that may be y. */
export function choices(columns: ColumnDef[], kind: ChartKind): { xs: string[]; ys: string[] } {
  const role = (c: ColumnDef) => columnRole(c.dtype);
  const numeric = columns.filter((c) => role(c) === "number").map((c) => c.name);
  if (kind === "bar") return { xs: columns.map((c) => c.name), ys: numeric };
  if (kind === "histogram") return { xs: [], ys: columns.filter((c) => role(c) === "number" || role(c) === "time").map((c) => c.name) };
  return { xs: columns.filter((c) => role(c) === "number" || role(c) === "time").map((c) => c.name), ys: numeric };
}
