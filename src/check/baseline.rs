//! Baselines: accept today's findings so that a gate introduced on an existing corpus fails
//! only on new leaks.
//!
//! A finding is identified by a [`fingerprint`] of what it *is* — the file, the record, the
//! patterns and the block's text — never by where it sits: byte offsets and line numbers move
//! whenever anything above the block is edited, and a baseline keyed on them would report
//! every accepted finding again after the first unrelated change.
//!
//! The file is JSON: `{"version": 1, "findings": [{"fingerprint": …, "path": …, "id": …,
//! "category": …, "patterns": [...]}]}`. Only `fingerprint` is used for matching; the other
//! fields are there for people reviewing the file. Identical findings (the same block text
//! twice in a record) have the same fingerprint and are matched by count.
use super::CheckFinding;
use crate::category::Category;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// Version of the baseline file format.
pub const BASELINE_VERSION: u32 = 1;

/// A set of accepted findings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// [`BASELINE_VERSION`].
    pub version: u32,
    /// The accepted findings, in the order they were found.
    pub findings: Vec<BaselineEntry>,
}

impl Default for Baseline {
    fn default() -> Self {
        Baseline { version: BASELINE_VERSION, findings: Vec::new() }
    }
}

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// The [`fingerprint`]: what matching uses.
    pub fingerprint: String,
    /// The input file, for people.
    pub path: String,
    /// The record id, for people.
    pub id: String,
    /// The category, for people.
    pub category: Category,
    /// The patterns, for people.
    pub patterns: Vec<String>,
}

/// A baseline file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {reason}", if *.line > 0 { format!(":{}", .line) } else { String::new() })]
pub struct BaselineError {
    /// The file.
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl Baseline {
    /// Reads and validates a baseline file.
    pub fn load(path: &Path) -> Result<Self, BaselineError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError {
            file: file.clone(),
            line: 0,
            reason: format!("cannot read the baseline: {e}"),
        })?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| BaselineError {
            file: file.clone(),
            line: e.line(),
            reason: format!("not a boilerguard baseline: {e}"),
        })?;
        if baseline.version != BASELINE_VERSION {
            return Err(BaselineError {
                file,
                line: 0,
                reason: format!("baseline version {} is not supported (expected {BASELINE_VERSION}); write it again with --write-baseline", baseline.version),
            });
        }
        Ok(baseline)
    }

    /// Writes the baseline as pretty JSON, atomically.
    pub fn save(&self, path: &Path) -> Result<(), crate::error::CorpusError> {
        use std::io::Write;
        let mut json =
            serde_json::to_string_pretty(self).map_err(|e| crate::error::CorpusError::Other(e.to_string()))?;
        json.push('\n');
        let mut file = crate::corpus::output::AtomicFile::create(path, crate::corpus::Compression::None)?;
        file.write_all(json.as_bytes()).map_err(|e| crate::error::CorpusError::io(path, e))?;
        file.commit()
    }

    /// Adds a finding.
    pub fn push(&mut self, finding: &CheckFinding) {
        self.findings.push(BaselineEntry {
            fingerprint: finding.fingerprint.clone(),
            path: finding.path.clone(),
            id: finding.id.clone(),
            category: finding.category,
            patterns: finding.patterns.clone(),
        });
    }

    /// How many times each fingerprint is accepted.
    pub fn counts(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for entry in &self.findings {
            *counts.entry(entry.fingerprint.clone()).or_insert(0) += 1;
        }
        counts
    }
}

/// The stable fingerprint of a finding: 16 hex digits of a 64-bit FNV-1a hash over the file
/// path (as `check` keys it: relative to the configuration's directory, see
/// [`crate::check::Settings::baseline_key`]), the record id, the pattern ids (or the category for a block without
/// patterns of its own) and the block text normalized (lower-cased, white space collapsed,
/// invisible characters dropped). Byte offsets and line numbers are deliberately left out.
///
/// FNV-1a is implemented here rather than taken from `std`'s hasher because `std` does not
/// promise that `DefaultHasher` gives the same value across Rust releases, and a baseline
/// must stay valid when the tool is rebuilt.
pub fn fingerprint(path: &str, id: &str, patterns: &[String], category: Category, text: &str) -> String {
    let mut h = Fnv1a::default();
    h.field(path.replace('\\', "/").trim_start_matches("./").as_bytes());
    h.field(id.as_bytes());
    if patterns.is_empty() {
        h.field(category.as_str().as_bytes());
    } else {
        let mut sorted: Vec<&str> = patterns.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        h.field(sorted.join(",").as_bytes());
    }
    h.field(normalized(text).as_bytes());
    format!("{:016x}", h.0)
}

/// Lower case, one space between words, no zero-width characters or soft hyphens.
fn normalized(text: &str) -> String {
    let visible: String =
        text.chars().filter(|c| !matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')).collect();
    visible.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// 64-bit FNV-1a.
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// A length-prefixed field, so that `("ab", "c")` and `("a", "bc")` differ.
    fn field(&mut self, bytes: &[u8]) {
        self.bytes(&(bytes.len() as u64).to_le_bytes());
        self.bytes(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(path: &str, text: &str) -> String {
        fingerprint(path, "doc-1", &["en.donation.donate-now".to_string()], Category::Donation, text)
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        let mut h = Fnv1a::default();
        h.bytes(b"");
        assert_eq!(h.0, 0xcbf2_9ce4_8422_2325);
        let mut h = Fnv1a::default();
        h.bytes(b"a");
        assert_eq!(h.0, 0xaf63_dc4c_8601_ec8c);
        let mut h = Fnv1a::default();
        h.bytes(b"foobar");
        assert_eq!(h.0, 0x8594_4171_f739_67e8);
    }

    #[test]
    fn fingerprint_is_pinned() {
        // A change here invalidates every baseline users have written: bump BASELINE_VERSION.
        assert_eq!(fp("docs/a.txt", "Donate now"), "becc0719e74049b1");
    }

    #[test]
    fn fingerprint_ignores_case_spacing_and_invisible_characters() {
        assert_eq!(fp("a.txt", "Donate now"), fp("a.txt", "  donate\u{00A0}\u{200B}NOW "));
        assert_eq!(fp("./a.txt", "Donate now"), fp("a.txt", "Donate now"));
    }

    #[test]
    fn fingerprint_depends_on_what_the_finding_is() {
        let base = fp("a.txt", "Donate now");
        assert_ne!(base, fp("b.txt", "Donate now"));
        assert_ne!(base, fp("a.txt", "Donate today"));
        assert_ne!(
            base,
            fingerprint("a.txt", "doc-2", &["en.donation.donate-now".into()], Category::Donation, "Donate now")
        );
        assert_ne!(base, fingerprint("a.txt", "doc-1", &[], Category::Donation, "Donate now"));
        let two = |p: &[&str]| {
            fingerprint("a", "b", &p.iter().map(|s| s.to_string()).collect::<Vec<_>>(), Category::Donation, "x")
        };
        assert_eq!(two(&["p1", "p2"]), two(&["p2", "p1"]), "pattern order does not matter");
    }

    #[test]
    fn counts_match_duplicates_by_number() {
        let entry = |fp: &str| BaselineEntry {
            fingerprint: fp.into(),
            path: "a".into(),
            id: "a".into(),
            category: Category::Donation,
            patterns: vec![],
        };
        let b = Baseline { version: 1, findings: vec![entry("x"), entry("x"), entry("y")] };
        let counts = b.counts();
        assert_eq!(counts["x"], 2);
        assert_eq!(counts["y"], 1);
    }
}
