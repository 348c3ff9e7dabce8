import { useEffect, useState } from "react";
import type { ErrorPayload, TimelineRows } from "../../bindings/types";
import { timelineRows } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtInt } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";
import { fmtClock, fmtRange } from "./timeAxis";

/** Rows listed at most (from all sources together). */
const LIMIT = 500;

/** What happened in a stretch of time: the rows of every source in time order, each summed up
 *  by its first filled columns, with each source's count. */
export function DayView({
  range,
  onClose,
  onMapDay,
}: {
  range: [number, number];
  onClose: () => void;
  /** Opens a dataset on the map with a day's track. */
  onMapDay?: (dataset: string, day: string) => void;
}) {
  const [rows, setRows] = useState<TimelineRows | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [from, to] = range;

  useEffect(() => {
    let stale = false;
    setRows(null);
    setError(null);
    timelineRows({ from_ms: from, to_ms: to, limit: LIMIT })
      .then((r) => !stale && setRows(r))
      .catch((e) => !stale && setError(asLakeError(e)));
    return () => {
      stale = true;
    };
  }, [from, to]);

  const total = rows?.sources.reduce((n, s) => n + Number(s.rows), 0) ?? 0;
  const withRows = rows?.sources.filter((s) => Number(s.rows) > 0) ?? [];
  return (
    <section className="day-view" data-testid="day-view" data-from={from} data-to={to} aria-label="Rows in the selected time">
      <div className="day-head">
        <b>{fmtRange(from, to)}</b>
        <span className="dim" data-testid="day-count" data-rows={rows ? total : undefined}>
          {rows
            ? `${fmtInt(total)} rows from ${withRows.length} sources${total > rows.rows.length ? `, the first ${fmtInt(rows.rows.length)} listed` : ""} · ${rows.elapsed_ms.toFixed(0)} ms`
            : "reading…"}
        </span>
        <button onClick={onClose} title="Close the list (Esc)" data-testid="day-close">
          ×
        </button>
      </div>
      {error && <ErrorBox error={error} />}
      {rows && rows.masked.length > 0 && <div className="dim">Masked as personal data: {rows.masked.join(", ")}</div>}
      <div className="day-sources">
        {withRows.map((s) => (
          <span key={s.dataset} className="chip" data-testid="day-source" data-dataset={s.dataset} data-rows={String(s.rows)}>
            {s.dataset} <b>{fmtInt(Number(s.rows))}</b>
            {s.mappable && onMapDay && (
              <button
                className="chip-action"
                onClick={() => onMapDay(s.dataset, new Date(from).toISOString().slice(0, 10))}
                title={`Show ${s.dataset}'s track of ${new Date(from).toISOString().slice(0, 10)} on its map`}
                data-testid="day-map"
              >
                map
              </button>
            )}
          </span>
        ))}
      </div>
      {rows && rows.rows.length === 0 && <div className="dim">Nothing happened in this stretch of time.</div>}
      <ol className="day-rows">
        {rows?.rows.map((r, i) => (
          <li key={i} data-testid="day-row" data-dataset={r.dataset} data-ms={r.ms}>
            <time>{fmtClock(r.ms, to - from)}</time>
            <span className="day-source">{r.dataset.replace(/^takeout\./, "")}</span>
            <span className="day-fields ellipsis">
              {r.fields.map((f) => (
                <span key={f.name} title={`${f.name}: ${f.value}`}>
                  <span className="dim">{f.name}</span> {f.value}
                </span>
              ))}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
