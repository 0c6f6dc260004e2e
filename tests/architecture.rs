//! The layering the crate promises, checked on its source: the library has no argument
//! parser (only `src/cli/` and `src/main.rs` know clap), and the detection core never
//! reaches up to corpora, reports, batch jobs, the CI gate, the authoring tools (lint,
//! self-test, stats, fit), evaluation, mining or the command line.
mod common;

use std::path::{Path, PathBuf};

/// Modules (files, or folders below `src/`) that make up the detection core.
const DETECTION: &[&str] =
    &["matcher", "regex_build", "classify", "detector", "normalize", "segment", "pattern", "category", "lang"];

/// Modules the detection core must not import.
const ABOVE_DETECTION: &[&str] = &["corpus", "report", "batch", "check", "cli", "authoring", "eval", "mine"];

/// The library's source files with their code lines (comments removed), relative to `src/`.
fn library_sources() -> Vec<(PathBuf, Vec<(usize, String)>)> {
    let src = common::root().join("src");
    let mut files: Vec<_> = common::files_below(&src)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.strip_prefix(&src).expect("below src").to_path_buf())
        .filter(|p| !p.starts_with("cli") && p != Path::new("main.rs"))
        .collect();
    files.sort();
    assert!(files.len() > 20, "the library sources were not found in {}", src.display());
    files
        .into_iter()
        .map(|rel| {
            let text = std::fs::read_to_string(src.join(&rel)).expect("readable source");
            (rel, code_lines(&text))
        })
        .collect()
}

/// Lines without their `//` comments (doc comments included), numbered from 1.
fn code_lines(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let code = match line.trim_start().starts_with("//") {
                true => "",
                false => line.split(" // ").next().unwrap_or(line),
            };
            (i + 1, code.to_string())
        })
        .collect()
}

/// The top-level module a source file belongs to (`matcher/literals.rs` → `matcher`).
fn module_of(rel: &Path) -> String {
    let first = rel.components().next().expect("a file").as_os_str().to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// `line` refers to module `name` of this crate.
fn refers_to(line: &str, name: &str) -> bool {
    line.contains(&format!("crate::{name}::")) || line.contains(&format!("crate::{name};")) || {
        line.contains(&format!("crate::{name}}}")) || line.contains(&format!("crate::{{{name}"))
    }
}

#[test]
fn the_library_does_not_use_clap() {
    let offenders: Vec<String> = library_sources()
        .iter()
        .flat_map(|(rel, lines)| {
            lines
                .iter()
                .filter(|(_, l)| l.contains("clap"))
                .map(move |(n, l)| format!("src/{}:{n}: {}", rel.display(), l.trim()))
        })
        .collect();
    assert!(offenders.is_empty(), "clap belongs to src/cli/ and src/main.rs only:\n{}", offenders.join("\n"));
}

#[test]
fn detection_modules_do_not_import_the_layers_above_them() {
    let mut offenders = Vec::new();
    for (rel, lines) in library_sources() {
        if !DETECTION.contains(&module_of(&rel).as_str()) {
            continue;
        }
        for (n, line) in &lines {
            for above in ABOVE_DETECTION.iter().filter(|above| refers_to(line, above)) {
                offenders.push(format!("src/{}:{n}: imports `{above}`: {}", rel.display(), line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "the detection core must not depend on these:\n{}", offenders.join("\n"));
}

#[test]
fn the_checks_see_what_they_look_for() {
    assert!(refers_to("use crate::corpus::Input;", "corpus"));
    assert!(refers_to("    crate::report::html::x()", "report"));
    assert!(refers_to("use crate::{batch, x};", "batch"));
    assert!(!refers_to("use crate::corpus_tools::X;", "corpus"));
    assert_eq!(
        code_lines("//! uses clap\nlet x = 1; // clap\nclap::Parser"),
        vec![(1, String::new()), (2, "let x = 1;".to_string()), (3, "clap::Parser".to_string())]
    );
    assert_eq!(module_of(Path::new("matcher/literals.rs")), "matcher");
    assert_eq!(module_of(Path::new("lang.rs")), "lang");
}
