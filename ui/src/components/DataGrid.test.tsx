// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { StrictMode, useState } from "react";
import { DateDay, Decimal, Field, Schema, Table, TimestampMillisecond, makeData, makeVector, tableFromArrays, tableToIPC, vectorFromArray } from "apache-arrow";
import type { FilterSpec, ResultMeta, SortSpec } from "../bindings/types";
import { DataGrid } from "./DataGrid";
import {
  MAX_SCROLL_PX,
  PAGE_SIZE,
  PageCache,
  PageLoader,
  ROW_H,
  decodePage,
  formatFloat,
  formatValue,
  posToTop,
  scrollGeometry,
  topToPos,
  viewKeyOf,
} from "./pageCache";

const TOTAL = 10_000_000;
const COLUMNS = [
  { name: "id", dtype: "Int64" },
  { name: "name", dtype: "Utf8" },
  { name: "score", dtype: "Float64" },
  { name: "note", dtype: "Utf8" },
];

function makeMeta(over: Partial<ResultMeta> = {}): ResultMeta {
  return { id: 1, columns: COLUMNS, rows: TOTAL, total_rows: TOTAL, elapsed_ms: 12, sort: null, filter: null, ...over };
}

/** Arrow IPC stream bytes as a standalone ArrayBuffer, like the backend sends. */
function ipc(table: Table): ArrayBuffer {
  return new Uint8Array(tableToIPC(table, "stream")).buffer;
}

/** Rows offset..offset+limit of the virtual result: id, "row <id>", id/3, "x" or null. */
function windowBytes(offset: number, limit: number): ArrayBuffer {
  const id = new BigInt64Array(limit);
  const score = new Float64Array(limit);
  const name: string[] = [];
  const note: (string | null)[] = [];
  for (let i = 0; i < limit; i++) {
    const r = offset + i;
    id[i] = BigInt(r);
    score[i] = r / 3;
    name.push(`row ${r}`);
    note.push(r % 2 ? null : "x");
  }
  return ipc(tableFromArrays({ id, name, score, note }));
}

function fakeBackend() {
  const calls: [number, number][] = [];
  const fetchPage = vi.fn(async (offset: number, limit: number) => {
    calls.push([offset, limit]);
    return windowBytes(offset, limit);
  });
  return { calls, fetchPage };
}

const scroller = () => screen.getByRole("grid");
const cellsOf = (row: HTMLElement) => [...row.querySelectorAll(".grid-cell")].map((c) => c.textContent);
const rowEl = (i: number) => document.querySelector<HTMLElement>(`[data-testid="grid-row"][data-row="${i}"]`);

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("DataGrid", () => {
  it("fetches only the pages near the top and renders the first rows", async () => {
    const { calls, fetchPage } = fakeBackend();
    render(<DataGrid meta={makeMeta()} fetchPage={fetchPage} />);

    await waitFor(() => expect(rowEl(0)).not.toBeNull());
    expect(cellsOf(rowEl(0)!)).toEqual(["0", "row 0", "0", "x"]);
    expect(cellsOf(rowEl(1)!)).toEqual(["1", "row 1", "0.333333", "null"]);
    expect(rowEl(1)!.querySelector(".dg-null")?.textContent).toBe("null");

    expect(calls.length).toBeGreaterThan(0);
    for (const [offset, limit] of calls) {
      expect(offset).toBeLessThanOrEqual(1024);
      expect(limit).toBeLessThanOrEqual(PAGE_SIZE);
    }
    expect(new Set(calls.map(([o]) => o)).size).toBe(calls.length); // no page twice

    // Only a window of rows is in the DOM, not 10M.
    expect(screen.getAllByTestId("grid-row").length).toBeLessThan(60);
    expect(screen.getByTestId("grid-count").textContent).toContain("10,000,000");
    expect(screen.getByTestId("grid-count").textContent).toBe("10,000,000 of 10,000,000 rows");
    expect(screen.getAllByTestId("grid-header").map((h) => h.dataset.column)).toEqual(["id", "name", "score", "note"]);
  });

  it("works under StrictMode without duplicate requests", async () => {
    const { calls, fetchPage } = fakeBackend();
    render(
      <StrictMode>
        <DataGrid meta={makeMeta()} fetchPage={fetchPage} />
      </StrictMode>,
    );
    await waitFor(() => expect(rowEl(0)).not.toBeNull());
    expect(calls).toEqual([[0, PAGE_SIZE]]);
  });

  it("resizes a column by dragging the header edge", () => {
    render(<DataGrid meta={makeMeta()} fetchPage={fakeBackend().fetchPage} />);
    const header = () => screen.getAllByTestId("grid-header").find((h) => h.dataset.column === "name")!;
    const before = parseFloat(header().style.width);
    expect(before).toBeGreaterThanOrEqual(80);
    expect(before).toBeLessThanOrEqual(360);
    fireEvent.pointerDown(header().querySelector(".dg-resize")!, { button: 0, clientX: 100 });
    fireEvent.pointerMove(window, { clientX: 160 });
    fireEvent.pointerUp(window, { clientX: 160 });
    expect(parseFloat(header().style.width)).toBe(before + 60);
    fireEvent.pointerMove(window, { clientX: 400 }); // drag ended: no effect
    expect(parseFloat(header().style.width)).toBe(before + 60);
  });

  it("shows placeholders until a page arrives", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const fetchPage = async (offset: number, limit: number) => {
      await gate;
      return windowBytes(offset, limit);
    };
    render(<DataGrid meta={makeMeta()} fetchPage={fetchPage} />);
    expect(screen.queryAllByTestId("grid-row")).toHaveLength(0);
    expect(screen.getAllByTestId("grid-row-loading").length).toBeGreaterThan(10);
    await act(async () => release());
    await waitFor(() => expect(rowEl(0)).not.toBeNull());
  });

  it("cycles sort asc → desc → none through onSort and refetches for the new view", async () => {
    const { calls, fetchPage } = fakeBackend();
    const onSort = vi.fn<(s: SortSpec | null) => void>();
    function Parent() {
      const [meta, setMeta] = useState(makeMeta());
      return (
        <DataGrid
          meta={meta}
          fetchPage={fetchPage}
          onSort={(sort) => {
            onSort(sort);
            setMeta((m) => ({ ...m, sort }));
          }}
        />
      );
    }
    render(<Parent />);
    await waitFor(() => expect(rowEl(0)).not.toBeNull());
    const header = () => screen.getAllByTestId("grid-header").find((h) => h.dataset.column === "score")!;

    fireEvent.click(header());
    expect(onSort).toHaveBeenLastCalledWith({ column: "score", descending: false });
    expect(header().textContent).toContain("▲");
    fireEvent.click(header());
    expect(onSort).toHaveBeenLastCalledWith({ column: "score", descending: true });
    expect(header().textContent).toContain("▼");
    fireEvent.click(header());
    expect(onSort).toHaveBeenLastCalledWith(null);
    expect(header().textContent).not.toMatch(/[▲▼]/);

    // Each sort is a new view: page 0 is fetched again for it.
    await waitFor(() => expect(calls.filter(([o]) => o === 0).length).toBeGreaterThanOrEqual(2));
  });

  it("cycles sort locally even before the parent passes a new meta", () => {
    const onSort = vi.fn();
    render(<DataGrid meta={makeMeta()} fetchPage={fakeBackend().fetchPage} onSort={onSort} />);
    const header = () => screen.getAllByTestId("grid-header").find((h) => h.dataset.column === "id")!;
    fireEvent.click(header());
    fireEvent.click(header());
    expect(onSort.mock.calls).toEqual([[{ column: "id", descending: false }], [{ column: "id", descending: true }]]);
  });

  it("applies the filter on Enter and after a debounce", async () => {
    const onFilter = vi.fn<(f: FilterSpec | null) => void>();
    render(<DataGrid meta={makeMeta()} fetchPage={fakeBackend().fetchPage} onFilter={onFilter} />);
    const input = screen.getByTestId("grid-filter") as HTMLInputElement;
    expect(input.placeholder).toBe("Filter rows (engine-side)…");

    fireEvent.change(input, { target: { value: "abc" } });
    expect(onFilter).not.toHaveBeenCalled();
    fireEvent.keyDown(input, { key: "Enter" });
    expect(onFilter).toHaveBeenLastCalledWith({ column: null, text: "abc" });

    fireEvent.change(screen.getByLabelText("Filter column"), { target: { value: "name" } });
    expect(onFilter).toHaveBeenLastCalledWith({ column: "name", text: "abc" });

    fireEvent.change(input, { target: { value: "abcd" } });
    await waitFor(() => expect(onFilter).toHaveBeenLastCalledWith({ column: "name", text: "abcd" }), { timeout: 1500 });
    // The debounce does not repeat what Enter/select already sent.
    expect(onFilter).toHaveBeenCalledTimes(3);
  });

  it("shows filtered counts and the busy indicator", () => {
    render(
      <DataGrid
        meta={makeMeta({ rows: 1234, filter: { column: null, text: "x" } })}
        fetchPage={fakeBackend().fetchPage}
        busy
      />,
    );
    expect(screen.getByTestId("grid-count").textContent).toBe("1,234 of 10,000,000 rows");
    expect(screen.getByTestId("grid-busy")).toBeTruthy();
  });

  it("maps a scaled scroll position to rows in the middle of 10M", async () => {
    const { calls, fetchPage } = fakeBackend();
    render(<DataGrid meta={makeMeta()} fetchPage={fetchPage} />);
    await waitFor(() => expect(rowEl(0)).not.toBeNull());

    const spacer = scroller().querySelector<HTMLElement>(".dg-spacer")!;
    expect(parseFloat(spacer.style.height)).toBe(MAX_SCROLL_PX); // capped, not 260M px

    const g = scrollGeometry(TOTAL, 600 - 40);
    const el = scroller();
    el.scrollTop = g.maxScroll / 2;
    fireEvent.scroll(el);
    const mid = Math.floor(topToPos(el.scrollTop, g));
    expect(mid).toBeGreaterThan(4_990_000);
    expect(mid).toBeLessThan(5_010_000);

    await waitFor(() => expect(rowEl(mid)).not.toBeNull());
    expect(cellsOf(rowEl(mid)!)[0]).toBe(String(mid));
    expect(calls.some(([o]) => o === Math.floor(mid / PAGE_SIZE) * PAGE_SIZE)).toBe(true);
    expect(rowEl(0)).toBeNull();
  });

  it("moves the selection with the keyboard and copies it as TSV", async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const { calls, fetchPage } = fakeBackend();
    render(<DataGrid meta={makeMeta()} fetchPage={fetchPage} />);
    await waitFor(() => expect(rowEl(0)).not.toBeNull());

    const el = scroller();
    fireEvent.click(rowEl(2)!.querySelector(".grid-cell")!);
    expect(rowEl(2)!.getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(el, { key: "ArrowDown" });
    expect(rowEl(3)!.getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(el, { key: "c", ctrlKey: true });
    expect(writeText).toHaveBeenCalledWith("3\trow 3\t1\t");

    fireEvent.keyDown(el, { key: "End" });
    await waitFor(() => expect(rowEl(TOTAL - 1)).not.toBeNull());
    expect(rowEl(TOTAL - 1)!.getAttribute("aria-selected")).toBe("true");
    expect(calls.some(([o, l]) => o + l === TOTAL)).toBe(true);

    fireEvent.keyDown(el, { key: "Home" });
    await waitFor(() => expect(rowEl(0)?.getAttribute("aria-selected")).toBe("true"));
  });

  it("drops pages of a previous result", async () => {
    const pending: { offset: number; resolve: (b: ArrayBuffer) => void }[] = [];
    const fetchPage = (offset: number) => new Promise<ArrayBuffer>((resolve) => pending.push({ offset, resolve }));
    const { rerender } = render(<DataGrid meta={makeMeta({ id: 1 })} fetchPage={fetchPage} />);
    expect(pending).toHaveLength(1);
    rerender(<DataGrid meta={makeMeta({ id: 2 })} fetchPage={fetchPage} />);
    expect(pending).toHaveLength(2);
    // The old result answers (late) with different data: it must not show up.
    await act(async () => pending[0].resolve(windowBytes(5000, PAGE_SIZE)));
    expect(rowEl(0)).toBeNull();
    await act(async () => pending[1].resolve(windowBytes(0, PAGE_SIZE)));
    await waitFor(() => expect(rowEl(0)).not.toBeNull());
    expect(cellsOf(rowEl(0)!)[0]).toBe("0");
  });
});

describe("PageCache", () => {
  it("evicts the least recently used page", () => {
    const c = new PageCache<number>(3);
    c.set("a", 1);
    c.set("b", 2);
    c.set("c", 3);
    expect(c.get("a")).toBe(1); // a becomes most recent
    c.set("d", 4);
    expect(c.has("b")).toBe(false);
    expect(c.keys()).toEqual(["c", "a", "d"]);
    expect(c.size).toBe(3);
    c.peek("c"); // peek does not refresh
    c.set("e", 5);
    expect(c.has("c")).toBe(false);
  });

  it("defaults to ~40 pages", () => {
    const c = new PageCache<number>();
    for (let i = 0; i < 100; i++) c.set(String(i), i);
    expect(c.size).toBe(40);
    expect(c.has("59")).toBe(false);
    expect(c.has("60")).toBe(true);
  });
});

describe("formatting", () => {
  it("formats scalars for display", () => {
    expect(formatValue(null)).toBeNull();
    expect(formatValue(undefined)).toBeNull();
    expect(formatValue(12345678901234567890n)).toBe("12345678901234567890");
    expect(formatValue(42)).toBe("42");
    expect(formatValue(-7)).toBe("-7");
    expect(formatValue(1 / 3)).toBe("0.333333");
    expect(formatValue(2.5)).toBe("2.5");
    expect(formatValue(-0.1 - 0.2)).toBe("-0.3");
    expect(formatValue(true)).toBe("true");
    expect(formatValue(false)).toBe("false");
    expect(formatValue("héllo")).toBe("héllo");
    expect(formatFloat(NaN)).toBe("NaN");
    expect(formatFloat(1.5e-9)).toBe("1.5e-9");
    expect(formatFloat(123456.123456789)).toBe("123456.123457");
    expect(formatFloat(1e20)).toBe("100000000000000000000"); // integral: as-is
  });

  it("decodes an Arrow page into display rows", () => {
    const table = tableFromArrays({
      big: BigInt64Array.from([1n, 9007199254740993n]),
      f: Float64Array.from([3.14159265, 10]),
      s: ["a", null],
      b: [true, false],
    });
    expect(decodePage(ipc(table))).toEqual([
      ["1", "3.141593", "a", "true"],
      ["9007199254740993", "10", null, "false"],
    ]);
  });

  it("decodes temporal and decimal columns readably", () => {
    const ts = vectorFromArray([new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), null], new TimestampMillisecond());
    const day = vectorFromArray([new Date(Date.UTC(2024, 1, 29)), null], new DateDay());
    const dec = makeVector(makeData({ type: new Decimal(2, 10, 128), length: 2, nullCount: 0, data: new Uint32Array([12345, 0, 0, 0, 5, 0, 0, 0]) }));
    const n = makeVector(Int32Array.from([7, 8]));
    const schema = new Schema([
      new Field("ts", ts.type, true),
      new Field("day", day.type, true),
      new Field("dec", dec.type),
      new Field("n", n.type),
    ]);
    const table = new Table(schema, { ts: ts.data[0], day: day.data[0], dec: dec.data[0], n: n.data[0] });
    expect(decodePage(ipc(table))).toEqual([
      ["2024-01-02 03:04:05", "2024-02-29", "123.45", "7"],
      [null, null, "0.05", "8"],
    ]);
  });
});

describe("PageLoader", () => {
  it("dedupes in-flight pages and drops stale responses", async () => {
    const resolvers: ((b: ArrayBuffer) => void)[] = [];
    const fetcher = vi.fn((offset: number, limit: number) => {
      void offset;
      void limit;
      return new Promise<ArrayBuffer>((r) => resolvers.push(r));
    });
    const onChange = vi.fn();
    const loader = new PageLoader({ onChange });
    const a = viewKeyOf(makeMeta());
    loader.request(a, TOTAL, [0, 1], fetcher);
    loader.request(a, TOTAL, [0, 1], fetcher); // same pages again: no new requests
    expect(fetcher.mock.calls).toEqual([
      [0, 256],
      [256, 256],
    ]);

    const b = viewKeyOf(makeMeta({ sort: { column: "id", descending: true } }));
    expect(b).not.toBe(a);
    loader.request(b, TOTAL, [0], fetcher);
    expect(fetcher).toHaveBeenCalledTimes(3);

    resolvers[0](windowBytes(0, 256)); // answer for view a: stale now
    resolvers[2](windowBytes(0, 256));
    await vi.waitFor(() => expect(onChange).toHaveBeenCalledTimes(1));
    expect(loader.getRow(a, 0)).toBeUndefined();
    expect(loader.getRow(b, 3)?.[1]).toBe("row 3");
  });

  it("caps the last page at the row count", () => {
    const fetcher = vi.fn(() => new Promise<ArrayBuffer>(() => {}));
    const loader = new PageLoader({ onChange: () => {} });
    loader.request("v", 300, [0, 1], fetcher);
    expect(fetcher.mock.calls).toEqual([
      [0, 256],
      [256, 44],
    ]);
  });
});

describe("scroll geometry", () => {
  it("maps 1:1 for small results and scales for huge ones", () => {
    const small = scrollGeometry(1000, 520);
    expect(small.scaled).toBe(false);
    expect(small.spacerH).toBe(1000 * ROW_H);
    expect(topToPos(260, small)).toBe(10);

    const huge = scrollGeometry(TOTAL, 520);
    expect(huge.scaled).toBe(true);
    expect(huge.spacerH).toBe(MAX_SCROLL_PX);
    expect(topToPos(0, huge)).toBe(0);
    expect(topToPos(huge.maxScroll, huge)).toBe(TOTAL - 520 / ROW_H);
    expect(posToTop(huge.maxPos, huge)).toBe(huge.maxScroll);
  });
});
