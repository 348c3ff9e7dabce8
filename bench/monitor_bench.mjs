// The Monitoring page over a year of metrics in the real window (bench/monitor.sh runs it).
//   node bench/monitor_bench.mjs <app> <lake> <out dir> <queries> <runs> "<engine ms...>"
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Driver } from "../tests/e2e/webdriver.mjs";
import { median } from "./stats.mjs";

const [app, lake, out, queriesArg, runsArg, engineArg] = process.argv.slice(2);
const queries = Number(queriesArg);
const runs = Number(runsArg);
const engine = engineArg.split(" ").map(Number);

// In the page: choose a period, then wait for the frame after its report's figures and charts
// are in the document (the page notes when, in window.__datapunkMonitor).
const DRAW = `
const [since, want, minCharts, done] = arguments;
const sel = document.querySelector('[data-testid="monitor-since"]');
const set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set;
const m = window.__datapunkMonitor;
m.paintedAt = undefined;
const t0 = performance.now();
const choose = () => {
  set.call(sel, since);
  sel.dispatchEvent(new Event('change', { bubbles: true }));
};
choose();
let again = t0 + 2000;
const tick = () => {
  // Seen once in ten runs: the change did not reach React (no new request); choose again.
  if (m.askedAt < t0 && performance.now() > again) {
    again += 2000;
    choose();
  }
  const charts = document.querySelectorAll('[data-testid="monitor-panel"] canvas').length;
  // This period's answer, rendered, then painted (each mark after the one before it).
  const ours = m.askedAt >= t0 && m.answeredAt >= m.askedAt && m.renderedAt >= m.answeredAt && m.paintedAt >= m.renderedAt;
  if (ours && m.queries >= want && charts >= minCharts)
    done([m.paintedAt - t0, m.answeredAt - t0, m.renderedAt - m.answeredAt, m.paintedAt - m.renderedAt, m.framedAt - m.renderedAt]);
  else if (performance.now() - t0 > 25000) done(JSON.stringify({ ...m, t0, charts }));
  else requestAnimationFrame(tick);
};
tick();`;

// The commands alone, called from the page (the engine's part, IPC included).
const INVOKE = `
const [cmd, args, done] = arguments;
const t0 = performance.now();
window.__TAURI_INTERNALS__.invoke(cmd, args).then(() => done(performance.now() - t0), (e) => done(-1));`;

// Two frames of the page when nothing changes: the floor of "the frames until painted".
const IDLE = `
const [done] = arguments;
const t0 = performance.now();
requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));`;

const d = new Driver("http://127.0.0.1:4450");
await d.waitReady();
await d.start(app, ["--lake", lake]);
const draw = [];
// The draw's parts: until the answer reached the page, React's render (the charts made), the
// frames until it was painted.
const answered = [];
const rendered = [];
const painted = [];
const report = [];
const history = [];
const idle = [];
const first = [];
let opened = [0, 0];
const filter = { text: "", dataset: "", status: "", min_ms: 0, since: "", slowest: false, limit: 200 };
try {
  const button = await d.wait('[data-testid="open-monitor"]', { timeout: 30000 });
  // OPEN_AFTER_MS=5000 opens the page that long after the app started (apart from start-up).
  if (process.env.OPEN_AFTER_MS) await new Promise((r) => setTimeout(r, Number(process.env.OPEN_AFTER_MS)));
  await d.click(button);
  await d.wait('[data-testid="monitor-panel"] [data-testid="run-row"]', { timeout: 30000 });
  // Opening the page: its first report (the last 30 days), asked for when it was made.
  opened = await d.execAsync(
    `const [done] = arguments; const m = window.__datapunkMonitor;
     const tick = () => (m.paintedAt >= m.askedAt ? done([m.paintedAt - m.askedAt, m.answeredAt - m.askedAt]) : requestAnimationFrame(tick));
     tick();`,
    [],
  );
  for (let i = 0; i < runs + 1; i++) {
    // A short period, then the whole year; the first round warms up.
    const day = await d.execAsync(DRAW, ["1d", 0, 0]);
    if (!Array.isArray(day)) throw new Error(`the last day was not drawn in 25 s: ${day}`);
    const year = await d.execAsync(DRAW, ["365d", queries, 5]);
    if (!Array.isArray(year)) throw new Error(`the year of ${queries} queries was not drawn in 25 s: ${year}`);
    const [ms, answer, render, paint] = year;
    // The first round: the app reads the whole log after the page's first answer, in the
    // background; unless that was done by now, this read is the year's, whole.
    if (i === 0) first.push(ms, answer);
    const r = await d.execAsync(INVOKE, ["metrics_report", { since: "365d" }]);
    const h = await d.execAsync(INVOKE, ["query_runs", { filter }]);
    if (r < 0 || h < 0) throw new Error("a command failed");
    if (i > 0) {
      idle.push(await d.execAsync(IDLE, []));
      draw.push(ms);
      answered.push(answer);
      rendered.push(render);
      painted.push(paint);
      report.push(r);
      history.push(h);
    }
  }
  await d.screenshot(join(out, "monitor-year.png"));
} finally {
  await d.stop();
}
const result = {
  queries,
  draw_ms: median(draw),
  answered_ms: median(answered),
  render_ms: median(rendered),
  paint_ms: median(painted),
  idle_frames_ms: median(idle),
  opened_ms: opened[0],
  opened_answered_ms: opened[1],
  first_draw_ms: first[0],
  first_answered_ms: first[1],
  command_ms: median(report),
  history_ms: median(history),
  engine_ms: median(engine),
  runs: { draw, answered, rendered, painted, idle, report, history, engine },
};
writeFileSync(join(out, "..", "monitor.json"), JSON.stringify(result, null, 2));
console.log(`\n| Monitoring page, a year of ${queries} queries | median ms | goal |\n|---|---|---|`);
console.log(`| app: "Last year" chosen → figures and charts painted | ${result.draw_ms.toFixed(0)} | < 300 |`);
console.log(`| opening the page: its first report (the last 30 days) painted, once | ${result.opened_ms.toFixed(0)} (answer ${result.opened_answered_ms.toFixed(0)}) | |`);
console.log(`| the first time "Last year" is chosen, once | ${result.first_draw_ms.toFixed(0)} (answer ${result.first_answered_ms.toFixed(0)}) | |`);
console.log(`| of which: until the answer reached the page | ${result.answered_ms.toFixed(0)} | |`);
console.log(`| of which: React's render, the charts made | ${result.render_ms.toFixed(0)} | |`);
console.log(`| of which: the frames until painted | ${result.paint_ms.toFixed(0)} | |`);
console.log(`| two frames of the page when nothing changes (the floor of the above) | ${result.idle_frames_ms.toFixed(0)} | |`);
console.log(`| the command alone (metrics_report, engine and IPC) | ${result.command_ms.toFixed(0)} | |`);
console.log(`| the query history's first 200 runs (query_runs) | ${result.history_ms.toFixed(0)} | |`);
console.log(`| engine: lake metrics --since 365d --json (process included) | ${result.engine_ms} | |`);
