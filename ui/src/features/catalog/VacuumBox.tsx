import { useState } from "react";
import type { ErrorPayload, VacuumReport } from "../../bindings/types";
import { vacuum } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtBytes, fmtInt } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";

const AGES: [string, string][] = [
  ["90d", "90 days"],
  ["30d", "30 days"],
  ["7d", "7 days"],
  ["1d", "1 day"],
  ["0d", "any age"],
];

/** Frees the disk space of old versions, for the whole lake: first what it would remove (a dry
 *  run), then, once the user agrees, exactly that. Current versions and files a kept version
 *  still reads are never removed; vacuumed versions stay in the history, marked. */
export function VacuumBox({ onVacuumed }: { onVacuumed: () => void }) {
  const [age, setAge] = useState("30d");
  const [plan, setPlan] = useState<VacuumReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);

  const run = async (dryRun: boolean) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const r = await vacuum(age, dryRun);
      if (dryRun) setPlan(r);
      else {
        setPlan(null);
        setDone(`Removed ${fmtInt(r.files.length)} files (${fmtBytes(r.bytes)}) of ${fmtInt(r.versions.length)} old versions.`);
        onVacuumed();
      }
    } catch (e) {
      setError(asLakeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="vacuum-box" data-testid="vacuum-box">
      <b>Free disk space</b>{" "}
      <span className="dim">
        Removes the files of versions older than{" "}
        <select value={age} onChange={(e) => (setAge(e.target.value), setPlan(null))} data-testid="vacuum-age" aria-label="Older than">
          {AGES.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>{" "}
        in the whole lake, except current ones. They can no longer be queried or restored.
      </span>{" "}
      <button disabled={busy} onClick={() => void run(true)} data-testid="vacuum-preview">
        {busy && !plan ? "Looking…" : "Show what it would remove"}
      </button>
      {plan && plan.versions.length === 0 && (
        <div className="dim" data-testid="vacuum-nothing">
          Nothing to remove: no version older than that is out of use.
        </div>
      )}
      {plan && plan.versions.length > 0 && (
        <div data-testid="vacuum-plan">
          <div>
            {fmtInt(plan.versions.length)} versions, {fmtInt(plan.files.length)} files, {fmtBytes(plan.bytes)}:{" "}
            <span className="selectable">{plan.versions.slice(0, 12).join(", ")}</span>
            {plan.versions.length > 12 && <span className="dim"> and {plan.versions.length - 12} more</span>}
          </div>
          <button className="danger" disabled={busy} onClick={() => void run(false)} data-testid="vacuum-run">
            {busy ? "Removing…" : `Remove ${fmtInt(plan.files.length)} files`}
          </button>{" "}
          <button disabled={busy} onClick={() => setPlan(null)}>
            Cancel
          </button>
        </div>
      )}
      {done && (
        <div className="notice" data-testid="vacuum-done">
          {done}
        </div>
      )}
      {error && <ErrorBox error={error} />}
    </div>
  );
}
