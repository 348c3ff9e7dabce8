/** Times on the timeline: milliseconds since 1970, shown in UTC. */

const pad = (n: number) => String(n).padStart(2, "0");

/** `ms` as text at the precision a span of `spanMs` needs. */
export function fmtAt(ms: number, spanMs: number): string {
  const d = new Date(ms);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (spanMs > 3 * 365 * 86_400_000) return String(d.getUTCFullYear());
  if (spanMs > 60 * 86_400_000) return day.slice(0, 7);
  if (spanMs > 2 * 86_400_000) return day;
  return `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** A length in the largest unit that fits: 3 y, 12 d, 5 h, 30 min, 10 s. */
export function fmtSpan(ms: number): string {
  const units: [number, string][] = [
    [365.25 * 86_400_000, "y"],
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "min"],
    [1000, "s"],
  ];
  for (const [u, name] of units) if (ms >= u) return `${Math.round((ms / u) * 10) / 10} ${name}`;
  return `${Math.round(ms)} ms`;
}

/** The range zoomed by `factor` (< 1 zooms in) around `at`, never shorter than a minute. */
export function zoom(from: number, to: number, at: number, factor: number): [number, number] {
  const span = Math.max((to - from) * factor, 60_000);
  const left = (at - from) / (to - from);
  const f = at - left * span;
  return [f, f + span];
}

/** Evenly spaced tick times across the range, `n` of them. */
export function ticks(from: number, to: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => from + ((to - from) * (i + 0.5)) / n);
}

/** A SQL literal for a bucket's edge `ms`, compared with a column of dates or of times. A
 *  date is counted in the bucket its midnight falls in, so an edge is the next midnight. */
export function timeLiteral(ms: number, date: boolean): string {
  if (!date) return `'${new Date(ms).toISOString()}'`;
  const day = Math.ceil(ms / 86_400_000) * 86_400_000;
  return `DATE '${new Date(day).toISOString().slice(0, 10)}'`;
}

export const DAY_MS = 86_400_000;

/** A row's time within a listed stretch: the clock in a day, the date too over longer. */
export function fmtClock(ms: number, spanMs: number): string {
  const d = new Date(ms);
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return spanMs <= DAY_MS ? clock : `${d.toISOString().slice(0, 10)} ${clock}`;
}

/** A stretch of time as a heading: one whole UTC day as its date. */
export function fmtRange(from: number, to: number): string {
  if (to - from === DAY_MS && from % DAY_MS === 0) return `${new Date(from).toISOString().slice(0, 10)} (UTC)`;
  return `${fmtAt(from, to - from)} → ${fmtAt(to, to - from)} (UTC)`;
}

/** The UTC day `text` names (`2024-05-02`), as its range; null when it is not a date. */
export function dayRange(text: string): [number, number] | null {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(ms);
  if (back.getUTCMonth() !== Number(m[2]) - 1 || back.getUTCDate() !== Number(m[3])) return null;
  return [ms, ms + DAY_MS];
}
