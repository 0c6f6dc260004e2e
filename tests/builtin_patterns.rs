//! Every built-in pattern's examples and counter-examples, the lint, and the hard negatives.
mod common;

use boilerguard::authoring::{lint::lint, run_examples};
use boilerguard::Detector;

fn detector() -> Detector {
    Detector::builtin().expect("built-in patterns load")
}

#[test]
fn every_example_and_counter_example_behaves() {
    let d = detector();
    let failures = run_examples(&d);
    let report: Vec<String> =
        failures.iter().map(|f| format!("{}: {}: {} {:?}: {}", f.location, f.id, f.kind, f.text, f.reason)).collect();
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), report.join("\n"));
}

#[test]
fn builtin_patterns_are_lint_clean() {
    let d = detector();
    let lints = lint(d.patterns(), |i, text| d.analyze(text).hits.iter().any(|h| h.pattern == i));
    let report: Vec<String> =
        lints.iter().map(|l| format!("{}: {} [{}] {}", l.location, l.id, l.code, l.message)).collect();
    assert!(lints.is_empty(), "{} lint findings:\n{}", lints.len(), report.join("\n"));
}

#[test]
fn hard_negatives_stay_body_alone_and_together() {
    let d = detector();
    let dir = common::root().join("tests").join("hard_negatives");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/hard_negatives exists") {
        let path = entry.expect("dir entry").path();
        let text = std::fs::read_to_string(&path).expect("read hard negatives");
        files += 1;
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let found = d.findings(line);
            assert!(
                found.is_empty(),
                "{}:{}: flagged {:?} by {:?}: {line}",
                path.display(),
                n + 1,
                found[0].category,
                found[0].patterns
            );
        }
        let found = d.findings(&text);
        assert!(found.is_empty(), "{}: flagged as a whole document: {:?}", path.display(), found.first());
    }
    assert!(files > 0, "no hard-negative files found");
}

#[test]
fn donation_and_disclaimer_cover_the_fourteen_languages() {
    let d = detector();
    for lang in ["en", "fr", "de", "es", "it", "pt", "nl", "pl", "sv", "cs", "ru", "zh", "ja", "ko"] {
        for category in [boilerguard::Category::Donation, boilerguard::Category::Disclaimer] {
            assert!(
                d.patterns().iter().any(|p| p.lang == lang && p.category == category),
                "no {category} pattern for {lang}"
            );
        }
    }
}

/// Loading skips compiling the embedded regexes (start-up time); this is where they are
/// compiled, exactly as a user's pattern file would be.
#[test]
fn every_builtin_file_passes_full_validation() {
    let limits = boilerguard::pattern::Limits::default();
    let mut regexes = 0;
    let fitted = boilerguard::pattern::fitted::FITTED_FILE;
    for (rel, text) in boilerguard::pattern::builtin_files().iter().filter(|(rel, _)| *rel != fitted) {
        let path = std::path::Path::new("patterns").join(rel);
        let patterns = boilerguard::pattern::parse_pattern_file(&path, std::path::Path::new(rel), text, &limits)
            .unwrap_or_else(|e| panic!("{e}"));
        regexes += patterns.iter().filter(|p| p.regex.is_some()).count();
    }
    assert!(regexes > 100, "only {regexes} regexes compiled");
}
