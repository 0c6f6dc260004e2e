//! Patterns: the data that says what boilerplate looks like.
//!
//! Patterns live in TOML files, `patterns/<lang>/<category>.toml`, one `[[pattern]]` table
//! each (schema: [`PatternFile`]). The built-in files are compiled into the binary ([`builtin_files`]);
//! users add directories of their own. Loading validates everything up front and reports the
//! file, the pattern id and the reason, so a broken pattern never reaches the matcher.
mod builtin;
mod file;
pub mod fitted;

pub use builtin::{builtin_files, builtin_patterns};
pub use file::{parse_pattern_file, PatternDef, PatternFile};

use crate::category::Category;
use crate::error::PatternError;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Resource limits that keep untrusted pattern files from costing unbounded time or memory.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest compiled size of one regex, in bytes (the `regex` crate's `size_limit`).
    pub regex_size: usize,
    /// Most patterns in one set.
    pub max_patterns: usize,
    /// Most phrases over all patterns.
    pub max_phrases: usize,
    /// Longest phrase, in bytes.
    pub max_phrase_len: usize,
    /// Longest regex source, in bytes: checked before the regex is parsed.
    pub max_regex_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            regex_size: 1 << 20,
            max_patterns: 50_000,
            max_phrases: 500_000,
            max_phrase_len: 512,
            max_regex_len: 64 << 10,
        }
    }
}

/// One validated pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    /// Stable id, `<lang>.<category>.<slug>`.
    pub id: String,
    /// Language code from the file's folder (`xx` for language-neutral).
    pub lang: String,
    /// What the pattern detects.
    pub category: Category,
    /// Literal phrases, as written.
    pub phrases: Vec<String>,
    /// Optional regex, matched on the fully folded text of a block.
    pub regex: Option<String>,
    /// Strength of evidence, in (0, 1]: the fitted weight where `fitted.toml` has one.
    pub weight: f64,
    /// The weight written in the pattern file, which a fit starts from and is regularised to.
    pub prior_weight: f64,
    /// Texts that must be classified as `category` on their own.
    pub examples: Vec<String>,
    /// Texts that must stay body on their own.
    pub counter_examples: Vec<String>,
    /// Where the pattern was defined.
    pub source: PathBuf,
    /// 1-based line of the pattern's `id` in its file.
    pub line: usize,
}

/// A validated collection of patterns with unique ids.
#[derive(Clone, Debug, Default)]
pub struct PatternSet {
    patterns: Vec<Pattern>,
    /// Index of each id in `patterns`, kept across additions so that adding a file costs
    /// the size of the file, not of the set.
    ids: HashMap<String, usize>,
    /// Phrases over all patterns.
    phrases: usize,
}

impl PatternSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The built-in patterns embedded in the binary.
    pub fn builtin() -> Result<Self, PatternError> {
        let mut set = Self::new();
        set.extend(builtin_patterns()?)?;
        Ok(set)
    }

    /// Adds patterns, rejecting an id that is already present: the error points at the
    /// second definition and names the first. Nothing is added on error.
    pub fn extend(&mut self, patterns: Vec<Pattern>) -> Result<(), PatternError> {
        let base = self.patterns.len();
        let mut added: HashMap<&str, usize> = HashMap::with_capacity(patterns.len());
        for (offset, p) in patterns.iter().enumerate() {
            let first = match self.ids.get(&p.id) {
                Some(&i) => Some(&self.patterns[i]),
                None => added.get(p.id.as_str()).map(|&i| &patterns[i]),
            };
            if let Some(first) = first {
                return Err(PatternError::at(
                    &p.source,
                    p.line,
                    Some(&p.id),
                    format!("duplicate id: already defined in {}:{}", first.source.display(), first.line),
                ));
            }
            added.insert(p.id.as_str(), offset);
        }
        drop(added);
        for (offset, p) in patterns.iter().enumerate() {
            self.ids.insert(p.id.clone(), base + offset);
        }
        self.phrases += patterns.iter().map(|p| p.phrases.len()).sum::<usize>();
        self.patterns.extend(patterns);
        Ok(())
    }

    /// Loads every `<lang>/<category>.toml` below `dir` and adds it.
    pub fn load_dir(&mut self, dir: &Path, limits: &Limits) -> Result<(), PatternError> {
        let files = file::find_pattern_files(dir)?;
        if files.is_empty() {
            return Err(PatternError::at(
                dir,
                0,
                None,
                "no pattern files found (expected <lang>/<category>.toml)".into(),
            ));
        }
        for path in files {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| PatternError::at(&path, 0, None, format!("cannot read: {e}")))?;
            let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
            let patterns = parse_pattern_file(&path, &rel, &text, limits)?;
            self.extend(patterns)?;
            self.check_limits(limits).map_err(|e| e.in_file(&path))?;
        }
        let fitted = dir.join(fitted::FITTED_FILE);
        if fitted.is_file() {
            let text = std::fs::read_to_string(&fitted)
                .map_err(|e| PatternError::at(&fitted, 0, None, format!("cannot read: {e}")))?;
            fitted::apply(&mut self.patterns, &fitted, &text)?;
        }
        Ok(())
    }

    /// Rejects a set larger than `limits` allows.
    pub fn check_limits(&self, limits: &Limits) -> Result<(), PatternError> {
        if self.patterns.len() > limits.max_patterns {
            return Err(PatternError::limit(format!(
                "{} patterns exceed the limit of {}",
                self.patterns.len(),
                limits.max_patterns
            )));
        }
        let phrases = self.phrases;
        if phrases > limits.max_phrases {
            return Err(PatternError::limit(format!("{phrases} phrases exceed the limit of {}", limits.max_phrases)));
        }
        Ok(())
    }

    /// The patterns, in load order.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// True when there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Keeps only the patterns `keep` accepts (category or language selection).
    pub fn retain(&mut self, keep: impl FnMut(&Pattern) -> bool) {
        self.patterns.retain(keep);
        self.ids = self.patterns.iter().enumerate().map(|(i, p)| (p.id.clone(), i)).collect();
        self.phrases = self.patterns.iter().map(|p| p.phrases.len()).sum();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(file: &str, ids: &[(&str, usize)]) -> Vec<Pattern> {
        ids.iter()
            .map(|&(id, phrases)| Pattern {
                id: id.into(),
                lang: "en".into(),
                category: Category::Donation,
                phrases: vec!["give".into(); phrases],
                regex: None,
                weight: 0.5,
                prior_weight: 0.5,
                examples: vec!["give".into()],
                counter_examples: vec![],
                source: PathBuf::from(file),
                line: 2,
            })
            .collect()
    }

    #[test]
    fn the_id_index_and_phrase_count_follow_every_change_of_the_set() {
        let mut set = PatternSet::new();
        set.extend(patterns("a.toml", &[("en.donation.a", 2), ("en.donation.b", 3)])).expect("distinct");
        let err = set.extend(patterns("b.toml", &[("en.donation.c", 1), ("en.donation.b", 1)])).expect_err("b twice");
        assert_eq!(err.to_string(), "b.toml:2: pattern `en.donation.b`: duplicate id: already defined in a.toml:2");
        assert_eq!((set.len(), set.phrases), (2, 5), "nothing of a refused file is added");
        let limits = Limits { max_phrases: 4, ..Limits::default() };
        assert!(set.check_limits(&limits).is_err());
        set.retain(|p| p.id != "en.donation.b");
        assert_eq!(set.phrases, 2);
        assert!(set.check_limits(&limits).is_ok());
        set.extend(patterns("b.toml", &[("en.donation.b", 1)])).expect("b was removed");
        assert_eq!(
            set.patterns().iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["en.donation.a", "en.donation.b"]
        );
    }
}
