//! Fitting pattern weights to labeled data, and measuring the fit honestly.
//!
//! Authors guess how much a phrase is worth; labeled pages tell. The learner is deliberately
//! simple, deterministic and fast: coordinate descent over a fixed grid of weights, one
//! pattern at a time, scoring each candidate by re-running the real classifier (coverage,
//! length, position and region growing included) on the documents the pattern hits. The loss
//! counts wrong paragraphs, a body paragraph removed counting `body_penalty` times, plus a
//! regularisation term `λ·(w − prior)²` that keeps a weight near its author's value unless the
//! data says otherwise. The penalty is raised until the fitted weights keep body false
//! removals within the budget on the fitting data — the explicit budget SpamAssassin's
//! perceptron is run under.
//!
//! A figure measured on the data the weights were fitted to is optimistic, so
//! [`cross_validate`] folds the documents by site (no site on both sides) and fits on all
//! folds but one before scoring that one: the figure of record.
use crate::classify::{classify, ClassifyOptions};
use crate::detector::Detector;
use crate::eval::{labels_from_spans, report, GoldDocument, Report};
use crate::matcher::Hit;
use crate::pattern::Pattern;
use crate::segment::Block;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// The weights a pattern may be given.
const GRID: [f64; 13] = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
/// Body penalties tried in turn until the budget holds.
const BODY_PENALTIES: [f64; 5] = [5.0, 10.0, 20.0, 40.0, 80.0];

/// Knobs of the fit.
#[derive(Clone, Debug)]
pub struct FitOptions {
    /// Highest body false-removal rate the fitted weights may reach on the fitting data.
    pub body_budget: f64,
    /// λ: the cost, in wrong paragraphs, of a unit squared move away from the prior.
    pub regularization: f64,
    /// Most sweeps over the patterns.
    pub passes: usize,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions { body_budget: 0.003, regularization: 4.0, passes: 3 }
    }
}

/// A gold document with its blocks and hits found once: fitting only re-runs classification.
pub struct Prepared<'d> {
    doc: &'d GoldDocument,
    text: String,
    blocks: Vec<Block>,
    hits: Vec<Hit>,
    patterns_hit: Vec<usize>,
}

/// A pattern's example or counter-example: whatever the weights, an example stays labeled
/// with its pattern's category where the pattern hits it, and a counter-example stays body
/// (as `patterns test` checks). Moves that break one are refused.
struct Constraint {
    text: String,
    blocks: Vec<Block>,
    hits: Vec<Hit>,
    pattern: usize,
    example: bool,
}

impl Constraint {
    fn holds(&self, patterns: &[Pattern], options: &ClassifyOptions) -> bool {
        if self.hits.is_empty() {
            return !self.example;
        }
        let verdicts = classify(&self.text, &self.blocks, &self.hits, patterns, options);
        if self.example {
            let category = patterns[self.pattern].category;
            self.hits.iter().any(|h| h.pattern == self.pattern && verdicts[h.block].category == Some(category))
        } else {
            verdicts.iter().all(|v| v.category.is_none())
        }
    }
}

fn constraints(detector: &Detector) -> Vec<Constraint> {
    let cases: Vec<(usize, bool, &String)> = detector
        .patterns()
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            p.examples.iter().map(move |e| (i, true, e)).chain(p.counter_examples.iter().map(move |c| (i, false, c)))
        })
        .collect();
    cases
        .into_par_iter()
        .map(|(pattern, example, text)| {
            let analysis = detector.analyze(text);
            Constraint { text: text.clone(), blocks: analysis.blocks, hits: analysis.hits, pattern, example }
        })
        .collect()
}

/// The patterns `hits` come from, each once.
fn distinct_patterns(hits: &[Hit]) -> Vec<usize> {
    let mut patterns: Vec<usize> = hits.iter().map(|h| h.pattern).collect();
    patterns.sort_unstable();
    patterns.dedup();
    patterns
}

/// Matches every document once.
pub fn prepare<'d>(detector: &Detector, docs: &'d [GoldDocument]) -> Vec<Prepared<'d>> {
    docs.par_iter()
        .map(|doc| {
            let text = doc.text();
            let analysis = detector.analyze(&text);
            let (blocks, hits) = (analysis.blocks, analysis.hits);
            let patterns_hit = distinct_patterns(&hits);
            Prepared { doc, text, blocks, hits, patterns_hit }
        })
        .collect()
}

fn predict(p: &Prepared<'_>, patterns: &[Pattern], options: &ClassifyOptions) -> Vec<&'static str> {
    if p.hits.is_empty() {
        return vec!["body"; p.doc.paragraphs.len()];
    }
    let verdicts = classify(&p.text, &p.blocks, &p.hits, patterns, options);
    let spans: Vec<(usize, usize, &str)> = verdicts
        .iter()
        .zip(&p.blocks)
        .filter_map(|(v, b)| v.category.map(|c| (b.start, b.end, c.eval_label())))
        .collect();
    labels_from_spans(p.doc, &spans)
}

/// Wrong paragraphs, a removed body paragraph counting `body_penalty`.
fn loss(doc: &GoldDocument, predicted: &[&str], body_penalty: f64) -> f64 {
    doc.paragraphs
        .iter()
        .zip(predicted)
        .map(|(gold, &p)| match (gold.label.as_str(), p) {
            (g, p) if g == p => 0.0,
            ("body", _) => body_penalty,
            _ => 1.0,
        })
        .sum()
}

/// Body paragraphs removed ÷ body paragraphs, over `prepared` with `patterns`.
fn body_rate(prepared: &[&Prepared<'_>], patterns: &[Pattern], options: &ClassifyOptions) -> f64 {
    let (mut body, mut removed) = (0usize, 0usize);
    for p in prepared {
        for (gold, predicted) in p.doc.paragraphs.iter().zip(predict(p, patterns, options)) {
            if gold.label == "body" {
                body += 1;
                removed += usize::from(predicted != "body");
            }
        }
    }
    if body == 0 {
        0.0
    } else {
        removed as f64 / body as f64
    }
}

/// Weights fitted to `prepared`, starting from and regularised toward each pattern's prior
/// (the weight in its file). Returns one weight per pattern of `detector`, in its order.
pub fn fit(detector: &Detector, prepared: &[&Prepared<'_>], options: &FitOptions) -> Vec<f64> {
    let classify_options = &detector.config().classify;
    let mut patterns = detector.patterns().to_vec();
    let constraints = constraints(detector);
    let mut weights = Vec::new();
    for penalty in BODY_PENALTIES {
        let data = Data { prepared, constraints: &constraints, classify_options, penalty };
        weights = fit_with_penalty(&mut patterns, &data, options);
        if body_rate(prepared, &patterns, classify_options) <= options.body_budget {
            break;
        }
    }
    weights
}

/// What one fit is scored on.
struct Data<'a, 'd> {
    prepared: &'a [&'a Prepared<'d>],
    constraints: &'a [Constraint],
    classify_options: &'a ClassifyOptions,
    penalty: f64,
}

/// The cost of breaking an example or counter-example: no gain on the data is worth it.
const CONSTRAINT_COST: f64 = 1e6;

fn fit_with_penalty(patterns: &mut [Pattern], data: &Data<'_, '_>, options: &FitOptions) -> Vec<f64> {
    for p in patterns.iter_mut() {
        p.weight = p.prior_weight;
    }
    let (prepared, classify_options, penalty) = (data.prepared, data.classify_options, data.penalty);
    // Items 0..prepared.len() are documents, the rest constraints.
    let mut docs_of: Vec<Vec<usize>> = vec![Vec::new(); patterns.len()];
    for (d, p) in prepared.iter().enumerate() {
        for &i in &p.patterns_hit {
            docs_of[i].push(d);
        }
    }
    for (c, constraint) in data.constraints.iter().enumerate() {
        for i in distinct_patterns(&constraint.hits) {
            docs_of[i].push(prepared.len() + c);
        }
    }
    let doc_loss = |d: usize, patterns: &[Pattern]| match prepared.get(d) {
        Some(p) => loss(p.doc, &predict(p, patterns, classify_options), penalty),
        None if data.constraints[d - prepared.len()].holds(patterns, classify_options) => 0.0,
        None => CONSTRAINT_COST,
    };
    let mut losses: Vec<f64> = (0..prepared.len() + data.constraints.len()).map(|d| doc_loss(d, patterns)).collect();
    for _ in 0..options.passes {
        let mut moved = false;
        for i in (0..patterns.len()).filter(|&i| !docs_of[i].is_empty()) {
            let (current, prior) = (patterns[i].weight, patterns[i].prior_weight);
            let cost = |w: f64| options.regularization * (w - prior).powi(2);
            let mut best: Option<(f64, f64, Vec<f64>)> = None;
            for candidate in GRID.into_iter().chain([prior]) {
                if (candidate - current).abs() < 1e-9 {
                    continue;
                }
                patterns[i].weight = candidate;
                let new: Vec<f64> = docs_of[i].iter().map(|&d| doc_loss(d, patterns)).collect();
                let data: f64 = new.iter().zip(&docs_of[i]).map(|(l, &d)| l - losses[d]).sum();
                let delta = data + cost(candidate) - cost(current);
                if delta < best.as_ref().map_or(-1e-9, |b| b.0 - 1e-9) {
                    best = Some((delta, candidate, new));
                }
            }
            patterns[i].weight = current;
            if let Some((_, weight, new)) = best {
                patterns[i].weight = weight;
                for (&d, l) in docs_of[i].iter().zip(new) {
                    losses[d] = l;
                }
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    patterns.iter().map(|p| p.weight).collect()
}

/// The fitted weights that differ from their priors, by pattern id.
pub fn changed_weights(detector: &Detector, weights: &[f64]) -> BTreeMap<String, f64> {
    detector
        .patterns()
        .iter()
        .zip(weights)
        .filter(|(p, w)| (p.prior_weight - **w).abs() > 1e-9)
        .map(|(p, &w)| (p.id.clone(), w))
        .collect()
}

/// Figures with the weights as shipped, and site-grouped cross-validated ones.
#[derive(Debug)]
pub struct CrossValidation {
    /// Every document scored with the detector's weights as they are (optimistic where
    /// they were fitted to these documents).
    pub shipped: Report,
    /// Every document scored with weights fitted on the folds that do not hold its site.
    pub cross_validated: Report,
    /// Number of folds.
    pub folds: usize,
    /// Number of distinct sites.
    pub sites: usize,
}

/// Site-grouped `folds`-fold cross-validation of the fit over `docs`.
pub fn cross_validate(
    detector: &Detector,
    docs: &[GoldDocument],
    folds: usize,
    options: &FitOptions,
) -> CrossValidation {
    let prepared = prepare(detector, docs);
    let classify_options = &detector.config().classify;
    let sites: Vec<String> = {
        let mut all: Vec<String> = docs.iter().map(GoldDocument::site).collect();
        all.sort();
        all.dedup();
        all
    };
    let fold_of = |doc: &GoldDocument| sites.binary_search(&doc.site()).map_or(0, |i| i % folds.max(1));
    let mut predictions: Vec<Vec<&'static str>> = vec![Vec::new(); docs.len()];
    let fitted_per_fold: Vec<Vec<f64>> = (0..folds)
        .into_par_iter()
        .map(|f| {
            let train: Vec<&Prepared<'_>> = prepared.iter().filter(|p| fold_of(p.doc) != f).collect();
            fit(detector, &train, options)
        })
        .collect();
    for (f, weights) in fitted_per_fold.iter().enumerate() {
        let mut patterns = detector.patterns().to_vec();
        for (p, &w) in patterns.iter_mut().zip(weights) {
            p.weight = w;
        }
        for (d, p) in prepared.iter().enumerate().filter(|(_, p)| fold_of(p.doc) == f) {
            predictions[d] = predict(p, &patterns, classify_options);
        }
    }
    let shipped: Vec<Vec<&'static str>> =
        prepared.iter().map(|p| predict(p, detector.patterns(), classify_options)).collect();
    CrossValidation {
        shipped: report(docs, &shipped, false),
        cross_validated: report(docs, &predictions, false),
        folds,
        sites: sites.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(site: &str, paragraphs: &[(&str, &str)]) -> GoldDocument {
        GoldDocument::for_test(site, Some(format!("https://www.{site}/a")), paragraphs)
    }

    #[test]
    fn a_weak_cue_that_only_ever_marks_appeals_is_raised_and_the_fit_is_reproducible() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("en")).unwrap();
        std::fs::write(
            dir.path().join("en/donation.toml"),
            "[[pattern]]\nid = \"en.donation.chip-in\"\nphrases = [\"chip in\"]\nweight = 0.2\nexamples = [\"chip in\"]\n",
        )
        .unwrap();
        let config = crate::DetectorConfig {
            builtin: false,
            pattern_dirs: vec![dir.path().to_path_buf()],
            ..Default::default()
        };
        let detector = config.build().unwrap();
        let docs: Vec<GoldDocument> = (0..6)
            .map(|i| {
                doc(
                    &format!("site{i}.example"),
                    &[("The mayor opened the new library on Monday.", "body"), ("Chip in today.", "donation")],
                )
            })
            .collect();
        let prepared = prepare(&detector, &docs);
        let all: Vec<&Prepared<'_>> = prepared.iter().collect();
        let weights = fit(&detector, &all, &FitOptions::default());
        assert!(weights[0] >= 0.5, "{weights:?}");
        assert_eq!(weights, fit(&detector, &all, &FitOptions::default()));
        assert_eq!(changed_weights(&detector, &weights).len(), 1);
        let cv = cross_validate(&detector, &docs, 3, &FitOptions::default());
        assert_eq!((cv.sites, cv.folds), (6, 3));
        assert_eq!(cv.cross_validated.overall.labels["donation"].recall, 1.0);
        assert_eq!(cv.shipped.overall.labels["donation"].recall, 0.0);
    }

    #[test]
    fn sites_are_hosts_without_www() {
        assert_eq!(doc("news.example", &[]).site(), "news.example");
        let mut no_url = doc("x", &[]);
        no_url.url = None;
        assert_eq!(no_url.site(), "x");
    }
}
