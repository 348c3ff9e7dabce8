// Virtualized result grid. Rows stay in the Rust engine; the grid fetches 256-row Arrow pages
// for the viewport only, and sorting/filtering are delegated to the engine via callbacks.
import { memo, useEffect, useEffectEvent, useLayoutEffect, useMemo, useReducer, useRef, useState } from "react";
import type {
  ClipboardEvent as ReactClipboardEvent,
  KeyboardEvent as ReactKeyboardEvent,
  MouseEvent as ReactMouseEvent,
  PointerEvent as ReactPointerEvent,
} from "react";
import type { ColumnDef, FilterSpec, ResultMeta, SortSpec } from "../bindings/types";
import { PAGE_SIZE, PageLoader, ROW_H, posToTop, scrollGeometry, topToPos, viewKeyOf } from "./pageCache";
import type { DisplayRow } from "./pageCache";
import "./grid.css";

export type DataGridProps = {
  meta: ResultMeta; // rows = rows in the current (filtered) view
  fetchPage: (offset: number, limit: number) => Promise<ArrayBuffer>; // Arrow IPC stream bytes
  onSort?: (sort: SortSpec | null) => void; // the engine sorts; parent then passes a new meta
  onFilter?: (filter: FilterSpec | null) => void; // the engine filters
  onSelect?: (row: number | null) => void; // the selected row of the current view
  busy?: boolean;
};

const HEADER_H = 40; // two lines: name + dtype
const OVERSCAN = 10; // rows rendered above and below the viewport
const COL_OVERSCAN_PX = 300; // columns are windowed too, for very wide results
const MIN_W = 80;
const MAX_W = 360;
const MAX_RESIZE_W = 1200;
const CHAR_W = 7; // rough glyph width, to decide when a cell needs a tooltip
const FALLBACK_H = 600; // no layout yet (first paint, happy-dom)
const FALLBACK_W = 1600;
const FILTER_DEBOUNCE_MS = 300;

const NUMERIC_RE = /^([iuf](8|16|32|64|128)\b|u?int|float|double|decimal|numeric|real|bigint|smallint|tinyint|integer|hugeint|ubigint|number)/i;
const TEMPORAL_RE = /^(timestamp|datetime|date|time|duration|interval)/i;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const fmtCount = (n: number) => n.toLocaleString("en-US");
const isNumeric = (dtype: string) => NUMERIC_RE.test(dtype.trim());

/** Initial width from the header text and the kind of data (numbers need less room). */
function estimateWidth(col: ColumnDef): number {
  const dtype = col.dtype.trim();
  const base = isNumeric(dtype) ? 96 : /^bool/i.test(dtype) ? 80 : /^datetime|^timestamp/i.test(dtype) ? 226 : TEMPORAL_RE.test(dtype) ? 120 : 160; // "2024-05-13T20:12:21.360Z"
  const header = Math.max(col.name.length * 7.5 + 34, dtype.length * 6 + 20); // + sort arrow, padding
  return clamp(Math.round(Math.max(base, header)), MIN_W, MAX_W);
}

/** Header clicks cycle ascending → descending → unsorted. */
function nextSort(cur: SortSpec | null, column: string): SortSpec | null {
  if (!cur || cur.column !== column) return { column, descending: false };
  if (!cur.descending) return { column, descending: true };
  return null;
}

function hasTextSelection(): boolean {
  const sel = window.getSelection();
  return !!sel && !sel.isCollapsed && sel.toString().length > 0;
}

type ColumnLayout = {
  widths: number[];
  /** offsets[c] = x of column c inside the data area; offsets[n] = total width. */
  offsets: number[];
  numeric: boolean[];
  total: number;
};

type RowProps = {
  index: number;
  row: DisplayRow | undefined;
  y: number;
  layout: ColumnLayout;
  colStart: number;
  colEnd: number;
  rowNumW: number;
  selected: boolean;
};

/** Memoized: with page-relative y, scrolling re-renders only rows that enter the window. */
const GridRow = memo(function GridRow({ index, row, y, layout, colStart, colEnd, rowNumW, selected }: RowProps) {
  const pad = layout.offsets[colStart];
  const cells = [];
  for (let c = colStart; c < colEnd; c++) {
    const width = layout.widths[c];
    if (!row) {
      cells.push(<div key={c} className="dg-cell-pending" style={{ width }} />);
      continue;
    }
    const text = row[c];
    const num = layout.numeric[c] ? " dg-num" : "";
    cells.push(
      text === null || text === undefined ? (
        <div key={c} role="gridcell" className={`grid-cell dg-null${num}`} style={{ width }}>
          null
        </div>
      ) : (
        <div
          key={c}
          role="gridcell"
          className={`grid-cell${num}`}
          style={{ width }}
          // Full text on hover (and double-click) whenever it may be cut off.
          title={text.length * CHAR_W > width - 16 ? text : undefined}
        >
          {text}
        </div>
      ),
    );
  }
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={`dg-row${index % 2 ? " dg-odd" : ""}${selected ? " dg-sel" : ""}`}
      style={{ transform: `translateY(${y}px)`, width: rowNumW + layout.total }}
      // Rows still loading get another test id so "grid-row" always means data is present.
      data-testid={row ? "grid-row" : "grid-row-loading"}
      data-row={index}
    >
      <div className="dg-rownum" style={{ width: rowNumW }}>
        {fmtCount(index + 1)}
      </div>
      {pad > 0 && <div className="dg-pad" style={{ width: pad }} />}
      {cells}
    </div>
  );
});

type ScrollState = { pos: number; top: number; left: number };

export function DataGrid({ meta, fetchPage, onSort, onFilter, onSelect, busy = false }: DataGridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const [loader] = useState(() => new PageLoader({ onChange: bump }));

  const [size, setSize] = useState({ w: FALLBACK_W, h: FALLBACK_H });
  const [scroll, setScroll] = useState<ScrollState>({ pos: 0, top: 0, left: 0 });
  // Fractional top row, updated synchronously so bursts of wheel/key events accumulate.
  const posRef = useRef(0);
  // scrollTop we set ourselves in scaled mode: its scroll event must not round `pos` to it.
  const programmaticTop = useRef<number | null>(null);

  const [selected, setSelected] = useState<number | null>(null);
  useEffect(() => onSelect?.(selected), [selected, onSelect]);
  const [sort, setSort] = useState<SortSpec | null>(meta.sort); // optimistic until meta follows
  const [widthOverrides, setWidthOverrides] = useState<Record<string, number>>({});
  const [filterText, setFilterText] = useState(meta.filter?.text ?? "");
  const [filterCol, setFilterCol] = useState<string | null>(meta.filter?.column ?? null);
  const [requestedFilter, setRequestedFilter] = useState(JSON.stringify(meta.filter));

  // A new result, sort or filter means different rows: reset position, selection, local state.
  // (Adjusting state during render, React's recommended alternative to a syncing effect.)
  const identity = `${meta.id}|${JSON.stringify(meta.sort)}|${JSON.stringify(meta.filter)}`;
  const [seen, setSeen] = useState({ identity, id: meta.id });
  if (seen.identity !== identity) {
    setSeen({ identity, id: meta.id });
    setSort(meta.sort);
    setSelected(null);
    setScroll((s) => ({ ...s, pos: 0, top: 0 }));
    setRequestedFilter(JSON.stringify(meta.filter));
    if (seen.id !== meta.id) {
      setFilterText(meta.filter?.text ?? "");
      setFilterCol(meta.filter?.column ?? null);
    }
  }
  useEffect(() => {
    posRef.current = 0;
    programmaticTop.current = null;
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [identity]);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => {
      const w = el.clientWidth || FALLBACK_W;
      const h = el.clientHeight || FALLBACK_H;
      setSize((s) => (s.w === w && s.h === h ? s : { w, h }));
    };
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // ---- vertical window
  const rows = meta.rows;
  const bodyH = Math.max(ROW_H, size.h - HEADER_H);
  const visibleCount = bodyH / ROW_H;
  const geom = scrollGeometry(rows, bodyH);
  const pos = Math.min(scroll.pos, geom.maxPos);
  const first = Math.max(0, Math.floor(pos) - OVERSCAN);
  const last = Math.min(rows - 1, Math.ceil(pos + visibleCount) + OVERSCAN);
  const firstPage = Math.floor(first / PAGE_SIZE);
  const lastPage = last >= first ? Math.floor(last / PAGE_SIZE) : firstPage - 1;
  // Rows are placed relative to the first needed page so their own offsets stay small (WebKit
  // layout units overflow near 33M px) and stable while scrolling; only this layer moves.
  const base = firstPage * PAGE_SIZE;
  const layerY = geom.scaled ? scroll.top + (base - pos) * ROW_H : base * ROW_H;

  const viewKey = viewKeyOf(meta);
  useEffect(() => {
    const pages: number[] = [];
    for (let p = firstPage; p <= lastPage; p++) pages.push(p);
    loader.request(viewKey, rows, pages, fetchPage);
  }, [loader, viewKey, rows, firstPage, lastPage, fetchPage]);
  useEffect(() => () => loader.dispose(), [loader]);

  // ---- columns
  const columns = meta.columns;
  const layout = useMemo<ColumnLayout>(() => {
    const widths = columns.map((c) => widthOverrides[c.name] ?? estimateWidth(c));
    const offsets = [0];
    for (const w of widths) offsets.push(offsets[offsets.length - 1] + w);
    return { widths, offsets, numeric: columns.map((c) => isNumeric(c.dtype)), total: offsets[widths.length] };
  }, [columns, widthOverrides]);
  const rowNumW = Math.max(44, Math.ceil(fmtCount(rows).length * 7.5) + 20);
  let colStart = 0;
  while (colStart < columns.length && layout.offsets[colStart + 1] <= scroll.left - COL_OVERSCAN_PX) colStart++;
  let colEnd = colStart;
  while (colEnd < columns.length && layout.offsets[colEnd] < scroll.left + size.w + COL_OVERSCAN_PX) colEnd++;
  const padLeft = layout.offsets[colStart];
  const fullW = rowNumW + layout.total;

  // ---- scrolling
  const scrollToPos = (p: number) => {
    const next = clamp(p, 0, geom.maxPos);
    const top = posToTop(next, geom);
    posRef.current = next;
    const el = scrollRef.current;
    if (el) {
      programmaticTop.current = geom.scaled ? top : null;
      el.scrollTop = top;
    }
    setScroll((s) => ({ ...s, pos: next, top }));
  };

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const top = el.scrollTop;
    const left = el.scrollLeft;
    const mine = programmaticTop.current;
    if (geom.scaled && mine !== null && Math.abs(top - mine) < 1) {
      setScroll((s) => (s.top === top && s.left === left ? s : { ...s, top, left }));
      return;
    }
    programmaticTop.current = null;
    const next = topToPos(top, geom);
    posRef.current = next;
    setScroll({ pos: next, top, left });
  };

  // When scaled, one scroll pixel spans more than a row, so the wheel is handled here in row
  // units to keep it smooth. Native listener: React's wheel handlers are passive.
  const onWheel = useEffectEvent((e: WheelEvent) => {
    if (!geom.scaled || e.ctrlKey || e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) return;
    e.preventDefault();
    const unit = e.deltaMode === 1 ? ROW_H : e.deltaMode === 2 ? bodyH : 1;
    scrollToPos(posRef.current + (e.deltaY * unit) / ROW_H);
  });
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const handler = (e: WheelEvent) => onWheel(e);
    el.addEventListener("wheel", handler, { passive: false });
    return () => el.removeEventListener("wheel", handler);
  }, []);

  const revealRow = (i: number) => {
    const p = posRef.current;
    if (i < p) scrollToPos(i);
    else if (i + 1 > p + visibleCount) scrollToPos(i + 1 - visibleCount);
  };

  // ---- selection, keyboard, clipboard
  const selectedText = (): string | null => {
    if (selected === null) return null;
    const row = loader.getRow(viewKey, selected);
    return row ? row.map((c) => c ?? "").join("\t") : null;
  };

  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "c") {
      const text = selectedText();
      if (text === null || hasTextSelection()) return; // a real text selection copies natively
      if (navigator.clipboard?.writeText) {
        e.preventDefault();
        navigator.clipboard.writeText(text).catch(() => {});
      } // otherwise the native copy event follows and onCopy fills it
      return;
    }
    if (rows === 0 || e.altKey) return;
    const pageRows = Math.max(1, Math.floor(visibleCount) - 1);
    const from = selected ?? Math.ceil(posRef.current);
    let next: number;
    switch (e.key) {
      case "ArrowDown":
        next = selected === null ? from : from + 1;
        break;
      case "ArrowUp":
        next = selected === null ? from : from - 1;
        break;
      case "PageDown":
        next = from + pageRows;
        break;
      case "PageUp":
        next = from - pageRows;
        break;
      case "Home":
        next = 0;
        break;
      case "End":
        next = rows - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    next = clamp(next, 0, rows - 1);
    setSelected(next);
    revealRow(next);
  };

  const onCopy = (e: ReactClipboardEvent<HTMLDivElement>) => {
    const text = selectedText();
    if (text === null || hasTextSelection()) return;
    e.clipboardData.setData("text/plain", text);
    e.preventDefault();
  };

  // One delegated handler instead of one per cell keeps the DOM light.
  const onBodyClick = (e: ReactMouseEvent<HTMLDivElement>) => {
    const rowEl = e.target instanceof Element ? e.target.closest<HTMLElement>("[data-row]") : null;
    const i = Number(rowEl?.dataset.row);
    if (rowEl && Number.isInteger(i)) setSelected(i);
  };

  // ---- header: sort + resize
  const clickHeader = (column: string) => {
    if (!onSort) return;
    const next = nextSort(sort, column);
    setSort(next);
    onSort(next);
  };

  const dragEnd = useRef<(() => void) | null>(null);
  useEffect(() => () => dragEnd.current?.(), []);
  const startResize = (e: ReactPointerEvent<HTMLDivElement>, name: string, startW: number) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    dragEnd.current?.();
    const x0 = e.clientX;
    const move = (ev: PointerEvent) => {
      const w = clamp(Math.round(startW + ev.clientX - x0), MIN_W, MAX_RESIZE_W);
      setWidthOverrides((o) => (o[name] === w ? o : { ...o, [name]: w }));
    };
    const end = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", end);
      window.removeEventListener("pointercancel", end);
      dragEnd.current = null;
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", end);
    window.addEventListener("pointercancel", end);
    dragEnd.current = end;
  };
  const resetWidth = (name: string) =>
    setWidthOverrides((o) => {
      const rest = { ...o };
      delete rest[name];
      return rest;
    });

  // ---- filter: Enter applies now, typing applies after a pause
  const commitFilter = (text: string, column: string | null) => {
    if (!onFilter) return;
    const next: FilterSpec | null = text.trim() ? { column, text } : null;
    const key = JSON.stringify(next);
    if (key === requestedFilter) return; // already asked for (e.g. Enter, then the debounce)
    setRequestedFilter(key);
    onFilter(next);
  };
  const commitPendingFilter = useEffectEvent(() => commitFilter(filterText, filterCol));
  useEffect(() => {
    const t = setTimeout(commitPendingFilter, FILTER_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [filterText, filterCol]);

  // ---- render
  const rowEls = [];
  for (let i = first; i <= last; i++) {
    rowEls.push(
      <GridRow
        key={i}
        index={i}
        row={loader.getRow(viewKey, i)}
        y={(i - base) * ROW_H}
        layout={layout}
        colStart={colStart}
        colEnd={colEnd}
        rowNumW={rowNumW}
        selected={i === selected}
      />,
    );
  }

  const count = `${fmtCount(meta.rows)} of ${fmtCount(meta.total_rows)} rows`;

  return (
    <div className="dg" data-testid="grid" aria-busy={busy}>
      <div className="dg-toolbar">
        <input
          className="dg-filter"
          data-testid="grid-filter"
          type="search"
          spellCheck={false}
          placeholder="Filter rows (engine-side)…"
          value={filterText}
          disabled={!onFilter}
          onChange={(e) => setFilterText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") commitFilter(filterText, filterCol);
            else if (e.key === "Escape" && filterText) {
              setFilterText("");
              commitFilter("", filterCol);
            }
          }}
        />
        <select
          className="dg-colselect"
          aria-label="Filter column"
          value={filterCol ?? ""}
          disabled={!onFilter}
          onChange={(e) => {
            const col = e.target.value || null;
            setFilterCol(col);
            commitFilter(filterText, col);
          }}
        >
          <option value="">all columns</option>
          {columns.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
        <span className="dg-grow" />
        {loader.error && (
          <span className="dg-error" data-testid="grid-error" title={loader.error}>
            Failed to load rows{" "}
            <button type="button" className="dg-retry" onClick={() => loader.retry()}>
              retry
            </button>
          </span>
        )}
        {busy && (
          <span className="dg-busy" data-testid="grid-busy" aria-live="polite">
            <span className="dg-spinner" /> working…
          </span>
        )}
        <span className="dg-count" data-testid="grid-count">
          {count}
        </span>
        <span className="dg-elapsed">{meta.elapsed_ms.toLocaleString("en-US")} ms</span>
      </div>

      <div
        ref={scrollRef}
        className="dg-scroll"
        role="grid"
        aria-rowcount={rows + 1}
        aria-colcount={columns.length + 1}
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        onCopy={onCopy}
      >
        <div className="dg-header" role="row" style={{ width: fullW, height: HEADER_H }}>
          <div className="dg-rownum" style={{ width: rowNumW }}>
            #
          </div>
          {padLeft > 0 && <div className="dg-pad" style={{ width: padLeft }} />}
          {columns.slice(colStart, colEnd).map((c, k) => {
            const i = colStart + k;
            const width = layout.widths[i];
            const dir = sort?.column === c.name ? (sort.descending ? "descending" : "ascending") : "none";
            return (
              <div
                key={`${i}:${c.name}`}
                role="columnheader"
                aria-sort={dir}
                className={`dg-hcell${layout.numeric[i] ? " dg-num" : ""}${onSort ? " dg-sortable" : ""}`}
                style={{ width }}
                data-testid="grid-header"
                data-column={c.name}
                title={`${c.name} · ${c.dtype}`}
                onClick={() => clickHeader(c.name)}
              >
                <div className="dg-hname">
                  <span className="dg-hlabel">{c.name}</span>
                  {dir !== "none" && <span className="dg-arrow">{dir === "ascending" ? "▲" : "▼"}</span>}
                </div>
                <div className="dg-htype">{c.dtype}</div>
                <div
                  className="dg-resize"
                  onPointerDown={(e) => startResize(e, c.name, width)}
                  onClick={(e) => e.stopPropagation()}
                  onDoubleClick={(e) => {
                    e.stopPropagation();
                    resetWidth(c.name);
                  }}
                />
              </div>
            );
          })}
        </div>

        <div className="dg-spacer" style={{ height: geom.spacerH, width: fullW }} onClick={onBodyClick}>
          <div className="dg-rows" style={{ transform: `translateY(${layerY}px)` }}>
            {rowEls}
          </div>
        </div>
        {rows === 0 && !busy && <div className="dg-empty">No rows</div>}
      </div>
    </div>
  );
}

export default DataGrid;
