import { Suspense, lazy, useCallback, useEffect, useRef, useState } from "react";
import * as maplibregl from "maplibre-gl/dist/maplibre-gl-csp.js";
import workerUrl from "maplibre-gl/dist/maplibre-gl-csp-worker.js?url";
import "maplibre-gl/dist/maplibre-gl.css";
import type { Feature, FeatureCollection, Point, Polygon } from "geojson";
import type { ErrorPayload, Fence, MapView as ViewBox, ResultMeta, Track, Viewport } from "../../bindings/types";
import { asLakeError } from "../../lib/errors";
import { fmtInt } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";
import { basemap } from "./basemap";
import { cellsFor, clampBox, extentOf, ringWkt, type BBox } from "./mapMath";
import { TrackBar, trackFeatures } from "./TrackBar";
import { decodeViewport } from "./viewportIpc";
import { PointLayer, mostOf } from "./pointLayer";
import "./map.css";

const ResultGrid = lazy(() => import("../../components/ResultGrid"));

maplibregl.setWorkerUrl(workerUrl);

/** Points drawn one by one up to this many; past it the engine sends counts per cell. */
const MAX_POINTS = 20_000;

const EMPTY: FeatureCollection = { type: "FeatureCollection", features: [] };

/** The answer as features for the heatmap: each weighs its share `w` of the largest cell (a point weighs 1). */
function heatFeatures(v: Viewport | null): FeatureCollection<Point> {
  if (!v) return EMPTY as FeatureCollection<Point>;
  const cells = v.counts.length > 0;
  const most = mostOf(v.counts);
  return {
    type: "FeatureCollection",
    features: v.xs.map((x, i) => ({
      type: "Feature",
      geometry: { type: "Point", coordinates: [x, v.ys[i]] },
      properties: { w: cells ? v.counts[i] / most : 1 },
    })),
  };
}

/** Saved fences as features named by `name`. */
export function fenceFeatures(fences: Fence[]): FeatureCollection {
  return {
    type: "FeatureCollection",
    features: fences.map((f) => ({ type: "Feature", properties: { name: f.name }, geometry: JSON.parse(f.geojson) })),
  };
}

function boxFeature(b: BBox): FeatureCollection<Polygon> {
  const [w, s, e, n] = b;
  return {
    type: "FeatureCollection",
    features: [{ type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] } }],
  };
}

function shapeFeature(ring: [number, number][]): FeatureCollection<Polygon> {
  return {
    type: "FeatureCollection",
    features: [{ type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [[...ring, ring[0]]] } }],
  };
}

/** The corners drawn so far, and the line on to the cursor. */
function sketchFeatures(pts: [number, number][], cursor?: [number, number]): FeatureCollection {
  const line = cursor ? [...pts, cursor] : pts;
  const features: Feature[] = pts.map((p) => ({ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: p } }));
  if (line.length >= 2) features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: line } });
  return { type: "FeatureCollection", features };
}

/** Moves the map, at once, to show `b`. */
function fitTo(map: maplibregl.Map, b: BBox, padding: number, maxZoom: number) {
  map.fitBounds([b[0], b[1], b[2], b[3]], { padding, maxZoom, duration: 0 });
}

type Status = { total: number; drawn: number; cells: boolean; ms: number; entries: number; frameMs?: number };

/**
 * Points on an offline map (a dataset's, or a result's). Every pan or zoom asks the engine for
 * the visible box, which it answers from an R-tree: the points themselves, or counts per screen
 * cell when there are too many. Click a point for its row; draw a box (B) or a shape (P) to
 * query inside it, and keep a shape as a named fence; show a day's track (T).
 */
export default function MapView({
  column,
  bounds,
  fetch,
  onBox,
  onPoint,
  onShape,
  onSaveFence,
  loadTrack,
  loadFences,
  trackDay,
}: {
  /** The coordinate columns drawn, `lon,lat`. */
  column: string;
  /** Where to start; null fits the map to the points. */
  bounds: BBox | null;
  /** The engine's answer for a box, as Arrow IPC ([decodeViewport]). */
  fetch: (view: ViewBox) => Promise<ArrayBuffer | Uint8Array>;
  /** A box the user drew or chose (the map counts it first). */
  onBox?: (bbox: BBox) => void;
  /** The row behind a clicked point. */
  onPoint?: (file: number, row: number) => Promise<ResultMeta>;
  /** A polygon the user drew (its corners, not closed). */
  onShape?: (ring: [number, number][]) => void;
  /** Keeps a drawn polygon (WKT) as a named fence; resolves to how many fences there are. */
  onSaveFence?: (name: string, wkt: string) => Promise<number>;
  /** A day's track (`YYYY-MM-DD`, or null for the last day). */
  loadTrack?: (day: string | null) => Promise<Track>;
  /** A day whose track is shown once the map is ready (from the timeline's day view); shown
   *  again each time it is asked (`asked` changes), not on every render. */
  trackDay?: { day: string; asked: number };
  /** The saved fences, drawn under the points. */
  loadFences?: () => Promise<Fence[]>;
}) {
  const holder = useRef<HTMLDivElement>(null);
  // The callbacks may change with every render of the parent; the map is made once.
  const fetchRef = useRef(fetch);
  const pointRef = useRef(onPoint);
  const fencesRef = useRef(loadFences);
  useEffect(() => {
    fetchRef.current = fetch;
    pointRef.current = onPoint;
    fencesRef.current = loadFences;
  });
  const fitted = useRef(bounds !== null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  // The points (or cells) of the last answer, drawn by WebGL (see pointLayer.ts).
  const layerRef = useRef<PointLayer | null>(null);
  const answer = useRef<Viewport | null>(null);
  const heatRef = useRef(false);
  const seq = useRef(0);
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [row, setRow] = useState<ResultMeta | null>(null);
  const [drawing, setDrawing] = useState(false);
  const [box, setBox] = useState<{ bbox: BBox; total: number } | null>(null);
  const [shaping, setShaping] = useState(false);
  const [shape, setShape] = useState<[number, number][] | null>(null);
  const [fenceName, setFenceName] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const [track, setTrack] = useState<Track | null>(null);
  // Set once the map's style has loaded: a track can be drawn from then on.
  const [loaded, setLoaded] = useState(false);
  const [heat, setHeat] = useState(false);
  const [fences, setFences] = useState<number | null>(null);
  const [fenceHit, setFenceHit] = useState<string | null>(null);
  // While a shape is drawn, a click is a corner, not a point's row.
  const shapingRef = useRef(false);
  const [lon, lat] = column.split(",");

  const refresh = useCallback(async () => {
    const map = mapRef.current;
    if (!map) return;
    const b = map.getBounds();
    const bbox = clampBox([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
    const [cols, rows] = cellsFor(map.getContainer().clientWidth, map.getContainer().clientHeight);
    const mine = ++seq.current;
    const asked = performance.now();
    try {
      const v = decodeViewport(await fetchRef.current({ bbox, max_points: MAX_POINTS, cols, rows }));
      if (mine !== seq.current || !mapRef.current) return;
      const extent = fitted.current ? null : extentOf(v.xs, v.ys);
      if (extent) {
        // First sight of a result: fit the map to its points (which asks again).
        fitted.current = true;
        fitTo(map, extent, 40, 14);
        return;
      }
      answer.current = v;
      const layer = layerRef.current;
      layer?.set(v.xs, v.ys, v.counts, mine);
      if (heatRef.current) (map.getSource("pts") as maplibregl.GeoJSONSource).setData(heatFeatures(v));
      const status = { total: v.total, drawn: v.xs.length, cells: v.counts.length > 0, ms: v.engine_ms, entries: v.entries };
      setStatus(status);
      // From asking to the first frame drawn with the answer (the heatmap's: once its source
      // has taken it).
      const drawn = () => {
        const shown = heatRef.current ? map.isSourceLoaded("pts") : (layer?.drawnSeq ?? 0) >= mine;
        if (!shown) return;
        map.off("render", drawn);
        if (mine === seq.current) setStatus({ ...status, frameMs: performance.now() - asked });
      };
      map.on("render", drawn);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(asLakeError(e));
    }
  }, []);

  /** Draws the saved fences again (after one is saved). */
  const drawFences = useCallback(async () => {
    const map = mapRef.current;
    if (!map || !fencesRef.current) return;
    try {
      const list = await fencesRef.current();
      (map.getSource("fences") as maplibregl.GeoJSONSource | undefined)?.setData(fenceFeatures(list));
      setFences(list.length);
    } catch (e) {
      setError(asLakeError(e));
    }
  }, []);

  useEffect(() => {
    if (!holder.current) return;
    const { land, borders } = basemap();
    const map = new maplibregl.Map({
      container: holder.current,
      attributionControl: { compact: true, customAttribution: "Natural Earth" },
      bounds: bounds ?? [-170, -60, 170, 75],
      fitBoundsOptions: { padding: 30, maxZoom: 14 },
      maxZoom: 19,
      renderWorldCopies: false,
      // Keep the frame, so a screenshot shows what was drawn.
      canvasContextAttributes: { preserveDrawingBuffer: true },
      style: {
        version: 8,
        sources: {
          land: { type: "geojson", data: land },
          borders: { type: "geojson", data: { type: "Feature", properties: {}, geometry: borders } },
          pts: { type: "geojson", data: EMPTY },
          box: { type: "geojson", data: EMPTY },
          sketch: { type: "geojson", data: EMPTY },
          track: { type: "geojson", data: EMPTY },
          fences: { type: "geojson", data: EMPTY },
        },
        layers: [
          { id: "sea", type: "background", paint: { "background-color": "#101820" } },
          { id: "land", type: "fill", source: "land", paint: { "fill-color": "#232b33" } },
          { id: "borders", type: "line", source: "borders", paint: { "line-color": "#3d4955", "line-width": 0.7 } },
          { id: "fence-fill", type: "fill", source: "fences", paint: { "fill-color": "#98c379", "fill-opacity": 0.1 } },
          { id: "fence-line", type: "line", source: "fences", paint: { "line-color": "#98c379", "line-width": 1.5 } },
          {
            id: "heat",
            type: "heatmap",
            source: "pts",
            layout: { visibility: "none" },
            paint: {
              "heatmap-weight": ["get", "w"],
              "heatmap-intensity": 1.2,
              "heatmap-radius": 24,
              "heatmap-opacity": 0.85,
            },
          },
          { id: "box-fill", type: "fill", source: "box", paint: { "fill-color": "#e06c75", "fill-opacity": 0.12 } },
          { id: "box-line", type: "line", source: "box", paint: { "line-color": "#e06c75", "line-width": 1.5 } },
          { id: "sketch-line", type: "line", source: "sketch", paint: { "line-color": "#e06c75", "line-width": 1.5, "line-dasharray": [2, 2] } },
          { id: "sketch-pts", type: "circle", source: "sketch", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-color": "#e06c75", "circle-radius": 4 } },
          { id: "track-line", type: "line", source: "track", filter: ["==", ["geometry-type"], "LineString"], paint: { "line-color": "#c678dd", "line-width": 2.5 } },
          {
            id: "track-ends",
            type: "circle",
            source: "track",
            filter: ["==", ["geometry-type"], "Point"],
            paint: { "circle-color": ["match", ["get", "end"], "start", "#98c379", "#e06c75"], "circle-radius": 6, "circle-stroke-color": "#0b0f14", "circle-stroke-width": 1 },
          },
        ],
      },
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    map.addControl(new maplibregl.ScaleControl({}), "bottom-left");
    mapRef.current = map;
    const layer = new PointLayer();
    layerRef.current = layer;
    // Under the drawn box and shape, over the fences and the heatmap.
    map.on("load", () => map.addLayer(layer, "box-fill"));
    map.on("load", refresh);
    map.on("load", () => void drawFences());
    map.on("load", () => setLoaded(true));
    map.on("moveend", refresh);
    // What is on screen, for people checking the map (and the e2e): the point features drawn.
    map.on("idle", () => {
      const el = map.getContainer();
      el.dataset.rendered = String(layer.inView());
      el.dataset.track = String(map.queryRenderedFeatures({ layers: ["track-line"] }).length);
    });
    map.on("click", (e) => {
      const v = answer.current;
      const i = shapingRef.current || !v ? null : layer.pick(e.point.x, e.point.y);
      if (i == null || !v) return;
      if (v.counts.length > 0) {
        map.easeTo({ center: e.lngLat, zoom: map.getZoom() + 2 });
      } else if (v.rows[i] && pointRef.current) {
        pointRef.current(v.rows[i][0], v.rows[i][1])
          .then(setRow)
          .catch((err) => setError(asLakeError(err)));
      }
    });
    map.on("click", "fence-fill", (e) => {
      if (shapingRef.current) return;
      const name = (e.features?.[0]?.properties as { name?: string } | undefined)?.name;
      if (name != null) setFenceHit(name);
    });
    // A pointer over a point (looked up once per frame at most), unless a box or shape is drawn.
    let hover: { x: number; y: number } | null = null;
    map.on("mousemove", (e) => {
      // Not while the map is dragged or moving: the pointer is over the map, not a point.
      if (map.isMoving() || e.originalEvent.buttons !== 0) return;
      if (hover === null)
        requestAnimationFrame(() => {
          const style = map.getCanvas().style;
          if (hover && style.cursor !== "crosshair") style.cursor = layer.pick(hover.x, hover.y) != null ? "pointer" : "";
          hover = null;
        });
      hover = { x: e.point.x, y: e.point.y };
    });
    const resize = new ResizeObserver(() => map.resize());
    resize.observe(holder.current);
    return () => {
      resize.disconnect();
      mapRef.current = null;
      map.remove();
    };
    // The map is made once; `bounds` only places it the first time.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refresh, drawFences]);

  // The heatmap stands in for the circles while it is on.
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    heatRef.current = heat;
    const apply = () => {
      (map.getSource("pts") as maplibregl.GeoJSONSource).setData(heat ? heatFeatures(answer.current) : EMPTY);
      map.setLayoutProperty("heat", "visibility", heat ? "visible" : "none");
      if (layerRef.current) layerRef.current.visible = !heat;
      map.triggerRepaint();
    };
    if (map.isStyleLoaded()) apply();
    else map.once("load", apply);
  }, [heat]);

  /** Marks `bbox` on the map, counts its points and opens its query in the editor. */
  const queryBox = useCallback(
    async (bbox: BBox) => {
      const map = mapRef.current;
      if (!map) return;
      (map.getSource("box") as maplibregl.GeoJSONSource).setData(boxFeature(bbox));
      try {
        const v = decodeViewport(await fetchRef.current({ bbox, max_points: 0, cols: 1, rows: 1 }));
        setBox({ bbox, total: v.total });
      } catch (e) {
        setError(asLakeError(e));
      }
      onBox?.(bbox);
    },
    [onBox],
  );

  // Drawing a box: press, drag, release; panning is off meanwhile.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !drawing) return;
    map.dragPan.disable();
    map.getCanvas().style.cursor = "crosshair";
    let start: maplibregl.LngLat | null = null;
    const corner = (a: maplibregl.LngLat, b: maplibregl.LngLat): BBox =>
      clampBox([Math.min(a.lng, b.lng), Math.min(a.lat, b.lat), Math.max(a.lng, b.lng), Math.max(a.lat, b.lat)]);
    const down = (e: maplibregl.MapMouseEvent) => {
      start = e.lngLat;
    };
    const move = (e: maplibregl.MapMouseEvent) => {
      if (start) (map.getSource("box") as maplibregl.GeoJSONSource).setData(boxFeature(corner(start, e.lngLat)));
    };
    const up = (e: maplibregl.MapMouseEvent) => {
      if (!start) return;
      const b = corner(start, e.lngLat);
      start = null;
      setDrawing(false);
      if (b[2] > b[0] && b[3] > b[1]) void queryBox(b);
    };
    map.on("mousedown", down);
    map.on("mousemove", move);
    map.on("mouseup", up);
    return () => {
      map.off("mousedown", down);
      map.off("mousemove", move);
      map.off("mouseup", up);
      map.dragPan.enable();
      map.getCanvas().style.cursor = "";
    };
  }, [drawing, queryBox]);

  /** Marks a drawn polygon, opens its query in the editor and offers to keep it as a fence. */
  const queryShape = useCallback(
    (ring: [number, number][]) => {
      const map = mapRef.current;
      if (!map) return;
      (map.getSource("box") as maplibregl.GeoJSONSource).setData(shapeFeature(ring));
      setShape(ring);
      setSaved(null);
      setBox(null);
      onShape?.(ring);
    },
    [onShape],
  );

  // Drawing a shape: click the corners; double-click, Enter or the first corner closes it.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !shaping) return;
    shapingRef.current = true;
    map.doubleClickZoom.disable();
    map.getCanvas().style.cursor = "crosshair";
    const sketch = map.getSource("sketch") as maplibregl.GeoJSONSource;
    const pts: [number, number][] = [];
    const near = (a: [number, number], e: maplibregl.MapMouseEvent, px: number) => {
      const p = map.project(a);
      return Math.hypot(p.x - e.point.x, p.y - e.point.y) < px;
    };
    const finish = () => {
      setShaping(false);
      if (pts.length >= 3) queryShape([...pts]);
    };
    const click = (e: maplibregl.MapMouseEvent) => {
      if (pts.length >= 3 && near(pts[0], e, 8)) return finish();
      // The two clicks of a double-click land on one corner.
      if (pts.length > 0 && near(pts[pts.length - 1], e, 4)) return;
      const [w, s] = clampBox([e.lngLat.lng, e.lngLat.lat, 0, 0]);
      pts.push([w, s]);
      sketch.setData(sketchFeatures(pts));
    };
    const move = (e: maplibregl.MapMouseEvent) => {
      if (pts.length > 0) sketch.setData(sketchFeatures(pts, [e.lngLat.lng, e.lngLat.lat]));
    };
    const dbl = (e: maplibregl.MapMouseEvent) => {
      e.preventDefault();
      finish();
    };
    const key = (e: KeyboardEvent) => {
      if (e.key === "Enter") finish();
    };
    map.on("click", click);
    map.on("mousemove", move);
    map.on("dblclick", dbl);
    window.addEventListener("keydown", key);
    return () => {
      map.off("click", click);
      map.off("mousemove", move);
      map.off("dblclick", dbl);
      window.removeEventListener("keydown", key);
      sketch.setData(EMPTY);
      shapingRef.current = false;
      map.getCanvas().style.cursor = "";
      // After this double-click has passed, double-click zooms again.
      setTimeout(() => map.doubleClickZoom.enable(), 0);
    };
  }, [shaping, queryShape]);

  const saveFence = async () => {
    if (!shape || !onSaveFence || !fenceName.trim()) return;
    try {
      const n = await onSaveFence(fenceName.trim(), ringWkt(shape));
      setSaved(`Saved “${fenceName.trim()}” in fences (${fmtInt(n)} ${n === 1 ? "fence" : "fences"})`);
      setFenceName("");
      setError(null);
      void drawFences();
    } catch (e) {
      setError(asLakeError(e));
    }
  };

  /** Shows a day's track (null: the last day) and fits the map to it. */
  const showTrack = useCallback(
    async (day: string | null) => {
      const map = mapRef.current;
      if (!map || !loadTrack) return;
      try {
        const t = await loadTrack(day);
        setTrack(t);
        setError(null);
        (map.getSource("track") as maplibregl.GeoJSONSource).setData(trackFeatures(t));
        const extent = extentOf(t.xs, t.ys);
        if (extent) fitTo(map, extent, 60, 16);
      } catch (e) {
        setError(asLakeError(e));
      }
    },
    [loadTrack],
  );

  // showTrack changes with the parent's loadTrack, which may be new on every render: read it
  // through a ref, so only a new request (or the map becoming ready) draws the track again.
  const showTrackRef = useRef(showTrack);
  useEffect(() => {
    showTrackRef.current = showTrack;
  }, [showTrack]);
  useEffect(() => {
    if (loaded && trackDay) void showTrackRef.current(trackDay.day);
  }, [loaded, trackDay]);

  const hideTrack = () => {
    setTrack(null);
    (mapRef.current?.getSource("track") as maplibregl.GeoJSONSource | undefined)?.setData(EMPTY);
  };

  const boxFromView = () => {
    const map = mapRef.current;
    if (!map) return;
    const b = map.getBounds();
    void queryBox(clampBox([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]));
  };

  const onKey = (e: React.KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement) return;
    if (onBox && (e.key === "b" || e.key === "B")) setDrawing((d) => !d);
    if (onShape && (e.key === "p" || e.key === "P")) setShaping((d) => !d);
    if (loadTrack && (e.key === "t" || e.key === "T")) void (track ? hideTrack() : showTrack(null));
    if (e.key === "h" || e.key === "H") setHeat((h) => !h);
    if (e.key === "Escape") {
      setDrawing(false);
      setShaping(false);
    }
  };

  return (
    <div className="map-view" data-testid="map-view" onKeyDown={onKey} tabIndex={-1}>
      <div className="map-bar row">
        {onBox && (
          <>
            <button className={drawing ? "on" : ""} onClick={() => setDrawing((d) => !d)} data-testid="map-draw" title="Draw a box to query what is inside it (B)">
              ▭ Draw box
            </button>
            <button onClick={boxFromView} data-testid="map-box-view" title="Query the points in the current view">
              Query this view
            </button>
          </>
        )}
        {onShape && (
          <button
            className={shaping ? "on" : ""}
            onClick={() => setShaping((d) => !d)}
            data-testid="map-shape"
            title="Draw a shape: click its corners, double-click or Enter to close (P)"
          >
            ⬠ Draw shape
          </button>
        )}
        {loadTrack && (
          <button className={track ? "on" : ""} onClick={() => (track ? hideTrack() : void showTrack(null))} data-testid="map-track" title="Show a day's track (T)">
            Day track
          </button>
        )}
        <button className={heat ? "on" : ""} onClick={() => setHeat((h) => !h)} data-testid="map-heat" title="Show where points are dense as a heatmap (H)">
          Heatmap
        </button>
        <span
          className="dim small"
          data-testid="map-status"
          data-total={status?.total ?? ""}
          data-drawn={status?.drawn ?? ""}
          data-cells={status?.cells ? "1" : "0"}
          data-engine-ms={status?.ms ?? ""}
          data-frame-ms={status?.frameMs ?? ""}
        >
          {status
            ? `${fmtInt(status.total)} of ${fmtInt(status.entries)} points in view · ${fmtInt(status.drawn)} ${status.cells ? "clusters" : status.drawn === 1 ? "point" : "points"} drawn · engine ${status.ms.toFixed(1)} ms${status.frameMs != null ? ` · on screen in ${Math.round(status.frameMs)} ms` : ""}`
            : "Loading the map…"}
        </span>
        {fences != null && fences > 0 && (
          <span className="small" data-testid="map-fences" data-count={fences} title="Saved fences, drawn in green; click one for its name">
            · {fmtInt(fences)} {fences === 1 ? "fence" : "fences"}
            {fenceHit ? `: ${fenceHit}` : ""}
          </span>
        )}
        {box && (
          <span className="small" data-testid="map-box" data-total={box.total}>
            · box: {fmtInt(box.total)} {box.total === 1 ? "point" : "points"}
          </span>
        )}
        <span className="grow" />
        <span className="dim small">
          {lon}, {lat} · drag to pan, scroll to zoom, H heatmap{onBox ? ", B to draw a box" : ""}
          {onShape ? ", P a shape" : ""}
          {shaping ? " · click the corners, double-click to close, Esc to stop" : ""}
        </span>
      </div>
      {shape && onSaveFence && (
        <div className="map-bar row" data-testid="map-fence">
          <span className="small">Shape of {shape.length} corners</span>
          <input
            value={fenceName}
            onChange={(e) => setFenceName(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && void saveFence()}
            placeholder="Name it (Office, Home…)"
            aria-label="Fence name"
            data-testid="map-fence-name"
          />
          <button onClick={() => void saveFence()} disabled={!fenceName.trim()} data-testid="map-fence-save" title="Keep the shape as a fence, for geofence_events(...)">
            Save as fence
          </button>
          {saved && (
            <span className="small" data-testid="map-fence-saved">
              {saved} · query stays with geofence_events(&apos;…&apos;, &apos;fences&apos;)
            </span>
          )}
        </div>
      )}
      {track && <TrackBar track={track} onDay={(d) => void showTrack(d)} onClose={hideTrack} />}
      {error && <ErrorBox error={error} />}
      <div className="map-holder" ref={holder} data-testid="map" />
      {row && (
        <div className="map-row" data-testid="map-row">
          <div className="row">
            <strong className="small">The point's row</strong>
            <span className="grow" />
            <button className="icon" aria-label="Close the row" onClick={() => setRow(null)}>
              ×
            </button>
          </div>
          <Suspense fallback={<div className="dim pad">Loading…</div>}>
            <ResultGrid meta={row} />
          </Suspense>
        </div>
      )}
    </div>
  );
}
