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
