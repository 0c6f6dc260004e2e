//! Tests on the real data in `../shared`: the seed article and the labeled dev set.
//! They skip with a notice where `../shared` is absent (see `common::shared`).
mod common;

use boilerguard::eval::Report;
use boilerguard::{Category, Detector};

#[test]
fn seed_article_is_labeled_exactly() {
    let Some(shared) = common::shared("seed_article_is_labeled_exactly") else { return };
    let text = std::fs::read_to_string(shared.join("examples/seed-fr.txt")).expect("read seed");
    let d = Detector::builtin().expect("patterns");
    let analysis = d.analyze(&text);
    let labels: Vec<Option<Category>> = analysis.verdicts.iter().map(|v| v.category).collect();
    assert_eq!(labels.len(), 18, "the seed has 18 lines");
    let mut expected = vec![None; 15];
    expected.extend([Some(Category::Disclaimer), Some(Category::Donation), Some(Category::Donation)]);
    assert_eq!(labels, expected, "\n{}", boilerguard::report::explain::render(&d, &analysis));
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[5].contains("soutenir l’invasion") && lines[9].contains("soutenir les opérations"),
        "the hard negatives are where we think"
    );
}

/// Runs `eval --format json` on the dev set through the binary, as CI users would.
fn dev_report(test: &str) -> Option<Report> {
    let shared = common::shared(test)?;
    let out =
        common::bin().args(["eval", "--format", "json"]).arg(shared.join("eval/dev.jsonl")).output().expect("run eval");
    assert!(out.status.success(), "eval failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).expect("eval JSON parses into the Report schema"))
}

#[test]
fn dev_set_quality_stays_above_the_gate() {
    let Some(report) = dev_report("dev_set_quality_stays_above_the_gate") else { return };
    let all = &report.overall;
    let table = boilerguard::eval::render_table(&report);
    assert_eq!(all.documents, 190, "{table}");
    assert!(all.labels["donation"].f1 >= 0.90, "donation F1 {:.3} < 0.90\n{table}", all.labels["donation"].f1);
    assert!(all.labels["disclaimer"].f1 >= 0.90, "disclaimer F1 {:.3} < 0.90\n{table}", all.labels["disclaimer"].f1);
    assert!(
        all.body_false_removal_rate <= 0.005,
        "body false removal {:.4} > 0.005\n{table}",
        all.body_false_removal_rate
    );
    assert!(all.gate_accuracy >= 0.95, "gate accuracy {:.3} < 0.95\n{table}", all.gate_accuracy);
}
