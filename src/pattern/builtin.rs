//! The pattern files compiled into the binary by `build.rs`.
use super::file::{parse_checked, RegexCheck};
use super::fitted::{self, FITTED_FILE};
use super::{Limits, Pattern};
use crate::error::PatternError;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/embedded_patterns.rs"));

/// `(path relative to patterns/, TOML text)` of every embedded file, sorted by path.
pub fn builtin_files() -> &'static [(&'static str, &'static str)] {
    EMBEDDED
}

/// Parses the embedded files. They are validated by the test suite (their regexes are
/// compiled there rather than at every start), so an error here means the binary was built
/// from a broken tree; it is still reported, never a panic.
pub fn builtin_patterns() -> Result<Vec<Pattern>, PatternError> {
    let mut out = Vec::new();
    for (rel, text) in EMBEDDED.iter().filter(|(rel, _)| *rel != FITTED_FILE) {
        let shown = Path::new("patterns").join(rel);
        out.extend(parse_checked(&shown, Path::new(rel), text, &Limits::default(), RegexCheck::Trusted)?);
    }
    if let Some((rel, text)) = EMBEDDED.iter().find(|(rel, _)| *rel == FITTED_FILE) {
        fitted::apply(&mut out, &Path::new("patterns").join(rel), text)?;
    }
    Ok(out)
}
