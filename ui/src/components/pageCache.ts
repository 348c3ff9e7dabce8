// Pure logic behind DataGrid: Arrow decoding to display strings, an LRU page cache, a page
// loader (dedup, concurrency cap, stale-response dropping) and the virtual-scroll math.
// Kept free of React so it can be unit-tested directly.
import { DataType, tableFromIPC } from "apache-arrow";
import type { ResultMeta } from "../bindings/types";

export const PAGE_SIZE = 256;
export const CACHE_PAGES = 40;
export const ROW_H = 26;
/** Above this spacer height the scroll position is scaled: WebKit caps elements at ~17M px. */
export const MAX_SCROLL_PX = 8_000_000;

/** A display cell: `null` is rendered as a dim "null", everything else as-is. */
export type CellText = string | null;
export type DisplayRow = CellText[];
export type PageFetcher = (offset: number, limit: number) => Promise<ArrayBuffer>;

// ---------------------------------------------------------------- formatting

/** Floats get at most 6 decimals (trailing zeros trimmed); extreme magnitudes go exponential. */
export function formatFloat(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e15 || abs < 1e-6) {
    // toFixed would print 0 or dozens of digits here; 6 significant digits is more useful.
    return n.toPrecision(6).replace(/\.?0+(?=e)/, "");
  }
  return n.toFixed(6).replace(/\.?0+$/, "");
}

const bigintSafe = (_key: string, v: unknown): unknown => (typeof v === "bigint" ? v.toString() : v);

function hex(bytes: Uint8Array): string {
  const shown = bytes.subarray(0, 32);
  let s = "0x";
  for (const b of shown) s += b.toString(16).padStart(2, "0");
  return bytes.length > shown.length ? `${s}… (${bytes.length} bytes)` : s;
}

/** Generic value → display string, for whatever `Vector.get` hands back. */
export function formatValue(v: unknown): CellText {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "string":
      return v;
    case "bigint":
      return v.toString();
    case "number":
      return Number.isInteger(v) ? String(v) : formatFloat(v);
    case "boolean":
      return v ? "true" : "false";
  }
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return hex(v);
  if (typeof v === "object") {
    // Lists, structs and maps come back as Arrow objects that implement toJSON.
    try {
      return JSON.stringify(v, bigintSafe);
    } catch {
      return String(v);
    }
  }
  return String(v);
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** Arrow timestamps arrive as epoch milliseconds; show them as "YYYY-MM-DD HH:MM:SS[.mmm]" (UTC). */
export function formatTimestamp(ms: number, timezone?: string | null): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const date = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  let time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  const millis = d.getUTCMilliseconds();
  if (millis) time += `.${String(millis).padStart(3, "0")}`;
  return `${date} ${time}${timezone ? " UTC" : ""}`;
}

function formatDate(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** Decimal values come back as unscaled big integers; put the point back in. */
function formatDecimal(raw: string, scale: number): string {
  if (scale <= 0) return raw;
  const neg = raw.startsWith("-");
  const digits = (neg ? raw.slice(1) : raw).padStart(scale + 1, "0");
  const out = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return neg ? `-${out}` : out;
}

/** Picks a formatter per column once, so the per-cell path stays a single call. */
function formatterFor(type: DataType): (v: unknown) => CellText {
  if (DataType.isTimestamp(type)) {
    const tz = type.timezone;
    return (v) => (typeof v === "number" ? formatTimestamp(v, tz) : formatValue(v));
  }
  if (DataType.isDate(type)) return (v) => (typeof v === "number" ? formatDate(v) : formatValue(v));
  if (DataType.isDecimal(type)) {
    const scale = type.scale;
    return (v) => (v === null || v === undefined ? null : formatDecimal(String(v), scale));
  }
  if (DataType.isDictionary(type)) return formatterFor(type.dictionary);
  return formatValue;
}

/** Decodes one Arrow IPC stream (a page of rows) into rows of display strings. */
export function decodePage(buf: ArrayBuffer | Uint8Array): DisplayRow[] {
  const table = tableFromIPC(buf instanceof Uint8Array ? buf : new Uint8Array(buf));
  const n = table.numRows;
  const rows: DisplayRow[] = Array.from({ length: n }, () => new Array<CellText>(table.numCols));
  table.schema.fields.forEach((field, c) => {
    const col = table.getChildAt(c);
    if (!col) return;
    const fmt = formatterFor(field.type);
    // Column-major walk: one formatter lookup and one vector per column.
    for (let r = 0; r < n; r++) rows[r][c] = fmt(col.get(r));
  });
  return rows;
}

// ---------------------------------------------------------------- LRU cache

/** Least-recently-used cache on top of Map's insertion order. */
export class PageCache<V> {
  private readonly map = new Map<string, V>();
  constructor(readonly capacity: number = CACHE_PAGES) {}

  get size(): number {
    return this.map.size;
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  /** Reads without refreshing recency (used while rendering). */
  peek(key: string): V | undefined {
    return this.map.get(key);
  }
  /** Reads and marks as most recently used. */
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) break;
      this.map.delete(oldest);
    }
  }
  keys(): string[] {
    return [...this.map.keys()];
  }
  clear(): void {
    this.map.clear();
  }
}

// ---------------------------------------------------------------- page loader

/**
 * Identity of what the rows mean: the result id plus a version of sort + filter + row count.
 * Pages cached under another view key are never shown for this one.
 */
export function viewKeyOf(meta: Pick<ResultMeta, "id" | "sort" | "filter" | "rows">): string {
  return `${meta.id}:${JSON.stringify([meta.sort, meta.filter, meta.rows])}`;
}

export const pageKey = (view: string, page: number) => `${view}#${page}`;

export type PageLoaderOptions = {
  /** Called whenever a page arrives or an error appears (the grid re-renders). */
  onChange: () => void;
  capacity?: number;
  /** In-flight requests for the current view; fast scrolling then only fetches where it stops. */
  maxConcurrent?: number;
};

export class PageLoader {
  readonly cache: PageCache<DisplayRow[]>;
  private view = "";
  private rows = 0;
  private wanted: number[] = [];
  private fetcher: PageFetcher | null = null;
  /** page key → view key it was requested for. */
  private readonly inflight = new Map<string, string>();
  private readonly failed = new Set<string>();
  private readonly maxConcurrent: number;
  private readonly onChange: () => void;
  error: string | null = null;

  constructor(opts: PageLoaderOptions) {
    this.cache = new PageCache(opts.capacity ?? CACHE_PAGES);
    this.maxConcurrent = opts.maxConcurrent ?? 3;
    this.onChange = opts.onChange;
  }

  /** Declares the pages the viewport needs now; replaces any earlier wish list. */
  request(view: string, rows: number, pages: readonly number[], fetcher: PageFetcher): void {
    if (view !== this.view) {
      this.view = view;
      this.failed.clear();
      this.error = null;
    }
    this.rows = rows;
    this.fetcher = fetcher;
    this.wanted = [...pages];
    for (const p of pages) this.cache.get(pageKey(view, p)); // refresh LRU recency of visible pages
    this.pump();
  }

  getRow(view: string, index: number): DisplayRow | undefined {
    return this.cache.peek(pageKey(view, Math.floor(index / PAGE_SIZE)))?.[index % PAGE_SIZE];
  }

  isPending(view: string, page: number): boolean {
    return this.inflight.has(pageKey(view, page));
  }

  /** Forgets failures of the current view and tries again. */
  retry(): void {
    this.failed.clear();
    this.error = null;
    this.pump();
  }

  /** Detaches from the component: every response still in flight becomes stale. */
  dispose(): void {
    this.view = "";
    this.wanted = [];
  }

  private activeCount(): number {
    let n = 0;
    for (const v of this.inflight.values()) if (v === this.view) n++;
    return n;
  }

  private pump(): void {
    const fetcher = this.fetcher;
    if (!fetcher || !this.view) return;
    for (const page of this.wanted) {
      if (this.activeCount() >= this.maxConcurrent) return;
      const key = pageKey(this.view, page);
      if (this.cache.has(key) || this.inflight.has(key) || this.failed.has(key)) continue;
      const offset = page * PAGE_SIZE;
      const limit = Math.min(PAGE_SIZE, this.rows - offset);
      if (limit <= 0) continue;
      void this.load(key, this.view, offset, limit, fetcher);
    }
  }

  private async load(key: string, view: string, offset: number, limit: number, fetcher: PageFetcher): Promise<void> {
    this.inflight.set(key, view);
    let rows: DisplayRow[] | null = null;
    let error: string | null = null;
    try {
      rows = decodePage(await fetcher(offset, limit));
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    this.inflight.delete(key);
    if (view !== this.view) return; // stale: the result, sort or filter changed meanwhile
    if (rows) {
      this.cache.set(key, rows);
    } else {
      this.failed.add(key); // no retry loop; retry() or a new view clears it
      this.error = error;
    }
    this.onChange();
    this.pump();
  }
}

// ---------------------------------------------------------------- virtual scroll math

export type ScrollGeometry = {
  /** Height of the spacer element (capped when scaled). */
  spacerH: number;
  scaled: boolean;
  /** Largest top row position (fractional): the last row then sits at the bottom edge. */
  maxPos: number;
  /** scrollHeight - clientHeight of the container. */
  maxScroll: number;
};

/**
 * `bodyH` is the visible height below the sticky header. The header is part of the scrolled
 * content and of the viewport alike, so it cancels out of maxScroll.
 */
export function scrollGeometry(rows: number, bodyH: number): ScrollGeometry {
  const total = rows * ROW_H;
  const scaled = total > MAX_SCROLL_PX;
  const spacerH = scaled ? MAX_SCROLL_PX : total;
  return {
    spacerH,
    scaled,
    maxPos: Math.max(0, rows - bodyH / ROW_H),
    maxScroll: Math.max(0, spacerH - bodyH),
  };
}

/** scrollTop → fractional index of the row at the top of the viewport. */
export function topToPos(top: number, g: ScrollGeometry): number {
  if (!g.scaled) return Math.min(g.maxPos, Math.max(0, top / ROW_H));
  return g.maxScroll > 0 ? Math.min(1, Math.max(0, top / g.maxScroll)) * g.maxPos : 0;
}

/** Inverse of topToPos (rounded to whole pixels when scaled). */
export function posToTop(pos: number, g: ScrollGeometry): number {
  if (!g.scaled) return pos * ROW_H;
  return g.maxPos > 0 ? Math.round((pos / g.maxPos) * g.maxScroll) : 0;
}
