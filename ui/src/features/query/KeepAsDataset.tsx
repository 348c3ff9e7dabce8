import { useState } from "react";
import type { ErrorPayload } from "../../bindings/types";
import { createDataset } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtInt } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";

/** Keeps the last query's answer as a derived dataset: it records the query and the versions it
 *  read, shows in its Lineage tab, and can be refreshed when those change. */
export function KeepAsDataset({ sql, onCreated }: { sql: string | null; onCreated: (name: string) => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);

  const create = async () => {
    if (!sql || !name.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const made = await createDataset(name.trim(), sql);
      setDone(`Kept as ${made.dataset} v${made.version} (${fmtInt(made.rows)} rows); its Lineage tab shows what it was made from.`);
      setOpen(false);
      onCreated(made.dataset);
    } catch (e) {
      setError(asLakeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {!open ? (
        <button disabled={!sql} onClick={() => setOpen(true)} data-testid="keep-dataset" title="Keep this answer in the lake as a dataset made by this query">
          Keep as dataset…
        </button>
      ) : (
        <form
          className="keep-form"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="dataset name" data-testid="keep-dataset-name" aria-label="Name of the new dataset" />
          <button className="primary" type="submit" disabled={busy || !name.trim()} data-testid="keep-dataset-create">
            {busy ? "Creating…" : "Create"}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </form>
      )}
      {done && (
        <span className="notice small" data-testid="keep-dataset-done">
          {done}
        </span>
      )}
      {error && <ErrorBox error={error} />}
    </>
  );
}
