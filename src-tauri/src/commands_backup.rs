//! Back up now, Restore and Verify: glue to `lake_core::backup`. Folders come only from the
//! shell's dialogs (or the last backup folder the shell itself remembered); one such job runs
//! at a time, streams its progress, and `cancel_backup` stops it with nothing changed.

use std::path::PathBuf;

use lake_core::backup::{self, BackupProgress, BackupReport, VerifyReport};
use lake_core::ingest::CancelToken;
use lake_core::ErrorCode;
use tauri::ipc::Channel;

use crate::commands::{blocking, show_lake_in_title, status, Cx, LakeStatus};
use crate::error::{AppError, CmdResult};
use crate::grants::Use;
use crate::state::{lock, AppState};

/// Holds the one running job's cancel token; cleared when dropped.
struct Running<'a>(&'a AppState);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        *lock(&self.0.backup_cancel) = None;
    }
}

fn start(state: &AppState) -> CmdResult<(Running<'_>, CancelToken)> {
    let mut slot = lock(&state.backup_cancel);
    if slot.is_some() {
        let e = "a backup, restore or verify is already running; wait for it or cancel it";
        return Err(AppError::new(ErrorCode::Busy, e));
    }
    let token = CancelToken::new();
    *slot = Some(token.clone());
    Ok((Running(state), token))
}

fn send(channel: Channel<BackupProgress>) -> impl FnMut(BackupProgress) {
    let mut last = std::time::Instant::now();
    move |p| {
        // A few updates a second are enough for a bar and its time left.
        if last.elapsed().as_millis() >= 100 || p.done_bytes == p.total_bytes {
            last = std::time::Instant::now();
            let _ = channel.send(p);
        }
    }
}

/// `dest` if the user chose it for writing, or it is the open lake's last backup folder (which
/// the shell itself remembered) and still holds that backup.
fn backup_folder(state: &AppState, dest: String) -> CmdResult<PathBuf> {
    if state.last_backup().as_deref() == Some(dest.as_str()) {
        return Ok(dest.into());
    }
    state.grants.check(&dest, Use::Write)
}

/// Backs the open lake up into `dest`: a folder the user chose for it, or the last backup's.
pub async fn backup_lake(
    cx: &Cx<'_>,
    dest: String,
    on_progress: Channel<BackupProgress>,
) -> CmdResult<BackupReport> {
    let dest = backup_folder(cx.state, dest)?;
    let lake = cx.state.lake()?;
    let (_running, cancel) = start(cx.state)?;
    let folder = dest.display().to_string();
    let r = blocking(move || {
        Ok(backup::backup(
            lake.root(),
            &dest,
            &cancel,
            &mut send(on_progress),
        )?)
    })
    .await?;
    cx.state.remember_backup(&folder);
    Ok(r)
}

/// Checks every file of the open lake against the checksums the catalog recorded.
pub async fn verify_lake(
    cx: &Cx<'_>,
    on_progress: Channel<BackupProgress>,
) -> CmdResult<VerifyReport> {
    let lake = cx.state.lake()?;
    let (_running, cancel) = start(cx.state)?;
    blocking(move || {
        Ok(backup::verify(
            lake.root(),
            &cancel,
            &mut send(on_progress),
        )?)
    })
    .await
}

/// Restores the backup `src` into the new or empty folder `to` (both chosen by the user) and
/// opens it.
pub async fn restore_lake(
    cx: &Cx<'_>,
    src: String,
    to: String,
    on_progress: Channel<BackupProgress>,
) -> CmdResult<LakeStatus> {
    let src = cx.state.grants.check(&src, Use::Read)?;
    let to = cx.state.grants.check(&to, Use::Write)?;
    let (running, cancel) = start(cx.state)?;
    let (target, mut progress) = (to.clone(), send(on_progress));
    blocking(move || Ok(backup::restore(&src, &target, &cancel, &mut progress)?)).await?;
    drop(running);
    let lake = cx.state.open(&to, false)?;
    if let Some(app) = cx.window() {
        show_lake_in_title(app, Some(&lake.root().display().to_string()));
    }
    Ok(status(cx.state))
}

/// Stops the running backup, restore or verify; what it did so far is undone.
pub async fn cancel_backup(cx: &Cx<'_>) -> CmdResult<bool> {
    Ok(lock(&cx.state.backup_cancel)
        .as_ref()
        .map(|t| t.cancel())
        .is_some())
}

#[cfg(test)]
mod tests {
    use tauri::async_runtime::block_on;
    use tauri::ipc::{Channel, InvokeResponseBody};

    use super::*;
    use crate::commands::Cx;

    fn quiet() -> Channel<BackupProgress> {
        Channel::new(|_| Ok(()))
    }

    #[test]
    fn backups_and_restores_go_only_to_folders_the_user_chose() {
        let dir = tempfile::tempdir().unwrap();
        let st = AppState::new(&dir.path().join("config"), &dir.path().join("data"));
        let cx = Cx::bare(&st);
        let lake = st.open(&dir.path().join("lake"), true).unwrap();
        let csv = dir.path().join("people.csv");
        std::fs::write(&csv, "id\n1\n2\n").unwrap();
        let opts = lake_core::ingest::ImportOptions::default();
        let nothing = lake_core::ingest::NoProgress;
        let r =
            lake_core::ingest::import_paths(&lake, &[csv], &opts, &nothing, &CancelToken::new())
                .unwrap();
        assert!(r.errors.is_empty());

        let dest = dir.path().join("usb");
        let d = dest.display().to_string();
        let e = block_on(backup_lake(&cx, d.clone(), quiet())).unwrap_err();
        assert_eq!(e.0.code, "path_not_chosen");
        assert!(!dest.exists());
        // A read grant (an import folder) is not a write grant.
        st.grants.grant([&dest], Use::Read);
        let e = block_on(backup_lake(&cx, d.clone(), quiet())).unwrap_err();
        assert_eq!(e.0.code, "path_not_chosen");

        st.grants.grant([&dest], Use::Write);
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<serde_json::Value>::new()));
        let sink = seen.clone();
        let progress = Channel::new(move |body| {
            if let InvokeResponseBody::Json(j) = body {
                lock(&sink).push(serde_json::from_str(&j).unwrap());
            }
            Ok(())
        });
        let r = block_on(backup_lake(&cx, d.clone(), progress)).unwrap();
        assert_eq!((r.files, r.copied), (1, 1));
        let last = lock(&seen).last().cloned().unwrap();
        assert_eq!(last["done_bytes"], last["total_bytes"], "{last}");
        // Remembered: the next "Back up now" needs no dialog, and copies nothing new.
        assert_eq!(
            block_on(crate::commands::lake_status(&cx))
                .unwrap()
                .last_backup,
            Some(d.clone())
        );
        let again = block_on(backup_lake(&cx, d.clone(), quiet())).unwrap();
        assert_eq!((again.copied, again.reused), (0, 1));
        assert!(block_on(verify_lake(&cx, quiet())).unwrap().ok());

        // Restore needs the backup chosen to read and the target chosen to write.
        let to = dir.path().join("restored");
        let t = to.display().to_string();
        let e = block_on(restore_lake(&cx, d.clone(), t.clone(), quiet())).unwrap_err();
        assert_eq!(e.0.code, "path_not_chosen");
        st.grants.grant([&to], Use::Write);
        let s = block_on(restore_lake(&cx, d.clone(), t.clone(), quiet())).unwrap();
        assert_eq!(
            s.path.as_deref(),
            Some(t.as_str()),
            "the restored lake is open"
        );
        assert!(!block_on(cancel_backup(&cx)).unwrap(), "nothing runs now");
    }
}
