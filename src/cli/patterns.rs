//! `boilerguard patterns list|test|lint|stats`.
use super::args::DetectArgs;
use super::eval::{read_gold_files, EvalFormat};
use super::ExitStatus;
use boilerguard::authoring::fit::{changed_weights, fit, prepare, FitOptions};
use boilerguard::authoring::stats::{pattern_stats, render_stats};
use boilerguard::authoring::{lint::lint, run_examples};
use boilerguard::corpus::output::write_file;
use boilerguard::pattern::fitted::{render, FITTED_FILE};
use clap::Subcommand;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

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
    /// Per pattern, its hits on each gold label of labeled data, its precision, the positives
    /// only it catches and the body paragraphs it pushes over the threshold.
    Stats {
        /// Labeled data (the `eval` format); several files are pooled.
        #[arg(value_name = "GOLD.jsonl", required = true)]
        gold: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = EvalFormat::Human)]
        format: EvalFormat,
        #[command(flatten)]
        detect: DetectArgs,
    },
    /// Fit pattern weights to labeled data under a body false-removal budget; with --write,
    /// store them in `fitted.toml` beside the pattern files.
    Fit {
        /// Labeled data (the `eval` format); several files are pooled.
        #[arg(value_name = "GOLD.jsonl", required = true)]
        gold: Vec<PathBuf>,
        /// Highest share of body paragraphs the fitted weights may remove on this data.
        #[arg(long, value_name = "RATE", default_value_t = 0.003)]
        body_budget: f64,
        /// Write `fitted.toml` into the one --patterns DIR, or into ./patterns (the source
        /// tree's built-ins) without one.
        #[arg(long)]
        write: bool,
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
        PatternsCommand::Stats { gold, format, detect } => stats(&gold, format, &detect),
        PatternsCommand::Fit { gold, body_budget, write, detect } => run_fit(&gold, body_budget, write, &detect),
    }
}

fn run_fit(gold: &[PathBuf], body_budget: f64, write: bool, detect: &DetectArgs) -> anyhow::Result<ExitStatus> {
    anyhow::ensure!((0.0..=1.0).contains(&body_budget), "--body-budget must be between 0 and 1");
    let detector = detect.detector()?;
    let docs = read_gold_files(gold)?;
    let prepared = prepare(&detector, &docs);
    let all: Vec<_> = prepared.iter().collect();
    let options = FitOptions { body_budget, ..FitOptions::default() };
    let weights = changed_weights(&detector, &fit(&detector, &all, &options));
    let mut out = std::io::stdout().lock();
    for p in detector.patterns() {
        if let Some(w) = weights.get(&p.id) {
            writeln!(out, "{:<52} {:.2} -> {w:.2}", p.id, p.prior_weight)?;
        }
    }
    writeln!(out, "{} of {} patterns moved from the weight in their file", weights.len(), detector.patterns().len())?;
    if write {
        let dir = match detect.patterns.as_slice() {
            [one] => one.clone(),
            [] => PathBuf::from("patterns"),
            _ => anyhow::bail!("--write needs at most one --patterns DIR (the one to write fitted.toml into)"),
        };
        anyhow::ensure!(
            dir.is_dir(),
            "{}: no such pattern directory (run from the source tree, or name one with --patterns)",
            dir.display()
        );
        let gold_shown: Vec<String> = gold.iter().map(|g| g.display().to_string()).collect();
        let command = format!("boilerguard patterns fit {} --write", gold_shown.join(" "));
        let path = dir.join(FITTED_FILE);
        write_file(&path, render(&weights, &command).as_bytes())?;
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(ExitStatus::Success)
}

fn stats(gold: &[PathBuf], format: EvalFormat, detect: &DetectArgs) -> anyhow::Result<ExitStatus> {
    let detector = detect.detector()?;
    let docs = read_gold_files(gold)?;
    let stats = pattern_stats(&detector, &docs);
    let mut out = std::io::stdout().lock();
    match format {
        EvalFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&stats)?)?,
        EvalFormat::Human => write!(out, "{}", render_stats(&stats))?,
    }
    Ok(ExitStatus::Success)
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
