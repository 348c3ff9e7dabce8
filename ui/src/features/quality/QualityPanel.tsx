import { useEffect, useState } from "react";
import type { ErrorPayload, RuleKind, RuleResult } from "../../bindings/types";
import { addRule, checkDataset, dropRule } from "../../bindings/commands";
import { RuleForm } from "./RuleForm";
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
  columns = [],
  onQuery,
  onChecked,
}: {
  name: string;
  /** The dataset's columns, for the rule form. */
  columns?: string[];
  onQuery: (sql: string) => void;
  onChecked?: (results: RuleResult[]) => void;
}) {
  const [results, setResults] = useState<RuleResult[] | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [again, setAgain] = useState(0);
  const [busy, setBusy] = useState(false);

  const change = async (work: () => Promise<RuleResult[]>) => {
    setBusy(true);
    setError(null);
    try {
      const r = await work();
      setResults(r);
      onChecked?.(r);
    } catch (e) {
      setError(asLakeError(e));
    } finally {
      setBusy(false);
    }
  };
  const add = (rule: string, column: string | null, check: RuleKind, block: boolean) =>
    void change(() => addRule({ dataset: name, name: rule, column, check, block }));

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
          No rules yet. Add one below (or from the command line: <code>lake rule add {name} ids unique --column id --block</code>); it is then
          checked on every import.
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
                    )}{" "}
                    <button disabled={busy} onClick={() => void change(() => dropRule(name, r.rule))} title="Remove this rule" data-testid="quality-drop">
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {!results && !error && <div className="dim">Checking…</div>}
      {results && <RuleForm columns={columns} onAdd={add} busy={busy} />}
    </div>
  );
}
