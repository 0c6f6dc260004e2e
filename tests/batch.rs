//! Batch behaviour of `scan` and `clean`: order, thread-count independence, compression,
//! damaged inputs, rejects, atomic outputs, annotations. Uses the frozen fixture patterns.
mod common;

use boilerguard::batch::{Annotation, Stats};
use common::bin;
use predicates::str::contains;
use std::io::Write;
use std::path::{Path, PathBuf};

const FIXTURE_PATTERNS: [&str; 3] = ["--no-builtin", "--patterns", "tests/fixtures/patterns"];

/// A JSONL corpus of `n` records, some with boilerplate, some multi-byte.
fn corpus(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let text = match i % 4 {
            0 => format!("Story {i} about the harbour.\nDonate now"),
            1 => format!("Nachricht {i}: Größere Brücke, schöne Straße.\nThe views expressed in this article are those of the author."),
            2 => format!("纯正文 {i}。没有样板。"),
            _ => format!("Plain body {i}.\nSupport our journalism.\nYour support matters."),
        };
        s.push_str(&serde_json::json!({"id": format!("r{i}"), "meta": {"n": i}, "text": text}).to_string());
        s.push('\n');
    }
    s
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write fixture");
    p
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

fn scan(args: &[&str], path: &Path) -> std::process::Output {
    bin().arg("scan").args(FIXTURE_PATTERNS).args(["--quiet"]).args(args).arg(path).output().expect("run scan")
}

#[test]
fn output_is_identical_for_any_thread_count_and_chunk_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(dir.path(), "c.jsonl", corpus(3000).as_bytes());
    let reference = scan(&["-j1"], &input);
    assert!(reference.status.success());
    assert_eq!(String::from_utf8_lossy(&reference.stdout).lines().count(), 3000);
    for args in [["-j2", "--chunk-bytes=1000"], ["-j8", "--chunk-bytes=100"], ["-j2", "--chunk-bytes=10000000"]] {
        let out = scan(&args, &input);
        assert_eq!(out.stdout, reference.stdout, "{args:?} differs from -j1");
    }
}

#[test]
fn compressed_inputs_read_like_plain_ones_whatever_their_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = corpus(50);
    let plain = scan(&[], &write(dir.path(), "c.jsonl", data.as_bytes()));
    let gz = scan(&[], &write(dir.path(), "c.jsonl.gz", &gzip(data.as_bytes())));
    let zst = scan(&[], &write(dir.path(), "c.jsonl.zst", &zstd::encode_all(data.as_bytes(), 3).expect("zstd")));
    let misnamed = scan(&[], &write(dir.path(), "d.jsonl.zst", &gzip(data.as_bytes())));
    let ids = |o: &std::process::Output| -> Vec<String> {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json")["id"].to_string())
            .collect()
    };
    assert_eq!(ids(&gz), ids(&plain));
    assert_eq!(ids(&zst), ids(&plain));
    assert_eq!(ids(&misnamed), ids(&plain));
}

#[test]
fn truncated_gzip_keeps_records_before_the_damage_and_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = corpus(2000);
    let gz = gzip(data.as_bytes());
    let input = write(dir.path(), "t.jsonl.gz", &gz[..gz.len() / 2]);
    let out = bin().arg("scan").args(FIXTURE_PATTERNS).arg(&input).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("t.jsonl.gz: truncated or corrupt compressed stream after line"), "{stderr}");
    let kept = String::from_utf8_lossy(&out.stdout).lines().count();
    assert!(kept > 100 && kept < 2000, "kept {kept}");
    assert!(stderr.contains(&format!("{kept} records in = {kept} out")), "{stderr}");
}

#[test]
fn rejects_are_written_counted_and_balanced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut data =
        b"{\"id\":\"ok\",\"text\":\"fine\"}\n{\"id\":\"bad\",\"text\":null}\nnot json\n{\"text\":\"a\xff\"}\n\n"
            .to_vec();
    data.extend_from_slice(format!("{{\"id\":\"big\",\"text\":\"{}\"}}\n", "x".repeat(5000)).as_bytes());
    let input = write(dir.path(), "r.jsonl", &data);
    let rejects = dir.path().join("rejects.jsonl");
    let stats = dir.path().join("stats.json");
    bin()
        .arg("scan")
        .args(FIXTURE_PATTERNS)
        .args(["--quiet", "--max-record-bytes", "1000", "--rejects"])
        .arg(&rejects)
        .arg("--stats")
        .arg(&stats)
        .arg(&input)
        .assert()
        .success();
    let rejected: Vec<boilerguard::batch::Reject> = std::fs::read_to_string(&rejects)
        .expect("rejects")
        .lines()
        .map(|l| serde_json::from_str(l).expect("reject schema"))
        .collect();
    let reasons: Vec<(u64, &str)> = rejected.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(reasons[0].0 == 2 && reasons[0].1.contains("field `text` is null"));
    assert!(reasons[1].0 == 3 && reasons[1].1.contains("malformed JSON"));
    assert!(reasons[2].0 == 4 && reasons[2].1.contains("invalid UTF-8 at byte 10"));
    assert!(reasons[3].0 == 6 && reasons[3].1.contains("exceeds the limit"));
    assert_eq!(rejected[1].raw.as_deref(), Some("not json"));
    let stats: Stats = serde_json::from_str(&std::fs::read_to_string(&stats).expect("stats")).expect("stats schema");
    assert_eq!((stats.records_in, stats.records_out, stats.records_rejected, stats.blank_lines), (5, 1, 4, 1));
    assert!(stats.balanced());
}

#[test]
fn on_error_fail_stops_at_the_first_bad_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(dir.path(), "r.jsonl", b"{\"text\":\"a\"}\n{\"text\":1}\n");
    bin()
        .arg("scan")
        .args(FIXTURE_PATTERNS)
        .args(["--on-error", "fail"])
        .arg(&input)
        .assert()
        .code(2)
        .stderr(contains("r.jsonl:2: field `text` is a number, expected a string"));
}

#[test]
fn clean_mirrors_directories_with_their_compression_and_annotations_restore_the_original() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("in");
    std::fs::create_dir_all(src.join("sub")).expect("mkdir");
    let data = corpus(40);
    write(&src, "a.jsonl", data.as_bytes());
    write(&src.join("sub"), "b.jsonl.gz", &gzip(data.as_bytes()));
    write(&src, "notes.bin", b"skipped");
    let out = dir.path().join("out");
    bin()
        .arg("clean")
        .args(FIXTURE_PATTERNS)
        // Not --quiet: that hides the note.
        .args(["--annotate", "-o"])
        .arg(&out)
        .arg(&src)
        .assert()
        .success()
        .stderr(contains("1 files in directories skipped"));
    assert!(out.join("a.jsonl").is_file());
    let gz = std::fs::read(out.join("sub/b.jsonl.gz")).expect("mirrored gz");
    assert_eq!(&gz[..2], &[0x1f, 0x8b], "output keeps gzip compression");
    let cleaned = std::fs::read_to_string(out.join("a.jsonl")).expect("cleaned");
    let annotations = std::fs::read_to_string(out.join("a.jsonl.annotations.jsonl")).expect("sidecar");
    let originals: Vec<&str> = data.lines().collect();
    let mut removed_any = false;
    for ((line, ann), original) in cleaned.lines().zip(annotations.lines()).zip(&originals) {
        let ann: Annotation = serde_json::from_str(ann).expect("annotation schema");
        removed_any |= !ann.blocks.is_empty();
        let cleaned_text =
            serde_json::from_str::<serde_json::Value>(line).expect("json")["text"].as_str().expect("text").to_string();
        let original_text = serde_json::from_str::<serde_json::Value>(original).expect("json")["text"]
            .as_str()
            .expect("text")
            .to_string();
        assert_eq!(ann.restore(&cleaned_text), original_text);
    }
    assert!(removed_any);
    assert!(std::fs::read_dir(&out).expect("out").all(|e| !e
        .expect("entry")
        .file_name()
        .to_string_lossy()
        .ends_with(".tmp")));
}

#[test]
fn clean_refuses_to_overwrite_its_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(dir.path(), "a.jsonl", corpus(3).as_bytes());
    bin()
        .arg("clean")
        .args(FIXTURE_PATTERNS)
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .assert()
        .code(2)
        .stderr(contains("would overwrite"));
    assert_eq!(std::fs::read_to_string(&input).expect("input"), corpus(3));
}

#[test]
fn drop_empty_drops_and_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input =
        write(dir.path(), "a.jsonl", b"{\"id\":\"1\",\"text\":\"Donate now\"}\n{\"id\":\"2\",\"text\":\"News.\"}\n");
    let stats = dir.path().join("s.json");
    let out = bin()
        .arg("clean")
        .args(FIXTURE_PATTERNS)
        .args(["--quiet", "--drop-empty", "--stats"])
        .arg(&stats)
        .arg(&input)
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\"id\":\"2\",\"text\":\"News.\"}\n");
    let stats: Stats = serde_json::from_str(&std::fs::read_to_string(&stats).expect("stats")).expect("schema");
    assert_eq!((stats.records_in, stats.records_out, stats.records_dropped), (2, 1, 1));
}

#[test]
fn keep_text_copies_records_and_writes_only_annotations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = corpus(8);
    let input = write(dir.path(), "a.jsonl", data.as_bytes());
    let out = dir.path().join("o.jsonl");
    bin()
        .arg("clean")
        .args(FIXTURE_PATTERNS)
        .args(["--quiet", "--keep-text", "-o"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&out).expect("out"), data);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("o.jsonl.annotations.jsonl")).expect("sidecar").lines().count(),
        8
    );
}

#[test]
fn empty_inputs_and_invalid_utf8_text_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = write(dir.path(), "empty.jsonl", b"");
    bin()
        .arg("scan")
        .args(FIXTURE_PATTERNS)
        .arg(&empty)
        .assert()
        .success()
        .stderr(contains("empty.jsonl: empty input, no records"));
    let bad = write(dir.path(), "bad.txt", b"line one\nli\xffne two\n");
    let rejects = dir.path().join("rej.jsonl");
    bin()
        .arg("scan")
        .args(FIXTURE_PATTERNS)
        .arg("--rejects")
        .arg(&rejects)
        .arg(&bad)
        .assert()
        .success()
        .stderr(contains("1 records rejected"));
    assert!(std::fs::read_to_string(&rejects)
        .expect("rejects")
        .contains("invalid UTF-8 at byte 11 (line 2, column 3)"));
}
