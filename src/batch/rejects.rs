//! The rejects file: one JSONL line per record that could not be processed.
//!
//! A reject keeps the record's bytes exactly — as a JSON string when they are UTF-8, in
//! base64 when they are not — and whole, however long, so that the output plus the rejects
//! always rebuild the input. Records over the size limit arrive spilled to a temporary file
//! and are streamed into the rejects file without being held in memory.
use crate::corpus::output::AtomicFile;
use crate::corpus::Compression;
use crate::error::CorpusError;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// A record that was not processed, and why.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Reject {
    /// The input file.
    pub file: String,
    /// 1-based line (1 for text documents; the record's number for WARC).
    pub line: u64,
    /// Byte offset of a WARC record in the decompressed stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// What is wrong.
    pub reason: String,
    /// The record's bytes, when they are valid UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// The record's bytes in base64 (standard alphabet, padded), when they are not UTF-8 or
    /// were too large to check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_base64: Option<String>,
}

impl Reject {
    /// A reject carrying the record's bytes.
    pub fn new(file: &str, line: u64, reason: String, raw: &[u8]) -> Self {
        let (raw, raw_base64) = match std::str::from_utf8(raw) {
            Ok(text) => (Some(text.to_string()), None),
            Err(_) => (None, Some(base64::engine::general_purpose::STANDARD.encode(raw))),
        };
        Reject { file: file.to_string(), line, reason, offset: None, raw, raw_base64 }
    }

    /// The same reject, placed at a WARC record's byte offset.
    pub fn at_offset(mut self, offset: Option<u64>) -> Self {
        self.offset = offset;
        self
    }

    /// A reject without its bytes: an oversized record, whose bytes come separately (spilled)
    /// or not at all (no rejects file).
    pub fn oversized(file: &str, line: u64, reason: String) -> Self {
        Reject { file: file.to_string(), line, reason, offset: None, raw: None, raw_base64: None }
    }

    /// The record's original bytes.
    pub fn bytes(&self) -> Result<Vec<u8>, CorpusError> {
        match (&self.raw, &self.raw_base64) {
            (Some(text), _) => Ok(text.as_bytes().to_vec()),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| CorpusError::Other(format!("{}:{}: reject has bad base64: {e}", self.file, self.line))),
            (None, None) => Ok(Vec::new()),
        }
    }

    /// Bytes the record had in the input.
    pub fn len(&self) -> usize {
        match (&self.raw, &self.raw_base64) {
            (Some(text), _) => text.len(),
            (None, Some(b64)) => b64.len() / 4 * 3 - b64.bytes().rev().take_while(|&b| b == b'=').count(),
            (None, None) => 0,
        }
    }

    /// True for a reject of an empty record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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

    /// True when rejects are kept in a file.
    pub fn keeps(&self) -> bool {
        self.file.is_some()
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

    /// Records a reject whose bytes are in `spill` (an oversized record), streaming them in
    /// base64 into the file.
    pub fn write_spilled(&mut self, reject: Reject, spill: &mut impl std::io::Read) -> Result<(), CorpusError> {
        let Some(file) = &mut self.file else { return Ok(()) };
        let target = file.target().to_path_buf();
        let io = |e: std::io::Error| CorpusError::io(&target, e);
        // The head is the reject without its bytes; base64 needs no JSON escaping.
        let head = Reject { raw: None, raw_base64: Some(String::new()), ..reject };
        let json = serde_json::to_string(&head).map_err(|e| CorpusError::Other(e.to_string()))?;
        let open = json.strip_suffix("\"}").unwrap_or(&json);
        file.write_all(open.as_bytes()).map_err(io)?;
        {
            let mut encoder = base64::write::EncoderWriter::new(&mut *file, &base64::engine::general_purpose::STANDARD);
            std::io::copy(spill, &mut encoder).map_err(io)?;
            encoder.finish().map_err(io)?;
        }
        file.write_all(b"\"}\n").map_err(io)
    }

    /// Puts the file in place.
    pub fn commit(self) -> Result<(), CorpusError> {
        self.file.map_or(Ok(()), AtomicFile::commit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_keep_every_byte() {
        let cases: [&[u8]; 4] = [b"plain {\"json", b"caf\xe9 latin-1", b"", "\u{1F600} ok".as_bytes()];
        for raw in cases {
            let reject = Reject::new("f", 1, "why".into(), raw);
            let line = serde_json::to_string(&reject).unwrap();
            let back: Reject = serde_json::from_str(&line).unwrap();
            assert_eq!((back.bytes().unwrap(), back.len()), (raw.to_vec(), raw.len()), "{line}");
        }
    }

    #[test]
    fn a_spilled_record_is_streamed_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rejects.jsonl");
        let mut writer = RejectWriter::new(Some(&path)).unwrap();
        let big: Vec<u8> = (0..=255u8).cycle().take(100_003).collect();
        writer.write_spilled(Reject::oversized("in.jsonl", 7, "too long".into()), &mut &big[..]).unwrap();
        writer.commit().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let reject: Reject = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!((reject.line, reject.bytes().unwrap()), (7, big));
    }
}
