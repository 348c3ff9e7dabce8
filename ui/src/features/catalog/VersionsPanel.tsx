import { useEffect, useState } from "react";
import type { ErrorPayload, VersionEntry } from "../../bindings/types";
import { datasetHistory, restoreVersion } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtBytes, fmtInt, fmtTs, sqlName } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";
import { VacuumBox } from "./VacuumBox";
import { RetentionBox } from "./RetentionBox";

/** What changed in a version's columns, in a few words. */
export function columnChange(v: VersionEntry): string {
  const parts: string[] = [];
  if (v.added.length) parts.push(`+ ${v.added.map((c) => `${c.name} ${c.dtype}`).join(", ")}`);
  if (v.removed.length) parts.push(`− ${v.removed.map((c) => c.name).join(", ")}`);
  for (const r of v.retyped) parts.push(`${r.name}: ${r.from} → ${r.to}`);
  return parts.join("; ");
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** A dataset's versions: where each came from, what changed, and time travel to it or back. */
export function VersionsPanel({
  name,
  onQuery,
  onRestored,
}: {
  name: string;
  onQuery: (sql: string) => void;
  /** A restore made a new current version. */
  onRestored: () => void;
}) {
  const [entries, setEntries] = useState<VersionEntry[] | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [asking, setAsking] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let stale = false;
    datasetHistory(name)
      .then((h) => !stale && setEntries(h))
      .catch((e) => !stale && setError(asLakeError(e)));
    return () => {
      stale = true;
    };
  }, [name, reload]);

  const restore = async (version: number) => {
    setBusy(true);
    setError(null);
    try {
      const made = await restoreVersion(name, version);
      setDone(`Version ${version} is current again, as version ${made}. Nothing was deleted: every version stays in this list.`);
      setAsking(null);
      setReload((n) => n + 1);
      onRestored();
    } catch (e) {
      setError(asLakeError(e));
    } finally {
      setBusy(false);
    }
  };

  // The first version's columns are all new; only later changes are shown.
  const oldest = entries?.[entries.length - 1]?.version;
  return (
    <div className="scroll pad" data-testid="versions-panel">
      {error && <ErrorBox error={error} />}
      {done && (
        <div className="notice" data-testid="restore-done">
          {done}
        </div>
      )}
      <p className="dim">
        Read any version in SQL with <code>FROM {sqlName(name)} VERSION AS OF 3</code> or{" "}
        <code>TIMESTAMP AS OF &apos;2026-11-01&apos;</code>.
      </p>
      {entries && (
        <table className="mini versions">
          <thead>
            <tr>
              <th>Version</th>
              <th>Committed</th>
              <th>Made by</th>
              <th className="num">Rows</th>
              <th className="num">Size</th>
              <th>From</th>
              <th>Column changes</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {entries.map((v) => {
              const gone = v.vacuumed_at != null;
              return (
                <tr key={v.version} data-testid={`version-${v.version}`} className={gone ? "dim" : undefined}>
                  <td>
                    v{v.version}
                    {v.current && <span className="badge">current</span>}
                  </td>
                  <td>{fmtTs(v.created_at)}</td>
                  <td title={v.derivation ? `${v.derivation.sql}\n\nread: ${v.derivation.inputs.map((i) => `${i.dataset} v${i.version}`).join(", ")}` : undefined}>
                    {v.restored_from != null ? `restore of v${v.restored_from}` : v.derivation ? "query" : v.mode}
                  </td>
                  <td className="num">{fmtInt(v.rows)}</td>
                  <td className="num">{fmtBytes(v.bytes)}</td>
                  <td className="ellipsis" title={v.sources.map((s) => `${s.path} (sha256 ${s.sha256})`).join("\n")}>
                    {v.sources.length === 0
                      ? "–"
                      : v.sources.length === 1
                        ? fileName(v.sources[0].path)
                        : `${fileName(v.sources[v.sources.length - 1].path)} and ${v.sources.length - 1} more`}
                  </td>
                  <td className="ellipsis">{v.version === oldest ? "" : columnChange(v)}</td>
                  <td className="actions">
                    {gone ? (
                      <span title={`Removed by vacuum at ${fmtTs(v.vacuumed_at ?? "")}`}>vacuumed</span>
                    ) : (
                      <>
                        <button
                          data-testid={`version-query-${v.version}`}
                          onClick={() => onQuery(`SELECT *\nFROM ${sqlName(name)} VERSION AS OF ${v.version}\nLIMIT 100`)}
                        >
                          Query
                        </button>
                        {!v.current &&
                          (asking === v.version ? (
                            <>
                              <button className="primary" disabled={busy} data-testid={`version-restore-yes-${v.version}`} onClick={() => void restore(v.version)}>
                                Make v{v.version} current
                              </button>
                              <button disabled={busy} onClick={() => setAsking(null)}>
                                Keep
                              </button>
                            </>
                          ) : (
                            <button data-testid={`version-restore-${v.version}`} onClick={() => setAsking(v.version)}>
                              Restore…
                            </button>
                          ))}
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {!entries && !error && <div className="dim">Loading…</div>}
      <RetentionBox name={name} onApplied={() => (setReload((n) => n + 1), onRestored())} />
      <VacuumBox onVacuumed={() => setReload((n) => n + 1)} />
    </div>
  );
}
