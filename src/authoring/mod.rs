//! Tools for pattern authors, above the detector: they build detectors and run them over
//! examples and labeled data, so nothing in the detection path depends on them.
//!
//! - [`selftest`]: every pattern's examples and counter-examples (`patterns test`).
//! - [`lint`]: what works badly in a pattern file (`patterns lint`).
//! - [`stats`]: per-pattern hits on labeled data, as SpamAssassin's hit-frequencies
//!   (`patterns stats`).
//! - [`fit`]: pattern weights fitted to labeled data, and site-grouped cross-validation
//!   (`patterns fit`, `eval --cv-by-site`).
pub mod fit;
pub mod lint;
pub mod selftest;
pub mod stats;

pub use selftest::{run_examples, ExampleFailure};
