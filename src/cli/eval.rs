//! `boilerguard eval`.
use super::args::DetectArgs;
use super::ExitStatus;
use anyhow::Context;
use boilerguard::authoring::fit::{cross_validate, FitOptions};
use boilerguard::eval::{evaluate, render_table, GoldDocument};
use clap::{Args, ValueEnum};
use std::io::BufRead;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum EvalFormat {
    Human,
    Json,
}

/// Arguments of `eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labeled data: JSONL of `{"id","lang","url","paragraphs":[{"text","label"}]}`; several
    /// files are pooled.
    #[arg(value_name = "GOLD.jsonl", required = true)]
    gold: Vec<PathBuf>,
    /// Site-grouped cross-validation: documents folded by the host of their `url` (no site on
    /// both sides), weights fitted (`patterns fit`) on all folds but one and the held-out fold
    /// scored; printed beside the figures of the weights as shipped.
    #[arg(long)]
    cv_by_site: bool,
    /// Folds of --cv-by-site.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u16).range(2..))]
    folds: u16,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Human)]
    format: EvalFormat,
    /// Also list every paragraph predicted wrongly.
    #[arg(long)]
    errors: bool,
    #[command(flatten)]
    detect: DetectArgs,
}

fn read_gold(path: &std::path::Path) -> anyhow::Result<Vec<GoldDocument>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut docs = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}: cannot read", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let doc: GoldDocument = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: not a labeled document", path.display(), i + 1))?;
        for (p, para) in doc.paragraphs.iter().enumerate() {
            anyhow::ensure!(
                boilerguard::eval::LABELS.contains(&para.label.as_str()),
                "{}:{}: paragraph {p} has unknown label {:?} (expected body, donation, disclaimer or other)",
                path.display(),
                i + 1,
                para.label
            );
        }
        docs.push(doc);
    }
    Ok(docs)
}

/// The documents of several gold files, pooled.
pub(crate) fn read_gold_files(paths: &[PathBuf]) -> anyhow::Result<Vec<GoldDocument>> {
    let mut docs = Vec::new();
    for path in paths {
        docs.extend(read_gold(path)?);
    }
    Ok(docs)
}

pub fn run(args: EvalArgs) -> anyhow::Result<ExitStatus> {
    let detector = args.detect.detector()?;
    let docs = read_gold_files(&args.gold)?;
    if args.cv_by_site {
        return cross_validation(&detector, &docs, args.folds.into(), args.format);
    }
    let report = evaluate(&detector, &docs, args.errors);
    let mut out = std::io::stdout().lock();
    match args.format {
        EvalFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?,
        EvalFormat::Human => {
            write!(out, "{}", render_table(&report))?;
            for m in &report.mistakes {
                writeln!(
                    out,
                    "{} [{}] #{} gold={} predicted={}: {}",
                    m.id,
                    m.lang,
                    m.paragraph,
                    m.gold,
                    m.predicted,
                    boilerguard::report::human::excerpt(&m.text)
                )?;
            }
        }
    }
    Ok(ExitStatus::Success)
}

fn cross_validation(
    detector: &boilerguard::Detector,
    docs: &[GoldDocument],
    folds: usize,
    format: EvalFormat,
) -> anyhow::Result<ExitStatus> {
    let cv = cross_validate(detector, docs, folds, &FitOptions::default());
    let mut out = std::io::stdout().lock();
    match format {
        EvalFormat::Json => {
            let json = serde_json::json!({
                "folds": cv.folds,
                "sites": cv.sites,
                "shipped": cv.shipped,
                "cross_validated": cv.cross_validated,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
        }
        EvalFormat::Human => {
            writeln!(out, "weights as shipped (optimistic where they were fitted to this data):")?;
            write!(out, "{}", render_table(&cv.shipped))?;
            writeln!(
                out,
                "\nsite-grouped {}-fold cross-validation over {} sites (weights fitted without the scored site):",
                cv.folds, cv.sites
            )?;
            write!(out, "{}", render_table(&cv.cross_validated))?;
        }
    }
    Ok(ExitStatus::Success)
}
