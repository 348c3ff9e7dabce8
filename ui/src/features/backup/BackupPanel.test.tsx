// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { BackupProgress, LakeStatus } from "../../bindings/types";
import { timeLeft } from "./BackupPanel";

const calls: string[] = [];
let picks: string[][] = [];
vi.mock("../../bindings/commands", () => ({
  Channel: class {
    onmessage: ((p: BackupProgress) => void) | null = null;
  },
  pickPaths: async (kind: string) => {
    calls.push(`pick ${kind}`);
    return picks.shift() ?? [];
  },
  backupLake: async (dest: string, ch: { onmessage: (p: BackupProgress) => void }) => {
    calls.push(`backup ${dest}`);
    ch.onmessage({ done_bytes: 50, total_bytes: 100 });
    return { folder: dest, files: 3, copied: 1, reused: 2, removed: 0, bytes: 3_000_000, bytes_copied: 1_000_000, elapsed_ms: 1200 };
  },
  verifyLake: async () => {
    calls.push("verify");
    return { folder: "/l", kind: "lake", catalog: "ok", files: 3, bytes: 3_000_000, without_checksum: 0, problems: [{ path: "data/t/v1/part-00000.parquet", problem: "does not match its checksum" }], elapsed_ms: 10 };
  },
  restoreLake: async (src: string, to: string) => {
    calls.push(`restore ${src} -> ${to}`);
    return { ...status, path: to };
  },
  cancelBackup: async () => true,
}));

const { BackupPanel } = await import("./BackupPanel");

const status: LakeStatus = { path: "/l", default_path: "/d", recent: [], foreign_files: [], foreign_count: 0, last_backup: null };

afterEach(() => {
  cleanup();
  calls.length = 0;
  picks = [];
});

describe("BackupPanel", () => {
  it("asks for a folder the first time, then backs up there again without asking", async () => {
    const onStatus = vi.fn();
    picks = [["/media/usb/b"]];
    const { rerender } = render(<BackupPanel status={status} onStatus={onStatus} />);
    fireEvent.click(screen.getByTestId("backup-now"));
    await waitFor(() => expect(screen.getByTestId("backup-done").textContent).toContain("copied 1"));
    expect(calls).toEqual(["pick backup_folder", "backup /media/usb/b"]);
    expect(onStatus).toHaveBeenCalledWith({ ...status, last_backup: "/media/usb/b" });
    rerender(<BackupPanel status={{ ...status, last_backup: "/media/usb/b" }} onStatus={onStatus} />);
    calls.length = 0;
    fireEvent.click(screen.getByTestId("backup-now"));
    await waitFor(() => expect(calls).toEqual(["backup /media/usb/b"]));
    expect(screen.getByTestId("last-backup").textContent).toContain("/media/usb/b");
  });

  it("lists the files verify found changed, and restores into a chosen folder", async () => {
    const onStatus = vi.fn();
    render(<BackupPanel status={status} onStatus={onStatus} />);
    fireEvent.click(screen.getByTestId("verify-lake"));
    await waitFor(() => expect(screen.getByTestId("verify-problems").textContent).toContain("part-00000.parquet"));
    expect(screen.getByTestId("backup-done").textContent).toContain("1 of 3 files do not match");
    picks = [["/media/usb/b"], ["/home/me/restored"]];
    fireEvent.click(screen.getByTestId("restore-lake"));
    await waitFor(() => expect(onStatus).toHaveBeenCalledWith({ ...status, path: "/home/me/restored" }));
    expect(calls).toContain("restore /media/usb/b -> /home/me/restored");
  });

  it("says the time left from the rate so far", () => {
    expect(timeLeft({ done_bytes: 0, total_bytes: 10 }, 5000)).toBe("");
    expect(timeLeft({ done_bytes: 25, total_bytes: 100 }, 10_000)).toBe("about 30 s left");
    expect(timeLeft({ done_bytes: 10, total_bytes: 100 }, 60_000)).toBe("about 9 min left");
  });
});
