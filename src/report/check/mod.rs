//! The reporters of `check`, one per format, behind the one [`Reporter`] trait.
//!
//! Every reporter renders the same [`CheckReport`], so the formats cannot disagree about what
//! was found. The JSON report is that structure serialized ([`json`] documents the schema);
//! the others are views of it for people ([`human`]), code scanning ([`sarif`]), workflow
//! annotations ([`github`]) and test dashboards ([`junit`]).
//!
//! Locations follow the scheme of the [`check` module](crate::check): for plain text files the real
//! line and column; for JSONL the record's line and the char column inside the record's text.
use super::Reporter;
use crate::check::CheckReport;

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

/// The output formats of `check`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// rustc/ruff-style diagnostics with the offending paragraph and a summary line.
    #[default]
    Human,
    /// One JSON object with the findings and the summary.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…` annotations).
    Github,
    /// JUnit XML: one test case per document (GitLab, Jenkins).
    Junit,
}

crate::named::named!(Format, "report format", {
    Human => "human", Json => "json", Sarif => "sarif", Github => "github", Junit => "junit"
});

impl Format {
    /// The reporter of this format; `color` is used by the human reporter only.
    pub fn reporter(self, color: bool) -> Box<dyn Reporter<CheckReport>> {
        match self {
            Format::Human => Box::new(human::Human { color }),
            Format::Json => Box::new(json::Json),
            Format::Sarif => Box::new(sarif::Sarif),
            Format::Github => Box::new(github::Github),
            Format::Junit => Box::new(junit::Junit),
        }
    }

    /// True when the reporter lists every document, not only those with findings.
    pub fn lists_all_documents(self) -> bool {
        self == Format::Junit
    }
}

/// A path as a relative URI reference (forward slashes, no `./`, reserved characters
/// escaped), as SARIF and GitHub want it.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => out.push_str("%25"),
            ' ' => out.push_str("%20"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            c => out.push(c),
        }
    }
    if out.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

/// The text reporters print at the end: counts and the verdict, in one sentence.
pub fn summary_line(report: &CheckReport) -> String {
    let s = &report.summary;
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line = if s.errors + s.warnings == 0 {
        format!("No boilerplate found in {}.", plural(s.documents, "document"))
    } else {
        let mut counts = Vec::new();
        if s.errors > 0 {
            counts.push(plural(s.errors, "error"));
        }
        if s.warnings > 0 {
            counts.push(plural(s.warnings, "warning"));
        }
        let leaking = s.documents_failing + s.documents_warning;
        format!("Found {} in {leaking} of {}.", counts.join(" and "), plural(s.documents, "document"))
    };
    if s.baselined > 0 {
        line.push_str(&format!(" {} accepted by the baseline.", plural(s.baselined, "finding")));
    }
    if let Some(max) = s.max_leak_rate {
        let verdict = if s.failed { "above" } else { "within" };
        line.push_str(&format!(
            " Leak rate {:.1}% is {verdict} the limit of {:.1}%.",
            s.leak_rate * 100.0,
            max * 100.0
        ));
    }
    if s.rejected > 0 {
        line.push_str(&format!(" {} could not be read.", plural(s.rejected, "record")));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_with_forward_slashes_and_escapes() {
        assert_eq!(uri("./docs/a b#1.txt"), "docs/a%20b%231.txt");
        assert_eq!(uri("docs\\x.jsonl"), "docs/x.jsonl");
        assert_eq!(uri("/abs/x.txt"), "file:///abs/x.txt");
    }
}
