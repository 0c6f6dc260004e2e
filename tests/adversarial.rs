//! One test per class of hostile input, each asserting the exact outcome: exit code, the
//! message naming file, line and reason, and records in = out + rejected. Every input that
//! `scan` reads here is also cleaned, and the output plus the rejects must give back every
//! record of the input byte for byte.
mod common;

use boilerguard::batch::{Annotation, Reject, Stats};
use common::bin;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

const FIXTURE_PATTERNS: [&str; 3] = ["--no-builtin", "--patterns", "tests/fixtures/patterns"];

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    stats: Stats,
    rejects: Vec<Reject>,
}

/// Scans `input` with rejects and stats captured.
fn scan(dir: &Path, input: &Path, extra: &[&str]) -> Run {
    let rejects = dir.join("rejects.jsonl");
    let stats = dir.join("stats.json");
    let out = bin()
        .arg("scan")
        .args(FIXTURE_PATTERNS)
        .args(["--quiet", "--rejects"])
        .arg(&rejects)
        .arg("--stats")
        .arg(&stats)
        .args(extra)
        .arg(input)
        .output()
        .expect("run scan");
    let stats: Stats =
        std::fs::read_to_string(&stats).ok().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
    let rejects = std::fs::read_to_string(&rejects)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("reject schema"))
        .collect();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        stats,
        rejects,
    };
    assert!(run.stats.balanced(), "records do not add up: {:?}", run.stats);
    assert_rebuilds(dir, input, extra);
    run
}

/// The decompressed bytes of a file.
fn decompressed(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let input = boilerguard::corpus::Input {
        path: Some(path.to_path_buf()),
        relative: PathBuf::new(),
        display: path.display().to_string(),
        format: boilerguard::corpus::InputFormat::Text,
        size: 0,
    };
    let (mut stream, _, _) = boilerguard::corpus::input::open(&input, None).expect("open");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read");
    bytes
}

/// Cleans `input` with `--keep-text` and checks that the output and the rejects hold every
/// record of the input, byte for byte, in its place. Records are a text file's whole bytes
/// or a JSONL file's non-blank lines (blank lines are counted, not records; a leading UTF-8
/// byte-order mark is not part of the first JSON record). Damaged inputs (exit 2) are left
/// to their own tests.
fn assert_rebuilds(dir: &Path, input: &Path, extra: &[&str]) {
    if input.is_dir() || std::fs::metadata(input).map_or(true, |m| m.len() > 50_000_000) {
        return;
    }
    let name = input.file_name().expect("name").to_string_lossy().into_owned();
    let out = dir.join(format!("rebuilt-{name}"));
    let rejects_path = dir.join("rebuild-rejects.jsonl");
    let status = bin()
        .arg("clean")
        .args(FIXTURE_PATTERNS)
        .args(["--quiet", "--keep-text", "-o"])
        .arg(&out)
        .arg("--rejects")
        .arg(&rejects_path)
        .args(extra)
        .arg(input)
        .output()
        .expect("run clean");
    if status.status.code() == Some(2) {
        return;
    }
    let original = decompressed(input);
    let rejects: Vec<Reject> = std::fs::read_to_string(&rejects_path)
        .expect("rejects")
        .lines()
        .map(|l| serde_json::from_str(l).expect("reject schema"))
        .collect();
    let kept = if out.exists() { decompressed(&out) } else { Vec::new() };
    if !name.contains(".jsonl") {
        let rebuilt = match rejects.first() {
            Some(r) => r.bytes().expect("reject bytes"),
            None => kept,
        };
        assert_eq!(rebuilt, original, "{name}: output + rejects differ from the input");
        return;
    }
    let sidecar = std::fs::read_to_string(boilerguard::batch::annotation_path(&out)).unwrap_or_default();
    let mut lines: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
    for (annotation, line) in sidecar.lines().zip(kept.split(|&b| b == b'\n')) {
        let annotation: Annotation = serde_json::from_str(annotation).expect("annotation schema");
        let number = annotation.source.rsplit(':').next().and_then(|n| n.parse().ok()).expect("line number");
        lines.insert(number, line.to_vec());
    }
    for r in &rejects {
        lines.insert(r.line, r.bytes().expect("reject bytes"));
    }
    let expected: BTreeMap<u64, Vec<u8>> = original
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, line)| {
            (i as u64 + 1, line.strip_prefix(b"\xEF\xBB\xBF".as_slice()).filter(|_| i == 0).unwrap_or(line).to_vec())
        })
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .collect();
    assert_eq!(lines, expected, "{name}: output + rejects differ from the input");
}

fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

fn only_reject(run: &Run, line: u64, reason: &str) {
    assert_eq!(run.rejects.len(), 1, "{:?}", run.rejects);
    assert_eq!(run.rejects[0].line, line);
    assert!(run.rejects[0].reason.contains(reason), "{:?} lacks {reason:?}", run.rejects[0].reason);
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = scan(dir.path(), &file(dir.path(), "e.jsonl", b""), &[]);
    assert_eq!((run.code, run.stats.records_in), (0, 0));
    let out = bin().arg("scan").args(FIXTURE_PATTERNS).arg(dir.path().join("e.jsonl")).output().expect("run");
    assert!(String::from_utf8_lossy(&out.stderr).contains("e.jsonl: empty input, no records"));
}

#[test]
fn file_of_only_newlines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = scan(dir.path(), &file(dir.path(), "n.jsonl", b"\n\n\n\n"), &[]);
    assert_eq!((run.code, run.stats.records_in, run.stats.blank_lines), (0, 0, 4));
    let run = scan(dir.path(), &file(dir.path(), "n.txt", b"\n\n\n\n"), &[]);
    assert_eq!((run.code, run.stats.records_in, run.stats.records_out), (0, 1, 1));
    assert!(run.stdout.contains("\"blocks\":[]"));
}

#[test]
fn two_hundred_megabyte_single_line_record_is_processed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    f.write_all(b"{\"id\":\"huge\",\"text\":\"").expect("write");
    let chunk = "lorem ipsum dolor sit amet ".repeat(1000);
    for _ in 0..(200_000_000 / chunk.len()) {
        f.write_all(chunk.as_bytes()).expect("write");
    }
    f.write_all(b"Donate now\"}\n").expect("write");
    drop(f);
    let run = scan(dir.path(), &path, &[]);
    assert_eq!((run.code, run.stats.records_out), (0, 1), "{}", run.stderr);
    assert!(run.stdout.contains("\"id\":\"huge\""));
}

#[test]
fn record_over_the_limit_is_rejected_not_loaded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = format!("{{\"text\":\"{}\"}}\n{{\"text\":\"ok\"}}\n", "x".repeat(3_000_000));
    let run = scan(dir.path(), &file(dir.path(), "big.jsonl", big.as_bytes()), &["--max-record-bytes", "1000000"]);
    assert_eq!((run.code, run.stats.records_in, run.stats.records_out), (0, 2, 1));
    only_reject(&run, 1, "record of 3000011 bytes exceeds the limit");
}

#[test]
fn invalid_utf8_in_the_middle_of_a_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run =
        scan(dir.path(), &file(dir.path(), "u.jsonl", b"{\"text\":\"ok\"}\n{\"text\":\"caf\xc3 au lait\"}\n"), &[]);
    assert_eq!((run.code, run.stats.records_out), (0, 1));
    only_reject(&run, 2, "invalid UTF-8 at byte 12");
}

#[test]
fn text_field_missing_null_number_or_array() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = b"{\"id\":1}\n{\"text\":null}\n{\"text\":3.5}\n{\"text\":[\"a\"]}\n";
    let run = scan(dir.path(), &file(dir.path(), "f.jsonl", input), &[]);
    let got: Vec<(u64, &str)> = run.rejects.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (1, "missing field `text`"),
            (2, "field `text` is null, expected a string"),
            (3, "field `text` is a number, expected a string"),
            (4, "field `text` is an array, expected a string"),
        ]
    );
    assert_eq!((run.code, run.stats.records_in, run.stats.records_rejected), (0, 4, 4));
}

#[test]
fn deeply_nested_json() {
    // Nesting outside the fields we read is skipped without recursion: the record is fine.
    // Nesting inside the text field makes it a non-string: rejected. Neither overflows.
    let dir = tempfile::tempdir().expect("tempdir");
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    let input = format!("{{\"text\":\"a\",\"deep\":{deep}}}\n{{\"text\":{deep}}}\n");
    let run = scan(dir.path(), &file(dir.path(), "d.jsonl", input.as_bytes()), &[]);
    assert_eq!((run.code, run.stats.records_out), (0, 1));
    only_reject(&run, 2, "field `text` is an array");
}

#[test]
fn duplicate_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = scan(dir.path(), &file(dir.path(), "k.jsonl", b"{\"text\":\"a\",\"text\":\"b\"}\n{\"id\":\"x\",\"id\":\"y\",\"text\":\"c\"}\n{\"n\":1,\"n\":2,\"text\":\"d\"}\n"), &[]);
    assert_eq!(run.rejects.len(), 2, "{:?}", run.rejects);
    assert!(
        run.rejects[0].reason.contains("duplicate key `text`") && run.rejects[1].reason.contains("duplicate key `id`")
    );
    assert_eq!(run.stats.records_out, 1, "duplicate keys we do not read are left alone");
}

#[test]
fn byte_order_mark() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run =
        scan(dir.path(), &file(dir.path(), "b.jsonl", b"\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"Donate now\"}\n"), &[]);
    assert_eq!((run.code, run.stats.records_out, run.rejects.len()), (0, 1, 0));
    assert!(run.stdout.contains("\"categories\":[\"donation\"]"));
    let run = scan(dir.path(), &file(dir.path(), "b.txt", "\u{FEFF}News.\nDonate now\n".as_bytes()), &[]);
    assert!(run.stdout.contains("\"start\":9,\"end\":19"), "{}", run.stdout);
}

#[test]
fn crlf_line_endings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = file(
        dir.path(),
        "c.jsonl",
        b"{\"id\":\"a\",\"text\":\"News.\\r\\nDonate now\\r\\n\"}\r\n{\"id\":\"b\",\"text\":\"x\"}\r\n",
    );
    let out = bin().arg("clean").args(FIXTURE_PATTERNS).arg("--quiet").arg(&input).output().expect("run");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"id\":\"a\",\"text\":\"News.\\r\\n\"}\r\n{\"id\":\"b\",\"text\":\"x\"}\r\n"
    );
}

#[test]
fn nul_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = scan(dir.path(), &file(dir.path(), "z.txt", b"News\0with nul.\nDonate now\n"), &[]);
    assert_eq!((run.code, run.stats.records_out), (0, 1));
    assert!(run.stdout.contains("\"categories\":[\"donation\"]"));
    let run = scan(dir.path(), &file(dir.path(), "z.jsonl", b"{\"text\":\"a\0b\"}\n{\"text\":\"a\\u0000b\"}\n"), &[]);
    assert_eq!((run.stats.records_out, run.stats.records_rejected), (1, 1));
    assert!(run.rejects[0].reason.contains("control character"), "{:?}", run.rejects);
}

fn records(n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| format!("{{\"id\":\"{i}\",\"text\":\"body line {i} with some words\\nDonate now\"}}\n"))
        .collect::<String>()
        .into_bytes()
}

#[test]
fn truncated_gzip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(&records(5000)).expect("gzip");
    let gz = e.finish().expect("gzip");
    let run = scan(dir.path(), &file(dir.path(), "t.jsonl.gz", &gz[..gz.len() * 2 / 3]), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("t.jsonl.gz: truncated or corrupt compressed stream after line"), "{}", run.stderr);
    assert!(run.stats.records_out > 1000 && run.stats.records_out < 5000);
    assert_eq!(run.stats.files_failed, 1);
}

#[test]
fn truncated_zstd() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zst = zstd::encode_all(&records(5000)[..], 3).expect("zstd");
    let run = scan(dir.path(), &file(dir.path(), "t.jsonl.zst", &zst[..zst.len() * 2 / 3]), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("t.jsonl.zst: truncated or corrupt compressed stream"), "{}", run.stderr);
    assert!(run.stats.records_out > 1000 && run.stats.records_out < 5000);
}

#[test]
fn gzip_file_named_zst() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(&records(10)).expect("gzip");
    let run = scan(dir.path(), &file(dir.path(), "wrong.jsonl.zst", &e.finish().expect("gzip")), &[]);
    assert_eq!((run.code, run.stats.records_out), (0, 10));
}

#[test]
fn directory_symlink_loop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("a")).expect("mkdir");
    std::fs::write(root.join("a/doc.jsonl"), records(2)).expect("write");
    std::os::unix::fs::symlink(&root, root.join("a/loop")).expect("symlink");
    let run = scan(dir.path(), &root, &[]);
    assert_eq!((run.code, run.stats.records_out), (2, 2));
    assert!(run.stderr.contains("directory symlink loop"), "{}", run.stderr);
}

#[test]
fn unreadable_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("dangling.jsonl")).expect("symlink");
    let run = scan(dir.path(), &dir.path().join("dangling.jsonl"), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("dangling.jsonl: No such file or directory"), "{}", run.stderr);
    // Permission bits: root reads everything, so this part only runs for other users.
    let locked = file(dir.path(), "locked.jsonl", &records(1));
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).expect("chmod");
    if std::fs::File::open(&locked).is_err() {
        let run = scan(dir.path(), &locked, &[]);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains("locked.jsonl: Permission denied"), "{}", run.stderr);
    }
}

#[test]
fn output_path_equal_to_input_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = file(dir.path(), "same.jsonl", &records(3));
    for cmd in ["clean", "scan"] {
        let out = bin().arg(cmd).args(FIXTURE_PATTERNS).arg(&input).arg("-o").arg(&input).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("overwrite"), "{cmd}");
    }
    assert_eq!(std::fs::read(&input).expect("read"), records(3));
}

#[test]
fn pattern_file_with_100000_phrases_loads() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("en")).expect("mkdir");
    let phrases: Vec<String> = (0..100_000).map(|i| format!("\"appeal phrase number {i}\"")).collect();
    let toml = format!("[[pattern]]\nid = \"en.donation.many\"\nphrases = [{}]\nweight = 0.8\nexamples = [\"appeal phrase number 99999\"]\n", phrases.join(","));
    std::fs::write(dir.path().join("en/donation.toml"), toml).expect("write");
    let started = std::time::Instant::now();
    bin().args(["patterns", "test", "--no-builtin", "--patterns"]).arg(dir.path()).assert().success();
    let build = if cfg!(debug_assertions) { "debug" } else { "release" };
    eprintln!("100,000 phrases: loaded and tested in {:.2?} ({build} build)", started.elapsed());
}

#[test]
fn exceeded_limits_are_errors_not_aborts() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("en")).expect("mkdir");
    let huge = format!(
        "[[pattern]]\nid = \"en.donation.huge\"\nregex = '(?:{}){{50}}'\nweight = 0.5\nexamples = [\"x\"]\n",
        "\\w".repeat(100)
    );
    std::fs::write(dir.path().join("en/donation.toml"), huge).expect("write");
    bin()
        .args(["patterns", "list", "--no-builtin", "--patterns"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("en/donation.toml:2: pattern `en.donation.huge`: regex is too large"));
}

#[test]
fn every_command_accounts_for_every_record_of_a_hostile_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    file(&corpus, "latin1.txt", b"Caf\xe9.\nDonate now\n");
    file(
        &corpus,
        "mixed.jsonl",
        b"{\"text\":\"ok\"}\n{not json\n\n{\"id\":1}\n{\"text\":\"caf\xc3\"}\n{\"text\":\"Donate now\"}\n",
    );
    file(&corpus, "big.jsonl", format!("{{\"text\":\"{}\"}}\n{{\"text\":\"x\"}}\n", "y".repeat(5000)).as_bytes());
    file(&corpus, "empty.jsonl", b"");
    file(&corpus, "only-appeal.txt", b"Donate now\n");
    let limit = ["--max-record-bytes", "4000"];
    let runs: [&[&str]; 5] = [
        &["scan"],
        &["clean", "-o", "cleaned"],
        &["clean", "-o", "dropped", "--drop-empty"],
        &["clean", "-o", "kept", "--keep-text"],
        &["check"],
    ];
    for args in runs {
        let stats_path = dir.path().join("stats.json");
        let rejects_path = dir.path().join("rejects.jsonl");
        let out = bin()
            .current_dir(dir.path())
            .arg(args[0])
            .args(FIXTURE_PATTERNS.map(|a| {
                if a.starts_with("tests/") {
                    common::root().join(a).display().to_string()
                } else {
                    a.to_string()
                }
            }))
            .args(&args[1..])
            .args(limit)
            .args(["--quiet", "--stats", "stats.json", "--rejects", "rejects.jsonl", "corpus"])
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        // A gate fails (exit 2) on rejected documents; the other commands go on with exit 0.
        let expected = if args[0] == "check" { 2 } else { 0 };
        assert_eq!(out.status.code(), Some(expected), "{args:?}: {stderr}");
        let stats: Stats = serde_json::from_str(&std::fs::read_to_string(&stats_path).expect("stats")).expect("stats");
        assert!(stats.balanced(), "{args:?}: {stats:?}");
        assert_eq!((stats.records_in, stats.records_rejected), (9, 5), "{args:?}: {stats:?}");
        assert!(
            stderr.contains("5 records rejected and not in the output (kept in rejects.jsonl)"),
            "{args:?}: {stderr}"
        );
        let kept: Vec<Reject> = std::fs::read_to_string(&rejects_path)
            .expect("rejects")
            .lines()
            .map(|l| serde_json::from_str(l).expect("reject schema"))
            .collect();
        let bytes: usize = kept.iter().map(Reject::len).sum();
        assert_eq!(bytes, 17 + 9 + 8 + 15 + 5011, "{args:?}: rejects must keep every byte: {kept:?}");
    }
    for name in ["latin1.txt", "mixed.jsonl", "big.jsonl", "only-appeal.txt"] {
        assert_rebuilds(dir.path(), &corpus.join(name), &limit);
    }
}
