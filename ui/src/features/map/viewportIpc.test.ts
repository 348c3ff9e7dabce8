import { describe, expect, it } from "vitest";
import { Field, Float64, Schema, Table, Uint32, Uint64, makeData, RecordBatch, Struct, tableToIPC } from "apache-arrow";
import { decodeViewport } from "./viewportIpc";

/** An IPC stream shaped as the engine writes one (spatial::viewport::Viewport::to_ipc). */
function stream(cols: Record<string, Float64Array | Uint32Array | BigUint64Array>, meta: Record<string, string>) {
  const types = { x: new Float64(), y: new Float64(), file: new Uint32(), row: new Uint32(), n: new Uint64() } as const;
  const names = Object.keys(cols) as (keyof typeof types)[];
  const fields = names.map((k) => new Field(k, types[k], false));
  const schema = new Schema(fields, new Map(Object.entries(meta)));
  const length = cols.x.length;
  const children = names.map((k) => makeData({ type: types[k], length, data: cols[k] } as never));
  const data = makeData({ type: new Struct(fields), length, nullCount: 0, children });
  return tableToIPC(new Table(schema, [new RecordBatch(schema, data)]), "stream");
}

describe("decodeViewport", () => {
  it("reads points with their rows, and the totals from the metadata", () => {
    const v = decodeViewport(
      stream(
        { x: new Float64Array([13.4, -0.1]), y: new Float64Array([52.5, 51.5]), file: new Uint32Array([0, 3]), row: new Uint32Array([7, 1]) },
        { column: "lon,lat", total: "2", entries: "10", engine_ms: "0.25" },
      ),
    );
    expect(v).toEqual({ column: "lon,lat", total: 2, entries: 10, xs: [13.4, -0.1], ys: [52.5, 51.5], counts: [], rows: [[0, 7], [3, 1]], engine_ms: 0.25 });
  });

  it("reads cells with their counts", () => {
    const v = decodeViewport(
      stream({ x: new Float64Array([1]), y: new Float64Array([2]), n: new BigUint64Array([1000000n]) }, { column: "lng,lat", total: "1000000", entries: "2000000", engine_ms: "3.5" }),
    );
    expect(v.counts).toEqual([1000000]);
    expect(v.rows).toEqual([]);
    expect(v.total).toBe(1000000);
  });

  it("refuses an answer without its totals", () => {
    expect(() => decodeViewport(stream({ x: new Float64Array([]), y: new Float64Array([]) }, { column: "lon,lat" }))).toThrow(/no total/);
  });
});
