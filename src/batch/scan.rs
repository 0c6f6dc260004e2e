//! `scan`: one output record per input document, in input order.
use super::{document, is_blank, reject_or_fail, source_of, BatchOptions, Outcome, Reject, RejectWriter};
use crate::corpus::pipeline::{Event, Pipeline, RecordRef};
use crate::corpus::Input;
use crate::detector::{Detector, Finding};
use crate::error::CorpusError;
use crate::report::html::{DocFacts, ReportData};
use crate::report::record::ScanRecord;
use std::io::Write;

/// How scan results are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScanFormat {
    /// The output record (docs/output-record.md), one JSON line per document.
    #[default]
    Jsonl,
    /// A readable listing of the documents that have boilerplate.
    Human,
}

crate::named::named!(ScanFormat, "scan format", { Jsonl => "jsonl", Human => "human" });

/// What a worker made of one record.
pub(crate) enum Work<T> {
    /// A blank JSONL line.
    Blank,
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
}

impl Tally {
    pub fn new(options: &BatchOptions) -> Result<Self, CorpusError> {
        Ok(Tally {
            outcome: Outcome { report: options.report.then(ReportData::default), ..Outcome::default() },
            rejects: RejectWriter::new(options.rejects.as_deref())?,
            on_error: options.on_error,
            records_in_input: 0,
        })
    }

    /// Counts `event`; returns the output of a processed record for the job to write.
    pub fn take<T>(&mut self, inputs: &[Input], event: Event<Work<T>>) -> Result<Option<(usize, u64, T)>, CorpusError> {
        let stats = &mut self.outcome.stats;
        match event {
            Event::InputStart { .. } => {
                stats.files += 1;
                self.records_in_input = 0;
            }
            Event::InputEnd { input } => {
                if self.records_in_input == 0 {
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
            Event::Record { output: Work::Blank, .. } => stats.blank_lines += 1,
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
    if is_blank(rec) {
        return Work::Blank;
    }
    match document(rec, &options.fields) {
        Err(reason) => Work::Bad(Reject::new(&rec.input.display, rec.line, reason, rec.bytes)),
        Ok(doc) => {
            let findings = detector.findings(&doc.text);
            let output = render(&doc, &findings);
            let facts =
                options.report.then(|| DocFacts::new(&doc.id, doc.json.as_ref().map(|j| j.line), &doc.text, &findings));
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
    let pipeline = Pipeline::new(inputs, options.pipeline_options()).with_progress(options.progress.clone());
    pipeline.run(
        |rec| {
            work(detector, options, rec, |doc, findings| {
                let record = ScanRecord::new(doc.id.clone(), source_of(rec), doc.text.len(), findings);
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
    )?;
    out.flush().map_err(|e| CorpusError::io("<output>", e))?;
    tally.finish(started)
}
