//! The binary's subcommands on small fixtures, with a frozen pattern set
//! (`tests/fixtures/patterns`) so these tests do not move with the built-in patterns.
mod common;

use boilerguard::report::record::ScanRecord;
use common::bin;
use predicates::str::contains;

const FIXTURE_PATTERNS: [&str; 3] = ["--no-builtin", "--patterns", "tests/fixtures/patterns"];

fn scan_records(stdout: &[u8]) -> Vec<ScanRecord> {
    String::from_utf8_lossy(stdout).lines().map(|l| serde_json::from_str(l).expect("scan record schema")).collect()
}

#[test]
fn scan_jsonl_reports_blocks_with_original_byte_offsets() {
    let out = bin().arg("scan").args(FIXTURE_PATTERNS).arg("tests/fixtures/article.txt").output().expect("run");
    assert!(out.status.success());
    let records = scan_records(&out.stdout);
    assert_eq!(records.len(), 1);
    let text = std::fs::read_to_string("tests/fixtures/article.txt").expect("fixture");
    let r = &records[0];
    assert_eq!(r.id, "tests/fixtures/article.txt");
    assert_eq!(r.body_bytes + r.boilerplate_bytes, text.len());
    let spans: Vec<(&str, &str)> = r.blocks.iter().map(|b| (b.category.as_str(), &text[b.start..b.end])).collect();
    assert_eq!(
        spans,
        vec![
            ("disclaimer", "The views expressed in this article are those of the author."),
            ("donation", "Support independent local journalism"),
            ("donation", "Your support keeps this site free for everyone."),
            ("donation", "Donate now"),
        ]
    );
}

#[test]
fn scan_reads_standard_input_and_sniffs_jsonl() {
    let out = bin()
        .args(["scan", "-", "--quiet"])
        .args(FIXTURE_PATTERNS)
        .write_stdin("{\"id\":\"x\",\"text\":\"a\\nDonate now\"}\n")
        .output()
        .expect("run");
    assert!(out.status.success());
    let r = scan_records(&out.stdout);
    assert_eq!(r[0].id, "x");
    assert_eq!(r[0].source, "<stdin>:1");
    assert_eq!(r[0].blocks[0].start, 2);
}

#[test]
fn scan_human_lists_only_documents_with_boilerplate() {
    bin()
        .args(["scan", "--format", "human", "--quiet"])
        .args(FIXTURE_PATTERNS)
        .arg("tests/fixtures/article.txt")
        .assert()
        .success()
        .stdout(contains("line 4     disclaimer   1.00  The views expressed"))
        .stdout(contains("en.donation.donate-now"));
}

#[test]
fn clean_jsonl_changes_only_the_text_value() {
    let out = bin()
        .args(["clean", "--quiet"])
        .args(FIXTURE_PATTERNS)
        .arg("tests/fixtures/corpus.jsonl")
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).expect("utf8").lines().collect();
    assert_eq!(
        lines,
        vec![
            r#"{"id":"a","text":"Plain news.\nNothing to see."}"#,
            r#"{"id":"b","lang":"en","text":"News line.\n","n":1.50}"#,
            r#"{"id":"d","text":""}"#,
        ]
    );
}

#[test]
fn clean_text_removes_whole_lines() {
    let out = bin()
        .args(["clean", "--quiet"])
        .args(FIXTURE_PATTERNS)
        .arg("tests/fixtures/article.txt")
        .output()
        .expect("run");
    let cleaned = String::from_utf8(out.stdout).expect("utf8");
    assert_eq!(cleaned.lines().count(), 3);
    assert!(cleaned.ends_with("before winter.\n"), "{cleaned}");
}

#[test]
fn explain_shows_scores_hits_and_joins() {
    bin()
        .arg("explain")
        .args(FIXTURE_PATTERNS)
        .arg("tests/fixtures/article.txt")
        .assert()
        .success()
        .stdout(contains("[donation] 0.54  Your support keeps"))
        .stdout(contains("joined the region of block #4"))
        .stdout(contains("hit en.donation.donate-now (donation, weight 0.80)"))
        .stdout(contains("#2 line 3 [body] 0.00  Residents said they would support the plan"));
}

#[test]
fn explain_one_jsonl_record() {
    bin()
        .args(["explain", "--line", "2"])
        .args(FIXTURE_PATTERNS)
        .arg("tests/fixtures/corpus.jsonl")
        .assert()
        .success()
        .stdout(contains("[donation]"));
    bin()
        .args(["explain", "--line", "4"])
        .args(FIXTURE_PATTERNS)
        .arg("tests/fixtures/corpus.jsonl")
        .assert()
        .code(2)
        .stderr(contains("tests/fixtures/corpus.jsonl:4: field `text` is a number, expected a string"));
    // Line numbers start at 1, and a JSONL file without --line is not explained as text.
    let explain = |extra: &[&str]| {
        bin().arg("explain").args(extra).args(FIXTURE_PATTERNS).arg("tests/fixtures/corpus.jsonl").assert().code(2)
    };
    explain(&["--line", "0"]).stderr(contains("0 is not in 1.."));
    explain(&[]).stderr(contains("corpus.jsonl is JSONL: name the record to explain with --line N"));
}

#[test]
fn patterns_list_test_and_phrases() {
    bin()
        .args(["patterns", "list"])
        .args(FIXTURE_PATTERNS)
        .assert()
        .success()
        .stdout(contains("en.donation.donate-now"))
        .stdout(contains("fr.donation.faites-un-don"));
    bin()
        .args(["patterns", "list", "--phrases"])
        .args(FIXTURE_PATTERNS)
        .assert()
        .success()
        .stdout("donate now\ndonate today\nfaire un don\nfaites un don\nreader-funded\nyour support\n");
    bin().args(["patterns", "test"]).args(FIXTURE_PATTERNS).assert().success().stdout(contains("0 failed"));
}

#[test]
fn patterns_test_fails_with_file_and_id_on_a_broken_example() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("en")).expect("mkdir");
    std::fs::write(
        dir.path().join("en/donation.toml"),
        "[[pattern]]\nid = \"en.donation.give\"\nphrases = [\"give generously\"]\nweight = 0.8\nexamples = [\"Please donate\"]\ncounter_examples = [\"Give generously\"]\n",
    )
    .expect("write");
    bin()
        .args(["patterns", "test", "--no-builtin", "--patterns"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(contains(
            "en/donation.toml:2: en.donation.give: example \"Please donate\": the pattern does not match it",
        ))
        .stdout(contains("counter_example \"Give generously\": labeled donation"));
}

#[test]
fn bad_pattern_directory_is_an_error_naming_file_line_and_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("en")).expect("mkdir");
    std::fs::write(
        dir.path().join("en/donation.toml"),
        "[[pattern]]\nid = \"en.donation.x\"\nregex = '(open'\nweight = 0.5\nexamples = [\"x\"]\n",
    )
    .expect("write");
    bin()
        .args(["scan", "--no-builtin", "--patterns"])
        .arg(dir.path())
        .arg("tests/fixtures/article.txt")
        .assert()
        .code(2)
        .stderr(contains("en/donation.toml:2: pattern `en.donation.x`: invalid regex"));
}

#[test]
fn missing_input_is_reported_with_exit_2() {
    bin()
        .args(["scan", "--quiet", "no/such/file.txt"])
        .args(FIXTURE_PATTERNS)
        .assert()
        .code(2)
        .stderr(contains("no/such/file.txt"));
}

#[test]
fn builtin_patterns_work_without_any_files_beside_the_binary() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.txt"), "News.\nThe views expressed in this article are those of the author and do not necessarily reflect the views of this site.\n").expect("write");
    let out = bin().current_dir(dir.path()).args(["scan", "a.txt", "--quiet"]).output().expect("run");
    assert!(out.status.success());
    assert_eq!(scan_records(&out.stdout)[0].categories, vec![boilerguard::Category::Disclaimer]);
}

#[test]
fn eval_prints_per_language_table_and_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gold = dir.path().join("gold.jsonl");
    std::fs::write(
        &gold,
        concat!(
            r#"{"id":"1","lang":"en","paragraphs":[{"text":"News.","label":"body"},{"text":"Donate now","label":"donation"}]}"#,
            "\n",
            r#"{"id":"2","lang":"fr","paragraphs":[{"text":"Nouvelles.","label":"body"},{"text":"Faites un don","label":"donation"},{"text":"Abonnez-vous","label":"other"}]}"#,
            "\n"
        ),
    )
    .expect("write");
    bin()
        .arg("eval")
        .arg(&gold)
        .args(FIXTURE_PATTERNS)
        .assert()
        .success()
        .stdout(contains("ALL"))
        .stdout(contains("fr "));
    let out = bin().args(["eval", "--format", "json"]).arg(&gold).args(FIXTURE_PATTERNS).output().expect("run");
    let report: boilerguard::eval::Report = serde_json::from_slice(&out.stdout).expect("report schema");
    let donation = &report.overall.labels["donation"];
    assert_eq!((donation.true_positives, donation.false_positives, donation.false_negatives), (2, 0, 0));
    assert_eq!(report.overall.labels["other"].false_negatives, 1);
    assert_eq!(report.overall.gate_accuracy, 1.0);
    assert_eq!(report.languages["fr"].documents, 1);
}

/// Standard output closed by its reader (`| head`): every command that writes to it stops
/// quietly, with the status a tool killed by `SIGPIPE` reports, not a panic or an error.
#[test]
fn closed_standard_output_ends_quietly_with_the_sigpipe_status() {
    let commands: [&[&str]; 4] = [
        &["patterns", "list"],
        &["patterns", "list", "--phrases"],
        &["scan", "examples/corpus.jsonl"],
        &["explain", "tests/fixtures/article.txt"],
    ];
    for args in commands {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("boilerguard"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        // Closed before the process has written anything: its first write fails.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(141), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("error"), "{args:?}: {stderr}");
    }
}

#[test]
fn completions_and_man_page_come_from_the_real_flags() {
    for shell in ["bash", "zsh", "fish"] {
        let out = bin().args(["completions", shell]).output().expect("run");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && script.contains("remove-stale-temp") && script.contains("mine"), "{shell}");
    }
    let out = bin().arg("man").output().expect("run");
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH boilerguard 1") && page.contains("clean"), "{page}");
}
