import { useState } from "react";
import type { ColumnSummary, EmbedProgress, EmbedReport, ErrorPayload } from "../../bindings/types";
import { Channel, cancelQuery, makeSearchable } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtInt, fmtMs } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";

/** Text columns people search first, best first. */
const LIKELY = ["body_text", "text", "body", "content", "note", "title", "subject", "query", "description", "name"];

/** The text column to offer first: a likely name, else the first text column. */
export function likelyTextColumn(columns: { name: string; dtype: string }[]): string | null {
  const texts = columns.filter((c) => c.dtype === "str").map((c) => c.name);
  return LIKELY.find((n) => texts.includes(n)) ?? texts[0] ?? null;
}

/** The vector columns made from a text column (`<text>_embedding`). */
export function searchableColumns(columns: { name: string; dtype: string }[]): string[] {
  const texts = new Set(columns.filter((c) => c.dtype === "str").map((c) => c.name));
  return columns
    .filter((c) => c.dtype.startsWith("array[f32") && c.name.endsWith("_embedding") && texts.has(c.name.slice(0, -"_embedding".length)))
    .map((c) => c.name.slice(0, -"_embedding".length));
}

/** A run of "Make searchable": its column and how far it is. */
export type Embedding = { column: string; progress: EmbedProgress | null };

/** "1,234 of 5,000 texts · about 3 s left" (the time once there is a pace). */
export function progressText(p: EmbedProgress | null): string {
  if (!p || p.total === 0) return "";
  const left = p.done > 0 ? (p.elapsed_s / p.done) * (p.total - p.done) : null;
  return `${fmtInt(p.done)} of ${fmtInt(p.total)} texts${left !== null && p.done < p.total ? ` · about ${fmtMs(left * 1000)} left` : ""}`;
}

/** What the last "Make searchable" did. */
export function EmbedSummary({ report }: { report: EmbedReport }) {
  return (
    <span className="dim" data-testid="searchable-report">
      v{report.version}: {fmtInt(report.embedded)} of {fmtInt(report.rows)} rows searchable
      {report.rows > report.embedded ? " (the others have no text, or no word the model knows)" : ""} ·{" "}
      {report.rows >= 1000 ? `${fmtInt(Math.round(report.rows / Math.max(report.embed_s, 1e-6)))} texts/s` : `in ${report.total_s.toFixed(2)} s`}
    </span>
  );
}

/** "Make searchable": a text column's vectors added as a new version, with their index. The
 *  parent keeps the running state and the report (this box is drawn again when the view
 *  changes or the new version is read). */
export function SearchableBox({
  name,
  columns,
  busy,
  onBusy,
  onDone,
}: {
  name: string;
  columns: ColumnSummary[];
  /** The run going on now, if any. */
  busy: Embedding | null;
  onBusy: (run: Embedding | null) => void;
  onDone: (r: EmbedReport) => void;
}) {
  const texts = columns.filter((c) => c.dtype === "str").map((c) => c.name);
  const done = searchableColumns(columns);
  const [column, setColumn] = useState<string>(() => likelyTextColumn(columns.filter((c) => !done.includes(c.name))) ?? "");
  const [error, setError] = useState<ErrorPayload | null>(null);
  const tab = `embed:${name}`;
  const left = texts.filter((t) => !done.includes(t));
  // Once a column is made searchable, the choice moves on to the next likely one.
  const chosen = left.includes(column) ? column : (likelyTextColumn(columns.filter((c) => left.includes(c.name))) ?? "");
  if (texts.length === 0) return null;

  const start = async () => {
    const column = chosen;
    onBusy({ column, progress: null });
    setError(null);
    // A progress message may arrive after the answer: once it is in, none counts.
    let finished = false;
    const channel = new Channel<EmbedProgress>();
    channel.onmessage = (progress) => {
      if (!finished) onBusy({ column, progress });
    };
    try {
      onDone(await makeSearchable(name, column, tab, channel));
    } catch (e) {
      setError(asLakeError(e));
    } finally {
      finished = true;
      onBusy(null);
    }
  };

  return (
    <div className="searchable-box" data-testid="searchable-box">
      {done.length > 0 && (
        <span className="dim" data-testid="searchable-done">
          Searchable by meaning: {done.join(", ")}
        </span>
      )}
      {left.length > 0 && !busy && (
        <>
          <select value={chosen} onChange={(e) => setColumn(e.target.value)} data-testid="searchable-column" aria-label="Text column to make searchable">
            {left.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <button onClick={() => void start()} disabled={!chosen} data-testid="make-searchable" title="Add each text's meaning as a vector column (a new version) and index it, so Search and Find similar can use it">
            Make searchable
          </button>
        </>
      )}
      {busy && (
        <>
          <span className="dim" data-testid="searchable-busy">
            Making {busy.column} searchable… {progressText(busy.progress)}
          </span>
          <button onClick={() => void cancelQuery(tab)} data-testid="searchable-cancel">
            Cancel
          </button>
        </>
      )}
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
    </div>
  );
}
