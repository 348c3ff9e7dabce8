import { describe, expect, it } from "vitest";
import { likelyTextColumn, progressText, searchableColumns } from "./SearchableBox";
import { nextHit, searchSql } from "./SearchPanel";

const cols = (spec: [string, string][]) => spec.map(([name, dtype]) => ({ name, dtype }));

describe("make searchable", () => {
  it("offers the likeliest text column first", () => {
    expect(likelyTextColumn(cols([["id", "i64"], ["subject", "str"], ["body_text", "str"]]))).toBe("body_text");
    expect(likelyTextColumn(cols([["id", "i64"], ["label", "str"]]))).toBe("label");
    expect(likelyTextColumn(cols([["id", "i64"]]))).toBeNull();
  });
  it("knows which text columns already have their vectors", () => {
    const c = cols([
      ["body_text", "str"],
      ["body_text_embedding", "array[f32, 50]"],
      ["subject", "str"],
      ["stray_embedding", "array[f32, 50]"],
      ["subject_embedding", "str"],
    ]);
    expect(searchableColumns(c)).toEqual(["body_text"]);
  });
});

describe("search as SQL", () => {
  it("quotes the text and the names", () => {
    const sql = searchSql({ dataset: "takeout.emails", vector_column: "body_text_embedding", distance_column: "distance" }, "it's O'Brien's");
    expect(sql).toContain("embed('it''s O''Brien''s')) AS distance");
    expect(sql).toContain("FROM takeout.emails");
    const other = searchSql({ dataset: "my notes", vector_column: "v", distance_column: "distance_2" }, "x");
    expect(other).toContain('FROM "my notes"');
    expect(other).toContain("ORDER BY distance_2");
  });
});

describe("make searchable progress", () => {
  it("says how far it is and the time left at the pace so far", () => {
    expect(progressText(null)).toBe("");
    expect(progressText({ done: 0, total: 1000, elapsed_s: 0.1 })).toBe("0 of 1,000 texts");
    const t = progressText({ done: 250, total: 1000, elapsed_s: 2 });
    expect(t).toContain("250 of 1,000 texts");
    expect(t).toMatch(/about 6(\.0)? s left/);
    expect(progressText({ done: 1000, total: 1000, elapsed_s: 8 })).toBe("1,000 of 1,000 texts");
  });
});

describe("search hits by keyboard", () => {
  it("goes down from the box, moves among the hits and back up", () => {
    expect(nextHit(-1, "ArrowDown", 3)).toBe(0);
    expect(nextHit(0, "ArrowDown", 3)).toBe(1);
    expect(nextHit(2, "ArrowDown", 3)).toBe(2);
    expect(nextHit(1, "ArrowUp", 3)).toBe(0);
    expect(nextHit(0, "ArrowUp", 3)).toBe(-1);
    expect(nextHit(1, "End", 3)).toBe(2);
    expect(nextHit(2, "Home", 3)).toBe(0);
    expect(nextHit(2, "Escape", 3)).toBe(-1);
  });
  it("leaves other keys, and the box's own keys, to the browser", () => {
    expect(nextHit(-1, "ArrowDown", 0)).toBeNull();
    expect(nextHit(-1, "Home", 3)).toBeNull();
    expect(nextHit(-1, "Escape", 3)).toBeNull();
    expect(nextHit(-1, "ArrowUp", 3)).toBeNull();
    expect(nextHit(0, "a", 3)).toBeNull();
    expect(nextHit(1, "Enter", 3)).toBeNull();
  });
});
