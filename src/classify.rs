//! From pattern hits to block labels, with the reasons kept for `explain`.
//!
//! A block's score for a category combines:
//! - **evidence**: the weights of the distinct patterns of that category that hit it,
//!   combined as independent signals (`1 - Π(1 - w)`), so two medium phrases beat one;
//! - **coverage**: the share of the block the hits cover. A button line that is nothing but
//!   "Jetzt spenden" is boilerplate; a long news paragraph that happens to contain "donate"
//!   is not;
//! - **length**: very long blocks are rarely boilerplate;
//! - **position**: boilerplate sits at the start or the end of an article far more often
//!   than in the middle.
//!
//! A block whose best score reaches the threshold is labeled with that category. Then
//! regions grow: an appeal is usually a heading, pitch paragraphs and a button line of which
//! only one carries a strong phrase, so a neighbour with any evidence of the same category
//! joins a flagged block; in donation appeals, so do up to three short hit-free blocks
//! (button and amount lines) between two blocks of one region, and a short question or exclamation
//! right above a donation appeal. A lone disclaimer label among menu items stays body. Everything is deterministic.
use crate::category::Category;
use crate::matcher::Hit;
use crate::pattern::Pattern;
use crate::segment::Block;

/// Knobs of the classifier.
#[derive(Clone, Debug)]
pub struct ClassifyOptions {
    /// Lowest score that labels a block as boilerplate.
    pub threshold: f64,
    /// Categories that may be assigned; others are ignored entirely.
    pub categories: Vec<Category>,
}

impl Default for ClassifyOptions {
    fn default() -> Self {
        ClassifyOptions { threshold: 0.5, categories: Category::ALL.to_vec() }
    }
}

/// Blocks longer than this (in chars) are progressively less likely to be boilerplate.
const LONG_BLOCK_CHARS: f64 = 400.0;
/// Score multiplier for blocks in the middle of a document.
const MIDDLE_FACTOR: f64 = 0.9;
/// Longest block (in chars) that joins a region by sitting between two of its blocks.
const GAP_MAX_CHARS: usize = 200;
/// Most consecutive hit-free blocks bridged between two blocks of one region.
const MAX_GAP: usize = 3;
/// Longest question, exclamation or shouted line joined as the heading of an appeal.
const HEADING_MAX_CHARS: usize = 80;
/// Most heading lines joined above an appeal.
const MAX_HEADING_LINES: usize = 4;
/// Longest line that reads as a menu item.
const MENU_ITEM_CHARS: usize = 30;

/// Why a block got its label.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// No pattern hit the block.
    NoEvidence,
    /// Scored from its own hits (flagged or not: compare `score` with the threshold).
    Scored(Scoring),
    /// Joined the region of block `anchor` because it has weak evidence of the same category.
    JoinedByEvidence {
        /// The flagged block whose region it joined.
        anchor: usize,
        /// Its own scoring, which was below the threshold.
        own: Scoring,
    },
    /// Joined because it is short and sits between two blocks of the region.
    JoinedBetween {
        /// The flagged block whose region it joined.
        anchor: usize,
    },
    /// Joined as the question, exclamation or shouted line heading an appeal.
    JoinedHeading {
        /// The first block of the appeal.
        anchor: usize,
    },
    /// Scored as a disclaimer label but standing among menu items: left as body.
    InMenu {
        /// Its own scoring.
        own: Scoring,
    },
}

/// The parts of a block's score for its best category.
#[derive(Clone, Debug, PartialEq)]
pub struct Scoring {
    /// The best category.
    pub category: Category,
    /// Combined pattern weights, in [0, 1].
    pub evidence: f64,
    /// Share of the block's bytes covered by hits of that category.
    pub coverage: f64,
    /// Length of the block in chars.
    pub chars: usize,
    /// Multiplier from the block's position.
    pub position_factor: f64,
    /// Multiplier from the block's length.
    pub length_factor: f64,
    /// The final score.
    pub score: f64,
}

/// A block's label.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// `None` for body.
    pub category: Option<Category>,
    /// Confidence in [0, 1] (for body blocks with evidence: the best score, below threshold).
    pub score: f64,
    /// Indices of the patterns that hit the block, for its category (or all, for body).
    pub patterns: Vec<usize>,
    /// Why.
    pub reason: Reason,
}

/// Per-category evidence of one block.
#[derive(Clone, Debug, Default)]
struct Evidence {
    /// For each category: distinct patterns, and hits as `(start, end, pattern)`.
    patterns: [Vec<usize>; 9],
    hits: [Vec<(usize, usize, usize)>; 9],
}

/// Combined evidence of a block's hits of one category, and the bytes they cover.
///
/// Overlapping hits form one cluster worth its strongest pattern: several languages' "Foto:"
/// patterns on one span are one signal, not four. Distinct clusters combine as independent
/// signals (`1 - Π(1 - w)`), each pattern counted once however often it hits.
fn combined_evidence(hits: &mut [(usize, usize, usize)], patterns: &[Pattern]) -> (f64, usize) {
    hits.sort_unstable();
    let mut picks: Vec<usize> = Vec::new();
    let mut covered = 0;
    let mut reach = 0;
    let mut best: Option<usize> = None;
    let weight = |p: usize| patterns[p].weight;
    for &(start, end, pattern) in hits.iter() {
        if start >= reach {
            picks.extend(best.take());
        }
        best = Some(match best {
            Some(b) if weight(b) >= weight(pattern) => b,
            _ => pattern,
        });
        let from = start.max(reach);
        if end > from {
            covered += end - from;
        }
        reach = reach.max(end);
    }
    picks.extend(best);
    picks.sort_unstable();
    picks.dedup();
    (1.0 - picks.iter().map(|&p| 1.0 - weight(p)).product::<f64>(), covered)
}

/// How much of its evidence a block keeps given the share of it that matched: a phrase that
/// is the whole line keeps all of it, a phrase lost in a long sentence keeps less than half.
pub fn coverage_factor(coverage: f64) -> f64 {
    (0.45 + coverage).min(1.0)
}

/// Documents shorter than this have no "middle" worth discounting.
const SHORT_DOCUMENT_BLOCKS: usize = 10;

fn position_factor(index: usize, count: usize) -> f64 {
    if count < SHORT_DOCUMENT_BLOCKS {
        return 1.0;
    }
    let rel = index as f64 / (count - 1) as f64;
    if rel <= 0.15 || rel >= 0.6 {
        1.0
    } else {
        MIDDLE_FACTOR
    }
}

fn score_category(
    category: Category,
    ev: &mut Evidence,
    patterns: &[Pattern],
    block: Block,
    chars: usize,
    position: f64,
) -> Scoring {
    let c = category.index();
    let (evidence, covered) = combined_evidence(&mut ev.hits[c], patterns);
    let coverage = (covered as f64 / (block.end - block.start).max(1) as f64).min(1.0);
    let coverage_factor = coverage_factor(coverage);
    let length_factor = if chars as f64 > LONG_BLOCK_CHARS { (LONG_BLOCK_CHARS / chars as f64).powf(0.3) } else { 1.0 };
    let score = evidence * coverage_factor * position * length_factor;
    Scoring { category, evidence, coverage, chars, position_factor: position, length_factor, score }
}

/// Labels every block. `hits` must be sorted by block.
pub fn classify(
    text: &str,
    blocks: &[Block],
    hits: &[Hit],
    patterns: &[Pattern],
    options: &ClassifyOptions,
) -> Vec<Verdict> {
    let mut evidence = vec![Evidence::default(); blocks.len()];
    for hit in hits {
        let category = patterns[hit.pattern].category;
        if !options.categories.contains(&category) {
            continue;
        }
        let ev = &mut evidence[hit.block];
        let list = &mut ev.patterns[category.index()];
        if !list.contains(&hit.pattern) {
            list.push(hit.pattern);
        }
        ev.hits[category.index()].push((hit.start, hit.end, hit.pattern));
    }
    let scorings: Vec<Option<Scoring>> = blocks
        .iter()
        .zip(evidence.iter_mut())
        .enumerate()
        .map(|(i, (block, ev))| {
            let chars = text[block.start..block.end].chars().count();
            let position = position_factor(i, blocks.len());
            let present: Vec<Category> =
                Category::ALL.into_iter().filter(|c| !ev.patterns[c.index()].is_empty()).collect();
            present
                .into_iter()
                .map(|c| score_category(c, ev, patterns, *block, chars, position))
                .max_by(|a, b| a.score.total_cmp(&b.score))
        })
        .collect();
    let mut verdicts: Vec<Verdict> = scorings
        .iter()
        .zip(&evidence)
        .map(|(scoring, ev)| initial_verdict(scoring.as_ref(), ev, options.threshold))
        .collect();
    grow_regions(&mut verdicts, &scorings, &evidence, blocks, text, options.threshold);
    verdicts
}

fn initial_verdict(scoring: Option<&Scoring>, ev: &Evidence, threshold: f64) -> Verdict {
    match scoring {
        None => Verdict { category: None, score: 0.0, patterns: Vec::new(), reason: Reason::NoEvidence },
        Some(s) => {
            let flagged = s.score >= threshold;
            let mut patterns = if flagged { ev.patterns[s.category.index()].clone() } else { ev.patterns.concat() };
            patterns.sort_unstable();
            patterns.dedup();
            Verdict {
                category: flagged.then_some(s.category),
                score: s.score,
                patterns,
                reason: Reason::Scored(s.clone()),
            }
        }
    }
}

/// The per-document state region growing works on.
struct Regions<'a> {
    verdicts: &'a mut [Verdict],
    scorings: &'a [Option<Scoring>],
    evidence: &'a [Evidence],
    blocks: &'a [Block],
    text: &'a str,
    threshold: f64,
}

impl Regions<'_> {
    fn chars(&self, k: usize) -> usize {
        self.text[self.blocks[k].start..self.blocks[k].end].chars().count()
    }

    fn has_evidence(&self, k: usize, category: Category) -> bool {
        !self.evidence[k].patterns[category.index()].is_empty()
    }

    /// The neighbour of `k` in `direction`, if there is one.
    fn step(&self, k: usize, direction: isize) -> Option<usize> {
        let next = k as isize + direction;
        (next >= 0 && (next as usize) < self.verdicts.len()).then_some(next as usize)
    }

    /// A run of at most `MAX_GAP` short blocks without any hit, starting after `k`, that is
    /// closed by a block of `category` (flagged, or with evidence of it).
    fn gap_after(&self, k: usize, direction: isize, category: Category) -> Option<Vec<usize>> {
        let mut gap = Vec::new();
        let mut at = k;
        while let Some(next) = self.step(at, direction) {
            if self.verdicts[next].category == Some(category)
                || (self.verdicts[next].category.is_none() && self.has_evidence(next, category))
            {
                return (!gap.is_empty()).then_some(gap);
            }
            if gap.len() == MAX_GAP || self.scorings[next].is_some() || self.chars(next) > GAP_MAX_CHARS {
                return None;
            }
            gap.push(next);
            at = next;
        }
        None
    }

    fn join(&mut self, k: usize, category: Category, score: f64, reason: Reason) {
        let mut patterns = self.evidence[k].patterns[category.index()].clone();
        patterns.sort_unstable();
        self.verdicts[k] = Verdict { category: Some(category), score, patterns, reason };
    }

    /// Extends the region of `anchor` in `direction` over blocks with evidence of its
    /// category and over short hit-free gaps closed by another block of it.
    fn grow(&mut self, anchor: usize, category: Category, score: f64, direction: isize) {
        let mut k = anchor;
        while let Some(next) = self.step(k, direction) {
            match self.verdicts[next].category {
                Some(c) if c == category => k = next,
                Some(_) => break,
                None if self.has_evidence(next, category) => {
                    let own = self.scorings[next].clone().expect("evidence implies a scoring");
                    let joined = own.score.max(self.threshold).max(score * 0.9);
                    self.join(next, category, joined, Reason::JoinedByEvidence { anchor, own });
                    k = next;
                }
                None if category != Category::Donation => break,
                None => {
                    let Some(gap) = self.gap_after(k, direction, category) else { break };
                    for &g in &gap {
                        self.join(g, category, self.threshold.max(score * 0.8), Reason::JoinedBetween { anchor });
                    }
                    k = *gap.last().expect("a gap is never empty");
                }
            }
        }
    }

    /// Joins the heading lines right above a donation appeal: one short question or
    /// exclamation ("Want to see fewer ads?", "Helfen Sie mit!"), or up to four short shouted
    /// lines ("UN PÚBLICO INFORMADO / DECIDE MEJOR."). Appeals open with those far more often
    /// than articles end with them.
    fn join_headings(&mut self) {
        for start in 1..self.verdicts.len() {
            let opens_appeal = self.verdicts[start].category == Some(Category::Donation)
                && self.verdicts[start - 1].category != Some(Category::Donation);
            if !opens_appeal {
                continue;
            }
            let score = self.threshold.max(self.verdicts[start].score * 0.8);
            let mut k = start;
            while k > 0 && start - k < MAX_HEADING_LINES {
                let above = k - 1;
                if self.verdicts[above].category.is_some()
                    || self.scorings[above].is_some()
                    || self.chars(above) > HEADING_MAX_CHARS
                {
                    break;
                }
                let line = &self.text[self.blocks[above].start..self.blocks[above].end];
                let question = k == start && line.ends_with(['?', '!', '？', '！']);
                if !(question || is_shouted(line)) {
                    break;
                }
                self.join(above, Category::Donation, score, Reason::JoinedHeading { anchor: start });
                k = above;
            }
        }
    }

    /// Unflags a lone disclaimer label ("Opinion") standing among menu items: short lines
    /// without hits on both sides make it navigation, not a label of this article.
    fn drop_menu_labels(&mut self) {
        for k in 1..self.verdicts.len().saturating_sub(1) {
            let Reason::Scored(own) = &self.verdicts[k].reason else { continue };
            let menu_like = |j: usize| {
                self.verdicts[j].category.is_none() && self.scorings[j].is_none() && self.chars(j) <= MENU_ITEM_CHARS
            };
            if self.verdicts[k].category == Some(Category::Disclaimer)
                && own.chars <= MENU_ITEM_CHARS
                && menu_like(k - 1)
                && menu_like(k + 1)
            {
                let own = own.clone();
                self.verdicts[k] = Verdict {
                    category: None,
                    score: own.score,
                    patterns: self.verdicts[k].patterns.clone(),
                    reason: Reason::InMenu { own },
                };
            }
        }
    }
}

/// A line written in capitals: at least three letters, none of them lower-case.
fn is_shouted(line: &str) -> bool {
    let letters = line.chars().filter(|c| c.is_alphabetic());
    let (mut count, mut lower) = (0, false);
    for c in letters {
        count += 1;
        lower |= c.is_lowercase();
    }
    count >= 3 && !lower
}

/// Extends every flagged block's region (see the module documentation).
fn grow_regions(
    verdicts: &mut [Verdict],
    scorings: &[Option<Scoring>],
    evidence: &[Evidence],
    blocks: &[Block],
    text: &str,
    threshold: f64,
) {
    let anchors: Vec<(usize, Category, f64)> =
        verdicts.iter().enumerate().filter_map(|(i, v)| v.category.map(|c| (i, c, v.score))).collect();
    let mut regions = Regions { verdicts, scorings, evidence, blocks, text, threshold };
    for &(anchor, category, score) in &anchors {
        regions.grow(anchor, category, score, 1);
        regions.grow(anchor, category, score, -1);
    }
    regions.join_headings();
    regions.drop_menu_labels();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(weight: f64) -> Pattern {
        Pattern {
            id: String::new(),
            lang: "en".into(),
            category: Category::Rights,
            phrases: vec![],
            regex: None,
            weight,
            prior_weight: weight,
            examples: vec![],
            counter_examples: vec![],
            source: Default::default(),
            line: 0,
        }
    }

    #[test]
    fn overlapping_hits_count_once_distinct_ones_combine() {
        let patterns = [pattern(0.5), pattern(0.6), pattern(0.5)];
        // Patterns 0 and 1 on one span: worth 0.6, not 0.8.
        let (e, covered) = combined_evidence(&mut [(0, 5, 0), (0, 5, 1)], &patterns);
        assert!((e - 0.6).abs() < 1e-9 && covered == 5);
        // Two separate spans: 1 - 0.4 × 0.5 = 0.8, covering 10 bytes.
        let (e, covered) = combined_evidence(&mut [(0, 5, 1), (10, 15, 2)], &patterns);
        assert!((e - 0.8).abs() < 1e-9 && covered == 10);
        // One pattern hitting twice counts once.
        let (e, _) = combined_evidence(&mut [(0, 5, 0), (10, 15, 0)], &patterns);
        assert!((e - 0.5).abs() < 1e-9);
        assert_eq!(combined_evidence(&mut [], &patterns), (0.0, 0));
    }

    #[test]
    fn middle_blocks_are_discounted_edges_are_not() {
        assert_eq!(position_factor(0, 10), 1.0);
        assert_eq!(position_factor(4, 10), MIDDLE_FACTOR);
        assert_eq!(position_factor(9, 10), 1.0);
        assert_eq!(position_factor(1, 2), 1.0);
        assert_eq!(position_factor(4, 9), 1.0, "short documents have no middle");
    }

    mod regions {
        use crate::pattern::{parse_pattern_file, Limits, PatternSet};
        use crate::{Category, Detector, DetectorConfig};
        use std::path::Path;

        fn detector() -> Detector {
            let toml = r#"
[[pattern]]
id = "en.donation.donate-now"
phrases = ["donate now"]
weight = 0.8
examples = ["Donate now"]

[[pattern]]
id = "en.donation.your-support"
phrases = ["your support"]
weight = 0.3
examples = ["Donate now, your support"]
"#;
            let mut set = PatternSet::new();
            let rel = Path::new("en/donation.toml");
            set.extend(parse_pattern_file(rel, rel, toml, &Limits::default()).unwrap()).unwrap();
            Detector::new(set, DetectorConfig::default()).unwrap()
        }

        fn labels(text: &str) -> Vec<Option<Category>> {
            detector().analyze(text).verdicts.iter().map(|v| v.category).collect()
        }

        const D: Option<Category> = Some(Category::Donation);

        #[test]
        fn weak_evidence_next_to_an_appeal_joins_it_but_not_alone() {
            assert_eq!(labels("Body.\nYour support matters.\nDonate now"), vec![None, D, D]);
            assert_eq!(labels("Body.\nYour support matters.\nMore body."), vec![None, None, None]);
        }

        #[test]
        fn short_gaps_between_two_blocks_of_an_appeal_join() {
            assert_eq!(
                labels("Body.\nDonate now\n35 € 60 €\nMonthly\nYour support\nEnd."),
                vec![None, D, D, D, D, None]
            );
            let long = "x".repeat(300);
            assert_eq!(labels(&format!("Donate now\n{long}\nYour support")), vec![D, None, None]);
            assert_eq!(labels("Donate now\na\nb\nc\nd\nYour support"), vec![D, None, None, None, None, None]);
        }

        #[test]
        fn an_opinion_label_and_its_disclaimer_do_not_swallow_the_article_between_them() {
            let text = "Opinion\nOur schools need longer holidays\nTeachers agree on little.\nA study found no drop.\nThe views expressed here are my own.";
            let d = crate::DetectorConfig { pattern_dirs: vec![], ..Default::default() }.build().unwrap();
            let labels: Vec<Option<Category>> = d.analyze(text).verdicts.iter().map(|v| v.category).collect();
            assert_eq!(labels[1..4], [None, None, None], "{labels:?}");
        }

        #[test]
        fn a_question_or_exclamation_heading_joins_a_donation_appeal() {
            assert_eq!(labels("Body text here.\nWant to see fewer ads?\nDonate now"), vec![None, D, D]);
            assert_eq!(labels("Body text here.\nA plain subheading\nDonate now"), vec![None, None, D]);
            assert_eq!(labels("Body text here.\nSUPPORT US\nTODAY, PLEASE.\nDonate now"), vec![None, D, D, D]);
            assert!(
                super::super::is_shouted("UN PÚBLICO INFORMADO")
                    && !super::super::is_shouted("Un público")
                    && !super::super::is_shouted("2024")
            );
        }
    }
}
