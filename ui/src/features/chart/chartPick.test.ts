import { describe, expect, it } from "vitest";
import { choices, columnRole, suggestChart } from "./chartPick";

const col = (name: string, dtype: string) => ({ name, dtype });

describe("chartPick", () => {
  it("reads column roles from Polars types", () => {
    expect(columnRole("datetime[μs, UTC]")).toBe("time");
    expect(columnRole("date")).toBe("time");
    expect(columnRole("i64")).toBe("number");
    expect(columnRole("decimal[15,2]")).toBe("number");
    expect(columnRole("str")).toBe("text");
    expect(columnRole("list[f64]")).toBe("other");
  });

  it("suggests a line over time, bars per text, a scatter of numbers, a histogram of one", () => {
    expect(suggestChart([col("ts", "datetime[μs, UTC]"), col("city", "str"), col("n", "i64"), col("v", "f64")])).toEqual({
      kind: "line",
      x: "ts",
      ys: ["n", "v"],
      agg: "sum",
      color: null,
    });
    expect(suggestChart([col("name", "str"), col("total", "f64")])).toMatchObject({ kind: "bar", x: "name", ys: ["total"] });
    expect(suggestChart([col("a", "f64"), col("b", "i32")])).toMatchObject({ kind: "scatter", x: "a", ys: ["b"] });
    expect(suggestChart([col("a", "f64")])).toMatchObject({ kind: "histogram", x: null, ys: ["a"] });
    expect(suggestChart([col("l", "list[str]")])).toMatchObject({ kind: "bar", x: "l", ys: [], agg: "count" });
  });

  it("offers x and y columns that fit the kind", () => {
    const cols = [col("ts", "date"), col("city", "str"), col("n", "i64")];
    expect(choices(cols, "line")).toEqual({ xs: ["ts", "n"], ys: ["n"] });
    expect(choices(cols, "bar")).toEqual({ xs: ["ts", "city", "n"], ys: ["n"] });
    expect(choices(cols, "histogram")).toEqual({ xs: [], ys: ["ts", "n"] });
  });
});
