//! Quality against labeled data (the format is in `docs/labeled-data.md`).
//!
//! A gold document is a list of labeled paragraphs; its text is the paragraphs joined with
//! `"\n"`. A paragraph's predicted label is the coarse label (donation, disclaimer, other) of
//! the findings that cover at least half of its bytes, else body. Figures are computed per
//! language and overall, so that a gain in one language cannot hide a loss in another.
use crate::detector::Detector;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The coarse labels of evaluation data.
pub const LABELS: [&str; 4] = ["body", "donation", "disclaimer", "other"];

/// One labeled paragraph.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldParagraph {
    /// Its text.
    pub text: String,
    /// `body`, `donation`, `disclaimer` or `other`.
    pub label: String,
}

/// One labeled document. Unknown extra fields (such as `collection`) are allowed: the file
/// belongs to whoever labeled it, not to us.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldDocument {
    /// Its id.
    pub id: String,
    /// Its language.
    #[serde(default)]
    pub lang: Option<String>,
    /// The page it was taken from; its host is the document's site in cross-validation.
    #[serde(default)]
    pub url: Option<String>,
    /// Its paragraphs.
    pub paragraphs: Vec<GoldParagraph>,
}

impl GoldDocument {
    /// An English document of `(text, label)` paragraphs, for tests.
    #[cfg(test)]
    pub(crate) fn for_test(id: &str, url: Option<String>, paragraphs: &[(&str, &str)]) -> Self {
        GoldDocument {
            id: id.into(),
            lang: Some("en".into()),
            url,
            paragraphs: paragraphs
                .iter()
                .map(|(text, label)| GoldParagraph { text: text.to_string(), label: label.to_string() })
                .collect(),
        }
    }

    /// The site the document comes from: its URL's host without `www.`, else its id.
    pub fn site(&self) -> String {
        self.url.as_deref().and_then(crate::mine::host).unwrap_or_else(|| self.id.clone())
    }

    /// The document text: paragraphs joined with `\n`.
    pub fn text(&self) -> String {
        self.paragraphs.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n")
    }
}

/// Precision, recall and F1 of one label.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LabelScore {
    /// Paragraphs with this gold label.
    pub support: usize,
    /// Correctly predicted.
    pub true_positives: usize,
    /// Predicted with this label, gold otherwise.
    pub false_positives: usize,
    /// Gold with this label, predicted otherwise.
    pub false_negatives: usize,
    /// tp / (tp + fp); 1 when nothing was predicted.
    pub precision: f64,
    /// tp / (tp + fn); 1 when there is nothing to find.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

/// The figures of one group of documents (a language, or all).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Figures {
    /// Documents.
    pub documents: usize,
    /// Paragraphs.
    pub paragraphs: usize,
    /// Scores for donation, disclaimer and other.
    pub labels: BTreeMap<String, LabelScore>,
    /// Body paragraphs predicted as anything else.
    pub body_false_removals: usize,
    /// body_false_removals ÷ body paragraphs.
    pub body_false_removal_rate: f64,
    /// Documents whose set of {donation, disclaimer} found matches the gold set.
    pub gate_correct: usize,
    /// gate_correct ÷ documents.
    pub gate_accuracy: f64,
}

/// A paragraph the detector got wrong, for `--errors`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Mistake {
    /// Document id.
    pub id: String,
    /// Document language.
    pub lang: String,
    /// 0-based paragraph index.
    pub paragraph: usize,
    /// Gold label.
    pub gold: String,
    /// Predicted label.
    pub predicted: String,
    /// The paragraph text.
    pub text: String,
}

/// The whole evaluation.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// All documents.
    pub overall: Figures,
    /// Per language code.
    pub languages: BTreeMap<String, Figures>,
    /// Paragraphs predicted wrongly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mistakes: Vec<Mistake>,
}

#[derive(Default)]
struct Counts {
    documents: usize,
    paragraphs: usize,
    /// [gold][predicted] over LABELS.
    confusion: [[usize; 4]; 4],
    gate_correct: usize,
}

fn label_index(label: &str) -> usize {
    LABELS.iter().position(|l| *l == label).unwrap_or(0)
}

/// Predicted coarse label of every paragraph of `doc`.
pub fn predict(detector: &Detector, doc: &GoldDocument) -> Vec<&'static str> {
    let findings = detector.findings(&doc.text());
    let spans: Vec<(usize, usize, &str)> = findings.iter().map(|f| (f.start, f.end, f.category.eval_label())).collect();
    labels_from_spans(doc, &spans)
}

/// The coarse label of every paragraph of `doc`, given the boilerplate spans found in its
/// text: the label covering at least half of a paragraph's bytes, else body.
pub fn labels_from_spans(doc: &GoldDocument, spans: &[(usize, usize, &str)]) -> Vec<&'static str> {
    let mut start = 0;
    doc.paragraphs
        .iter()
        .map(|p| {
            let end = start + p.text.len();
            let mut covered = [0usize; 4];
            for &(from, to, label) in spans {
                let overlap = to.min(end).saturating_sub(from.max(start));
                covered[label_index(label)] += overlap;
            }
            start = end + 1;
            let (best, bytes) =
                covered.iter().enumerate().skip(1).max_by_key(|(i, b)| (**b, std::cmp::Reverse(*i))).unwrap_or((0, &0));
            if *bytes > 0 && *bytes * 2 >= p.text.len() {
                LABELS[best]
            } else {
                "body"
            }
        })
        .collect()
}

impl Counts {
    fn add(&mut self, gold: &[usize], predicted: &[usize]) {
        self.documents += 1;
        self.paragraphs += gold.len();
        for (&g, &p) in gold.iter().zip(predicted) {
            self.confusion[g][p] += 1;
        }
        let gate = |labels: &[usize]| (labels.contains(&1), labels.contains(&2));
        if gate(gold) == gate(predicted) {
            self.gate_correct += 1;
        }
    }

    fn figures(&self) -> Figures {
        let mut labels = BTreeMap::new();
        for (i, name) in LABELS.iter().enumerate().skip(1) {
            let tp = self.confusion[i][i];
            let support: usize = self.confusion[i].iter().sum();
            let predicted: usize = (0..4).map(|g| self.confusion[g][i]).sum();
            let precision = if predicted == 0 { 1.0 } else { tp as f64 / predicted as f64 };
            let recall = if support == 0 { 1.0 } else { tp as f64 / support as f64 };
            let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
            labels.insert(
                name.to_string(),
                LabelScore {
                    support,
                    true_positives: tp,
                    false_positives: predicted - tp,
                    false_negatives: support - tp,
                    precision,
                    recall,
                    f1,
                },
            );
        }
        let body: usize = self.confusion[0].iter().sum();
        let removed = body - self.confusion[0][0];
        Figures {
            documents: self.documents,
            paragraphs: self.paragraphs,
            labels,
            body_false_removals: removed,
            body_false_removal_rate: if body == 0 { 0.0 } else { removed as f64 / body as f64 },
            gate_correct: self.gate_correct,
            gate_accuracy: if self.documents == 0 { 1.0 } else { self.gate_correct as f64 / self.documents as f64 },
        }
    }
}

/// Evaluates `detector` on `docs`. With `keep_mistakes`, wrong paragraphs are listed.
pub fn evaluate(detector: &Detector, docs: &[GoldDocument], keep_mistakes: bool) -> Report {
    use rayon::prelude::*;
    let predictions: Vec<Vec<&'static str>> = docs.par_iter().map(|d| predict(detector, d)).collect();
    report(docs, &predictions, keep_mistakes)
}

/// The figures of `predictions` (one label per paragraph of each document) against `docs`.
pub fn report(docs: &[GoldDocument], predictions: &[Vec<&'static str>], keep_mistakes: bool) -> Report {
    let mut overall = Counts::default();
    let mut per_lang: BTreeMap<String, Counts> = BTreeMap::new();
    let mut mistakes = Vec::new();
    for (doc, predicted) in docs.iter().zip(predictions) {
        let lang = doc.lang.clone().unwrap_or_else(|| "und".into());
        let gold: Vec<usize> = doc.paragraphs.iter().map(|p| label_index(&p.label)).collect();
        let pred: Vec<usize> = predicted.iter().map(|l| label_index(l)).collect();
        overall.add(&gold, &pred);
        per_lang.entry(lang.clone()).or_default().add(&gold, &pred);
        if keep_mistakes {
            for (i, (g, p)) in gold.iter().zip(&pred).enumerate().filter(|(_, (g, p))| g != p) {
                mistakes.push(Mistake {
                    id: doc.id.clone(),
                    lang: lang.clone(),
                    paragraph: i,
                    gold: LABELS[*g].into(),
                    predicted: LABELS[*p].into(),
                    text: doc.paragraphs[i].text.clone(),
                });
            }
        }
    }
    Report {
        overall: overall.figures(),
        languages: per_lang.iter().map(|(l, c)| (l.clone(), c.figures())).collect(),
        mistakes,
    }
}

/// Renders `report` as an aligned table.
pub fn render_table(report: &Report) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<8} {:>5} {:>6}  {:>17}  {:>17}  {:>17}  {:>12}  {:>6}",
        "lang", "docs", "paras", "donation P/R/F1", "disclaimer P/R/F1", "other P/R/F1", "body removed", "gate"
    );
    let mut row = |name: &str, f: &Figures| {
        let cell = |l: &str| {
            let s = &f.labels[l];
            if s.support == 0 && s.false_positives == 0 {
                "-".to_string()
            } else {
                format!("{:.2}/{:.2}/{:.2}", s.precision, s.recall, s.f1)
            }
        };
        let _ = writeln!(
            out,
            "{:<8} {:>5} {:>6}  {:>17}  {:>17}  {:>17}  {:>5} {:>5.2}%  {:>6.3}",
            name,
            f.documents,
            f.paragraphs,
            cell("donation"),
            cell("disclaimer"),
            cell("other"),
            f.body_false_removals,
            f.body_false_removal_rate * 100.0,
            f.gate_accuracy
        );
    };
    for (lang, f) in &report.languages {
        row(lang, f);
    }
    row("ALL", &report.overall);
    out
}
