//! `scan`: one output record per input document, in input order.
use super::{
    document, is_blank, is_warc_non_document, reject_or_fail, source_of, BatchOptions, Outcome, Reject, RejectWriter,
};
use crate::corpus::pipeline::{Event, Pipeline, RecordRef};
use crate::corpus::Input;
use crate::detector::{Detector, Finding};
use crate::error::CorpusError;
use crate::report::html::{DocFacts, ReportData};
use crate::report::record::ScanRecord;
use std::io::Write;

/// How scan results are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ScanFormat {
    /// The DESIGN.md output record, one JSON line per document.
    #[default]
    Jsonl,
    /// A readable listing of the documents that have boilerplate.
    Human,
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
    on_error: super::OnError,
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
                let reason = format!("record of {size} bytes exceeds the limit of the --max-record-bytes option");
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
    if is_warc_non_document(rec) {
        return Work::Passed(pass(rec));
    }
    match document(rec, &options.fields) {
        Err(reason) => {
            let offset = (rec.format == crate::corpus::InputFormat::Warc).then_some(rec.offset);
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

/// Scans `inputs`, writing one result per document to `out`.
pub fn scan(
    detector: &Detector,
    inputs: &[Input],
    options: &BatchOptions,
    format: ScanFormat,
    out: &mut dyn Write,
) -> Result<Outcome, CorpusError> {
    let started = std::time::Instant::now();
    let mut tally = Tally::new(options)?;
    for (range, parquet) in super::segments(inputs) {
        if parquet {
            #[cfg(feature = "parquet")]
            super::parquet::scan_file(detector, &inputs[range], options, format, &mut tally, out)?;
            continue;
        }
        scan_lines(detector, &inputs[range], options, format, &mut tally, out)?;
    }
    out.flush().map_err(|e| CorpusError::io("<output>", e))?;
    tally.finish(started)
}

/// Scans inputs read as lines (JSONL, text) through the pipeline.
fn scan_lines(
    detector: &Detector,
    inputs: &[Input],
    options: &BatchOptions,
    format: ScanFormat,
    tally: &mut Tally,
    out: &mut dyn Write,
) -> Result<(), CorpusError> {
    let pipeline = Pipeline::new(inputs, options.pipeline_options()).with_progress(options.progress.clone());
    pipeline.run(
        |rec| {
            work(detector, options, rec, |doc, findings| {
                let url = doc.warc.and_then(|w| w.field("WARC-Target-URI")).map(|u| u.into_owned());
                let record = ScanRecord::new(doc.id.clone(), source_of(rec), doc.text.len(), findings).with_url(url);
                match format {
                    ScanFormat::Jsonl => {
                        let mut line = serde_json::to_string(&record).unwrap_or_default();
                        line.push('\n');
                        line
                    }
                    ScanFormat::Human => crate::report::human::render_scan(&record, &doc.text),
                }
            })
        },
        |event| {
            if let Some((_, _, text)) = tally.take(inputs, event)? {
                tally.outcome.stats.records_out += 1;
                tally.outcome.stats.bytes_out += text.len() as u64;
                out.write_all(text.as_bytes()).map_err(|e| CorpusError::io("<output>", e))?;
            }
            Ok(())
        },
    )
}
