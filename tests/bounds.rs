//! Resource bounds and gates that must not pass without looking (issue 15, items 7, 8, 9
//! and 11): linear region growing, limits checked before the work they bound, language
//! codes checked, `check` on nothing, and a full or closed standard error.
mod common;

use boilerguard::classify::classify_counted;
use boilerguard::Detector;
use common::bin;
use predicates::str::contains;
use std::path::Path;
use std::time::Duration;

const FIXTURE_PATTERNS: [&str; 3] = ["--no-builtin", "--patterns", "tests/fixtures/patterns"];

/// The run of a command that hung (as `-j 100000` did) fails instead of stalling the suite.
const HANG: Duration = Duration::from_secs(120);

// Item 7: detection linear in document size.

#[test]
fn region_growing_walks_each_block_a_bounded_number_of_times_in_every_layout() {
    let detector = Detector::builtin().expect("built-in patterns");
    // Each layout repeated: every line an anchor, or a line an anchor's region joins. Growing
    // every anchor's region over the rest of the document made these quadratic.
    let layouts = [
        "Donate now\nab\n",
        "Donate now\nYour support keeps this site free.\n",
        "Want to help?\nDonate now\n35 €\n",
        "The views expressed in this article are those of the author.\nOpinion\n",
        "Sign up for our newsletter\nab\n",
        "Faites un don\nab\n",
    ];
    for layout in layouts {
        let text = layout.repeat(2_000);
        let analysis = detector.analyze(&text);
        let options = &detector.config().classify;
        let (verdicts, work) = classify_counted(&text, &analysis.blocks, &analysis.hits, detector.patterns(), options);
        assert_eq!(verdicts, analysis.verdicts, "{layout:?}");
        let blocks = analysis.blocks.len();
        assert!(work.region_steps <= 6 * blocks, "{layout:?}: {} steps for {blocks} blocks", work.region_steps);
    }
}

// Item 8: limits checked up front, messages that point.

fn pattern_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn pattern(id: &str, body: &str) -> String {
    format!("[[pattern]]\nid = \"{id}\"\n{body}\nweight = 0.5\nexamples = [\"x\"]\n\n")
}

/// `patterns lint` on `dir` alone: what loading it says, and its exit status.
fn load(dir: &Path) -> (Option<i32>, String) {
    let out =
        bin().args(["patterns", "lint", "--no-builtin", "--patterns"]).arg(dir).timeout(HANG).output().expect("run");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_duplicate_id_is_reported_at_its_second_definition_naming_the_first() {
    let text =
        [pattern("en.donation.a", "phrases = [\"give\"]"), pattern("en.donation.a", "phrases = [\"help\"]")].concat();
    let dir = pattern_dir(&[("en/donation.toml", &text)]);
    let (code, stderr) = load(dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("en/donation.toml:8: pattern `en.donation.a`: duplicate id"), "{stderr}");
    assert!(stderr.contains("already defined in") && stderr.contains("en/donation.toml:2"), "{stderr}");
}

#[test]
fn a_pattern_is_placed_at_its_own_id_even_when_the_id_was_quoted_earlier() {
    // The first pattern's example quotes the second's id: looking the id up in the file text
    // found that line, and did so from the start of the file for every pattern.
    let text = [
        "[[pattern]]\nid = \"en.donation.a\"\nphrases = [\"give\"]\nweight = 0.5\nexamples = [\"en.donation.b\"]\n\n"
            .to_string(),
        pattern("en.donation.b", "regex = '('"),
    ]
    .concat();
    let dir = pattern_dir(&[("en/donation.toml", &text)]);
    let (code, stderr) = load(dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("en/donation.toml:8: pattern `en.donation.b`: invalid regex"), "{stderr}");
}

#[test]
fn limit_messages_name_the_file() {
    // One file over the phrase limit, and a second file that takes the set over it.
    let many = |n: usize| format!("phrases = [{}]", (0..n).map(|i| format!("\"p{i}\"")).collect::<Vec<_>>().join(","));
    let over = pattern("en.donation.many", &many(500_001));
    let dir = pattern_dir(&[("en/donation.toml", &over)]);
    let (code, stderr) = load(dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("en/donation.toml: 500001 phrases exceed the limit of 500000"), "{stderr}");

    let half = pattern("en.donation.half", &many(300_000));
    let other = pattern("en.newsletter.half", &many(300_000));
    let dir = pattern_dir(&[("en/donation.toml", &half), ("en/newsletter.toml", &other)]);
    let (code, stderr) = load(dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("en/newsletter.toml: 600000 phrases exceed the limit of 500000"), "{stderr}");
}

#[test]
fn a_huge_regex_is_refused_by_its_length_before_it_is_parsed() {
    // 10 MB of alternatives took 18 s and 3.6 GB to be refused by its compiled size.
    let regex = (0..1_000_000).map(|i| format!("w{i}")).collect::<Vec<_>>().join("|");
    let dir = pattern_dir(&[("en/donation.toml", &pattern("en.donation.huge", &format!("regex = '{regex}'")))]);
    let (code, stderr) = load(dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "en/donation.toml:2: pattern `en.donation.huge`: regex of {} bytes exceeds the limit",
            regex.len()
        )),
        "{stderr}"
    );
}

#[test]
fn thousands_of_patterns_in_one_file_load_with_their_own_lines() {
    let text: String =
        (0..20_000).map(|i| pattern(&format!("en.donation.p{i}"), &format!("phrases = [\"phrase {i}\"]"))).collect();
    let dir = pattern_dir(&[("en/donation.toml", &text)]);
    let set = boilerguard::DetectorConfig {
        builtin: false,
        pattern_dirs: vec![dir.path().to_path_buf()],
        ..Default::default()
    }
    .build()
    .expect("loads");
    // Each pattern takes six lines, its id on the second.
    let misplaced: Vec<(usize, usize)> =
        set.patterns().iter().map(|p| p.line).enumerate().filter(|&(i, line)| line != 2 + 6 * i).take(5).collect();
    assert_eq!(set.patterns().len(), 20_000);
    assert_eq!(misplaced, vec![], "(pattern, line) placed elsewhere");
}

#[test]
fn worker_threads_are_capped_with_a_note() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    bin()
        // Not --quiet: that hides the note.
        .args(["scan", "-j", "100000"])
        .args(FIXTURE_PATTERNS)
        .arg("tests/fixtures/article.txt")
        .timeout(HANG)
        .assert()
        .success()
        .stderr(contains(format!("-j 100000 capped at {} (4 per available core)", 4 * cores)));
}

// Item 9: language codes checked everywhere, and `check` on nothing.

#[test]
fn language_codes_are_normalized_and_checked_on_the_command_line() {
    let fr = tempfile::tempdir().expect("tempdir");
    let doc = fr.path().join("fr.txt");
    std::fs::write(&doc, "Le conseil a voté le budget.\nFaites un don\n").expect("write");
    // (--lang, exit status, what stderr must say)
    let cases: &[(&str, i32, &str)] = &[
        ("FR", 1, ""),
        ("en, fr", 1, ""),
        (" fr ", 1, ""),
        ("en", 0, ""),
        ("fra", 2, "unknown language code `fra`"),
        ("french", 2, "unknown language code `french`"),
        ("de", 2, "no patterns for language `de` (patterns exist for: en, fr)"),
    ];
    for &(lang, code, message) in cases {
        let out = bin()
            .args(["check", "--no-config", "--quiet", "--lang", lang])
            .args(FIXTURE_PATTERNS)
            .arg(&doc)
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "--lang {lang:?}: {stderr}");
        assert!(stderr.contains(message), "--lang {lang:?}: {stderr}");
    }
}

#[test]
fn language_codes_of_the_configuration_file_are_checked_and_located() {
    // (the file's `lang`, the line named, what stderr must say)
    let cases: &[(&str, usize, &str)] = &[
        ("lang = [\"english\"]", 2, "`lang`: unknown language code `english`"),
        ("lang = [\"de\"]", 2, "`lang`: no patterns for language `de`"),
    ];
    for &(lang, line, message) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("boilerguard.toml"), format!("builtin = false\n{lang}\n")).expect("write");
        std::fs::write(dir.path().join("a.txt"), "Donate now\n").expect("write");
        let patterns = common::root().join("tests/fixtures/patterns");
        let out = bin()
            .current_dir(dir.path())
            .args(["check", "--quiet", "--patterns"])
            .arg(&patterns)
            .arg("a.txt")
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{lang}: {stderr}");
        assert!(stderr.contains(&format!("boilerguard.toml:{line}: {message}")), "{lang}: {stderr}");
    }
}

#[test]
fn check_on_no_documents_warns_and_fails_under_fail_on_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty_dir = dir.path().join("empty");
    std::fs::create_dir(&empty_dir).expect("mkdir");
    let empty_file = dir.path().join("empty.txt");
    std::fs::write(&empty_file, "").expect("write");
    let with_doc = dir.path().join("docs");
    std::fs::create_dir(&with_doc).expect("mkdir");
    std::fs::write(with_doc.join("a.txt"), "Donate now\n").expect("write");
    let nothing: [(&str, Vec<std::ffi::OsString>); 3] = [
        ("empty directory", vec![empty_dir.into()]),
        ("0-byte file", vec![empty_file.into()]),
        ("every file excluded", vec![with_doc.into(), "--glob".into(), "!*".into()]),
    ];
    for (what, args) in &nothing {
        for (flag, code) in [(None, 0), (Some("--fail-on-empty"), 2)] {
            let out = bin()
                .args(["check", "--no-config", "--quiet"])
                .args(FIXTURE_PATTERNS)
                .args(args)
                .args(flag)
                .output()
                .expect("run");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(code), "{what} {flag:?}: {stderr}");
            assert!(stderr.contains("no documents were checked"), "{what} {flag:?}: {stderr}");
        }
    }
}

// Item 11: a full or closed standard error never panics.

/// Runs `check` on the fixture article and a missing file (exit 2) with stderr set to
/// `stderr`: the error and the run's summary are written to it.
fn check_with_stderr(stderr: std::process::Stdio) -> std::process::Child {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("boilerguard"));
    cmd.args(["check", "--no-config", "--format", "json"])
        .args(FIXTURE_PATTERNS)
        .arg("tests/fixtures/article.txt")
        .arg("tests/fixtures/missing.txt")
        .stdout(std::process::Stdio::null())
        .stderr(stderr);
    cmd.spawn().expect("spawn")
}

#[test]
fn a_full_standard_error_keeps_the_real_exit_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    let full = dir.path().join("full");
    // The kernel's full device (char 1:7), made here rather than used from /dev.
    let made = std::process::Command::new("mknod").arg(&full).args(["c", "1", "7"]).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("notice: a_full_standard_error_keeps_the_real_exit_status skipped: mknod failed (not root?)");
        return;
    }
    let device = std::fs::OpenOptions::new().write(true).open(&full).expect("open the full device");
    let status = check_with_stderr(device.into()).wait().expect("wait");
    // A missing input is an error: 2, not the panic's 101.
    assert_eq!(status.code(), Some(2));
}

#[test]
fn a_closed_standard_error_keeps_the_real_exit_status() {
    let mut child = check_with_stderr(std::process::Stdio::piped());
    drop(child.stderr.take());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(2));
}
