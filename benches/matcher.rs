#![allow(missing_docs)] // criterion_group! generates undocumented items.
//! Throughput of the detector (normalize → match → classify) on a few MB of article text,
//! per core. Corpus-level speed (I/O, JSON, threads) is measured by `benches/speed.sh`.
use boilerguard::Detector;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// About `mb` MB of documents: the sample articles of `examples/`, and the dev set's pages
/// when `../shared` is present (real text is what matters for the automaton's speed).
fn documents(mb: usize) -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds: Vec<String> = Vec::new();
    if let Ok(dev) = std::fs::read_to_string(root.join("../shared/eval/dev.jsonl")) {
        for line in dev.lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                let paras: Vec<&str> =
                    v["paragraphs"].as_array().into_iter().flatten().filter_map(|p| p["text"].as_str()).collect();
                seeds.push(paras.join("\n"));
            }
        }
    }
    for entry in std::fs::read_dir(root.join("examples/articles")).into_iter().flatten().flatten() {
        seeds.extend(std::fs::read_to_string(entry.path()));
    }
    let mut docs = Vec::new();
    let mut total = 0;
    while total < mb * 1_000_000 {
        let doc = seeds[docs.len() % seeds.len()].clone();
        total += doc.len();
        docs.push(doc);
    }
    docs
}

fn detector(c: &mut Criterion) {
    let detector = Detector::builtin().expect("built-in patterns");
    let docs = documents(4);
    let bytes: usize = docs.iter().map(String::len).sum();
    let mut group = c.benchmark_group("detector");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_with_input(BenchmarkId::new("findings", "4MB"), &docs, |b, docs| {
        b.iter(|| docs.iter().map(|d| detector.findings(d).len()).sum::<usize>())
    });
    group.bench_with_input(BenchmarkId::new("normalize", "4MB"), &docs, |b, docs| {
        b.iter(|| {
            docs.iter()
                .map(|d| {
                    boilerguard::normalize::normalize(
                        d,
                        boilerguard::normalize::Breaks::Lines,
                        boilerguard::normalize::AsciiCase::Keep,
                    )
                    .as_str()
                    .len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

/// A regex that is exponential in a backtracking engine (`(a|aa)+$`-style, nested
/// quantifiers) over 10 MB of lines that almost match it: it must stay linear here.
fn adversarial_regex(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("en")).expect("mkdir");
    std::fs::write(
        dir.path().join("en/donation.toml"),
        "[[pattern]]\nid = \"en.donation.evil\"\nregex = '(?:a|aa)+(?:a+)+b'\nweight = 0.5\nexamples = [\"aaab\"]\n",
    )
    .expect("write pattern");
    let detector = boilerguard::DetectorConfig {
        builtin: false,
        pattern_dirs: vec![dir.path().to_path_buf()],
        ..Default::default()
    }
    .build()
    .expect("pattern loads");
    // The `b` wakes the regex on every line (it is the literal that gates it); the run of `a`s
    // before it is what a backtracking engine would explode on.
    let line = format!("{}c b\n", "a".repeat(999));
    let text = line.repeat(10_000);
    let mut group = c.benchmark_group("adversarial");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("nested-quantifier regex, 10MB", |b| b.iter(|| detector.findings(&text).len()));
    group.finish();
}

criterion_group!(benches, detector, adversarial_regex);
criterion_main!(benches);
