//! SARIF 2.1.0, the format GitHub code scanning (and other viewers) ingest.
//!
//! Built with the `serde-sarif` types so the output follows the schema's field names and
//! shapes. One rule per pattern that produced a finding (`id`, a short description, the
//! category as a property and a tag; `boilerguard.<category>` for blocks that joined a region
//! without a pattern of their own); one result per finding with a physical location (the
//! input's relative URI and a region with start/end line and column), `level` `error` or
//! `warning`, and `partialFingerprints` carrying the baseline [fingerprint](crate::check::fingerprint)
//! so that code scanning tracks an alert across commits the same way baselines do. Columns
//! are Unicode code points (`columnKind: unicodeCodePoints`); for JSONL the region is the
//! record's line and the columns are inside the record's text.
use super::uri;
use crate::check::{CheckReport, Severity};
use crate::report::Reporter;
use serde_json::json;
use serde_sarif::sarif as s;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The SARIF reporter.
pub struct Sarif;

/// The schema URL written to `$schema` (the one GitHub's and Microsoft's SARIF tools use).
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The key of the fingerprint in `partialFingerprints`, versioned with the baseline scheme.
pub const FINGERPRINT_KEY: &str = "boilerguard/v1";

fn properties(category: &str, extra: BTreeMap<String, serde_json::Value>) -> s::PropertyBag {
    let mut bag = s::PropertyBag::builder().tags(vec![category.to_string()]).build();
    bag.additional_properties = extra;
    bag.additional_properties.insert("category".into(), json!(category));
    bag
}

/// The SARIF log of `report`.
pub fn log(report: &CheckReport) -> s::Sarif {
    let rules: Vec<s::ReportingDescriptor> = report
        .rules
        .iter()
        .map(|r| {
            s::ReportingDescriptor::builder()
                .id(r.id.clone())
                .short_description(s::MultiformatMessageString::builder().text(r.description.clone()).build())
                .properties(properties(r.category.as_str(), BTreeMap::new()))
                .build()
        })
        .collect();
    let results: Vec<s::Result> = report
        .findings
        .iter()
        .map(|f| {
            let region = s::Region::builder()
                .start_line(f.line as i64)
                .start_column(f.column as i64)
                .end_line(f.end_line as i64)
                .end_column(f.end_column as i64)
                .build();
            let location = s::Location::builder()
                .physical_location(
                    s::PhysicalLocation::builder()
                        .artifact_location(s::ArtifactLocation::builder().uri(uri(&f.path)).build())
                        .region(region)
                        .build(),
                )
                .build();
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let record = if f.record_line.is_some() { format!(" (record {})", f.id) } else { String::new() };
            let mut extra = BTreeMap::new();
            extra.insert("score".into(), json!(f.score));
            extra.insert("patterns".into(), json!(f.patterns));
            extra.insert("recordId".into(), json!(f.id));
            let mut result = s::Result::builder()
                .rule_id(f.rule.clone())
                .message(s::Message::builder().text(format!("{}{record}", f.message)).build())
                .locations(vec![location])
                .partial_fingerprints(BTreeMap::from([(FINGERPRINT_KEY.to_string(), f.fingerprint.clone())]))
                .properties(properties(f.category.as_str(), extra))
                .build();
            result.level = Some(json!(level));
            if let Some(index) = report.rules.iter().position(|r| r.id == f.rule) {
                result.rule_index = Some(index as i64);
            }
            result
        })
        .collect();
    let driver = s::ToolComponent::builder()
        .name("boilerguard")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let mut run = s::Run::builder().tool(s::Tool::builder().driver(driver).build()).results(results).build();
    run.column_kind = Some(json!("unicodeCodePoints"));
    s::Sarif::builder().schema(SCHEMA).version(json!("2.1.0")).runs(vec![run]).build()
}

impl Reporter<CheckReport> for Sarif {
    fn report(&self, report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &log(report))?;
        writeln!(out)
    }
}
