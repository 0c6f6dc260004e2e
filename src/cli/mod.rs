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
mod choice;
mod clean;
mod completions;
mod eval;
mod exit;
mod explain;
mod mine;
mod patterns;
mod scan;
pub mod stderr;

use clap::{Parser, Subcommand};
pub use exit::ExitStatus;

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
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff) on standard output.
    Man,
    /// Find paragraphs that recur across a site's documents, typed, as candidate pattern files.
    Mine(mine::MineArgs),
    /// Measure quality against labeled data (the format of docs/labeled-data.md).
    Eval(eval::EvalArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    remove_temp_files_on_interrupt();
    match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Clean(a) => clean::run(a),
        Command::Check(a) => check::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Patterns(c) => patterns::run(c),
        Command::Eval(a) => eval::run(a),
        Command::Mine(a) => mine::run(a),
        Command::Completions(a) => completions::completions(a),
        Command::Man => completions::man(),
    }
}

/// On SIGINT, SIGTERM or SIGHUP, removes the temporary files of outputs being written, then
/// exits with the status of a process killed by that signal (128 + its number), as a shell
/// expects. Without it an interrupted run would leave `.boilerguard-*.tmp` files behind.
fn remove_temp_files_on_interrupt() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else { return };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            boilerguard::corpus::output::remove_pending_temp_files();
            std::process::exit(128 + signal);
        }
    });
}
