//! Runs every pattern's examples and counter-examples through a detector.
//!
//! An example must be hit by the pattern itself and come out labeled with its category in a
//! block the pattern hit (an example that passes only thanks to another pattern tests
//! nothing; a multi-line example can show the appeal a weak pattern joins). A
//! counter-example must come out with no boilerplate at all, whatever pattern would fire.
use crate::detector::Detector;

/// An example or counter-example that did not behave.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleFailure {
    /// The pattern id.
    pub id: String,
    /// Its file and line, `path:line`.
    pub location: String,
    /// `example` or `counter_example`.
    pub kind: &'static str,
    /// The text.
    pub text: String,
    /// What happened instead.
    pub reason: String,
}

/// Checks every example of every pattern of `detector`.
pub fn run_examples(detector: &Detector) -> Vec<ExampleFailure> {
    let mut failures = Vec::new();
    for (index, pattern) in detector.patterns().iter().enumerate() {
        let location = format!("{}:{}", pattern.source.display(), pattern.line);
        let fail = |kind, text: &str, reason: String| ExampleFailure {
            id: pattern.id.clone(),
            location: location.clone(),
            kind,
            text: text.to_string(),
            reason,
        };
        for example in &pattern.examples {
            let analysis = detector.analyze(example);
            // The example must be labeled where this pattern hit it: multi-line examples let a
            // weak pattern show the appeal it joins ("Donate now\nMonthly").
            let hit_blocks: Vec<usize> = analysis.hits.iter().filter(|h| h.pattern == index).map(|h| h.block).collect();
            let labeled = hit_blocks.iter().any(|&b| analysis.verdicts[b].category == Some(pattern.category));
            if hit_blocks.is_empty() {
                failures.push(fail("example", example, "the pattern does not match it".into()));
            } else if !labeled {
                let best = hit_blocks.iter().map(|&b| analysis.verdicts[b].score).fold(0.0, f64::max);
                failures.push(fail(
                    "example",
                    example,
                    format!("matched but not labeled {} where it matched (best score {best:.2})", pattern.category),
                ));
            }
        }
        for counter in &pattern.counter_examples {
            let findings = detector.analyze(counter).findings(detector);
            if let Some(f) = findings.first() {
                failures.push(fail(
                    "counter_example",
                    counter,
                    format!("labeled {} (score {:.2}) by {}", f.category, f.score, f.patterns.join(", ")),
                ));
            }
        }
    }
    failures
}
