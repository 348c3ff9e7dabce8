import { describe, expect, it } from "vitest";
import { asLakeError, hintFor } from "./errors";
import { fmtBytes, fmtInt, fmtMs, fmtTs, sqlName } from "./format";
import { errorRange } from "../features/query/errorRange";

describe("errors", () => {
  it("keeps {code, message, details} and words a hint", () => {
    const e = asLakeError({ code: "unknown_column", message: "no column nme", details: { suggestion: "name", line: 1, column: 8 } });
    expect(e.code).toBe("unknown_column");
    expect(hintFor(e)).toBe("Did you mean name?");
    expect(asLakeError("boom")).toEqual({ code: "internal", message: "boom", details: {} });
  });
});

describe("format", () => {
  it("reads like a person writes", () => {
    expect(fmtInt(1234567)).toBe("1,234,567");
    expect(fmtBytes(1_500_000)).toBe("1.5 MB");
    expect(fmtMs(1500)).toBe("1.5 s");
    expect(fmtTs("2024-05-13T12:27:22Z")).toBe("2024-05-13 12:27");
    expect(sqlName("takeout.emails")).toBe("takeout.emails");
    expect(sqlName("my data")).toBe('"my data"');
  });
});

describe("errorRange", () => {
  it("maps the line and column of the text that ran onto the editor, shifted by a selection", () => {
    const doc = "-- notes\nSELECT nme FROM people";
    expect(errorRange(doc, 0, 2, 8)).toEqual({ from: 16, to: 19 });
    // The same query run as a selection starting at offset 9.
    expect(errorRange(doc, 9, 1, 8)).toEqual({ from: 16, to: 19 });
  });
});
