//! `boilerguard patterns list|test|lint`.
use super::args::DetectArgs;
use boilerguard::pattern::{lint::lint, run_examples};
use boilerguard::ExitStatus;
use clap::Subcommand;
use std::collections::BTreeSet;
use std::io::Write;

/// Tools for pattern authors.
#[derive(Debug, Subcommand)]
pub enum PatternsCommand {
    /// List patterns: id, category, language, weight, source.
    List {
        /// Print only the folded literal phrases, one per line (for other tools).
        #[arg(long)]
        phrases: bool,
        #[command(flatten)]
        detect: DetectArgs,
    },
    /// Run every example and counter-example; exit 1 on any failure.
    Test {
        #[command(flatten)]
        detect: DetectArgs,
    },
    /// Report duplicated or overlapping phrases, short phrases, regexes without literals,
    /// examples the pattern does not match; exit 1 when anything is reported.
    Lint {
        #[command(flatten)]
        detect: DetectArgs,
    },
}

pub fn run(command: PatternsCommand) -> anyhow::Result<ExitStatus> {
    match command {
        PatternsCommand::List { phrases, detect } => list(phrases, &detect),
        PatternsCommand::Test { detect } => test(&detect),
        PatternsCommand::Lint { detect } => run_lint(&detect),
    }
}

fn list(phrases: bool, detect: &DetectArgs) -> anyhow::Result<ExitStatus> {
    let detector = detect.detector()?;
    let mut out = std::io::stdout().lock();
    if phrases {
        let all: BTreeSet<String> = detector
            .patterns()
            .iter()
            .flat_map(|p| p.phrases.iter().map(|s| boilerguard::normalize::fold_phrase(s)))
            .collect();
        for phrase in all {
            writeln!(out, "{phrase}")?;
        }
        return Ok(ExitStatus::Success);
    }
    for p in detector.patterns() {
        let kind = match (p.phrases.is_empty(), p.regex.is_some()) {
            (false, true) => format!("{} phrases + regex", p.phrases.len()),
            (false, false) => format!("{} phrases", p.phrases.len()),
            _ => "regex".to_string(),
        };
        writeln!(
            out,
            "{:<48} {:<12} {:<3} {:.2}  {:<22} {}:{}",
            p.id,
            p.category.as_str(),
            p.lang,
            p.weight,
            kind,
            p.source.display(),
            p.line
        )?;
    }
    Ok(ExitStatus::Success)
}

fn test(detect: &DetectArgs) -> anyhow::Result<ExitStatus> {
    let detector = detect.detector()?;
    let failures = run_examples(&detector);
    let mut out = std::io::stdout().lock();
    for f in &failures {
        writeln!(out, "{}: {}: {} {:?}: {}", f.location, f.id, f.kind, f.text, f.reason)?;
    }
    let examples: usize = detector.patterns().iter().map(|p| p.examples.len() + p.counter_examples.len()).sum();
    writeln!(
        out,
        "{} patterns, {examples} examples and counter-examples, {} failed",
        detector.patterns().len(),
        failures.len()
    )?;
    Ok(if failures.is_empty() { ExitStatus::Success } else { ExitStatus::Findings })
}

fn run_lint(detect: &DetectArgs) -> anyhow::Result<ExitStatus> {
    let detector = detect.detector()?;
    let lints = lint(detector.patterns(), |i, text| detector.analyze(text).hits.iter().any(|h| h.pattern == i));
    let mut out = std::io::stdout().lock();
    for l in &lints {
        writeln!(out, "{}: {} [{}] {}", l.location, l.id, l.code, l.message)?;
    }
    writeln!(out, "{} patterns, {} lint findings", detector.patterns().len(), lints.len())?;
    Ok(if lints.is_empty() { ExitStatus::Success } else { ExitStatus::Findings })
}
