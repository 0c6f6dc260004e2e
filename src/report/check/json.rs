//! The JSON report: one object, for scripts and dashboards.
//!
//! It is [`CheckReport`] serialized; tests read it back into those structs, which reject
//! unknown fields, so the schema below cannot drift silently. Schema version 1:
//!
//! ```text
//! {
//!   "version": 1,
//!   "findings": [{                      // new findings (baselined ones left out), input order
//!     "path": "docs/corpus.jsonl",      // input file as given
//!     "id": "en-2",                     // record id; the path for a text file
//!     "record_line": 2,                 // JSONL: the record's line; null for text files
//!     "line": 2, "column": 54,          // start (1-based; chars; JSONL: column in the text)
//!     "end_line": 2, "end_column": 114, // end, exclusive column
//!     "start": 53, "end": 113,          // byte offsets in the document's text
//!     "category": "disclaimer",
//!     "severity": "error",              // "error" (--fail-on) or "warning" (--warn-on)
//!     "score": 0.85,
//!     "patterns": ["en.disclaimer.views-expressed"],
//!     "rule": "en.disclaimer.views-expressed", // first pattern, or "boilerguard.<category>"
//!     "fingerprint": "1f0c…",          // 16 hex digits, the baseline scheme
//!     "message": "opinion disclaimer in the article text (score 0.85)",
//!     "text": "The views expressed …",  // the block
//!     "matches": [{"start": 0, "end": 59}] // byte ranges of `text` the patterns matched
//!   }],
//!   "documents": [{"path": …, "id": …, "record_line": …, "errors": 1, "warnings": 0}],
//!   "rules": [{"id": …, "category": …, "description": …}],
//!   "summary": {"documents": 4, "documents_failing": 2, "documents_warning": 0,
//!               "errors": 2, "warnings": 0, "baselined": 0, "rejected": 0,
//!               "leak_rate": 0.5, "max_leak_rate": null, "failed": true}
//! }
//! ```
use crate::check::CheckReport;
use crate::report::Reporter;
use std::io::{self, Write};

/// The JSON reporter.
pub struct Json;

impl Reporter<CheckReport> for Json {
    fn report(&self, report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)
    }
}
