import { useCallback, useEffect, useState } from "react";
import type { ErrorPayload, FilterSpec, ResultMeta, SortSpec } from "../bindings/types";
import { fetchRows, setResultView } from "../bindings/commands";
import { asLakeError } from "../lib/errors";
import { DataGrid } from "./DataGrid";
import { ErrorBox } from "./ErrorBox";
import { markFirstPage } from "../lib/metrics";

/** A kept result in the grid: rows come from the engine a window at a time, as Arrow IPC. */
export default function ResultGrid({
  meta: initial,
  onSelect,
}: {
  meta: ResultMeta;
  /** The selected row of the grid's view (sorted and filtered by the engine), if any. */
  onSelect?: (row: number | null) => void;
}) {
  const [meta, setMeta] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  useEffect(() => setMeta(initial), [initial]);

  const fetchPage = useCallback(
    async (offset: number, limit: number) => {
      const bytes = await fetchRows(meta.id, offset, limit);
      markFirstPage(meta.id);
      return bytes;
    },
    [meta.id],
  );

  const apply = useCallback(
    async (sort: SortSpec | null, filter: FilterSpec | null) => {
      setBusy(true);
      setError(null);
      try {
        setMeta(await setResultView(meta.id, sort, filter));
      } catch (e) {
        setError(asLakeError(e));
      } finally {
        setBusy(false);
      }
    },
    [meta.id],
  );

  return (
    <div className="result-grid">
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
      <DataGrid
        meta={meta}
        fetchPage={fetchPage}
        busy={busy}
        onSort={(s) => void apply(s, meta.filter)}
        onFilter={(f) => void apply(meta.sort, f)}
        onSelect={onSelect}
      />
    </div>
  );
}
