//! The `boilerguard` binary: parse arguments, run, map the result to an exit code.
use clap::Parser;
use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(status) => status.into(),
        Err(err) => {
            eprintln!("boilerguard: error: {err:#}");
            boilerguard::ExitStatus::Error.into()
        }
    }
}
