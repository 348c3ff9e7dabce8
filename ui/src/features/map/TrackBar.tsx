import type { Feature, FeatureCollection } from "geojson";
import type { Track } from "../../bindings/types";
import { fmtInt } from "../../lib/format";

/** A track as map features: its line, and its first and last points. */
export function trackFeatures(t: Track): FeatureCollection {
  const coords = t.xs.map((x, i) => [x, t.ys[i]]);
  const features: Feature[] = [];
  if (coords.length >= 2) features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: coords } });
  if (coords.length >= 1) {
    features.push({ type: "Feature", properties: { end: "start" }, geometry: { type: "Point", coordinates: coords[0] } });
    features.push({ type: "Feature", properties: { end: "end" }, geometry: { type: "Point", coordinates: coords[coords.length - 1] } });
  }
  return { type: "FeatureCollection", features };
}

/** The computer's time zone (IANA name), which days and times on the map are in. */
export function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** `HH:MM` in `zone` of milliseconds since 1970. */
export function hhmm(ms: number | undefined, zone: string): string {
  if (ms === undefined) return "";
  try {
    return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone }).format(ms);
  } catch {
    return new Date(ms).toISOString().slice(11, 16);
  }
}

/** The day shown as a track, with the days before and after it that have points. */
export function TrackBar({ track, onDay, onClose }: { track: Track; onDay: (day: string) => void; onClose: () => void }) {
  const n = track.ts_ms.length;
  return (
    <div className="map-bar row" data-testid="map-trackbar" data-day={track.day} data-points={track.total}>
      <button disabled={!track.prev} onClick={() => track.prev && onDay(track.prev)} title={track.prev ? `Previous day with points: ${track.prev}` : "No earlier day"} aria-label="Previous day" data-testid="track-prev">
        ◀
      </button>
      <input
        type="date"
        value={track.day}
        onChange={(e) => e.target.value && onDay(e.target.value)}
        aria-label="Day"
        data-testid="track-day"
      />
      <button disabled={!track.next} onClick={() => track.next && onDay(track.next)} title={track.next ? `Next day with points: ${track.next}` : "No later day"} aria-label="Next day" data-testid="track-next">
        ▶
      </button>
      <span className="small" data-testid="track-summary">
        {track.day === ""
          ? "No located points with a time"
          : track.total === 0
            ? `No points on ${track.day} (${track.zone})`
            : `${fmtInt(track.total)} points, ${hhmm(track.ts_ms[0], track.zone)}–${hhmm(track.ts_ms[n - 1], track.zone)} ${track.zone}${n < track.total ? ` (${fmtInt(n)} drawn)` : ""}`}
      </span>
      <span className="grow" />
      <span className="dim small">{track.column.split("@")[1]} orders the points · green start, red end</span>
      <button className="icon" aria-label="Hide the track" onClick={onClose}>
        ×
      </button>
    </div>
  );
}
