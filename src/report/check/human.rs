//! rustc/ruff-style diagnostics for people reading a terminal or a CI log.
//!
//! ```text
//! docs/en-appeal.txt:6:1: donation [en.donation.support-journalism] donation appeal in the article text (score 0.60)
//!   |
//! 6 | Support independent local journalism
//!   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
//! ```
//!
//! The header is `path:line:col: category [pattern ids] message` so that editors and CI logs
//! turn it into a link; for JSONL the gutter shows the record's line and a `= record <id>`
//! note names the record. Carets mark what the patterns matched (one per char; wide CJK
//! characters are not measured). Colour is the caller's decision (terminal and no `NO_COLOR`).
use super::summary_line;
use crate::check::{CheckFinding, CheckReport, Severity};
use crate::report::Reporter;
use std::io::{self, Write};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const CYAN: &str = "\x1b[36m";

/// The human reporter.
pub struct Human {
    /// Use ANSI colours.
    pub color: bool,
}

impl Human {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    fn finding(&self, f: &CheckFinding, out: &mut dyn Write) -> io::Result<()> {
        let accent = match f.severity {
            Severity::Error => RED,
            Severity::Warning => YELLOW,
        };
        let ids = if f.patterns.is_empty() {
            String::new()
        } else {
            format!(" {}", self.paint(CYAN, &format!("[{}]", f.patterns.join(", "))))
        };
        let warning = if f.severity == Severity::Warning { self.paint(YELLOW, "warning: ") } else { String::new() };
        writeln!(
            out,
            "{}: {}{ids} {warning}{}",
            self.paint(BOLD, &format!("{}:{}:{}", f.path, f.line, f.column)),
            self.paint(accent, f.category.as_str()),
            f.message
        )?;

        let lines: Vec<&str> = f.text.split('\n').collect();
        let last_number = f.record_line.unwrap_or(f.line + lines.len() as u64 - 1);
        let width = last_number.to_string().len();
        let bar = self.paint(BLUE, "|");
        writeln!(out, "{:width$} {bar}", "")?;
        let mut offset = 0;
        // `matches` are sorted and disjoint and the bytes are visited in order, so one index
        // walks them once: looking each byte up among all of them was quadratic in a block of
        // many matches.
        let mut next_match = 0;
        for (i, line) in lines.iter().enumerate() {
            let number = match f.record_line {
                None => Some(f.line + i as u64),
                Some(l) => (i == 0).then_some(l),
            };
            let gutter = number.map_or_else(String::new, |n| n.to_string());
            let (mut shown, mut carets, mut any, mut painting) = (String::new(), String::new(), false, false);
            for (byte, c) in line.trim_end_matches('\r').char_indices() {
                let c = if c.is_control() { ' ' } else { c };
                let at = offset + byte;
                while f.matches.get(next_match).is_some_and(|s| s.end <= at) {
                    next_match += 1;
                }
                let hit = f.matches.get(next_match).is_some_and(|s| s.start <= at);
                any |= hit;
                // One escape around each run of matched chars, not one per char: a log viewer
                // or a test reads the span as one.
                if self.color && hit != painting {
                    shown.push_str(if hit { accent } else { RESET });
                    painting = hit;
                }
                shown.push(c);
                carets.push(if hit { '^' } else { ' ' });
            }
            if painting {
                shown.push_str(RESET);
            }
            writeln!(out, "{} {bar} {}", self.paint(BLUE, &format!("{gutter:>width$}")), shown.trim_end())?;
            if any {
                writeln!(out, "{:width$} {bar} {}", "", self.paint(accent, carets.trim_end()))?;
            }
            offset += line.len() + 1;
        }
        if f.record_line.is_some() {
            writeln!(out, "{:width$} = record {}", "", f.id)?;
        }
        writeln!(out)
    }
}

impl Reporter<CheckReport> for Human {
    fn report(&self, report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
        for f in &report.findings {
            self.finding(f, out)?;
        }
        let line = summary_line(report);
        let style = if report.summary.failed { RED } else { BOLD };
        writeln!(out, "{}", self.paint(style, &line))
    }
}
