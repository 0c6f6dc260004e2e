//! Rule QA on labeled data: which patterns carry recall, which only cost.
//!
//! As SpamAssassin's mass-check and hit-frequencies do for its rules, every pattern is run
//! over gold documents and its hits are counted per gold label of the paragraph they fall
//! in. Three figures decide a pattern's fate: its precision (hits on its own label ÷ all its
//! hits), the positives only it catches (without it nobody would), and the body paragraphs it
//! helps push over the threshold (what it costs). A pattern with no unique catches and body
//! costs is a candidate for removal; one with many unique catches carries recall.
use crate::detector::Detector;
use crate::eval::{labels_from_spans, GoldDocument, LABELS};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The figures of one pattern over gold data.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PatternStat {
    /// The pattern id.
    pub id: String,
    /// The evaluation label its category counts as (donation, disclaimer, other).
    pub label: String,
    /// Paragraphs it hits, per gold label.
    pub hits: BTreeMap<String, usize>,
    /// Hits on its own label ÷ all hits (1 when it never hits).
    pub precision: f64,
    /// Gold paragraphs of its label, predicted right, that no other pattern of the label hits.
    pub only_catch: usize,
    /// Body paragraphs predicted as boilerplate that it hits.
    pub pushed_body: usize,
}

impl PatternStat {
    /// Paragraphs hit, all labels together.
    pub fn total_hits(&self) -> usize {
        self.hits.values().sum()
    }
}

/// The figures of every pattern of `detector` over `docs`, most hits first.
pub fn pattern_stats(detector: &Detector, docs: &[GoldDocument]) -> Vec<PatternStat> {
    let patterns = detector.patterns();
    let mut stats: Vec<PatternStat> = patterns
        .iter()
        .map(|p| PatternStat {
            id: p.id.clone(),
            label: p.category.eval_label().to_string(),
            hits: LABELS.iter().map(|l| (l.to_string(), 0)).collect(),
            precision: 1.0,
            only_catch: 0,
            pushed_body: 0,
        })
        .collect();
    for doc in docs {
        let text = doc.text();
        let analysis = detector.analyze(&text);
        let findings = analysis.findings(detector);
        let spans: Vec<(usize, usize, &str)> =
            findings.iter().map(|f| (f.start, f.end, f.category.eval_label())).collect();
        let predicted = labels_from_spans(doc, &spans);
        let mut start = 0;
        for (paragraph, predicted) in doc.paragraphs.iter().zip(predicted) {
            let end = start + paragraph.text.len();
            let mut hitting: Vec<usize> = analysis
                .hits
                .iter()
                .filter(|h| h.start >= start && h.start < end.max(start + 1))
                .map(|h| h.pattern)
                .collect();
            hitting.sort_unstable();
            hitting.dedup();
            for &p in &hitting {
                let stat = &mut stats[p];
                *stat.hits.entry(paragraph.label.clone()).or_default() += 1;
                if paragraph.label == "body" && predicted != "body" {
                    stat.pushed_body += 1;
                }
            }
            let same_label: Vec<usize> =
                hitting.iter().copied().filter(|&p| stats[p].label == paragraph.label).collect();
            if let [only] = same_label[..] {
                if predicted == paragraph.label {
                    stats[only].only_catch += 1;
                }
            }
            start = end + 1;
        }
    }
    for stat in &mut stats {
        let total = stat.total_hits();
        if total > 0 {
            stat.precision = stat.hits.get(&stat.label).copied().unwrap_or(0) as f64 / total as f64;
        }
    }
    stats.sort_by(|a, b| b.total_hits().cmp(&a.total_hits()).then_with(|| a.id.cmp(&b.id)));
    stats
}

/// The human table: one line per pattern.
pub fn render_stats(stats: &[PatternStat]) -> String {
    let mut out = format!(
        "{:<52} {:>5} {:>5} {:>5} {:>5} {:>6} {:>5} {:>6}\n",
        "pattern", "body", "don", "disc", "other", "prec", "only", "pushed"
    );
    for s in stats {
        let h = |l: &str| s.hits.get(l).copied().unwrap_or(0);
        out.push_str(&format!(
            "{:<52} {:>5} {:>5} {:>5} {:>5} {:>6.2} {:>5} {:>6}\n",
            s.id,
            h("body"),
            h("donation"),
            h("disclaimer"),
            h("other"),
            s.precision,
            s.only_catch,
            s.pushed_body
        ));
    }
    let never = stats.iter().filter(|s| s.total_hits() == 0).count();
    out.push_str(&format!("{} patterns, {never} never hit this data\n", stats.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(paragraphs: &[(&str, &str)]) -> GoldDocument {
        GoldDocument::for_test("d", None, paragraphs)
    }

    #[test]
    fn hits_are_counted_per_gold_label_with_unique_catches_and_body_costs() {
        let detector = Detector::builtin().unwrap();
        let docs = [doc(&[
            ("The council met on Tuesday and approved the budget for the coming year.", "body"),
            ("Donate now", "donation"),
            ("The views expressed in this article are those of the author and do not necessarily reflect the views of this publication.", "body"),
        ])];
        let stats = pattern_stats(&detector, &docs);
        let donate = stats.iter().find(|s| s.hits["donation"] == 1).expect("a donation pattern hits");
        assert_eq!((donate.label.as_str(), donate.precision), ("donation", 1.0));
        let disclaimer = stats.iter().find(|s| s.label == "disclaimer" && s.hits["body"] == 1).expect("hit");
        assert_eq!((disclaimer.pushed_body, disclaimer.precision), (1, 0.0));
        assert!(stats.windows(2).all(|w| w[0].total_hits() >= w[1].total_hits()));
        let table = render_stats(&stats);
        assert!(table.contains(&donate.id) && table.ends_with("never hit this data\n"), "{table}");
    }
}
