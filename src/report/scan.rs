//! The formats of `scan`: what one document becomes in the output, and the choice of format.
use super::human::render_scan;
use super::record::ScanRecord;
use super::Reporter;
use std::io::{self, Write};

/// One scanned document as its reporter sees it.
pub struct ScanDocument<'a> {
    /// The output record.
    pub record: &'a ScanRecord,
    /// The document's text, for excerpts and line numbers.
    pub text: &'a str,
}

/// A reporter of scanned documents, shareable with the workers that render them.
pub type ScanReporter = dyn for<'a> Reporter<ScanDocument<'a>>;

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

impl ScanFormat {
    /// The reporter of this format.
    pub fn reporter(self) -> Box<ScanReporter> {
        match self {
            ScanFormat::Jsonl => Box::new(JsonlScan),
            ScanFormat::Human => Box::new(HumanScan),
        }
    }
}

/// The output record as one JSON line.
pub struct JsonlScan;

impl Reporter<ScanDocument<'_>> for JsonlScan {
    fn report(&self, doc: &ScanDocument<'_>, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer(&mut *out, doc.record)?;
        out.write_all(b"\n")
    }
}

/// The documents that have boilerplate, a paragraph each; the others print nothing.
pub struct HumanScan;

impl Reporter<ScanDocument<'_>> for HumanScan {
    fn report(&self, doc: &ScanDocument<'_>, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(render_scan(doc.record, doc.text).as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detector::Detector;

    #[test]
    fn each_format_has_its_reporter() {
        let detector = Detector::builtin().expect("built-in patterns");
        let text = "Body.\nPlease donate to support our journalism today.\n";
        let record = ScanRecord::new("d1".into(), "in.txt".into(), text.len(), &detector.findings(text));
        let doc = ScanDocument { record: &record, text };
        let mut jsonl = Vec::new();
        ScanFormat::Jsonl.reporter().report(&doc, &mut jsonl).expect("written");
        assert_eq!(jsonl, format!("{}\n", serde_json::to_string(&record).expect("json")).into_bytes());
        let mut human = Vec::new();
        ScanFormat::Human.reporter().report(&doc, &mut human).expect("written");
        assert_eq!(String::from_utf8(human).expect("utf-8"), render_scan(&record, text));
    }
}
