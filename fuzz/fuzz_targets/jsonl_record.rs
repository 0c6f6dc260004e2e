//! Arbitrary bytes as a JSONL line: parsed into a document or rejected with a reason, never
//! a panic; a parsed line spliced with its own text is the same JSON value.
#![no_main]
use boilerguard::corpus::{parse_record, FieldNames};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let fields = FieldNames::default();
    if let Ok(doc) = parse_record(data, &fields, "fuzz:1") {
        let json = doc.json.expect("JSONL documents carry their line");
        let again = json.with_text(&doc.text);
        let reparsed = parse_record(again.as_bytes(), &fields, "fuzz:1").expect("spliced line parses");
        assert_eq!(reparsed.text, doc.text);
    }
});
