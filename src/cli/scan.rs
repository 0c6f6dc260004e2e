//! `boilerguard scan`.
use super::args::{DetectArgs, InputArgs, ReportArgs, RunArgs};
use super::choice::choice;
use super::ExitStatus;
use anyhow::Context;
use boilerguard::batch::scan;
use boilerguard::corpus::output::AtomicFile;
use boilerguard::corpus::plan::STDOUT;
use boilerguard::corpus::Compression;
use boilerguard::report::scan::ScanFormat;
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    detect: DetectArgs,
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    report: ReportArgs,
    /// Output format.
    #[arg(long, value_parser = choice::<ScanFormat>(), default_value_t = ScanFormat::Jsonl)]
    format: ScanFormat,
    /// Write records here instead of standard output (compressed when named .gz/.zst).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: ScanArgs) -> anyhow::Result<ExitStatus> {
    let detector = args.detect.detector()?;
    let discovered = args.input.discover()?;
    let mut plan = args.run.plan(&args.input.paths, &discovered)?;
    plan.claim(args.output.as_deref().unwrap_or(Path::new(STDOUT)), "the scan records")?;
    args.report.claim(&mut plan)?;
    args.run.claim_rejects(&mut plan)?;
    let (mut batch, bar) = args.run.batch(args.input.fields(), &discovered.inputs);
    args.report.enable(&mut batch);
    let reporter = args.format.reporter();
    let outcome = match &args.output {
        Some(path) => {
            let mut file = AtomicFile::create(path, Compression::from_name(path))?;
            let outcome = scan(&detector, &discovered.inputs, &batch, &*reporter, &mut file)?;
            file.commit().with_context(|| format!("cannot write {}", path.display()))?;
            outcome
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
            let outcome = scan(&detector, &discovered.inputs, &batch, &*reporter, &mut out)?;
            out.flush()?;
            outcome
        }
    };
    args.report.write(&outcome, &args.detect)?;
    args.run.finish(&discovered, &outcome, bar)
}
