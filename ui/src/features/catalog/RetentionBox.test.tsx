// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { RetentionPlan } from "../../bindings/types";

const plan: RetentionPlan = {
  policy: { dataset: "ev", column: "ts", keep_days: 30 },
  cutoff: "2026-11-06T10:00:00.000Z",
  version: 3,
  rows: 10,
  rows_removed: 4,
  files_removed: 1,
  files_kept: 2,
  files_rewritten: 1,
};
const calls: string[] = [];
let current: RetentionPlan | null = null;

vi.mock("../../bindings/commands", () => ({
  retentionPlan: vi.fn(async () => current),
  setRetention: vi.fn(async (name: string, days: number) => {
    calls.push(`set ${name} ${days}`);
    current = plan;
    return plan;
  }),
  applyRetention: vi.fn(async (p: RetentionPlan) => {
    calls.push(`apply ${p.policy.dataset} v${p.version} ${p.cutoff}`);
    current = { ...plan, version: 4, rows: 6, rows_removed: 0 };
    return 4;
  }),
  dropRetention: vi.fn(async () => true),
}));

import { RetentionBox } from "./RetentionBox";

afterEach(cleanup);

describe("RetentionBox", () => {
  it("shows what a policy would remove, and removes only that when asked", async () => {
    const onApplied = vi.fn();
    render(<RetentionBox name="ev" onApplied={onApplied} />);
    fireEvent.change(screen.getByTestId("retention-days"), { target: { value: "30" } });
    fireEvent.click(screen.getByTestId("retention-save"));
    const shown = await screen.findByTestId("retention-plan");
    expect(shown.textContent).toContain("4 of 10 rows are older than 2026-11-06 10:00 UTC");
    expect(calls).toEqual(["set ev 30"]);
    fireEvent.click(screen.getByTestId("retention-apply"));
    await waitFor(() => expect(onApplied).toHaveBeenCalledTimes(1));
    // The plan that was shown is the one applied.
    expect(calls).toEqual(["set ev 30", "apply ev v3 2026-11-06T10:00:00.000Z"]);
    expect(screen.getByTestId("retention-done").textContent).toContain("Version 4 keeps the rows from 2026-11-06 10:00 UTC on");
    expect(screen.getByTestId("retention-plan").textContent).toContain("No row is older");
  });
});
