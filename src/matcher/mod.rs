//! Automata over every phrase; regexes confirmed behind their literals.
//!
//! All literal phrases of all patterns, plus the literals that gate every regex (see
//! [`literals`]), are found by Aho-Corasick automata that scan a document's fully
//! folded, normalized text once, in linear time (the folding is done by
//! [`crate::normalize`]; the automata, split by script, are in `automata.rs`).
//!
//! A regex runs only on the blocks in which one of its literals was found, on that block's
//! slice of the normalized text: never over whole documents. Where the literals found begin
//! every match of their alternative, it is only tried, anchored, where they stand, which
//! mostly fails within a few bytes, instead of searching the whole block. It is compiled the
//! first time it runs: compiling the ~400 built-in regexes is most of the start-up time, and
//! a check of a few files needs only a handful of them. Loading a pattern file already
//! compiled the same regex once ([`compile_regex`]), so the late compilation cannot fail.
//!
//! How fast this is, how it was measured and the designs that were tried and dropped are in
//! `docs/performance.md`.
mod automata;
pub mod literals;

use crate::error::PatternError;
use crate::normalize::{ceil_char_boundary, floor_char_boundary, is_unspaced_script, Normalized};
use crate::pattern::{Limits, PatternSet};
use crate::regex_build::compile_regex;
use crate::segment::Block;
use automata::{Automata, StartAutomaton};
use literals::gate_literals;
use regex_automata::{meta, Anchored, Input};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Most anchored tries of one regex in one block; with more, the block is searched once.
/// Each try may read to the end of the block (`a+b` tried at every `a` of a line of them),
/// so this keeps the work within a constant of one search, which is linear.
const MAX_ANCHORED_TRIES: usize = 8;

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
    /// A phrase of a pattern.
    Phrase { pattern: usize, ends: Ends },
    /// A gate literal of a regex.
    Gate(Gate),
}

impl Entry {
    fn ends(&self) -> Ends {
        match self {
            Entry::Phrase { ends, .. } | Entry::Gate(Gate { ends, .. }) => *ends,
        }
    }
}

/// Which ends of an occurrence of a literal must not touch a word char of a spaced script
/// for it to count: a phrase is a whole word or words; a gate literal the regex puts a space
/// or a match start before, or a space after, found inside a word cannot be part of a match.
#[derive(Clone, Copy, Debug)]
struct Ends {
    word_start: bool,
    word_end: bool,
}

impl Ends {
    fn fit(self, around: Around) -> bool {
        !(self.word_start && around.word_before || self.word_end && around.word_after)
    }
}

/// Whether an occurrence of a literal has a word char of a spaced script right before or after.
#[derive(Clone, Copy)]
struct Around {
    word_before: bool,
    word_after: bool,
}

impl Around {
    fn of(normalized: &str, start: usize, end: usize) -> Self {
        Around {
            word_before: needs_boundary(normalized[..start].chars().next_back()),
            word_after: needs_boundary(normalized[end..].chars().next()),
        }
    }
}

/// A required literal of regex number `regex` (see [`crate::literals::Placed`]): with
/// `starts_match`, a match can start at this occurrence, and the regex is tried there alone
/// unless another literal of it asks for the whole block. Literals that count only at the
/// start of a block have their own automaton.
#[derive(Clone, Copy, Debug)]
struct Gate {
    regex: usize,
    ends: Ends,
    starts_match: bool,
}

impl Gate {
    /// Records the regex work this literal, found at normalized offset `at` of `block`,
    /// calls for.
    fn wake(self, work: &mut RegexWork, block: usize, at: usize) {
        if self.starts_match {
            work.try_at(block, self.regex, at);
        } else {
            work.search(block, self.regex);
        }
    }
}

/// Literals, each once, with what each stands for.
struct LiteralTable<E> {
    index: HashMap<String, usize>,
    literals: Vec<String>,
    entries: Vec<Vec<E>>,
}

impl<E> LiteralTable<E> {
    fn new() -> Self {
        LiteralTable { index: HashMap::new(), literals: Vec::new(), entries: Vec::new() }
    }

    fn add(&mut self, literal: String, entry: E) {
        let i = match self.index.get(&literal) {
            Some(&i) => i,
            None => {
                self.index.insert(literal.clone(), self.literals.len());
                self.literals.push(literal);
                self.entries.push(Vec::new());
                self.literals.len() - 1
            }
        };
        self.entries[i].push(entry);
    }
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
        self.regex.get_or_init(|| compile_regex(&self.source, size_limit).ok()).as_ref()
    }
}

/// The compiled matcher for a [`PatternSet`]. Immutable and shared across threads.
pub struct Matcher {
    automata: Automata,
    /// Entries per literal (a literal shared by several patterns has several).
    entries: Vec<Vec<Entry>>,
    /// The gate literals that count only at the start of a block, found there alone.
    start_automaton: Option<StartAutomaton>,
    /// Gates per literal of `start_automaton`.
    start_gates: Vec<Vec<Gate>>,
    regexes: Vec<CompiledRegex>,
    /// Size limit the regexes are compiled under.
    regex_size: usize,
    /// Regexes without a derivable literal: they run on every block.
    unanchored: Vec<usize>,
}

fn needs_boundary(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() && !is_unspaced_script(c))
}

impl Matcher {
    /// Compiles the automaton of `set`; its regexes compile on first use.
    pub fn new(set: &PatternSet, limits: &Limits) -> Result<Self, PatternError> {
        let mut main = LiteralTable::new();
        let mut at_start = LiteralTable::new();
        let mut regexes = Vec::new();
        let mut unanchored = Vec::new();
        for (index, pattern) in set.patterns().iter().enumerate() {
            for phrase in &pattern.phrases {
                let folded = crate::normalize::fold_phrase(phrase);
                let ends = Ends {
                    word_start: needs_boundary(folded.chars().next()),
                    word_end: needs_boundary(folded.chars().next_back()),
                };
                main.add(folded, Entry::Phrase { pattern: index, ends });
            }
            if let Some(source) = &pattern.regex {
                let r = regexes.len();
                regexes.push(CompiledRegex { pattern: index, source: source.clone(), regex: OnceLock::new() });
                match gate_literals(source) {
                    Some(placed) => {
                        for p in placed {
                            let ends = Ends {
                                word_start: p.word_start && needs_boundary(p.literal.chars().next()),
                                word_end: p.word_end,
                            };
                            let gate = Gate { regex: r, ends, starts_match: p.starts_match };
                            if p.at_start {
                                at_start.add(p.literal, gate);
                            } else {
                                main.add(p.literal, Entry::Gate(gate));
                            }
                        }
                    }
                    None => unanchored.push(r),
                }
            }
        }
        Ok(Matcher {
            automata: Automata::build(&main.literals)?,
            entries: main.entries,
            start_automaton: StartAutomaton::build(&at_start.literals)?,
            start_gates: at_start.entries,
            regexes,
            regex_size: limits.regex_size,
            unanchored,
        })
    }

    /// Finds every hit in `text`, whose normalized form (with `AsciiCase::Fold`) is `norm`
    /// and whose blocks are `blocks` (sorted, disjoint). Hits are sorted by block, then position.
    pub fn find(&self, text: &str, norm: &Normalized, blocks: &[Block]) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut work = RegexWork::default();
        let normalized = norm.as_str();
        self.automata.for_each_occurrence(normalized, |m_start, m_end, literal| {
            // Most occurrences of short gate literals lie inside longer words: they are
            // dropped before their offsets are mapped.
            let around = Around::of(normalized, m_start, m_end);
            let mut fitting = self.entries[literal].iter().filter(|e| e.ends().fit(around)).peekable();
            if fitting.peek().is_none() {
                return;
            }
            let start = norm.map().start(m_start, text);
            let Some(block) = block_at(blocks, start) else { return };
            for entry in fitting {
                match *entry {
                    Entry::Phrase { pattern, .. } => {
                        let end = norm.map().end(m_end, text).min(blocks[block].end).max(start);
                        hits.push(Hit { block, start, end, pattern });
                    }
                    Entry::Gate(gate) => gate.wake(&mut work, block, m_start),
                }
            }
        });
        self.find_at_block_starts(text, norm, blocks, &mut work);
        for &r in &self.unanchored {
            (0..blocks.len()).for_each(|b| work.search(b, r));
        }
        let RegexWork { searches, tries, .. } = work.finish();
        let view = |index: usize| BlockView { text, norm, block: blocks[index], index };
        for &(b, r) in &searches {
            self.run_regex(&self.regexes[r], view(b), &mut hits);
        }
        for group in tries.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
            let (b, r, _) = group[0];
            let starts = group.iter().map(|&(_, _, at)| at);
            self.try_regex_at(&self.regexes[r], view(b), starts, &mut hits);
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    /// Wakes the regexes whose literals that count only at a block's start begin one.
    fn find_at_block_starts(&self, text: &str, norm: &Normalized, blocks: &[Block], work: &mut RegexWork) {
        let Some(start_automaton) = &self.start_automaton else { return };
        let normalized = norm.as_str();
        for (index, &block) in blocks.iter().enumerate() {
            let at = block_search_start(norm, block);
            // The literal must lie in this block by its original offset, as one the main
            // automata find must (an empty or collapsed block can share its start); checked
            // once a literal is found there, which most block starts are not.
            let mut in_block = None;
            start_automaton.for_each_at(normalized, at, |end, literal| {
                if !*in_block.get_or_insert_with(|| block_at(blocks, norm.map().start(at, text)) == Some(index)) {
                    return;
                }
                let around = Around::of(normalized, at, end);
                for gate in self.start_gates[literal].iter().filter(|g| g.ends.fit(around)) {
                    gate.wake(work, index, at);
                }
            });
        }
    }

    /// Runs one regex on the normalized text of one block (the regex folds ASCII case itself,
    /// the normalization did the rest).
    fn run_regex(&self, compiled: &CompiledRegex, view: BlockView, hits: &mut Vec<Hit>) {
        let Some(regex) = compiled.get(self.regex_size) else { return };
        let (from, to) = view.search_range();
        for m in regex.find_iter(&view.norm.as_str()[from..to]) {
            view.push_regex_hit(compiled.pattern, from + m.start()..from + m.end(), hits);
        }
    }

    /// Tries a regex, anchored, at `starts` (sorted normalized offsets in `block` of its
    /// literals that begin matches), giving the matches a search of the block would when the
    /// block holds none of its other literals: every match then starts at one of them, and a
    /// match hides the starts it covers. (One starting mid-word, which is never reported, is
    /// not tried, so it hides nothing.)
    fn try_regex_at(
        &self,
        compiled: &CompiledRegex,
        view: BlockView,
        starts: impl Iterator<Item = usize>,
        hits: &mut Vec<Hit>,
    ) {
        let Some(regex) = compiled.get(self.regex_size) else { return };
        let (from, to) = view.search_range();
        let haystack = &view.norm.as_str()[from..to];
        let mut next = from;
        for at in starts.filter(|&at| at < to) {
            if at < next {
                continue;
            }
            let input = Input::new(haystack).range(at - from..).anchored(Anchored::Yes);
            if let Some(m) = regex.search(&input) {
                next = from + m.end();
                view.push_regex_hit(compiled.pattern, from + m.start()..next, hits);
            }
        }
    }
}

/// The regex work a document's literals call for: blocks to search with a regex, and
/// places in blocks to try one at. Both lists grow with every literal found, and a literal
/// can be found at every byte (`$` in a line of `$$$…`), so they are compacted whenever they
/// have doubled: their size stays within a small multiple of what remains after dedup.
#[derive(Default)]
struct RegexWork {
    /// (block, regex) to search over the whole block.
    searches: Vec<(usize, usize)>,
    /// (block, regex, normalized offset) to try the regex at, anchored.
    tries: Vec<(usize, usize, usize)>,
    /// Compact when `searches.len() + tries.len()` reaches this.
    compact_at: usize,
}

impl RegexWork {
    const MIN_COMPACT_AT: usize = 1024;

    fn search(&mut self, block: usize, regex: usize) {
        if self.searches.last() != Some(&(block, regex)) {
            self.searches.push((block, regex));
            self.maybe_compact();
        }
    }

    fn try_at(&mut self, block: usize, regex: usize, at: usize) {
        self.tries.push((block, regex, at));
        self.maybe_compact();
    }

    fn maybe_compact(&mut self) {
        if self.searches.len() + self.tries.len() >= self.compact_at.max(Self::MIN_COMPACT_AT) {
            self.compact();
            self.compact_at = 2 * (self.searches.len() + self.tries.len());
        }
    }

    /// Sorts and dedups both lists; a regex tried more than [`MAX_ANCHORED_TRIES`] times in a
    /// block is searched there instead, and tries in blocks searched anyway are dropped.
    fn compact(&mut self) {
        self.tries.sort_unstable();
        self.tries.dedup();
        for group in self.tries.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
            if group.len() > MAX_ANCHORED_TRIES {
                self.searches.push((group[0].0, group[0].1));
            }
        }
        self.searches.sort_unstable();
        self.searches.dedup();
        let searches = &self.searches;
        self.tries.retain(|&(b, r, _)| searches.binary_search(&(b, r)).is_err());
    }

    /// The work left, both lists sorted.
    fn finish(mut self) -> Self {
        self.compact();
        self
    }
}

/// One block of a document, as a regex sees it.
#[derive(Clone, Copy)]
struct BlockView<'a> {
    text: &'a str,
    norm: &'a Normalized,
    block: Block,
    /// Index of the block in the document.
    index: usize,
}

impl BlockView<'_> {
    /// The normalized text a regex sees of the block: from [`block_search_start`] to its end.
    fn search_range(&self) -> (usize, usize) {
        let from = block_search_start(self.norm, self.block);
        (from, ceil_char_boundary(self.norm.as_str(), self.norm.map().to_normalized(self.block.end)).max(from))
    }

    /// Records a regex match (normalized offsets `range`) unless it is empty or, like a
    /// phrase, starts in the middle of a word of a spaced script.
    fn push_regex_hit(&self, pattern: usize, range: std::ops::Range<usize>, hits: &mut Vec<Hit>) {
        let normalized = self.norm.as_str();
        let mid_word = needs_boundary(normalized[..range.start].chars().next_back())
            && needs_boundary(normalized[range.start..].chars().next());
        if range.is_empty() || mid_word {
            return;
        }
        let (block, map) = (self.block, self.norm.map());
        let start = map.start(range.start, self.text).clamp(block.start, block.end);
        let end = map.end(range.end, self.text).clamp(start, block.end);
        hits.push(Hit { block: self.index, start, end, pattern });
    }
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
    fn anchored_tries_give_what_a_search_of_the_block_gives() {
        let s = regex_set(r"(?:follow|like) (?:us |me )?on (?:\w+ )?news|^donate (?:\S+ ){0,2}today");
        let text =
            "Like us on news. Follow me on the news\nfollow follow us on news\nDonate a lot today\nso donate today";
        assert_eq!(
            find(&s, text),
            vec![
                ("Like us on news".into(), 0),
                ("Follow me on the news".into(), 0),
                ("follow us on news".into(), 1),
                ("Donate a lot today".into(), 2),
            ]
        );
        // A match hides the starts it covers, as in a search: the second `follow` lies in the
        // first match.
        let s = regex_set(r"follow (?:\S+ ){0,3}news");
        assert_eq!(find(&s, "follow and follow the news"), vec![("follow and follow the news".into(), 0)]);
    }

    #[test]
    fn regex_work_stays_small_and_turns_many_tries_into_one_search() {
        let mut work = RegexWork::default();
        let mut largest = 0;
        for at in 0..100_000 {
            work.try_at(0, 7, at);
            work.search(1, 3);
            work.search(1, 4);
            work.try_at(2, 5, at % 3);
            largest = largest.max(work.searches.len() + work.tries.len());
        }
        assert!(largest <= 2 * RegexWork::MIN_COMPACT_AT, "{largest}");
        let RegexWork { searches, tries, .. } = work.finish();
        assert_eq!(searches, vec![(0, 7), (1, 3), (1, 4)]);
        assert_eq!(tries, vec![(2, 5, 0), (2, 5, 1), (2, 5, 2)]);
    }

    #[test]
    fn literals_of_every_script_are_found_in_documents_of_any_mix() {
        let s = set(r#"
[[pattern]]
id = "en.donation.mix"
phrases = ["donate today", "spenden für", "支持我们", "€5", "• news"]
weight = 0.5
examples = ["x"]
"#);
        let found = |text: &str| find(&s, text).into_iter().map(|(t, _)| t).collect::<Vec<_>>();
        assert_eq!(found("Please donate today."), vec!["donate today"]);
        assert_eq!(found("Jetzt spenden für uns, donate today"), vec!["spenden für", "donate today"]);
        assert_eq!(found("Donate today or give €5 • news"), vec!["Donate today", "€5", "• news"]);
        assert_eq!(found("请支持我们 donate today"), vec!["支持我们", "donate today"]);
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

    /// The matcher as it stood before anchored tries and per-script automata: every regex
    /// searched over every block, phrases by plain substring search (the vocabulary below is
    /// lower-case and separated by spaces, so normalization changes nothing and every
    /// occurrence stands between word boundaries).
    fn reference(set: &PatternSet, text: &str) -> Vec<(usize, usize, usize)> {
        let (blocks, breaks) = segment(text, BlockMode::Lines);
        let norm = normalize(text, breaks, AsciiCase::Fold);
        let mut hits = Vec::new();
        for (index, pattern) in set.patterns().iter().enumerate() {
            for phrase in &pattern.phrases {
                hits.extend(text.match_indices(phrase.as_str()).map(|(at, p)| (at, at + p.len(), index)));
            }
            if let Some(source) = &pattern.regex {
                let regex = compile_regex(source, 1 << 20).unwrap();
                for (b, block) in blocks.iter().enumerate() {
                    let view = BlockView { text, norm: &norm, block: *block, index: b };
                    let (from, to) = view.search_range();
                    let mut found = Vec::new();
                    for m in regex.find_iter(&norm.as_str()[from..to]) {
                        view.push_regex_hit(index, from + m.start()..from + m.end(), &mut found);
                    }
                    hits.extend(found.into_iter().map(|h| (h.start, h.end, h.pattern)));
                }
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    const VOCABULARY: &[&str] = &[
        "donate", "today", "follow", "us", "on", "news", "spenden", "für", "支持", "我们", "€5", "•", "🌟", "café",
        "the", "a",
    ];

    proptest::proptest! {
        #[test]
        fn hits_are_those_of_the_reference(words in proptest::collection::vec((0..VOCABULARY.len(), proptest::bool::weighted(0.15)), 0..40)) {
            let text: String = words.iter().map(|&(w, newline)| format!("{}{}", VOCABULARY[w], if newline { "\n" } else { " " })).collect();
            let s = set(r#"
[[pattern]]
id = "en.donation.p"
phrases = ["donate today", "spenden für", "支持", "€5 today", "• news", "café", "🌟 follow", "follow on 🌟", "the €5"]
weight = 0.5
examples = ["x"]

[[pattern]]
id = "en.donation.r"
regex = '(?:follow|donate) (?:\S+ ){0,3}(?:news|today)|^(?:the|a) (?:\S+ )?(?:café|news|我们)'
weight = 0.5
examples = ["x"]
"#);
            let m = Matcher::new(&s, &Limits::default()).unwrap();
            let (blocks, breaks) = segment(&text, BlockMode::Lines);
            let norm = normalize(&text, breaks, AsciiCase::Fold);
            let got: Vec<_> = m.find(&text, &norm, &blocks).into_iter().map(|h| (h.start, h.end, h.pattern)).collect();
            proptest::prop_assert_eq!(got, reference(&s, &text));
        }
    }
}
