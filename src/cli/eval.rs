//! `boilerguard eval`.
use super::args::DetectArgs;
use anyhow::Context;
use boilerguard::eval::{evaluate, render_table, GoldDocument};
use boilerguard::ExitStatus;
use clap::{Args, ValueEnum};
use std::io::BufRead;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EvalFormat {
    Human,
    Json,
}

/// Arguments of `eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labeled data: JSONL of `{"id","lang","paragraphs":[{"text","label"}]}`.
    #[arg(value_name = "GOLD.jsonl")]
    gold: PathBuf,
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

pub fn run(args: EvalArgs) -> anyhow::Result<ExitStatus> {
    let detector = args.detect.detector()?;
    let docs = read_gold(&args.gold)?;
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
