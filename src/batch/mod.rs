//! Whole-corpus jobs on top of the [pipeline](crate::corpus::pipeline): `scan` and `clean`.
//!
//! Workers parse, analyze and format each record in parallel; the sink, on one thread,
//! writes results in input order, routes rejects to the rejects file and keeps the counts.
mod clean;
mod rejects;
mod scan;
mod stats;

pub use clean::{
    annotation_path, claim_outputs, clean, stale_temps, Annotation, CleanOptions, CleanTarget, RemovedBlock,
};
pub use rejects::{Reject, RejectWriter};
pub use scan::{scan, ScanFormat};
pub(crate) use scan::{work, Tally, Work};
pub use stats::Stats;

use crate::corpus::pipeline::{Progress, RecordRef};
use crate::corpus::record::{parse_record, parse_text, Document};
use crate::corpus::{FieldNames, InputFormat, PipelineOptions};
use crate::error::CorpusError;
use std::path::PathBuf;

/// What to do with a record that cannot be processed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnError {
    /// Reject it (written to the rejects file, counted) and go on.
    #[default]
    Skip,
    /// Stop the run with an error.
    Fail,
}

crate::named::named!(OnError, "error policy", { Skip => "skip", Fail => "fail" });

/// Options shared by every batch job.
#[derive(Clone, Default)]
pub struct BatchOptions {
    /// Which JSONL fields hold text and id.
    pub fields: FieldNames,
    /// Threads, chunk size, record size limit.
    pub pipeline: PipelineOptions,
    /// Reject or stop on a bad record.
    pub on_error: OnError,
    /// Where rejected records go (JSONL).
    pub rejects: Option<PathBuf>,
    /// Raw bytes read, for a progress bar.
    pub progress: Option<Progress>,
    /// Gather the figures of an HTML report ([`Outcome::report`]). Off by default: it parses
    /// each JSONL line a second time for its `lang` and `url`.
    pub report: bool,
}

impl BatchOptions {
    /// The pipeline options, keeping oversized records whole when there is a rejects file to
    /// keep them in.
    pub fn pipeline_options(&self) -> PipelineOptions {
        PipelineOptions { keep_oversized: self.rejects.is_some(), ..self.pipeline.clone() }
    }
}

/// What a run ended with besides its output.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The counts.
    pub stats: Stats,
    /// Inputs that failed (unreadable, truncated, corrupt), as messages.
    pub input_errors: Vec<String>,
    /// Notes that change nothing but deserve a look (empty inputs).
    pub warnings: Vec<String>,
    /// The figures of the HTML report, when [`BatchOptions::report`] asked for them.
    pub report: Option<crate::report::html::ReportData>,
}

impl Outcome {
    /// True when every input was read to its end.
    pub fn clean_exit(&self) -> bool {
        self.input_errors.is_empty()
    }
}

/// The place of a record for messages: `file:line`.
pub fn source_of(rec: &RecordRef<'_>) -> String {
    match rec.format {
        InputFormat::Jsonl => format!("{}:{}", rec.input.display, rec.line),
        _ => rec.input.display.clone(),
    }
}

/// Parses a record according to its input's format.
pub fn document<'a>(rec: &RecordRef<'a>, fields: &FieldNames) -> Result<Document<'a>, String> {
    match rec.format {
        InputFormat::Jsonl => parse_record(rec.bytes, fields, &source_of(rec)),
        _ => parse_text(rec.bytes, &rec.input.display),
    }
}

/// True for JSONL lines that hold nothing (they are counted, not rejected).
pub fn is_blank(rec: &RecordRef<'_>) -> bool {
    rec.format == InputFormat::Jsonl && rec.bytes.iter().all(u8::is_ascii_whitespace)
}

/// Turns a bad record into a reject, or into an error under [`OnError::Fail`]. The bytes of
/// an oversized record come as `spill` (the reject itself then carries none).
pub(crate) fn reject_or_fail(
    on_error: OnError,
    rejects: &mut RejectWriter,
    stats: &mut Stats,
    reject: Reject,
    spill: Option<std::fs::File>,
) -> Result<(), CorpusError> {
    stats.records_rejected += 1;
    if on_error == OnError::Fail {
        return Err(CorpusError::Record { file: reject.file, line: reject.line, reason: reject.reason });
    }
    match spill {
        Some(mut bytes) => rejects.write_spilled(reject, &mut bytes),
        None => rejects.write(&reject),
    }
}
