// The grid benchmark through the real window, then the summary of bench/app.sh.
//   node bench/app_bench.mjs <app> <lake> <out dir> <app idle kB> <hello idle kB>
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Driver, sleep } from "../tests/e2e/webdriver.mjs";
import { median } from "./stats.mjs";

const [app, lake, out, appMem, helloMem] = process.argv.slice(2);

const rows = { app: [], hello: [] };
for (const line of readFileSync(join(out, "startup.txt"), "utf8").trim().split("\n")) {
  const [who, ready, wall] = line.split(" ");
  rows[who].push({ ready: Number(ready), wall: Number(wall) });
}

const d = new Driver("http://127.0.0.1:4446");
await d.waitReady();
await d.start(app, ["--lake", lake]);
const grid = [];
const maps = [];
try {
  await d.wait('[data-testid="new-query"]', { timeout: 30000 });
  await d.click('[data-testid="new-query"]');
  const ed = await d.wait('.tab-panel:not([hidden]) .cm-content');
  await d.click(ed);
  await d.type(ed, "SELECT * FROM wide");
  await d.type(ed, "\uE00C");
  for (let i = 0; i < 5; i++) {
    await d.click('.tab-panel:not([hidden]) [data-testid="run"]');
    let m = null;
    for (let k = 0; k < 600; k++) {
      m = await d.exec("return window.__datapunkMetrics");
      if (m && m.gridPaintedAt !== undefined && m.gridPaintedAt !== null && m.runStart < m.gridPaintedAt) break;
      await sleep(50);
    }
    const count = await d.text(await d.wait('.tab-panel:not([hidden]) [data-testid="grid-count"]'));
    if (!count.includes("1,000,000")) throw new Error(`the grid says ${count}`);
    grid.push({ total: m.gridPaintedAt - m.runStart, query: m.resultAt - m.runStart, toGrid: m.gridPaintedAt - m.resultAt });
    await sleep(300);
  }
  await d.screenshot(join(out, "grid-1m.png"));
  // The map of 10 M points: zoom in three steps and out again; each move asks the engine for
  // the viewport and the map reports when the frame with the answer is drawn.
  await d.click(await d.wait('[data-testid="catalog-item"][data-name="pts"]'));
  await d.click(await d.wait('.tab-panel:not([hidden]) [data-testid="dataset-tab-map"]'));
  const status = '.tab-panel:not([hidden]) [data-testid="map-status"]';
  const read = () =>
    d.exec(
      `const e = document.querySelector(arguments[0]);
       return e ? { frame: e.dataset.frameMs, engine: e.dataset.engineMs, total: e.dataset.total, drawn: e.dataset.drawn, cells: e.dataset.cells } : null;`,
      [status],
    );
  const next = async (before) => {
    for (let k = 0; k < 1200; k++) {
      const s = await read();
      if (s && s.frame && s.frame !== before) return s;
      await sleep(50);
    }
    throw new Error("the map did not draw a new frame");
  };
  let s = await next("");
  maps.push(s);
  for (const button of ["in", "in", "in", "out", "out", "out"]) {
    await d.click(`.tab-panel:not([hidden]) .maplibregl-ctrl-zoom-${button}`);
    s = await next(s.frame);
    maps.push(s);
    await sleep(200);
  }
  await d.screenshot(join(out, "map-10m.png"));
} finally {
  await d.stop();
}

const res = {
  startup_ready_ms: { app: median(rows.app.map((r) => r.ready)), hello: median(rows.hello.map((r) => r.ready)) },
  startup_wall_ms: { app: median(rows.app.map((r) => r.wall)), hello: median(rows.hello.map((r) => r.wall)) },
  idle_pss_mb: { app: Number(appMem) / 1024, hello: Number(helloMem) / 1024 },
  grid_1m_ms: {
    run_to_grid: median(grid.map((g) => g.total)),
    query: median(grid.map((g) => g.query)),
    result_to_grid: median(grid.map((g) => g.toGrid)),
    runs: grid,
  },
  map_10m_ms: {
    frame: median(maps.map((m) => Number(m.frame))),
    frame_max: Math.max(...maps.map((m) => Number(m.frame))),
    engine: median(maps.map((m) => Number(m.engine))),
    engine_max: Math.max(...maps.map((m) => Number(m.engine))),
    moves: maps,
  },
};
writeFileSync(join(out, "..", "app-results.json"), JSON.stringify(res, null, 2));
const r = (a, b) => (a / b).toFixed(2);
console.log("\n| measure | app | Tauri hello-world | ratio |\n|---|---|---|---|");
console.log(`| cold start → first screen painted (median of ${rows.app.length}) | ${res.startup_ready_ms.app.toFixed(0)} ms | ${res.startup_ready_ms.hello.toFixed(0)} ms | ${r(res.startup_ready_ms.app, res.startup_ready_ms.hello)} (goal ≤ 1.5) |`);
console.log(`| process start → exit after first paint | ${res.startup_wall_ms.app} ms | ${res.startup_wall_ms.hello} ms | ${r(res.startup_wall_ms.app, res.startup_wall_ms.hello)} |`);
console.log(`| idle memory (PSS, app + WebKit processes) | ${res.idle_pss_mb.app.toFixed(0)} MB | ${res.idle_pss_mb.hello.toFixed(0)} MB | ${r(res.idle_pss_mb.app, res.idle_pss_mb.hello)} |`);
console.log(`\n1M rows × 10 columns, Run → first rows painted in the grid (median of ${grid.length}): ${res.grid_1m_ms.run_to_grid.toFixed(0)} ms (goal < 300 ms)`);
console.log(`  of which the query (engine, whole result kept): ${res.grid_1m_ms.query.toFixed(0)} ms; result → grid (Arrow IPC page + paint): ${res.grid_1m_ms.result_to_grid.toFixed(0)} ms`);
console.log(`\nThe map on 10 M points, viewport query → frame drawn (median of ${maps.length} moves): ${res.map_10m_ms.frame.toFixed(0)} ms, slowest ${res.map_10m_ms.frame_max.toFixed(0)} ms (goal < 100 ms)`);
console.log(`  of which the engine: ${res.map_10m_ms.engine.toFixed(1)} ms, slowest ${res.map_10m_ms.engine_max.toFixed(1)} ms (goal < 30 ms)`);
