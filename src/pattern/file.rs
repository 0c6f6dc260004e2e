//! The pattern-file format and its validation.
//!
//! ```toml
//! [[pattern]]
//! id = "en.donation.support-independent-journalism"
//! phrases = ["support independent journalism", "support our journalism"]
//! regex = 'support (?:our|independent) (?:\w+ ){0,2}journalism'   # optional
//! weight = 0.8
//! examples = ["Support independent journalism today."]
//! counter_examples = ["The grant will support independent journalism in the region, she said."]
//! ```
//!
//! Parsing is strict (`deny_unknown_fields`): a misspelt key is an error, not a pattern that
//! silently does nothing.
use super::{Limits, Pattern};
use crate::category::Category;
use crate::error::PatternError;
use crate::normalize::fold_phrase;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A whole pattern file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternFile {
    /// The `[[pattern]]` tables.
    #[serde(default, rename = "pattern")]
    pub patterns: Vec<PatternDef>,
}

/// One `[[pattern]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternDef {
    /// `<lang>.<category>.<slug>`, with where it stands in the file (its line is the
    /// pattern's line in messages).
    pub id: toml::Spanned<String>,
    /// Literal phrases.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// A regex, matched on the folded text of the blocks where one of its literals occurs.
    pub regex: Option<String>,
    /// Strength of evidence in (0, 1].
    pub weight: f64,
    /// Texts that must be classified as the file's category.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Texts that must stay body.
    #[serde(default)]
    pub counter_examples: Vec<String>,
    /// Free text for pattern authors; not used by matching.
    pub note: Option<String>,
}

/// Lists `<lang>/<category>.toml` files below `dir`, sorted.
pub(super) fn find_pattern_files(dir: &Path) -> Result<Vec<PathBuf>, PatternError> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(true).max_depth(2).sort_by_file_name() {
        let entry = entry.map_err(|e| PatternError::at(dir, 0, None, format!("cannot read pattern directory: {e}")))?;
        let fitted = entry.depth() == 1 && entry.file_name() == super::fitted::FITTED_FILE;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "toml") && !fitted {
            out.push(entry.into_path());
        }
    }
    Ok(out)
}

/// The 1-based line of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Line numbers of byte offsets, each found by a binary search: a file of many patterns is
/// not scanned again from its start for each of them.
struct Lines {
    /// Offsets of the `\n` bytes.
    breaks: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Self {
        Lines { breaks: memchr::memchr_iter(b'\n', text.as_bytes()).collect() }
    }

    /// The 1-based line of byte offset `at`.
    fn of(&self, at: usize) -> usize {
        self.breaks.partition_point(|&b| b < at) + 1
    }
}

/// Language and category from a path `<lang>/<category>.toml` relative to the patterns root.
fn lang_and_category(shown: &Path, rel: &Path) -> Result<(String, Category), PatternError> {
    let category_name = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let lang = rel.parent().and_then(|p| p.file_name()).and_then(|s| s.to_str()).unwrap_or_default();
    let category: Category = category_name
        .parse()
        .map_err(|e: crate::category::UnknownCategory| PatternError::at(shown, 0, None, e.to_string()))?;
    let valid_lang = lang == "xx" || (lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_lowercase()));
    if !valid_lang {
        return Err(PatternError::at(
            shown,
            0,
            None,
            format!("file must be <lang>/<category>.toml with an ISO 639-1 code or `xx` as <lang>, found `{lang}`"),
        ));
    }
    Ok((lang.to_string(), category))
}

/// Whether loading compiles each regex to check it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RegexCheck {
    /// Compile it: a bad or huge regex is a load error naming its file, line and id.
    Compile,
    /// Skip it, for the embedded files: the test suite compiles every one of them
    /// (`tests/builtin_patterns.rs`), and skipping halves the start-up time.
    Trusted,
}

/// Parses and validates one pattern file. `shown` is the path used in messages, `rel` the
/// path relative to the patterns root (it gives the language and category).
pub fn parse_pattern_file(shown: &Path, rel: &Path, text: &str, limits: &Limits) -> Result<Vec<Pattern>, PatternError> {
    parse_checked(shown, rel, text, limits, RegexCheck::Compile)
}

pub(crate) fn parse_checked(
    shown: &Path,
    rel: &Path,
    text: &str,
    limits: &Limits,
    regex_check: RegexCheck,
) -> Result<Vec<Pattern>, PatternError> {
    let (lang, category) = lang_and_category(shown, rel)?;
    let file: PatternFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |s| line_of(text, s.start));
        PatternError::at(shown, line, None, e.message().trim().to_string())
    })?;
    if file.patterns.is_empty() {
        return Err(PatternError::at(shown, 0, None, "no [[pattern]] tables".into()));
    }
    // The limits of a whole set, checked on the file alone before any pattern is validated:
    // a file far over them fails at once, naming itself.
    if file.patterns.len() > limits.max_patterns {
        return Err(PatternError::at(
            shown,
            0,
            None,
            format!("{} patterns exceed the limit of {}", file.patterns.len(), limits.max_patterns),
        ));
    }
    let phrases: usize = file.patterns.iter().map(|p| p.phrases.len()).sum();
    if phrases > limits.max_phrases {
        return Err(PatternError::at(
            shown,
            0,
            None,
            format!("{phrases} phrases exceed the limit of {}", limits.max_phrases),
        ));
    }
    let lines = Lines::new(text);
    file.patterns
        .into_iter()
        .map(|def| {
            let line = lines.of(def.id.span().start);
            validate(def, &lang, category, limits, regex_check)
                .map_err(|reason| PatternError::at(shown, line, Some(&reason.0), reason.1))
                .map(|mut p| {
                    p.source = shown.to_path_buf();
                    p.line = line;
                    p
                })
        })
        .collect()
}

/// `(id, reason)` of a pattern that failed validation.
struct Invalid(String, String);

fn validate(
    def: PatternDef,
    lang: &str,
    category: Category,
    limits: &Limits,
    regex_check: RegexCheck,
) -> Result<Pattern, Invalid> {
    let id = def.id.into_inner();
    let fail = |reason: String| Invalid(id.clone(), reason);
    let prefix = format!("{lang}.{category}.");
    let slug = id.strip_prefix(&prefix).ok_or_else(|| fail(format!("id must start with `{prefix}`")))?;
    if slug.is_empty() || !slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err(fail("id slug must be non-empty lower-case ASCII letters, digits and `-`".into()));
    }
    if !(def.weight > 0.0 && def.weight <= 1.0) {
        return Err(fail(format!("weight must be in (0, 1], found {}", def.weight)));
    }
    if def.phrases.is_empty() && def.regex.is_none() {
        return Err(fail("a pattern needs `phrases`, a `regex`, or both".into()));
    }
    for phrase in &def.phrases {
        if fold_phrase(phrase).is_empty() {
            return Err(fail(format!("empty phrase {phrase:?}")));
        }
        if phrase.len() > limits.max_phrase_len {
            return Err(fail(format!(
                "phrase of {} bytes exceeds the limit of {}",
                phrase.len(),
                limits.max_phrase_len
            )));
        }
    }
    if let Some(regex) = &def.regex {
        check_regex(regex, limits, regex_check).map_err(fail)?;
    }
    if def.examples.is_empty() {
        return Err(fail("a pattern needs at least one example (text it must flag)".into()));
    }
    Ok(Pattern {
        id,
        lang: lang.to_string(),
        category,
        phrases: def.phrases,
        regex: def.regex,
        weight: def.weight,
        prior_weight: def.weight,
        examples: def.examples,
        counter_examples: def.counter_examples,
        source: PathBuf::new(),
        line: 0,
    })
}

/// Compiles `regex` as the matcher will (unless trusted), so a bad or huge regex fails at load
/// time and never while documents are processed.
fn check_regex(regex: &str, limits: &Limits, regex_check: RegexCheck) -> Result<(), String> {
    if regex.trim().is_empty() {
        return Err("empty regex".into());
    }
    // Parsing comes before the compiled-size limit can apply, and a regex of megabytes took
    // seconds and gigabytes to parse: its source is measured first.
    if regex.len() > limits.max_regex_len {
        return Err(format!("regex of {} bytes exceeds the limit of {}", regex.len(), limits.max_regex_len));
    }
    if regex_check == RegexCheck::Trusted {
        return Ok(());
    }
    crate::regex_build::compile_regex(regex, limits.regex_size).map(|_| ()).map_err(|e| {
        match (e.size_limit(), e.syntax_error()) {
            (Some(limit), _) => format!("regex is too large (compiled size over {limit} bytes)"),
            (None, Some(syntax)) => format!("invalid regex: {syntax}"),
            (None, None) => format!("invalid regex: {e}"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(rel: &str, text: &str) -> Result<Vec<Pattern>, PatternError> {
        parse_pattern_file(Path::new(rel), Path::new(rel), text, &Limits::default())
    }

    const GOOD: &str = r#"
[[pattern]]
id = "en.donation.donate-now"
phrases = ["donate now"]
weight = 0.8
examples = ["Donate now"]
counter_examples = ["He did not donate now."]
"#;

    #[test]
    fn good_file_loads_with_line_numbers() {
        let p = parse("en/donation.toml", GOOD).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].category, Category::Donation);
        assert_eq!(p[0].lang, "en");
        assert_eq!(p[0].line, 3);
    }

    /// Each case: file path, file text, text that the error message must contain.
    const BAD: &[(&str, &str, &str)] = &[
        ("en/donation.toml", "[[pattern]\nid=", "en/donation.toml:1"),
        (
            "en/donation.toml",
            "[[pattern]]\nid = \"en.donation.x\"\nphrases=[\"a b\"]\nweight=0.5\nexamples=[\"a b\"]\ncolour = 1\n",
            "unknown field `colour`",
        ),
        (
            "en/donation.toml",
            "[[pattern]]\nid = \"en.donation.x\"\nphrases=[\"  \"]\nweight=0.5\nexamples=[\"a\"]\n",
            "empty phrase",
        ),
        (
            "en/donation.toml",
            "[[pattern]]\nid = \"en.donation.x\"\nregex='(unclosed'\nweight=0.5\nexamples=[\"a\"]\n",
            "invalid regex",
        ),
        (
            "en/donation.toml",
            "[[pattern]]\nid = \"en.donation.x\"\nregex='\\w{1000}\\w{1000}\\w{1000}'\nweight=0.5\nexamples=[\"a\"]\n",
            "too large",
        ),
        ("en/donations.toml", GOOD, "unknown category `donations`"),
        (
            "en/donation.toml",
            "[[pattern]]\nid = \"en.donation.x\"\nphrases=[\"give\"]\nweight=0.5\n",
            "at least one example",
        ),
        (
            "en/donation.toml",
            "[[pattern]]\nid = \"fr.donation.x\"\nphrases=[\"give\"]\nweight=0.5\nexamples=[\"give\"]\n",
            "must start with `en.donation.`",
        ),
        (
            "en/donation.toml",
            "[[pattern]]\nid = \"en.donation.x\"\nphrases=[\"give\"]\nweight=1.5\nexamples=[\"give\"]\n",
            "weight must be in (0, 1]",
        ),
        (
            "en/donation.toml",
            "[[pattern]]\nid = \"en.donation.x\"\nweight=0.5\nexamples=[\"give\"]\n",
            "needs `phrases`, a `regex`",
        ),
        ("english/donation.toml", GOOD, "ISO 639-1"),
    ];

    #[test]
    fn bad_files_are_rejected_with_file_line_and_reason() {
        for (rel, text, expected) in BAD {
            let err = parse(rel, text).expect_err(rel).to_string();
            assert!(err.contains(expected), "{rel}: expected {expected:?} in {err:?}");
            assert!(err.contains(rel), "error must name the file: {err}");
        }
    }

    #[test]
    fn pattern_errors_name_the_pattern_id_and_line() {
        let text = "[[pattern]]\nid = \"en.donation.ok\"\nphrases=[\"give\"]\nweight=0.5\nexamples=[\"give\"]\n\n[[pattern]]\nid = \"en.donation.broken\"\nregex='('\nweight=0.5\nexamples=[\"a\"]\n";
        let err = parse("en/donation.toml", text).unwrap_err().to_string();
        assert!(err.contains("en/donation.toml:8"), "{err}");
        assert!(err.contains("en.donation.broken"), "{err}");
    }
}
