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
//! (button and amount lines, never a dateline) between two blocks of one region, a short
//! question or exclamation right above a donation appeal, and the amount lines and sign-off
//! ("Thank you," and the name under it) right after one. A bare disclaimer label among menu
//! items stays body. Everything is deterministic.
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
/// Longest line joined as an amount, button or sign-off closing an appeal box.
const BOX_LINE_CHARS: usize = 40;
/// Most such lines joined after an appeal.
const MAX_BOX_LINES: usize = 3;
/// Longest line that reads as a menu item.
const MENU_ITEM_CHARS: usize = 30;
/// Menu items among the two blocks on each side that make a bare disclaimer label navigation.
const MENU_ITEMS_AROUND: usize = 3;

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
    /// Joined as a short hit-free line closing an appeal box (an amount, a button, a
    /// sign-off) right after its last block.
    JoinedBoxLine {
        /// The last block of the appeal.
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

/// The distinct patterns that hit one block, as `(category index, pattern)`, sorted. One
/// list, empty (and unallocated) for the blocks without hits, which are most of them: nine
/// lists per block made a document of short lines cost hundreds of bytes per line.
#[derive(Clone, Debug, Default)]
struct Evidence(Vec<(usize, usize)>);

impl Evidence {
    fn of(&self, category: Category) -> impl Iterator<Item = usize> + '_ {
        let c = category.index();
        let from = self.0.partition_point(|&(k, _)| k < c);
        self.0[from..].iter().take_while(move |&&(k, _)| k == c).map(|&(_, p)| p)
    }

    fn has(&self, category: Category) -> bool {
        self.of(category).next().is_some()
    }

    /// Every pattern, whatever its category, sorted.
    fn all(&self) -> Vec<usize> {
        let mut all: Vec<usize> = self.0.iter().map(|&(_, p)| p).collect();
        all.sort_unstable();
        all.dedup();
        all
    }
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

/// Scores one category of a block from its hits of that category, `(start, end, pattern)`.
fn score_category(
    category: Category,
    hits: &mut [(usize, usize, usize)],
    patterns: &[Pattern],
    block: Block,
    chars: usize,
    position: f64,
) -> Scoring {
    let (evidence, covered) = combined_evidence(hits, patterns);
    let coverage = (covered as f64 / (block.end - block.start).max(1) as f64).min(1.0);
    let coverage_factor = coverage_factor(coverage);
    let length_factor = if chars as f64 > LONG_BLOCK_CHARS { (LONG_BLOCK_CHARS / chars as f64).powf(0.3) } else { 1.0 };
    let score = evidence * coverage_factor * position * length_factor;
    Scoring { category, evidence, coverage, chars, position_factor: position, length_factor, score }
}

/// How much work region growing did: exposed so that its bound is tested.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    /// Blocks looked at while growing regions. At most a small constant times the number of
    /// blocks: each block is walked over at most once in each direction, plus a bounded
    /// look-ahead over gaps and headings.
    pub region_steps: usize,
}

/// Labels every block. `hits` must be sorted by block.
pub fn classify(
    text: &str,
    blocks: &[Block],
    hits: &[Hit],
    patterns: &[Pattern],
    options: &ClassifyOptions,
) -> Vec<Verdict> {
    classify_counted(text, blocks, hits, patterns, options).0
}

/// [`classify`], also returning how much work region growing did.
pub fn classify_counted(
    text: &str,
    blocks: &[Block],
    hits: &[Hit],
    patterns: &[Pattern],
    options: &ClassifyOptions,
) -> (Vec<Verdict>, Work) {
    label(text, blocks, hits, patterns, options, grow_regions)
}

/// The classifier with the region growing step passed in, so that tests can run a plain
/// reference of it on the same evidence.
fn label(
    text: &str,
    blocks: &[Block],
    hits: &[Hit],
    patterns: &[Pattern],
    options: &ClassifyOptions,
    grow: fn(&mut Regions<'_>),
) -> (Vec<Verdict>, Work) {
    let chars: Vec<usize> = blocks.iter().map(|b| text[b.start..b.end].chars().count()).collect();
    let mut evidence = vec![Evidence::default(); blocks.len()];
    let mut scorings: Vec<Option<Scoring>> = vec![None; blocks.len()];
    // Hits of the selected categories of one block, as (category index, start, end, pattern).
    let mut kept: Vec<(usize, usize, usize, usize)> = Vec::new();
    for block_hits in hits.chunk_by(|a, b| a.block == b.block) {
        let i = block_hits[0].block;
        kept.clear();
        kept.extend(block_hits.iter().filter_map(|hit| {
            let category = patterns[hit.pattern].category;
            options.categories.contains(&category).then_some((category.index(), hit.start, hit.end, hit.pattern))
        }));
        if kept.is_empty() {
            continue;
        }
        kept.sort_unstable_by_key(|&(c, ..)| c);
        let mut distinct: Vec<(usize, usize)> = kept.iter().map(|&(c, _, _, p)| (c, p)).collect();
        distinct.sort_unstable();
        distinct.dedup();
        evidence[i] = Evidence(distinct);
        let position = position_factor(i, blocks.len());
        let mut spans = Vec::new();
        scorings[i] = kept
            .chunk_by(|a, b| a.0 == b.0)
            .map(|group| {
                spans.clear();
                spans.extend(group.iter().map(|&(_, s, e, p)| (s, e, p)));
                score_category(Category::ALL[group[0].0], &mut spans, patterns, blocks[i], chars[i], position)
            })
            .max_by(|a, b| a.score.total_cmp(&b.score));
    }
    let mut verdicts: Vec<Verdict> = scorings
        .iter()
        .zip(&evidence)
        .map(|(scoring, ev)| initial_verdict(scoring.as_ref(), ev, options.threshold))
        .collect();
    let mut regions = Regions {
        verdicts: &mut verdicts,
        scorings: &scorings,
        evidence: &evidence,
        chars: &chars,
        blocks,
        text,
        threshold: options.threshold,
        work: Work::default(),
    };
    grow(&mut regions);
    let work = regions.work;
    (verdicts, work)
}

fn initial_verdict(scoring: Option<&Scoring>, ev: &Evidence, threshold: f64) -> Verdict {
    match scoring {
        None => Verdict { category: None, score: 0.0, patterns: Vec::new(), reason: Reason::NoEvidence },
        Some(s) => {
            let flagged = s.score >= threshold;
            let patterns = if flagged { ev.of(s.category).collect() } else { ev.all() };
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
    /// Length of each block in chars.
    chars: &'a [usize],
    blocks: &'a [Block],
    text: &'a str,
    threshold: f64,
    work: Work,
}

impl Regions<'_> {
    fn chars(&self, k: usize) -> usize {
        self.chars[k]
    }

    /// The text of block `k`, without its surrounding white space.
    fn line(&self, k: usize) -> &str {
        &self.text[self.blocks[k].start..self.blocks[k].end]
    }

    fn has_evidence(&self, k: usize, category: Category) -> bool {
        self.evidence[k].has(category)
    }

    /// The neighbour of `k` in `direction`, if there is one.
    fn step(&mut self, k: usize, direction: isize) -> Option<usize> {
        self.work.region_steps += 1;
        let next = k as isize + direction;
        (next >= 0 && (next as usize) < self.verdicts.len()).then_some(next as usize)
    }

    /// A run of at most `MAX_GAP` short blocks without any hit, starting after `k`, that is
    /// closed by a block of `category` (flagged, or with evidence of it).
    fn gap_after(&mut self, k: usize, direction: isize, category: Category) -> Option<Vec<usize>> {
        let mut gap = Vec::new();
        let mut at = k;
        while let Some(next) = self.step(at, direction) {
            if self.verdicts[next].category == Some(category)
                || (self.verdicts[next].category.is_none() && self.has_evidence(next, category))
            {
                return (!gap.is_empty()).then_some(gap);
            }
            if gap.len() == MAX_GAP
                || self.scorings[next].is_some()
                || self.chars(next) > GAP_MAX_CHARS
                || is_dateline(self.line(next))
            {
                return None;
            }
            gap.push(next);
            at = next;
        }
        None
    }

    fn join(&mut self, k: usize, category: Category, score: f64, reason: Reason) {
        let patterns = self.evidence[k].of(category).collect();
        self.verdicts[k] = Verdict { category: Some(category), score, patterns, reason };
    }

    /// Extends the region of `anchor` in `direction` over blocks with evidence of its
    /// category and over short hit-free gaps closed by another block of it, and returns the
    /// last block of the region. With `stop`, it ends before stepping onto that block: one
    /// an earlier walk reached, from which it would only retrace that walk.
    fn grow(&mut self, anchor: usize, category: Category, score: f64, direction: isize, stop: Option<usize>) -> usize {
        let mut k = anchor;
        while let Some(next) = self.step(k, direction) {
            if Some(next) == stop {
                break;
            }
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
        k
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
                let line = self.line(above);
                let question = k == start && line.ends_with(['?', '!', '？', '！']);
                if !(question || is_shouted(line)) {
                    break;
                }
                self.join(above, Category::Donation, score, Reason::JoinedHeading { anchor: start });
                self.work.region_steps += 1;
                k = above;
            }
        }
    }

    /// Joins the short hit-free lines that close an appeal box to the appeal they follow, up
    /// to `MAX_BOX_LINES`: amounts ("$10", "5 € / Monat") and a sign-off ("Thank you," or
    /// "Grazie," and the name and title lines under it, as letters from the editor end). A
    /// longer line, a line with any hit, a labeled one or any other line ends the box. Only
    /// an appeal's own blocks open a box: were a joined amount line to open one too, a column
    /// of amounts would chain past the cap.
    fn join_box_lines(&mut self) {
        let count = self.verdicts.len();
        for end in 0..count.saturating_sub(1) {
            let closes_appeal = self.verdicts[end].category == Some(Category::Donation)
                && !matches!(self.verdicts[end].reason, Reason::JoinedBoxLine { .. })
                && self.verdicts[end + 1].category != Some(Category::Donation);
            if !closes_appeal {
                continue;
            }
            let score = self.threshold.max(self.verdicts[end].score * 0.8);
            let mut signing = false;
            for below in end + 1..(end + 1 + MAX_BOX_LINES).min(count) {
                self.work.region_steps += 1;
                let line = self.line(below);
                signing = opens_sign_off(line) || (signing && !ends_sentence(line));
                if self.verdicts[below].category.is_some()
                    || self.scorings[below].is_some()
                    || self.chars(below) > BOX_LINE_CHARS
                    || !(signing || is_amount(line))
                {
                    break;
                }
                self.join(below, Category::Donation, score, Reason::JoinedBoxLine { anchor: end });
            }
        }
    }

    /// Unflags a bare disclaimer label ("Opinion", "Kommentar") standing among menu items:
    /// short hit-free lines on both sides, or three short lines among the two on each side
    /// (a section menu lists "Opinion" beside "Editorial" and "Op-eds"), make it navigation,
    /// not a label of this article. A sentence ("网友评论仅供其表达个人看法。") is never a menu item.
    fn drop_menu_labels(&mut self) {
        for k in 1..self.verdicts.len().saturating_sub(1) {
            let Reason::Scored(own) = &self.verdicts[k].reason else { continue };
            if self.verdicts[k].category != Some(Category::Disclaimer) || own.chars > MENU_ITEM_CHARS {
                continue;
            }
            let hit_free_item = |j: usize| {
                self.verdicts[j].category.is_none() && self.scorings[j].is_none() && self.chars(j) <= MENU_ITEM_CHARS
            };
            let between_items = hit_free_item(k - 1) && hit_free_item(k + 1);
            if is_bare_label(self.line(k)) && (between_items || self.items_around(k) >= MENU_ITEMS_AROUND) {
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

    /// How many of the two blocks on each side of `k` read as menu items: short, and either
    /// unlabeled or themselves disclaimer labels ("Opinion" beside "Editorial" and "Op-eds").
    fn items_around(&self, k: usize) -> usize {
        let item = |j: usize| {
            self.chars(j) <= MENU_ITEM_CHARS && matches!(self.verdicts[j].category, None | Some(Category::Disclaimer))
        };
        [k.checked_sub(2), Some(k - 1), Some(k + 1), Some(k + 2)]
            .into_iter()
            .flatten()
            .filter(|&j| j < self.verdicts.len() && item(j))
            .count()
    }
}

/// A label without sentence punctuation: "Opinion", "Kommentar", not "网友评论仅供参考。".
fn is_bare_label(line: &str) -> bool {
    !line.contains(['.', ',', ':', '。', '，', '、', '：'])
}

/// The first line of an appeal's sign-off: "Thank you,", "Grazie,", "Dziękuję,".
fn opens_sign_off(line: &str) -> bool {
    line.ends_with([',', '，'])
}

/// A line that ends a sentence, which a name or title line under a sign-off does not.
fn ends_sentence(line: &str) -> bool {
    line.ends_with(['.', '?', '!', ':', '。', '？', '！', '：'])
}

/// A line written in capitals: at least three letters that have case, none of them
/// lower-case. Scripts without case (Chinese, Japanese, Korean) have no shouting: every line
/// of theirs would read as one.
fn is_shouted(line: &str) -> bool {
    let (mut upper, mut lower) = (0, false);
    for c in line.chars() {
        upper += usize::from(c.is_uppercase());
        lower |= c.is_lowercase();
    }
    upper >= 3 && !lower
}

/// Extends every flagged block's region (see the module documentation), in time linear in
/// the number of blocks.
///
/// Anchors are taken in text order. Walking forward from an anchor that an earlier forward
/// walk already reached would retrace that walk's steps to the same end and join nothing
/// (everything it passed now belongs to the region), so such an anchor is skipped; walking
/// backward stops at the last block an earlier forward walk reached, below which an earlier
/// backward walk already did the same. What is left are walks over disjoint stretches: the
/// labels are those of growing every anchor in full, which took time quadratic in the number
/// of blocks on a document of alternating appeal and button lines.
fn grow_regions(regions: &mut Regions<'_>) {
    let anchors = flagged(regions.verdicts);
    let mut reach: Option<usize> = None;
    for (anchor, category, score) in anchors {
        if reach.is_some_and(|r| anchor <= r) {
            continue;
        }
        let end = regions.grow(anchor, category, score, 1, None);
        regions.grow(anchor, category, score, -1, reach);
        reach = Some(end);
    }
    regions.join_headings();
    regions.join_box_lines();
    regions.drop_menu_labels();
}

/// An amount line of a donation form: a number with a currency sign or code ("$10",
/// "einmalige_unterstuetzung €1,00 EUR", "5 € / Monat").
fn is_amount(line: &str) -> bool {
    let has_digit = line.bytes().any(|b| b.is_ascii_digit());
    let currency = ["$", "€", "£", "¥", "₽", "₩", "₹", "zł", "kr", "Kč", "CHF", "EUR", "USD", "GBP", "SEK"];
    has_digit && currency.iter().any(|c| line.contains(c))
}

/// A dateline or timestamp ("2 сентября 2024, 13:42", "21. 1. 2002"): a year or a clock
/// time and no currency. The article's own metadata, which sits between an appeal's blocks
/// at the top of a page as often as an amount line does.
fn is_dateline(line: &str) -> bool {
    let year = line
        .split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() == 4 && (run.starts_with("19") || run.starts_with("20")));
    let bytes = line.as_bytes();
    let clock = bytes
        .windows(4)
        .any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit());
    (year || clock) && !is_amount(line)
}

/// `(block, category, score)` of every flagged block, in text order.
fn flagged(verdicts: &[Verdict]) -> Vec<(usize, Category, f64)> {
    verdicts.iter().enumerate().filter_map(|(i, v)| v.category.map(|c| (i, c, v.score))).collect()
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
        use super::super::{flagged, grow_regions, label, Regions, Work};
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
        fn amount_lines_closing_an_appeal_join_it_other_short_lines_do_not() {
            let text = "Body.\nDonate now\n$10\n25 € / Monat\nOther amount\n$50";
            assert_eq!(labels(text), vec![None, D, D, D, None, None]);
            assert_eq!(labels("Donate now\nShare this\n$10"), vec![D, None, None], "a non-amount line ends the box");
            assert_eq!(
                labels("Body.\nIt cost $10 million.\nMore body."),
                vec![None, None, None],
                "not without an appeal"
            );
        }

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

        /// Region growing as it was first written: every anchor walked in full both ways.
        /// Quadratic, and the plain statement of what the linear one must give.
        fn reference_grow(regions: &mut Regions<'_>) {
            for (anchor, category, score) in flagged(regions.verdicts) {
                regions.grow(anchor, category, score, 1, None);
                regions.grow(anchor, category, score, -1, None);
            }
            regions.join_headings();
            regions.join_box_lines();
            regions.drop_menu_labels();
        }

        fn detector_of_three_categories() -> Detector {
            let mut set = PatternSet::new();
            for (rel, toml) in [
                ("en/donation.toml", "[[pattern]]\nid = \"en.donation.donate-now\"\nphrases = [\"donate now\"]\nweight = 0.8\nexamples = [\"x\"]\n\n[[pattern]]\nid = \"en.donation.your-support\"\nphrases = [\"your support\"]\nweight = 0.3\nexamples = [\"x\"]\n"),
                ("en/disclaimer.toml", "[[pattern]]\nid = \"en.disclaimer.views\"\nphrases = [\"views expressed\"]\nweight = 0.9\nexamples = [\"x\"]\n\n[[pattern]]\nid = \"en.disclaimer.opinion\"\nphrases = [\"opinion\"]\nweight = 0.6\nexamples = [\"x\"]\n"),
                ("en/newsletter.toml", "[[pattern]]\nid = \"en.newsletter.sign-up\"\nphrases = [\"sign up\"]\nweight = 0.7\nexamples = [\"x\"]\n\n[[pattern]]\nid = \"en.newsletter.inbox\"\nphrases = [\"inbox\"]\nweight = 0.2\nexamples = [\"x\"]\n"),
            ] {
                let rel = Path::new(rel);
                set.extend(parse_pattern_file(rel, rel, toml, &Limits::default()).unwrap()).unwrap();
            }
            Detector::new(set, DetectorConfig::default()).unwrap()
        }

        /// Lines of every kind region growing treats differently: strong and weak evidence of
        /// three categories, short hit-free lines, headings, menu items, long body lines.
        const LINES: &[&str] = &[
            "Donate now",
            "Your support keeps us going",
            "ab",
            "35 € 60 €",
            "Want to help?",
            "SUPPORT US",
            "The views expressed are my own",
            "Opinion",
            "Sign up today",
            "In your inbox",
            "Donate now and sign up",
            "Body text of the article, long enough to be a sentence of its own.",
            "A paragraph far too long to be a button or an amount line: it goes on and on about the council and the budget and the schools and the roads, the weather and the harvest, the trains and the buses, and it has no pattern in it at all, as article bodies do.",
        ];

        fn both(text: &str) -> ((Vec<super::super::Verdict>, Work), (Vec<super::super::Verdict>, Work)) {
            let d = detector_of_three_categories();
            let a = d.analyze(text);
            let options = &d.config().classify;
            (
                label(text, &a.blocks, &a.hits, d.patterns(), options, grow_regions),
                label(text, &a.blocks, &a.hits, d.patterns(), options, reference_grow),
            )
        }

        proptest::proptest! {
            #[test]
            fn linear_growing_labels_as_the_reference_does(lines in proptest::collection::vec(0..LINES.len(), 0..60)) {
                let text: String = lines.iter().map(|&l| format!("{}\n", LINES[l])).collect();
                let ((linear, _), (reference, _)) = both(&text);
                proptest::prop_assert_eq!(linear, reference);
            }
        }

        #[test]
        fn region_growing_visits_each_block_a_bounded_number_of_times() {
            // Layouts that grew one region per anchor over the whole rest of the document.
            let layouts = [
                "Donate now\nab\n",
                "Donate now\nYour support keeps us going\n",
                "Opinion\nThe views expressed are my own\n",
                "Sign up today\nIn your inbox\n",
                "Donate now\nab\n35 € 60 €\nWant to help?\n",
            ];
            for layout in layouts {
                let text = layout.repeat(500);
                let blocks = text.lines().count();
                let ((linear, work), (reference, reference_work)) = both(&text);
                assert_eq!(linear, reference, "{layout:?}");
                assert!(work.region_steps <= 6 * blocks, "{layout:?}: {} steps for {blocks} blocks", work.region_steps);
                assert!(reference_work.region_steps > 50 * blocks, "{layout:?}: the reference walks far more");
            }
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
                    && !super::super::is_shouted("寄付のお願いです"),
                "a script without case never shouts"
            );
        }

        #[test]
        fn amount_lines_do_not_chain_past_the_box_cap() {
            assert_eq!(labels("Donate now\n$10\n$20\n$30\n$40\n$50"), vec![D, D, D, D, None, None]);
        }

        #[test]
        fn a_sign_off_and_its_name_lines_close_an_appeal() {
            assert_eq!(
                labels("Body.\nDonate now\nThank you,\nJane Doe\nEditor in chief\nNext story."),
                vec![None, D, D, D, D, None]
            );
            assert_eq!(
                labels("Body.\nDonate now\nJane Doe\nMore."),
                vec![None, D, None, None],
                "no sign-off without its opening line"
            );
            assert_eq!(labels("Body.\nDonate now\nThank you,\nThe end of the story."), vec![None, D, D, None]);
        }

        #[test]
        fn a_dateline_does_not_bridge_two_blocks_of_an_appeal() {
            assert_eq!(labels("Donate now\n2 September 2024, 13:42\nYour support"), vec![D, None, None]);
            assert_eq!(labels("Donate now\n21. 1. 2002\nYour support"), vec![D, None, None]);
            assert_eq!(labels("Donate now\n35 € 2024 €\nYour support"), vec![D, D, D], "an amount is no dateline");
        }

        fn labels_of_three(text: &str) -> Vec<Option<Category>> {
            detector_of_three_categories().analyze(text).verdicts.iter().map(|v| v.category).collect()
        }

        #[test]
        fn disclaimer_labels_in_a_section_menu_stay_body_sentences_do_not() {
            let c = Some(Category::Disclaimer);
            assert_eq!(labels_of_three("Music\nTV\nOpinion\nFaith\nFeatures"), vec![None; 5]);
            assert_eq!(
                labels_of_three("Sports\nWorld\nOpinion\nOpinion\nTravel"),
                vec![None; 5],
                "labels beside labels are a menu too"
            );
            assert_eq!(labels_of_three("Home\nThe views expressed are mine.\nAbout"), vec![None, c, None]);
            assert_eq!(
                labels_of_three("Opinion\nWhy the city needs more trams, and soon\nBy Jane Doe"),
                vec![c, None, None],
                "a label above its headline is kept"
            );
        }
    }
}
