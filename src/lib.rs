//! boilerguard finds the editorial boilerplate that scrapers leave inside article text —
//! donation appeals, opinion disclaimers, newsletter prompts, republishing notices — and
//! separates it from the article body.
//!
//! # The pipeline
//!
//! 1. [`pattern`]: TOML pattern files (embedded built-ins plus user directories) are loaded
//!    and validated into a [`PatternSet`].
//! 2. [`segment`]: a document is cut into blocks (lines, or paragraphs of hard-wrapped text).
//! 3. [`normalize`]: a normalized view of the text (case, quotes, dashes, white space,
//!    invisible characters folded) with a map back to original offsets.
//! 4. [`matcher`]: one Aho-Corasick pass finds every phrase; regexes run only on blocks where
//!    their required literals ([`matcher::literals`]) occur.
//! 5. [`classify`]: hits become per-block evidence, evidence becomes labels, appeals grow
//!    over their neighbouring blocks; every label keeps its reason.
//! 6. [`Detector`] ties these together; [`batch`] runs it over whole corpora read and
//!    written by [`corpus`]; [`eval`] measures it against labeled data.
//! 7. [`check`] is the CI gate on top of [`batch`]: rules, baselines, configuration file.
//!    [`authoring`] holds the pattern author's tools (lint, self-test, stats, fit), above the
//!    detector.
//! 8. [`report`] is the one output layer: every format of every command is a
//!    [`report::Reporter`] chosen by the caller.
//!
//! The command line (`src/cli/`) only parses flags and prints; the library has no argument
//! parser. The output-record and labeled-data contracts are in `docs/`.
//!
//! # Example
//!
//! ```
//! use boilerguard::{Category, Detector};
//!
//! let detector = Detector::builtin()?;
//! let text = "The council approved the budget on Tuesday.\n\
//!             The views expressed in this article are those of the author and do not necessarily reflect the views of this publication.";
//! let findings = detector.findings(text);
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].category, Category::Disclaimer);
//! assert_eq!(detector.clean(text), "The council approved the budget on Tuesday.\n");
//! # Ok::<(), boilerguard::PatternError>(())
//! ```
pub mod authoring;
pub mod batch;
pub mod category;
pub mod check;
pub mod classify;
pub mod corpus;
pub mod detector;
pub mod error;
pub mod eval;
pub mod lang;
pub mod matcher;
pub mod mine;
pub mod named;
pub mod normalize;
pub mod pattern;
mod position;
pub mod regex_build;
pub mod report;
pub mod segment;

pub use category::Category;
pub use detector::{Analysis, BuildError, Detector, DetectorConfig, Finding};
pub use error::{CorpusError, PatternError};
pub use pattern::{Pattern, PatternSet};
