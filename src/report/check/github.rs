//! GitHub Actions workflow commands: each finding becomes an annotation on the pull request's
//! diff and in the run summary, with no upload step.
//!
//! `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message` for `--fail-on`
//! categories and `::warning …` for `--warn-on`. Values are escaped as the runner expects
//! (`%`, CR and LF everywhere; `:` and `,` in properties too). For JSONL the line is the
//! record's and the column is inside the record's text (see the module doc of `check`).
use super::summary_line;
use crate::check::{CheckReport, Severity};
use crate::report::human::excerpt;
use crate::report::Reporter;
use std::io::{self, Write};

/// The GitHub Actions reporter.
pub struct Github;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl Reporter<CheckReport> for Github {
    fn report(&self, report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
        for f in &report.findings {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let title = format!(
                "boilerguard: {} [{}]",
                f.category,
                if f.patterns.is_empty() { f.rule.clone() } else { f.patterns.join(", ") }
            );
            let record = if f.record_line.is_some() { format!(" in record {}", f.id) } else { String::new() };
            let message = format!("{}{record}: \"{}\"", f.message, excerpt(&f.text));
            let location = if f.line == f.end_line {
                format!("file={},line={},col={},endColumn={}", escape_property(&f.path), f.line, f.column, f.end_column)
            } else {
                format!("file={},line={},col={},endLine={}", escape_property(&f.path), f.line, f.column, f.end_line)
            };
            writeln!(out, "::{command} {location},title={}::{}", escape_property(&title), escape_data(&message))?;
        }
        writeln!(out, "{}", summary_line(report))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_values_are_escaped() {
        assert_eq!(escape_data("50% off\nnow"), "50%25 off%0Anow");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
