//! Arbitrary bytes as a pattern file: loading must return a pattern set or an error, never
//! panic, and whatever loads must compile into a matcher.
#![no_main]
use boilerguard::pattern::{parse_pattern_file, Limits, PatternSet};
use boilerguard::{Detector, DetectorConfig};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let limits = Limits { regex_size: 1 << 16, ..Limits::default() };
    if let Ok(patterns) = parse_pattern_file(Path::new("fuzz.toml"), Path::new("en/donation.toml"), text, &limits) {
        let mut set = PatternSet::new();
        if set.extend(patterns).is_ok() {
            if let Ok(detector) = Detector::new(set, DetectorConfig { limits, ..DetectorConfig::default() }) {
                for p in detector.patterns() {
                    for example in &p.examples {
                        let _ = detector.findings(example);
                    }
                }
            }
        }
    }
});
