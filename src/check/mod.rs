//! The CI gate behind `boilerguard check`: turn detector findings into diagnostics a build
//! can fail on.
//!
//! Scraping-pipeline maintainers run `check` over their scraper's output fixtures and want the
//! build to fail — with a precise, actionable report — when a donation appeal or an opinion
//! disclaimer leaks into extracted article bodies. This module adds, on top of the
//! [batch engine](crate::batch) (which it reuses for reading, parallelism and rejects):
//!
//! - [`Rules`]: which categories fail the build (`--fail-on`), which are only reported
//!   (`--warn-on`), and the lowest score that counts (`--min-score`), with per-path overrides
//!   from [`config`];
//! - a location for every finding ([`CheckFinding`]: line and column, see below) and a
//!   [`fingerprint`] that survives unrelated edits;
//! - [`baseline`]: accepted findings recorded in a file, so only new ones are reported;
//! - `--max-leak-rate`: for large scraped samples, fail only when more than a share of the
//!   documents leak;
//! - [`crate::report::check`]: its reporters, one per output format (human, JSON, SARIF,
//!   GitHub, JUnit), in the output layer.
//!
//! # Line and column
//!
//! Columns count Unicode scalar values (chars), 1-based; end columns are exclusive (the
//! column just after the block), as in SARIF.
//!
//! - **Plain text files**: the real line and column of the block's first and last character
//!   in the file.
//! - **JSONL**: the line is the record's line in the file (a record is one line); the column
//!   is the character position of the block inside the record's *decoded text field* (not in
//!   the raw JSON line), plus one. A block that starts the text is at column 1.
use crate::batch::{BatchOptions, Outcome, Tally, Work};
use crate::category::Category;
use crate::corpus::pipeline::{Event, Pipeline, RecordRef};
use crate::corpus::{Input, InputFormat};
use crate::detector::{Detector, Finding};
use crate::error::CorpusError;
use crate::position::Cursor;
use crate::report::record::round_score;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod baseline;
pub mod config;

pub use crate::report::check::Format;
pub use baseline::{fingerprint, Baseline, BaselineEntry};
pub use config::{Config, ConfigError, ExplicitSettings, Settings};

/// Version of the JSON report schema ([`CheckReport`]); bumped on any change to its fields.
pub const REPORT_VERSION: u32 = 1;

/// Most unreadable records listed by message; the rest are counted.
const MAX_REJECT_MESSAGES: usize = 20;

/// Whether a finding fails the build or is only reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Its category is in `--fail-on`.
    Error,
    /// Its category is in `--warn-on` only.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// What counts as a finding, and how bad it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Rules {
    /// Categories whose blocks fail the build.
    pub fail_on: Vec<Category>,
    /// Categories whose blocks are reported without failing (`fail_on` wins when in both).
    pub warn_on: Vec<Category>,
    /// Lowest block score that counts.
    pub min_score: f64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules { fail_on: vec![Category::Donation, Category::Disclaimer], warn_on: Vec::new(), min_score: 0.5 }
    }
}

impl Rules {
    /// The severity of a block of `category` scored `score`, or `None` when it does not count.
    pub fn severity(&self, category: Category, score: f64) -> Option<Severity> {
        if score < self.min_score {
            None
        } else if self.fail_on.contains(&category) {
            Some(Severity::Error)
        } else if self.warn_on.contains(&category) {
            Some(Severity::Warning)
        } else {
            None
        }
    }
}

/// Everything `check` needs besides the detector and the inputs.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Rules for every path, and per-path overrides.
    pub settings: Settings,
    /// Accepted findings: matching findings are counted as baselined, not reported.
    pub baseline: Option<Baseline>,
    /// Keep a [`DocumentSummary`] for every document (JUnit lists them all); otherwise only
    /// documents with findings are kept, so memory follows the findings, not the corpus.
    pub keep_all_documents: bool,
}

/// A byte range inside [`CheckFinding::text`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    /// Start byte, inclusive.
    pub start: usize,
    /// End byte, exclusive.
    pub end: usize,
}

/// One reported block. This is also an element of the JSON report's `findings`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckFinding {
    /// The input file as given (directory entries joined to their directory; `<stdin>`).
    pub path: String,
    /// The record id (JSONL id field, or `file:line` when missing); the path for text files.
    pub id: String,
    /// For JSONL: the record's line in the file. `None` for plain text files.
    pub record_line: Option<u64>,
    /// 1-based line of the block's start (see the module doc for JSONL).
    pub line: u64,
    /// 1-based char column of the block's start.
    pub column: u64,
    /// 1-based line of the block's end.
    pub end_line: u64,
    /// Char column just after the block's end.
    pub end_column: u64,
    /// Byte offset of the block in the document's text.
    pub start: usize,
    /// End byte offset of the block, exclusive.
    pub end: usize,
    /// The block's category.
    pub category: Category,
    /// Error (fails the build) or warning.
    pub severity: Severity,
    /// The block's score, rounded to three decimals.
    pub score: f64,
    /// Ids of the patterns that hit the block (empty when it joined a region).
    pub patterns: Vec<String>,
    /// The rule it is reported under: its first pattern id, or `boilerguard.<category>`.
    pub rule: String,
    /// Stable fingerprint ([`fingerprint`]), as used by baselines and SARIF.
    pub fingerprint: String,
    /// One-line message for people.
    pub message: String,
    /// The block's text.
    pub text: String,
    /// Where the patterns matched, as byte ranges of `text` (sorted, merged).
    pub matches: Vec<Span>,
}

/// One document as the reports list it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentSummary {
    /// The input file as given.
    pub path: String,
    /// The record id (the path for text files).
    pub id: String,
    /// For JSONL: the record's line.
    pub record_line: Option<u64>,
    /// Reported errors in it.
    pub errors: u64,
    /// Reported warnings in it.
    pub warnings: u64,
}

/// The counts and the verdict of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// Documents checked (blank JSONL lines and rejected records excluded).
    pub documents: u64,
    /// Documents with at least one reported error.
    pub documents_failing: u64,
    /// Documents with warnings only.
    pub documents_warning: u64,
    /// Reported errors.
    pub errors: u64,
    /// Reported warnings.
    pub warnings: u64,
    /// Findings left out because the baseline accepts them.
    pub baselined: u64,
    /// Records that could not be read (they make the run exit 2).
    pub rejected: u64,
    /// `documents_failing / documents` (0 when there are no documents).
    pub leak_rate: f64,
    /// The `--max-leak-rate` in force, if any.
    pub max_leak_rate: Option<f64>,
    /// True when the findings fail the build (exit 1).
    pub failed: bool,
}

/// Short description of a rule, for SARIF's `tool.driver.rules`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleInfo {
    /// Pattern id, or `boilerguard.<category>` for blocks that joined a region.
    pub id: String,
    /// Its category.
    pub category: Category,
    /// One sentence saying what it detects.
    pub description: String,
}

/// The result of a `check` run: what every reporter renders. Serialized as is by the JSON
/// reporter (see [`crate::report::check::json`] for the schema).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckReport {
    /// [`REPORT_VERSION`].
    pub version: u32,
    /// New findings (not in the baseline), in input order, then text order.
    pub findings: Vec<CheckFinding>,
    /// Documents with findings (every document with [`CheckOptions::keep_all_documents`]).
    pub documents: Vec<DocumentSummary>,
    /// The rules the findings refer to, sorted by id.
    pub rules: Vec<RuleInfo>,
    /// Counts and verdict.
    pub summary: Summary,
}

/// What a run produced: the report, the batch counts, and the baseline of everything found.
#[derive(Debug)]
pub struct CheckRun {
    /// What the reporters render.
    pub report: CheckReport,
    /// The batch counts, input errors and warnings (rejected records are listed as input
    /// errors: a gate cannot vouch for what it could not read).
    pub outcome: Outcome,
    /// Every finding of this run, baselined or not: what `--write-baseline` writes.
    pub current: Baseline,
}

/// Describes a category's boilerplate in a few words, for messages.
pub fn describe(category: Category) -> &'static str {
    match category {
        Category::Donation => "donation appeal",
        Category::Disclaimer => "opinion disclaimer",
        Category::Newsletter => "newsletter prompt",
        Category::Subscription => "subscription offer",
        Category::Social => "social-media prompt",
        Category::Related => "related-link line",
        Category::Rights => "rights notice",
        Category::Affiliate => "affiliate disclosure",
        Category::Ai => "AI disclosure",
    }
}

/// The rule id of blocks with no pattern of their own.
pub fn category_rule(category: Category) -> String {
    format!("boilerguard.{category}")
}

/// A document's findings as a worker produces them (before the baseline, which needs order).
struct DocResult {
    summary: DocumentSummary,
    findings: Vec<CheckFinding>,
}

/// Runs the gate over `inputs`.
pub fn check(
    detector: &Detector,
    inputs: &[Input],
    batch: &BatchOptions,
    options: &CheckOptions,
) -> Result<CheckRun, CorpusError> {
    let started = std::time::Instant::now();
    let rules: Vec<Rules> = inputs.iter().map(|input| options.settings.rules_for(input)).collect();
    let keys: Vec<String> = inputs.iter().map(|input| options.settings.baseline_key(input)).collect();
    let mut tally = Tally::new(batch)?;
    let mut remaining = options.baseline.as_ref().map(Baseline::counts);
    let mut report = CheckReport { version: REPORT_VERSION, ..CheckReport::default() };
    let mut current = Baseline::default();
    let mut reject_messages = Vec::new();
    let pipeline = Pipeline::new(inputs, batch.pipeline_options()).with_progress(batch.progress.clone());
    pipeline.run(
        |rec| {
            crate::batch::work(detector, batch, rec, |doc, findings| {
                document_result(detector, rec, &rules[rec.input_index], &keys[rec.input_index], doc, findings)
            })
        },
        |event| {
            if let Event::Record { output: Work::Bad(reject), .. } = &event {
                reject_messages.push(format!("{}:{}: {}", reject.file, reject.line, reject.reason));
            }
            if let Event::Oversized { input, line, size, .. } = &event {
                reject_messages.push(format!(
                    "{}:{line}: record of {size} bytes exceeds the limit on record size",
                    inputs[*input].display
                ));
            }
            let Some((_, _, doc)) = tally.take(inputs, event)? else { return Ok(()) };
            // A checked document is the gate's "out": records in = checked + rejected.
            tally.outcome.stats.records_out += 1;
            report.summary.documents += 1;
            let DocResult { mut summary, findings } = doc;
            for finding in findings {
                current.push(&finding);
                let accepted = remaining.as_mut().is_some_and(|counts| match counts.get_mut(&finding.fingerprint) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        true
                    }
                    _ => false,
                });
                if accepted {
                    report.summary.baselined += 1;
                    continue;
                }
                match finding.severity {
                    Severity::Error => summary.errors += 1,
                    Severity::Warning => summary.warnings += 1,
                }
                report.findings.push(finding);
            }
            if summary.errors > 0 {
                report.summary.documents_failing += 1;
            } else if summary.warnings > 0 {
                report.summary.documents_warning += 1;
            }
            if options.keep_all_documents || summary.errors + summary.warnings > 0 {
                report.documents.push(summary);
            }
            Ok(())
        },
    )?;
    let mut outcome = tally.finish(started)?;
    let rejected = reject_messages.len();
    if rejected > MAX_REJECT_MESSAGES {
        reject_messages.truncate(MAX_REJECT_MESSAGES);
        reject_messages.push(format!("… and {} more unreadable records", rejected - MAX_REJECT_MESSAGES));
    }
    outcome.input_errors.extend(reject_messages);
    finish_summary(&mut report, options, rejected as u64);
    report.rules = rules_of(detector, &report.findings);
    Ok(CheckRun { report, outcome, current })
}

fn finish_summary(report: &mut CheckReport, options: &CheckOptions, rejected: u64) {
    let s = &mut report.summary;
    s.rejected = rejected;
    s.errors = report.findings.iter().filter(|f| f.severity == Severity::Error).count() as u64;
    s.warnings = report.findings.len() as u64 - s.errors;
    s.leak_rate = if s.documents == 0 { 0.0 } else { s.documents_failing as f64 / s.documents as f64 };
    s.max_leak_rate = options.settings.max_leak_rate;
    s.failed = match s.max_leak_rate {
        Some(max) => s.leak_rate > max,
        None => s.documents_failing > 0,
    };
}

/// The rules that `findings` refer to, described from their patterns.
fn rules_of(detector: &Detector, findings: &[CheckFinding]) -> Vec<RuleInfo> {
    let mut rules = BTreeMap::new();
    for f in findings {
        for id in f.patterns.iter().chain(std::iter::once(&f.rule)) {
            if rules.contains_key(id) {
                continue;
            }
            let info = match detector.patterns().iter().find(|p| &p.id == id) {
                Some(p) => RuleInfo {
                    id: id.clone(),
                    category: p.category,
                    description: match p.phrases.first() {
                        Some(phrase) => format!("{} ({}): \"{phrase}\"", capitalized(describe(p.category)), p.lang),
                        None => format!("{} ({}): regular expression", capitalized(describe(p.category)), p.lang),
                    },
                },
                None => RuleInfo {
                    id: id.clone(),
                    category: f.category,
                    description: format!("{} block next to a detected one", capitalized(describe(f.category))),
                },
            };
            rules.insert(id.clone(), info);
        }
    }
    rules.into_values().collect()
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A worker's view of one document: its counting findings with locations and fingerprints.
fn document_result(
    detector: &Detector,
    rec: &RecordRef<'_>,
    rules: &Rules,
    key: &str,
    doc: &crate::corpus::Document<'_>,
    findings: &[Finding],
) -> DocResult {
    let jsonl = rec.format == InputFormat::Jsonl;
    let path = rec.input.display.clone();
    // A text file's id is its path as typed; the key stands for both in the fingerprint.
    let record_line = jsonl.then_some(rec.line);
    let selected: Vec<(&Finding, Severity)> =
        findings.iter().filter_map(|f| Some((f, rules.severity(f.category, f.score)?))).collect();
    // The hits are only needed to underline the matches; re-analysing is cheap next to the
    // rarity of documents that fail a gate.
    let analysis = (!selected.is_empty()).then(|| detector.analyze(&doc.text));
    let text: &str = &doc.text;
    let mut cursor = Cursor::new(text);
    let findings = selected
        .into_iter()
        .map(|(f, severity)| {
            let block = &text[f.start..f.end];
            let (start, end) = (cursor.seek(f.start), cursor.seek(f.end));
            let (line, column, end_line, end_column) = if jsonl {
                (rec.line, start.chars + 1, rec.line, end.chars + 1)
            } else {
                (start.line, start.column, end.line, end.column)
            };
            let matches = analysis.as_ref().map_or_else(Vec::new, |a| {
                merged(a.hits_in(f.block).iter().filter_map(|h| {
                    let (s, e) = (h.start.max(f.start), h.end.min(f.end));
                    (s < e).then(|| Span { start: s - f.start, end: e - f.start })
                }))
            });
            let rule = f.patterns.first().cloned().unwrap_or_else(|| category_rule(f.category));
            CheckFinding {
                path: path.clone(),
                id: doc.id.clone(),
                record_line,
                line,
                column,
                end_line,
                end_column,
                start: f.start,
                end: f.end,
                category: f.category,
                severity,
                score: round_score(f.score),
                fingerprint: fingerprint(key, if jsonl { &doc.id } else { key }, &f.patterns, f.category, block),
                message: format!("{} in the article text (score {:.2})", describe(f.category), f.score),
                patterns: f.patterns.clone(),
                rule,
                text: block.to_string(),
                matches,
            }
        })
        .collect::<Vec<_>>();
    DocResult { summary: DocumentSummary { path, id: doc.id.clone(), record_line, errors: 0, warnings: 0 }, findings }
}

/// Sorted, merged spans.
fn merged(spans: impl Iterator<Item = Span>) -> Vec<Span> {
    let mut spans: Vec<Span> = spans.collect();
    spans.sort_by_key(|s| (s.start, s.end));
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_fail_wins_over_warn_and_min_score_filters() {
        let rules = Rules {
            fail_on: vec![Category::Donation],
            warn_on: vec![Category::Donation, Category::Newsletter],
            min_score: 0.6,
        };
        assert_eq!(rules.severity(Category::Donation, 0.7), Some(Severity::Error));
        assert_eq!(rules.severity(Category::Newsletter, 0.6), Some(Severity::Warning));
        assert_eq!(rules.severity(Category::Newsletter, 0.59), None);
        assert_eq!(rules.severity(Category::Rights, 1.0), None);
    }

    #[test]
    fn spans_are_sorted_and_merged() {
        let spans = [Span { start: 5, end: 9 }, Span { start: 0, end: 2 }, Span { start: 8, end: 12 }];
        assert_eq!(merged(spans.into_iter()), vec![Span { start: 0, end: 2 }, Span { start: 5, end: 12 }]);
    }

    #[test]
    fn leak_rate_decides_only_when_set() {
        let mut report = CheckReport::default();
        report.summary.documents = 10;
        report.summary.documents_failing = 1;
        let mut options = CheckOptions::default();
        finish_summary(&mut report, &options, 0);
        assert!(report.summary.failed);
        options.settings.max_leak_rate = Some(0.1);
        finish_summary(&mut report, &options, 0);
        assert!(!report.summary.failed, "0.1 is not more than 0.1");
        options.settings.max_leak_rate = Some(0.05);
        finish_summary(&mut report, &options, 0);
        assert!(report.summary.failed);
    }
}
