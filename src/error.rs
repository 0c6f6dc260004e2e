//! Typed errors of the library. The binary adds context with `anyhow` at its edge.
use std::fmt;
use std::path::{Path, PathBuf};

/// A pattern file or pattern that cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// The file, when the error belongs to one.
    pub file: Option<PathBuf>,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// The pattern id, when the error belongs to one pattern.
    pub id: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl PatternError {
    pub(crate) fn at(file: &Path, line: usize, id: Option<&str>, reason: String) -> Self {
        PatternError { file: Some(file.to_path_buf()), line, id: id.map(str::to_string), reason }
    }

    pub(crate) fn limit(reason: String) -> Self {
        PatternError { file: None, line: 0, id: None, reason }
    }

    /// The same error, put in `file` when it names none: a limit crossed while that file
    /// was being added.
    pub(crate) fn in_file(mut self, file: &Path) -> Self {
        self.file.get_or_insert_with(|| file.to_path_buf());
        self
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if self.line > 0 {
                write!(f, ":{}", self.line)?;
            }
            f.write_str(": ")?;
        }
        if let Some(id) = &self.id {
            write!(f, "pattern `{id}`: ")?;
        }
        f.write_str(&self.reason)
    }
}

impl std::error::Error for PatternError {}

/// Errors of reading or writing corpora.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// An I/O error on a named path.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A record that cannot be processed, with its place.
    #[error("{file}:{line}: {reason}")]
    Record {
        /// The file (or `<stdin>`).
        file: String,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// An output the run may not write: it is an input, or another output of the run.
    #[error("{path}: {reason}")]
    Output {
        /// The output path as given.
        path: PathBuf,
        /// Why it may not be written.
        reason: String,
    },
    /// Anything else, already phrased for the user.
    #[error("{0}")]
    Other(String),
}

impl CorpusError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        CorpusError::Io { path: path.into(), source }
    }
}
