//! Whole-corpus jobs on top of the [pipeline](crate::corpus::pipeline): `scan` and `clean`.
//!
//! Workers parse, analyze and format each record in parallel; the sink, on one thread,
//! writes results in input order, routes rejects to the rejects file and keeps the counts.
//! The plumbing every job shares (and `check` too) is here: `work` turns a record into a
//! job's output, `Tally` counts what the pipeline reports and handles rejects.
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
pub use scan::scan;
pub use stats::Stats;

use crate::corpus::pipeline::{Event, Progress, RecordRef};
use crate::corpus::record::{parse_record, parse_text, Document};
use crate::corpus::Input;
use crate::corpus::{FieldNames, InputFormat, PipelineOptions};
use crate::detector::{Detector, Finding};
use crate::error::CorpusError;
use crate::report::html::{DocFacts, ReportData};
use std::ops::Range;
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
    document_or_none(rec, fields).unwrap_or_else(|| Err("the WARC record is not a conversion record".into()))
}

/// [`document`], with `None` for a WARC record that holds no document: the record's header is
/// parsed once to tell both.
fn document_or_none<'a>(rec: &RecordRef<'a>, fields: &FieldNames) -> Option<Result<Document<'a>, String>> {
    match rec.format {
        InputFormat::Jsonl => Some(parse_record(rec.bytes, fields, &source_of(rec))),
        InputFormat::Warc => crate::corpus::warc::parse_document(rec.bytes, &source_of(rec))
            .map(|parsed| parsed.map_err(|reason| format!("WARC record at byte offset {}: {reason}", rec.offset))),
        _ => Some(parse_text(rec.bytes, &rec.input.display)),
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

/// What a worker made of one record.
pub(crate) enum Work<T> {
    /// A blank JSONL line.
    Blank,
    /// A WARC record that holds no document, with what the job makes of it (WARC output
    /// copies it).
    Passed(Option<T>),
    /// A processed document.
    Done {
        /// Job-specific output.
        output: T,
        /// Its findings, for the counts.
        findings: Vec<Finding>,
        /// Bytes of the record.
        bytes: usize,
        /// What the HTML report keeps of it, when one is asked for.
        facts: Option<DocFacts>,
    },
    /// A record that could not be processed.
    Bad(Reject),
}

/// Handles the events every job treats alike; returns the job output of processed records.
pub(crate) struct Tally {
    pub outcome: Outcome,
    pub rejects: RejectWriter,
    on_error: OnError,
    records_in_input: u64,
    passed_in_input: u64,
}

impl Tally {
    pub fn new(options: &BatchOptions) -> Result<Self, CorpusError> {
        Ok(Tally {
            outcome: Outcome { report: options.report.then(ReportData::default), ..Outcome::default() },
            rejects: RejectWriter::new(options.rejects.as_deref())?,
            on_error: options.on_error,
            records_in_input: 0,
            passed_in_input: 0,
        })
    }

    /// Counts `event`; returns the output of a processed record for the job to write.
    pub fn take<T>(&mut self, inputs: &[Input], event: Event<Work<T>>) -> Result<Option<(usize, u64, T)>, CorpusError> {
        let stats = &mut self.outcome.stats;
        match event {
            Event::InputStart { .. } => {
                stats.files += 1;
                self.records_in_input = 0;
                self.passed_in_input = 0;
            }
            Event::InputEnd { input } => {
                if self.records_in_input == 0 && self.passed_in_input > 0 {
                    self.outcome.warnings.push(format!(
                        "{}: no WET conversion records, only {} WARC records of other types \
                         (HTML response records are not extracted)",
                        inputs[input].display, self.passed_in_input
                    ));
                } else if self.records_in_input == 0 {
                    self.outcome.warnings.push(format!("{}: empty input, no records", inputs[input].display));
                }
            }
            Event::InputError { error, .. } => {
                stats.files_failed += 1;
                self.outcome.input_errors.push(error.to_string());
            }
            Event::Oversized { input, line, size, spill } => {
                stats.records_in += 1;
                stats.bytes_in += size;
                self.records_in_input += 1;
                let reason = format!("record of {size} bytes exceeds the limit on record size");
                let reject = Reject::oversized(&inputs[input].display, line, reason);
                reject_or_fail(self.on_error, &mut self.rejects, stats, reject, spill)?;
            }
            Event::Damaged { input, line, offset, reason, bytes, spill } => {
                stats.records_in += 1;
                stats.bytes_in += bytes.len() as u64;
                self.records_in_input += 1;
                let display = &inputs[input].display;
                let reason = format!("damaged WARC record at byte offset {offset}: {reason}");
                self.outcome.input_errors.push(format!("{display}: {reason}; its bytes are rejected, reading went on"));
                let reject = Reject::new(display, line, reason, &bytes).at_offset(Some(offset));
                reject_or_fail(self.on_error, &mut self.rejects, stats, reject, spill)?;
            }
            Event::Record { output: Work::Blank, .. } => stats.blank_lines += 1,
            Event::Record { output: Work::Passed(_), .. } => {
                stats.warc_non_documents += 1;
                self.passed_in_input += 1;
            }
            Event::Record { output: Work::Bad(reject), .. } => {
                stats.records_in += 1;
                stats.bytes_in += reject.len() as u64;
                self.records_in_input += 1;
                reject_or_fail(self.on_error, &mut self.rejects, stats, reject, None)?;
            }
            Event::Record { input, line, output: Work::Done { output, findings, bytes, facts } } => {
                stats.records_in += 1;
                stats.bytes_in += bytes as u64;
                self.records_in_input += 1;
                stats.add_findings(&findings);
                if let (Some(report), Some(facts)) = (self.outcome.report.as_mut(), facts) {
                    report.add(facts);
                }
                return Ok(Some((input, line, output)));
            }
        }
        Ok(None)
    }

    pub fn finish(mut self, started: std::time::Instant) -> Result<Outcome, CorpusError> {
        self.rejects.commit()?;
        self.outcome.stats.finish(started.elapsed());
        Ok(self.outcome)
    }
}

/// Parses and analyzes a record, then lets `render` make the job's output from it.
pub(crate) fn work<T>(
    detector: &Detector,
    options: &BatchOptions,
    rec: &RecordRef<'_>,
    render: impl FnOnce(&crate::corpus::Document<'_>, &[Finding]) -> T,
) -> Work<T> {
    work_or_pass(detector, options, rec, render, |_| None)
}

/// [`work`], with `pass` making the job's output of a WARC record that holds no document.
pub(crate) fn work_or_pass<T>(
    detector: &Detector,
    options: &BatchOptions,
    rec: &RecordRef<'_>,
    render: impl FnOnce(&crate::corpus::Document<'_>, &[Finding]) -> T,
    pass: impl FnOnce(&RecordRef<'_>) -> Option<T>,
) -> Work<T> {
    if is_blank(rec) {
        return Work::Blank;
    }
    let Some(parsed) = document_or_none(rec, &options.fields) else { return Work::Passed(pass(rec)) };
    match parsed {
        Err(reason) => {
            let offset = (rec.format == InputFormat::Warc).then_some(rec.offset);
            Work::Bad(Reject::new(&rec.input.display, rec.line, reason, rec.bytes).at_offset(offset))
        }
        Ok(doc) => {
            let findings = detector.findings(&doc.text);
            let output = render(&doc, &findings);
            let facts = options.report.then(|| {
                let facts = DocFacts::new(&doc.id, doc.json.as_ref().map(|j| j.line), &doc.text, &findings);
                match &doc.warc {
                    Some(record) => facts.with_warc(record),
                    None => facts,
                }
            });
            Work::Done { output, findings, bytes: rec.bytes.len(), facts }
        }
    }
}

/// True for inputs the Parquet path reads (and cleans into Parquet, annotated in a column
/// rather than a sidecar); without the `parquet` feature, none.
pub(crate) fn is_parquet(input: &Input) -> bool {
    cfg!(feature = "parquet") && input.format == InputFormat::Parquet
}

/// Consecutive runs of inputs in order: each Parquet file alone (`true`), the inputs between
/// them together (`false`), so that a mixed directory keeps its order. Without the `parquet`
/// feature every input goes to the line pipeline, which reports Parquet files as unsupported.
pub(crate) fn segments(inputs: &[Input]) -> Vec<(Range<usize>, bool)> {
    let mut out: Vec<(Range<usize>, bool)> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let parquet = is_parquet(input);
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
