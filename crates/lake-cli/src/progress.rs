//! The CLI's progress bars and Ctrl-C: an import's bar (bytes, ETA) and the cancel token a
//! first Ctrl-C sets (a second one exits at once).

use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use lake_core::ingest::{self, CancelToken};

pub struct Bar {
    pub bar: Option<ProgressBar>,
    pub file: std::sync::Mutex<String>,
}

impl ingest::Progress for Bar {
    fn file_started(&self, path: &str, bytes: u64) {
        *self.file.lock().unwrap() = short(path);
        if let Some(b) = &self.bar {
            b.set_length(bytes);
            b.set_position(0);
            b.reset_eta();
            b.set_message(format!("{} · 0 records", short(path)));
        }
    }
    fn update(&self, bytes_read: u64, records: u64) {
        if let Some(b) = &self.bar {
            b.set_position(bytes_read);
            b.set_message(format!("{} · {records} records", self.file.lock().unwrap()));
        }
    }
}

fn short(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

pub fn install_ctrlc() -> CancelToken {
    let token = CancelToken::new();
    let t = token.clone();
    let _ = ctrlc::set_handler(move || {
        if t.is_cancelled() {
            std::process::exit(130);
        }
        t.cancel();
    });
    token
}

/// `style` with the key `{rate}`: whole items a second ("3588/s"), where indicatif's
/// `{per_sec}` prints four decimals ("3587.9766/s").
pub fn with_rate(style: ProgressStyle) -> ProgressStyle {
    style.with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
        let _ = write!(w, "{:.0}/s", s.per_sec());
    })
}
