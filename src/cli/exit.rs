//! Exit codes, defined once (they follow grep).

/// How the process ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing found, or the job succeeded.
    Success = 0,
    /// `check` found boilerplate at or above the threshold (or `patterns test` failed).
    Findings = 1,
    /// An error: bad input, bad configuration, bad patterns.
    Error = 2,
    /// Standard output was closed before everything was written (`| head`): the process
    /// ends quietly with the status a Unix tool killed by `SIGPIPE` reports (128 + 13), so
    /// a pipeline run with `pipefail` never mistakes a cut-short gate for a pass.
    BrokenPipe = 141,
}

impl ExitStatus {
    /// The numeric code.
    pub fn code(self) -> i32 {
        self as i32
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status as u8)
    }
}
