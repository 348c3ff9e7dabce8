import { useEffect, useState } from "react";
import { egressLog, onEgress } from "../lib/egress";

/** "Offline" in the top bar, and the egress log behind it: the requests the window's policy
 *  blocked (none in normal use). */
export function OfflineBadge() {
  const [, redraw] = useState(0);
  const [open, setOpen] = useState(false);
  useEffect(() => onEgress(() => redraw((n) => n + 1)), []);
  const log = egressLog();
  return (
    <span className="offline-wrap">
      <button
        className={`offline-badge ${log.length ? "warn" : ""}`}
        data-testid="offline-badge"
        onClick={() => setOpen((o) => !o)}
        title="Nothing leaves this machine. Click for the egress log."
      >
        ● Offline{log.length ? ` · ${log.length} blocked` : ""}
      </button>
      {open && (
        <div className="offline-log" data-testid="egress-log" role="dialog" aria-label="Egress log">
          <p>
            Nothing leaves this machine. The window may load only the app&apos;s own files (its content security policy allows no other address), and
            the app holds no network client (each build checks that). Every request the window tried, and the policy blocked, is listed here.
          </p>
          {log.length === 0 ? (
            <div className="dim" data-testid="egress-empty">
              No request was blocked since the app started.
            </div>
          ) : (
            <ul>
              {log.slice(-50).map((b, i) => (
                <li key={i}>
                  <span className="dim">{b.at.slice(11, 19)}</span> <code className="selectable">{b.uri}</code> <span className="dim">({b.directive})</span>
                </li>
              ))}
            </ul>
          )}
          <button onClick={() => setOpen(false)}>Close</button>
        </div>
      )}
    </span>
  );
}
