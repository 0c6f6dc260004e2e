//! Required literals of a regex: strings of which every match must contain at least one.
//!
//! Regexes are too slow to run over whole documents (a Unicode `\b` crawls), so
//! the matcher puts a regex's required literals into the phrase automata and runs the regex
//! only on the blocks where one of them occurs, or only at them where they begin every match
//! ([`gate_literals`]). Pattern authors never list these
//! literals: they are derived from the regex syntax tree here. A regex with no derivable
//! literal still works, but runs on every block; `patterns lint` reports it.
//!
//! Each top-level alternative of a regex contributes its own best set, with what it promises
//! about where its literals stand: an alternative anchored with `^` can only match at the
//! start of a block, so its literals found anywhere else wake nothing, which spares regex
//! runs that would mostly find nothing.
use crate::normalize::fold_phrase;
use regex_syntax::hir::{Class, ClassUnicode, Hir, HirKind, Look};
use std::cmp::Reverse;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Literals shorter than this are too common to narrow anything down.
pub const MIN_USEFUL_LEN: usize = 3;

/// The literals the matcher finds before it runs `regex`, or `None` when some alternative
/// has none (the regex then runs on every block).
///
/// Each top-level alternative is gated on its own: on the literals that begin every one of its
/// matches (see [`Placed::starts_match`]) when that set is no worse than its best required
/// set by the measure that picks the latter (its commonest literal, then fewer literals: see
/// `score`), else on that required set. Beginning literals let the matcher try the regex,
/// anchored, just where they were found, and most such tries die within a few bytes, where a
/// search of the whole block reads all of it; but a beginning set of shorter or more literals
/// (`i`, `we`) would wake the regex far more often than that saves. An alternative anchored with `^` always
/// takes its beginning set, which only counts at a block's start.
pub fn gate_literals(regex: &str) -> Option<Vec<Placed>> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(regex).ok()?;
    let mut placed = Vec::new();
    for alternative in alternatives(&hir) {
        let required = required(alternative);
        let beginning = prefix_factor(alternative, Glue::No).map(|f| f.set).filter(|set| requires_something(set));
        let at_start = starts_at_text_start(alternative);
        let no_worse = |set: &[String]| required.as_ref().map_or(true, |(r, _)| score(set) >= score(r));
        match beginning {
            Some(set) if at_start || no_worse(&set) => {
                placed.extend(set.iter().map(|s| Placed {
                    literal: fold_phrase(s),
                    word_start: true,
                    word_end: s.ends_with(char::is_whitespace),
                    at_start,
                    starts_match: true,
                }));
            }
            _ => placed.extend(place_required(alternative, required?)),
        }
    }
    finish(placed)
}

/// Whether every match of `regex` starts at the start of the text searched (each of its
/// alternatives begins with `^`): such a regex fails at once where it does not apply, so it
/// is cheap to run whatever wakes it.
pub fn anchored_at_start(regex: &str) -> bool {
    regex_syntax::ParserBuilder::new()
        .build()
        .parse(regex)
        .is_ok_and(|hir| alternatives(&hir).into_iter().all(starts_at_text_start))
}

/// The top-level alternatives of a regex (itself when it has none).
fn alternatives(hir: &Hir) -> Vec<&Hir> {
    match top_level(hir).kind() {
        HirKind::Alternation(branches) => branches.iter().collect(),
        _ => vec![hir],
    }
}

/// A required literal and where it stands in the matches it can be part of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    /// Folded like phrases.
    pub literal: String,
    /// True when, in every match, the char before it is not part of the same word (the
    /// literal starts the match, or follows a space in the regex). Found in the middle of a
    /// word, it cannot be part of a match that starts at a word boundary.
    pub word_start: bool,
    /// True when, in every match, a space follows it (the regex has one right after it,
    /// which folding trims off): found followed by a word char, it cannot be part of a match.
    pub word_end: bool,
    /// True when every match it can be part of starts with it at the start of the text
    /// searched (its alternative begins with `^`); found anywhere else, it cannot belong to
    /// a match.
    pub at_start: bool,
    /// True when every match it can be part of begins with it (it, or another literal of the
    /// same set, starts the match); false when it only lies somewhere inside.
    pub starts_match: bool,
}

/// The best set of required literals of each top-level alternative of `regex`, folded like
/// phrases and placed, or `None` when some alternative has no required factor. Sorted by
/// literal, each literal once.
pub fn required_literals_at(regex: &str) -> Option<Vec<Placed>> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(regex).ok()?;
    let placed = alternatives(&hir)
        .into_iter()
        .map(|alternative| Some(place_required(alternative, required(alternative)?)))
        .collect::<Option<Vec<_>>>()?;
    finish(placed.into_iter().flatten().collect())
}

/// Sorts and dedups placed literals; `None` if one is empty (it would match everywhere).
fn finish(mut placed: Vec<Placed>) -> Option<Vec<Placed>> {
    if placed.iter().any(|p| p.literal.is_empty()) {
        return None;
    }
    placed.sort_by(|a, b| a.literal.cmp(&b.literal));
    // The same literal from two places keeps the weaker promises.
    placed.dedup_by(|later, earlier| {
        let same = later.literal == earlier.literal;
        if same {
            earlier.word_start &= later.word_start;
            earlier.word_end &= later.word_end;
            earlier.at_start &= later.at_start;
            earlier.starts_match &= later.starts_match;
        }
        same
    });
    Some(placed)
}

/// The best required set of one alternative (what [`required`] found of it), folded and placed.
fn place_required(hir: &Hir, (set, prefix): (Vec<String>, bool)) -> Vec<Placed> {
    let anchored = prefix && starts_at_text_start(hir);
    set.iter()
        .map(|s| Placed {
            literal: fold_phrase(s),
            word_start: prefix || s.starts_with(char::is_whitespace),
            word_end: s.ends_with(char::is_whitespace),
            at_start: anchored,
            starts_match: false,
        })
        .collect()
}

/// Capture groups around the whole regex change nothing it requires.
fn top_level(hir: &Hir) -> &Hir {
    match hir.kind() {
        HirKind::Capture(cap) => top_level(&cap.sub),
        _ => hir,
    }
}

/// Whether `hir` begins with `^` (not the multi-line kind, which matches after any `\n`).
fn starts_at_text_start(hir: &Hir) -> bool {
    match top_level(hir).kind() {
        HirKind::Look(Look::Start) => true,
        HirKind::Concat(subs) => subs.first().is_some_and(starts_at_text_start),
        _ => false,
    }
}

fn is_zero_width(hir: &Hir) -> bool {
    matches!(hir.kind(), HirKind::Look(_) | HirKind::Empty)
}

/// Higher is better: the literal found most often decides how often the regex is woken up;
/// past [`RARE_ENOUGH`] that no longer matters, and of two sets as good, the one with fewer
/// literals, then fewer bytes, makes the automaton smaller (every automaton state is one
/// literal byte, and the scan is bound by reading states).
fn score(set: &[String]) -> Score {
    let commonest = set.iter().map(|s| weight(s)).min().unwrap_or(0);
    let bytes: usize = set.iter().map(|s| s.trim().len()).sum();
    (commonest.min(RARE_ENOUGH), Reverse(set.len()), Reverse(bytes))
}

/// The weight (see [`weight`]) of a literal found rarely enough that a heavier one would not
/// wake its regex noticeably less: an uncommon word of thirteen letters, or two of six.
/// Measured on the bench corpus: 20 and 34 were both a little slower, 14 clearly (more regex
/// runs), none changed the output.
const RARE_ENOUGH: usize = 26;

type Score = (usize, Reverse<usize>, Reverse<usize>);

/// How rare a literal is, in half chars: its length, with each very common word (see
/// `common_words.txt`) counted at half its length, for `get` is found far more often than
/// `fee`, and `your` than `fund`; and of two common words the shorter is the commoner.
fn weight(literal: &str) -> usize {
    let (mut words, mut half_chars) = (0usize, 0);
    for word in literal.split_whitespace() {
        let chars = word.chars().count();
        words += 1;
        half_chars += if is_common_word(word) { chars } else { 2 * chars };
    }
    // Each space between words counts as a char.
    half_chars + 2 * words.saturating_sub(1)
}

fn is_common_word(word: &str) -> bool {
    static COMMON: OnceLock<HashSet<&'static str>> = OnceLock::new();
    COMMON
        .get_or_init(|| {
            include_str!("common_words.txt").lines().filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
        })
        .contains(word.to_lowercase().as_str())
}

/// Classes of a few chars (`[$€£]`, what `(?:\$|€|£)` compiles to) are as good as an
/// alternation of literals.
fn small_class(class: &ClassUnicode) -> Option<Vec<String>> {
    const MAX_CLASS_CHARS: u32 = 8;
    let size: u32 = class.ranges().iter().map(|r| r.end() as u32 - r.start() as u32 + 1).sum();
    if size > MAX_CLASS_CHARS {
        return None;
    }
    Some(class.iter().flat_map(|r| (r.start()..=r.end()).map(String::from)).collect())
}

/// Largest literal set a cross product may grow to: beyond it the automaton grows faster than
/// the literals get rarer.
const MAX_CROSS_PRODUCT: usize = 64;

/// A set of literals of which every match of some part of a regex contains one.
struct Factor {
    set: Vec<String>,
    /// The literal starts every match of that part.
    prefix: bool,
    /// The part matches exactly one of the strings of `set`, nothing more (a literal, a small
    /// class, an alternation of such): neighbours can then be glued on by cross product.
    exact: bool,
}

/// The best required literal set of `hir`, and whether it starts every match.
fn required(hir: &Hir) -> Option<(Vec<String>, bool)> {
    // Nothing is glued to the alternative itself: its best window, not the whole.
    factor(hir, Glue::No).filter(|f| requires_something(&f.set)).map(|f| (f.set, f.prefix))
}

/// Whether every string of the set is non-empty: one that holds the empty string (an
/// optional part not glued to anything) is found everywhere.
fn requires_something(set: &[String]) -> bool {
    set.iter().all(|s| !s.is_empty())
}

/// The best factor of `hir`; with [`Glue::Yes`], a part that multiplies out whole is
/// returned whole and exact, for its neighbours to be glued to.
fn factor(hir: &Hir, glue: Glue) -> Option<Factor> {
    match hir.kind() {
        HirKind::Literal(lit) => {
            Some(Factor { set: vec![String::from_utf8(lit.0.to_vec()).ok()?], prefix: true, exact: true })
        }
        HirKind::Class(Class::Unicode(class)) => {
            small_class(class).map(|set| Factor { set, prefix: true, exact: true })
        }
        HirKind::Capture(cap) => factor(&cap.sub, glue),
        HirKind::Repetition(rep) if rep.min == 1 && rep.max == Some(1) => factor(&rep.sub, glue),
        HirKind::Repetition(rep) if rep.min >= 1 => factor(&rep.sub, Glue::Yes).map(|f| Factor { exact: false, ..f }),
        HirKind::Repetition(rep) if rep.max == Some(1) => optional(factor(&rep.sub, Glue::Yes)?),
        HirKind::Concat(subs) => concat_factor(subs, glue),
        HirKind::Alternation(subs) => union(subs, |branch| factor(branch, glue)),
        _ => None,
    }
}

/// The best factor of a concatenation. Runs of exact neighbours are multiplied out
/// (`(?:when|if) you (?:buy|shop)` requires one of `when you buy`, `if you shop`…), which
/// turns common short words into rare phrases; zero-width assertions inside a run are
/// transparent. Every window of neighbours whose product stays small is weighed, not only
/// the longest from the left: where `a (?:b|c)? d` cannot all be multiplied out, `b d` may
/// still beat `a`.
fn concat_factor(subs: &[Hir], glue: Glue) -> Option<Factor> {
    let parts: Vec<Option<Factor>> =
        subs.iter().filter(|sub| !is_zero_width(sub)).map(|sub| factor(sub, Glue::Yes)).collect();
    let mut best = Best::default();
    for (i, part) in parts.iter().enumerate() {
        let Some(first) = part else { continue };
        // Only the first part after leading assertions starts every match.
        let prefix = first.prefix && i == 0;
        best.offer(&first.set, prefix);
        if !first.exact {
            continue;
        }
        let mut window = first.set.clone();
        let mut end = i + 1;
        while let Some(Some(next)) = parts.get(end) {
            if !next.exact || window.len() * next.set.len() > MAX_CROSS_PRODUCT {
                break;
            }
            window = cross(&window, &next.set);
            end += 1;
            best.offer(&window, prefix);
        }
        if i == 0 && end == parts.len() && glue == Glue::Yes {
            // All of it multiplied out: exact, to be glued to its own neighbours as it is.
            return Some(Factor { set: window, prefix: true, exact: true });
        }
    }
    best.factor()
}

/// Whether a factor may be glued to its neighbours: when it can, a concatenation that
/// multiplies out whole is returned whole, for them; when not (an alternative of the regex
/// itself), its best window.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Glue {
    Yes,
    No,
}

/// The best of the literal sets offered as inexact factors: one that requires something
/// and scores no lower than the others (of two as good, the later one). A set is copied
/// only when it is the best so far.
#[derive(Default)]
struct Best(Option<(Score, Factor)>);

impl Best {
    fn offer(&mut self, set: &[String], prefix: bool) {
        if !requires_something(set) {
            return;
        }
        let candidate = score(set);
        if self.0.as_ref().map_or(true, |(best, _)| candidate >= *best) {
            self.0 = Some((candidate, Factor { set: set.to_vec(), prefix, exact: false }));
        }
    }

    fn factor(self) -> Option<Factor> {
        self.0.map(|(_, f)| f)
    }
}

/// The literals that start every match of `hir`, multiplied out with the exact parts that
/// follow them while the product stays small; `None` when a match can start otherwise.
fn prefix_factor(hir: &Hir, glue: Glue) -> Option<Factor> {
    match hir.kind() {
        HirKind::Literal(_) | HirKind::Class(_) => factor(hir, glue),
        HirKind::Capture(cap) => prefix_factor(&cap.sub, glue),
        HirKind::Repetition(rep) if rep.min == 1 && rep.max == Some(1) => prefix_factor(&rep.sub, glue),
        HirKind::Repetition(rep) if rep.min >= 1 => {
            prefix_factor(&rep.sub, Glue::Yes).map(|f| Factor { exact: false, ..f })
        }
        HirKind::Repetition(rep) if rep.max == Some(1) => optional(factor(&rep.sub, Glue::Yes)?),
        HirKind::Alternation(subs) => union(subs, |branch| prefix_factor(branch, glue)),
        HirKind::Concat(subs) => {
            let mut parts = subs.iter().filter(|sub| !is_zero_width(sub));
            let mut run = prefix_factor(parts.next()?, Glue::Yes)?;
            // Each longer run is another candidate: `donate (?:now)?` begins with `donate`
            // whether or not `now` follows, and one literal is better than two.
            let mut best = Best::default();
            for sub in parts {
                match factor(sub, Glue::Yes) {
                    Some(f) if run.exact && f.exact && run.set.len() * f.set.len() <= MAX_CROSS_PRODUCT => {
                        best.offer(&run.set, run.prefix);
                        run.set = cross(&run.set, &f.set);
                    }
                    _ => {
                        run.exact = false;
                        break;
                    }
                }
            }
            if run.exact && glue == Glue::Yes {
                return Some(run);
            }
            best.offer(&run.set, run.prefix);
            best.factor()
        }
        _ => None,
    }
}

/// The factor of an optional exact part (`(?:help )?`): its strings or nothing. Alone it
/// requires nothing (the empty literal makes a set that never wins), but glued to its
/// neighbours it turns `to (?:help )?write` into `to write` and `to help write`, far rarer
/// than `write`.
fn optional(f: Factor) -> Option<Factor> {
    if !f.exact {
        return None;
    }
    let mut set = vec![String::new()];
    set.extend(f.set);
    Some(Factor { set, prefix: true, exact: true })
}

/// The factor of an alternation: every branch must have one (`each` of it), and the union
/// holds only what all of them promise.
fn union(branches: &[Hir], each: impl Fn(&Hir) -> Option<Factor>) -> Option<Factor> {
    let mut all = Factor { set: Vec::new(), prefix: true, exact: true };
    for branch in branches {
        let f = each(branch)?;
        all.set.extend(f.set);
        all.prefix &= f.prefix;
        all.exact &= f.exact;
    }
    Some(all)
}

fn cross(left: &[String], right: &[String]) -> Vec<String> {
    let mut out: Vec<String> = left.iter().flat_map(|l| right.iter().map(move |r| format!("{l}{r}"))).collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(re: &str) -> Option<Vec<String>> {
        required_literals_at(re).map(|placed| placed.into_iter().map(|p| p.literal).collect())
    }

    #[test]
    fn picks_the_rarest_required_factor() {
        assert_eq!(lits(r"support (?:\S+ ){0,2}journalism"), Some(vec!["journalism".into()]));
        assert_eq!(lits(r"les (?:\w+ ){0,4}exprimées"), Some(vec!["exprimées".into()]));
        assert_eq!(
            lits(r"les opinions exprimées (?:\w+ ){0,4}n'engagent"),
            Some(vec!["les opinions exprimées".into()])
        );
        // Both rare enough: the one literal of fewer bytes makes the automaton smaller.
        assert_eq!(
            lits(r"partenaire amazon,? (?:nous|je) (?:réalisons|percevons) un bénéfice"),
            Some(vec!["partenaire amazon".into()])
        );
    }

    #[test]
    fn alternation_needs_a_literal_in_every_branch() {
        assert_eq!(lits(r"(?:donate|give) (?:\w+ )?today"), Some(vec!["today".into()]));
        assert_eq!(lits(r"(?:donate now|chip in)"), Some(vec!["chip in".into(), "donate now".into()]));
        assert_eq!(lits(r"(?:donate|\w+)"), None);
    }

    #[test]
    fn exact_neighbours_are_multiplied_out() {
        assert_eq!(lits(r"support (?:our|the) work"), Some(vec!["support our work".into(), "support the work".into()]));
        assert_eq!(
            lits(r"(?:when|if) you (?:buy|shop)\b"),
            Some(vec!["if you buy".into(), "if you shop".into(), "when you buy".into(), "when you shop".into()])
        );
        // An optional part is glued in as its strings or nothing.
        assert_eq!(
            lits(r"(?:for|to) (?:the )?members"),
            Some(vec!["for members".into(), "for the members".into(), "to members".into(), "to the members".into()])
        );
        // A part that is only a factor of its alternation branch is not glued to its neighbours.
        assert_eq!(lits(r"n'engage que (?:leurs? (?:\S+ )?auteurs?|le signataire)"), Some(vec!["n'engage que".into()]));
    }

    #[test]
    fn every_window_of_exact_neighbours_is_weighed() {
        // All three multiplied out would be 128 literals; the first two alone are 64 short
        // ones; the last two make 16 longer ones.
        let set = lits(r"(?:aa|bb|cc|dd|ee|ff|gg|hh) (?:ii|jj|kk|ll|mm|nn|oo|pp) (?:quick|brown)").unwrap();
        assert_eq!(set.len(), 16, "{set:?}");
        assert!(set.iter().all(|s| s.len() == 8 && (s.ends_with(" quick") || s.ends_with(" brown"))), "{set:?}");
    }

    #[test]
    fn common_words_weigh_less_than_their_length() {
        assert_eq!(lits(r"your (?:\S+ )?fund"), Some(vec!["fund".into()]));
        assert_eq!(lits(r"(?:get|try) (?:\S+ ){0,3}(?:fee|fees)"), Some(vec!["fee".into(), "fees".into()]));
        // Of two common words, the longer.
        assert_eq!(lits(r"on (?:\S+ )?would"), Some(vec!["would".into()]));
        assert!(is_common_word("Your") && !is_common_word("journalism"));
    }

    #[test]
    fn cross_products_stay_small() {
        let many = (0..20).map(|i| format!("w{i:02}")).collect::<Vec<_>>().join("|");
        let set = lits(&format!("(?:{many}) (?:{many}) tail")).unwrap();
        assert!(set.len() <= MAX_CROSS_PRODUCT, "{} literals", set.len());
        assert!(set.iter().all(|s| s.len() >= 3));
    }

    #[test]
    fn optional_parts_are_required_only_glued_to_others() {
        assert_eq!(lits(r"(?:please )?donate"), Some(vec!["donate".into()]));
        assert_eq!(lits(r"to (?:help )?write"), Some(vec!["to help write".into(), "to write".into()]));
        assert_eq!(lits(r"(?:xyz)?"), None);
        assert_eq!(lits(r"\w+"), None);
        assert_eq!(lits(r"(?:xyz)*"), None);
    }

    #[test]
    fn small_classes_are_literal_sets() {
        assert_eq!(lits(r"^(?:\$|€|£) ?\d+"), Some(vec!["$".into(), "£".into(), "€".into()]));
        assert_eq!(lits(r"[a-z]+"), None);
    }

    #[test]
    fn literals_that_start_a_word_in_every_match_are_told_apart() {
        let at = |re| required_literals_at(re).map(|r| r.into_iter().map(|p| p.word_start).collect::<Vec<_>>());
        assert_eq!(at(r"(?:subscribe|join) (?:\S+ ){0,4}now"), Some(vec![true, true]));
        assert_eq!(at(r"^(?:read|see) more"), Some(vec![true, true]));
        assert_eq!(at(r"\w+expressed here"), Some(vec![false]));
        assert_eq!(at(r"(?:please )?donate today"), Some(vec![false]));
        assert_eq!(at(r"\w+(?:abcd|efgh)"), Some(vec![false, false]));
    }

    #[test]
    fn literals_followed_by_a_space_in_every_match_are_told_apart() {
        let ends = |re| gate_literals(re).map(|r| r.into_iter().map(|p| (p.literal, p.word_end)).collect::<Vec<_>>());
        let own = |l: &str, word_end: bool| (l.to_string(), word_end);
        // The space after the group is glued on, then trimmed by folding.
        assert_eq!(ends(r"(?:count|counts) (?:\S+ ){0,3}on"), Some(vec![own("count", true), own("counts", true)]));
        assert_eq!(ends(r"(?:count|counts)(?:\S+ ){0,3}on readers"), Some(vec![own("on readers", false)]));
        assert_eq!(ends(r"\w+ counts? on"), Some(vec![own("count on", false), own("counts on", false)]));
        // The same literal from a place without the space keeps the weaker promise.
        assert_eq!(ends(r"donate (?:\S+ )?now|donate\S+ (?:\S+ )?now"), Some(vec![own("donate", false)]));
    }

    #[test]
    fn literals_of_alternatives_anchored_at_the_start_are_told_apart() {
        let at = |re| {
            required_literals_at(re)
                .map(|r| r.into_iter().map(|p| (p.literal, p.at_start)).unzip::<_, _, Vec<_>, Vec<_>>())
        };
        let lits = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(at(r"^(?:read|see) more"), Some((lits(&["read more", "see more"]), vec![true, true])));
        // Each alternative keeps its own promise.
        assert_eq!(at(r"^read more|follow us"), Some((lits(&["follow us", "read more"]), vec![false, true])));
        // The same literal in an anchored and a free alternative may stand anywhere.
        assert_eq!(at(r"^donate|(?:donate|give)"), Some((lits(&["donate", "give"]), vec![false, false])));
        // Multi-line `^` matches after any line break; an optional lead-in moves the literal.
        assert_eq!(at(r"(?m)^donate now"), Some((lits(&["donate now"]), vec![false])));
        assert_eq!(at(r"^(?:please )?donate"), Some((lits(&["donate"]), vec![false])));
    }

    #[test]
    fn alternatives_are_gated_on_the_literals_that_begin_them_unless_required_ones_are_better() {
        let gate = |re| {
            gate_literals(re)
                .map(|placed| placed.into_iter().map(|p| (p.literal, p.starts_match, p.at_start)).collect::<Vec<_>>())
        };
        let own = |l: &str, starts: bool, at_start: bool| (l.to_string(), starts, at_start);
        // `follow`/`subscribe` begin every match and are longer than `news`.
        assert_eq!(
            gate(r"(?:follow|subscribe) (?:\S+ ){0,3}news"),
            Some(vec![own("follow", true, false), own("subscribe", true, false)])
        );
        // As long, but two against one: `news` gates.
        assert_eq!(gate(r"(?:join|like) (?:\S+ ){0,3}news"), Some(vec![own("news", false, false)]));
        // `we` is shorter than the required `rely on`: the required literal gates.
        assert_eq!(gate(r"we (?:\S+ )?rely on"), Some(vec![own("rely on", false, false)]));
        // Exact neighbours are multiplied out; each alternative decides for itself; an
        // alternative anchored at the start always takes its beginning literals.
        assert_eq!(
            gate(r"(?:read|see) more|^a (?:\S+ )?story|we (?:\S+ )?rely on"),
            Some(vec![
                own("a", true, true),
                own("read more", true, false),
                own("rely on", false, false),
                own("see more", true, false),
            ])
        );
        // Of the beginning sets, the best: every match begins with `donate`, and one literal is
        // better than two.
        assert_eq!(gate(r"donate(?: now)?"), Some(vec![own("donate", true, false)]));
        // An alternative with neither has no gate.
        assert_eq!(gate(r"donate|\w+"), None);
    }

    #[test]
    fn regexes_anchored_at_the_start_in_every_alternative_are_told_apart() {
        assert!(anchored_at_start(r"^(?:\$|€) ?\d+$"));
        assert!(anchored_at_start(r"^read more|^see more"));
        assert!(!anchored_at_start(r"^read more|see more"));
        assert!(!anchored_at_start(r"(?m)^read more"));
    }

    #[test]
    fn literals_are_folded_like_phrases() {
        assert_eq!(lits(r"Views Expressed"), Some(vec!["views expressed".into()]));
    }
}
