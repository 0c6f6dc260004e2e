//! Flags whose values are the names of a library enum ([`Named`]): the possible values with
//! their help (for `--help`, completions and the man page) and the parser.
//!
//! The library names its values without an argument parser; the help of each value speaks of
//! flags, so it lives here.
use boilerguard::batch::{OnError, WarcOutput};
use boilerguard::check::Format;
use boilerguard::corpus::InputFormat;
use boilerguard::named::{Named, UnknownName};
use boilerguard::report::scan::ScanFormat;
use boilerguard::segment::BlockMode;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use std::str::FromStr;

/// A library enum offered as a flag's values.
pub trait Choice: Named + FromStr<Err = UnknownName> + Clone + Send + Sync {
    /// The value's line in `--help`.
    fn help(self) -> &'static str;
}

/// The parser of a flag whose values are `T`'s names.
pub fn choice<T: Choice>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::ALL.iter().map(|v| PossibleValue::new(v.name()).help(v.help())))
        .try_map(|name| name.parse::<T>())
}

impl Choice for BlockMode {
    fn help(self) -> &'static str {
        match self {
            BlockMode::Auto => "Paragraphs when the text looks hard-wrapped, else lines",
            BlockMode::Lines => "Every non-blank line is a block",
            BlockMode::Paragraphs => "Runs of non-blank lines separated by blank lines are blocks",
        }
    }
}

impl Choice for InputFormat {
    fn help(self) -> &'static str {
        match self {
            InputFormat::Auto => {
                "Parquet (`PAR1`) and WARC (a `WARC/1.x` first line) by content; else by file name (`.jsonl`, `.ndjson` → JSONL; `.warc`, `.wet` → WARC; `.txt`, `.md` → text); for other names and standard input, JSONL when the first non-blank byte is `{` and the first line is JSON"
            }
            InputFormat::Text => "The whole file is one document",
            InputFormat::Jsonl => "One JSON object per line",
            InputFormat::Warc => "WARC records (Common Crawl WARC or WET): one document per `conversion` record",
            InputFormat::Parquet => "A Parquet file: one document per row of the `--text-field` column",
        }
    }
}

impl Choice for OnError {
    fn help(self) -> &'static str {
        match self {
            OnError::Skip => "Reject it (written to `--rejects`, counted) and go on",
            OnError::Fail => "Stop the run with an error",
        }
    }
}

impl Choice for ScanFormat {
    fn help(self) -> &'static str {
        match self {
            ScanFormat::Jsonl => "The output record (docs/output-record.md), one JSON line per document",
            ScanFormat::Human => "A readable listing of the documents that have boilerplate",
        }
    }
}

impl Choice for Format {
    fn help(self) -> &'static str {
        match self {
            Format::Human => "rustc/ruff-style diagnostics with the offending paragraph and a summary line",
            Format::Json => "One JSON object with the findings and the summary",
            Format::Sarif => "SARIF 2.1.0, for GitHub code scanning and other SARIF viewers",
            Format::Github => "GitHub Actions workflow commands (`::error file=…` annotations)",
            Format::Junit => "JUnit XML: one test case per document (GitLab, Jenkins)",
        }
    }
}

impl Choice for WarcOutput {
    fn help(self) -> &'static str {
        match self {
            WarcOutput::Auto => {
                "WARC for `.warc`/`.wet` output names and directories, JSONL otherwise and on standard output"
            }
            WarcOutput::Jsonl => {
                "One JSON line per `conversion` record (id, url, WARC date, language, refers-to, text)"
            }
            WarcOutput::Warc => "WARC records again, every header byte kept but Content-Length and digests",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_has_help_and_parses() {
        fn check<T: Choice + PartialEq + std::fmt::Debug>() {
            for &v in T::ALL {
                assert!(!v.help().is_empty());
                let cmd = clap::Command::new("t").arg(clap::Arg::new("x").long("x").value_parser(choice::<T>()));
                let m = cmd.try_get_matches_from(["t", "--x", v.name()]).expect("a known name parses");
                assert_eq!(m.get_one::<T>("x"), Some(&v));
            }
        }
        check::<BlockMode>();
        check::<InputFormat>();
        check::<OnError>();
        check::<ScanFormat>();
        check::<Format>();
    }
}
