//! Counts of a batch run: what came in, what went out, what was removed and rejected.
//!
//! The invariant `records_in == records_out + records_dropped + records_rejected` is what
//! "nothing is lost silently" means in numbers; the summary prints it and tests check it.
use crate::category::Category;
use crate::detector::Finding;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Totals of a run.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Stats {
    /// Inputs opened.
    pub files: u64,
    /// Inputs that could not be read to the end.
    pub files_failed: u64,
    /// Inputs not read again because `clean --resume` found their outputs complete.
    #[serde(default)]
    pub files_resumed: u64,
    /// Records read (including rejected ones).
    pub records_in: u64,
    /// Records written.
    pub records_out: u64,
    /// Records dropped on purpose (`--drop-empty`).
    pub records_dropped: u64,
    /// Records rejected (malformed, too large, invalid UTF-8…).
    pub records_rejected: u64,
    /// Blank lines in JSONL inputs (not records).
    pub blank_lines: u64,
    /// WARC records that hold no document (`warcinfo`, `request`, `response`, `metadata`…):
    /// copied to WARC output, skipped otherwise; like blank lines, not counted in `records_in`.
    #[serde(default)]
    pub warc_non_documents: u64,
    /// Parquet rows whose text is null: passed through as null (counted in and out).
    #[serde(default)]
    pub null_texts: u64,
    /// Bytes of records read.
    pub bytes_in: u64,
    /// Bytes of records written.
    pub bytes_out: u64,
    /// Records with at least one block of the category.
    pub records_with: BTreeMap<String, u64>,
    /// Bytes of text in blocks of the category.
    pub bytes_in_category: BTreeMap<String, u64>,
    /// The patterns that hit most: `(id, blocks)`, at most 20.
    pub top_patterns: Vec<(String, u64)>,
    /// Wall time in seconds.
    pub elapsed_seconds: f64,
    /// `bytes_in` per second, in MB (10⁶ bytes).
    pub mb_per_second: f64,
    #[serde(skip)]
    pattern_counts: HashMap<String, u64>,
}

/// `1 file`, `2 files`.
fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Bytes in decimal units a reader takes in at a glance: `512 B`, `4.2 kB`, `954.1 MB`.
fn human_bytes(bytes: f64) -> String {
    match bytes {
        b if b < 1e3 => format!("{b:.0} B"),
        b if b < 1e6 => format!("{:.1} kB", b / 1e3),
        b if b < 1e9 => format!("{:.1} MB", b / 1e6),
        b => format!("{:.2} GB", b / 1e9),
    }
}

impl Stats {
    /// Counts the findings of one document.
    pub fn add_findings(&mut self, findings: &[Finding]) {
        let mut seen: Vec<Category> = Vec::new();
        for f in findings {
            *self.bytes_in_category.entry(f.category.to_string()).or_default() += (f.end - f.start) as u64;
            if !seen.contains(&f.category) {
                seen.push(f.category);
                *self.records_with.entry(f.category.to_string()).or_default() += 1;
            }
            for id in &f.patterns {
                *self.pattern_counts.entry(id.clone()).or_default() += 1;
            }
        }
    }

    /// Fills in the derived figures at the end of a run.
    pub fn finish(&mut self, elapsed: std::time::Duration) {
        let mut top: Vec<(String, u64)> = self.pattern_counts.iter().map(|(k, v)| (k.clone(), *v)).collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        top.truncate(20);
        self.top_patterns = top;
        self.elapsed_seconds = elapsed.as_secs_f64();
        self.mb_per_second =
            if self.elapsed_seconds > 0.0 { self.bytes_in as f64 / 1e6 / self.elapsed_seconds } else { 0.0 };
    }

    /// True when every record is accounted for.
    pub fn balanced(&self) -> bool {
        self.records_in == self.records_out + self.records_dropped + self.records_rejected
    }

    /// The human summary printed on stderr.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} ({} failed), {} in = {} out + {} dropped + {} rejected{}",
            counted(self.files, "file", "files"),
            self.files_failed,
            counted(self.records_in, "record", "records"),
            self.records_out,
            self.records_dropped,
            self.records_rejected,
            if self.blank_lines > 0 {
                format!(" ({} skipped)", counted(self.blank_lines, "blank line", "blank lines"))
            } else {
                String::new()
            }
        );
        if self.warc_non_documents > 0 {
            let _ = writeln!(
                s,
                "{} no document (warcinfo, request, response, metadata): not scanned",
                counted(self.warc_non_documents, "WARC record holds", "WARC records hold")
            );
        }
        if self.null_texts > 0 {
            let _ = writeln!(
                s,
                "{} passed through",
                counted(self.null_texts, "record with a null text", "records with a null text")
            );
        }
        let _ = writeln!(
            s,
            "{} in, {} out, {:.2} s, {}/s",
            human_bytes(self.bytes_in as f64),
            human_bytes(self.bytes_out as f64),
            self.elapsed_seconds,
            human_bytes(self.mb_per_second * 1e6)
        );
        for (category, records) in &self.records_with {
            let bytes = self.bytes_in_category.get(category).copied().unwrap_or(0);
            let _ = writeln!(s, "  {category:<12} {records:>9} records {bytes:>12} bytes");
        }
        if !self.top_patterns.is_empty() {
            let _ = writeln!(s, "top patterns:");
            for (id, n) in &self.top_patterns {
                let _ = writeln!(s, "  {n:>9}  {id}");
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_units_and_plurals_read_naturally() {
        assert_eq!(counted(1, "file", "files"), "1 file");
        assert_eq!(counted(3, "file", "files"), "3 files");
        let sizes: Vec<String> = [12.0, 4_200.0, 954_100_000.0, 2.5e9].iter().map(|&b| human_bytes(b)).collect();
        assert_eq!(sizes, ["12 B", "4.2 kB", "954.1 MB", "2.50 GB"]);
    }

    #[test]
    fn one_record_and_one_blank_line_are_singular_in_the_summary() {
        let stats = Stats { files: 1, records_in: 1, records_out: 1, blank_lines: 1, ..Stats::default() };
        let first = stats.render().lines().next().unwrap_or_default().to_string();
        assert!(
            first.starts_with("1 file (0 failed), 1 record in = 1 out + 0 dropped + 0 rejected (1 blank line skipped)"),
            "{first}"
        );
        let many = Stats { files: 2, records_in: 2, records_out: 2, blank_lines: 2, ..Stats::default() };
        assert!(many.render().contains("2 files (0 failed), 2 records in = 2 out"), "{}", many.render());
        assert!(many.render().contains("(2 blank lines skipped)"), "{}", many.render());
        let one_each = Stats { warc_non_documents: 1, null_texts: 1, ..Stats::default() }.render();
        assert!(one_each.contains("1 WARC record holds no document"), "{one_each}");
        assert!(one_each.contains("1 record with a null text passed through"), "{one_each}");
    }
}
