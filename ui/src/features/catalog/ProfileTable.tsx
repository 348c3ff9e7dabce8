import { useEffect, useState } from "react";
import type { ColumnProfile, DatasetDescription, DatasetProfile, Histogram, PiiStatus } from "../../bindings/types";
import { piiStatus, profileDataset, setPiiMasking, tagPii } from "../../bindings/commands";
import { fmtInt } from "../../lib/format";
import "./profile.css";

const W = 140;
const H = 30;

/** A bar's range as text: numbers, or times (milliseconds since 1970, UTC). */
export function binLabel(h: Histogram, i: number): string {
  const w = (h.hi - h.lo) / h.counts.length;
  const a = h.lo + i * w;
  const b = a + w;
  if (h.temporal) {
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");
    return `${day(a)} – ${day(b)}`;
  }
  const num = (x: number) => (Math.abs(x) >= 1e6 || (Math.abs(x) < 0.01 && x !== 0) ? x.toExponential(2) : String(Math.round(x * 100) / 100));
  return `${num(a)} – ${num(b)}`;
}

/** A histogram as small bars, each with its range and count on hover. */
export function Sparkbars({ h }: { h: Histogram }) {
  const max = Math.max(1, ...h.counts);
  const bw = W / h.counts.length;
  return (
    <svg width={W} height={H} className="sparkbars" data-testid="profile-histogram" role="img" aria-label="histogram">
      {h.counts.map((c, i) => {
        const bh = c === 0 ? 0 : Math.max(1.5, (c / max) * (H - 2));
        return (
          <rect key={i} x={i * bw + 0.5} y={H - bh} width={Math.max(1, bw - 1)} height={bh}>
            <title>{`${binLabel(h, i)}: ${fmtInt(c)} rows`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

function TopValues({ c, sampled }: { c: ColumnProfile; sampled: number }) {
  if (c.top.length === 0) return <span className="dim">–</span>;
  return (
    <div className="topvalues" data-testid="profile-top">
      {c.top.slice(0, 3).map((t) => {
        const share = sampled > 0 ? Number(t.count) / sampled : 0;
        return (
          <div key={t.value} className="topvalue" title={`${t.value}: ${fmtInt(t.count)} of ${fmtInt(sampled)} rows`}>
            <span className="topbar" style={{ width: `${Math.max(2, share * 100)}%` }} />
            <span className="ellipsis">{t.value}</span>
            <span className="dim">{Math.round(share * 100)}%</span>
          </div>
        );
      })}
    </div>
  );
}

/** A column's personal-data tag, or a suggestion to tag it. */
function PiiCell({
  status,
  column,
  onTag,
  busy,
}: {
  status: PiiStatus;
  column: string;
  onTag: (column: string, kind: string | null) => void;
  busy: boolean;
}) {
  const tagged = status.tags.find((t) => t.column === column);
  if (tagged)
    return (
      <span className="pii">
        <span className="badge warn">{tagged.kind}</span>{" "}
        <button className="linklike" disabled={busy} onClick={() => onTag(column, null)} data-testid="pii-untag">
          untag
        </button>
      </span>
    );
  const s = status.suggestions.find((x) => x.column === column);
  return (
    <button
      className="linklike"
      disabled={busy}
      title={s?.reason ?? "Tag this column as personal data"}
      onClick={() => onTag(column, s?.kind ?? "other")} data-testid="pii-tag" data-kind={s?.kind ?? "other"}>
      {s ? `looks like ${s.kind}: tag` : "tag"}
    </button>
  );
}

/** The schema with each column's profile: null share, distinct count, min/max, a histogram
 *  and the top values, like DuckDB UI's column panel. */
export function ProfileTable({ name, desc }: { name: string; desc: DatasetDescription }) {
  const [profile, setProfile] = useState<DatasetProfile | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  // Bumped when a tag or the masking setting changes: the profile is masked accordingly.
  const [piiChanged, setPiiChanged] = useState(0);
  useEffect(() => {
    let stale = false;
    setProfile(null);
    setFailed(null);
    profileDataset(name)
      .then((p) => !stale && setProfile(p))
      .catch((e) => !stale && setFailed(String(e?.message ?? e)));
    return () => {
      stale = true;
    };
  }, [name, desc.version, piiChanged]);
  const [pii, setPii] = useState<PiiStatus | null>(null);
  useEffect(() => {
    let stale = false;
    piiStatus(name)
      .then((p) => !stale && setPii(p))
      .catch(() => !stale && setPii(null));
    return () => {
      stale = true;
    };
  }, [name, desc.version]);
  // One change at a time: the controls wait for the answer.
  const [piiBusy, setPiiBusy] = useState(false);
  const tag = (column: string, kind: string | null) => {
    setPiiBusy(true);
    tagPii(name, column, kind)
      .finally(() => setPiiBusy(false))
      .then((p) => {
        setPii(p);
        setPiiChanged((n) => n + 1);
      })
      .catch((e) => setFailed(String(e?.message ?? e)));
  };
  const setMasking = (on: boolean) => {
    setPiiBusy(true);
    setPiiMasking(on)
      .finally(() => setPiiBusy(false))
      .then(() => {
        // The latest status, not the one this render saw (a tag may have changed since).
        setPii((p) => (p ? { ...p, masking: on } : p));
        setPiiChanged((n) => n + 1);
      })
      .catch((e) => setFailed(String(e?.message ?? e)));
  };
  const byName = new Map((profile?.columns ?? []).map((c) => [c.name, c]));
  const sampled = Number(profile?.sampled ?? 0);
  return (
    <div className="scroll pad">
      <div className="dim profile-note" data-testid="profile-note">
        {failed
          ? `The profile could not be computed: ${failed}`
          : !profile
            ? "Profiling…"
            : sampled < Number(profile.rows)
              ? `Histograms and top values from a sample of ${fmtInt(sampled)} of ${fmtInt(profile.rows)} rows, taken across all files.`
              : `Histograms and top values from all ${fmtInt(profile.rows)} rows.`}
      </div>
      {pii && (
        <label className="pii-mask" title="Columns tagged as personal data are masked in every result and export of this lake; the stored data stays whole">
          <input type="checkbox" checked={pii.masking} disabled={piiBusy} onChange={(e) => setMasking(e.target.checked)} data-testid="pii-masking" /> Mask personal data in
          results and exports
        </label>
      )}
      <table className="mini schema" data-testid="schema-table">
        <thead>
          <tr>
            <th>Column</th>
            <th>Type</th>
            <th>Personal data</th>
            <th className="num">Nulls</th>
            <th className="num" title="Distinct values, estimated within a few percent">
              Distinct
            </th>
            <th>Min</th>
            <th>Max</th>
            <th>Distribution</th>
            <th>Top values</th>
          </tr>
        </thead>
        <tbody>
          {desc.columns.map((c) => {
            const p = byName.get(c.name);
            const share = p ? p.null_share : 0;
            return (
              <tr key={c.name} data-testid="schema-row" data-column={c.name}>
                <td>{c.name}</td>
                <td className="dim" title={c.dtype}>
                  {p?.sql_type ?? c.dtype}
                </td>
                <td data-testid="pii-cell">{pii && <PiiCell status={pii} column={c.name} onTag={tag} busy={piiBusy} />}</td>
                <td className="num" title={`${(share * 100).toFixed(1)}% null`}>
                  {fmtInt(c.null_count)}
                  <div className="nullbar">
                    <span style={{ width: `${share * 100}%` }} />
                  </div>
                </td>
                <td className="num" data-testid="schema-distinct">
                  {c.distinct != null ? `≈${fmtInt(c.distinct)}` : "–"}
                </td>
                <td className="ellipsis stat" title={p?.min ?? ""}>
                  {p?.min ?? "–"}
                </td>
                <td className="ellipsis stat" title={p?.max ?? ""}>
                  {p?.max ?? "–"}
                </td>
                <td>{p?.histogram ? <Sparkbars h={p.histogram} /> : <span className="dim">–</span>}</td>
                <td className="topcell">{p ? <TopValues c={p} sampled={sampled} /> : null}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
