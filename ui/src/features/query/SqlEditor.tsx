import { useEffect, useRef } from "react";
import { Decoration, EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, placeholder } from "@codemirror/view";
import type { DecorationSet } from "@codemirror/view";
import { Compartment, EditorState, Prec, StateEffect, StateField } from "@codemirror/state";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { sql, StandardSQL, type SQLNamespace } from "@codemirror/lang-sql";
import { HighlightStyle, bracketMatching, syntaxHighlighting } from "@codemirror/language";
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { tags as t } from "@lezer/highlight";
import { errorRange } from "./errorRange";

/** Dataset → columns, for completion. Dotted names (takeout.emails) nest as schema.table. */
export type CompletionSchema = Record<string, string[]>;

export type EditorError = { line: number; column: number; message: string } | null;

export type SqlEditorHandle = {
  /** The selected text if any, else the whole text, and where it starts. */
  runText: () => { text: string; offset: number };
  setText: (text: string) => void;
  replaceRange: (from: number, to: number, text: string) => void;
  focus: () => void;
};

/** The parts of the SQL a selected plan node came from, marked. */
const setLinked = StateEffect.define<{ from: number; to: number }[]>();
const linkMark = Decoration.mark({ class: "cm-plan-link" });
const linkedField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    let next = marks.map(tr.changes);
    for (const e of tr.effects) {
      if (e.is(setLinked)) {
        const len = tr.state.doc.length;
        next = Decoration.set(
          e.value.filter((r) => r.from < r.to && r.to <= len).map((r) => linkMark.range(r.from, r.to)),
          true,
        );
      }
    }
    return next;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const highlight = HighlightStyle.define([
  { tag: t.keyword, color: "#c792ea", fontWeight: "600" },
  { tag: [t.string, t.special(t.string)], color: "#c3e88d" },
  { tag: [t.number, t.bool, t.null], color: "#f78c6c" },
  { tag: t.comment, color: "#697098", fontStyle: "italic" },
  { tag: [t.operator, t.punctuation], color: "#89ddff" },
  { tag: [t.typeName, t.standard(t.name)], color: "#ffcb6b" },
  { tag: [t.name, t.propertyName], color: "#d8dee9" },
]);

const theme = EditorView.theme(
  {
    "&": { height: "100%", backgroundColor: "var(--panel, #1d2128)", color: "var(--text, #d8dee9)", fontSize: "13.5px" },
    ".cm-content": { fontFamily: "var(--mono)", caretColor: "#4fb3bf" },
    ".cm-gutters": { backgroundColor: "var(--panel, #1d2128)", color: "#566070", border: "none" },
    ".cm-activeLine, .cm-activeLineGutter": { backgroundColor: "#232833" },
    "&.cm-focused .cm-selectionBackground, .cm-selectionBackground": { backgroundColor: "#2f4a5a !important" },
    ".cm-tooltip": { backgroundColor: "#262b35", border: "1px solid #3a4250", color: "#d8dee9" },
    ".cm-tooltip-autocomplete ul li[aria-selected]": { backgroundColor: "#2f4a5a" },
    ".cm-plan-link": { backgroundColor: "rgba(224, 164, 58, 0.35)", borderRadius: "2px" },
  },
  { dark: true },
);

/** Dotted dataset names become nested schema objects, which is how lang-sql completes `a.b`. */
function toSqlSchema(schema: CompletionSchema): SQLNamespace {
  const out: Record<string, unknown> = {};
  for (const [name, cols] of Object.entries(schema)) {
    const parts = name.split(".");
    let node = out;
    for (const p of parts.slice(0, -1)) {
      if (!node[p] || Array.isArray(node[p])) node[p] = {};
      node = node[p] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = cols;
  }
  return out as SQLNamespace;
}

export default function SqlEditor({
  initial,
  schema,
  error,
  errorOffset,
  onChange,
  onRun,
  onFormat,
  onCursor,
  linked,
  handle,
}: {
  initial: string;
  schema: CompletionSchema;
  error: EditorError;
  errorOffset: number;
  onChange: (text: string) => void;
  onRun: () => void;
  onFormat: () => void;
  /** The caret moved (by the user) to this offset. */
  onCursor?: (offset: number) => void;
  /** Parts of the text to mark (the SQL a selected plan node came from). */
  linked?: { from: number; to: number }[];
  handle: (h: SqlEditorHandle) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const lang = useRef(new Compartment());
  // Callbacks change every render; the editor's keymap reads the latest through refs.
  const cb = useRef({ onChange, onRun, onFormat, onCursor });
  useEffect(() => {
    cb.current = { onChange, onRun, onFormat, onCursor };
  });

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          bracketMatching(),
          closeBrackets(),
          highlightSelectionMatches(),
          autocompletion({ activateOnTyping: true }),
          lintGutter(),
          placeholder("SELECT … — Ctrl+Enter runs (the selection, if any)"),
          lang.current.of(sql({ dialect: StandardSQL, upperCaseKeywords: true })),
          syntaxHighlighting(highlight),
          theme,
          Prec.highest(
            keymap.of([
              { key: "Mod-Enter", run: () => (cb.current.onRun(), true) },
              { key: "Shift-Mod-f", run: () => (cb.current.onFormat(), true) },
            ]),
          ),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...searchKeymap, ...completionKeymap, indentWithTab]),
          linkedField,
          EditorView.updateListener.of((u) => {
            if (u.docChanged) cb.current.onChange(u.state.doc.toString());
            else if (u.selectionSet && u.transactions.some((tr) => tr.isUserEvent("select"))) cb.current.onCursor?.(u.state.selection.main.head);
          }),
        ],
      }),
    });
    view.current = v;
    handle({
      runText: () => {
        const sel = v.state.selection.main;
        const doc = v.state.doc.toString();
        return sel.empty ? { text: doc, offset: 0 } : { text: doc.slice(sel.from, sel.to), offset: sel.from };
      },
      setText: (text) => v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } }),
      replaceRange: (from, to, text) => v.dispatch({ changes: { from, to, insert: text } }),
      focus: () => v.focus(),
    });
    v.focus();
    return () => v.destroy();
    // The editor is created once; later props reach it through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    view.current?.dispatch({
      effects: lang.current.reconfigure(sql({ dialect: StandardSQL, upperCaseKeywords: true, schema: toSqlSchema(schema) })),
    });
  }, [schema]);

  useEffect(() => {
    view.current?.dispatch({ effects: setLinked.of(linked ?? []) });
  }, [linked]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const diagnostics: Diagnostic[] = [];
    if (error) {
      const { from, to } = errorRange(v.state.doc.toString(), errorOffset, error.line, error.column);
      diagnostics.push({ from, to, severity: "error", message: error.message });
    }
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [error, errorOffset]);

  return <div className="sql-editor" ref={host} data-testid="sql-editor" />;
}
