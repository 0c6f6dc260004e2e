//! The Aho-Corasick automata that find every literal (phrases and regex gates) in a
//! document's normalized text.
//!
//! The literals are split by script, so that a document is scanned by an automaton of only
//! the literals that can occur in it: a literal with a byte the document lacks cannot occur
//! in it. An automaton's DFA gives each state one slot per byte class, and the literals of
//! every script together need about 150 classes, twice the width of ASCII and Latin letters
//! alone; narrower states mean fewer cache lines read per byte scanned, and the scan is
//! bound by those reads.
//!
//! A DFA is chosen while the literal set is of a size where it pays, and the prefilter is
//! switched off for large sets, where it costs more than it saves (the figures are in
//! `docs/performance.md`).
use crate::error::PatternError;
use crate::normalize::{ceil_char_boundary, floor_char_boundary};
use aho_corasick::automaton::OverlappingState;
use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

/// Above this many literals the DFA's memory outweighs its speed.
const DFA_MAX_LITERALS: usize = 20_000;
/// Above this many literals the prefilter slows the scan down.
const PREFILTER_MAX_LITERALS: usize = 64;

/// First UTF-8 lead byte of the chars from U+0280 up: below it lie ASCII and the Latin
/// letters of Latin-1 and Latin Extended-A and -B, all the patterns' European languages use.
const LATIN_END_LEAD: u8 = 0xCA;

/// An automaton over some of the literals.
struct LiteralAutomaton {
    automaton: AhoCorasick,
    /// For each automaton pattern id, the index of that literal in the list the automata were
    /// built from.
    literals: Vec<usize>,
}

impl LiteralAutomaton {
    fn build(literals: &[String], keep: impl Fn(&str) -> bool) -> Result<Option<Self>, PatternError> {
        let (ids, kept): (Vec<usize>, Vec<&String>) = literals.iter().enumerate().filter(|(_, l)| keep(l)).unzip();
        if kept.is_empty() {
            return Ok(None);
        }
        Ok(Some(LiteralAutomaton { automaton: build_automaton(&kept)?, literals: ids }))
    }

    /// Calls `found(start, end, literal)` for every occurrence of its literals in `text[range]`.
    fn scan(&self, text: &str, range: std::ops::Range<usize>, found: &mut impl FnMut(usize, usize, usize)) {
        let from = range.start;
        for m in self.automaton.find_overlapping_iter(&text[range]) {
            found(from + m.start(), from + m.end(), self.literals[m.pattern().as_usize()]);
        }
    }
}

/// All the literals, split by script (see the module docs).
pub(crate) struct Automata {
    /// The ASCII literals, for documents whose normalized text is all ASCII.
    ascii: Option<LiteralAutomaton>,
    /// The literals of chars below U+0280 (ASCII ones included), for documents of such chars.
    latin: Option<LiteralAutomaton>,
    /// The literals with a char from U+0280 up, scanned after `latin` where such chars occur.
    other: Option<LiteralAutomaton>,
}

impl Automata {
    pub(crate) fn build(literals: &[String]) -> Result<Self, PatternError> {
        let is_latin = |l: &str| l.bytes().all(|b| b < LATIN_END_LEAD);
        // Building them is most of the start-up time; they are built side by side.
        let (ascii, (latin, other)) = rayon::join(
            || LiteralAutomaton::build(literals, |l| l.is_ascii()),
            || {
                rayon::join(
                    || LiteralAutomaton::build(literals, is_latin),
                    || LiteralAutomaton::build(literals, |l| !is_latin(l)),
                )
            },
        );
        Ok(Automata { ascii: ascii?, latin: latin?, other: other? })
    }

    /// Calls `found(start, end, literal)` for every occurrence of a literal in `text`, in no
    /// particular order; `literal` indexes the list the automata were built from.
    pub(crate) fn for_each_occurrence(&self, text: &str, mut found: impl FnMut(usize, usize, usize)) {
        let top = text.bytes().max().unwrap_or(0);
        let main = if top < 0x80 { &self.ascii } else { &self.latin };
        if let Some(main) = main {
            main.scan(text, 0..text.len(), &mut found);
        }
        if top >= LATIN_END_LEAD {
            if let Some(other) = &self.other {
                // Each of its literals holds a char from U+0280 up: it lies within its
                // longest length of one. Mostly Latin text with a few symbols (bullets, €,
                // emoji) is then scanned around those alone.
                for window in windows_around_high_chars(text, other.automaton.max_pattern_len()) {
                    other.scan(text, window, &mut found);
                }
            }
        }
    }
}

/// Literals that count only where they begin a block (the gates of regex alternatives
/// anchored with `^`). Found by the main automata, they were a third of all literal
/// occurrences on the bench corpus, nearly all of them in mid-block where they count for
/// nothing; looked up only at block starts, anchored, each lookup reads a few bytes.
pub(crate) struct StartAutomaton {
    automaton: AhoCorasick,
}

impl StartAutomaton {
    pub(crate) fn build(literals: &[String]) -> Result<Option<Self>, PatternError> {
        if literals.is_empty() {
            return Ok(None);
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Anchored)
            // Each lookup reads a few bytes: a DFA's speed would not show, its size would
            // (these literals span every script, so its states are wide).
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(literals)
            .map_err(|e| PatternError::limit(format!("cannot build the block-start automaton: {e}")))?;
        Ok(Some(StartAutomaton { automaton }))
    }

    /// Calls `found(end, literal)` for every literal that begins at byte `at` of `text`;
    /// `literal` indexes the list the automaton was built from.
    pub(crate) fn for_each_at(&self, text: &str, at: usize, mut found: impl FnMut(usize, usize)) {
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        let mut state = OverlappingState::start();
        // Cannot fail: the automaton supports anchored overlapping searches (Standard
        // semantics, anchored start) and has no size-dependent failure mode at search time.
        while self.automaton.try_find_overlapping(input.clone(), &mut state).is_ok() {
            let Some(m) = state.get_match() else { break };
            // The states after the first byte are shared with unanchored searches, whose
            // matches include literals that are suffixes of others (`more` in `read more`).
            if m.start() == at {
                found(m.end(), m.pattern().as_usize());
            }
        }
    }
}

/// Disjoint ranges of `text`, on char boundaries, holding every substring of at most `len`
/// bytes that contains a char from U+0280 up.
fn windows_around_high_chars(text: &str, len: usize) -> Vec<std::ops::Range<usize>> {
    let mut windows: Vec<std::ops::Range<usize>> = Vec::new();
    let high = text.bytes().enumerate().filter(|&(_, b)| b >= LATIN_END_LEAD).map(|(i, _)| i);
    for at in high {
        let start = floor_char_boundary(text, at.saturating_sub(len.saturating_sub(1)));
        let end = ceil_char_boundary(text, (at + len).min(text.len()));
        match windows.last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(end),
            _ => windows.push(start..end),
        }
    }
    windows
}

fn build_automaton(literals: &[&String]) -> Result<AhoCorasick, PatternError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_every_short_substring_around_high_chars() {
        let text = "abc € defghij • k 支持xyz";
        let windows = windows_around_high_chars(text, 4);
        assert!(windows.windows(2).all(|w| w[0].end < w[1].start), "{windows:?}");
        for (at, c) in text.char_indices().filter(|(_, c)| *c as u32 >= 0x280) {
            let covering = windows.iter().find(|w| w.contains(&at)).expect("a window around each high char");
            assert!(covering.start <= at.saturating_sub(3) && covering.end >= (at + 4).min(text.len()), "{c}");
        }
        assert!(windows_around_high_chars("plain ascii and café", 8).is_empty());
    }

    #[test]
    fn start_automaton_finds_only_the_literals_beginning_at_the_offset() {
        let literals = ["read", "read more", "more", "€"].map(String::from);
        let start = StartAutomaton::build(&literals).unwrap().unwrap();
        let found = |text: &str, at: usize| {
            let mut all = Vec::new();
            start.for_each_at(text, at, |end, literal| all.push((end, literal)));
            all
        };
        assert_eq!(found("read more now", 0), vec![(4, 0), (9, 1)]);
        assert_eq!(found("x\nread more", 2), vec![(6, 0), (11, 1)]);
        assert_eq!(found("we read more", 0), vec![]);
        assert_eq!(found("read more now and more and read more", 0), vec![(4, 0), (9, 1)]);
        assert_eq!(found("€ 5", 0), vec![(3, 3)]);
    }
}
