//! `boilerguard explain`.
use super::args::{ConfigArgs, DetectArgs};
use super::ExitStatus;
use anyhow::Context;
use boilerguard::corpus::record::{parse_record, utf8_error};
use boilerguard::report::explain::{Explain, Explanation};
use boilerguard::report::Reporter;
use clap::Args;
use std::io::Read;
use std::path::PathBuf;

/// Arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A text file, a JSONL file (with --line), or `-` for standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// For JSONL input: the 1-based line of the record to explain.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    line: Option<u64>,
    /// JSONL field holding the text.
    #[arg(long, default_value = "text")]
    text_field: String,
    #[command(flatten)]
    detect: DetectArgs,
    #[command(flatten)]
    config: ConfigArgs,
}

fn read_input(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes).context("cannot read standard input")?;
    } else {
        let input = boilerguard::corpus::Input {
            path: Some(path.to_path_buf()),
            relative: path.to_path_buf(),
            display: path.display().to_string(),
            format: boilerguard::corpus::InputFormat::Text,
            size: 0,
        };
        let (mut stream, _, _) = boilerguard::corpus::input::open(&input, None)?;
        stream.read_to_end(&mut bytes).with_context(|| format!("cannot read {}", path.display()))?;
    }
    Ok(bytes)
}

pub fn run(args: ExplainArgs) -> anyhow::Result<ExitStatus> {
    // The patterns `check` used, so that its findings can be explained.
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let detector = args.detect.detector_with(args.config.load(&cwd)?.as_ref(), &cwd)?;
    let bytes = read_input(&args.file)?;
    let shown = args.file.display().to_string();
    let text = match args.line {
        Some(n) => {
            let line = bytes
                .split(|&b| b == b'\n')
                .nth(n.saturating_sub(1) as usize)
                .with_context(|| format!("{shown}: no line {n}"))?;
            let fields = boilerguard::corpus::FieldNames { text: args.text_field.clone(), id: "id".into() };
            parse_record(line, &fields, &shown)
                .map_err(|reason| anyhow::anyhow!("{shown}:{n}: {reason}"))?
                .text
                .into_owned()
        }
        // A JSONL file explained as text would show its JSON syntax as paragraphs.
        None if boilerguard::corpus::input::format_from_name(&args.file)
            == Some(boilerguard::corpus::InputFormat::Jsonl) =>
        {
            anyhow::bail!("{shown} is JSONL: name the record to explain with --line N")
        }
        None => {
            std::str::from_utf8(&bytes).map_err(|e| anyhow::anyhow!("{shown}: {}", utf8_error(&bytes, e)))?.to_string()
        }
    };
    let analysis = detector.analyze(&text);
    let explanation = Explanation { detector: &detector, analysis: &analysis };
    Explain.report(&explanation, &mut std::io::stdout().lock())?;
    Ok(ExitStatus::Success)
}
