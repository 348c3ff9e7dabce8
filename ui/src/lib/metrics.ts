/**
 * Timings the benchmark reads through WebDriver (`bench/app_bench.mjs`): when a run started,
 * when its result arrived, and when the grid had painted its first rows.
 */
export const metrics: { runStart?: number; resultAt?: number; gridPaintedAt?: number; resultId?: number } = {};
(window as unknown as { __datapunkMetrics: typeof metrics }).__datapunkMetrics = metrics;

/** The grid got its first page of result `id`: note when it is on screen (two frames later). */
export function markFirstPage(id: number) {
  if (metrics.resultId !== id || metrics.gridPaintedAt !== undefined) return;
  requestAnimationFrame(() => requestAnimationFrame(() => (metrics.gridPaintedAt = performance.now())));
}
