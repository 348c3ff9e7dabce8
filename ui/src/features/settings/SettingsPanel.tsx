import { useState } from "react";
import type { ErrorPayload, SettingsView } from "../../bindings/types";
import { createSettingsFile } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { ErrorBox } from "../../components/ErrorBox";

const PRESETS: [string, string][] = [
  ["laptop", "every core, 1 M rows per file, profiles on"],
  ["workstation", "every core, 4 M rows per file, profiles on"],
  ["low-memory", "2 threads, 250 k rows per file, no profiles"],
];

/** The settings in effect and the file they come from. The file is edited in any text editor;
 *  the app reloads it when it is saved, and keeps its last good settings while it has an error. */
export function SettingsPanel({ view, onView }: { view: SettingsView | null; onView: (v: SettingsView) => void }) {
  const [error, setError] = useState<ErrorPayload | null>(null);
  if (!view) return <div className="pad dim">Reading the settings…</div>;
  const s = view.settings;
  const rows: [string, string, string][] = [
    ["preset", s.preset, "laptop, workstation or low-memory: the values below start from it"],
    ["lake.default", s.default_lake ?? "(the platform's data folder)", "the lake opened when none is given"],
    ["engine.threads", s.threads === 0 ? "one per core" : String(s.threads), "takes effect at the next start"],
    ["app.theme", s.theme, "system, dark or light"],
    ["import.skip_bad", String(s.import_skip_bad), "skip and count bad records instead of stopping"],
    ["import.rows_per_file", s.import_rows_per_file.toLocaleString("en-US"), "rows per Parquet file an import writes"],
    ["import.profile", String(s.import_profile), "profile each new version at import"],
    ["privacy.remember_recent_lakes", String(s.remember_recent_lakes), "the start screen lists the lakes opened"],
  ];
  const create = async () => {
    try {
      onView(await createSettingsFile());
    } catch (e) {
      setError(asLakeError(e));
    }
  };
  return (
    <div className="pad settings-panel" data-testid="settings-panel">
      <h2>Settings</h2>
      <p className="dim">
        One file for the app and the <code>lake</code> CLI. Edit it in any text editor: the app reloads it when you save it.
      </p>
      <div className="field">
        <span>File</span> <code className="selectable" data-testid="settings-file">{view.file}</code>{" "}
        {!view.exists && (
          <button onClick={() => void create()} data-testid="settings-create">
            Create it with every key
          </button>
        )}
      </div>
      {view.error && (
        <div data-testid="settings-error">
          <ErrorBox error={view.error} />
          <div className="dim">Until it is fixed, the app keeps the last good settings, shown below.</div>
        </div>
      )}
      <table className="settings-table" data-testid="settings-values">
        <tbody>
          {rows.map(([k, v, what]) => (
            <tr key={k}>
              <td>
                <code>{k}</code>
              </td>
              <td className="selectable" data-key={k}>
                {v}
              </td>
              <td className="dim">{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Presets</h3>
      <ul className="dim">
        {PRESETS.map(([n, what]) => (
          <li key={n}>
            <code>preset = &quot;{n}&quot;</code>: {what}
          </li>
        ))}
      </ul>
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
    </div>
  );
}
