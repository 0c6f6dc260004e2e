//! Parquet in and out, on files written by pyarrow in the test set-up (snappy, zstd and gzip
//! codecs, a dictionary-encoded and a large-string text column, nulls, damaged files).
//!
//! The fixtures need a Python with pyarrow: `BOILERGUARD_PYTHON` (default `python3`). Without
//! it the tests print a skip notice; with `BOILERGUARD_REQUIRE_FIXTURE_LIBS=1` (CI) they fail.
//! Expected results are not written down here: Parquet results are compared with the same
//! texts run through the JSONL path, and tables with pyarrow's own reading of the input.
#![cfg(feature = "parquet")]
mod common;

use boilerguard::batch::Stats;
use boilerguard::report::record::ScanRecord;
use common::{bin, root};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURE_PATTERNS: [&str; 3] = ["--no-builtin", "--patterns", "tests/fixtures/patterns"];
/// The fixture files written with each text layout and codec.
const LAYOUTS: [&str; 5] = ["snappy", "zstd", "gzip", "dictionary", "large"];

/// A Python that has pyarrow, or `None` (with a notice) when there is none.
fn python(test: &str) -> Option<PathBuf> {
    let python = PathBuf::from(std::env::var_os("BOILERGUARD_PYTHON").unwrap_or_else(|| "python3".into()));
    let ok = Command::new(&python).args(["-c", "import pyarrow"]).output().is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    if std::env::var("BOILERGUARD_REQUIRE_FIXTURE_LIBS").is_ok_and(|v| v == "1") {
        panic!("{test}: {} has no pyarrow, and BOILERGUARD_REQUIRE_FIXTURE_LIBS=1", python.display());
    }
    eprintln!("notice: {test} skipped: no pyarrow in {} (set BOILERGUARD_PYTHON)", python.display());
    None
}

/// The fixtures, written by pyarrow into a fresh directory.
struct Fixtures {
    dir: tempfile::TempDir,
    python: PathBuf,
}

impl Fixtures {
    fn new(test: &str) -> Option<Self> {
        let python = python(test)?;
        let dir = tempfile::tempdir().expect("tempdir");
        let fx = Fixtures { dir, python };
        fx.script(&["write", &fx.dir.path().display().to_string()]);
        Some(fx)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("{name}.parquet"))
    }

    fn script(&self, args: &[&str]) -> std::process::Output {
        let out = Command::new(&self.python)
            .arg(root().join("tests/parquet/fixtures.py"))
            .args(args)
            .output()
            .expect("run the fixture script");
        out
    }

    /// Schema, codecs, row-group sizes and rows of a Parquet file, as pyarrow reads them.
    fn describe(&self, path: &Path) -> Value {
        let out = self.script(&["describe", &path.display().to_string()]);
        assert!(out.status.success(), "describe {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("describe prints JSON")
    }

    /// True when pyarrow reads equal tables (dropping column `drop` of `b`).
    fn equal(&self, a: &Path, b: &Path, drop: Option<&str>) -> bool {
        let (a, b) = (a.display().to_string(), b.display().to_string());
        let mut args = vec!["equal", &a, &b];
        args.extend(drop);
        self.script(&args).status.success()
    }

    /// The rows of the snappy fixture as JSONL (text and id), for the JSONL reference runs.
    fn as_jsonl(&self) -> PathBuf {
        let rows = self.describe(&self.path("snappy"))["rows"].as_array().expect("rows").clone();
        let lines: String = rows
            .iter()
            .filter(|r| !r["text"].is_null())
            .map(|r| serde_json::json!({"id": r["id"], "text": r["text"]}).to_string() + "\n")
            .collect();
        let path = self.dir.path().join("same-texts.jsonl");
        std::fs::write(&path, lines).expect("write jsonl");
        path
    }
}

fn run(args: &[&str]) -> std::process::Output {
    bin().args([args[0]]).args(FIXTURE_PATTERNS).arg("--quiet").args(&args[1..]).output().expect("run boilerguard")
}

fn records(stdout: &[u8]) -> Vec<ScanRecord> {
    String::from_utf8_lossy(stdout).lines().map(|l| serde_json::from_str(l).expect("a scan record")).collect()
}

fn stats(path: &Path) -> Stats {
    serde_json::from_str(&std::fs::read_to_string(path).expect("stats file")).expect("stats JSON")
}

#[test]
fn scan_finds_in_every_layout_and_codec_what_it_finds_in_the_same_jsonl() {
    let Some(fx) = Fixtures::new("scan_finds_in_every_layout_and_codec_what_it_finds_in_the_same_jsonl") else {
        return;
    };
    let jsonl = run(&["scan", fx.as_jsonl().to_str().expect("utf-8")]);
    let reference = records(&jsonl.stdout);
    for layout in LAYOUTS {
        let out = run(&["scan", "-j2", fx.path(layout).to_str().expect("utf-8")]);
        assert!(out.status.success(), "{layout}: {}", String::from_utf8_lossy(&out.stderr));
        let got = records(&out.stdout);
        assert_eq!(got.len(), 8, "{layout}: one record per row, the null one included");
        let null = &got[3];
        assert_eq!((null.body_bytes, null.blocks.len()), (0, 0), "{layout}: null text");
        let non_null: Vec<_> = got.iter().enumerate().filter(|(i, _)| *i != 3).map(|(_, r)| r).collect();
        for (parquet, jsonl) in non_null.iter().zip(&reference) {
            assert_eq!((&parquet.id, &parquet.blocks), (&jsonl.id, &jsonl.blocks), "{layout}");
            assert_eq!(parquet.body_bytes, jsonl.body_bytes, "{layout}");
        }
        let rows: Vec<String> = got.iter().map(|r| r.source.rsplit(':').next().unwrap_or("").to_string()).collect();
        assert_eq!(rows, (1..=8).map(|i| i.to_string()).collect::<Vec<_>>(), "{layout}: sources are file:row");
    }
}

#[test]
fn scan_counts_null_texts_and_balances() {
    let Some(fx) = Fixtures::new("scan_counts_null_texts_and_balances") else { return };
    let stats_path = fx.dir.path().join("stats.json");
    let out =
        run(&["scan", fx.path("dictionary").to_str().expect("utf-8"), "--stats", stats_path.to_str().expect("utf-8")]);
    assert!(out.status.success());
    let s = stats(&stats_path);
    assert_eq!((s.records_in, s.records_out, s.null_texts), (8, 8, 1));
    assert!(s.balanced());
}

#[test]
fn ids_come_from_the_id_column_of_any_type_or_fall_back_to_file_and_row() {
    let Some(fx) = Fixtures::new("ids_come_from_the_id_column_of_any_type_or_fall_back_to_file_and_row") else {
        return;
    };
    let ints = records(&run(&["scan", fx.path("int-ids").to_str().expect("utf-8")]).stdout);
    let rows = fx.describe(&fx.path("int-ids"))["rows"].clone();
    let expected: Vec<String> = (0..8).map(|i| rows[i]["id"].to_string()).collect();
    assert_eq!(ints.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), expected);
    let fallback = records(&run(&["scan", "--id-field", "nope", fx.path("zstd").to_str().expect("utf-8")]).stdout);
    assert!(fallback.iter().all(|r| r.id == r.source), "{:?}", fallback.first());
}

#[test]
fn clean_keeps_schema_codec_row_groups_and_every_other_column() {
    let Some(fx) = Fixtures::new("clean_keeps_schema_codec_row_groups_and_every_other_column") else { return };
    let jsonl_clean = run(&["clean", fx.as_jsonl().to_str().expect("utf-8")]);
    let cleaned_texts: Vec<Value> = String::from_utf8_lossy(&jsonl_clean.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json")["text"].clone())
        .collect();
    for layout in LAYOUTS {
        let output = fx.dir.path().join(format!("out-{layout}.parquet"));
        let out =
            run(&["clean", "-j2", fx.path(layout).to_str().expect("utf-8"), "-o", output.to_str().expect("utf-8")]);
        assert!(out.status.success(), "{layout}: {}", String::from_utf8_lossy(&out.stderr));
        let (before, after) = (fx.describe(&fx.path(layout)), fx.describe(&output));
        for key in ["schema", "codecs", "row_groups"] {
            assert_eq!(before[key], after[key], "{layout}: {key}");
        }
        let (rows_in, rows_out) = (before["rows"].as_array().expect("rows"), after["rows"].as_array().expect("rows"));
        assert_eq!(rows_in.len(), rows_out.len());
        let mut texts = cleaned_texts.iter();
        for (a, b) in rows_in.iter().zip(rows_out) {
            let (mut a, mut b) = (a.clone(), b.clone());
            let (ta, tb) = (a["text"].take(), b["text"].take());
            assert_eq!(a, b, "{layout}: columns other than text are untouched");
            if ta.is_null() {
                assert!(tb.is_null(), "{layout}: a null text stays null");
            } else {
                assert_eq!(Some(&tb), texts.next(), "{layout}: text cleaned as the JSONL path cleans it");
            }
        }
    }
}

/// The default `clean` streams (text pages written as made, other column chunks copied);
/// `--annotate` goes through `ArrowWriter`. Both must write the same table.
#[test]
fn streaming_clean_writes_the_table_the_arrow_writer_writes() {
    let Some(fx) = Fixtures::new("streaming_clean_writes_the_table_the_arrow_writer_writes") else { return };
    for layout in LAYOUTS.iter().chain(&["int-ids"]) {
        let input = fx.path(layout);
        let streamed = fx.dir.path().join(format!("streamed-{layout}.parquet"));
        let annotated = fx.dir.path().join(format!("annotated-{layout}.parquet"));
        for (output, extra) in [(&streamed, None), (&annotated, Some("--annotate"))] {
            let args = ["clean", "-j2", input.to_str().expect("utf-8"), "-o", output.to_str().expect("utf-8")];
            let out = run(&[&args[..], extra.as_slice()].concat());
            assert!(out.status.success(), "{layout}: {}", String::from_utf8_lossy(&out.stderr));
        }
        assert!(fx.equal(&streamed, &annotated, Some("boilerguard_blocks")), "{layout}: the two writers differ");
        assert_eq!(fx.describe(&streamed)["row_groups"], fx.describe(&input)["row_groups"], "{layout}");
    }
}

#[test]
fn keep_text_gives_back_a_table_equal_to_the_input() {
    let Some(fx) = Fixtures::new("keep_text_gives_back_a_table_equal_to_the_input") else { return };
    for layout in LAYOUTS.iter().chain(&["int-ids"]) {
        let output = fx.dir.path().join(format!("kept-{layout}.parquet"));
        let out = run(&[
            "clean",
            "--keep-text",
            fx.path(layout).to_str().expect("utf-8"),
            "-o",
            output.to_str().expect("utf-8"),
        ]);
        assert!(out.status.success(), "{layout}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(fx.equal(&fx.path(layout), &output, None), "{layout}: tables differ");
        assert!(!output.with_extension("parquet.annotations.jsonl").exists(), "no sidecar for Parquet");
    }
}

#[test]
fn annotate_adds_the_blocks_that_scan_reports() {
    let Some(fx) = Fixtures::new("annotate_adds_the_blocks_that_scan_reports") else { return };
    let input = fx.path("snappy");
    let output = fx.dir.path().join("annotated.parquet");
    let out = run(&["clean", "--annotate", input.to_str().expect("utf-8"), "-o", output.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let scanned = records(&run(&["scan", input.to_str().expect("utf-8")]).stdout);
    let rows = fx.describe(&output)["rows"].as_array().expect("rows").clone();
    for (row, record) in rows.iter().zip(&scanned) {
        let blocks = serde_json::to_value(&record.blocks).expect("json");
        assert_eq!(row[boilerguard::batch::ANNOTATION_COLUMN], blocks, "{}", record.id);
    }
    let without = fx.dir.path().join("annotated-kept.parquet");
    let out = run(&[
        "clean",
        "--annotate",
        "--keep-text",
        input.to_str().expect("utf-8"),
        "-o",
        without.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success());
    assert!(fx.equal(&input, &without, Some(boilerguard::batch::ANNOTATION_COLUMN)), "only the column is added");
}

#[test]
fn drop_empty_and_row_group_size_shape_the_output_and_the_counts_balance() {
    let Some(fx) = Fixtures::new("drop_empty_and_row_group_size_shape_the_output_and_the_counts_balance") else {
        return;
    };
    let output = fx.dir.path().join("dropped.parquet");
    let stats_path = fx.dir.path().join("stats.json");
    let out = run(&[
        "clean",
        "--drop-empty",
        "--row-group-size",
        "2",
        fx.path("gzip").to_str().expect("utf-8"),
        "-o",
        output.to_str().expect("utf-8"),
        "--stats",
        stats_path.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = stats(&stats_path);
    let described = fx.describe(&output);
    let rows = described["rows"].as_array().expect("rows");
    assert_eq!(s.records_out as usize, rows.len());
    assert_eq!((s.records_in, s.records_dropped, s.null_texts), (8, 1, 1), "the row of only boilerplate is dropped");
    assert!(s.balanced());
    let groups: Vec<u64> =
        described["row_groups"].as_array().expect("groups").iter().filter_map(Value::as_u64).collect();
    assert!(groups.iter().all(|&g| g <= 2) && groups.iter().sum::<u64>() == 7, "{groups:?}");
}

#[test]
fn bad_files_name_the_file_the_place_and_the_reason() {
    let Some(fx) = Fixtures::new("bad_files_name_the_file_the_place_and_the_reason") else { return };
    let cases: [(&str, &[&str], &str); 4] = [
        ("truncated", &[], "not a readable Parquet file (truncated or damaged footer)"),
        ("wrong-type", &[], "column `text` is Int64, expected strings"),
        ("snappy", &["--text-field", "body"], "no column `body` (columns: id, url, text, n, tags, score)"),
        ("damaged", &[], "row group 3 of 3 (rows 7–8)"),
    ];
    for (name, extra, reason) in cases {
        let path = fx.path(name);
        let out = run(&[&["scan"], extra, &[path.to_str().expect("utf-8")]].concat());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(&format!("{}: ", path.display())) && stderr.contains(reason), "{name}: {stderr}");
    }
}

#[test]
fn rows_before_a_damaged_row_group_are_kept_and_counted() {
    let Some(fx) = Fixtures::new("rows_before_a_damaged_row_group_are_kept_and_counted") else { return };
    let output = fx.dir.path().join("partial.parquet");
    let stats_path = fx.dir.path().join("stats.json");
    let damaged = fx.path("damaged");
    let args = ["clean", damaged.to_str().expect("utf-8"), "-o", output.to_str().expect("utf-8")];
    let out = run(&[&args[..], &["--stats", stats_path.to_str().expect("utf-8")]].concat());
    assert_eq!(out.status.code(), Some(2));
    let s = stats(&stats_path);
    let intact_rows: u64 = fx.describe(&fx.path("snappy"))["row_groups"].as_array().expect("groups")[..2]
        .iter()
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!((s.records_in, s.records_out, s.files_failed), (intact_rows, intact_rows, 1));
    assert!(s.balanced());
    assert_eq!(fx.describe(&output)["rows"].as_array().expect("rows").len() as u64, intact_rows);
    let scanned = run(&["scan", damaged.to_str().expect("utf-8")]);
    assert_eq!(records(&scanned.stdout).len() as u64, intact_rows);
}

/// A row group that breaks off midway (its first pages decode, a later one does not) cannot be
/// finished by the streaming writer, whose other columns were already copied whole; the file is
/// cleaned again by the Arrow writer, which keeps the rows read before the damage.
#[test]
fn rows_before_damage_inside_a_row_group_are_kept_and_counted() {
    let Some(fx) = Fixtures::new("rows_before_damage_inside_a_row_group_are_kept_and_counted") else { return };
    let output = fx.dir.path().join("partial.parquet");
    let stats_path = fx.dir.path().join("stats.json");
    let damaged = fx.path("damaged-midway");
    let args =
        ["clean", "--chunk-bytes", "200", damaged.to_str().expect("utf-8"), "-o", output.to_str().expect("utf-8")];
    let out = run(&[&args[..], &["--stats", stats_path.to_str().expect("utf-8")]].concat());
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("row group 1 of 1"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = stats(&stats_path);
    let rows = fx.describe(&output)["rows"].as_array().expect("rows").clone();
    assert!(!rows.is_empty() && rows.len() < 200, "{} rows kept", rows.len());
    assert_eq!((s.records_in, s.records_out, s.files, s.files_failed), (rows.len() as u64, rows.len() as u64, 1, 1));
    assert!(s.balanced());
    let ids: Vec<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    let expected: Vec<String> = (0..rows.len()).map(|i| format!("doc-{i}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn parquet_on_standard_input_is_refused_with_a_reason() {
    let Some(fx) = Fixtures::new("parquet_on_standard_input_is_refused_with_a_reason") else { return };
    let bytes = std::fs::read(fx.path("snappy")).expect("read");
    let out = bin().args(["scan", "--quiet", "-"]).write_stdin(bytes).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Parquet cannot be read from standard input"));
}

#[test]
fn directories_mix_parquet_and_jsonl_in_name_order() {
    let Some(fx) = Fixtures::new("directories_mix_parquet_and_jsonl_in_name_order") else { return };
    let dir = fx.dir.path().join("corpus");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::copy(fx.path("zstd"), dir.join("b.parquet")).expect("copy");
    std::fs::copy(fx.as_jsonl(), dir.join("a.jsonl")).expect("copy");
    std::fs::copy(fx.as_jsonl(), dir.join("c.jsonl")).expect("copy");
    let out = run(&["scan", dir.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let files: Vec<String> = records(&out.stdout)
        .iter()
        .map(|r| {
            Path::new(r.source.rsplit_once(':').map_or("", |s| s.0))
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into())
        })
        .collect();
    let mut expected = vec!["a.jsonl"; 7];
    expected.extend(["b.parquet"; 8]);
    expected.extend(["c.jsonl"; 7]);
    assert_eq!(files, expected);
    let cleaned = fx.dir.path().join("cleaned");
    let out = run(&["clean", dir.to_str().expect("utf-8"), "-o", cleaned.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fx.describe(&cleaned.join("b.parquet"))["schema"], fx.describe(&fx.path("zstd"))["schema"]);
}
