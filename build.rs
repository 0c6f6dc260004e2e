//! Embeds every file under `patterns/` into the binary.
//!
//! The generated table lists `(relative path, contents)` pairs sorted by path, so the embedded
//! set is deterministic; `tests/embedded.rs` checks it against the files on disk.
use std::fs;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let patterns = root.join("patterns");
    println!("cargo:rerun-if-changed=patterns");
    let mut files = Vec::new();
    collect(&patterns, &mut files);
    files.sort();
    let mut code = String::from("/// `(path relative to patterns/, TOML text)` of every built-in pattern file.\npub static EMBEDDED: &[(&str, &str)] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file.strip_prefix(&patterns).expect("collected under patterns/");
        let rel = rel.to_string_lossy().replace('\\', "/");
        code.push_str(&format!("    ({rel:?}, include_str!({:?})),\n", file.display().to_string()));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_patterns.rs");
    fs::write(out, code).expect("write embedded pattern table");
}
