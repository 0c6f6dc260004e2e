//! `--report` in a real browser: Debian's headless `chromium` loads the page without console
//! errors, its DOM has the sections and the numbers of the `--stats` JSON, and a screenshot
//! of it is not blank.
//!
//! A browser is a heavy dependency, so the test runs only with `BOILERGUARD_BROWSER_TESTS=1`
//! (`.ci/run` installs chromium and sets it). With `BOILERGUARD_REPORT_SCREENSHOT=FILE.png`
//! it also saves a 1000×1400 screenshot there (how `docs/report.png` is made).
mod common;

use boilerguard::batch::Stats;
use common::{bin, root};
use std::io::Read;
use std::path::Path;
use std::process::Command;

const SECTIONS: [&str; 8] =
    ["totals", "config", "categories", "languages", "sites", "histogram", "patterns", "samples"];

/// Runs headless chromium on `page` with `args`; returns (stdout, stderr).
fn chromium(profile: &Path, page: &Path, args: &[String]) -> (String, String) {
    let out = Command::new("timeout")
        .arg("120")
        .arg("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Lines of chromium's log that come from the page: console messages and uncaught errors.
/// The browser's own complaints (no D-Bus in a container, no GPU) are not the page's.
fn page_errors(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains("CONSOLE") || l.contains("Uncaught") || l.contains("console")).collect()
}

/// Decodes just enough PNG to tell a drawn page from a blank one: the image data (filtered
/// scanlines) of a single-colour image holds a handful of byte values, a page with text and
/// charts hundreds.
fn distinct_bytes_in_image_data(png: &[u8]) -> usize {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG file");
    let mut at = 8;
    let mut idat = Vec::new();
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]) as usize;
        let kind = &png[at + 4..at + 8];
        if kind == b"IDAT" {
            idat.extend_from_slice(&png[at + 8..at + 8 + len]);
        }
        at += 12 + len;
    }
    let mut data = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..]).read_to_end(&mut data).expect("IDAT inflates");
    let mut seen = [false; 256];
    for b in data {
        seen[b as usize] = true;
    }
    seen.iter().filter(|s| **s).count()
}

#[test]
fn report_loads_in_headless_chromium_with_the_numbers_of_stats() {
    if std::env::var("BOILERGUARD_BROWSER_TESTS").map_or(true, |v| v != "1") {
        eprintln!("notice: report_browser skipped: set BOILERGUARD_BROWSER_TESTS=1 (needs Debian's chromium)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // A copy of examples/ beside the outputs, so the command line the page shows is the
    // short one a reader would type (the README's screenshot is made here).
    let examples = dir.path().join("examples");
    std::fs::create_dir_all(examples.join("articles")).expect("mkdir");
    for entry in common::files_below(&root().join("examples")) {
        let relative = entry.strip_prefix(root().join("examples")).expect("below examples");
        std::fs::copy(&entry, examples.join(relative)).expect("copy example");
    }
    let (report, stats) = (dir.path().join("report.html"), dir.path().join("stats.json"));
    bin()
        .current_dir(dir.path())
        .args(["scan", "examples", "--report", "report.html", "--stats", "stats.json", "--quiet"])
        .assert()
        .success();
    let stats: Stats = serde_json::from_str(&std::fs::read_to_string(&stats).expect("stats")).expect("stats schema");
    let profile = dir.path().join("profile");

    let (dom, log) = chromium(&profile, &report, &["--dump-dom".to_string()]);
    assert_eq!(page_errors(&log), Vec::<&str>::new(), "console errors while loading the page");
    for section in SECTIONS {
        assert!(dom.contains(&format!("<section id=\"{section}\">")), "section {section} in the DOM");
    }
    let mut numbers = vec![
        ("records_in".to_string(), stats.records_in),
        ("records_out".to_string(), stats.records_out),
        ("records_dropped".to_string(), stats.records_dropped),
        ("records_rejected".to_string(), stats.records_rejected),
        ("bytes_in".to_string(), stats.bytes_in),
        ("bytes_out".to_string(), stats.bytes_out),
    ];
    for (category, docs) in &stats.records_with {
        numbers.push((format!("cat-{category}-docs"), *docs));
        numbers.push((format!("cat-{category}-bytes"), stats.bytes_in_category[category]));
    }
    for (id, value) in numbers {
        assert!(dom.contains(&format!("id=\"{id}\" data-value=\"{value}\"")), "{id} = {value} in the DOM");
    }
    assert!(dom.contains("<mark>"), "samples are highlighted");

    let shot = dir.path().join("report.png");
    let (_, log) =
        chromium(&profile, &report, &[format!("--screenshot={}", shot.display()), "--window-size=1280,2000".into()]);
    assert_eq!(page_errors(&log), Vec::<&str>::new(), "console errors while drawing the page");
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.len() > 20_000, "a screenshot of {} bytes is too small to show the page", png.len());
    let distinct = distinct_bytes_in_image_data(&png);
    assert!(distinct > 64, "the screenshot looks blank ({distinct} distinct byte values)");

    if let Ok(keep) = std::env::var("BOILERGUARD_REPORT_SCREENSHOT") {
        let keep = std::path::absolute(keep).expect("screenshot path");
        chromium(&profile, &report, &[format!("--screenshot={}", keep.display()), "--window-size=1000,1400".into()]);
    }
}

/// The files below `dir` (examples/ is two levels deep).

#[test]
fn a_blank_image_is_told_from_a_drawn_one() {
    // 2×1 RGB, both pixels white: filter byte 0 then six 0xFF.
    let raw = [0u8, 255, 255, 255, 255, 255, 255];
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut z, &raw).expect("deflate");
    let data = z.finish().expect("deflate");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&(data.len() as u32).to_be_bytes());
    png.extend_from_slice(b"IDAT");
    png.extend_from_slice(&data);
    png.extend_from_slice(&[0; 4]);
    assert_eq!(distinct_bytes_in_image_data(&png), 2);
}
