import { useEffect, useRef, useState } from "react";
import type { ErrorPayload, ImportPreview, ImportProgress, ImportReport } from "../../bindings/types";
import { Channel, cancelImport, pickPaths, previewImport, startImport } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtBytes, fmtInt, fmtMs } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";
import { CoverageReport } from "./CoverageReport";
import "./import.css";

type Step = "choose" | "importing" | "done";

/**
 * The import wizard: (1) what was detected per path, with editable dataset names; (2) live
 * progress with Cancel (the lake is left untouched); (3) the result and, for a Takeout export,
 * the coverage report.
 */
export function ImportWizard({
  paths: initial,
  onClose,
  onImported,
  skipBadByDefault = false,
}: {
  paths: string[];
  onClose: () => void;
  onImported: () => void;
  /** The settings file's `import.skip_bad`. */
  skipBadByDefault?: boolean;
}) {
  const [paths, setPaths] = useState<string[]>(initial);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [skipBad, setSkipBad] = useState(skipBadByDefault);
  const [loading, setLoading] = useState(false);
  const [step, setStep] = useState<Step>("choose");
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const pickButton = useRef<HTMLButtonElement>(null);

  useEffect(() => setPaths((p) => [...new Set([...p, ...initial])]), [initial]);

  useEffect(() => {
    if (paths.length === 0) {
      setPreview(null);
      return;
    }
    let stale = false;
    setLoading(true);
    previewImport(paths)
      .then((p) => {
        if (stale) return;
        setPreview(p);
        setNames((old) => {
          const next = { ...old };
          for (const f of p.files) if (f.dataset && !(f.path in next) && f.kind !== "takeout") next[f.path] = f.dataset;
          return next;
        });
      })
      .catch((e) => !stale && setError(asLakeError(e)))
      .finally(() => !stale && setLoading(false));
    return () => {
      stale = true;
    };
  }, [paths]);

  useEffect(() => pickButton.current?.focus(), []);

  // The shell opens the dialog; only what the user picks there (or drops) can be imported.
  async function pick(directory: boolean) {
    try {
      const list = await pickPaths(directory ? "import_folders" : "import_files");
      if (list.length) setPaths((old) => [...new Set([...old, ...list])]);
    } catch (e) {
      setError(asLakeError(e));
    }
  }

  async function run() {
    if (!preview) return;
    setStep("importing");
    setError(null);
    setProgress(null);
    const channel = new Channel<ImportProgress>();
    channel.onmessage = (p) => setProgress(p);
    const items = preview.files
      .filter((f) => !f.error)
      .map((f) => ({ path: f.path, dataset: f.kind === "takeout" ? null : (names[f.path] ?? f.dataset) }));
    try {
      const r = await startImport(items, skipBad, channel);
      setReport(r);
      setStep("done");
      onImported();
    } catch (e) {
      const err = asLakeError(e);
      setError(err);
      setStep("choose");
    }
  }

  const importable = preview?.files.filter((f) => !f.error).length ?? 0;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        if (step === "importing") void cancelImport();
        else onClose();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [step, onClose]);

  return (
    <div className="modal-backdrop">
      <div className="modal wizard" data-testid="import-wizard" role="dialog" aria-label="Import">
        <header className="wizard-head">
          <h2>Import</h2>
          <ol className="steps">
            <li className={step === "choose" ? "on" : ""}>1 · Check</li>
            <li className={step === "importing" ? "on" : ""}>2 · Import</li>
            <li className={step === "done" ? "on" : ""}>3 · Result</li>
          </ol>
          <button className="icon" aria-label="Close" onClick={onClose} disabled={step === "importing"}>
            ×
          </button>
        </header>

        {step === "choose" && (
          <div className="wizard-body">
            <div className="row">
              <button ref={pickButton} className="primary" data-testid="pick-files" onClick={() => pick(false)}>
                Choose files…
              </button>
              <button data-testid="pick-folders" onClick={() => pick(true)}>
                Choose folder…
              </button>
            </div>
            <p className="dim small">You can also drop files, folders or all the parts of a Takeout export anywhere on the window.</p>
            {loading && <div className="dim" data-testid="import-detecting">Looking at {paths.length} path(s)…</div>}
            {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
            {preview?.takeout && (
              <section className="card" data-testid="takeout-survey">
                <h3>
                  Google Takeout export <span className="dim">{preview.takeout.export_id}</span>
                </h3>
                <div className="dim small">
                  {preview.takeout.parts.length} part(s) · language {preview.takeout.locale} · {fmtInt(preview.takeout.entries)} files
                  {preview.takeout.unrecognized > 0 && ` · ${preview.takeout.unrecognized} not recognized (listed after import)`}
                </div>
                <table className="mini">
                  <thead>
                    <tr>
                      <th>Product</th>
                      <th className="num">Files</th>
                      <th className="num">Size</th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.takeout.products.map((p) => (
                      <tr key={p.product}>
                        <td>{p.product}</td>
                        <td className="num">{fmtInt(p.files)}</td>
                        <td className="num">{fmtBytes(p.bytes)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div className="dim small">Imported into the takeout.* tables, with English column names whatever the export's language.</div>
              </section>
            )}
            {preview?.takeout_error && <ErrorBox error={preview.takeout_error} />}
            {preview?.files
              .filter((f) => f.kind !== "takeout")
              .map((f) => (
                <section className="card file" key={f.path} data-testid="import-file">
                  <div className="row">
                    <strong className="grow ellipsis" title={f.path}>
                      {f.path}
                    </strong>
                    <span className="chip">{f.kind}</span>
                    <span className="dim">{fmtBytes(f.bytes)}</span>
                    <button className="link" onClick={() => setPaths((old) => old.filter((p) => p !== f.path))}>
                      Remove
                    </button>
                  </div>
                  {f.error ? (
                    <ErrorBox error={f.error} />
                  ) : (
                    <>
                      {f.dataset && (
                        <label className="field inline">
                          <span>Dataset</span>
                          <input
                            data-testid="import-dataset-name"
                            value={names[f.path] ?? f.dataset}
                            spellCheck={false}
                            onChange={(e) => setNames({ ...names, [f.path]: e.target.value })}
                          />
                        </label>
                      )}
                      {f.warnings.map((w) => (
                        <div className="warning" key={w}>
                          {w}
                        </div>
                      ))}
                      {f.columns.length > 0 && (
                        <div className="sample">
                          <table className="mini">
                            <thead>
                              <tr>
                                {f.columns.map((c) => (
                                  <th key={c.name}>
                                    {c.name} <span className="dim">{c.dtype}</span>
                                  </th>
                                ))}
                              </tr>
                            </thead>
                            <tbody>
                              {f.sample.map((row, i) => (
                                <tr key={i}>
                                  {row.map((v, j) => (
                                    <td key={j} className={v == null ? "null" : ""}>
                                      {v ?? "null"}
                                    </td>
                                  ))}
                                </tr>
                              ))}
                            </tbody>
                          </table>
                          <div className="dim small">Preview of the {f.sampled}.</div>
                        </div>
                      )}
                    </>
                  )}
                </section>
              ))}
          </div>
        )}

        {step === "importing" && (
          <div className="wizard-body" data-testid="import-progress">
            <ProgressView p={progress} />
          </div>
        )}

        {step === "done" && report && (
          <div className="wizard-body" data-testid="import-result">
            <ResultView report={report} />
          </div>
        )}

        <footer className="wizard-foot">
          {step === "choose" && (
            <>
              <label className="check">
                <input type="checkbox" checked={skipBad} onChange={(e) => setSkipBad(e.target.checked)} /> Skip bad records (and count them)
              </label>
              <span className="grow" />
              <button onClick={onClose}>Close</button>
              <button className="primary" data-testid="import-start" disabled={!importable || loading} onClick={run}>
                Import {importable > 0 ? `${importable} item(s)` : ""}
              </button>
            </>
          )}
          {step === "importing" && (
            <>
              <span className="grow dim">Cancel leaves the lake exactly as it was.</span>
              <button className="danger" data-testid="import-cancel" onClick={() => void cancelImport()}>
                Cancel
              </button>
            </>
          )}
          {step === "done" && (
            <>
              <span className="grow" />
              <button
                onClick={() => {
                  setPaths([]);
                  setReport(null);
                  setPreview(null);
                  setStep("choose");
                }}
              >
                Import more
              </button>
              <button className="primary" data-testid="import-done" onClick={onClose}>
                Done
              </button>
            </>
          )}
        </footer>
      </div>
    </div>
  );
}

function ProgressView({ p }: { p: ImportProgress | null }) {
  // When the current file started, on the import's clock: its own rate gives its time left.
  const fileStart = useRef<{ file: string; at: number }>({ file: "", at: 0 });
  if (p && p.file !== fileStart.current.file) fileStart.current = { file: p.file, at: p.elapsed_ms };
  if (!p) return <div className="dim">Starting…</div>;
  const overall = p.total_bytes > 0 ? Math.min(1, p.done_bytes / p.total_bytes) : 0;
  const file = p.file_bytes > 0 ? Math.min(1, p.file_read / p.file_bytes) : 0;
  const fileElapsed = p.elapsed_ms - fileStart.current.at;
  const fileEta = p.file_read > 0 && fileElapsed > 300 ? (fileElapsed * (p.file_bytes - p.file_read)) / p.file_read : null;
  return (
    <div className="progress-view">
      <div className="row">
        <span className="grow">Overall</span>
        <span data-testid="import-overall">
          {fmtBytes(p.done_bytes)} of {fmtBytes(p.total_bytes)} · {fmtMs(p.elapsed_ms)} elapsed
          {p.eta_ms != null && ` · about ${fmtMs(p.eta_ms)} left`}
        </span>
      </div>
      <div className="bar">
        <div style={{ width: `${overall * 100}%` }} />
      </div>
      <div className="row">
        <span className="grow ellipsis" title={p.file}>
          {p.file}
        </span>
        <span>
          {fmtBytes(p.file_read)} of {fmtBytes(p.file_bytes)} · {fmtInt(p.records)} records
          {fileEta != null && ` · about ${fmtMs(Math.max(0, fileEta))} left`}
        </span>
      </div>
      <div className="bar thin">
        <div style={{ width: `${file * 100}%` }} />
      </div>
    </div>
  );
}

function ResultView({ report }: { report: ImportReport }) {
  return (
    <div>
      {report.datasets.length > 0 && (
        <section className="card">
          <h3>Datasets created</h3>
          <table className="mini" data-testid="import-datasets">
            <thead>
              <tr>
                <th>Dataset</th>
                <th className="num">Version</th>
                <th className="num">Rows</th>
                <th className="num">Skipped</th>
              </tr>
            </thead>
            <tbody>
              {report.datasets.map((d) => (
                <tr key={d.name}>
                  <td>{d.name}</td>
                  <td className="num">v{d.version}</td>
                  <td className="num">{fmtInt(d.rows)}</td>
                  <td className="num">{d.skipped_rows ? fmtInt(d.skipped_rows) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.datasets.flatMap((d) =>
            d.quality.map((q) => (
              <div key={`${d.name}/${q.rule}`} className="warning" data-testid="import-quality">
                {d.name}: rule {q.rule} fails: {q.detail} (imported; see its Quality tab)
              </div>
            )),
          )}
        </section>
      )}
      {report.unchanged.length > 0 && (
        <section className="card">
          <h3>Unchanged</h3>
          {report.unchanged.map((u) => (
            <div key={u.name + u.path} className="small">
              <strong>{u.name}</strong>: {u.reason}
            </div>
          ))}
        </section>
      )}
      {report.errors.length > 0 && (
        <section className="card">
          <h3>Not imported</h3>
          {report.errors.map((e) => (
            <ErrorBox key={e.path + e.error} error={{ code: e.code, message: e.error, details: { path: e.path } }} />
          ))}
        </section>
      )}
      {report.takeout && <CoverageReport report={report.takeout} />}
    </div>
  );
}
