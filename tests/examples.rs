//! The sample corpus in `examples/` through the built-in patterns: what the README's first
//! command shows a new user. A snapshot pins the whole human report; the assertions below
//! name the lines that must go and the hard negatives that must stay.
mod common;

use common::bin;

#[test]
fn sample_corpus_scan_report() {
    let out = bin().args(["scan", "--format", "human", "--quiet", "examples/"]).output().expect("run scan");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn sample_corpus_is_cleaned_of_appeals_and_disclaimers_only() {
    let out = bin().args(["clean", "--quiet", "examples/articles/harbour-bridge-en.txt"]).output().expect("run clean");
    let cleaned = String::from_utf8(out.stdout).expect("utf8");
    for gone in
        ["The views expressed in this article", "Support independent local journalism", "reader-funded", "Donate now"]
    {
        assert!(!cleaned.contains(gone), "{gone:?} should be removed:\n{cleaned}");
    }
    for kept in ["the views expressed by residents", "raised $20,000 in donations", "We support the repairs"] {
        assert!(cleaned.contains(kept), "{kept:?} is body:\n{cleaned}");
    }
    let out = bin().args(["clean", "--quiet", "examples/articles/vendanges-fr.txt"]).output().expect("run clean");
    let cleaned = String::from_utf8(out.stdout).expect("utf8");
    assert!(cleaned.contains("soutenir les exploitations") && cleaned.contains("collecte de dons"), "{cleaned}");
    assert!(!cleaned.contains("Faites un don") && !cleaned.contains("n’engagent que"), "{cleaned}");
}
