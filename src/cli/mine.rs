//! `boilerguard mine`.
use super::args::{progress_bar, DetectArgs, InputArgs};
use super::ExitStatus;
use boilerguard::batch::BatchOptions;
use boilerguard::corpus::input::Discovered;
use boilerguard::corpus::output::write_file;
use boilerguard::corpus::pipeline::worker_threads;
use boilerguard::corpus::{OutputPlan, PipelineOptions};
use boilerguard::mine::{mine, pattern_files, MineOptions, Mined, TypedBy};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `mine`.
#[derive(Debug, Args)]
pub struct MineArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    detect: DetectArgs,
    /// Directory for the candidate pattern files (`<lang>/<category>.toml`) and
    /// `candidates.jsonl`.
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// Fewest documents of a site a paragraph must recur in.
    #[arg(long, value_name = "N", default_value_t = 5)]
    min_docs: u64,
    /// Smallest share of the site's documents it must recur in.
    #[arg(long, value_name = "SHARE", default_value_t = 0.3)]
    min_share: f64,
    /// JSONL field holding the page URL; its host is the site (text files: their folder).
    #[arg(long, value_name = "FIELD", default_value = "url")]
    site_field: String,
    /// JSONL field holding the document's language.
    #[arg(long, value_name = "FIELD", default_value = "lang")]
    lang_field: String,
    /// Most paragraphs counted at once; beyond it rare ones are dropped (lossy counting).
    #[arg(long, value_name = "N", default_value_t = 4_000_000)]
    max_entries: usize,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: MineArgs) -> anyhow::Result<ExitStatus> {
    anyhow::ensure!((0.0..=1.0).contains(&args.min_share), "--min-share must be between 0 and 1");
    let detector = args.detect.detector()?;
    let discovered = args.input.discover()?;
    let mut plan = OutputPlan::new(&discovered.inputs, &args.input.paths);
    plan.claim_dir(&args.output)?;
    let (bar, progress) = progress_bar(args.quiet, &discovered.inputs);
    let batch = BatchOptions {
        fields: args.input.fields(),
        pipeline: PipelineOptions { threads: worker_threads(args.threads), ..PipelineOptions::default() },
        progress,
        ..BatchOptions::default()
    };
    let options = MineOptions {
        min_docs: args.min_docs.max(2),
        min_share: args.min_share,
        site_field: args.site_field.clone(),
        lang_field: args.lang_field.clone(),
        max_entries: args.max_entries,
        ..MineOptions::default()
    };
    let mined = mine(&detector, &discovered.inputs, &batch, &options)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let files = pattern_files(&mined.candidates);
    let candidates_path = args.output.join("candidates.jsonl");
    plan.claim(&candidates_path, "candidates.jsonl")?;
    for (rel, _) in &files {
        plan.claim(&args.output.join(rel), "a mined pattern file")?;
    }
    let mut jsonl = String::new();
    for c in &mined.candidates {
        jsonl.push_str(&serde_json::to_string(c)?);
        jsonl.push('\n');
    }
    write_file(&candidates_path, jsonl.as_bytes())?;
    for (rel, text) in &files {
        write_file(&args.output.join(rel), text.as_bytes())?;
    }
    let count = |by: TypedBy| mined.candidates.iter().filter(|c| c.typed_by == by).count();
    for e in discovered.errors.iter().map(ToString::to_string).chain(mined.input_errors.iter().cloned()) {
        say!("boilerguard: error: {e}");
    }
    for r in &mined.rejected {
        say!("boilerguard: warning: {r} (not mined)");
    }
    if args.quiet {
        return Ok(exit_status(&discovered, &mined));
    }
    say!(
        "boilerguard: {} documents from {} sites: {} recurring paragraphs ({} already flagged, {} typed by evidence, {} by a neighbour, {} unknown) in {}; counts low by at most {}",
        mined.documents,
        mined.sites,
        mined.candidates.len(),
        count(TypedBy::Matched),
        count(TypedBy::Evidence),
        count(TypedBy::Neighbour),
        count(TypedBy::Unknown),
        args.output.display(),
        mined.count_error
    );
    Ok(exit_status(&discovered, &mined))
}

fn exit_status(discovered: &Discovered, mined: &Mined) -> ExitStatus {
    let failed = !discovered.errors.is_empty() || !mined.input_errors.is_empty();
    if failed {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    }
}
