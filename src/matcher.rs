//! One automaton over every phrase; regexes confirmed behind their literals.
//!
//! All literal phrases of all patterns, plus the required literals of every regex (see
//! [`crate::literals`]), go into a single Aho-Corasick automaton that scans a document's
//! fully folded, normalized text once, in linear time (the folding is done by
//! [`crate::normalize`]). A DFA is chosen while the phrase set is of a
//! size where it pays (it was about twice as fast as the default NFA on real text), and the
//! prefilter is switched off for large sets, where it costs more than it saves.
//!
//! A regex runs only on the blocks in which one of its literals was found, on that block's
//! slice of the normalized text: never over whole documents. It is compiled the first time
//! that happens: compiling the ~400 built-in regexes is most of the start-up time, and a
//! check of a few files needs only a handful of them. Loading a pattern file already compiled
//! the same regex once ([`compile_regex`]), so the late compilation cannot fail.
//!
//! # Measured and left out
//!
//! The overlapping scan of this automaton is about a third of the time of `scan`. These
//! replacements were built, measured on the bench corpus and dropped (output was identical;
//! speed was not better):
//! - a gate on the raw text that lets only blocks holding a rare *anchor* of some literal
//!   through: with one paragraph a line, 78–96 % of the bytes still pass it;
//! - finding every literal from its anchor in the raw text and comparing the rest char by
//!   char, so that most blocks are never normalized: the overlapping scan for ~2,500 anchors
//!   runs at about the same speed as this one, and the comparisons come on top;
//! - a lazy DFA (`regex-automata`'s hybrid engine) in place of this one: with all matches
//!   reported and ~6,000 literals it builds states more slowly than it scans;
//! - starting a regex's search at its literals when every match begins with one, rather
//!   than at the start of the block: regex time fell by a tenth, 1.5 % of the whole;
//! - an automaton of the ASCII literals alone for documents whose normalized text is mostly
//!   ASCII (69 % of the bench bytes), with this one run only in windows around their
//!   non-ASCII bytes: its scan was 1.4x as fast on those documents, but `scan` as a whole
//!   was not measurably faster (the host varies by 15 %) and held 10 MB more;
//! - requiring, before a regex runs, a literal of each of up to three required parts of it
//!   rather than of its best part: regex runs fell by half, but the extra literals are
//!   common words that tripled the literal hits to handle, which cost as much as was saved;
//! - capping literal length, splitting ASCII from non-ASCII literals, the contiguous NFA.
//!
//! Why a wholly different engine would be needed to scan at ripgrep's speed: the same
//! automaton scan over the 2,017 phrases alone runs at about 210 MB/s, over all ~6,200
//! literals (phrases and the regexes' required literals) at about 130 MB/s, and a second pass
//! over the same document is 1.5–1.7x as fast as the first: the time goes to cache misses
//! on DFA states, whose memory grows with the literal count and the byte classes (63 MB for
//! all literals, 7 MB for the ASCII ones alone).
use crate::error::PatternError;
use crate::literals::gate_literals;
use crate::normalize::{ceil_char_boundary, floor_char_boundary, Normalized};
use crate::pattern::{Limits, PatternSet};
use crate::segment::Block;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexBuilder};
use regex_automata::{meta, Anchored, Input};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Above this many literals the DFA's memory outweighs its speed.
const DFA_MAX_LITERALS: usize = 20_000;
/// Above this many literals the prefilter slows the scan down.
const PREFILTER_MAX_LITERALS: usize = 64;

/// A pattern found in a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    /// Index of the block the hit lies in.
    pub block: usize,
    /// Start, byte offset in the original text.
    pub start: usize,
    /// End, byte offset in the original text (exclusive).
    pub end: usize,
    /// Index of the pattern in the [`PatternSet`].
    pub pattern: usize,
}

/// What one automaton literal stands for.
#[derive(Clone, Copy, Debug)]
enum Entry {
    /// A phrase of a pattern; the flags say whether word boundaries are checked at its ends.
    Phrase { pattern: usize, word_start: bool, word_end: bool },
    /// A required literal of regex number `regex`; with `word_start`, an occurrence inside a
    /// word cannot belong to a match, with `at_start` one past the start of its block cannot
    /// (see [`crate::literals::Placed`]).
    /// With `starts_match`, a match can start at this occurrence, and the regex is tried there
    /// alone unless another literal of it asks for the whole block.
    RegexLiteral { regex: usize, word_start: bool, at_start: bool, starts_match: bool },
}

struct CompiledRegex {
    pattern: usize,
    source: String,
    /// `None` if it failed to compile, which validation at load time rules out; such a regex
    /// never matches rather than failing a document.
    regex: OnceLock<Option<meta::Regex>>,
}

impl CompiledRegex {
    fn get(&self, size_limit: usize) -> Option<&meta::Regex> {
        self.regex.get_or_init(|| compile_search_regex(&self.source, size_limit).ok()).as_ref()
    }
}

/// Compiles a pattern's regex the way the matcher runs it: letters folded like the
/// normalized text, ASCII case ignored, under the size limit.
pub fn compile_regex(source: &str, size_limit: usize) -> Result<Regex, regex::Error> {
    RegexBuilder::new(&crate::normalize::fold_regex_letters(source))
        .case_insensitive(true)
        .size_limit(size_limit)
        .build()
}

/// [`compile_regex`] as the lower-level regex that can also be tried anchored at one position;
/// the configuration is the one `regex::RegexBuilder` gives, so both match alike.
fn compile_search_regex(source: &str, size_limit: usize) -> Result<meta::Regex, Box<meta::BuildError>> {
    meta::Builder::new()
        .configure(
            meta::Config::new()
                .match_kind(regex_automata::MatchKind::LeftmostFirst)
                .utf8_empty(true)
                .nfa_size_limit(Some(size_limit))
                .hybrid_cache_capacity(2 * (1 << 20)),
        )
        .syntax(regex_automata::util::syntax::Config::new().utf8(true).case_insensitive(true))
        .build(&crate::normalize::fold_regex_letters(source))
        .map_err(Box::new)
}

/// The compiled matcher for a [`PatternSet`]. Immutable and shared across threads.
pub struct Matcher {
    automaton: Option<AhoCorasick>,
    /// Entries per automaton literal (a literal shared by several patterns has several).
    entries: Vec<Vec<Entry>>,
    regexes: Vec<CompiledRegex>,
    /// Size limit the regexes are compiled under.
    regex_size: usize,
    /// Regexes without a derivable literal: they run on every block.
    unanchored: Vec<usize>,
}

/// Scripts written without spaces between words: no word-boundary check there.
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF   // Thai, Lao
        | 0x1100..=0x11FF // Hangul Jamo
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xAC00..=0xD7AF // Hangul syllables (particles attach to words)
        | 0xF900..=0xFAFF
        | 0x20000..=0x3FFFF)
}

fn needs_boundary(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() && !is_unspaced_script(c))
}

impl Matcher {
    /// Compiles the automaton of `set`; its regexes compile on first use.
    pub fn new(set: &PatternSet, limits: &Limits) -> Result<Self, PatternError> {
        let mut literal_index: HashMap<String, usize> = HashMap::new();
        let mut literals: Vec<String> = Vec::new();
        let mut entries: Vec<Vec<Entry>> = Vec::new();
        let mut add = |literal: String, entry: Entry| {
            let i = *literal_index.entry(literal.clone()).or_insert_with(|| {
                literals.push(literal);
                entries.push(Vec::new());
                entries.len() - 1
            });
            entries[i].push(entry);
        };
        let mut regexes = Vec::new();
        let mut unanchored = Vec::new();
        for (index, pattern) in set.patterns().iter().enumerate() {
            for phrase in &pattern.phrases {
                let folded = crate::normalize::fold_phrase(phrase);
                let word_start = needs_boundary(folded.chars().next());
                let word_end = needs_boundary(folded.chars().next_back());
                add(folded, Entry::Phrase { pattern: index, word_start, word_end });
            }
            if let Some(source) = &pattern.regex {
                let r = regexes.len();
                regexes.push(CompiledRegex { pattern: index, source: source.clone(), regex: OnceLock::new() });
                match gate_literals(source) {
                    Some(placed) => {
                        for p in placed {
                            let word_start = p.word_start && needs_boundary(p.literal.chars().next());
                            let (at_start, starts_match) = (p.at_start, p.starts_match);
                            add(p.literal, Entry::RegexLiteral { regex: r, word_start, at_start, starts_match });
                        }
                    }
                    None => unanchored.push(r),
                }
            }
        }
        let automaton = if literals.is_empty() { None } else { Some(build_automaton(&literals)?) };
        Ok(Matcher { automaton, entries, regexes, regex_size: limits.regex_size, unanchored })
    }

    /// Finds every hit in `text`, whose normalized form (with `AsciiCase::Fold`) is `norm`
    /// and whose blocks are `blocks` (sorted, disjoint). Hits are sorted by block, then position.
    pub fn find(&self, text: &str, norm: &Normalized, blocks: &[Block]) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut regex_candidates: Vec<(usize, usize)> = Vec::new();
        // (block, regex, normalized offset) where an anchored regex is tried.
        let mut regex_starts: Vec<(usize, usize, usize)> = Vec::new();
        let normalized = norm.as_str();
        if let Some(ac) = &self.automaton {
            for m in ac.find_overlapping_iter(normalized) {
                let start = norm.map().start(m.start(), text);
                let Some(block) = block_at(blocks, start) else { continue };
                for entry in &self.entries[m.pattern().as_usize()] {
                    match *entry {
                        Entry::Phrase { pattern, word_start, word_end } => {
                            if word_start && needs_boundary(normalized[..m.start()].chars().next_back()) {
                                continue;
                            }
                            if word_end && needs_boundary(normalized[m.end()..].chars().next()) {
                                continue;
                            }
                            let end = norm.map().end(m.end(), text).min(blocks[block].end).max(start);
                            hits.push(Hit { block, start, end, pattern });
                        }
                        Entry::RegexLiteral { regex, word_start, at_start, starts_match } => {
                            if at_start && m.start() != block_search_start(norm, blocks[block]) {
                                continue;
                            }
                            if word_start && needs_boundary(normalized[..m.start()].chars().next_back()) {
                                continue;
                            }
                            if starts_match {
                                regex_starts.push((block, regex, m.start()));
                            } else {
                                regex_candidates.push((block, regex));
                            }
                        }
                    }
                }
            }
        }
        for &r in &self.unanchored {
            regex_candidates.extend((0..blocks.len()).map(|b| (b, r)));
        }
        regex_candidates.sort_unstable();
        regex_candidates.dedup();
        for &(b, r) in &regex_candidates {
            self.run_regex(&self.regexes[r], text, norm, blocks[b], b, &mut hits);
        }
        regex_starts.sort_unstable();
        regex_starts.dedup();
        for group in regex_starts.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
            let (b, r, _) = group[0];
            if regex_candidates.binary_search(&(b, r)).is_ok() {
                continue; // searched over the whole block already
            }
            let starts = group.iter().map(|&(_, _, at)| at);
            self.try_regex_at(&self.regexes[r], text, norm, blocks[b], b, starts, &mut hits);
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    /// Runs one regex on the normalized text of one block (the regex folds ASCII case itself,
    /// the normalization did the rest).
    fn run_regex(
        &self,
        compiled: &CompiledRegex,
        text: &str,
        norm: &Normalized,
        block: Block,
        index: usize,
        hits: &mut Vec<Hit>,
    ) {
        let Some(regex) = compiled.get(self.regex_size) else { return };
        let (from, to) = block_search_range(norm, block);
        for m in regex.find_iter(&norm.as_str()[from..to]) {
            push_regex_hit(text, norm, block, index, compiled.pattern, from + m.start()..from + m.end(), hits);
        }
    }

    /// Tries a regex, anchored, at `starts` (sorted normalized offsets in `block` of its
    /// literals that begin matches), giving the matches a search of the block would when the
    /// block holds none of its other literals: every match then starts at one of them, and a
    /// match hides the starts it covers. (One starting mid-word, which is never reported, is
    /// not tried, so it hides nothing.)
    #[allow(clippy::too_many_arguments)]
    fn try_regex_at(
        &self,
        compiled: &CompiledRegex,
        text: &str,
        norm: &Normalized,
        block: Block,
        index: usize,
        starts: impl Iterator<Item = usize>,
        hits: &mut Vec<Hit>,
    ) {
        let Some(regex) = compiled.get(self.regex_size) else { return };
        let (from, to) = block_search_range(norm, block);
        let haystack = &norm.as_str()[from..to];
        let mut next = from;
        for at in starts.filter(|&at| at < to) {
            if at < next {
                continue;
            }
            let input = Input::new(haystack).range(at - from..).anchored(Anchored::Yes);
            if let Some(m) = regex.search(&input) {
                next = from + m.end();
                push_regex_hit(text, norm, block, index, compiled.pattern, from + m.start()..next, hits);
            }
        }
    }

    /// Number of literals in the automaton.
    pub fn literal_count(&self) -> usize {
        self.entries.len()
    }
}

fn build_automaton(literals: &[String]) -> Result<AhoCorasick, PatternError> {
    let mut builder = AhoCorasick::builder();
    builder.match_kind(MatchKind::Standard).prefilter(literals.len() <= PREFILTER_MAX_LITERALS);
    if literals.len() <= DFA_MAX_LITERALS {
        if let Ok(dfa) = builder.kind(Some(AhoCorasickKind::DFA)).build(literals) {
            return Ok(dfa);
        }
    }
    builder
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(literals)
        .or_else(|_| builder.kind(None).build(literals))
        .map_err(|e| PatternError::limit(format!("cannot build the phrase automaton: {e}")))
}

/// Records a regex match (normalized offsets `range`) unless it is empty or, like a phrase,
/// starts in the middle of a word of a spaced script.
fn push_regex_hit(
    text: &str,
    norm: &Normalized,
    block: Block,
    index: usize,
    pattern: usize,
    range: std::ops::Range<usize>,
    hits: &mut Vec<Hit>,
) {
    let normalized = norm.as_str();
    let mid_word = needs_boundary(normalized[..range.start].chars().next_back())
        && needs_boundary(normalized[range.start..].chars().next());
    if range.is_empty() || mid_word {
        return;
    }
    let start = norm.map().start(range.start, text).clamp(block.start, block.end);
    let end = norm.map().end(range.end, text).clamp(start, block.end);
    hits.push(Hit { block: index, start, end, pattern });
}

/// The normalized text a regex sees of `block`: from [`block_search_start`] to its end.
fn block_search_range(norm: &Normalized, block: Block) -> (usize, usize) {
    let from = block_search_start(norm, block);
    (from, ceil_char_boundary(norm.as_str(), norm.map().to_normalized(block.end)).max(from))
}

/// Where a regex's search of `block` starts in the normalized text.
fn block_search_start(norm: &Normalized, block: Block) -> usize {
    floor_char_boundary(norm.as_str(), norm.map().to_normalized(block.start))
}

/// The block containing byte `offset`, if any.
fn block_at(blocks: &[Block], offset: usize) -> Option<usize> {
    let i = blocks.partition_point(|b| b.end <= offset);
    (i < blocks.len() && blocks[i].start <= offset).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{normalize, AsciiCase};
    use crate::pattern::parse_pattern_file;
    use crate::segment::{segment, BlockMode};
    use std::path::Path;

    fn set(toml: &str) -> PatternSet {
        let mut s = PatternSet::new();
        s.extend(parse_pattern_file(Path::new("t"), Path::new("en/donation.toml"), toml, &Limits::default()).unwrap())
            .unwrap();
        s
    }

    fn find(set: &PatternSet, text: &str) -> Vec<(String, usize)> {
        let m = Matcher::new(set, &Limits::default()).unwrap();
        let (blocks, breaks) = segment(text, BlockMode::Lines);
        let norm = normalize(text, breaks, AsciiCase::Fold);
        m.find(text, &norm, &blocks).into_iter().map(|h| (text[h.start..h.end].to_string(), h.block)).collect()
    }

    /// A set of one pattern with `regex`.
    fn regex_set(regex: &str) -> PatternSet {
        set(&format!("[[pattern]]\nid = \"en.donation.r\"\nregex = '{regex}'\nweight = 0.5\nexamples = [\"x\"]\n"))
    }

    const PHRASES: &str = r#"
[[pattern]]
id = "en.donation.donate"
phrases = ["donate", "chip in"]
weight = 0.5
examples = ["Donate"]
"#;

    #[test]
    fn phrases_match_case_insensitively_at_word_boundaries() {
        let s = set(PHRASES);
        assert_eq!(find(&s, "Please DONATE.\nThe donated funds"), vec![("DONATE".into(), 0)]);
        assert_eq!(find(&s, "Chip\u{00A0}in today"), vec![("Chip\u{00A0}in".into(), 0)]);
    }

    #[test]
    fn regex_runs_behind_its_literal_and_reports_original_offsets() {
        let s = regex_set(r"views expressed (?:\w+ ){0,3}are (?:the author|their own)");
        let text = "Body line.\nThe Views Expressed in this piece are their own.";
        assert_eq!(find(&s, text), vec![("Views Expressed in this piece are their own".into(), 1)]);
        assert!(find(&s, "The views expressed by the union were rejected.").is_empty());
    }

    #[test]
    fn anchored_alternatives_run_only_at_block_starts_and_free_ones_anywhere() {
        let s = regex_set(r"^read more\b|follow us on \w+");
        let text = "Read more about it\nWe said read more often.\nPlease follow us on Mastodon";
        assert_eq!(find(&s, text), vec![("Read more".into(), 0), ("follow us on Mastodon".into(), 2)]);
    }

    #[test]
    fn unspaced_scripts_match_inside_words() {
        let s = set(r#"
[[pattern]]
id = "en.donation.zh"
phrases = ["支持我们", "후원"]
weight = 0.5
examples = ["支持我们"]
"#);
        assert_eq!(find(&s, "请支持我们。\n후원하기"), vec![("支持我们".into(), 0), ("후원".into(), 1)]);
    }
}
