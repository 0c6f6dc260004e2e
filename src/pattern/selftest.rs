//! Runs every pattern's examples and counter-examples through a detector.
//!
//! An example must come out labeled with its pattern's category *and* be hit by the pattern
//! itself (an example that passes only thanks to another pattern tests nothing). A
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
            let hit = analysis.hits.iter().any(|h| h.pattern == index);
            let labeled = analysis.verdicts.iter().any(|v| v.category == Some(pattern.category));
            if !hit {
                failures.push(fail("example", example, "the pattern does not match it".into()));
            } else if !labeled {
                let best = analysis.verdicts.iter().map(|v| v.score).fold(0.0, f64::max);
                failures.push(fail(
                    "example",
                    example,
                    format!("matched but not labeled {} (best score {best:.2})", pattern.category),
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
