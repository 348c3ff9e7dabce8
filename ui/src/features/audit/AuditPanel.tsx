import { useEffect, useState } from "react";
import type { AuditView, ErrorPayload } from "../../bindings/types";
import { auditView } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtTs } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";
import "./audit.css";

const SINCE: [string, string][] = [
  ["", "All time"],
  ["1d", "Last day"],
  ["7d", "Last 7 days"],
  ["30d", "Last 30 days"],
];

/** The details of an entry, one line: its JSON's fields as `key: value`. */
export function detailText(details: string | null): string {
  if (!details) return "";
  try {
    const v = JSON.parse(details) as Record<string, unknown>;
    return Object.entries(v)
      .filter(([, x]) => x != null && !(Array.isArray(x) && x.length === 0))
      .map(([k, x]) => `${k}: ${typeof x === "string" ? x : JSON.stringify(x)}`)
      .join(" · ");
  } catch {
    return details;
  }
}

/** The lake's append-only audit log, with filters, and whether its hash chain is intact. */
export function AuditPanel() {
  const [since, setSince] = useState("");
  const [action, setAction] = useState("");
  const [text, setText] = useState("");
  const [view, setView] = useState<AuditView | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let stale = false;
    // Typing waits a moment before asking again.
    const t = setTimeout(() => {
      auditView(since || null, action || null, text || null)
        .then((v) => {
          if (!stale) {
            setView(v);
            setError(null);
          }
        })
        .catch((e) => !stale && setError(asLakeError(e)));
    }, 150);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [since, action, text, reload]);

  const check = view?.check;
  return (
    <div className="audit pad scroll" data-testid="audit-panel">
      <div className="audit-bar">
        <select value={since} onChange={(e) => setSince(e.target.value)} data-testid="audit-since" aria-label="Since">
          {SINCE.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
        <select value={action} onChange={(e) => setAction(e.target.value)} data-testid="audit-action" aria-label="Action">
          <option value="">Every action</option>
          {view?.actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <input
          type="search"
          placeholder="Dataset, SQL or path…"
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="audit-text"
          aria-label="Filter by text"
        />
        <button onClick={() => setReload((n) => n + 1)} title="Read the log again">
          Reload
        </button>
        <span className="grow" />
        {check && (
          <span className={check.broken_at ? "audit-broken" : "audit-ok"} data-testid="audit-check">
            {check.broken_at
              ? `Changed: entry ${check.broken_at[0]} (${check.broken_at[2]} at ${fmtTs(check.broken_at[1])}) does not match the hash chain; entries from there on cannot be trusted`
              : `Hash chain intact: ${Number(check.chained).toLocaleString()} entries${Number(check.unchained) > 0 ? ` (${check.unchained} older, unchained)` : ""}`}
          </span>
        )}
      </div>
      {error && <ErrorBox error={error} />}
      {view && (
        <table className="mini audit-table" data-testid="audit-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Action</th>
              <th>Dataset</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {view.entries.map((e, i) => (
              <tr key={i} data-testid="audit-row" data-action={e.action}>
                <td className="nowrap">{fmtTs(e.ts)}</td>
                <td>{e.action}</td>
                <td>
                  {e.dataset ?? ""}
                  {e.version != null && <span className="dim"> v{e.version}</span>}
                </td>
                <td className="audit-details" title={e.details ?? ""}>
                  {detailText(e.details)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {view && view.entries.length === 0 && <div className="dim pad">No entries match.</div>}
      {view && view.entries.length === 500 && <div className="dim">The newest 500 shown; narrow the filters for older ones.</div>}
    </div>
  );
}
