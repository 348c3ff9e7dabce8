import { useState } from "react";
import type { ErrorPayload, LakeStatus } from "../../bindings/types";
import { openLake, pickPaths } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { ErrorBox } from "../../components/ErrorBox";

/**
 * Shown when no lake is open: create one in the default folder or in a folder the user picks,
 * or open a lake folder. Folders come from the shell's dialog (or the recent list), never from
 * typed text: a folder that is not empty and holds no lake is refused, untouched.
 */
export function StartScreen({ status, onOpened }: { status: LakeStatus; onOpened: (s: LakeStatus) => void }) {
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [busy, setBusy] = useState(false);

  async function go(p: string, create: boolean) {
    setBusy(true);
    setError(null);
    try {
      onOpened(await openLake(p, create));
    } catch (e) {
      setError(asLakeError(e));
    } finally {
      setBusy(false);
    }
  }

  async function pickFolder(create: boolean) {
    try {
      const [dir] = await pickPaths("lake_folder");
      if (dir) await go(dir, create);
    } catch (e) {
      setError(asLakeError(e));
    }
  }

  return (
    <div className="start" data-testid="start-screen">
      <h1>Datapunk Lake</h1>
      <p className="dim">Your data, on your disk: a SQLite catalog and plain Parquet files. Nothing leaves this machine.</p>
      <section className="card">
        <h2>Create a lake</h2>
        <div className="field">
          <span>Default folder</span>
          <code data-testid="lake-path">{status.default_path}</code>
        </div>
        <div className="row">
          <button className="primary" data-testid="create-lake" disabled={busy} onClick={() => go(status.default_path, true)}>
            Create lake
          </button>
          <button data-testid="create-lake-elsewhere" disabled={busy} onClick={() => pickFolder(true)}>
            Create in an empty folder…
          </button>
          <button data-testid="open-lake-folder" disabled={busy} onClick={() => pickFolder(false)}>
            Open lake folder…
          </button>
        </div>
      </section>
      {status.recent.length > 0 && (
        <section className="card">
          <h2>Recent lakes</h2>
          <ul className="recent">
            {status.recent.map((r) => (
              <li key={r}>
                <button className="link" onClick={() => go(r, false)}>
                  {r}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {error && <ErrorBox error={error} />}
    </div>
  );
}
