import { useState } from "react";
import type { ErrorPayload } from "../../bindings/types";
import { createDataset, createView } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtInt } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";

const WORDS = {
  dataset: {
    button: "Keep as dataset…",
    title: "Keep this answer in the lake as a dataset made by this query",
    placeholder: "dataset name",
    label: "Name of the new dataset",
    create: "Create",
    busy: "Creating…",
  },
  view: {
    button: "Save as view…",
    title: "Save this query under a name you can query like a dataset; it always reads the current data",
    placeholder: "view name",
    label: "Name of the view",
    create: "Save",
    busy: "Saving…",
  },
};

/** Keeps the last query as a derived dataset (its answer, recording the query and the versions
 *  it read, refreshable when those change) or as a view (the query itself, under a name). */
export function KeepAsDataset({
  sql,
  kind = "dataset",
  onCreated,
}: {
  sql: string | null;
  kind?: "dataset" | "view";
  onCreated: (name: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const w = WORDS[kind];
  const id = `keep-${kind}`;

  const create = async () => {
    if (!sql || !name.trim()) return;
    setBusy(true);
    setError(null);
    try {
      if (kind === "view") {
        await createView(name.trim(), sql);
        setDone(`Saved as the view ${name.trim()}: query it like a dataset, SELECT * FROM ${name.trim()}.`);
        onCreated(name.trim());
      } else {
        const made = await createDataset(name.trim(), sql);
        setDone(`Kept as ${made.dataset} v${made.version} (${fmtInt(made.rows)} rows); its Lineage tab shows what it was made from.`);
        onCreated(made.dataset);
      }
      setOpen(false);
    } catch (e) {
      setError(asLakeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {!open ? (
        <button disabled={!sql} onClick={() => setOpen(true)} data-testid={id} title={w.title}>
          {w.button}
        </button>
      ) : (
        <form
          className="keep-form"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder={w.placeholder} data-testid={`${id}-name`} aria-label={w.label} />
          <button className="primary" type="submit" disabled={busy || !name.trim()} data-testid={`${id}-create`}>
            {busy ? w.busy : w.create}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </form>
      )}
      {done && (
        <span className="notice small" data-testid={`${id}-done`}>
          {done}
        </span>
      )}
      {error && <ErrorBox error={error} />}
    </>
  );
}
