import type { TakeoutReport } from "../../bindings/types";
import { fmtBytes, fmtInt, fmtTs } from "../../lib/format";

/** The Takeout coverage report: per product the files, rows, date range and problems. */
export function CoverageReport({ report }: { report: TakeoutReport }) {
  return (
    <section className="card" data-testid="coverage">
      <h3>
        Takeout coverage <span className="dim">{report.export_id}</span>
      </h3>
      <div className="dim small">
        {report.parts.length} part(s) · language {report.locale}
      </div>
      <table className="mini">
        <thead>
          <tr>
            <th>Product</th>
            <th className="num">Files</th>
            <th className="num">Rows</th>
            <th>From</th>
            <th>To</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {report.products.map((p) => (
            <tr key={p.product} data-testid="coverage-row" data-product={p.product}>
              <td>{p.product}</td>
              <td className="num">{fmtInt(p.files)}</td>
              <td className="num" data-testid="coverage-rows">
                {fmtInt(p.rows)}
              </td>
              <td>{fmtTs(p.min_ts)}</td>
              <td>{fmtTs(p.max_ts)}</td>
              <td>
                <span className={`status status-${p.status}`}>{p.status}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.products.some((p) => p.errors.length > 0) && (
        <>
          <h4>Files with problems</h4>
          <ul className="problems" data-testid="coverage-errors">
            {report.products.flatMap((p) =>
              p.errors.map((e) => (
                <li key={p.product + e.path}>
                  <code>{e.path}</code>: {e.error}
                </li>
              )),
            )}
          </ul>
        </>
      )}
      <h4>Tables</h4>
      <table className="mini">
        <thead>
          <tr>
            <th>Table</th>
            <th className="num">Rows read</th>
            <th className="num">New</th>
            <th className="num">Already there</th>
          </tr>
        </thead>
        <tbody>
          {report.tables.map((t) => (
            <tr key={t.name} title={`dedup key: ${t.key}`}>
              <td>{t.name}</td>
              <td className="num">{fmtInt(t.rows)}</td>
              <td className="num">{fmtInt(t.new_rows)}</td>
              <td className="num">{fmtInt(t.duplicates)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.unrecognized.length > 0 && (
        <details>
          <summary>{report.unrecognized.length} file(s) not recognized</summary>
          <ul className="problems">
            {report.unrecognized.slice(0, 200).map((u) => (
              <li key={u.path}>
                <code>{u.path}</code> <span className="dim">{fmtBytes(u.bytes)}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
      {report.notes.map((n) => (
        <div className="note" key={n}>
          {n}
        </div>
      ))}
    </section>
  );
}
