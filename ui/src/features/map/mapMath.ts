/** West, south, east, north, in degrees. */
export type BBox = [number, number, number, number];

/** `b` inside the world (the map can show more than it). */
export function clampBox(b: BBox): BBox {
  const c = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  return [c(b[0], -180, 180), c(b[1], -90, 90), c(b[2], -180, 180), c(b[3], -90, 90)];
}

/** The box around points, by a loop: spreading 50,000 values into Math.min can exceed the
 * engine's argument limit. Null for no point. */
export function extentOf(xs: number[], ys: number[]): BBox | null {
  if (xs.length === 0) return null;
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < xs.length; i++) {
    b[0] = Math.min(b[0], xs[i]);
    b[1] = Math.min(b[1], ys[i]);
    b[2] = Math.max(b[2], xs[i]);
    b[3] = Math.max(b[3], ys[i]);
  }
  return b;
}

/** Screen cells for the engine's counts: about 48 px each. */
export function cellsFor(width: number, height: number): [number, number] {
  return [Math.max(1, Math.ceil(width / 48)), Math.max(1, Math.ceil(height / 48))];
}

/** A number as SQL text: at most 7 decimals (about 1 cm), never an exponent. */
export function sqlNum(v: number): string {
  return String(Math.round(v * 1e7) / 1e7);
}

/** A column name as SQL: bare when it can be, else double-quoted. */
function q(c: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(c) ? c : `"${c.replace(/"/g, '""')}"`;
}

/** A drawn ring (lon/lat corners, not closed) as WKT, closed. */
export function ringWkt(ring: [number, number][]): string {
  const pts = [...ring, ring[0]].map(([x, y]) => `${sqlNum(x)} ${sqlNum(y)}`);
  return `POLYGON((${pts.join(", ")}))`;
}

/** The query of the points in a drawn polygon, as the map opens it in the editor. */
export function shapeSql(table: string, lon: string, lat: string, ring: [number, number][]): string {
  return (
    `SELECT *\nFROM ${table}\n` +
    `WHERE ST_Within(ST_Point(${q(lon)}, ${q(lat)}), ST_GeomFromText('${ringWkt(ring)}'))\nLIMIT 1000`
  );
}

/** The query of the points in a box, as the map opens it in the editor. */
export function boxSql(table: string, lon: string, lat: string, b: BBox): string {
  return (
    `SELECT *\nFROM ${table}\n` +
    `WHERE ST_Within(ST_Point(${q(lon)}, ${q(lat)}), ST_MakeEnvelope(${b.map(sqlNum).join(", ")}))\nLIMIT 1000`
  );
}

/** The box of a dataset's coordinate columns from their statistics, if they have some. */
export function statsBox(
  columns: { name: string; min: unknown; max: unknown }[],
  lon: string,
  lat: string,
): BBox | null {
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const x = columns.find((c) => c.name === lon);
  const y = columns.find((c) => c.name === lat);
  const v = [num(x?.min), num(y?.min), num(x?.max), num(y?.max)];
  if (v.some((n) => n === null)) return null;
  return clampBox(v as BBox);
}

/** The first pair of coordinate columns (`lon`/`lat`, `lng`/`lat`, `longitude`/`latitude`,
 * with a shared prefix), as the engine pairs them; null when there is none. */
export function coordinatePair(columns: { name: string; dtype: string }[]): [string, string] | null {
  const numeric = (t: string) => /^(f|i|u|decimal)/.test(t);
  const byName = new Map(columns.filter((c) => numeric(c.dtype)).map((c) => [c.name.toLowerCase(), c.name]));
  for (const c of columns) {
    if (!numeric(c.dtype)) continue;
    const lower = c.name.toLowerCase();
    for (const [lonWord, latWord] of [["lon", "lat"], ["lng", "lat"], ["longitude", "latitude"]]) {
      if (!lower.endsWith(lonWord)) continue;
      const lat = byName.get(lower.slice(0, lower.length - lonWord.length) + latWord);
      if (lat) return [c.name, lat];
    }
  }
  return null;
}
