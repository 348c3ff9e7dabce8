import { useEffect, useState } from "react";
import type { ErrorPayload, RetentionPlan } from "../../bindings/types";
import { applyRetention, dropRetention, retentionPlan, setRetention } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtInt } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";

const DAYS = [7, 30, 90, 365, 730];

/** A cutoff as people read it: `2025-12-06 20:24 UTC` (a date stays a date). */
const when = (cutoff: string) => (cutoff.includes("T") ? `${cutoff.slice(0, 16).replace("T", " ")} UTC` : cutoff);

/** A dataset's retention policy: keep the last N days of its time column. Setting it shows what
 *  it would remove; only "Remove N rows" removes them, as a new version (the old ones stay
 *  restorable above until a vacuum). */
export function RetentionBox({ name, onApplied }: { name: string; onApplied: () => void }) {
  const [plan, setPlan] = useState<RetentionPlan | null>(null);
  const [days, setDays] = useState(365);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);

  useEffect(() => {
    let stale = false;
    setPlan(null);
    setDone(null);
    retentionPlan(name)
      .then((p) => {
        if (stale) return;
        setPlan(p);
        if (p) setDays(p.policy.keep_days);
      })
      .catch((e) => !stale && setError(asLakeError(e)));
    return () => {
      stale = true;
    };
  }, [name]);

  const act = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await f();
    } catch (e) {
      setError(asLakeError(e));
    } finally {
      setBusy(false);
    }
  };
  const save = () => act(async () => setPlan(await setRetention(name, days)));
  const apply = (p: RetentionPlan) =>
    act(async () => {
      const v = await applyRetention(p);
      setDone(v > 0 ? `Version ${v} keeps the rows from ${when(p.cutoff)} on; version ${p.version} is still restorable above.` : "No row was older.");
      setPlan(await retentionPlan(name));
      onApplied();
    });
  const remove = () =>
    act(async () => {
      await dropRetention(name);
      setPlan(null);
    });

  return (
    <div className="vacuum-box" data-testid="retention-box">
      <b>Retention</b>
      <span className="dim">
        Keep the last{" "}
        <select value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="retention-days" aria-label="Days to keep">
          {[...new Set([...DAYS, days])].sort((a, b) => a - b).map((d) => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </select>{" "}
        of this dataset{plan ? ` (by ${plan.policy.column})` : ""}. Older rows leave in a new version.
      </span>
      <span>
        <button disabled={busy} onClick={() => void save()} data-testid="retention-save">
          {plan ? "Change policy" : "Set policy"}
        </button>{" "}
        {plan && (
          <button disabled={busy} onClick={() => void remove()} data-testid="retention-drop">
            Remove policy
          </button>
        )}
      </span>
      {plan && (
        <div data-testid="retention-plan" data-removed={String(plan.rows_removed)}>
          {Number(plan.rows_removed) === 0 ? (
            <span className="dim">No row is older than {when(plan.cutoff)}.</span>
          ) : (
            <>
              {fmtInt(Number(plan.rows_removed))} of {fmtInt(Number(plan.rows))} rows are older than {when(plan.cutoff)}: {plan.files_removed} files
              left out, {plan.files_kept} kept as they are, {plan.files_rewritten} written again.{" "}
              <button className="danger" disabled={busy} onClick={() => void apply(plan)} data-testid="retention-apply">
                {busy ? "Removing…" : `Remove ${fmtInt(Number(plan.rows_removed))} rows`}
              </button>
            </>
          )}
        </div>
      )}
      {done && (
        <div className="notice" data-testid="retention-done">
          {done}
        </div>
      )}
      {error && <ErrorBox error={error} />}
    </div>
  );
}
