//! `scan`: one output record per input document, in input order.
use super::{source_of, work, BatchOptions, Outcome, Tally};
use crate::corpus::pipeline::Pipeline;
use crate::corpus::Input;
use crate::detector::Detector;
use crate::error::CorpusError;
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
