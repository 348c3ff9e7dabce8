import { useCallback, useEffect, useRef, useState } from "react";
import type { ErrorPayload, Strip, TimelineView } from "../../bindings/types";
import { timeline } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtInt, sqlName } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";
import { DAY_MS, dayRange, fmtAt, fmtSpan, ticks, timeLiteral, zoom } from "./timeAxis";
import { DayView } from "./DayView";
import "./timeline.css";

const LABEL_W = 230;
const STRIP_H = 26;
/** Pixels per bucket. */
const PX = 4;

/** Every dataset with a time column on one axis, from the whole history down to minutes: each
 *  a strip of its rows per bucket, counted by the engine for the range in view. Scroll to zoom,
 *  drag to move, click a bar for its rows; Shift+drag (or a day, or "Rows in view") lists what
 *  happened in a stretch of time, every source together in time order. */
export function TimelinePanel({ onQuery, onMapDay }: { onQuery: (sql: string) => void; onMapDay?: (dataset: string, day: string) => void }) {
  const [range, setRange] = useState<[number, number] | null>(null);
  const [view, setView] = useState<TimelineView | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [width, setWidth] = useState(0);
  const area = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; from: number; to: number } | null>(null);
  const [picked, setPicked] = useState<[number, number] | null>(null);
  const [selecting, setSelecting] = useState<[number, number] | null>(null);
  const [dayText, setDayText] = useState("");
  const [dayError, setDayError] = useState(false);

  useEffect(() => {
    const el = area.current;
    if (!el) return;
    const seen = new ResizeObserver(() => setWidth(Math.max(el.clientWidth - LABEL_W - 16, 100)));
    seen.observe(el);
    return () => seen.disconnect();
  }, []);

  const buckets = Math.max(Math.floor(width / PX), 10);
  useEffect(() => {
    if (width === 0) return;
    let stale = false;
    // A short pause first: a wheel or a drag asks for many ranges in a row.
    const t = setTimeout(() => {
      timeline({ from_ms: range?.[0] ?? null, to_ms: range?.[1] ?? null, buckets })
        .then((v) => {
          if (stale) return;
          setView(v);
          setError(null);
        })
        .catch((e) => !stale && setError(asLakeError(e)));
    }, 60);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [range, buckets, width]);

  const d = view?.density ?? null;
  const [from, to] = range ?? (d ? [d.from_ms, d.to_ms] : [0, 1]);
  const timeAt = useCallback((clientX: number) => {
    const el = area.current?.querySelector(".timeline-axis");
    const r = el?.getBoundingClientRect();
    return r ? from + ((clientX - r.left) / r.width) * (to - from) : from;
  }, [from, to]);

  const onWheel = (e: React.WheelEvent) => {
    if (!d) return;
    setRange(zoom(from, to, timeAt(e.clientX), e.deltaY < 0 ? 0.8 : 1.25));
  };
  const onDown = (e: React.MouseEvent) => {
    if (!d) return;
    if (e.shiftKey) {
      const t = timeAt(e.clientX);
      setSelecting([t, t]);
    } else drag.current = { x: e.clientX, from, to };
  };
  const onUp = () => {
    drag.current = null;
    if (selecting) {
      const [a, b] = [Math.min(...selecting), Math.max(...selecting)];
      if (b - a >= 1000) setPicked([Math.floor(a), Math.ceil(b)]);
      setSelecting(null);
    }
  };
  const goToDay = () => {
    const day = dayRange(dayText);
    setDayError(!day);
    if (!day) return;
    setRange(day);
    setPicked(day);
  };
  const dayAtCentre = () => {
    const start = Math.floor((from + to) / 2 / DAY_MS) * DAY_MS;
    setRange([start, start + DAY_MS]);
    setPicked([start, start + DAY_MS]);
  };
  const onMove = (e: React.MouseEvent) => {
    if (selecting) {
      setSelecting([selecting[0], timeAt(e.clientX)]);
      return;
    }
    const g = drag.current;
    if (!g || width === 0) return;
    const shift = ((g.x - e.clientX) / width) * (g.to - g.from);
    if (Math.abs(g.x - e.clientX) > 2) setRange([g.from + shift, g.to + shift]);
  };

  const rowsOf = (s: Strip, i: number) => {
    if (!d) return;
    const src = view?.sources.find((x) => x.dataset === s.dataset);
    const date = src?.date ?? false;
    const a = d.from_ms + i * d.bucket_ms;
    const col = sqlName(s.column);
    onQuery(
      `SELECT *\nFROM ${sqlName(s.dataset)}\nWHERE ${col} >= ${timeLiteral(a, date)} AND ${col} < ${timeLiteral(a + d.bucket_ms, date)}\nORDER BY ${col}`,
    );
  };

  const span = to - from;
  return (
    <div className="timeline pad" data-testid="timeline-panel">
      <div className="timeline-bar">
        <b>{d ? `${fmtAt(from, span)} → ${fmtAt(to, span)}` : "Timeline"}</b>
        {d && (
          <span className="dim" data-testid="timeline-range" data-from={from} data-to={to}>
            {fmtSpan(span)} in buckets of {fmtSpan(d.bucket_ms)} · counted in {d.elapsed_ms.toFixed(0)} ms
          </span>
        )}
        <button onClick={() => d && setRange(zoom(from, to, (from + to) / 2, 0.5))} disabled={!d} data-testid="timeline-zoom-in" title="Zoom in (or scroll up)">
          +
        </button>
        <button onClick={() => d && setRange(zoom(from, to, (from + to) / 2, 2))} disabled={!d} data-testid="timeline-zoom-out" title="Zoom out (or scroll down)">
          −
        </button>
        <button onClick={() => setRange(null)} disabled={!range} data-testid="timeline-all">
          Whole history
        </button>
        <button onClick={dayAtCentre} disabled={!d} data-testid="timeline-day-centre" title="Zoom to the day in the middle and list its rows">
          Day
        </button>
        <button onClick={() => d && setPicked([Math.floor(from), Math.ceil(to)])} disabled={!d} data-testid="timeline-list" title="List the rows of the range in view">
          Rows in view
        </button>
        <input
          className={`timeline-day-input${dayError ? " invalid" : ""}`}
          value={dayText}
          placeholder="YYYY-MM-DD"
          aria-label="Go to a day"
          title="Go to a day (UTC) and list its rows: type it and press Enter"
          data-testid="timeline-day"
          onChange={(e) => setDayText(e.target.value)}
          onKeyDown={(e) => e.key === "Enter" && goToDay()}
        />
        <span className="dim">Scroll to zoom, drag to move, Shift+drag to list a stretch, click a bar for its rows.</span>
      </div>
      {error && <ErrorBox error={error} />}
      {view && view.sources.length === 0 && <div className="dim">No dataset has a time column yet. Import a Takeout, or files with dates.</div>}
      <div
        className="timeline-area"
        ref={area}
        onWheel={onWheel}
        onMouseDown={onDown}
        onMouseMove={onMove}
        onMouseUp={onUp}
        onMouseLeave={onUp}
        onKeyDown={(e) => e.key === "Escape" && setPicked(null)}
        tabIndex={-1}
      >
        {d && (
          <>
            <div className="timeline-row">
              <span className="timeline-label" />
              <div className="timeline-axis" style={{ width }}>
                {selecting && (
                  <div
                    className="timeline-select"
                    style={{
                      left: `${((Math.min(...selecting) - from) / span) * 100}%`,
                      width: `${(Math.abs(selecting[1] - selecting[0]) / span) * 100}%`,
                    }}
                  />
                )}
                {ticks(from, to, 6).map((t) => (
                  <span key={t} style={{ left: `${((t - from) / span) * 100}%` }}>
                    {fmtAt(t, span)}
                  </span>
                ))}
              </div>
            </div>
            {d.strips.map((s) => {
              const max = Math.max(...s.counts, 1);
              // Placed by time: the engine may widen the range to whole days.
              const w = (d.bucket_ms / span) * width;
              const x0 = ((d.from_ms - from) / span) * width;
              return (
                <div
                  key={s.dataset}
                  className="timeline-row"
                  data-testid="timeline-strip"
                  data-dataset={s.dataset}
                  data-total={s.total}
                  data-min-ms={view?.sources.find((x) => x.dataset === s.dataset)?.min_ms ?? undefined}
                >
                  <span className="timeline-label ellipsis" title={`${s.dataset}.${s.column}`}>
                    {s.dataset} <span className="dim">{fmtInt(s.total)}</span>
                  </span>
                  <svg width={width} height={STRIP_H} className="timeline-strip">
                    {s.counts.map((c, i) =>
                      c === 0 ? null : (
                        <rect
                          key={i}
                          x={x0 + i * w}
                          y={STRIP_H - Math.max(2, (STRIP_H - 2) * Math.sqrt(c / max))}
                          width={Math.max(w - 0.5, 1)}
                          height={Math.max(2, (STRIP_H - 2) * Math.sqrt(c / max))}
                          data-testid="timeline-bar"
                          data-count={c}
                          onClick={() => rowsOf(s, i)}
                        >
                          <title>
                            {fmtInt(c)} rows from {fmtAt(d.from_ms + i * d.bucket_ms, d.bucket_ms)}
                          </title>
                        </rect>
                      ),
                    )}
                  </svg>
                </div>
              );
            })}
          </>
        )}
      </div>
      {picked && <DayView range={picked} onClose={() => setPicked(null)} onMapDay={onMapDay} />}
    </div>
  );
}
