import { useMemo, useState } from "react";
import type { DatasetInfo, RollupInfo, ViewInfo } from "../../bindings/types";
import { fmtInt } from "../../lib/format";

/** The sidebar: every dataset, then every view, searchable by name. */
export function CatalogList({
  datasets,
  views = [],
  rollups = [],
  selected,
  onOpen,
  onOpenView,
  onDropView,
}: {
  datasets: DatasetInfo[];
  /** Named queries, listed after the datasets; opening one queries it in a new tab. */
  views?: ViewInfo[];
  /** The datasets that are rollups of another, with their freshness. */
  rollups?: RollupInfo[];
  selected: string | null;
  onOpen: (name: string) => void;
  onOpenView?: (name: string) => void;
  /** Removes a view (asked once more first). */
  onDropView?: (name: string) => void;
}) {
  const [q, setQ] = useState("");
  const [dropping, setDropping] = useState<string | null>(null);
  const rollupOf = useMemo(() => new Map(rollups.map((r) => [r.name, r])), [rollups]);
  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return needle ? datasets.filter((d) => d.name.toLowerCase().includes(needle)) : datasets;
  }, [datasets, q]);
  const shownViews = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return needle ? views.filter((v) => v.name.toLowerCase().includes(needle)) : views;
  }, [views, q]);
  return (
    <nav className="catalog" data-testid="catalog">
      <input
        className="search"
        data-testid="catalog-search"
        placeholder="Search datasets (Ctrl+P)"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        id="catalog-search"
      />
      {datasets.length === 0 && <div className="dim small pad">No datasets yet. Import files with Ctrl+I or drop them on the window.</div>}
      <ul>
        {shown.map((d) => {
          const r = rollupOf.get(d.name);
          const stale = r !== undefined && r.read !== r.current;
          const about = r
            ? ` · rollup of ${r.source} by ${r.bucket}, from its v${r.read}${stale ? `: stale, ${r.source} is at v${r.current} (refresh it in its Lineage tab)` : ": fresh"}`
            : "";
          return (
            <li key={d.name}>
              <button
                className={`dataset ${selected === d.name ? "on" : ""}`}
                data-testid="catalog-item"
                data-name={d.name}
                data-rollup={r ? (stale ? "stale" : "fresh") : undefined}
                onClick={() => onOpen(d.name)}
                title={`${d.name} · v${d.version} · ${d.columns} columns${about}`}
              >
                <span className="ellipsis">
                  {r && <span className={stale ? "warn" : "dim"}>{stale ? "⟳! " : "⟳ "}</span>}
                  {d.name}
                </span>
                <span className="dim small">{fmtInt(d.rows)}</span>
              </button>
            </li>
          );
        })}
      </ul>
      {shownViews.length > 0 && (
        <>
          <div className="dim small catalog-heading">Views</div>
          <ul>
            {shownViews.map((v) => (
              <li key={v.name} className="catalog-view-row">
                <button className="dataset" data-testid="catalog-view" data-name={v.name} onClick={() => onOpenView?.(v.name)} title={v.sql}>
                  <span className="ellipsis">◇ {v.name}</span>
                  <span className="dim small">view</span>
                </button>
                {onDropView &&
                  (dropping === v.name ? (
                    <span className="catalog-drop">
                      <button className="danger small" data-testid="catalog-view-drop-yes" onClick={() => (setDropping(null), onDropView(v.name))}>
                        Drop view
                      </button>
                      <button className="small" onClick={() => setDropping(null)}>
                        Keep
                      </button>
                    </span>
                  ) : (
                    <button
                      className="icon small"
                      title={`Drop the view ${v.name} (its datasets stay)`}
                      aria-label={`Drop the view ${v.name}`}
                      data-testid="catalog-view-drop"
                      onClick={() => setDropping(v.name)}
                    >
                      ×
                    </button>
                  ))}
              </li>
            ))}
          </ul>
        </>
      )}
    </nav>
  );
}
