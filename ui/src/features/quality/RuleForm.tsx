import { useState } from "react";
import type { RuleKind } from "../../bindings/types";

const KINDS: [RuleKind["kind"], string][] = [
  ["not_null", "not null"],
  ["unique", "unique"],
  ["range", "in a range"],
  ["regex", "matches a pattern"],
  ["in_set", "one of a set"],
  ["freshness", "fresh (newest value at most … old)"],
  ["row_count_change", "row count changes at most …%"],
  ["sql", "a SQL condition every row meets"],
];

/** An age as the CLI reads it (`30d`, `12h`, `90m`), in seconds; null if it is not one. */
export function ageSeconds(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(text);
  if (!m) return null;
  const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2].toLowerCase() as "s" | "m" | "h" | "d" | "w"];
  return Math.round(Number(m[1]) * unit);
}

/** The rule the form's fields describe, or the reason they do not describe one. */
export function ruleKind(kind: RuleKind["kind"], f: Record<string, string>): RuleKind | string {
  const num = (s: string | undefined) => (s == null || s.trim() === "" ? null : Number(s));
  switch (kind) {
    case "not_null":
    case "unique":
      return { kind };
    case "range": {
      const [min, max] = [num(f.min), num(f.max)];
      if ((min != null && Number.isNaN(min)) || (max != null && Number.isNaN(max))) return "min and max must be numbers";
      if (min == null && max == null) return "give a min, a max or both";
      return { kind, min, max };
    }
    case "regex":
      return f.pattern ? { kind, pattern: f.pattern } : "give a pattern";
    case "in_set": {
      const values = (f.values ?? "").split(",").map((v) => v.trim()).filter(Boolean);
      return values.length ? { kind, values } : "give the allowed values, separated by commas";
    }
    case "freshness": {
      const s = ageSeconds(f.age ?? "");
      return s == null ? "give an age such as 30d, 12h or 90m" : { kind, max_age_secs: s };
    }
    case "row_count_change": {
      const p = num(f.percent);
      return p == null || Number.isNaN(p) ? "give a percentage" : { kind, max_percent: p };
    }
    case "sql":
      return f.predicate ? { kind, predicate: f.predicate } : "give a condition, such as end_ts >= start_ts";
  }
}

const NEEDS_COLUMN = new Set(["not_null", "unique", "range", "regex", "in_set", "freshness"]);

/** A form that adds a quality rule to a dataset. */
export function RuleForm({
  columns,
  onAdd,
  busy,
}: {
  columns: string[];
  onAdd: (name: string, column: string | null, check: RuleKind, block: boolean) => void;
  busy: boolean;
}) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState<RuleKind["kind"]>("not_null");
  const [column, setColumn] = useState(columns[0] ?? "");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [block, setBlock] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const field = (key: string, label: string, placeholder: string) => (
    <label>
      {label}{" "}
      <input value={fields[key] ?? ""} placeholder={placeholder} onChange={(e) => setFields({ ...fields, [key]: e.target.value })} data-testid={`rule-${key}`} />
    </label>
  );
  const submit = () => {
    const check = ruleKind(kind, fields);
    if (typeof check === "string") return setProblem(check);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) return setProblem("name the rule with letters, digits, _ and -");
    setProblem(null);
    onAdd(name, NEEDS_COLUMN.has(kind) ? column : null, check, block);
  };
  return (
    <div className="rule-form" data-testid="rule-form">
      <b>Add a rule</b>
      <label>
        Name <input value={name} onChange={(e) => setName(e.target.value)} placeholder="ids_unique" data-testid="rule-name" />
      </label>
      <label>
        Check{" "}
        <select value={kind} onChange={(e) => setKind(e.target.value as RuleKind["kind"])} data-testid="rule-kind">
          {KINDS.map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {NEEDS_COLUMN.has(kind) && (
        <label>
          Column{" "}
          <select value={column} onChange={(e) => setColumn(e.target.value)} data-testid="rule-column">
            {columns.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      )}
      {kind === "range" && (
        <>
          {field("min", "Min", "none")}
          {field("max", "Max", "none")}
        </>
      )}
      {kind === "regex" && field("pattern", "Pattern", "^[^@ ]+@[^@ ]+$")}
      {kind === "in_set" && field("values", "Values", "London, Paris")}
      {kind === "freshness" && field("age", "At most", "30d")}
      {kind === "row_count_change" && field("percent", "Change at most %", "20")}
      {kind === "sql" && field("predicate", "Condition", "end_ts >= start_ts")}
      <label title="A failing import is refused; otherwise it comes in with a warning">
        <input type="checkbox" checked={block} onChange={(e) => setBlock(e.target.checked)} data-testid="rule-block" /> blocks imports
      </label>
      <button className="primary" disabled={busy} onClick={submit} data-testid="rule-add">
        Add
      </button>
      {problem && <span className="warn" data-testid="rule-problem">{problem}</span>}
    </div>
  );
}
