//! `boilerguard clean`.
use super::args::{DetectArgs, InputArgs, RunArgs};
use boilerguard::batch::{clean, CleanOptions, CleanTarget};
use boilerguard::ExitStatus;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `clean`.
#[derive(Debug, Args)]
pub struct CleanArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    detect: DetectArgs,
    #[command(flatten)]
    run: RunArgs,
    /// Output: a file for one input file or standard input, else a directory mirroring the
    /// inputs' paths. Without it, standard output.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Also write `<output>.annotations.jsonl` with the removed blocks of every record.
    #[arg(long)]
    annotate: bool,
    /// Leave texts untouched and only annotate (implies --annotate).
    #[arg(long)]
    keep_text: bool,
    /// Drop records whose text is empty after cleaning (counted in the summary).
    #[arg(long)]
    drop_empty: bool,
}

pub fn run(args: CleanArgs) -> anyhow::Result<ExitStatus> {
    let detector = args.detect.detector()?;
    let discovered = args.input.discover()?;
    let single_file = discovered.inputs.len() == 1 && !args.input.paths.iter().any(|p| p.is_dir());
    let target = match &args.output {
        None => {
            anyhow::ensure!(
                discovered.inputs.len() <= 1,
                "{} inputs: use -o DIR to write one output per input",
                discovered.inputs.len()
            );
            CleanTarget::Stdout
        }
        Some(path) if single_file && !path.is_dir() => CleanTarget::File(path.clone()),
        Some(path) => {
            anyhow::ensure!(!path.is_file(), "{}: several inputs need -o to be a directory", path.display());
            CleanTarget::Dir(path.clone())
        }
    };
    let options = CleanOptions {
        target,
        annotate: args.annotate || args.keep_text,
        keep_text: args.keep_text,
        drop_empty: args.drop_empty,
    };
    let (batch, bar) = args.run.batch(args.input.fields(), &discovered.inputs);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let outcome = clean(&detector, &discovered.inputs, &batch, &options, &mut out)?;
    drop(out);
    args.run.finish(&discovered, &outcome, bar)
}
