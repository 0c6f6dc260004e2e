//! The output record of `scan --format jsonl`, whose contract is `docs/output-record.md`.
//!
//! Schema version 2. Offsets are bytes into the document's original UTF-8 text, half-open;
//! `blocks` lists non-body blocks only. A change to these fields bumps
//! [`SCHEMA_VERSION`] and is documented in `docs/output-record.md`.
use crate::category::Category;
use crate::detector::Finding;
use serde::{Deserialize, Serialize};

/// Version of the record schema (2: `url`, present for WARC records).
pub const SCHEMA_VERSION: u32 = 2;

/// One document's scan result.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScanRecord {
    /// The record id (JSONL id field) or the file path (text file).
    pub id: String,
    /// `file:line` for JSONL, `file@offset` for WARC, the path for text.
    pub source: String,
    /// The page's URL, for WARC records (`WARC-Target-URI`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Distinct categories found, sorted by name.
    pub categories: Vec<Category>,
    /// Bytes of text not in boilerplate blocks.
    pub body_bytes: usize,
    /// Bytes of text in boilerplate blocks.
    pub boilerplate_bytes: usize,
    /// The boilerplate blocks.
    pub blocks: Vec<BlockRecord>,
}

/// One boilerplate block of a [`ScanRecord`].
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BlockRecord {
    /// Byte offset of the block in the original text.
    pub start: usize,
    /// End offset, exclusive.
    pub end: usize,
    /// Its category.
    pub category: Category,
    /// Its score, rounded to three decimals.
    pub score: f64,
    /// Ids of the patterns that hit it (empty for blocks that joined a region).
    pub patterns: Vec<String>,
}

/// Rounds a score for output, so that records are stable and short.
pub fn round_score(score: f64) -> f64 {
    (score * 1000.0).round() / 1000.0
}

impl ScanRecord {
    /// Builds the record of a document of `text_len` bytes from its findings.
    pub fn new(id: String, source: String, text_len: usize, findings: &[Finding]) -> Self {
        let mut categories: Vec<Category> = findings.iter().map(|f| f.category).collect();
        categories.sort_by_key(|c| c.as_str());
        categories.dedup();
        let boilerplate_bytes = findings.iter().map(|f| f.end - f.start).sum();
        ScanRecord {
            id,
            source,
            url: None,
            categories,
            body_bytes: text_len - boilerplate_bytes,
            boilerplate_bytes,
            blocks: findings
                .iter()
                .map(|f| BlockRecord {
                    start: f.start,
                    end: f.end,
                    category: f.category,
                    score: round_score(f.score),
                    patterns: f.patterns.clone(),
                })
                .collect(),
        }
    }

    /// The same record with the page's URL (WARC records).
    pub fn with_url(mut self, url: Option<String>) -> Self {
        self.url = url;
        self
    }
}
