import { describe, expect, it } from "vitest";
import { likelyTextColumn, searchableColumns } from "./SearchableBox";
import { searchSql } from "./SearchPanel";

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
