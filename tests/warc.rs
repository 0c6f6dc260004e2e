//! Common Crawl WARC/WET in and out, on files written by warcio (the Python library WET files
//! are made and read with), generated in the test set-up by `tests/fixtures/warc/make_fixtures.py`.
//! Outputs are read back with warcio too, digests checked.
//!
//! The Python comes from `BOILERGUARD_PYTHON` (default `python3`). Without warcio the tests
//! print a skip notice, and fail when `BOILERGUARD_REQUIRE_FIXTURE_LIBS=1` (as in CI).
mod common;

use boilerguard::batch::{Reject, Stats};
use boilerguard::report::record::ScanRecord;
use common::{bin, root};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

const FIXTURE_PATTERNS: [&str; 3] = ["--no-builtin", "--patterns", "tests/fixtures/patterns"];

/// One record as warcio read it.
#[derive(Debug, Deserialize, PartialEq, Clone)]
#[serde(deny_unknown_fields)]
struct WarcioRecord {
    #[serde(rename = "type")]
    kind: String,
    headers: Vec<(String, String)>,
    payload_base64: String,
    offset: u64,
}

impl WarcioRecord {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn payload(&self) -> Vec<u8> {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(&self.payload_base64).expect("base64")
    }

    /// Headers but those a cleaned record must change.
    fn kept_headers(&self) -> Vec<(String, String)> {
        let changes = ["content-length", "warc-block-digest", "warc-payload-digest"];
        self.headers.iter().filter(|(k, _)| !changes.contains(&k.to_ascii_lowercase().as_str())).cloned().collect()
    }
}

/// The fixtures of one test, in their own directory.
struct Fixtures {
    dir: tempfile::TempDir,
    python: PathBuf,
    manifest: BTreeMap<String, Vec<WarcioRecord>>,
}

impl Fixtures {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn records(&self, name: &str) -> &[WarcioRecord] {
        &self.manifest[name]
    }

    fn conversions(&self, name: &str) -> Vec<&WarcioRecord> {
        self.records(name).iter().filter(|r| r.kind == "conversion").collect()
    }

    /// `path`'s records as warcio reads them (digests checked).
    fn read_back(&self, path: &Path) -> Vec<WarcioRecord> {
        let out = std::process::Command::new(&self.python)
            .arg(script())
            .arg("--read")
            .arg(path)
            .output()
            .expect("run warcio");
        assert!(
            out.status.success(),
            "warcio cannot read {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("warcio records")
    }
}

fn script() -> PathBuf {
    root().join("tests/fixtures/warc/make_fixtures.py")
}

/// Writes the fixtures with warcio, or says why not.
fn fixtures(test: &str) -> Option<Fixtures> {
    let python = PathBuf::from(std::env::var("BOILERGUARD_PYTHON").unwrap_or_else(|_| "python3".into()));
    let has_warcio =
        std::process::Command::new(&python).args(["-c", "import warcio"]).output().is_ok_and(|o| o.status.success());
    if !has_warcio {
        if std::env::var("BOILERGUARD_REQUIRE_FIXTURE_LIBS").is_ok_and(|v| v == "1") {
            panic!("{test}: {} has no warcio, and BOILERGUARD_REQUIRE_FIXTURE_LIBS=1", python.display());
        }
        eprintln!(
            "notice: {test} skipped: {} has no warcio (set BOILERGUARD_PYTHON to a Python with warcio; \
             BOILERGUARD_REQUIRE_FIXTURE_LIBS=1 makes this an error)",
            python.display()
        );
        return None;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = std::process::Command::new(&python).arg(script()).arg(dir.path()).output().expect("run python");
    assert!(out.status.success(), "fixture script failed: {}", String::from_utf8_lossy(&out.stderr));
    let manifest = serde_json::from_slice(&std::fs::read(dir.path().join("manifest.json")).expect("manifest"))
        .expect("manifest is JSON");
    Some(Fixtures { dir, python, manifest })
}

fn run(cmd: &str, args: &[&str], paths: &[&Path]) -> std::process::Output {
    bin().current_dir(root()).arg(cmd).args(FIXTURE_PATTERNS).args(args).args(paths).output().expect("run")
}

fn scan_records(out: &std::process::Output) -> Vec<ScanRecord> {
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("scan record")).collect()
}

fn stats(path: &Path) -> Stats {
    let stats: Stats = serde_json::from_slice(&std::fs::read(path).expect("stats")).expect("stats JSON");
    assert!(stats.balanced(), "records in != out + dropped + rejected: {stats:?}");
    stats
}

fn rejects(path: &Path) -> Vec<Reject> {
    let text = std::fs::read_to_string(path).expect("rejects");
    text.lines().map(|l| serde_json::from_str(l).expect("reject")).collect()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out).expect("gunzip");
    out
}

/// How many gzip members `bytes` holds.
fn gzip_members(bytes: &[u8]) -> usize {
    let mut rest = bytes;
    let mut members = 0;
    while !rest.is_empty() {
        let mut decoder = flate2::bufread::GzDecoder::new(rest);
        std::io::copy(&mut decoder, &mut std::io::sink()).expect("gzip member");
        rest = decoder.into_inner();
        members += 1;
    }
    members
}

#[test]
fn scan_gives_one_document_per_conversion_record_with_its_id_url_and_offset() {
    let Some(fx) = fixtures("scan_gives_one_document_per_conversion_record_with_its_id_url_and_offset") else {
        return;
    };
    for name in ["wet.warc.wet.gz", "wet.warc.wet"] {
        let stats_path = fx.path(&format!("{name}.stats.json"));
        let input = fx.path(name);
        let out = run("scan", &["--quiet", "--stats"], &[&stats_path, &input]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let records = scan_records(&out);
        let expected = fx.conversions(name);
        assert_eq!(records.len(), expected.len(), "{name}");
        for (record, warcio) in records.iter().zip(&expected) {
            assert_eq!(Some(record.id.as_str()), warcio.header("WARC-Record-ID"));
            assert_eq!(record.url.as_deref(), warcio.header("WARC-Target-URI"));
            assert_eq!(record.body_bytes + record.boilerplate_bytes, warcio.payload().len());
        }
        // Uncompressed, the offsets are the file's, as warcio reports them.
        if name == "wet.warc.wet" {
            for (record, warcio) in records.iter().zip(&expected) {
                assert_eq!(record.source, format!("{}@{}", input.display(), warcio.offset));
            }
        }
        let categories: Vec<_> =
            records.iter().map(|r| r.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>()).collect();
        assert_eq!(categories[0], ["donation"], "{name}");
        assert_eq!(categories[1], ["disclaimer"], "{name}");
        assert!(categories[4].is_empty(), "{name}");
        let stats = stats(&stats_path);
        assert_eq!((stats.records_in, stats.warc_non_documents), (expected.len() as u64, 1), "{name}");
    }
}

#[test]
fn warc_content_is_detected_whatever_the_name_and_compression() {
    let Some(fx) = fixtures("warc_content_is_detected_whatever_the_name_and_compression") else { return };
    let ids = |out: &std::process::Output| scan_records(out).into_iter().map(|r| r.id).collect::<Vec<_>>();
    let warcio_ids = |name: &str| {
        fx.conversions(name).iter().map(|r| r.header("WARC-Record-ID").unwrap_or("").to_string()).collect::<Vec<_>>()
    };
    let plain = std::fs::read(fx.path("wet.warc.wet")).expect("read");
    let zstd = zstd::encode_all(&plain[..], 3).expect("zstd");
    std::fs::write(fx.path("shard.bin"), &zstd).expect("write");
    std::fs::copy(fx.path("wet.warc.wet.gz"), fx.path("shard")).expect("copy");
    for (name, source) in [("shard.bin", "wet.warc.wet"), ("shard", "wet.warc.wet.gz")] {
        let out = run("scan", &["--quiet"], &[&fx.path(name)]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(ids(&out), warcio_ids(source), "{name}");
    }
    let stdin = bin()
        .current_dir(root())
        .arg("scan")
        .args(FIXTURE_PATTERNS)
        .args(["--quiet", "-"])
        .write_stdin(std::fs::read(fx.path("wet.warc.wet.gz")).expect("read"))
        .output()
        .expect("run");
    assert_eq!(ids(&stdin), warcio_ids("wet.warc.wet.gz"), "standard input");
}

#[test]
fn directories_pick_up_warc_and_wet_files_by_name() {
    let Some(fx) = fixtures("directories_pick_up_warc_and_wet_files_by_name") else { return };
    let corpus = fx.path("corpus");
    std::fs::create_dir_all(corpus.join("sub")).expect("mkdir");
    std::fs::copy(fx.path("wet.warc.wet.gz"), corpus.join("CC-MAIN-1.warc.wet.gz")).expect("copy");
    std::fs::copy(fx.path("wet.warc.wet"), corpus.join("sub/b.wet")).expect("copy");
    std::fs::copy(fx.path("wet.warc.wet"), corpus.join("c.bin")).expect("copy");
    let stats_path = fx.path("stats.json");
    // Not --quiet: the note on skipped files is what is checked, and --quiet hides notes.
    let out = run("scan", &["--stats"], &[&stats_path, &corpus]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stats = stats(&stats_path);
    assert_eq!((stats.files, stats.records_in), (2, 2 * fx.conversions("wet.warc.wet").len() as u64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 files in directories skipped"));
}

#[test]
fn clean_keep_text_gives_back_every_record_and_header_one_gzip_member_each() {
    let Some(fx) = fixtures("clean_keep_text_gives_back_every_record_and_header_one_gzip_member_each") else {
        return;
    };
    let output = fx.path("out/kept.warc.wet.gz");
    let out = run("clean", &["--quiet", "--keep-text", "-o"], &[&output, &fx.path("wet.warc.wet.gz")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let original = fx.records("wet.warc.wet.gz");
    let back = fx.read_back(&output);
    let strip =
        |r: &[WarcioRecord]| r.iter().map(|r| (r.kind.clone(), r.headers.clone(), r.payload())).collect::<Vec<_>>();
    assert_eq!(strip(&back), strip(original));
    let bytes = std::fs::read(&output).expect("output");
    assert_eq!(gzip_members(&bytes), original.len(), "one gzip member per record");
    // Byte for byte, in fact: the decompressed streams are equal.
    assert_eq!(gunzip(&bytes), gunzip(&std::fs::read(fx.path("wet.warc.wet.gz")).expect("input")));
}

#[test]
fn clean_to_wet_changes_only_the_text_its_length_and_digests() {
    let Some(fx) = fixtures("clean_to_wet_changes_only_the_text_its_length_and_digests") else { return };
    let input = fx.path("wet.warc.wet.gz");
    let wet = fx.path("clean.warc.wet.gz");
    let jsonl = fx.path("clean.jsonl");
    for output in [&wet, &jsonl] {
        let out = run("clean", &["--quiet", "-o"], &[output, &input]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let back = fx.read_back(&wet);
    let original = fx.records("wet.warc.wet.gz");
    assert_eq!(back.len(), original.len());
    assert_eq!(back[0], original[0], "the warcinfo record is copied");
    let texts: Vec<String> = std::fs::read_to_string(&jsonl)
        .expect("jsonl")
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json")["text"].as_str().unwrap_or("").to_string())
        .collect();
    for ((cleaned, original), text) in back[1..].iter().zip(&original[1..]).zip(&texts) {
        assert_eq!(cleaned.kept_headers(), original.kept_headers());
        assert_eq!(cleaned.header("Content-Length"), Some(cleaned.payload().len().to_string().as_str()));
        assert_eq!(String::from_utf8(cleaned.payload()).expect("utf-8"), *text, "WET and JSONL agree");
    }
    let first = String::from_utf8(back[1].payload()).expect("utf-8");
    assert!(!first.contains("Donate now") && first.starts_with("Story about the harbour."), "{first:?}");
    assert_eq!(back[5].payload(), original[5].payload(), "a record without boilerplate keeps its text");
}

#[test]
fn clean_to_jsonl_keeps_the_warc_headers_users_need() {
    let Some(fx) = fixtures("clean_to_jsonl_keeps_the_warc_headers_users_need") else { return };
    let input = fx.path("wet.warc.wet.gz");
    // The trailing slash makes a directory of one input's output.
    let dir = fx.path("jsonl-out/");
    let out = run("clean", &["--quiet", "--warc-output", "jsonl", "-o"], &[&dir, &input]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let written = dir.join("wet.jsonl.gz");
    let lines = String::from_utf8(gunzip(&std::fs::read(&written).expect("jsonl.gz"))).expect("utf-8");
    let expected = fx.conversions("wet.warc.wet.gz");
    assert_eq!(lines.lines().count(), expected.len());
    for (line, warcio) in lines.lines().zip(expected) {
        let value: serde_json::Value = serde_json::from_str(line).expect("json");
        for (key, header) in [
            ("id", "WARC-Record-ID"),
            ("url", "WARC-Target-URI"),
            ("warc_date", "WARC-Date"),
            ("warc_identified_content_language", "WARC-Identified-Content-Language"),
            ("warc_refers_to", "WARC-Refers-To"),
        ] {
            assert_eq!(value[key].as_str(), warcio.header(header), "{key}");
        }
        assert!(value["text"].is_string());
    }
}

#[test]
fn a_payload_that_is_not_utf8_is_rejected_with_its_offset_and_bytes() {
    let Some(fx) = fixtures("a_payload_that_is_not_utf8_is_rejected_with_its_offset_and_bytes") else { return };
    let input = fx.path("latin1.warc.wet");
    let (rejects_path, stats_path) = (fx.path("rejects.jsonl"), fx.path("stats.json"));
    let out = run("scan", &["--quiet", "--rejects"], &[&rejects_path, Path::new("--stats"), &stats_path, &input]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let records = fx.records("latin1.warc.wet");
    assert_eq!(scan_records(&out).len(), 2, "the records around the bad one are kept");
    let rejected = rejects(&rejects_path);
    assert_eq!(rejected.len(), 1);
    let bytes = std::fs::read(&input).expect("input");
    let (start, end) = (records[2].offset as usize, records[3].offset as usize);
    assert_eq!(rejected[0].offset, Some(records[2].offset));
    assert!(rejected[0].reason.contains(&format!("offset {start}")) && rejected[0].reason.contains("not UTF-8"));
    assert_eq!(rejected[0].bytes().expect("bytes"), &bytes[start..end - 4], "the record whole, bar its terminator");
    let stats = stats(&stats_path);
    assert_eq!((stats.records_in, stats.records_rejected), (3, 1));
}

/// The uncompressed WET fixture with the third record's `Content-Length` changed by `delta`.
fn lying_length(fx: &Fixtures, delta: i64) -> (Vec<u8>, usize, usize) {
    let records = fx.records("wet.warc.wet");
    let bytes = std::fs::read(fx.path("wet.warc.wet")).expect("input");
    let (start, end) = (records[2].offset as usize, records[3].offset as usize);
    let length = records[2].payload().len();
    let old = format!("Content-Length: {length}\r\n");
    let new = format!("Content-Length: {}\r\n", length as i64 + delta);
    let record = String::from_utf8(bytes[start..end].to_vec()).expect("utf-8").replacen(&old, &new, 1);
    let mut damaged = bytes[..start].to_vec();
    damaged.extend_from_slice(record.as_bytes());
    damaged.extend_from_slice(&bytes[end..]);
    (damaged, start, start + record.len())
}

#[test]
fn a_lying_content_length_rejects_that_record_whole_and_keeps_the_others() {
    let Some(fx) = fixtures("a_lying_content_length_rejects_that_record_whole_and_keeps_the_others") else { return };
    let documents = fx.conversions("wet.warc.wet").len();
    for (delta, reason) in [(-7, "no \\r\\n\\r\\n after the block"), (1_000_000, "the stream ends")] {
        let (bytes, start, end) = lying_length(&fx, delta);
        let input = fx.path("lying.warc.wet");
        std::fs::write(&input, &bytes).expect("write");
        let (rejects_path, stats_path) = (fx.path("rejects.jsonl"), fx.path("stats.json"));
        let out = run("scan", &["--quiet", "--rejects"], &[&rejects_path, Path::new("--stats"), &stats_path, &input]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "a damaged file is an error: {stderr}");
        assert!(
            stderr.contains(&format!("{}: damaged WARC record at byte offset {start}", input.display()))
                && stderr.contains(reason),
            "{delta}: {stderr}"
        );
        assert_eq!(scan_records(&out).len(), documents - 1, "{delta}: the records before and after are kept");
        let rejected = rejects(&rejects_path);
        assert_eq!(rejected.len(), 1, "{delta}");
        assert_eq!(rejected[0].bytes().expect("bytes"), &bytes[start..end], "{delta}: its bytes, whole");
        let stats = stats(&stats_path);
        assert_eq!((stats.records_in, stats.records_rejected), (documents as u64, 1), "{delta}");
    }
}

#[test]
fn a_truncated_gzip_member_keeps_the_records_before_it() {
    let Some(fx) = fixtures("a_truncated_gzip_member_keeps_the_records_before_it") else { return };
    let records = fx.records("wet.warc.wet.gz");
    let bytes = std::fs::read(fx.path("wet.warc.wet.gz")).expect("input");
    let cut = (records[3].offset + 40) as usize;
    let input = fx.path("truncated.warc.wet.gz");
    std::fs::write(&input, &bytes[..cut]).expect("write");
    let stats_path = fx.path("stats.json");
    let out = run("scan", &["--quiet", "--stats"], &[&stats_path, &input]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}: truncated or corrupt compressed stream in WARC record 4", input.display()))
            && stderr.contains("byte offset"),
        "{stderr}"
    );
    let kept: Vec<String> = scan_records(&out).into_iter().map(|r| r.id).collect();
    let expected: Vec<String> =
        records[1..3].iter().map(|r| r.header("WARC-Record-ID").unwrap_or("").to_string()).collect();
    assert_eq!(kept, expected);
    let stats = stats(&stats_path);
    assert_eq!(stats.files_failed, 1);
}

#[test]
fn response_records_are_not_documents_but_are_copied_to_warc_output() {
    let Some(fx) = fixtures("response_records_are_not_documents_but_are_copied_to_warc_output") else { return };
    let input = fx.path("html.warc.gz");
    let stats_path = fx.path("stats.json");
    let out = run("scan", &["--stats"], &[&stats_path, &input]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(out.stdout.is_empty(), "HTML is not extracted");
    assert!(stderr.contains("no WET conversion records") && stderr.contains("HTML response records are not extracted"));
    assert!(stderr.contains("7 WARC records hold no document"), "the summary counts them: {stderr}");
    let records = fx.records("html.warc.gz");
    let stats = stats(&stats_path);
    assert_eq!((stats.records_in, stats.warc_non_documents), (0, records.len() as u64));
    let output = fx.path("copy.warc.gz");
    let out = run("clean", &["--quiet", "-o"], &[&output, &input]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let strip =
        |r: &[WarcioRecord]| r.iter().map(|r| (r.kind.clone(), r.headers.clone(), r.payload())).collect::<Vec<_>>();
    assert_eq!(strip(&fx.read_back(&output)), strip(records));
    assert_eq!(gzip_members(&std::fs::read(&output).expect("output")), records.len());
}

#[test]
fn clean_output_is_the_same_for_any_thread_count_and_chunk_size() {
    let Some(fx) = fixtures("clean_output_is_the_same_for_any_thread_count_and_chunk_size") else { return };
    let input = fx.path("wet.warc.wet.gz");
    let mut outputs = Vec::new();
    for (i, args) in [["-j1", "--chunk-bytes=10000000"], ["-j4", "--chunk-bytes=100"]].iter().enumerate() {
        let output = fx.path(&format!("out{i}.warc.wet.gz"));
        let out = run("clean", &[&["--quiet"][..], &args[..], &["-o"]].concat(), &[&output, &input]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        outputs.push(std::fs::read(&output).expect("output"));
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn the_html_report_groups_wet_pages_by_site_and_identified_language() {
    let Some(fx) = fixtures("the_html_report_groups_wet_pages_by_site_and_identified_language") else { return };
    let report = fx.path("report.html");
    let out = run("scan", &["--quiet", "--report"], &[&report, &fx.path("wet.warc.wet.gz")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&report).expect("report");
    assert!(html.contains("example.org"), "the site of WARC-Target-URI");
    assert!(html.contains("lang-eng-docs"), "the identified language");
    assert!(html.contains(r#"id="warc_non_documents" data-value="1""#), "the warcinfo record is counted");
}
