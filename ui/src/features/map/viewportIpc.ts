import { tableFromIPC } from "apache-arrow";
import type { Viewport } from "../../bindings/types";

/**
 * The engine's answer for a map box, sent as one Arrow IPC stream: columns `x`, `y` and either
 * `n` (points per cell) or `file`, `row` (where each point's row is); `column`, `total`,
 * `entries` and `engine_ms` in the schema's metadata.
 */
export function decodeViewport(buf: ArrayBuffer | Uint8Array): Viewport {
  const t = tableFromIPC(buf instanceof Uint8Array ? buf : new Uint8Array(buf));
  const meta = t.schema.metadata;
  const num = (k: string) => {
    const v = Number(meta.get(k));
    if (!Number.isFinite(v)) throw new Error(`the map's answer has no ${k}`);
    return v;
  };
  const values = (name: string): number[] => {
    const c = t.getChild(name);
    if (!c) return [];
    const out = new Array<number>(c.length);
    for (let i = 0; i < c.length; i++) out[i] = Number(c.get(i));
    return out;
  };
  const files = values("file");
  const rows = values("row");
  return {
    column: meta.get("column") ?? "",
    total: num("total"),
    entries: num("entries"),
    xs: values("x"),
    ys: values("y"),
    counts: values("n"),
    rows: files.map((f, i) => [f, rows[i]]),
    engine_ms: num("engine_ms"),
  };
}
