//! Mining the boilerplate nobody wrote a pattern for, from its recurrence across a site.
//!
//! Every site repeats its own appeal box, newsletter prompt and disclaimer on its pages, so a
//! paragraph that recurs in many of one site's documents is the strongest boilerplate signal
//! there is — and, unlike CCNet's or RefinedWeb's blind line deduplication, one we can type
//! with our cues and hand to a person as pattern files to review.
//!
//! One pass over the corpus groups documents by site (the host of a URL field) and counts, per
//! site, the documents each normalized paragraph occurs in (numbers, month names and white
//! space masked, so that "Donate 5 € in May" and "Donate 10 € in June" count together).
//! Counting is per site, so a wire story quoted by many outlets, or a stock lead sentence, does
//! not add up; it also needs `min_docs` documents *and* `min_share` of the site's documents,
//! so a quote repeated in a few follow-up stories stays out.
//!
//! Memory is bounded by lossy counting (Manku and Motwani): when the table holds more than
//! `max_entries` paragraphs, every entry seen in at most `floor + 1` documents is dropped and
//! the floor rises. A surviving count is then low by at most the final floor, which the result
//! reports; a paragraph seen in more than `floor` documents is never lost. A paragraph's text
//! is kept only once it has been seen twice.
//!
//! A candidate is typed by the detector: flagged by an existing pattern (counted, not proposed
//! again), or carrying evidence of a category below the threshold, or else joined to a typed
//! neighbour — an appeal box is a run of recurring paragraphs of which often only the pitch
//! has a cue, so its heading, amount and button lines inherit the pitch's type — or `unknown`.
use crate::batch::{document, BatchOptions};
use crate::category::Category;
use crate::corpus::pipeline::{Event, Pipeline, RecordRef};
use crate::corpus::Input;
use crate::detector::Detector;
use crate::error::CorpusError;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// Knobs of `mine`.
#[derive(Clone, Debug)]
pub struct MineOptions {
    /// Fewest documents of a site a paragraph must occur in.
    pub min_docs: u64,
    /// Smallest share of the site's documents it must occur in.
    pub min_share: f64,
    /// JSON field holding the page URL whose host is the site.
    pub site_field: String,
    /// JSON field holding the document's language (else `xx`).
    pub lang_field: String,
    /// Most paragraphs counted at once (the memory bound).
    pub max_entries: usize,
    /// Shortest paragraph considered, in characters.
    pub min_chars: usize,
}

impl Default for MineOptions {
    fn default() -> Self {
        MineOptions {
            min_docs: 5,
            min_share: 0.3,
            site_field: "url".into(),
            lang_field: "lang".into(),
            max_entries: 4_000_000,
            min_chars: 3,
        }
    }
}

/// How a candidate got its type.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TypedBy {
    /// An existing pattern flags it on its own: counted, not proposed.
    Matched,
    /// Pattern evidence below the threshold.
    Evidence,
    /// It recurs next to a typed candidate of the same site.
    Neighbour,
    /// Nothing typed it.
    Unknown,
}

/// A recurring paragraph.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// The site (host).
    pub site: String,
    /// The language of the documents it was seen in.
    pub lang: String,
    /// Its category, when typed.
    pub category: Option<Category>,
    /// How it was typed.
    pub typed_by: TypedBy,
    /// Patterns that already flag it.
    pub matched_by: Vec<String>,
    /// Documents of the site it occurs in (low by at most the result's `count_error`).
    pub docs: u64,
    /// Documents of the site.
    pub site_docs: u64,
    /// `docs ÷ site_docs`.
    pub share: f64,
    /// One occurrence of it, as written.
    pub text: String,
}

/// What `mine` found.
#[derive(Debug, Default)]
pub struct Mined {
    /// Candidates, most documents first.
    pub candidates: Vec<Candidate>,
    /// Documents read.
    pub documents: u64,
    /// Sites seen.
    pub sites: u64,
    /// Largest amount by which a count may be low (the lossy-counting floor).
    pub count_error: u64,
    /// Inputs that failed, as messages.
    pub input_errors: Vec<String>,
    /// Records that could not be read, as `file:line: reason`.
    pub rejected: Vec<String>,
}

/// The paragraphs of one document, for the counting table: fingerprints and their spans in
/// the text (copied out only for the few paragraphs that recur).
struct Page {
    site: String,
    lang: String,
    text: String,
    paragraphs: Vec<(u64, std::ops::Range<usize>)>,
}

#[derive(Default)]
struct Entry {
    docs: u64,
    text: Option<String>,
    prev: Option<u64>,
    next: Option<u64>,
}

#[derive(Default)]
struct Site {
    name: String,
    docs: u64,
    langs: HashMap<String, u64>,
}

/// Per-site paragraph counts in bounded memory.
#[derive(Default)]
struct Table {
    entries: HashMap<(u64, u64), Entry>,
    sites: HashMap<u64, Site>,
    floor: u64,
    max_entries: usize,
}

fn hash_of(value: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl Table {
    fn add(&mut self, page: Page) {
        let site_key = hash_of(&page.site);
        let site = self.sites.entry(site_key).or_default();
        if site.docs == 0 {
            site.name = page.site.clone();
        }
        site.docs += 1;
        *site.langs.entry(page.lang).or_default() += 1;
        let mut seen = HashSet::new();
        let fps: Vec<u64> = page.paragraphs.iter().map(|(fp, _)| *fp).collect();
        for (i, (fp, span)) in page.paragraphs.into_iter().enumerate() {
            if !seen.insert(fp) {
                continue;
            }
            let entry = self.entries.entry((site_key, fp)).or_default();
            entry.docs += 1;
            if entry.docs == 2 {
                entry.text = page.text.get(span).map(str::to_string);
            }
            if entry.prev.is_none() && i > 0 {
                entry.prev = Some(fps[i - 1]);
            }
            if entry.next.is_none() {
                entry.next = fps.get(i + 1).copied();
            }
        }
        if self.entries.len() > self.max_entries {
            self.prune();
        }
    }

    fn prune(&mut self) {
        while self.entries.len() > self.max_entries / 2 {
            self.floor += 1;
            let floor = self.floor;
            self.entries.retain(|_, e| e.docs > floor);
        }
    }
}

/// A paragraph's fingerprint: lower-cased, digits, month names and white space masked.
pub fn fingerprint(paragraph: &str) -> u64 {
    hash_of(&mask(paragraph))
}

const MONTHS: [&str; 48] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "januar",
    "februar",
    "märz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
];

/// The masked form of a paragraph that near-identical variants share.
pub fn mask(paragraph: &str) -> String {
    let lower = paragraph.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for word in lower.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
        if MONTHS.contains(&bare) {
            out.push_str("<month>");
            continue;
        }
        let mut in_digits = false;
        for c in word.chars() {
            if c.is_ascii_digit() {
                if !in_digits {
                    out.push('0');
                }
                in_digits = true;
            } else {
                in_digits = false;
                out.push(c);
            }
        }
    }
    out
}

/// The host of a URL, without `www.`.
pub fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let host = rest.split(['/', '?', '#', ':']).next()?.to_ascii_lowercase();
    (!host.is_empty()).then(|| host.strip_prefix("www.").map(str::to_string).unwrap_or(host))
}

fn page_of(rec: &RecordRef<'_>, batch: &BatchOptions, options: &MineOptions) -> Result<Page, String> {
    let doc = document(rec, &batch.fields)?;
    // Only the two fields are decoded; the text value is skipped, not copied again.
    let fields: Option<HashMap<&str, &serde_json::value::RawValue>> =
        doc.json.as_ref().and_then(|j| serde_json::from_str(j.line).ok());
    let field = |name: &str| {
        let raw = fields.as_ref()?.get(name)?;
        serde_json::from_str::<String>(raw.get()).ok()
    };
    // Plain text files have no URL: the folder they sit in stands for the site.
    let site = field(&options.site_field)
        .or_else(|| Some(doc.warc.as_ref()?.field("WARC-Target-URI")?.into_owned()))
        .and_then(|u| host(&u))
        .or_else(|| rec.input.path.as_ref()?.parent()?.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "unknown".into());
    let lang = field(&options.lang_field)
        .filter(|l| l.len() == 2 && l.bytes().all(|b| b.is_ascii_lowercase()))
        .unwrap_or_else(|| "xx".into());
    let text = doc.text.into_owned();
    let mut paragraphs = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let end = start + line.len();
        let trimmed = line.trim();
        if trimmed.chars().count() >= options.min_chars {
            let offset = start + (line.len() - line.trim_start().len());
            paragraphs.push((fingerprint(trimmed), offset..offset + trimmed.len()));
        }
        start = end + 1;
    }
    Ok(Page { site, lang, text, paragraphs })
}

/// Mines `inputs` for recurring paragraphs, typed with `detector`.
pub fn mine(
    detector: &Detector,
    inputs: &[Input],
    batch: &BatchOptions,
    options: &MineOptions,
) -> Result<Mined, CorpusError> {
    let mut table = Table { max_entries: options.max_entries.max(2), ..Table::default() };
    let mut mined = Mined::default();
    Pipeline::new(inputs, batch.pipeline.clone()).with_progress(batch.progress.clone()).run(
        |rec| {
            if crate::batch::is_blank(rec) || crate::batch::is_warc_non_document(rec) {
                return None;
            }
            Some(page_of(rec, batch, options).map_err(|reason| format!("{}: {reason}", crate::batch::source_of(rec))))
        },
        |event| {
            match event {
                Event::Record { output: Some(Ok(page)), .. } => {
                    mined.documents += 1;
                    table.add(page);
                }
                Event::Record { output: Some(Err(message)), .. } => mined.rejected.push(message),
                Event::Oversized { input, line, size, .. } => mined
                    .rejected
                    .push(format!("{}:{line}: record of {size} bytes over the limit", inputs[input].display)),
                Event::InputError { error, .. } => mined.input_errors.push(error.to_string()),
                Event::Damaged { input, offset, reason, .. } => {
                    mined.rejected.push(format!("{}@{offset}: damaged WARC record: {reason}", inputs[input].display))
                }
                _ => {}
            }
            Ok(())
        },
    )?;
    mined.sites = table.sites.len() as u64;
    mined.count_error = table.floor;
    mined.candidates = select(&table, options);
    type_candidates(detector, &table, &mut mined.candidates);
    Ok(mined)
}

fn select(table: &Table, options: &MineOptions) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = table
        .entries
        .iter()
        .filter_map(|((site_key, _), e)| {
            let site = table.sites.get(site_key)?;
            let share = e.docs as f64 / site.docs as f64;
            if e.docs < options.min_docs || share < options.min_share {
                return None;
            }
            let lang = site.langs.iter().max_by_key(|(l, n)| (**n, std::cmp::Reverse((*l).clone())))?.0.clone();
            Some(Candidate {
                site: site.name.clone(),
                lang,
                category: None,
                typed_by: TypedBy::Unknown,
                matched_by: Vec::new(),
                docs: e.docs,
                site_docs: site.docs,
                share,
                text: e.text.clone()?,
            })
        })
        .collect();
    out.sort_by(|a, b| b.docs.cmp(&a.docs).then_with(|| a.site.cmp(&b.site)).then_with(|| a.text.cmp(&b.text)));
    out
}

/// Types candidates by their own evidence, then by their typed neighbours in the same site.
fn type_candidates(detector: &Detector, table: &Table, candidates: &mut [Candidate]) {
    let threshold = detector.config().classify.threshold;
    candidates.par_iter_mut().for_each(|c| {
        let analysis = detector.analyze(&c.text);
        let findings = analysis.findings(detector);
        if let Some(f) = findings.first() {
            c.category = Some(f.category);
            c.typed_by = TypedBy::Matched;
            c.matched_by = f.patterns.clone();
        } else if let Some(v) = analysis
            .verdicts
            .iter()
            .filter(|v| v.score > 0.0 && v.score < threshold)
            .max_by(|a, b| a.score.total_cmp(&b.score))
        {
            let best = v.patterns.first().map(|&p| detector.patterns()[p].category);
            if let Some(category) = best {
                c.category = Some(category);
                c.typed_by = TypedBy::Evidence;
            }
        }
    });
    let keys: Vec<(u64, u64)> = candidates.iter().map(table_key).collect();
    let index: HashMap<(u64, u64), usize> = keys.iter().enumerate().map(|(i, &key)| (key, i)).collect();
    // An appeal box's heading, amount and button lines sit within two paragraphs of a pitch or
    // button that has a cue; longer chains of inheritance swallow the menu after the box.
    for _ in 0..MAX_HOPS {
        if !inherit_from_neighbours(table, candidates, &keys, &index) {
            break;
        }
    }
}

/// The counting table's key of a candidate: its site and its paragraph's fingerprint.
fn table_key(c: &Candidate) -> (u64, u64) {
    (hash_of(&c.site), fingerprint(&c.text))
}

/// Paragraphs a type travels from a paragraph with its own evidence.
const MAX_HOPS: usize = 2;

/// One hop: untyped candidates take the type of a typed neighbour; false when none did.
fn inherit_from_neighbours(
    table: &Table,
    candidates: &mut [Candidate],
    keys: &[(u64, u64)],
    index: &HashMap<(u64, u64), usize>,
) -> bool {
    let mut inherited = Vec::new();
    for (i, _) in candidates.iter().enumerate().filter(|(_, c)| c.category.is_none()) {
        let (site, fp) = keys[i];
        let Some(entry) = table.entries.get(&(site, fp)) else { continue };
        let neighbour = [entry.prev, entry.next]
            .into_iter()
            .flatten()
            .filter_map(|n| index.get(&(site, n)))
            .filter_map(|&n| candidates[n].category)
            .find(|cat| matches!(cat, Category::Donation | Category::Disclaimer));
        if let Some(category) = neighbour {
            inherited.push((i, category));
        }
    }
    let any = !inherited.is_empty();
    for (i, category) in inherited {
        candidates[i].category = Some(category);
        candidates[i].typed_by = TypedBy::Neighbour;
    }
    any
}

/// Pattern files (`<lang>/<category>.toml` → text) proposing the typed candidates that no
/// pattern flags yet.
pub fn pattern_files(candidates: &[Candidate]) -> Vec<(String, String)> {
    let mut files: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    let mut numbers: HashMap<String, usize> = HashMap::new();
    for c in candidates.iter().filter(|c| c.typed_by != TypedBy::Matched) {
        let Some(category) = c.category else { continue };
        let slug: String = c
            .site
            .chars()
            .map(|ch| if ch.is_ascii_alphanumeric() { ch.to_ascii_lowercase() } else { '-' })
            .collect::<String>()
            .trim_matches('-')
            .to_string();
        let n = numbers.entry(slug.clone()).or_default();
        *n += 1;
        let id = format!("{}.{}.mined-{slug}-{n}", c.lang, category.as_str());
        let quoted = |s: &str| toml::Value::String(s.to_string()).to_string();
        let phrase = phrase_of(&c.text);
        let text = files.entry(format!("{}/{}.toml", c.lang, category.as_str())).or_default();
        text.push_str(&format!(
            "# {site}: in {docs} of {site_docs} documents ({share:.0} %), typed by {by:?}\n[[pattern]]\nid = {id}\nphrases = [{phrase}]\nweight = 0.8\nexamples = [{example}]\nnote = {note}\n\n",
            site = c.site,
            docs = c.docs,
            site_docs = c.site_docs,
            share = c.share * 100.0,
            by = c.typed_by,
            id = quoted(&id),
            phrase = quoted(&phrase),
            example = quoted(&c.text),
            note = quoted(&format!("mined from {} ({} of {} documents); review before use", c.site, c.docs, c.site_docs)),
        ));
    }
    files.into_iter().collect()
}

/// The paragraph cut to a phrase the loader accepts (at most 400 bytes, at a word boundary).
fn phrase_of(text: &str) -> String {
    if text.len() <= 400 {
        return text.to_string();
    }
    let mut end = 400;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &text[..end];
    cut.rfind(' ').map_or(cut, |i| &cut[..i]).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_with_other_numbers_and_months_share_a_fingerprint() {
        assert_eq!(fingerprint("Donate 5 € in May!"), fingerprint("donate  10 € in June!"));
        assert_ne!(fingerprint("Donate now"), fingerprint("Subscribe now"));
        assert_eq!(mask("Spendenstand: 12.345 € im Oktober"), "spendenstand: 0.0 € im <month>");
    }

    #[test]
    fn hosts_drop_scheme_www_path_and_port() {
        assert_eq!(host("https://www.Example.org:8080/a?b").as_deref(), Some("example.org"));
        assert_eq!(host("not a url"), None);
    }

    #[test]
    fn lossy_counting_keeps_frequent_paragraphs_within_its_bound() {
        let mut table = Table { max_entries: 50, ..Table::default() };
        for doc in 0..200u64 {
            let text = format!("Support us\nunique body {doc}");
            let paragraphs = vec![(1, 0..10), (1000 + doc, 11..text.len())];
            table.add(Page { site: "s".into(), lang: "en".into(), text, paragraphs });
        }
        assert!(table.entries.len() <= 51);
        let frequent = &table.entries[&(hash_of("s"), 1)];
        assert!(frequent.docs + table.floor >= 200 && frequent.docs <= 200, "{} + {}", frequent.docs, table.floor);
    }

    #[test]
    fn mined_pattern_files_load_and_propose_only_unmatched_typed_candidates() {
        let candidate = |text: &str, category, typed_by| Candidate {
            site: "news.example".into(),
            lang: "en".into(),
            category,
            typed_by,
            matched_by: vec![],
            docs: 9,
            site_docs: 10,
            share: 0.9,
            text: text.into(),
        };
        let files = pattern_files(&[
            candidate("Keep the lights on: chip in for our newsroom", Some(Category::Donation), TypedBy::Neighbour),
            candidate("Donate now", Some(Category::Donation), TypedBy::Matched),
            candidate("Menu", None, TypedBy::Unknown),
        ]);
        assert_eq!(files.len(), 1);
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in &files {
            std::fs::create_dir_all(dir.path().join(rel).parent().unwrap()).unwrap();
            std::fs::write(dir.path().join(rel), text).unwrap();
        }
        let mut set = crate::PatternSet::new();
        set.load_dir(dir.path(), &crate::pattern::Limits::default()).unwrap();
        assert_eq!(set.patterns()[0].id, "en.donation.mined-news-example-1");
    }
}
