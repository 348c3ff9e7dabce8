// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { MonitorView, QueryRun, RunFilter } from "../../bindings/types";

vi.mock("./MiniChart", () => ({ MiniChart: ({ testId, x }: { testId: string; x: number[] }) => <div data-testid={testId}>{x.length} points</div> }));

const run = (id: number, sql: string, ms: number, status = "ok"): QueryRun => ({
  id,
  ts: "2026-12-07T10:00:00.000Z",
  sql,
  status,
  error_code: status === "ok" ? null : "unknown_column",
  duration_ms: ms,
  rows: status === "ok" ? 3 : null,
  scan: status === "ok" ? { datasets: ["trips"], files_scanned: 1, files_pruned: 2, bytes_scanned: 2048, row_groups_read: 7, row_groups_pruned: 5 } : null,
  peak_bytes: 50_000_000,
  cache: null,
  has_plan: false,
});
const view: MonitorView = {
  report: {
    since: "2026-11-07T10:00:00.000Z",
    until: "2026-12-07T10:00:00.000Z",
    bucket: "day",
    queries: { count: 3, errors: 1, cancelled: 0, p50_ms: 12, p95_ms: 900, max_ms: 900, rows: 6, files_scanned: 2, files_pruned: 4, bytes_scanned: 4096, row_groups_read: 14, row_groups_pruned: 10, cache_hits: 0, cache_misses: 0, cache_hit_rate: null },
    query_series: [{ t: 1_796_000_000_000, count: 3, errors: 1, p50_ms: 12, p95_ms: 900 }],
    imports: [],
    import_count: 2,
    import_rows: 1500,
    import_errors: 0,
    storage: [{ name: "trips", bytes: 3_000_000, retained_bytes: 3_000_000, versions: 2, index_bytes: 0 }],
    growth: [],
    process: [{ t: 1_796_000_000_000, rss_bytes: 200_000_000, cpu_percent: 3 }],
    daily: [],
    slowest: [run(3, "SELECT * FROM trips ORDER BY fare", 900)],
  },
  import: null,
};
const filters: RunFilter[] = [];

vi.mock("../../bindings/commands", () => ({
  // Each period counts its own queries.
  metricsReport: vi.fn(async (since: string) => (since === "1d" ? { ...view, report: { ...view.report, queries: { ...view.report.queries, count: 1 } } } : view)),
  queryRuns: vi.fn(async (f: RunFilter) => {
    filters.push(f);
    const all = [run(3, "SELECT * FROM trips ORDER BY fare", 900), run(2, "SELECT nope FROM trips", 5, "error"), run(1, "SELECT 1", 12)];
    return all.filter((r) => (f.status ? r.status === f.status : true));
  }),
}));

import { MonitorPanel } from "./MonitorPanel";

afterEach(cleanup);

describe("MonitorPanel", () => {
  it("shows the figures, the slowest queries and a filtered history, and re-runs a past query", async () => {
    const onQuery = vi.fn();
    render(<MonitorPanel datasets={["trips"]} onQuery={onQuery} />);
    expect((await screen.findByTestId("fig-queries")).textContent).toContain("3");
    expect(screen.getByTestId("fig-failed").textContent).toContain("1");
    expect(screen.getByTestId("fig-rows").textContent).toContain("1,500");
    expect(screen.getByTestId("fig-size").textContent).toContain("3.0 MB");
    expect(screen.getByTestId("fig-row-groups").textContent).toContain("10 of 24");
    expect(screen.getByTestId("chart-latency").textContent).toBe("1 points");
    const slow = screen.getByTestId("slow-queries");
    expect(slow.textContent).toContain("SELECT * FROM trips ORDER BY fare");
    expect(slow.textContent).toContain("900 ms");
    expect(slow.textContent).toContain("7 / 5 skipped");
    await waitFor(() => expect(screen.getAllByTestId("run-row")).toHaveLength(1 + 3));
    fireEvent.change(screen.getByTestId("runs-status"), { target: { value: "error" } });
    await waitFor(() => expect(filters[filters.length - 1].status).toBe("error"));
    await waitFor(() => expect(screen.getByTestId("runs-table").querySelectorAll("tr[data-status]")).toHaveLength(1));
    const failed = screen.getByTestId("runs-table").querySelector("tr[data-status='error']")!;
    expect(failed.textContent).toContain("unknown_column");
    fireEvent.click(failed.querySelector("[data-testid='run-again']")!);
    expect(onQuery).toHaveBeenCalledWith("SELECT nope FROM trips", "run");
    fireEvent.click(slow.querySelector("[data-testid='run-plan']")!);
    expect(onQuery).toHaveBeenCalledWith("SELECT * FROM trips ORDER BY fare", "analyze");
  });

  it("asks for the history again for new queries, not for another period", async () => {
    render(<MonitorPanel datasets={["trips"]} onQuery={vi.fn()} />);
    await waitFor(() => expect(screen.getAllByTestId("run-row").length).toBeGreaterThan(1));
    const asked = filters.length;
    fireEvent.change(screen.getByTestId("monitor-since"), { target: { value: "1d" } });
    await waitFor(() => expect(screen.getByTestId("fig-queries").textContent).toContain("1"));
    await new Promise((r) => setTimeout(r, 400));
    expect(filters.length).toBe(asked);
  });
});
