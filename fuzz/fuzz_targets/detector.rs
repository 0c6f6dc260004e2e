//! Arbitrary bytes through normalizer, matcher and classifier: no panic, and every finding
//! lies on char boundaries inside the text, in order, without overlap.
#![no_main]
use boilerguard::Detector;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| Detector::builtin().expect("built-in patterns"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut last = 0;
    for f in detector().findings(&text) {
        assert!(f.start < f.end && f.end <= text.len());
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        assert!(f.outer_start >= last);
        last = f.outer_end;
    }
    let cleaned = detector().clean(&text);
    assert!(cleaned.len() <= text.len());
});
