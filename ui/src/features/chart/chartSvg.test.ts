import { describe, expect, it } from "vitest";
import type { ChartData } from "../../bindings/types";
import { chartSvg } from "./chartSvg";

describe("chartSvg", () => {
  it("draws bars with their labels, escaped, and no scripts", () => {
    const d: ChartData = {
      kind: "bar",
      x_type: "category",
      x: [0, 1, 2],
      categories: ["Ada", "Grace", "<b>&"],
      series: [{ name: "sum(total)", values: [20, 100, null] }],
      rows: 3,
      reduced: false,
    };
    const svg = chartSvg(d, "name");
    expect(svg.startsWith("<svg")).toBe(true);
    // Two bars (the null draws none) and the legend's swatch.
    expect(svg.match(/<rect /g)?.length).toBe(1 + 2 + 1);
    expect(svg).toContain(">Grace</text>");
    expect(svg).toContain("&lt;b&gt;&amp;");
    expect(svg).toContain(">sum(total)</text>");
    expect(svg).not.toMatch(/<script|\son\w+=/i);
  });

  it("draws a line through the points in x order", () => {
    const d: ChartData = {
      kind: "line",
      x_type: "number",
      x: [0, 1, 2],
      categories: [],
      series: [{ name: "v", values: [0, 10, 5] }],
      rows: 3,
      reduced: false,
    };
    const path = chartSvg(d, "x").match(/<path d="([^"]+)" fill="none"/)?.[1] ?? "";
    expect(path.split("L")).toHaveLength(3);
    expect(path.startsWith("M60.0,")).toBe(true);
  });
});
