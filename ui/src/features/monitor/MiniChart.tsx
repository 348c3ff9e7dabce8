import { useEffect, useRef } from "react";
import "../chart/safeLocale";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export type MiniSeries = { name: string; values: (number | null)[]; color: string };

/** A line shows each value as a dot up to this many values. */
const FEW = 60;

/** An axis number in few characters: 1.2k, 3.4M. */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(a < 10 ? 2 : 0)}`;
}

/** A small time chart of the monitoring page: lines (or points, or a filled area) over UTC
 *  times in milliseconds, as wide as its box. The page refreshes every few seconds: new values
 *  are given to the chart it has (uPlot's setData), which is only made again when its series
 *  or kind change. */
export function MiniChart({
  title,
  x,
  series,
  kind = "line",
  range,
  testId,
}: {
  title: string;
  x: number[];
  series: MiniSeries[];
  kind?: "line" | "points" | "area";
  /** The period the x axis spans (UTC ms), so charts of one period line up. */
  range?: [number, number];
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // Read by the x scale at each draw, so a new range needs no new chart.
  const span = useRef(range);
  span.current = range;
  const empty = x.length === 0;
  // Another period is new values for the same chart: a chart made again (five at once) was
  // most of what choosing a period cost the page.
  const shape = `${kind}|${range ? 1 : 0}|${series.map((s) => `${s.name}:${s.color}`).join(",")}`;
  const data = [x, ...series.map((s) => s.values)] as uPlot.AlignedData;
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const el = box.current;
    if (!el || empty) return;
    const axis = { stroke: "#9aa4b2", grid: { stroke: "#2a3038" }, ticks: { stroke: "#2a3038" } };
    const u = new uPlot(
      {
        width: Math.max(el.clientWidth, 240),
        height: 170,
        ms: 1,
        tzDate: (ts: number) => uPlot.tzDate(new Date(ts), "Etc/UTC"),
        legend: { show: true },
        scales: { x: span.current ? { time: true, range: (_u, lo, hi) => span.current ?? [lo, hi] } : { time: true } },
        axes: [axis, { ...axis, size: 50, values: (_u: uPlot, splits: number[]) => splits.map(compact) }],
        series: [
          { label: "time" },
          ...series.map((s) => ({
            label: s.name,
            stroke: s.color,
            width: kind === "points" ? 0 : 1.5,
            fill: kind === "area" ? `${s.color}44` : undefined,
            paths: kind === "points" ? () => null : undefined,
            spanGaps: true,
            // Dots on a line only while they are few (read at each draw, so the values decide).
            points: { show: kind === "points" ? true : (u: uPlot) => u.data[0].length <= FEW, size: 5, fill: s.color },
          })),
        ],
      },
      latest.current,
      el,
    );
    plot.current = u;
    // The observer also reports the size the chart was made with, at once: a redraw only
    // when the width really changed.
    const seen = new ResizeObserver(() => {
      const width = Math.max(el.clientWidth, 240);
      if (width !== u.width) u.setSize({ width, height: 170 });
    });
    seen.observe(el);
    return () => {
      seen.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The chart is made again only when its shape changes; values go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, empty]);

  useEffect(() => {
    const u = plot.current;
    if (u && u.data !== latest.current && !empty) u.setData(latest.current);
  });

  return (
    <figure className="mini-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {empty ? <div className="dim mini-empty">Nothing recorded in this period.</div> : <div ref={box} />}
    </figure>
  );
}
