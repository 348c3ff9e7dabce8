// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render } from "@testing-library/react";

// uPlot needs a canvas; a stand-in records what the chart asks of it.
const made: { data: unknown[]; setData: ReturnType<typeof vi.fn>; destroyed: boolean; opts: { scales: { x: { range: (u: unknown, lo: number, hi: number) => number[] } } } }[] = [];
vi.mock("uplot", () => {
  class FakePlot {
    data: unknown[];
    destroyed = false;
    setData = vi.fn((d: unknown[]) => (this.data = d));
    constructor(
      public opts: (typeof made)[number]["opts"],
      data: unknown[],
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
});
