//! `explain`: every block with its label, its score, the patterns that hit and why.
//!
//! Meant for the moment a user asks "why was this flagged?" or "why did this appeal slip
//! through?": each block shows the arithmetic of its score, so the missing phrase or the
//! too-weak weight is visible at a glance.
use super::human::excerpt;
use crate::classify::{Reason, Scoring};
use crate::detector::{Analysis, Detector};
use crate::position::Cursor;
use std::fmt::Write;

fn scoring_line(s: &Scoring) -> String {
    format!(
        "{} evidence {:.2} × coverage {:.0}% → ×{:.2} × position ×{:.2} × length ×{:.2} ({} chars) = {:.2}",
        s.category,
        s.evidence,
        s.coverage * 100.0,
        crate::classify::coverage_factor(s.coverage),
        s.position_factor,
        s.length_factor,
        s.chars,
        s.score
    )
}

/// One document's analysis, as the explain reporter sees it.
pub struct Explanation<'a> {
    /// The detector that made it (threshold, pattern weights).
    pub detector: &'a Detector,
    /// The analysis.
    pub analysis: &'a Analysis<'a>,
}

/// Every block with its label, its score and its reasons.
pub struct Explain;

impl super::Reporter<Explanation<'_>> for Explain {
    fn report(&self, item: &Explanation<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(render(item.detector, item.analysis).as_bytes())
    }
}

/// The unit of the offsets in an explanation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Offsets {
    /// UTF-8 bytes, as in the output record (the command line).
    #[default]
    Bytes,
    /// Unicode scalar values, as `str` indices in Python.
    Chars,
}

/// Renders the explanation of `analysis`, offsets in bytes.
pub fn render(detector: &Detector, analysis: &Analysis<'_>) -> String {
    render_with(detector, analysis, Offsets::Bytes)
}

/// Renders the explanation of `analysis` with offsets in the unit asked for.
pub fn render_with(detector: &Detector, analysis: &Analysis<'_>, offsets: Offsets) -> String {
    let mut cursor = Cursor::new(analysis.text);
    let threshold = detector.config().classify.threshold;
    let patterns = detector.patterns();
    let mut out = String::new();
    let _ = writeln!(out, "{} blocks, threshold {:.2}", analysis.blocks.len(), threshold);
    // Blocks are in text order: lines are counted on from the previous block, not from the
    // start of the text for each (quadratic on a document of many short lines).
    let (mut line, mut counted_to) = (1, 0);
    for (i, (block, verdict)) in analysis.blocks.iter().zip(&analysis.verdicts).enumerate() {
        line += memchr::memchr_iter(b'\n', &analysis.text.as_bytes()[counted_to..block.start]).count();
        counted_to = block.start;
        let label = verdict.category.map_or("body", |c| c.as_str());
        let _ = writeln!(
            out,
            "\n#{i} line {line} [{label}] {:.2}  {}",
            verdict.score,
            excerpt(&analysis.text[block.start..block.end])
        );
        match &verdict.reason {
            Reason::NoEvidence => {
                let _ = writeln!(out, "    no pattern hit");
            }
            Reason::Scored(s) => {
                let verdict_word = if s.score >= threshold { "flagged" } else { "below threshold, body" };
                let _ = writeln!(out, "    {}: {verdict_word}", scoring_line(s));
            }
            Reason::JoinedByEvidence { anchor, own } => {
                let _ = writeln!(out, "    joined the region of block #{anchor}: own {} (below threshold) but same-category evidence next to it", scoring_line(own));
            }
            Reason::JoinedBetween { anchor } => {
                let _ = writeln!(
                    out,
                    "    joined the region of block #{anchor}: short block between two blocks of that region"
                );
            }
            Reason::JoinedHeading { anchor } => {
                let _ = writeln!(
                    out,
                    "    joined the appeal starting at block #{anchor}: a question, exclamation or shouted line heading it"
                );
            }
            Reason::JoinedBoxLine { anchor } => {
                let _ = writeln!(
                    out,
                    "    joined the appeal ending at block #{anchor}: a short line closing its box (amount, button, sign-off)"
                );
            }
            Reason::InMenu { own } => {
                let _ = writeln!(out, "    {}: a lone label among menu items, body", scoring_line(own));
            }
        }
        for hit in analysis.hits_in(i) {
            let p = &patterns[hit.pattern];
            let (start, end) = match offsets {
                Offsets::Bytes => (hit.start, hit.end),
                Offsets::Chars => (cursor.seek(hit.start).chars as usize, cursor.seek(hit.end).chars as usize),
            };
            let _ = writeln!(
                out,
                "    hit {} ({}, weight {:.2}) at {}..{}: \"{}\"  [{}:{}]",
                p.id,
                p.category,
                p.weight,
                start,
                end,
                &analysis.text[hit.start..hit.end],
                p.source.display(),
                p.line
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_shown_at_their_lines() {
        let detector = Detector::builtin().expect("built-in patterns");
        let text = "First line.\n\n\nDonate now\r\nbody\n\n  indented";
        let out = render(&detector, &detector.analyze(text));
        let lines: Vec<&str> =
            out.lines().filter(|l| l.starts_with('#')).map(|l| l.split(" [").next().unwrap_or_default()).collect();
        assert_eq!(lines, ["#0 line 1", "#1 line 4", "#2 line 5", "#3 line 7"]);
    }

    #[test]
    fn char_offsets_count_code_points_and_byte_offsets_bytes() {
        let detector = Detector::builtin().expect("built-in patterns");
        let text = "Él añadió: ¡ojalá!\nPlease donate to support our journalism today.\n";
        let analysis = detector.analyze(text);
        let hit = analysis.hits.first().expect("the appeal is hit");
        let (bytes, chars) = (render(&detector, &analysis), render_with(&detector, &analysis, Offsets::Chars));
        let char_start = text[..hit.start].chars().count();
        assert!(char_start < hit.start, "the accents make the units differ");
        assert!(bytes.contains(&format!(" at {}..", hit.start)), "{bytes}");
        assert!(chars.contains(&format!(" at {char_start}..")), "{chars}");
    }
}
