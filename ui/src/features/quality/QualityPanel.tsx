import { useEffect, useState } from "react";
import type { ErrorPayload, RuleResult } from "../../bindings/types";
import { checkDataset } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtTs } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";

/** How many of a check's rules fail, as a badge's words ("2 rules fail"), or null when all pass. */
export function failingText(results: RuleResult[]): string | null {
  const n = results.filter((r) => !r.passed).length;
  return n === 0 ? null : `${n} rule${n === 1 ? "" : "s"} fail${n === 1 ? "s" : ""}`;
}

/** A dataset's quality rules, checked on its current version, with the failing rows one click away. */
export function QualityPanel({
  name,
  onQuery,
  onChecked,
}: {
  name: string;
  onQuery: (sql: string) => void;
  onChecked?: (results: RuleResult[]) => void;
}) {
  const [results, setResults] = useState<RuleResult[] | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [again, setAgain] = useState(0);

  useEffect(() => {
    let stale = false;
    setError(null);
    checkDataset(name)
      .then((r) => {
        if (stale) return;
        setResults(r);
        onChecked?.(r);
      })
      .catch((e) => !stale && setError(asLakeError(e)));
    return () => {
      stale = true;
    };
    // onChecked is a callback of the parent; a new one must not re-run the check.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [name, again]);

  return (
    <div className="scroll pad" data-testid="quality-panel">
      {error && <ErrorBox error={error} />}
      {results && results.length === 0 && (
        <p className="dim">
          No rules yet. Add one from the command line, for example <code>lake rule add {name} ids unique --column id --block</code>; it is
          then checked on every import.
        </p>
      )}
      {results && results.length > 0 && (
        <>
          <p className="dim">
            Checked on the current version {results[0] ? `at ${fmtTs(results[0].ts)}` : ""}.{" "}
            <button onClick={() => setAgain((n) => n + 1)} data-testid="quality-recheck">
              Check again
            </button>
          </p>
          <table className="mini quality">
            <thead>
              <tr>
                <th>Rule</th>
                <th>Result</th>
                <th>On failure</th>
                <th>Found</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {results.map((r) => (
                <tr key={r.rule} data-testid="quality-rule" data-rule={r.rule} data-passed={r.passed ? "yes" : "no"}>
                  <td>{r.rule}</td>
                  <td className={r.passed ? "ok" : r.block ? "bad" : "warn"}>{r.passed ? "passes" : "fails"}</td>
                  <td className="dim">{r.block ? "blocks imports" : "warns"}</td>
                  <td>{r.detail}</td>
                  <td>
                    {r.failing_sql && (
                      <button data-testid="quality-rows" onClick={() => onQuery(r.failing_sql ?? "")}>
                        Show failing rows
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {!results && !error && <div className="dim">Checking…</div>}
    </div>
  );
}
