//! Standard error for messages, written so that it can fail without consequence.
//!
//! `eprintln!` panics when the write fails: with stderr on a full disk or a closed pipe, a
//! run that had done its work ended with a panic and exit status 101 instead of its own.
//! Messages on stderr are a courtesy, the exit status is the contract: a message that
//! cannot be written is dropped and the run goes on.
use std::fmt;
use std::io::Write;

/// Writes `args` and a line break to standard error, ignoring any error.
pub fn line(args: fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr().lock(), "{args}");
}

/// Writes `text` as it is to standard error, ignoring any error.
pub fn text(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
