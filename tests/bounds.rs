//! Resource bounds and gates that must not pass without looking (issue 15, items 7, 8, 9
//! and 11): linear region growing, limits checked before the work they bound, language
//! codes checked, `check` on nothing, and a full or closed standard error.
mod common;

use boilerguard::classify::classify_counted;
use boilerguard::Detector;
use common::bin;
use predicates::str::contains;
use std::path::Path;
use std::time::Duration;

const FIXTURE_PATTERNS: [&str; 3] = ["--no-builtin", "--patterns", "tests/fixtures/patterns"];

/// The run of a command that hung (as `-j 100000` did) fails instead of stalling the suite.
const HANG: Duration = Duration::from_secs(120);

// Item 7: detection linear in document size.

#[test]
fn region_growing_walks_each_block_a_bounded_number_of_times_in_every_layout() {
    let detector = Detector::builtin().expect("built-in patterns");
    // Each layout repeated: every line an anchor, or a line an anchor's region joins. Growing
    // every anchor's region over the rest of the document made these quadratic.
    let layouts = [
        "Donate now\nab\n",
        "Donate now\nYour support keeps this site free.\n",
        "Want to help?\nDonate now\n35 €\n",
        "The views expressed in this article are those of the author.\nOpinion\n",
        "Sign up for our newsletter\nab\n",
        "Faites un don\nab\n",
    ];
    for layout in layouts {
        let text = layout.repeat(2_000);
        let analysis = detector.analyze(&text);
        let options = &detector.config().classify;
        let (verdicts, work) = classify_counted(&text, &analysis.blocks, &analysis.hits, detector.patterns(), options);
        assert_eq!(verdicts, analysis.verdicts, "{layout:?}");
        let blocks = analysis.blocks.len();
        assert!(work.region_steps <= 6 * blocks, "{layout:?}: {} steps for {blocks} blocks", work.region_steps);
    }
}
