//! `boilerguard completions SHELL` and `boilerguard man`: generated from the same clap
//! definitions the parser uses, so they cannot drift from the real flags.
use clap::{Args, CommandFactory};
use std::io::Write;

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub fn completions(args: CompletionsArgs) -> anyhow::Result<super::ExitStatus> {
    let mut command = super::Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "boilerguard", &mut out);
    out.flush()?;
    Ok(super::ExitStatus::Success)
}

pub fn man() -> anyhow::Result<super::ExitStatus> {
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(super::Cli::command()).render(&mut out)?;
    out.flush()?;
    Ok(super::ExitStatus::Success)
}
