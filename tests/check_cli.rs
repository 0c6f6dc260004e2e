//! `boilerguard check` end to end.
//!
//! Most cases are data: `tests/cmd/check/cases.toml` (run by `tests/cli_cases.rs`) pins
//! arguments, working directory, environment and exit code, and `tests/cmd/check/snapshots/`
//! the output. The tests here check what a snapshot cannot say clearly: that JSON reads back into the strict
//! report structs, that SARIF has what GitHub code scanning requires, that JUnit is
//! well-formed XML, and that a baseline survives edits and lets only new findings through.
//! Every case uses the frozen patterns in `tests/cmd/check/patterns`, never the built-ins.
use assert_cmd::Command;
use boilerguard::check::{Baseline, CheckReport, Severity};
use std::path::{Path, PathBuf};

/// The fixture folder.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/check")
}

/// `boilerguard check` with no colour from the environment.
fn check() -> Command {
    let mut cmd = Command::cargo_bin("boilerguard").expect("binary is built");
    cmd.env_remove("NO_COLOR").arg("check");
    cmd
}

/// `boilerguard check` in the fixture folder with the fixture patterns.
fn check_fixtures() -> Command {
    let mut cmd = check();
    cmd.current_dir(fixtures()).args(["--no-config", "--no-builtin", "--patterns", "patterns", "--quiet"]);
    cmd
}

/// `boilerguard check` in `dir` with the fixture patterns given by absolute path.
fn check_in(dir: &Path) -> Command {
    let mut cmd = check();
    cmd.current_dir(dir)
        .args(["--no-config", "--no-builtin", "--quiet", "--patterns"])
        .arg(fixtures().join("patterns"));
    cmd
}

/// The JSON report of `args`, read into the strict structs.
fn json_report(cmd: &mut Command) -> CheckReport {
    let out = cmd.args(["--format", "json"]).output().expect("runs");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn json_report_reads_back_into_strict_structs() {
    let report =
        json_report(check_fixtures().args(["--warn-on", "newsletter", "docs/corpus.jsonl", "docs/en-appeal.txt"]));
    let s = &report.summary;
    assert_eq!((s.documents, s.documents_failing, s.documents_warning, s.errors, s.warnings), (5, 3, 1, 5, 1));
    assert!(s.failed);
    let disclaimer = report.findings.iter().find(|f| f.id == "en-2").expect("en-2 is reported");
    assert_eq!(
        (disclaimer.record_line, disclaimer.line, disclaimer.column),
        (Some(2), 2, 61),
        "JSONL: record line, char column in the text"
    );
    assert_eq!(disclaimer.text, "The views expressed in this article are those of the author.");
    let newsletter = report.findings.iter().find(|f| f.id == "en-3").expect("en-3 is reported");
    assert_eq!(newsletter.severity, Severity::Warning);
    let appeal: Vec<(u64, u64)> =
        report.findings.iter().filter(|f| f.path.ends_with(".txt")).map(|f| (f.line, f.column)).collect();
    assert_eq!(appeal, vec![(6, 1), (7, 1), (8, 1)], "text: real line and column");
    for f in &report.findings {
        for m in &f.matches {
            assert!(f.text.get(m.start..m.end).is_some_and(|t| !t.is_empty()), "{f:?}");
        }
    }
}

#[test]
fn sarif_has_the_fields_github_code_scanning_requires() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("results.sarif");
    check_fixtures()
        .args(["--format", "sarif", "docs/corpus.jsonl", "docs/fr-disclaimer.txt", "-o"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout("");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("written")).expect("JSON");
    assert!(sarif["$schema"].as_str().is_some_and(|s| s.contains("sarif-2.1.0")), "$schema");
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "boilerguard");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let rule_ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(
        rule_ids,
        ["en.disclaimer.views-expressed", "fr.disclaimer.opinions-exprimees", "fr.donation.faites-un-don"]
    );
    for rule in rules {
        assert!(rule["shortDescription"]["text"].as_str().is_some_and(|t| !t.is_empty()), "{rule}");
        assert!(rule["properties"]["tags"][0].is_string(), "category tag: {rule}");
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 4);
    for r in results {
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()), "{r}");
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(uri == "docs/corpus.jsonl" || uri == "docs/fr-disclaimer.txt", "{uri}");
        assert!(loc["region"]["startLine"].as_u64().is_some_and(|l| l >= 1), "{r}");
        assert!(loc["region"]["startColumn"].as_u64().is_some_and(|c| c >= 1), "{r}");
        assert!(r["partialFingerprints"]["boilerguard/v1"].as_str().is_some_and(|f| f.len() == 16), "{r}");
        let rule = r["ruleId"].as_str().expect("ruleId");
        assert!(rule_ids.contains(&rule), "{rule}");
    }
}

#[test]
fn junit_is_well_formed_with_one_testcase_per_document() {
    let out = check_fixtures()
        .args(["--format", "junit", "docs/corpus.jsonl", "docs/en-clean.txt", "docs/en-appeal.txt"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let mut reader = quick_xml::Reader::from_reader(out.stdout.as_slice());
    let mut buf = Vec::new();
    let (mut cases, mut failures) = (Vec::new(), 0);
    loop {
        match reader.read_event_into(&mut buf).expect("well-formed XML") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.name().as_ref() == b"testcase" =>
            {
                let name = e
                    .try_get_attribute("name")
                    .expect("attribute")
                    .expect("name")
                    .unescape_value()
                    .expect("text")
                    .into_owned();
                cases.push(name);
            }
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"failure" => failures += 1,
            _ => {}
        }
        buf.clear();
    }
    assert_eq!(cases, ["en-1", "en-2", "fr-1", "en-3", "docs/en-clean.txt", "docs/en-appeal.txt"]);
    assert_eq!(failures, 3, "en-2, fr-1 and the appeal fail; newsletters are not selected");
}

#[test]
fn baseline_round_trip_reports_only_new_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let article = dir.path().join("article.txt");
    let original = std::fs::read_to_string(fixtures().join("docs/en-appeal.txt")).expect("fixture");
    std::fs::write(&article, &original).expect("copy");
    std::fs::copy(fixtures().join("docs/fr-disclaimer.txt"), dir.path().join("autre.txt")).expect("copy");

    check_in(dir.path()).args(["article.txt", "autre.txt"]).assert().code(1);
    check_in(dir.path()).args(["--write-baseline", "baseline.json", "article.txt", "autre.txt"]).assert().code(0);
    let baseline: Baseline =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).expect("written"))
            .expect("strict baseline schema");
    assert_eq!((baseline.version, baseline.findings.len()), (1, 5));

    check_in(dir.path())
        .args(["--baseline", "baseline.json", "article.txt", "autre.txt"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("5 findings accepted by the baseline."));

    // An unrelated edit above the appeal moves every offset and line: still accepted.
    let edited = original.replacen(
        "Work is expected",
        "A public meeting will be held on the quay next week.\nWork is expected",
        1,
    );
    std::fs::write(&article, &edited).expect("edit");
    check_in(dir.path()).args(["--baseline", "baseline.json", "article.txt", "autre.txt"]).assert().code(0);

    // A new appeal: exit 1, and only it is reported.
    std::fs::write(&article, format!("{edited}Donate today and keep the lighthouse story going.\n")).expect("edit");
    let report = json_report(check_in(dir.path()).args(["--baseline", "baseline.json", "article.txt", "autre.txt"]));
    assert!(report.summary.failed);
    assert_eq!(report.summary.baselined, 5);
    let new: Vec<(&str, u64, &str)> =
        report.findings.iter().map(|f| (f.path.as_str(), f.line, f.text.as_str())).collect();
    assert_eq!(new, [("article.txt", 10, "Donate today and keep the lighthouse story going.")]);
}

#[test]
fn fingerprints_survive_edits_elsewhere_in_the_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let original = std::fs::read_to_string(fixtures().join("docs/fr-disclaimer.txt")).expect("fixture");
    let fingerprints = |text: &str| {
        std::fs::write(dir.path().join("a.txt"), text).expect("write");
        json_report(check_in(dir.path()).arg("a.txt"))
            .findings
            .into_iter()
            .map(|f| (f.fingerprint, f.line))
            .collect::<Vec<_>>()
    };
    let before = fingerprints(&original);
    let after = fingerprints(&format!(
        "Mise à jour : ajout d'une citation.\n\n{}",
        original.replace("six hectares", "sept hectares")
    ));
    assert_eq!(before.len(), 2);
    assert_eq!(before.iter().map(|f| &f.0).collect::<Vec<_>>(), after.iter().map(|f| &f.0).collect::<Vec<_>>());
    assert_ne!(before[0].1, after[0].1, "the lines moved, the fingerprints did not");
}

#[test]
fn color_only_when_asked_and_never_with_no_color() {
    let colored = check_fixtures().args(["--color", "always", "docs/en-appeal.txt"]).output().expect("runs");
    assert!(colored.stdout.windows(2).any(|w| w == b"\x1b["), "--color always colours");
    let piped = check_fixtures().arg("docs/en-appeal.txt").output().expect("runs");
    assert!(!piped.stdout.contains(&0x1b), "auto: not a terminal, no colour");
    let no_color =
        check_fixtures().args(["--color", "always", "docs/en-appeal.txt"]).env("NO_COLOR", "1").output().expect("runs");
    assert!(!no_color.stdout.contains(&0x1b), "NO_COLOR wins");
}

#[test]
fn baselines_key_paths_from_the_configuration_root_however_they_are_typed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let patterns = fixtures().join("patterns");
    let config =
        format!("builtin = false\npatterns = [{:?}]\nbaseline = \"baseline.json\"\n", patterns.display().to_string());
    std::fs::write(root.join("boilerguard.toml"), config).expect("config");
    std::fs::create_dir_all(root.join("docs/sub")).expect("mkdir");
    std::fs::copy(fixtures().join("docs/en-appeal.txt"), root.join("docs/a.txt")).expect("copy");
    let run = |cwd: &Path, args: &[&str]| {
        let out = check().current_dir(cwd).arg("--quiet").args(args).output().expect("runs");
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (written, _) = run(root, &["docs/a.txt", "--write-baseline", "baseline.json"]);
    assert_eq!(written, Some(0));
    let absolute = root.join("docs/a.txt").display().to_string();
    for (cwd, path) in [
        (root.to_path_buf(), "docs/a.txt"),
        (root.to_path_buf(), "./docs/a.txt"),
        (root.to_path_buf(), "docs/sub/../a.txt"),
        (root.to_path_buf(), absolute.as_str()),
        (root.join("docs"), "a.txt"),
        (root.join("docs/sub"), "../a.txt"),
    ] {
        let (status, stdout) = run(&cwd, &[path]);
        assert_eq!(status, Some(0), "{path} from {}: {stdout}", cwd.display());
        assert!(stdout.contains("accepted by the baseline"), "{path}: {stdout}");
    }
}
