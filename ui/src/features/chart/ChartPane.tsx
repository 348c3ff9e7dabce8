import { useEffect, useMemo, useRef, useState } from "react";
import "./safeLocale";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ChartData, ChartKind, ChartRequest, ErrorPayload, ResultMeta } from "../../bindings/types";
import { exportChart, exportChartSvg, pickPaths, resultChart } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtInt } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";
import { choices, suggestChart, type ChartChoice } from "./chartPick";
import "./chart.css";

const KINDS: ChartKind[] = ["line", "area", "scatter", "bar", "histogram"];
const AGGS = ["sum", "avg", "min", "max", "count"];
const COLORS = ["#4fb3bf", "#e5a550", "#c678dd", "#98c379", "#e06c75", "#61afef", "#d19a66", "#abb2bf"];

/** uPlot's options for `d`, `width` × `height` pixels. */
function options(d: ChartData, xName: string, width: number, height: number): uPlot.Options {
  const cat = d.x_type === "category";
  const bars = d.kind === "bar" || d.kind === "histogram";
  const axis = { stroke: "#9aa4b2", grid: { stroke: "#2a3038" }, ticks: { stroke: "#2a3038" } };
  // Several series of bars stand side by side in each x's slot (0.8 of it, centred).
  const w = 0.8 / Math.max(d.series.length, 1);
  const barPaths = (k: number) =>
    uPlot.paths.bars!({
      size: [1, Infinity],
      disp: {
        x0: { unit: 1, values: (u: uPlot) => (u.data[0] as number[]).map((x) => x - 0.4 + k * w) },
        size: { unit: 1, values: () => [w] },
      },
    });
  return {
    width,
    height,
    ms: 1,
    // Times in UTC, as the grid and the timeline show them.
    tzDate: (ts: number) => uPlot.tzDate(new Date(ts), "Etc/UTC"),
    legend: { show: true },
    scales: { x: cat ? { time: false, range: [-0.5, Math.max(d.x.length - 0.5, 0.5)] } : { time: d.x_type === "time" } },
    axes: [
      cat
        ? { ...axis, splits: () => d.x, values: (_u: uPlot, splits: number[]) => splits.map((i) => d.categories[i] ?? ""), rotate: -30, size: 70 }
        : axis,
      axis,
    ],
    series: [
      { label: xName },
      ...d.series.map((s, i) => {
        const c = COLORS[i % COLORS.length];
        return {
          label: s.name,
          stroke: c,
          width: d.kind === "scatter" ? 0 : 1.5,
          fill: d.kind === "area" || bars ? `${c}55` : undefined,
          paths: bars ? barPaths(i) : d.kind === "scatter" ? () => null : undefined,
          // Split by a column's values, a series has no value at the others' x: draw across.
          spanGaps: d.split_by != null,
          points: { show: d.kind === "scatter", size: 4, fill: c },
        };
      }),
    ],
  };
}

/** The engine's request for `choice`. */
function request(choice: ChartChoice, maxPoints: number): ChartRequest {
  const color = choice.kind === "histogram" ? null : choice.color;
  return { kind: choice.kind, x: choice.x, ys: choice.ys, agg: choice.agg, max_points: maxPoints, color };
}

/** A chart of a query's result: its kind and columns picked from the column types, editable;
 *  the engine sends at most about one point per pixel (LTTB) or the aggregated bars. */
export default function ChartPane({ meta }: { meta: ResultMeta }) {
  const [choice, setChoice] = useState<ChartChoice>(() => suggestChart(meta.columns));
  const [data, setData] = useState<ChartData | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const box = useRef<HTMLDivElement>(null);
  // Measured before the first request, so the engine sends one point per pixel of the width.
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const opts = useMemo(() => choices(meta.columns, choice.kind), [meta.columns, choice.kind]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const seen = new ResizeObserver(() => setSize({ width: Math.max(el.clientWidth, 200), height: Math.max(el.clientHeight - 40, 160) }));
    seen.observe(el);
    return () => seen.disconnect();
  }, []);

  const maxPoints = choice.kind === "bar" ? 50 : choice.kind === "histogram" ? 30 : Math.round(size?.width ?? 0);
  useEffect(() => {
    if (maxPoints === 0) return;
    let stale = false;
    setError(null);
    resultChart(meta.id, request(choice, maxPoints))
      .then((d) => !stale && setData(d))
      .catch((e) => {
        if (stale) return;
        setData(null);
        setError(asLakeError(e));
      });
    return () => {
      stale = true;
    };
  }, [meta.id, choice, maxPoints]);

  const plot = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = plot.current;
    if (!el || !data || !size) return;
    const xName = data.kind === "histogram" ? "bin" : (choice.x ?? "x");
    const u = new uPlot(options(data, xName, size.width, size.height), [data.x, ...data.series.map((s) => s.values)] as uPlot.AlignedData, el);
    return () => u.destroy();
    // choice.x is read when the data it asked for arrives.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, size]);

  const [saved, setSaved] = useState<string | null>(null);
  const save = async () => {
    if (!data) return;
    setError(null);
    setSaved(null);
    try {
      const [path] = await pickPaths("export_chart_png");
      if (!path) return;
      const canvas = plot.current?.querySelector("canvas");
      await exportChart(path, "png", canvas?.toDataURL("image/png") ?? "");
      setSaved(path);
    } catch (e) {
      setError(asLakeError(e));
    }
  };
  // SVG is drawn by the engine from the same request (the page sends no markup).
  const saveSvg = async () => {
    if (!data) return;
    setError(null);
    setSaved(null);
    try {
      const [path] = await pickPaths("export_chart_svg");
      if (!path) return;
      const title = `${choice.ys.join(", ") || "rows"}${choice.x ? ` by ${choice.x}` : ""}`;
      await exportChartSvg(path, meta.id, request(choice, maxPoints), title);
      setSaved(path);
    } catch (e) {
      setError(asLakeError(e));
    }
  };

  const setKind = (kind: ChartKind) => {
    const next = choices(meta.columns, kind);
    setChoice((c) => ({
      ...c,
      kind,
      x: kind === "histogram" ? null : c.x && next.xs.includes(c.x) ? c.x : (next.xs[0] ?? null),
      ys: c.ys.filter((y) => next.ys.includes(y)).slice(0, kind === "histogram" ? 1 : 6).concat(c.ys.length ? [] : next.ys.slice(0, 1)),
    }));
  };
  // One y at a time in a histogram, and in a chart coloured by a column (a series per value).
  const toggleY = (y: string) =>
    setChoice((c) => ({ ...c, ys: c.ys.includes(y) ? c.ys.filter((v) => v !== y) : c.kind === "histogram" || c.color ? [y] : [...c.ys, y] }));
  const setColor = (color: string) => setChoice((c) => ({ ...c, color: color || null, ys: color ? c.ys.slice(0, 1) : c.ys }));

  return (
    <div className="chart-pane" data-testid="chart-pane">
      <div className="chart-bar">
        <label>
          Chart{" "}
          <select value={choice.kind} onChange={(e) => setKind(e.target.value as ChartKind)} data-testid="chart-kind">
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        {choice.kind !== "histogram" && (
          <label>
            x{" "}
            <select value={choice.x ?? ""} onChange={(e) => setChoice((c) => ({ ...c, x: e.target.value, color: c.color === e.target.value ? null : c.color }))} data-testid="chart-x">
              {opts.xs.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="chart-ys">
          {choice.kind === "histogram" ? "of" : "y"}
          {opts.ys.map((y) => (
            <label key={y} className="chart-y">
              <input type="checkbox" checked={choice.ys.includes(y)} onChange={() => toggleY(y)} data-testid="chart-y" data-column={y} /> {y}
            </label>
          ))}
          {opts.ys.length === 0 && <span className="dim"> no number columns</span>}
        </span>
        {choice.kind === "bar" && (
          <label>
            by{" "}
            <select value={choice.agg} onChange={(e) => setChoice((c) => ({ ...c, agg: e.target.value }))} data-testid="chart-agg">
              {AGGS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
        )}
        {choice.kind !== "histogram" && (
          <label title="A series for each value of this column (the 7 with the most rows, and the rest as other)">
            colour{" "}
            <select value={choice.color ?? ""} onChange={(e) => setColor(e.target.value)} data-testid="chart-color">
              <option value="">none</option>
              {meta.columns
                .filter((c) => c.name !== choice.x)
                .map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name}
                  </option>
                ))}
            </select>
          </label>
        )}
        {data && (
          <span className="dim" data-testid="chart-status" data-points={data.x.length}>
            {fmtInt(Number(data.rows))} rows{data.split_by ? `, ${fmtInt(data.series.length)} series by ${data.split_by}` : ""}
            {data.kind === "bar" || data.kind === "histogram"
              ? ` in ${fmtInt(data.x.length)} ${data.kind === "bar" ? "bars" : "bins"}${data.reduced ? " (the largest)" : ""}`
              : data.reduced
                ? `, drawn as ${fmtInt(data.x.length)} points (downsampled by the engine, LTTB)`
                : ""}
          </span>
        )}
      </div>
      {data && (
        <div className="chart-save">
          <button onClick={() => void save()} data-testid="chart-save-png">
            Save as PNG
          </button>{" "}
          <button onClick={() => void saveSvg()} data-testid="chart-save-svg" title="The engine draws the chart as a vector image">
            Save as SVG
          </button>
          {saved && (
            <span className="dim" data-testid="chart-saved">
              {" "}
              saved {saved}
            </span>
          )}
        </div>
      )}
      {error && <ErrorBox error={error} />}
      <div className="chart-box" ref={box}>
        <div ref={plot} data-testid="chart-plot" />
      </div>
    </div>
  );
}
