import { useRef, useState } from "react";
import type { BackupProgress, ErrorPayload, LakeStatus } from "../../bindings/types";
import { backupLake, cancelBackup, Channel, pickPaths, restoreLake, verifyLake } from "../../bindings/commands";
import { asLakeError } from "../../lib/errors";
import { fmtBytes, fmtInt } from "../../lib/format";
import { ErrorBox } from "../../components/ErrorBox";

type Job = { what: string; progress: BackupProgress | null; started: number };

/** "About 2 min left", from the bytes done so far and the time they took. */
export function timeLeft(p: BackupProgress | null, elapsedMs: number): string {
  if (!p || p.total_bytes === 0 || p.done_bytes === 0 || elapsedMs < 500) return "";
  const left = (elapsedMs * (p.total_bytes - p.done_bytes)) / p.done_bytes / 1000;
  if (left < 1) return "almost done";
  if (left < 60) return `about ${Math.ceil(left)} s left`;
  return `about ${Math.ceil(left / 60)} min left`;
}

/**
 * Back up now, Verify and Restore. A backup goes into a folder the user chooses (an external
 * disk, say); later ones to the same folder copy only new files. Restore puts a backup into a
 * new or empty folder and opens it: the open lake is never overwritten.
 */
export function BackupPanel({ status, onStatus }: { status: LakeStatus; onStatus: (s: LakeStatus) => void }) {
  const [job, setJob] = useState<Job | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [problems, setProblems] = useState<{ path: string; problem: string }[]>([]);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [, tick] = useState(0);
  const timer = useRef<number | null>(null);

  async function run<T>(what: string, work: (c: Channel<BackupProgress>) => Promise<T>): Promise<T | null> {
    setError(null);
    setDone(null);
    setProblems([]);
    const started = Date.now();
    setJob({ what, progress: null, started });
    let finished = false;
    const channel = new Channel<BackupProgress>();
    channel.onmessage = (progress) => {
      if (!finished) setJob({ what, progress, started });
    };
    timer.current = window.setInterval(() => tick((n) => n + 1), 500);
    try {
      return await work(channel);
    } catch (e) {
      setError(asLakeError(e));
      return null;
    } finally {
      finished = true;
      if (timer.current) window.clearInterval(timer.current);
      setJob(null);
    }
  }

  async function backUp(choose: boolean) {
    let dest = choose ? null : status.last_backup;
    if (!dest) {
      [dest] = await pickPaths("backup_folder").catch((e) => (setError(asLakeError(e)), [] as string[]));
      if (!dest) return;
    }
    const folder = dest;
    const r = await run("Backing up", (c) => backupLake(folder, c));
    if (!r) return;
    setDone(
      `Backed up ${fmtInt(r.files)} files (${fmtBytes(r.bytes)}) to ${r.folder} in ${(r.elapsed_ms / 1000).toFixed(1)} s: ` +
        `copied ${fmtInt(r.copied)} (${fmtBytes(r.bytes_copied)}), ${fmtInt(r.reused)} unchanged` +
        (r.removed ? `, ${fmtInt(r.removed)} no longer in the lake removed.` : "."),
    );
    onStatus({ ...status, last_backup: r.folder });
  }

  async function verify() {
    const r = await run("Verifying", (c) => verifyLake(c));
    if (!r) return;
    setProblems(r.problems);
    const unchecked = r.without_checksum ? ` (${fmtInt(r.without_checksum)} written before checksums were kept: size checked only)` : "";
    setDone(
      r.problems.length === 0 && r.catalog === "ok"
        ? `All ${fmtInt(r.files)} files (${fmtBytes(r.bytes)}) match their checksums${unchecked}; the catalog is sound.`
        : `${fmtInt(r.problems.length)} of ${fmtInt(r.files)} files do not match (catalog: ${r.catalog}). Restore from a backup, or import those datasets again.`,
    );
  }

  async function restore() {
    try {
      const [src] = await pickPaths("backup_source");
      if (!src) return;
      const [to] = await pickPaths("restore_target");
      if (!to) return;
      const s = await run("Restoring", (c) => restoreLake(src, to, c));
      if (s) onStatus(s);
    } catch (e) {
      setError(asLakeError(e));
    }
  }

  const p = job?.progress ?? null;
  const pct = p && p.total_bytes > 0 ? Math.min(100, (100 * p.done_bytes) / p.total_bytes) : 0;
  return (
    <div className="pad backup-panel" data-testid="backup-panel">
      <h2>Back up and restore</h2>
      <p className="dim">
        A backup copies this lake's catalog and files into a folder you choose, for example on an external disk. The next backup to that folder
        copies only new files. Every file is checked against the checksum the lake recorded when it wrote it, and a backup that is interrupted
        leaves the previous one whole.
      </p>
      <div className="row">
        <button className="primary" disabled={!!job} onClick={() => void backUp(false)} data-testid="backup-now" title={status.last_backup ? `To ${status.last_backup}` : "Choose a folder"}>
          {status.last_backup ? "Back up now" : "Back up…"}
        </button>
        {status.last_backup && (
          <button disabled={!!job} onClick={() => void backUp(true)} data-testid="backup-elsewhere">
            Back up to another folder…
          </button>
        )}
        <button disabled={!!job} onClick={() => void verify()} data-testid="verify-lake" title="Read every file and compare it with its checksum">
          Verify the lake
        </button>
        <button disabled={!!job} onClick={() => void restore()} data-testid="restore-lake" title="Restore a backup into a new folder and open it">
          Restore a backup…
        </button>
      </div>
      {status.last_backup && (
        <div className="dim" data-testid="last-backup">
          Last backup folder: <span className="selectable">{status.last_backup}</span>
        </div>
      )}
      {job && (
        <div className="backup-progress" data-testid="backup-progress" role="status">
          <span>{job.what}…</span> <progress max={100} value={pct} /> <span className="dim">{p ? `${fmtBytes(p.done_bytes)} of ${fmtBytes(p.total_bytes)} · ${timeLeft(p, Date.now() - job.started)}` : ""}</span>{" "}
          <button onClick={() => void cancelBackup()} data-testid="backup-cancel">
            Cancel
          </button>
        </div>
      )}
      {done && (
        <div className="notice" data-testid="backup-done">
          {done}
        </div>
      )}
      {problems.length > 0 && (
        <ul className="backup-problems" data-testid="verify-problems">
          {problems.slice(0, 50).map((x) => (
            <li key={x.path}>
              <code>{x.path}</code>: {x.problem}
            </li>
          ))}
        </ul>
      )}
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
    </div>
  );
}
