//! The detector: pattern set + matcher + classifier behind one call.
//!
//! [`Detector::analyze`] runs the whole pipeline on one document: cut into blocks, normalize,
//! one automaton pass, regex confirmation, classification. Everything else (scan records,
//! cleaned text, explanations, evaluation) is a view of the returned [`Analysis`].
use crate::category::Category;
use crate::classify::{classify, ClassifyOptions, Reason, Verdict};
use crate::error::PatternError;
use crate::lang::{parse_languages, LanguageError};
use crate::matcher::{Hit, Matcher};
use crate::normalize::{normalize, AsciiCase};
use crate::pattern::{Limits, Pattern, PatternSet};
use crate::segment::{segment, Block, BlockMode};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Everything that decides how a [`Detector`] is built.
#[derive(Clone, Debug)]
pub struct DetectorConfig {
    /// Load the built-in patterns.
    pub builtin: bool,
    /// Extra pattern directories (`<lang>/<category>.toml` below each).
    pub pattern_dirs: Vec<PathBuf>,
    /// Only these languages' patterns (empty: all). `xx` patterns are always kept.
    pub languages: Vec<String>,
    /// Classifier options (threshold, categories).
    pub classify: ClassifyOptions,
    /// How documents are cut into blocks.
    pub blocks: BlockMode,
    /// Limits on pattern sets.
    pub limits: Limits,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        DetectorConfig {
            builtin: true,
            pattern_dirs: Vec::new(),
            languages: Vec::new(),
            classify: ClassifyOptions::default(),
            blocks: BlockMode::Auto,
            limits: Limits::default(),
        }
    }
}

impl DetectorConfig {
    /// Loads the patterns and compiles the detector. Every language asked for must be a
    /// known code (see [`crate::lang`]) with patterns of its own.
    pub fn build(&self) -> Result<Detector, BuildError> {
        unit_score(self.classify.threshold).map_err(BuildError::Threshold)?;
        let languages = parse_languages(&self.languages)?;
        let mut set = if self.builtin { PatternSet::builtin()? } else { PatternSet::new() };
        for dir in &self.pattern_dirs {
            set.load_dir(dir, &self.limits)?;
        }
        if !languages.is_empty() {
            let available: BTreeSet<&str> = set.patterns().iter().map(|p| p.lang.as_str()).collect();
            if let Some(missing) = languages.iter().find(|code| !available.contains(code.as_str())) {
                return Err(BuildError::Language(LanguageError::NoPatterns {
                    code: missing.clone(),
                    available: available.into_iter().collect::<Vec<_>>().join(", "),
                }));
            }
            set.retain(|p| p.lang == "xx" || languages.contains(&p.lang));
        }
        set.check_limits(&self.limits)?;
        Ok(Detector::new(set, self.clone())?)
    }
}

/// Why a [`Detector`] could not be built from a [`DetectorConfig`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BuildError {
    /// A pattern file or the set is invalid.
    #[error(transparent)]
    Patterns(#[from] PatternError),
    /// The language list selects nothing it names.
    #[error(transparent)]
    Language(#[from] LanguageError),
    /// The threshold is not a score.
    #[error("threshold {0}")]
    Threshold(ScoreOutOfRange),
}

/// A number outside 0–1 where a score (a threshold, a rate) was expected.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("must be between 0 and 1, found {0}")]
pub struct ScoreOutOfRange(pub f64);

/// `value` when it lies in 0–1, the range of block scores: the one check of every threshold,
/// whether it comes from a flag, a configuration file or Python.
pub fn unit_score(value: f64) -> Result<f64, ScoreOutOfRange> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(ScoreOutOfRange(value))
    }
}

/// A compiled detector. Cheap to share: `&Detector` is `Send + Sync`.
pub struct Detector {
    set: PatternSet,
    matcher: Matcher,
    config: DetectorConfig,
}

/// A non-body block: what scan reports and clean removes.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Index of the block among all blocks of the document.
    pub block: usize,
    /// Byte offset of the block's content in the original text.
    pub start: usize,
    /// End of the block's content (exclusive).
    pub end: usize,
    /// The block with its line terminator: what `clean` removes.
    pub outer_start: usize,
    /// End of the removed span (exclusive).
    pub outer_end: usize,
    /// Its category.
    pub category: Category,
    /// Its score in [0, 1].
    pub score: f64,
    /// Ids of the patterns that hit it.
    pub patterns: Vec<String>,
}

/// The full result for one document.
pub struct Analysis<'t> {
    /// The document text.
    pub text: &'t str,
    /// Its blocks.
    pub blocks: Vec<Block>,
    /// Every pattern hit, sorted by block.
    pub hits: Vec<Hit>,
    /// One verdict per block.
    pub verdicts: Vec<Verdict>,
}

impl Detector {
    /// The built-in patterns with default options.
    pub fn builtin() -> Result<Self, PatternError> {
        Detector::new(PatternSet::builtin()?, DetectorConfig::default())
    }

    /// Compiles a detector for `set`.
    pub fn new(set: PatternSet, config: DetectorConfig) -> Result<Self, PatternError> {
        let matcher = Matcher::new(&set, &config.limits)?;
        Ok(Detector { set, matcher, config })
    }

    /// The patterns in use.
    pub fn patterns(&self) -> &[Pattern] {
        self.set.patterns()
    }

    /// The configuration it was built with.
    pub fn config(&self) -> &DetectorConfig {
        &self.config
    }

    /// Cuts `text` into blocks and finds every pattern hit in it.
    fn blocks_and_hits(&self, text: &str) -> (Vec<Block>, Vec<Hit>) {
        let (blocks, breaks) = segment(text, self.config.blocks);
        let norm = normalize(text, breaks, AsciiCase::Fold);
        let hits = self.matcher.find(text, &norm, &blocks);
        (blocks, hits)
    }

    /// Runs the pipeline on `text`.
    pub fn analyze<'t>(&self, text: &'t str) -> Analysis<'t> {
        let (blocks, hits) = self.blocks_and_hits(text);
        let verdicts = classify(text, &blocks, &hits, self.set.patterns(), &self.config.classify);
        Analysis { text, blocks, hits, verdicts }
    }

    /// The non-body blocks of `text`.
    pub fn findings(&self, text: &str) -> Vec<Finding> {
        let (blocks, hits) = self.blocks_and_hits(text);
        if hits.is_empty() {
            // Most documents: nothing to classify.
            return Vec::new();
        }
        let verdicts = classify(text, &blocks, &hits, self.set.patterns(), &self.config.classify);
        Analysis { text, blocks, hits, verdicts }.findings(self)
    }

    /// `text` with every non-body block removed.
    pub fn clean(&self, text: &str) -> String {
        remove_findings(text, &self.findings(text))
    }
}

impl Analysis<'_> {
    /// The non-body blocks, in text order.
    pub fn findings(&self, detector: &Detector) -> Vec<Finding> {
        let patterns = detector.patterns();
        self.verdicts
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let category = v.category?;
                let b = self.blocks[i];
                Some(Finding {
                    block: i,
                    start: b.start,
                    end: b.end,
                    outer_start: b.outer_start,
                    outer_end: b.outer_end,
                    category,
                    score: v.score,
                    patterns: v.patterns.iter().map(|&p| patterns[p].id.clone()).collect(),
                })
            })
            .collect()
    }

    /// The hits inside block `index`.
    pub fn hits_in(&self, index: usize) -> &[Hit] {
        let from = self.hits.partition_point(|h| h.block < index);
        let to = self.hits.partition_point(|h| h.block <= index);
        &self.hits[from..to]
    }

    /// True when the block was labeled by joining a region rather than by its own hits.
    pub fn joined(&self, index: usize) -> bool {
        matches!(
            self.verdicts[index].reason,
            Reason::JoinedBetween { .. }
                | Reason::JoinedByEvidence { .. }
                | Reason::JoinedHeading { .. }
                | Reason::JoinedBoxLine { .. }
        )
    }
}

/// `text` without the outer spans of `findings` (which must be in text order).
pub fn remove_findings(text: &str, findings: &[Finding]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in findings {
        if f.outer_start >= at {
            out.push_str(&text[at..f.outer_start]);
            at = f.outer_end;
        }
    }
    out.push_str(&text[at.min(text.len())..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detector_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Detector>();
        assert_send_sync::<PatternSet>();
    }

    #[test]
    fn removal_keeps_everything_else_byte_for_byte() {
        let text = "keep\ndrop\nkeep too\n";
        let f = Finding {
            block: 1,
            start: 5,
            end: 9,
            outer_start: 5,
            outer_end: 10,
            category: Category::Donation,
            score: 1.0,
            patterns: vec![],
        };
        assert_eq!(remove_findings(text, &[f]), "keep\nkeep too\n");
    }
}
