//! The one output layer: everything that turns results into text for people or tools.
//!
//! Every format of every command is a [`Reporter`] of what that command produces; the command
//! hands its results to the reporter its caller chose and never looks at the format itself.
//! Only reporters print.
//!
//! | command   | formats (file)                                                                 |
//! |-----------|--------------------------------------------------------------------------------|
//! | `scan`    | JSONL output record ([`record`]), readable listing ([`human`]); [`scan`] picks |
//! | `explain` | block by block ([`explain`])                                                   |
//! | `check`   | [`check::human`], [`check::json`], [`check::sarif`], [`check::github`], [`check::junit`] |
//! | `--report`| one self-contained HTML page ([`html`])                                        |
use std::io::{self, Write};

pub mod check;
pub mod explain;
pub mod html;
pub mod human;
pub mod record;
pub mod scan;

/// Writes one kind of result (`T`: a scan document, a check report, an explanation, a run's
/// figures) in one format.
///
/// Reporters run on worker threads for streaming commands, so they hold only their options.
pub trait Reporter<T: ?Sized>: Send + Sync {
    /// Writes `item` to `out`.
    fn report(&self, item: &T, out: &mut dyn Write) -> io::Result<()>;
}
