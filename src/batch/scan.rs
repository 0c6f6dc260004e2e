//! `scan`: one output record per input document, in input order.
use super::{source_of, work, BatchOptions, Outcome, Tally};
use crate::corpus::pipeline::Pipeline;
use crate::corpus::Input;
use crate::detector::Detector;
use crate::error::CorpusError;
use crate::report::record::ScanRecord;
use crate::report::scan::{ScanDocument, ScanReporter};
use std::io::Write;

/// Scans `inputs`, writing one result per document to `out` in the format of `reporter`.
pub fn scan(
    detector: &Detector,
    inputs: &[Input],
    options: &BatchOptions,
    reporter: &ScanReporter,
    out: &mut dyn Write,
) -> Result<Outcome, CorpusError> {
    let started = std::time::Instant::now();
    let mut tally = Tally::new(options)?;
    for (range, parquet) in super::segments(inputs) {
        if parquet {
            #[cfg(feature = "parquet")]
            super::parquet::scan_file(detector, &inputs[range], options, reporter, &mut tally, out)?;
            continue;
        }
        scan_lines(detector, &inputs[range], options, reporter, &mut tally, out)?;
    }
    out.flush().map_err(|e| CorpusError::io("<output>", e))?;
    tally.finish(started)
}

/// Scans inputs read as records (JSONL, text, WARC) through the pipeline.
fn scan_lines(
    detector: &Detector,
    inputs: &[Input],
    options: &BatchOptions,
    reporter: &ScanReporter,
    tally: &mut Tally,
    out: &mut dyn Write,
) -> Result<(), CorpusError> {
    let pipeline = Pipeline::new(inputs, options.pipeline_options()).with_progress(options.progress.clone());
    pipeline.run(
        |rec| {
            work(detector, options, rec, |doc, findings| {
                let url = doc.warc.and_then(|w| w.field("WARC-Target-URI")).map(|u| u.into_owned());
                let record = ScanRecord::new(doc.id.clone(), source_of(rec), doc.text.len(), findings).with_url(url);
                render(reporter, &record, &doc.text)
            })
        },
        |event| {
            if let Some((_, _, text)) = tally.take(inputs, event)? {
                tally.outcome.stats.records_out += 1;
                tally.outcome.stats.bytes_out += text.len() as u64;
                out.write_all(&text).map_err(|e| CorpusError::io("<output>", e))?;
            }
            Ok(())
        },
    )
}

/// One document's scan output in the reporter's format; done on the workers, so the sink only
/// writes bytes.
pub(crate) fn render(reporter: &ScanReporter, record: &ScanRecord, text: &str) -> Vec<u8> {
    let mut rendered = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = reporter.report(&ScanDocument { record, text }, &mut rendered);
    rendered
}
