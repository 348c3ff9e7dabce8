// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render } from "@testing-library/react";

// uPlot needs a canvas; a stand-in records what the chart asks of it.
type Opts = { scales: { x: { range: (u: unknown, lo: number, hi: number) => number[] } }; series: { points?: { show: boolean | ((u: unknown) => boolean) } }[] };
const made: { data: unknown[][]; setData: ReturnType<typeof vi.fn>; destroyed: boolean; opts: Opts }[] = [];
vi.mock("uplot", () => {
  class FakePlot {
    data: unknown[][];
    destroyed = false;
    setData = vi.fn((d: unknown[][]) => (this.data = d));
    constructor(
      public opts: (typeof made)[number]["opts"],
      data: unknown[][],
    ) {
      this.data = data;
      made.push(this as unknown as (typeof made)[number]);
    }
    setSize() {}
    destroy() {
      this.destroyed = true;
    }
    static tzDate = (d: Date) => d;
  }
  return { default: FakePlot };
});
vi.mock("uplot/dist/uPlot.min.css", () => ({}));

import { MiniChart } from "./MiniChart";

afterEach(() => {
  cleanup();
  made.length = 0;
});

describe("MiniChart", () => {
  it("gives a refresh's values to the chart it has, and makes a new one only when its series change", () => {
    const s = (v: number[]) => [{ name: "p50 ms", values: v, color: "#4fb3bf" }];
    const { rerender } = render(<MiniChart title="Latency" testId="c" x={[1, 2]} series={s([5, 6])} range={[0, 10]} />);
    expect(made).toHaveLength(1);
    rerender(<MiniChart title="Latency" testId="c" x={[1, 2, 3]} series={s([5, 6, 7])} range={[0, 20]} />);
    expect(made).toHaveLength(1);
    expect(made[0].setData).toHaveBeenCalledTimes(1);
    expect(made[0].data).toEqual([
      [1, 2, 3],
      [5, 6, 7],
    ]);
    // The x axis spans the new period without a new chart.
    expect(made[0].opts.scales.x.range(null, 0, 1)).toEqual([0, 20]);
    rerender(<MiniChart title="Latency" testId="c" x={[1, 2, 3]} series={[...s([5, 6, 7]), { name: "p95 ms", values: [9, 9, 9], color: "#e5a550" }]} range={[0, 20]} />);
    expect(made).toHaveLength(2);
    expect(made[0].destroyed).toBe(true);
    expect(made[1].data).toHaveLength(3);
  });

  it("keeps its chart when a period brings many values after few, and shows dots only for few", () => {
    const s = (n: number) => [{ name: "p50 ms", values: Array.from({ length: n }, (_, i) => i), color: "#4fb3bf" }];
    const xs = (n: number) => Array.from({ length: n }, (_, i) => i * 3_600_000);
    const { rerender } = render(<MiniChart title="Latency" testId="c" x={xs(24)} series={s(24)} range={[0, 1]} />);
    const dots = () => {
      const show = made[0].opts.series[1].points?.show;
      return typeof show === "function" ? show(made[0]) : show;
    };
    expect(dots()).toBe(true);
    rerender(<MiniChart title="Latency" testId="c" x={xs(365)} series={s(365)} range={[0, 2]} />);
    expect(made).toHaveLength(1);
    expect(made[0].data[0]).toHaveLength(365);
    expect(dots()).toBe(false);
  });
});
