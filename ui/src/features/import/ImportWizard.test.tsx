// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { ImportItem, ImportPreview, ImportReport } from "../../bindings/types";

const calls: { items?: ImportItem[]; hold?: (r: ImportReport) => void; channel?: { onmessage: (p: unknown) => void } } = {};
const preview: ImportPreview = {
  files: [
    {
      path: "/data/Takeout",
      bytes: 4096,
      kind: "takeout",
      dataset: "takeout.*",
      columns: [],
      sample: [],
      sampled: "",
      warnings: [],
      error: null,
    },
    {
      path: "/data/My Trips.csv",
      bytes: 120,
      kind: "csv",
      dataset: "my_trips",
      columns: [
        { name: "city", dtype: "str" },
        { name: "km", dtype: "i64" },
      ],
      sample: [["Paris", "12"], ["Lyon", null]],
      sampled: "whole file",
      warnings: ["1 bad record(s) in the whole file"],
      error: null,
    },
    {
      path: "/data/nope.csv",
      bytes: 0,
      kind: "unknown",
      dataset: null,
      columns: [],
      sample: [],
      sampled: "",
      warnings: [],
      error: { code: "bad_input", message: "/data/nope.csv: no such file or folder; check the path", details: {} },
    },
  ],
  takeout: {
    export_id: "Takeout",
    parts: ["/data/Takeout"],
    locale: "de",
    products: [{ product: "Gmail", files: 1, bytes: 2048 }],
    unrecognized: 2,
    entries: 40,
  },
  takeout_error: null,
};
const report: ImportReport = {
  datasets: [{ name: "trips", version: 1, rows: 2, files: 1, skipped_rows: 0, bad_examples: [], quality: [] }],
  unchanged: [],
  errors: [],
  indexes: [],
  takeout: {
    export_id: "Takeout",
    parts: ["/data/Takeout"],
    locale: "de",
    products: [
      { product: "Gmail", files: 1, rows: 3, min_ts: "2024-05-01T08:00:00Z", max_ts: "2024-05-13T12:27:22Z", status: "partial", errors: [{ path: "Takeout/Mail/x.mbox", error: "bad date" }] },
    ],
    unrecognized: [],
    tables: [{ name: "takeout.emails", rows: 3, new_rows: 3, duplicates: 0, key: "Message-ID" }],
    notes: [],
  },
};

vi.mock("../../bindings/commands", () => ({
  Channel: class {
    onmessage: (p: unknown) => void = () => {};
  },
  previewImport: vi.fn(async () => preview),
  startImport: vi.fn(async (items: ImportItem[], _skipBad: boolean, channel: { onmessage: (p: unknown) => void }) => {
    calls.items = items;
    calls.channel = channel;
    if (calls.hold) return new Promise<ImportReport>((resolve) => (calls.hold = resolve));
    return report;
  }),
  cancelImport: vi.fn(async () => true),
  pickPaths: vi.fn(async () => ["/data/picked.csv"]),
}));

import { ImportWizard } from "./ImportWizard";
import { cancelImport, pickPaths, previewImport } from "../../bindings/commands";

afterEach(cleanup);

describe("ImportWizard", () => {
  it("shows what was detected, imports with the edited names, then shows the coverage", async () => {
    const onImported = vi.fn();
    render(<ImportWizard paths={["/data/Takeout", "/data/My Trips.csv", "/data/nope.csv"]} onClose={() => {}} onImported={onImported} />);
    const survey = await screen.findByTestId("takeout-survey");
    expect(survey.textContent).toContain("Gmail");
    expect(survey.textContent).toContain("language de");
    expect(screen.getAllByTestId("import-file")).toHaveLength(2);
    expect(screen.getByText("Paris")).toBeTruthy();
    expect(screen.getByText(/1 bad record/)).toBeTruthy();
    expect(screen.getByText(/no such file or folder/)).toBeTruthy();

    const name = screen.getByTestId("import-dataset-name") as HTMLInputElement;
    expect(name.value).toBe("my_trips");
    fireEvent.change(name, { target: { value: "trips" } });
    const start = screen.getByTestId("import-start");
    expect(start.textContent).toContain("2 item(s)");
    fireEvent.click(start);

    await screen.findByTestId("import-result");
    expect(calls.items).toEqual([
      { path: "/data/Takeout", dataset: null },
      { path: "/data/My Trips.csv", dataset: "trips" },
    ]);
    const row = screen.getByTestId("coverage-row");
    expect(row.textContent).toContain("Gmail");
    expect(row.textContent).toContain("partial");
    expect(screen.getByTestId("coverage-errors").textContent).toContain("bad date");
    await waitFor(() => expect(onImported).toHaveBeenCalled());
  });

  it("shows live progress with the time left, and Cancel asks the engine to stop", async () => {
    calls.hold = () => {};
    render(<ImportWizard paths={["/data/My Trips.csv"]} onClose={() => {}} onImported={() => {}} />);
    await screen.findAllByTestId("import-file");
    fireEvent.click(screen.getByTestId("import-start"));
    await screen.findByTestId("import-progress");
    await waitFor(() => expect(calls.channel).toBeDefined());
    act(() =>
      calls.channel!.onmessage({
        file: "/data/My Trips.csv",
        file_bytes: 4_000_000,
        file_read: 1_000_000,
        records: 25_000,
        done_bytes: 1_000_000,
        total_bytes: 4_000_000,
        elapsed_ms: 2_000,
        eta_ms: 6_000,
      }),
    );
    const view = screen.getByTestId("import-progress");
    expect(view.textContent).toContain("1.0 MB of 4.0 MB");
    expect(view.textContent).toContain("about 6.0 s left");
    expect(view.textContent).toContain("25,000 records");
    fireEvent.click(screen.getByTestId("import-cancel"));
    expect(cancelImport).toHaveBeenCalled();
    calls.hold = undefined;
  });

  it("takes paths only from the shell's dialog: there is no box to type one", async () => {
    render(<ImportWizard paths={[]} onClose={() => {}} onImported={() => {}} />);
    expect(screen.queryByRole("textbox")).toBeNull();
    fireEvent.click(screen.getByTestId("pick-files"));
    await waitFor(() => expect(pickPaths).toHaveBeenCalledWith("import_files"));
    await waitFor(() => expect(previewImport).toHaveBeenCalledWith(["/data/picked.csv"]));
  });
});
