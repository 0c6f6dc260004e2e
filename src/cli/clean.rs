//! `boilerguard clean`.
use super::args::{DetectArgs, InputArgs, ReportArgs, RunArgs};
use super::choice::choice;
use super::ExitStatus;
use anyhow::Context;
use boilerguard::batch::{claim_outputs, clean, stale_temps, CleanOptions, CleanTarget, WarcOutput};
use boilerguard::corpus::input::format_from_name;
use clap::Args;
use std::path::{Path, PathBuf};

/// Arguments of `clean`.
#[derive(Debug, Args)]
pub struct CleanArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    detect: DetectArgs,
    #[command(flatten)]
    run: RunArgs,
    #[command(flatten)]
    report: ReportArgs,
    /// Output: a file for one input file or standard input, else a directory mirroring the
    /// inputs' paths. Without it, standard output.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Also write `<output>.annotations.jsonl` with the removed blocks of every record; for
    /// Parquet, add a `boilerguard_blocks` column instead.
    #[arg(long)]
    annotate: bool,
    /// Leave texts untouched and only annotate (implies --annotate).
    #[arg(long)]
    keep_text: bool,
    /// Parquet output: rows per row group (default: the input's row groups).
    #[arg(long, value_name = "ROWS", value_parser = clap::value_parser!(u64).range(1..))]
    row_group_size: Option<u64>,
    /// Drop records whose text is empty after cleaning (counted in the summary).
    #[arg(long)]
    drop_empty: bool,
    /// Rerun after an interrupted run: inputs whose outputs are in place are skipped (an
    /// output appears under its name only once complete), the others are redone, and
    /// temporary files the interrupted run left are removed.
    #[arg(long)]
    resume: bool,
    /// Remove the temporary files (`.boilerguard-*.tmp`) that a killed run left where this
    /// run writes. Do not use it while another run writes to the same place.
    #[arg(long)]
    remove_stale_temp: bool,
    /// What WARC/WET inputs become: `auto` is WARC for an output named `.warc`, `.wet`,
    /// `.warc.gz`, `.warc.wet.gz`… and for a directory, JSONL otherwise and on standard output.
    #[arg(long, value_parser = choice::<WarcOutput>(), default_value_t = WarcOutput::Auto)]
    warc_output: WarcOutput,
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
            anyhow::ensure!(
                !(args.annotate || args.keep_text),
                "--annotate and --keep-text need -o (the sidecar is written beside the output)"
            );
            anyhow::ensure!(!args.resume, "--resume needs -o: standard output cannot be resumed");
            CleanTarget::Stdout
        }
        // A trailing slash says directory, whatever the number of inputs.
        Some(path) if single_file && !path.is_dir() && !names_a_directory(path) => CleanTarget::File(path.clone()),
        Some(path) => {
            anyhow::ensure!(!path.is_file(), "{}: several inputs need -o to be a directory", path.display());
            // `clean dir -o one.jsonl` meant a file: making a directory of that name would
            // surprise; a trailing slash makes it explicit.
            anyhow::ensure!(
                path.is_dir() || names_a_directory(path) || format_from_name(path).is_none(),
                "{}: several inputs need -o to be a directory, and this names a corpus file; \
                 end it with / to make a directory of that name",
                path.display()
            );
            CleanTarget::Dir(path.clone())
        }
    };
    let options = CleanOptions {
        target,
        annotate: args.annotate || args.keep_text,
        keep_text: args.keep_text,
        drop_empty: args.drop_empty,
        resume: args.resume,
        warc_output: args.warc_output,
        annotate_column: args.annotate,
        row_group_size: args.row_group_size.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
    };
    let (mut batch, bar) = args.run.batch(args.input.fields(), &discovered.inputs);
    args.report.enable(&mut batch);
    let mut plan = args.run.plan(&args.input.paths, &discovered)?;
    args.report.claim(&mut plan)?;
    claim_outputs(&mut plan, &discovered.inputs, &options)?;
    args.run.claim_rejects(&mut plan)?;
    handle_stale_temps(&stale_temps(&batch, &options), args.resume || args.remove_stale_temp, args.run.quiet)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let outcome = clean(&detector, &discovered.inputs, &batch, &options, &mut out)?;
    drop(out);
    args.report.write(&outcome, &args.detect)?;
    args.run.finish(&discovered, &outcome, bar)
}

/// True when the path as typed ends with a slash.
fn names_a_directory(path: &Path) -> bool {
    path.as_os_str().as_encoded_bytes().ends_with(b"/")
}

/// Removes the temporary files of killed runs, or names them.
fn handle_stale_temps(stale: &[PathBuf], remove: bool, quiet: bool) -> anyhow::Result<()> {
    let Some(first) = stale.first() else { return Ok(()) };
    if remove {
        for path in stale {
            std::fs::remove_file(path).with_context(|| format!("cannot remove {}", path.display()))?;
        }
        if !quiet {
            say!("boilerguard: note: removed {} temporary files left by an interrupted run", stale.len());
        }
    } else {
        say!(
            "boilerguard: warning: {}: temporary file left by an interrupted run ({} in all); \
             remove them with --remove-stale-temp, or rerun with --resume",
            first.display(),
            stale.len()
        );
    }
    Ok(())
}
