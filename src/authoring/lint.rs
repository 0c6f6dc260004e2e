//! `patterns lint`: problems a pattern author should look at before shipping a pattern.
//!
//! Validation ([`crate::pattern::parse_pattern_file`]) rejects what cannot work; lint reports what works badly:
//! duplicated or shadowed phrases, phrases so short they fire on ordinary words, regexes
//! that would run on every block, examples the pattern does not even match, and patterns
//! with too few examples to be reviewed.
use crate::matcher::literals::{anchored_at_start, gate_literals, MIN_USEFUL_LEN};
use crate::normalize::{fold_phrase, is_unspaced_script};
use crate::pattern::Pattern;
use std::collections::HashMap;

/// One lint finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lint {
    /// The pattern id.
    pub id: String,
    /// `file:line`.
    pub location: String,
    /// A short code (`duplicate-phrase`, `short-phrase`, …).
    pub code: &'static str,
    /// What is wrong and what to do.
    pub message: String,
}

/// A literal too short to narrow down where a regex runs: under three chars, or a single
/// char in scripts without spaces (where two chars already make a word). Literals of an
/// alternative anchored at the start of the block (`^…`) only count there, and a regex
/// anchored there as a whole fails at once elsewhere, so short literals are fine in both.
fn is_short_literal(literal: &str) -> bool {
    let chars = literal.chars().count();
    if literal.chars().all(is_unspaced_script) {
        chars < 2
    } else {
        chars < MIN_USEFUL_LEN
    }
}

/// Lints `patterns`. `examples_hit(i, text)` says whether pattern `i` matches `text`.
pub fn lint(patterns: &[Pattern], examples_hit: impl Fn(usize, &str) -> bool) -> Vec<Lint> {
    let mut out = Vec::new();
    let mut push = |p: &Pattern, code, message: String| {
        out.push(Lint { id: p.id.clone(), location: format!("{}:{}", p.source.display(), p.line), code, message })
    };
    let mut owners: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in patterns.iter().enumerate() {
        for phrase in &p.phrases {
            owners.entry(fold_phrase(phrase)).or_default().push(i);
        }
    }
    for (i, p) in patterns.iter().enumerate() {
        for phrase in &p.phrases {
            let folded = fold_phrase(phrase);
            let others: Vec<&str> =
                owners[&folded].iter().filter(|&&j| j != i).map(|&j| patterns[j].id.as_str()).collect();
            let repeated_here = owners[&folded].iter().filter(|&&j| j == i).count() > 1;
            if !others.is_empty() || repeated_here {
                let where_ = if others.is_empty() {
                    "twice in this pattern".to_string()
                } else {
                    format!("also in {}", others.join(", "))
                };
                push(p, "duplicate-phrase", format!("phrase {phrase:?} is {where_}"));
            }
            let chars = folded.chars().count();
            let unspaced = folded.chars().any(is_unspaced_script);
            if (unspaced && chars < 2) || (!unspaced && !folded.contains(' ') && chars <= 3) {
                push(
                    p,
                    "short-phrase",
                    format!("phrase {phrase:?} is so short it fires on ordinary words; make it a longer phrase"),
                );
            }
            // Judged on the weights as written (`prior_weight`): lint reviews the files, and
            // fitted weights are the data's word, not the author's.
            // Overlapping hits count once, at the stronger weight: a weak phrase inside a
            // strong one is deliberate layering, but a longer phrase that is no stronger than a
            // phrase inside it can never add anything.
            for (other, owners_of_other) in &owners {
                if other == &folded || !other.contains(folded.as_str()) {
                    continue;
                }
                let useless: Vec<&str> = owners_of_other
                    .iter()
                    .filter(|&&j| {
                        j != i && patterns[j].category == p.category && patterns[j].prior_weight <= p.prior_weight
                    })
                    .map(|&j| patterns[j].id.as_str())
                    .collect();
                if !useless.is_empty() {
                    let message = format!(
                        "phrase {phrase:?} (weight {}) is inside {other:?} of {}, which is no stronger: the longer phrase adds nothing",
                        p.prior_weight,
                        useless.join(", ")
                    );
                    push(p, "overlapping-phrase", message);
                }
            }
        }
        if let Some(regex) = &p.regex {
            // Judged on the literals the matcher gates the regex on; a regex anchored at the
            // start of the block is cheap to run however often they wake it.
            match gate_literals(regex) {
                None => push(
                    p,
                    "regex-without-literal",
                    "the regex has no required literal, so it runs on every block; anchor it on a fixed word".into(),
                ),
                Some(gate)
                    if !anchored_at_start(regex)
                        && gate.iter().any(|g| !g.at_start && is_short_literal(&g.literal)) =>
                {
                    let lits: Vec<&str> = gate.iter().map(|g| g.literal.as_str()).collect();
                    push(
                        p,
                        "regex-short-literal",
                        format!("the regex's required literals {lits:?} are very short; it will run on most blocks"),
                    )
                }
                Some(_) => {}
            }
        }
        for example in &p.examples {
            if !examples_hit(i, example) {
                push(p, "example-not-matched", format!("example {example:?} is not matched by this pattern"));
            }
        }
        if p.examples.len() < 2 {
            push(p, "few-examples", format!("{} example(s); give at least two", p.examples.len()));
        }
        if p.counter_examples.is_empty() {
            push(p, "no-counter-example", "no counter-example: add a body sentence that must not be flagged".into());
        }
    }
    out.sort_by(|a, b| a.location.cmp(&b.location).then(a.code.cmp(b.code)).then(a.message.cmp(&b.message)));
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::{parse_pattern_file, Limits};
    use std::path::Path;

    /// The `regex-…` lint codes of a pattern with `regex` and nothing else to complain about.
    fn regex_codes(regex: &str) -> Vec<&'static str> {
        let toml = format!(
            "[[pattern]]\nid = \"en.donation.r\"\nregex = '{regex}'\nweight = 0.5\nexamples = [\"x\", \"y\"]\ncounter_examples = [\"z\"]\n"
        );
        let patterns = parse_pattern_file(Path::new("t"), Path::new("en/donation.toml"), &toml, &Limits::default())
            .expect("pattern parses");
        lint(&patterns, |_, _| true).into_iter().map(|l| l.code).filter(|c| c.starts_with("regex-")).collect()
    }

    #[test]
    fn regexes_are_linted_on_the_literals_that_gate_them() {
        assert_eq!(regex_codes(r"\w+ \d+"), vec!["regex-without-literal"]);
        assert_eq!(regex_codes(r"\w+ at \w+"), vec!["regex-short-literal"]);
        assert!(regex_codes(r"(?:follow|subscribe) \w+ at").is_empty());
        // A short literal only counts at the start of the block where its alternative is
        // anchored there; the other alternatives are judged on their own.
        assert!(regex_codes(r"^at \w+").is_empty());
        assert!(regex_codes(r"^(?:\w+ at|\w+ on) \w+").is_empty());
        assert_eq!(regex_codes(r"^at \w+|\w+ on \w+"), vec!["regex-short-literal"]);
    }

    /// Whether lint calls `phrase` too short (a `th` pattern: the language does not matter).
    fn short_phrase(phrase: &str) -> bool {
        let toml = format!(
            "[[pattern]]\nid = \"th.donation.p\"\nphrases = [\"{phrase}\"]\nweight = 0.5\nexamples = [\"{phrase} a\", \"{phrase} b\"]\ncounter_examples = [\"z\"]\n"
        );
        let patterns = parse_pattern_file(Path::new("t"), Path::new("th/donation.toml"), &toml, &Limits::default())
            .expect("pattern parses");
        lint(&patterns, |_, _| true).iter().any(|l| l.code == "short-phrase")
    }

    #[test]
    fn two_chars_of_every_unspaced_script_are_a_phrase_as_the_matcher_sees_it() {
        // Lint once had its own, shorter list of these scripts: Thai, Lao, Hangul Jamo and
        // the CJK planes from U+20000 were judged as spaced scripts there.
        for phrase in ["บริ", "ບໍ", "ᄀᄁ", "\u{20000}\u{20001}", "寄付", "후원"] {
            assert!(!short_phrase(phrase), "{phrase}");
        }
        assert!(short_phrase("寄"));
        assert!(short_phrase("the"));
    }
}
