// Numbers, sizes and durations as people read them.

export function fmtInt(n: number | null | undefined): string {
  return n == null ? "–" : Math.round(n).toLocaleString("en-US");
}

export function fmtBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u += 1;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function fmtMs(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/** "2024-05-13T12:27:22Z" → "2024-05-13 12:27". */
export function fmtTs(iso: string | null | undefined): string {
  if (!iso) return "–";
  return iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, "");
}

/** A dataset name as SQL: dotted names stay as they are, odd ones are quoted. */
export function sqlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(name)
    ? name
    : `"${name.replace(/"/g, '""')}"`;
}
