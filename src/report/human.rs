//! The readable scan view: one paragraph per document that has boilerplate.
use super::record::ScanRecord;
use std::fmt::Write;

/// Longest excerpt of a block shown, in chars.
const EXCERPT_CHARS: usize = 100;

/// A one-line excerpt of `text`, cut at `EXCERPT_CHARS` chars.
pub fn excerpt(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= EXCERPT_CHARS {
        flat
    } else {
        let cut: String = flat.chars().take(EXCERPT_CHARS - 1).collect();
        format!("{cut}…")
    }
}

/// Renders one scan record; documents without boilerplate render as nothing.
pub fn render_scan(record: &ScanRecord, text: &str) -> String {
    let mut out = String::new();
    if record.blocks.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "{} ({}): {} boilerplate bytes of {}",
        record.source,
        record.id,
        record.boilerplate_bytes,
        record.boilerplate_bytes + record.body_bytes
    );
    for b in &record.blocks {
        let line = text[..b.start].matches('\n').count() + 1;
        let _ = writeln!(
            out,
            "  line {line:<5} {:<12} {:.2}  {}",
            b.category.as_str(),
            b.score,
            excerpt(&text[b.start..b.end])
        );
        if !b.patterns.is_empty() {
            let _ = writeln!(out, "             {}", b.patterns.join(", "));
        }
    }
    out
}
