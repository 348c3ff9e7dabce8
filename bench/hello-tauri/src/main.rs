//! A Tauri 2 hello-world: one page that reports when it has painted. `make bench` compares the
//! app's cold start with this one's.
use std::time::Instant;

static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

#[tauri::command]
fn ready(app: tauri::AppHandle) {
    let ms = START
        .get()
        .map(|s| s.elapsed().as_secs_f64() * 1e3)
        .unwrap_or(0.0);
    println!("ready_ms={ms:.1}");
    if std::env::var_os("DATAPUNK_EXIT_WHEN_READY").is_some() {
        app.exit(0);
    }
}

fn main() {
    START.get_or_init(Instant::now);
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("error while running hello-tauri");
}
