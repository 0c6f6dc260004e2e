//! The rejects file: one JSONL line per record that could not be processed.
use crate::corpus::output::AtomicFile;
use crate::corpus::Compression;
use crate::error::CorpusError;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// Raw bytes kept per reject; longer records are cut (the file and line still find them).
const MAX_RAW: usize = 1 << 20;

/// A record that was not processed, and why.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Reject {
    /// The input file.
    pub file: String,
    /// 1-based line (1 for text documents).
    pub line: u64,
    /// What is wrong.
    pub reason: String,
    /// The raw record, lossily decoded and cut to 1 MiB.
    pub raw: String,
}

impl Reject {
    /// A reject carrying (a prefix of) the record's bytes.
    pub fn new(file: &str, line: u64, reason: String, raw: &[u8]) -> Self {
        let cut = &raw[..raw.len().min(MAX_RAW)];
        Reject { file: file.to_string(), line, reason, raw: String::from_utf8_lossy(cut).into_owned() }
    }
}

/// Writes rejects to a file (atomically), or only counts them.
pub struct RejectWriter {
    file: Option<AtomicFile>,
}

impl RejectWriter {
    /// Writes to `path` when given.
    pub fn new(path: Option<&Path>) -> Result<Self, CorpusError> {
        Ok(RejectWriter { file: path.map(|p| AtomicFile::create(p, Compression::from_name(p))).transpose()? })
    }

    /// Records one reject.
    pub fn write(&mut self, reject: &Reject) -> Result<(), CorpusError> {
        if let Some(file) = &mut self.file {
            let mut line = serde_json::to_string(reject).map_err(|e| CorpusError::Other(e.to_string()))?;
            line.push('\n');
            let target = file.target().to_path_buf();
            file.write_all(line.as_bytes()).map_err(|e| CorpusError::io(target, e))?;
        }
        Ok(())
    }

    /// Puts the file in place.
    pub fn commit(self) -> Result<(), CorpusError> {
        self.file.map_or(Ok(()), AtomicFile::commit)
    }
}
