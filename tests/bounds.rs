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
