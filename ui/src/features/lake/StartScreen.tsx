import { useState } from "react";
import { open } from "@tauri-apps/plugin-dialog";
import type { ErrorPayload, LakeStatus } from "../../bindings/types";
import { openLake } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { ErrorBox } from "../../components/ErrorBox";

/** Shown when no lake is open: create one (default in the data folder) or open a folder. */
export function StartScreen({ status, onOpened }: { status: LakeStatus; onOpened: (s: LakeStatus) => void }) {
  const [path, setPath] = useState(status.default_path);
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

  async function pickFolder() {
    const dir = await open({ directory: true, multiple: false, title: "Open a lake folder" });
    if (typeof dir === "string") await go(dir, false);
  }

  return (
    <div className="start" data-testid="start-screen">
      <h1>Datapunk Lake</h1>
      <p className="dim">Your data, on your disk: a SQLite catalog and plain Parquet files. Nothing leaves this machine.</p>
      <section className="card">
        <h2>Create a lake</h2>
        <label className="field">
          <span>Folder</span>
          <input
            data-testid="lake-path"
            value={path}
            spellCheck={false}
            onChange={(e) => setPath(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && go(path, true)}
          />
        </label>
        <div className="row">
          <button className="primary" data-testid="create-lake" disabled={busy} onClick={() => go(path, true)}>
            Create lake
          </button>
          <button disabled={busy} onClick={pickFolder}>
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
