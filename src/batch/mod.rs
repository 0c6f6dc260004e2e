//! Whole-corpus jobs on top of the [pipeline](crate::corpus::pipeline): `scan` and `clean`.
//!
//! Workers parse, analyze and format each record in parallel; the sink, on one thread,
//! writes results in input order, routes rejects to the rejects file and keeps the counts.
mod clean;
#[cfg(feature = "parquet")]
mod parquet;
mod rejects;
mod scan;
mod stats;

pub use clean::{
    annotation_path, claim_outputs, clean, stale_temps, Annotation, CleanOptions, CleanTarget, RemovedBlock, WarcOutput,
};
#[cfg(feature = "parquet")]
pub use parquet::{annotation_field, ANNOTATION_COLUMN};
pub use rejects::{Reject, RejectWriter};
pub use scan::{scan, ScanFormat};
pub(crate) use scan::{work, Tally, Work};
pub use stats::Stats;

use crate::corpus::pipeline::{Progress, RecordRef};
use crate::corpus::record::{parse_record, parse_text, Document};
use crate::corpus::Input;
use crate::corpus::{FieldNames, InputFormat, PipelineOptions};
use crate::error::CorpusError;
use std::ops::Range;
use std::path::PathBuf;

/// What to do with a record that cannot be processed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OnError {
    /// Reject it (written to `--rejects`, counted) and go on.
    #[default]
    Skip,
    /// Stop the run with an error.
    Fail,
}

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

/// The place of a record for messages: `file:line`, `file@offset` for a WARC record (its byte
/// offset in the decompressed stream).
pub fn source_of(rec: &RecordRef<'_>) -> String {
    match rec.format {
        InputFormat::Jsonl => format!("{}:{}", rec.input.display, rec.line),
        InputFormat::Warc => format!("{}@{}", rec.input.display, rec.offset),
        _ => rec.input.display.clone(),
    }
}

/// Parses a record according to its input's format. A WARC record of a type that holds no
/// document (see [`is_warc_non_document`]) is an error here.
pub fn document<'a>(rec: &RecordRef<'a>, fields: &FieldNames) -> Result<Document<'a>, String> {
    match rec.format {
        InputFormat::Jsonl => parse_record(rec.bytes, fields, &source_of(rec)),
        InputFormat::Warc => crate::corpus::warc::parse_document(rec.bytes, &source_of(rec))
            .unwrap_or_else(|| Err("the WARC record is not a conversion record".into()))
            .map_err(|reason| format!("WARC record at byte offset {}: {reason}", rec.offset)),
        _ => parse_text(rec.bytes, &rec.input.display),
    }
}

/// True for WARC records that hold no document: any type but `conversion` (a WET file's
/// `warcinfo`, a WARC file's `request`, `response` and `metadata`; HTML is not extracted).
pub fn is_warc_non_document(rec: &RecordRef<'_>) -> bool {
    rec.format == InputFormat::Warc
        && crate::corpus::warc::WarcRecord::parse(rec.bytes).is_ok_and(|record| !record.is_conversion())
}

/// True for JSONL lines that hold nothing (they are counted, not rejected).
pub fn is_blank(rec: &RecordRef<'_>) -> bool {
    rec.format == InputFormat::Jsonl && rec.bytes.iter().all(u8::is_ascii_whitespace)
}

/// Turns a bad record into a reject, or into an error under `--on-error fail`. The bytes of
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

/// Consecutive runs of inputs in order: each Parquet file alone (`true`), the inputs between
/// them together (`false`), so that a mixed directory keeps its order. Without the `parquet`
/// feature every input goes to the line pipeline, which reports Parquet files as unsupported.
pub(crate) fn segments(inputs: &[Input]) -> Vec<(Range<usize>, bool)> {
    let mut out: Vec<(Range<usize>, bool)> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let parquet = cfg!(feature = "parquet") && input.format == InputFormat::Parquet;
        match out.last_mut() {
            Some((range, false)) if !parquet => range.end = i + 1,
            _ => out.push((i..i + 1, parquet)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, format: InputFormat) -> Input {
        Input { path: Some(PathBuf::from(name)), relative: name.into(), display: name.into(), format, size: 0 }
    }

    #[test]
    #[cfg(feature = "parquet")]
    fn parquet_files_are_segments_of_their_own_in_input_order() {
        use InputFormat::{Jsonl, Parquet, Text};
        let inputs: Vec<Input> = [Jsonl, Text, Parquet, Parquet, Jsonl]
            .iter()
            .enumerate()
            .map(|(i, f)| input(&format!("{i}"), *f))
            .collect();
        assert_eq!(segments(&inputs), vec![(0..2, false), (2..3, true), (3..4, true), (4..5, false)]);
    }
}
