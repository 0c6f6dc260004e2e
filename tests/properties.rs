//! Properties over arbitrary Unicode input: offsets always on char boundaries and inside the
//! text, blocks disjoint and ordered, cleaning reversible, the offset map monotonic, and
//! batch results independent of thread count and chunk size.
mod common;

use boilerguard::batch::{clean, scan, Annotation, BatchOptions, CleanOptions, CleanTarget};
use boilerguard::corpus::{discover, InputOptions, PipelineOptions};
use boilerguard::detector::remove_findings;
use boilerguard::normalize::{normalize, AsciiCase, Breaks};
use boilerguard::report::scan::ScanFormat;
use boilerguard::{Detector, DetectorConfig};
use proptest::prelude::*;
use std::sync::OnceLock;

fn detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| {
        DetectorConfig {
            builtin: false,
            pattern_dirs: vec![common::root().join("tests/fixtures/patterns")],
            ..DetectorConfig::default()
        }
        .build()
        .expect("fixture patterns")
    })
}

/// Text made of the troublesome pieces: phrases that match, typographic quotes, every kind
/// of white space, invisible characters, case-changing letters, CJK, line breaks.
fn tricky_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Donate now".to_string()),
        Just("DONATE\u{00A0}NOW".to_string()),
        Just("faites un don".to_string()),
        Just("The views expressed here are those of the author".to_string()),
        Just("your support".to_string()),
        Just("’«»—–…".to_string()),
        Just("\u{00A0}\u{202F}\u{3000}\t \r".to_string()),
        Just("\u{200B}\u{00AD}\u{FEFF}\u{200E}".to_string()),
        Just("ßẞİΣςﬁ".to_string()),
        Just("支持我们的新闻".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        any::<String>(),
        "[a-zA-Z ]{0,30}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn offset_map_is_monotonic_and_lands_on_char_boundaries(text in tricky_text()) {
        for breaks in [Breaks::Lines, Breaks::BlankLines, Breaks::None] {
            let n = normalize(&text, breaks, AsciiCase::Fold);
            let mut last = 0;
            for i in (0..=n.as_str().len()).filter(|&i| n.as_str().is_char_boundary(i)) {
                let start = n.map().start(i, &text);
                let end = n.map().end(i, &text);
                prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
                prop_assert!(start >= last && start <= text.len() && end <= text.len());
                last = start;
            }
        }
    }

    #[test]
    fn findings_are_ordered_disjoint_and_on_char_boundaries(text in tricky_text()) {
        let findings = detector().findings(&text);
        let mut last_end = 0;
        for f in &findings {
            prop_assert!(f.start < f.end && f.end <= text.len());
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            prop_assert!(f.outer_start <= f.start && f.end <= f.outer_end && f.outer_end <= text.len());
            prop_assert!(f.outer_start >= last_end, "blocks overlap");
            last_end = f.outer_end;
        }
        for hit in detector().analyze(&text).hits {
            prop_assert!(hit.start <= hit.end && text.is_char_boundary(hit.start) && text.is_char_boundary(hit.end));
        }
    }

    #[test]
    fn cleaned_text_plus_removed_blocks_is_the_original(text in tricky_text()) {
        let findings = detector().findings(&text);
        let cleaned = remove_findings(&text, &findings);
        let annotation: Annotation = serde_json::from_value(serde_json::json!({
            "id": "x", "source": "x", "dropped": false,
            "blocks": findings.iter().map(|f| serde_json::json!({
                "start": f.start, "end": f.end, "removed_start": f.outer_start, "removed_end": f.outer_end,
                "removed_text": &text[f.outer_start..f.outer_end], "category": f.category, "score": f.score, "patterns": f.patterns,
            })).collect::<Vec<_>>(),
        })).expect("annotation");
        prop_assert_eq!(annotation.restore(&cleaned), text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn batch_results_do_not_depend_on_threads_or_chunk_size(texts in prop::collection::vec(tricky_text(), 1..60), chunk in 1usize..5000) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.jsonl");
        let body: String = texts.iter().enumerate().map(|(i, t)| format!("{}\n", serde_json::json!({"id": i, "text": t}))).collect();
        std::fs::write(&path, body).expect("write");
        let inputs = discover(&[path], &InputOptions::default()).expect("discover").inputs;
        let run = |threads: usize, chunk_bytes: usize| {
            let options = BatchOptions { pipeline: PipelineOptions { threads, chunk_bytes, ..PipelineOptions::default() }, ..BatchOptions::default() };
            let mut scanned = Vec::new();
            let outcome = scan(detector(), &inputs, &options, &*ScanFormat::Jsonl.reporter(), &mut scanned).expect("scan");
            let mut cleaned = Vec::new();
            let clean_options = CleanOptions { target: CleanTarget::Stdout, ..CleanOptions::default() };
            clean(detector(), &inputs, &options, &clean_options, &mut cleaned).expect("clean");
            prop_assert!(outcome.stats.balanced());
            Ok((scanned, cleaned))
        };
        let reference = run(1, 4 << 20)?;
        prop_assert_eq!(&run(2, chunk)?, &reference);
        prop_assert_eq!(&run(8, 1)?, &reference);
    }
}
