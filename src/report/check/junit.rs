//! JUnit XML for test dashboards (GitLab merge-request widgets, Jenkins).
//!
//! One `<testcase>` per document checked — `classname` is the input file, `name` the record
//! id (the path for text files) — so a dashboard shows how many documents passed, not just the
//! failures. A document with errors gets one `<failure>` whose `message` lists its categories
//! and whose text lists every finding as `path:line:col: category [patterns] message` with the
//! block; warnings go to `<system-out>`. One failure element per test case is what every JUnit
//! consumer accepts. Characters XML 1.0 forbids (most C0 controls) are replaced, so the file
//! stays well-formed whatever the scraped text holds.
use crate::check::{CheckFinding, CheckReport, Severity};
use crate::report::Reporter;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use std::collections::HashMap;
use std::io::{self, Write};

/// The JUnit reporter.
pub struct Junit;

/// `text` without the characters XML 1.0 does not allow.
fn xml_safe(text: &str) -> String {
    text.chars().map(|c| if c < ' ' && !matches!(c, '\t' | '\n' | '\r') { '\u{FFFD}' } else { c }).collect()
}

fn describe(f: &CheckFinding) -> String {
    let ids = if f.patterns.is_empty() { String::new() } else { format!(" [{}]", f.patterns.join(", ")) };
    format!("{}:{}:{}: {}{ids} {}\n    {}\n", f.path, f.line, f.column, f.category, f.message, f.text)
}

impl Reporter<CheckReport> for Junit {
    fn report(&self, report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
        let mut by_document: HashMap<(&str, &str, Option<u64>), Vec<&CheckFinding>> = HashMap::new();
        for f in &report.findings {
            by_document.entry((f.path.as_str(), f.id.as_str(), f.record_line)).or_default().push(f);
        }
        let tests = report.documents.len().to_string();
        let failures = report.documents.iter().filter(|d| d.errors > 0).count().to_string();
        let mut w = Writer::new_with_indent(out, b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        w.create_element("testsuites")
            .with_attributes([
                ("name", "boilerguard"),
                ("tests", tests.as_str()),
                ("failures", failures.as_str()),
                ("errors", "0"),
            ])
            .write_inner_content(|w| {
                w.create_element("testsuite")
                    .with_attributes([
                        ("name", "boilerguard check"),
                        ("tests", tests.as_str()),
                        ("failures", failures.as_str()),
                        ("errors", "0"),
                        ("skipped", "0"),
                    ])
                    .write_inner_content(|w| {
                        for d in &report.documents {
                            let findings = by_document
                                .get(&(d.path.as_str(), d.id.as_str(), d.record_line))
                                .map_or(&[][..], Vec::as_slice);
                            let line = d.record_line.unwrap_or(1).to_string();
                            let case = w.create_element("testcase").with_attributes([
                                ("classname", xml_safe(&d.path).as_str()),
                                ("name", xml_safe(&d.id).as_str()),
                                ("file", xml_safe(&d.path).as_str()),
                                ("line", line.as_str()),
                            ]);
                            if findings.is_empty() {
                                case.write_empty()?;
                                continue;
                            }
                            case.write_inner_content(|w| {
                                let (errors, warnings): (Vec<&CheckFinding>, Vec<&CheckFinding>) =
                                    findings.iter().partition(|f| f.severity == Severity::Error);
                                if !errors.is_empty() {
                                    let mut categories: Vec<&str> =
                                        errors.iter().map(|f| f.category.as_str()).collect();
                                    categories.sort_unstable();
                                    categories.dedup();
                                    let message =
                                        format!("{} boilerplate finding(s): {}", errors.len(), categories.join(", "));
                                    let body: String = errors.iter().map(|f| describe(f)).collect();
                                    w.create_element("failure")
                                        .with_attributes([
                                            ("message", message.as_str()),
                                            ("type", categories.join(",").as_str()),
                                        ])
                                        .write_text_content(BytesText::new(&xml_safe(&body)))?;
                                }
                                if !warnings.is_empty() {
                                    let body: String =
                                        warnings.iter().map(|f| format!("warning: {}", describe(f))).collect();
                                    w.create_element("system-out")
                                        .write_text_content(BytesText::new(&xml_safe(&body)))?;
                                }
                                Ok(())
                            })?;
                        }
                        Ok(())
                    })?;
                Ok(())
            })?;
        writeln!(w.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(xml_safe("a\u{1}b\tc\u{85}"), "a\u{FFFD}b\tc\u{85}");
    }
}
