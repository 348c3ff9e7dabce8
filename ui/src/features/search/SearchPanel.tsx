import { Suspense, lazy, useEffect, useRef, useState } from "react";
import type { ErrorPayload, ResultMeta, Searchable, SemanticHit, SemanticResults } from "../../bindings/types";
import { mapRow, searchableDatasets, semanticSearch } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { sqlName } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";

const ResultGrid = lazy(() => import("../../components/ResultGrid"));

/** A text as a SQL string literal. */
const sqlText = (t: string) => `'${t.replace(/'/g, "''")}'`;

/** The SQL that ranks one dataset's rows by meaning, for its plan and all its columns. */
export function searchSql(s: { dataset: string; vector_column: string; distance_column: string }, text: string, k = 20): string {
  const d = sqlName(s.distance_column);
  return `SELECT array_cosine_distance(${sqlName(s.vector_column)}, embed(${sqlText(text)})) AS ${d}, *\nFROM ${sqlName(s.dataset)}\nORDER BY ${d}\nLIMIT ${k}`;
}

/** Where the keyboard goes from hit `at` (-1: the search box) of `count` on `key`: a hit's
 *  index, -1 for the box, or null to leave the key to the browser. */
export function nextHit(at: number, key: string, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case "ArrowDown":
      return Math.min(at + 1, count - 1);
    case "ArrowUp":
      return at < 0 ? null : at === 0 ? -1 : at - 1;
    case "Home":
      return at < 0 ? null : 0;
    case "End":
      return at < 0 ? null : count - 1;
    case "Escape":
      return at < 0 ? null : -1;
    default:
      return null;
  }
}

/** Search by meaning: one box over every searchable dataset (notes, mail, searches, videos),
 *  the nearest rows of all of them ranked together, each opening its row. */
export function SearchPanel({ onQuery, onOpenDataset }: { onQuery: (sql: string, autoRun?: "run" | "analyze") => void; onOpenDataset: (name: string) => void }) {
  const [text, setText] = useState("");
  const [asked, setAsked] = useState("");
  const [found, setFound] = useState<SemanticResults | null>(null);
  const hits = found?.hits ?? null;
  const [sources, setSources] = useState<Searchable[] | null>(null);
  const [row, setRow] = useState<{ hit: SemanticHit; meta: ResultMeta } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLOListElement>(null);
  // The latest row asked for: a slower earlier answer must not replace it.
  const asking = useRef(0);

  useEffect(() => {
    input.current?.focus();
    searchableDatasets()
      .then(setSources)
      .catch((e) => setError(asLakeError(e)));
  }, []);

  const search = async () => {
    const q = text.trim();
    if (!q) return;
    setBusy(true);
    setError(null);
    setRow(null);
    asking.current += 1;
    try {
      const results = await semanticSearch(q, 20);
      setFound(results);
      setSources(results.sources);
      setAsked(q);
    } catch (e) {
      setError(asLakeError(e));
    } finally {
      setBusy(false);
    }
  };

  const open = async (hit: SemanticHit) => {
    const ask = ++asking.current;
    try {
      const meta = await mapRow(hit.dataset, hit.file, hit.row);
      if (ask === asking.current) setRow({ hit, meta });
    } catch (e) {
      if (ask === asking.current) setError(asLakeError(e));
    }
  };

  // ↓ from the box goes to the hits, ↑ ↓ Home End move among them, Esc (or ↑ from the first)
  // goes back to the box; Enter opens the hit (it is a button).
  const onKey = (at: number) => (e: React.KeyboardEvent) => {
    const to = nextHit(at, e.key, hits?.length ?? 0);
    if (to === null) return;
    e.preventDefault();
    if (to < 0) input.current?.focus();
    else list.current?.querySelectorAll<HTMLButtonElement>("button.hit")[to]?.focus();
  };

  const indexed = sources?.filter((s) => s.indexed) ?? [];
  return (
    <div className="search-panel" data-testid="search-panel">
      <form
        className="search-bar"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <input
          ref={input}
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKey(-1)}
          placeholder="Search by meaning, e.g. trip to Lisbon"
          data-testid="semantic-input"
          aria-label="Search by meaning"
        />
        <button className="primary" type="submit" disabled={busy || !text.trim()} data-testid="semantic-go">
          {busy ? "Searching…" : "Search"}
        </button>
      </form>
      <div className="dim search-sources" data-testid="search-sources">
        {sources === null
          ? "Looking for searchable datasets…"
          : indexed.length === 0
            ? "No dataset is searchable yet: open a dataset with text (notes, mail, searches, videos) and choose Make searchable."
            : `Searching ${indexed.map((s) => `${s.dataset} (${s.text_column})`).join(", ")}, offline.`}
        {asked &&
          indexed.map((s) => (
            <button key={s.dataset + s.vector_column} className="link" onClick={() => onQuery(searchSql(s, asked), "run")} title="The same search as SQL, with its plan" data-testid="search-as-sql">
              {s.dataset} as SQL
            </button>
          ))}
      </div>
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
      {found && found.skipped.length > 0 && (
        <div className="dim" data-testid="search-skipped">
          Not searched: {found.skipped.join("; ")}
        </div>
      )}
      {hits && hits.length === 0 && (
        <div className="dim pad">
          {indexed.length === 0 ? "Nothing to search yet." : "No match: the model knows none of these words (it knows English words)."}
        </div>
      )}
      {hits && hits.length > 0 && (
        <ol className="search-hits" data-testid="search-hits" ref={list}>
          {hits.map((h, i) => (
            <li key={`${h.dataset}/${h.file}/${h.row}`} data-testid="search-hit" data-dataset={h.dataset} className={row?.hit === h ? "on" : ""}>
              <button className="hit" onClick={() => void open(h)} onKeyDown={onKey(i)} title="Show this row (↑ ↓ to move, Esc back to the box)">
                <span className="badge">{h.dataset}</span>
                <span className="hit-text">{h.text || "(empty)"}</span>
                <span className="dim num">{h.distance.toFixed(3)}</span>
              </button>
              <button className="link" onClick={() => onOpenDataset(h.dataset)} title="Open the dataset">
                open
              </button>
            </li>
          ))}
        </ol>
      )}
      {row && (
        <div className="search-row" data-testid="search-row">
          <div className="dim">
            Row {row.hit.row + 1} of file {row.hit.file + 1} in {row.hit.dataset}
          </div>
          <Suspense fallback={<div className="dim pad">Loading…</div>}>
            <ResultGrid meta={row.meta} />
          </Suspense>
        </div>
      )}
    </div>
  );
}
