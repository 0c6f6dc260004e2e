//! Subcommands and their arguments. Each subcommand maps its flags onto library types and
//! calls the library; only this layer prints.

/// `eprintln!` that cannot panic: messages go through [`stderr::line`], which ignores a
/// full or closed standard error.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::stderr::line(format_args!($($arg)*))
    };
}

mod args;
mod check;
mod clean;
mod eval;
mod explain;
mod patterns;
mod scan;
pub mod stderr;

use boilerguard::ExitStatus;
use clap::{Parser, Subcommand};

/// Find and remove editorial boilerplate (donation appeals, opinion disclaimers, newsletter
/// prompts, republishing notices) in scraped article text.
#[derive(Debug, Parser)]
#[command(name = "boilerguard", version, about, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Annotate: per document, its boilerplate blocks (JSONL records or a human view).
    Scan(scan::ScanArgs),
    /// Write the corpus back with boilerplate removed (or only annotated).
    Clean(clean::CleanArgs),
    /// CI gate: exit 1 when boilerplate of the selected categories is found.
    Check(check::CheckArgs),
    /// Show every block of one document with its label, score and matched patterns.
    Explain(explain::ExplainArgs),
    /// Tools for pattern authors: list, test, lint.
    #[command(subcommand)]
    Patterns(patterns::PatternsCommand),
    /// Measure quality against labeled data (DESIGN.md's labeled-data format).
    Eval(eval::EvalArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Clean(a) => clean::run(a),
        Command::Check(a) => check::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Patterns(c) => patterns::run(c),
        Command::Eval(a) => eval::run(a),
    }
}
