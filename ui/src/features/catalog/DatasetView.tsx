import { Suspense, lazy, useEffect, useState } from "react";
import type { DatasetDescription, EmbedReport, ErrorPayload, ResultMeta, RuleResult } from "../../bindings/types";
import { describeDataset, qualityStatus, mapFences, mapRow, mapTrack, mapViewport, runQuery, saveFence, similarRowsSql } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtBytes, fmtInt, sqlName } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";
import { boxSql, shapeSql, statsBox } from "../map/mapMath";
import { localZone } from "../map/TrackBar";
import { VersionsPanel } from "./VersionsPanel";
import { ProfileTable } from "./ProfileTable";
import { LineagePanel } from "../lineage/LineagePanel";
import { QualityPanel, failingText } from "../quality/QualityPanel";
import { EmbedSummary, SearchableBox, type Embedding } from "../search/SearchableBox";
import "../search/search.css";

const ResultGrid = lazy(() => import("../../components/ResultGrid"));
const MapView = lazy(() => import("../map/MapView"));

type View = "data" | "schema" | "versions" | "lineage" | "quality" | "map";

const VIEW_NAMES: Record<View, string> = { data: "Data", schema: "Schema & stats", versions: "Versions", lineage: "Lineage", quality: "Quality", map: "Map" };

/** One dataset: its rows in the grid, its schema with statistics, and its versions. */
export function DatasetView({
  name,
  onQuery,
  onChanged,
  onOpenDataset,
  version,
  mapDay,
}: {
  name: string;
  /** The current version as the catalog list knows it: a newer one (from the CLI, say) is read
   *  again. */
  version?: number;
  onQuery: (sql: string, autoRun?: "run" | "analyze") => void;
  /** Opens another dataset (a node of the lineage graph). */
  onOpenDataset?: (name: string) => void;
  /** The lake got a new dataset or version (a saved fence, a restore). */
  onChanged?: () => void;
  /** A day to show on the map as a track (the timeline's "map" asks for it), with a count
   *  that changes each time it is asked. */
  mapDay?: { day: string; asked: number };
}) {
  const [desc, setDesc] = useState<DatasetDescription | null>(null);
  const [meta, setMeta] = useState<ResultMeta | null>(null);
  const [view, setView] = useState<View>("data");
  const [error, setError] = useState<ErrorPayload | null>(null);
  // The latest kept results of the dataset's quality rules (a badge when some fail).
  const [quality, setQuality] = useState<RuleResult[]>([]);
  // Bumped when a restore made a new current version: everything shown is read again.
  const [reload, setReload] = useState(0);
  // The grid's selected row (of its sorted, filtered view), for "Find similar".
  const [selectedRow, setSelectedRow] = useState<number | null>(null);
  // What the last "Make searchable" of this dataset did.
  const [embedded, setEmbedded] = useState<EmbedReport | null>(null);
  // The column being made searchable (kept here: the box is drawn again meanwhile).
  const [embedding, setEmbedding] = useState<Embedding | null>(null);
  useEffect(() => setEmbedded(null), [name]);
  useEffect(() => {
    if (mapDay) setView("map");
  }, [mapDay]);

  useEffect(() => {
    let stale = false;
    setDesc(null);
    setMeta(null);
    setError(null);
    describeDataset(name)
      .then((d) => !stale && setDesc(d))
      .catch((e) => !stale && setError(asLakeError(e)));
    qualityStatus(name)
      .then((q) => !stale && setQuality(q))
      .catch(() => !stale && setQuality([]));
    runQuery(`SELECT * FROM ${sqlName(name)}`, `dataset:${name}`)
      .then((r) => !stale && setMeta(r.result))
      .catch((e) => !stale && setError(asLakeError(e)));
    return () => {
      stale = true;
    };
  }, [name, reload, version]);

  // The first coordinate pair with an R-tree can be drawn.
  const mapColumn = desc?.indexes.find((i) => i.kind === "rtree" && i.column.includes(","))?.column ?? null;
  const [lonCol, latCol] = mapColumn?.split(",") ?? ["", ""];
  // A located dataset with a time can be shown a day at a time.
  const timed = desc?.columns.some((c) => c.dtype.startsWith("datetime")) ?? false;
  // A vector column (FLOAT[N]) gives "Find similar"; an indexed one first.
  const vectorColumns = desc?.columns.filter((c) => c.dtype.startsWith("array[f32")).map((c) => c.name) ?? [];
  const vectorColumn = vectorColumns.find((c) => desc?.indexes.some((i) => i.column === c && i.kind.startsWith("hnsw"))) ?? vectorColumns[0] ?? null;
  const findSimilar = async () => {
    if (!meta || selectedRow === null || !vectorColumn) return;
    try {
      onQuery(await similarRowsSql(meta.id, selectedRow, name, vectorColumn), "run");
    } catch (e) {
      setError(asLakeError(e));
    }
  };
  const views: View[] = mapColumn ? ["data", "schema", "versions", "lineage", "quality", "map"] : ["data", "schema", "versions", "lineage", "quality"];

  return (
    <div className="dataset-view" data-testid="dataset-view" data-name={name}>
      <header className="dataset-head">
        <h2>{name}</h2>
        {desc && (
          <span className="dim">
            v{desc.version} · {fmtInt(desc.rows)} rows · {desc.columns.length} columns · {fmtBytes(desc.bytes)} in {desc.files} file(s)
          </span>
        )}
        {failingText(quality) && (
          <button className="badge failing" data-testid="quality-badge" onClick={() => setView("quality")} title="Open the Quality tab">
            {failingText(quality)}
          </button>
        )}
        <span className="grow" />
        <div className="seg">
          {views.map((v) => (
            <button key={v} className={view === v ? "on" : ""} data-testid={`dataset-tab-${v}`} onClick={() => setView(v)}>
              {VIEW_NAMES[v]}
            </button>
          ))}
        </div>
        <button onClick={() => onQuery(`SELECT *\nFROM ${sqlName(name)}\nLIMIT 100`)}>Query</button>
      </header>
      {error && <ErrorBox error={error} />}
      {view === "data" && (
        <div className="dataset-tools">
          {desc && (
            <SearchableBox
              key={name}
              name={name}
              columns={desc.columns}
              busy={embedding}
              onBusy={setEmbedding}
              onDone={(r) => {
                setEmbedded(r);
                setReload((n) => n + 1);
                onChanged?.();
              }}
            />
          )}
          {embedded && <EmbedSummary report={embedded} />}
          {vectorColumn && (
            <button
              onClick={() => void findSimilar()}
              disabled={selectedRow === null}
              data-testid="find-similar"
              title={`The rows nearest to the selected row by ${vectorColumn}, with their distances (select a row first)`}
            >
              Find similar
            </button>
          )}
        </div>
      )}
      {view === "data" &&
        (meta ? (
          <Suspense fallback={<div className="dim pad">Loading…</div>}>
            <ResultGrid meta={meta} onSelect={setSelectedRow} />
          </Suspense>
        ) : (
          !error && <div className="dim pad">Loading…</div>
        ))}
      {view === "map" && desc && mapColumn && (
        <Suspense fallback={<div className="dim pad">Loading the map…</div>}>
          <MapView
            column={mapColumn}
            bounds={statsBox(desc.columns, lonCol, latCol)}
            fetch={(v) => mapViewport({ dataset: name, column: mapColumn, ...v })}
            onBox={(b) => onQuery(boxSql(sqlName(name), lonCol, latCol, b))}
            onPoint={(f, r) => mapRow(name, f, r)}
            onShape={(ring) => onQuery(shapeSql(sqlName(name), lonCol, latCol, ring))}
            onSaveFence={async (fence, wkt) => {
              const n = await saveFence(fence, wkt);
              onChanged?.();
              return n;
            }}
            loadTrack={timed ? (day) => mapTrack(name, day, localZone()) : undefined}
            trackDay={mapDay}
            loadFences={mapFences}
          />
        </Suspense>
      )}
      {view === "schema" && desc && <ProfileTable name={name} desc={desc} />}
      {view === "quality" && <QualityPanel name={name} columns={desc?.columns.map((c) => c.name) ?? []} onQuery={onQuery} onChecked={setQuality} />}
      {view === "lineage" && (
        <LineagePanel
          name={name}
          onOpen={(d) => onOpenDataset?.(d)}
          onQuery={onQuery}
          onRefreshed={() => {
            setReload((n) => n + 1);
            onChanged?.();
          }}
        />
      )}
      {view === "versions" && (
        <VersionsPanel
          name={name}
          onQuery={onQuery}
          onRestored={() => {
            setReload((n) => n + 1);
            onChanged?.();
          }}
        />
      )}
    </div>
  );
}
