//! The `boilerguard` binary: parse arguments, run, map the result to an exit code.
use clap::Parser;
use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(status) => status.into(),
        Err(err) if is_broken_pipe(&err) => cli::ExitStatus::BrokenPipe.into(),
        Err(err) => {
            cli::stderr::line(format_args!("boilerguard: error: {}", describe(&err)));
            cli::ExitStatus::Error.into()
        }
    }
}

/// Whether the error is standard output closed by its reader.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// The error and its causes on one line, each cause once: library errors often name their
/// cause in their own message already.
fn describe(err: &anyhow::Error) -> String {
    let mut message = err.to_string();
    for cause in err.chain().skip(1).map(|cause| cause.to_string()) {
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_already_in_the_message_are_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let err = anyhow::Error::new(boilerguard::CorpusError::io("in.jsonl", io));
        assert_eq!(describe(&err), "in.jsonl: gone");
        let err = anyhow::anyhow!("outer").context("context");
        assert_eq!(describe(&err), "context: outer");
        assert!(!is_broken_pipe(&err));
        let pipe = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "closed");
        assert!(is_broken_pipe(&anyhow::Error::new(boilerguard::CorpusError::io("<output>", pipe))));
    }
}
