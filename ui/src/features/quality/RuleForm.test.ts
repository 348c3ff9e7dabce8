import { describe, expect, it } from "vitest";
import { ageSeconds, ruleKind } from "./RuleForm";

describe("the rule form", () => {
  it("reads ages as the CLI does", () => {
    expect(ageSeconds("30d")).toBe(30 * 86400);
    expect(ageSeconds(" 12h ")).toBe(43200);
    expect(ageSeconds("1.5m")).toBe(90);
    expect(ageSeconds("soon")).toBeNull();
    expect(ageSeconds("30")).toBeNull();
  });

  it("turns the fields into a rule, or says what is missing", () => {
    expect(ruleKind("unique", {})).toEqual({ kind: "unique" });
    expect(ruleKind("range", { min: "0", max: "" })).toEqual({ kind: "range", min: 0, max: null });
    expect(ruleKind("range", {})).toBe("give a min, a max or both");
    expect(ruleKind("range", { min: "x" })).toBe("min and max must be numbers");
    expect(ruleKind("in_set", { values: "London, Paris,," })).toEqual({ kind: "in_set", values: ["London", "Paris"] });
    expect(ruleKind("freshness", { age: "7d" })).toEqual({ kind: "freshness", max_age_secs: 604800 });
    expect(typeof ruleKind("sql", {})).toBe("string");
  });
});
