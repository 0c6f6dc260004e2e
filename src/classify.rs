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
//! joins a flagged block, and so does a short block sandwiched between two flagged blocks of
//! one category. Everything is deterministic.
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
const MIDDLE_FACTOR: f64 = 0.85;
/// Longest block (in chars) that joins a region by sitting between two of its blocks.
const SANDWICH_MAX_CHARS: usize = 200;

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
        /// The flagged block before it.
        anchor: usize,
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
    /// For each category: distinct patterns, and covered spans.
    patterns: [Vec<usize>; 9],
    spans: [Vec<(usize, usize)>; 9],
}

fn union_len(spans: &mut [(usize, usize)]) -> usize {
    spans.sort_unstable();
    let mut total = 0;
    let mut reach = 0;
    for &(s, e) in spans.iter() {
        let s = s.max(reach);
        if e > s {
            total += e - s;
            reach = e;
        }
    }
    total
}

/// How much of its evidence a block keeps given the share of it that matched: a phrase that
/// is the whole line keeps all of it, a phrase lost in a long sentence keeps less than half.
pub fn coverage_factor(coverage: f64) -> f64 {
    (0.45 + coverage).min(1.0)
}

fn position_factor(index: usize, count: usize) -> f64 {
    if count <= 3 {
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
    let evidence = 1.0 - ev.patterns[c].iter().map(|&p| 1.0 - patterns[p].weight).product::<f64>();
    let covered = union_len(&mut ev.spans[c]);
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
        ev.spans[category.index()].push((hit.start, hit.end));
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

/// Extends every flagged block's region over neighbours with evidence of the same category
/// and over short blocks sandwiched between two of its blocks.
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
    for &(anchor, category, score) in &anchors {
        for direction in [1isize, -1] {
            let mut j = anchor as isize + direction;
            while j >= 0 && (j as usize) < verdicts.len() {
                let k = j as usize;
                match verdicts[k].category {
                    Some(c) if c == category => {}
                    Some(_) => break,
                    None if !evidence[k].patterns[category.index()].is_empty() => {
                        let own = scorings[k].clone().expect("evidence implies a scoring");
                        let mut patterns = evidence[k].patterns[category.index()].clone();
                        patterns.sort_unstable();
                        verdicts[k] = Verdict {
                            category: Some(category),
                            score: own.score.max(threshold).max(score * 0.9),
                            patterns,
                            reason: Reason::JoinedByEvidence { anchor, own },
                        };
                    }
                    None => {
                        let next = j + direction;
                        let sandwiched = next >= 0
                            && (next as usize) < verdicts.len()
                            && verdicts[next as usize].category == Some(category)
                            && text[blocks[k].start..blocks[k].end].chars().count() <= SANDWICH_MAX_CHARS
                            && scorings[k].is_none();
                        if !sandwiched {
                            break;
                        }
                        verdicts[k] = Verdict {
                            category: Some(category),
                            score: threshold.max(score * 0.8),
                            patterns: Vec::new(),
                            reason: Reason::JoinedBetween { anchor },
                        };
                    }
                }
                j += direction;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_of_overlapping_spans() {
        assert_eq!(union_len(&mut [(0, 5), (3, 8), (10, 12)]), 10);
        assert_eq!(union_len(&mut []), 0);
    }

    #[test]
    fn middle_blocks_are_discounted_edges_are_not() {
        assert_eq!(position_factor(0, 10), 1.0);
        assert_eq!(position_factor(4, 10), MIDDLE_FACTOR);
        assert_eq!(position_factor(9, 10), 1.0);
        assert_eq!(position_factor(1, 2), 1.0);
    }
}
