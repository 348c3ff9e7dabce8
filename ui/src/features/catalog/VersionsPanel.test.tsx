// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { VersionEntry } from "../../bindings/types";

const base = { bytes: 2048, restored_from: null, vacuumed_at: null, added: [], removed: [], retyped: [], derivation: null };
let history: VersionEntry[] = [];
const restored: Array<[string, number]> = [];

vi.mock("../../bindings/commands", () => ({
  datasetHistory: vi.fn(async () => history),
  restoreVersion: vi.fn(async (name: string, version: number) => {
    restored.push([name, version]);
    return 4;
  }),
  retentionPlan: vi.fn(async () => null),
}));

import { VersionsPanel, columnChange } from "./VersionsPanel";

afterEach(cleanup);

function sample(): VersionEntry[] {
  return [
    {
      ...base,
      version: 3,
      mode: "append",
      rows: 4,
      created_at: "2026-12-03T10:00:00.000Z",
      current: true,
      sources: [
        { path: "/in/b.csv", sha256: "bb", bytes: 10, rows: 2 },
        { path: "/in/c.csv", sha256: "cc", bytes: 10, rows: 2 },
      ],
      retyped: [{ name: "age", from: "i64", to: "f64" }],
    },
    {
      ...base,
      version: 2,
      mode: "replace",
      rows: 2,
      created_at: "2026-12-02T10:00:00.000Z",
      current: false,
      sources: [{ path: "/in/b.csv", sha256: "bb", bytes: 10, rows: 2 }],
      added: [{ name: "age", dtype: "i64" }],
    },
    {
      ...base,
      version: 1,
      mode: "replace",
      rows: 3,
      created_at: "2026-12-01T10:00:00.000Z",
      current: false,
      vacuumed_at: "2026-12-04T10:00:00.000Z",
      sources: [{ path: "/in/a.csv", sha256: "aa", bytes: 10, rows: 3 }],
      added: [{ name: "id", dtype: "i64" }],
    },
  ];
}

describe("VersionsPanel", () => {
  it("lists versions with their sources and column changes, and queries or restores one", async () => {
    history = sample();
    const queries: string[] = [];
    const onRestored = vi.fn();
    render(<VersionsPanel name="people" onQuery={(q) => queries.push(q)} onRestored={onRestored} />);
    const v3 = await screen.findByTestId("version-3");
    expect(v3.textContent).toContain("current");
    expect(v3.textContent).toContain("c.csv and 1 more");
    expect(v3.textContent).toContain("age: i64 → f64");
    expect(screen.getByTestId("version-2").textContent).toContain("+ age i64");
    // The oldest version's columns are all new: no change is listed.
    expect(screen.getByTestId("version-1").textContent).not.toContain("+ id");
    // A vacuumed version cannot be queried or restored.
    expect(screen.getByTestId("version-1").textContent).toContain("vacuumed");
    expect(screen.queryByTestId("version-query-1")).toBeNull();
    expect(screen.queryByTestId("version-restore-1")).toBeNull();
    // The current version has nothing to restore.
    expect(screen.queryByTestId("version-restore-3")).toBeNull();

    fireEvent.click(screen.getByTestId("version-query-2"));
    expect(queries).toEqual(["SELECT *\nFROM people VERSION AS OF 2\nLIMIT 100"]);

    // Restore asks first, then restores and says what happened.
    fireEvent.click(screen.getByTestId("version-restore-2"));
    expect(restored).toEqual([]);
    fireEvent.click(screen.getByTestId("version-restore-yes-2"));
    await waitFor(() => expect(onRestored).toHaveBeenCalledTimes(1));
    expect(restored).toEqual([["people", 2]]);
    expect(screen.getByTestId("restore-done").textContent).toContain("as version 4");
  });

  it("says what changed in a few words", () => {
    const [v3, v2] = sample();
    expect(columnChange(v2)).toBe("+ age i64");
    expect(columnChange({ ...v3, removed: [{ name: "x", dtype: "str" }] })).toBe("− x; age: i64 → f64");
  });
});
