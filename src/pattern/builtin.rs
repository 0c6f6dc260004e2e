//! The pattern files compiled into the binary by `build.rs`.
use super::{parse_pattern_file, Limits, Pattern};
use crate::error::PatternError;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/embedded_patterns.rs"));

/// `(path relative to patterns/, TOML text)` of every embedded file, sorted by path.
pub fn builtin_files() -> &'static [(&'static str, &'static str)] {
    EMBEDDED
}

/// Parses the embedded files. They are validated by the test suite, so an error here means
/// the binary was built from a broken tree; it is still reported, never a panic.
pub fn builtin_patterns() -> Result<Vec<Pattern>, PatternError> {
    let mut out = Vec::new();
    for (rel, text) in EMBEDDED {
        let shown = Path::new("patterns").join(rel);
        out.extend(parse_pattern_file(&shown, Path::new(rel), text, &Limits::default())?);
    }
    Ok(out)
}
