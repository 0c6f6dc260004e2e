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
    assert_quality("dev", &report, Gates { donation_f1: 0.90, disclaimer_f1: 0.90, body_removed: 0.005 });
    assert!(all.gate_accuracy >= 0.95, "gate accuracy {:.3} < 0.95\n{table}", all.gate_accuracy);
}

/// The `[weights]` lines of a fitted-weights file (the header names the command that made it).
fn weight_lines(text: &str) -> Vec<String> {
    text.lines().skip_while(|l| *l != "[weights]").map(str::to_string).collect()
}

#[test]
fn shipped_fitted_weights_are_what_the_fit_gives() {
    let Some(shared) = common::shared("shipped_fitted_weights_are_what_the_fit_gives") else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join("patterns");
    let status = std::process::Command::new("cp").arg("-r").arg(common::root().join("patterns")).arg(&copy).status();
    assert!(status.expect("cp").success());
    std::fs::remove_file(copy.join("fitted.toml")).expect("the source tree ships fitted.toml");
    let out = common::bin()
        .args(["patterns", "fit", "--no-builtin", "--write", "--patterns"])
        .arg(&copy)
        .arg(shared.join("eval/train.jsonl"))
        .arg(shared.join("eval/dev.jsonl"))
        .output()
        .expect("run fit");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let refit = std::fs::read_to_string(copy.join("fitted.toml")).expect("fit wrote fitted.toml");
    let shipped = std::fs::read_to_string(common::root().join("patterns/fitted.toml")).expect("shipped");
    assert_eq!(
        weight_lines(&refit),
        weight_lines(&shipped),
        "patterns/fitted.toml is stale: run `cargo run --release -- patterns fit ../shared/eval/train.jsonl ../shared/eval/dev.jsonl --write`"
    );
}

/// `eval --cv-by-site --format json` on train + dev.
fn cross_validation(shared: &std::path::Path) -> serde_json::Value {
    let out = common::bin()
        .args(["eval", "--cv-by-site", "--format", "json"])
        .arg(shared.join("eval/train.jsonl"))
        .arg(shared.join("eval/dev.jsonl"))
        .output()
        .expect("run eval");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn site_grouped_cross_validation_reports_both_figures() {
    let Some(shared) = common::shared("site_grouped_cross_validation_reports_both_figures") else { return };
    let json = cross_validation(&shared);
    let shipped: Report = serde_json::from_value(json["shipped"].clone()).expect("report schema");
    let cv: Report = serde_json::from_value(json["cross_validated"].clone()).expect("report schema");
    assert_eq!((shipped.overall.documents, cv.overall.documents), (312, 312));
    assert_eq!(json["folds"], 5);
    assert!(json["sites"].as_u64().is_some_and(|s| s > 250), "{}", json["sites"]);
    // The held-out figure is printed for the closing notes; here it must at least be a
    // real measurement of the same paragraphs.
    assert_eq!(shipped.overall.paragraphs, cv.overall.paragraphs);
}

/// The figure of record (issue 16): site-grouped cross-validation on train + dev. The issue's
/// targets are donation and disclaimer F1 ≥ 0.90 at body false removal ≤ 0.3 %. Disclaimer is
/// gated at the target; donation (0.894 reached) sits just under it, at the figure reached
/// minus 0.01, where a change that loses recall or precision on unseen sites fails. The body
/// budget is the issue's.
#[test]
fn cross_validated_quality_stays_at_the_figures_reached() {
    let Some(shared) = common::shared("cross_validated_quality_stays_at_the_figures_reached") else { return };
    let json = cross_validation(&shared);
    let cv: Report = serde_json::from_value(json["cross_validated"].clone()).expect("report schema");
    assert_quality("CV", &cv, Gates { donation_f1: 0.884, disclaimer_f1: 0.90, body_removed: 0.003 });
}

/// The lowest F1 per label and the highest body false-removal rate a report may show.
struct Gates {
    donation_f1: f64,
    disclaimer_f1: f64,
    body_removed: f64,
}

/// Fails, with the report's table, where `report` falls below `gates`.
fn assert_quality(what: &str, report: &Report, gates: Gates) {
    let (all, table) = (&report.overall, boilerguard::eval::render_table(report));
    for (label, min) in [("donation", gates.donation_f1), ("disclaimer", gates.disclaimer_f1)] {
        let f1 = all.labels[label].f1;
        assert!(f1 >= min, "{what} {label} F1 {f1:.3} < {min}\n{table}");
    }
    let rate = all.body_false_removal_rate;
    assert!(rate <= gates.body_removed, "{what} body false removal {rate:.4} > {}\n{table}", gates.body_removed);
}

#[test]
fn pattern_stats_count_every_gold_paragraph_a_pattern_hits() {
    let Some(shared) = common::shared("pattern_stats_count_every_gold_paragraph_a_pattern_hits") else { return };
    let out = common::bin()
        .args(["patterns", "stats", "--format", "json"])
        .arg(shared.join("eval/dev.jsonl"))
        .output()
        .expect("run stats");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stats: Vec<boilerguard::authoring::stats::PatternStat> = serde_json::from_slice(&out.stdout).expect("schema");
    assert_eq!(stats.len(), Detector::builtin().expect("patterns").patterns().len());
    let donation_hits: usize = stats.iter().filter(|s| s.label == "donation").map(|s| s.hits["donation"]).sum();
    assert!(donation_hits > 50, "dev has appeals the donation patterns hit: {donation_hits}");
    assert!(stats.iter().all(|s| (0.0..=1.0).contains(&s.precision)));
}
