//! `scan --report` / `clean --report`: one self-contained HTML page that shows a run at a
//! glance.
//!
//! A corpus cleaner's first questions are "how much of my corpus is boilerplate, of which
//! kind, from which sites, and what does it look like?". The stderr summary answers the first
//! in numbers; this page answers all of them in a file that opens anywhere, offline, archived
//! beside the data, and prints. So everything is inline: CSS, and SVG charts drawn here. There
//! is no script and no external URL, so nothing is fetched and nothing can break later.
//!
//! The markup is also well-formed XML (every tag closed, attributes quoted), so a test can
//! check it with an XML parser instead of trusting a browser's error recovery.
//!
//! Memory stays bounded whatever the corpus size: workers reduce each document to a few
//! [`DocFacts`], the sink folds them into counters, keeps at most
//! [`SAMPLES_PER_CATEGORY`] samples per category and at most [`MAX_KEYS`] distinct sites
//! and languages (the rest are counted together under [`OTHER`]).
use crate::batch::Stats;
use crate::category::Category;
use crate::detector::Finding;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// Samples of findings kept per category.
pub const SAMPLES_PER_CATEGORY: usize = 5;
/// Distinct sites (and languages) counted one by one; later ones share the [`OTHER`] row.
pub const MAX_KEYS: usize = 100_000;
/// The row that counts sites or languages beyond [`MAX_KEYS`].
pub const OTHER: &str = "(others)";
/// The site of documents without a `url` field.
pub const NO_SITE: &str = "(no url)";
/// The language of documents without a `lang` field.
pub const UNDETERMINED: &str = "und";
const TOP_SITES: usize = 20;
const TOP_LANGUAGES: usize = 30;
/// Sites with fewer documents than this are left out of the ranking when some site has
/// that many: a single page that is all boilerplate says little about its site.
const SITE_MIN_DOCS: u64 = 5;
const HISTOGRAM_BINS: usize = 10;
const CONTEXT_CHARS: usize = 160;
const MATCH_CHARS: usize = 700;

/// A finished run, as the HTML reporter sees it.
pub struct Run<'a> {
    /// The figures gathered during the run.
    pub data: &'a ReportData,
    /// The run's counts.
    pub stats: &'a Stats,
    /// How it was configured.
    pub config: &'a ReportConfig,
}

/// The self-contained page.
pub struct Html;

impl super::Reporter<Run<'_>> for Html {
    fn report(&self, run: &Run<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(run.data.render(run.stats, run.config).as_bytes())
    }
}

/// How the run was configured, for the page's "Configuration" section.
#[derive(Clone, Debug, Default)]
pub struct ReportConfig {
    /// The subcommand (`scan` or `clean`) and its arguments as typed.
    pub command: String,
    /// Lowest block score labeled as boilerplate.
    pub threshold: f64,
    /// Selected categories.
    pub categories: Vec<String>,
    /// Selected pattern languages (empty: all).
    pub languages: Vec<String>,
    /// Extra pattern directories.
    pub pattern_dirs: Vec<String>,
    /// Whether the built-in patterns were loaded.
    pub builtin: bool,
}

/// One finding shown on the page: the matched block with a little context around it.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The record id.
    pub id: String,
    /// Its category.
    pub category: Category,
    /// Text just before the block.
    pub before: String,
    /// The block (cut after 700 characters).
    pub matched: String,
    /// Text just after the block.
    pub after: String,
    /// Its score.
    pub score: f64,
    /// The patterns that hit it.
    pub patterns: Vec<String>,
}

/// What the report needs from one document. Computed by the worker that analyzed it, so the
/// single-threaded sink only adds numbers.
#[derive(Clone, Debug)]
pub struct DocFacts {
    lang: String,
    site: String,
    text_bytes: u64,
    boilerplate_bytes: u64,
    /// Categories present in the document with their bytes.
    categories: Vec<(Category, u64)>,
    /// The first finding of each category.
    samples: Vec<Sample>,
}

/// The fields of a JSONL record the report groups by. Unknown fields are the norm here (the
/// record is the user's), so they are ignored rather than refused.
#[derive(Deserialize)]
struct Meta<'a> {
    #[serde(borrow, default)]
    lang: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    url: Option<Cow<'a, str>>,
}

impl DocFacts {
    /// Facts of the document `id` with `text`, its JSONL line if it has one, and its findings.
    pub fn new(id: &str, json_line: Option<&str>, text: &str, findings: &[Finding]) -> Self {
        // A record whose `lang` or `url` is not a string is still scanned; it only loses its
        // grouping.
        let meta = json_line.and_then(|line| serde_json::from_str::<Meta<'_>>(line).ok());
        let lang = meta
            .as_ref()
            .and_then(|m| m.lang.as_deref())
            .and_then(lang_key)
            .unwrap_or_else(|| UNDETERMINED.to_string());
        let site =
            meta.as_ref().and_then(|m| m.url.as_deref()).and_then(site_key).unwrap_or_else(|| NO_SITE.to_string());
        let mut categories: Vec<(Category, u64)> = Vec::new();
        let mut samples = Vec::new();
        for f in findings {
            let bytes = f.end.saturating_sub(f.start) as u64;
            match categories.iter_mut().find(|(c, _)| *c == f.category) {
                Some((_, b)) => *b += bytes,
                None => {
                    categories.push((f.category, bytes));
                    samples.push(sample_of(id, text, f));
                }
            }
        }
        DocFacts {
            lang,
            site,
            text_bytes: text.len() as u64,
            boilerplate_bytes: categories.iter().map(|(_, b)| b).sum(),
            categories,
            samples,
        }
    }

    /// The same facts grouped by a WARC record's headers: the site of its `WARC-Target-URI`,
    /// the first language of Common Crawl's `WARC-Identified-Content-Language` (ISO 639-3).
    pub fn with_warc(mut self, record: &crate::corpus::warc::WarcRecord<'_>) -> Self {
        if let Some(site) = record.field("WARC-Target-URI").as_deref().and_then(site_key) {
            self.site = site;
        }
        let language = record.field("WARC-Identified-Content-Language");
        if let Some(lang) = language.as_deref().and_then(|l| l.split(',').next()).and_then(lang_key) {
            self.lang = lang;
        }
        self
    }
}

/// The group key of a language tag: trimmed, lower-cased, clipped; `None` when blank.
fn lang_key(tag: &str) -> Option<String> {
    let tag = tag.trim();
    (!tag.is_empty()).then(|| tag.to_ascii_lowercase().chars().take(16).collect())
}

/// The group key of a URL: its host, clipped; `None` when it has none.
fn site_key(url: &str) -> Option<String> {
    crate::mine::host(url).map(|host| host.chars().take(100).collect())
}

fn sample_of(id: &str, text: &str, f: &Finding) -> Sample {
    let start = f.start.min(text.len());
    let end = f.end.clamp(start, text.len());
    let (before, matched, after) =
        (text.get(..start).unwrap_or(""), text.get(start..end).unwrap_or(""), text.get(end..).unwrap_or(""));
    // The last CONTEXT_CHARS chars, found from the end: counting the whole prefix cost a pass
    // over the document for each sample.
    let cut = before.char_indices().rev().nth(CONTEXT_CHARS - 1).map_or(0, |(i, _)| i);
    let mut before = before[cut..].to_string();
    if cut > 0 {
        before.insert(0, '…');
    }
    let mut shown: String = matched.chars().take(MATCH_CHARS).collect();
    if shown.len() < matched.len() {
        shown.push('…');
    }
    let mut after_shown: String = after.chars().take(CONTEXT_CHARS).collect();
    if after_shown.len() < after.len() {
        after_shown.push('…');
    }
    Sample {
        id: id.to_string(),
        category: f.category,
        before,
        matched: shown,
        after: after_shown,
        score: f.score,
        patterns: f.patterns.clone(),
    }
}

/// Counts of one site or language.
#[derive(Clone, Debug, Default)]
struct Group {
    docs: u64,
    docs_with: u64,
    text_bytes: u64,
    boilerplate_bytes: u64,
    /// Documents and bytes per category, by [`Category::index`].
    per_category: [(u64, u64); Category::ALL.len()],
}

impl Group {
    fn add(&mut self, facts: &DocFacts) {
        self.docs += 1;
        self.docs_with += u64::from(facts.boilerplate_bytes > 0);
        self.text_bytes += facts.text_bytes;
        self.boilerplate_bytes += facts.boilerplate_bytes;
        for (c, bytes) in &facts.categories {
            let cell = &mut self.per_category[c.index()];
            cell.0 += 1;
            cell.1 += bytes;
        }
    }

    fn share(&self) -> f64 {
        if self.text_bytes == 0 {
            0.0
        } else {
            self.boilerplate_bytes as f64 / self.text_bytes as f64
        }
    }
}

/// Adds `facts` to the group `key`, or to [`OTHER`] once `MAX_KEYS` groups exist.
fn add_to(groups: &mut HashMap<String, Group>, key: &str, facts: &DocFacts) {
    let key = if groups.contains_key(key) || groups.len() < MAX_KEYS { key } else { OTHER };
    match groups.get_mut(key) {
        Some(g) => g.add(facts),
        None => groups.entry(key.to_string()).or_default().add(facts),
    }
}

/// The report's figures, folded in as documents come out of the pipeline.
#[derive(Clone, Debug, Default)]
pub struct ReportData {
    documents: u64,
    /// Documents by boilerplate share: bin 0 holds those without any, bin `i` those with a
    /// share in `((i-1)/10, i/10]`.
    histogram: [u64; HISTOGRAM_BINS + 1],
    languages: HashMap<String, Group>,
    sites: HashMap<String, Group>,
    samples: BTreeMap<Category, Vec<Sample>>,
}

impl ReportData {
    /// Counts one document.
    pub fn add(&mut self, facts: DocFacts) {
        self.documents += 1;
        let bin = if facts.boilerplate_bytes == 0 || facts.text_bytes == 0 {
            0
        } else {
            let share = facts.boilerplate_bytes as f64 / facts.text_bytes as f64;
            ((share * HISTOGRAM_BINS as f64).ceil() as usize).clamp(1, HISTOGRAM_BINS)
        };
        self.histogram[bin] += 1;
        add_to(&mut self.languages, &facts.lang, &facts);
        add_to(&mut self.sites, &facts.site, &facts);
        for sample in facts.samples {
            let kept = self.samples.entry(sample.category).or_default();
            // A site repeats its boilerplate on every page: five copies of one appeal would
            // show one finding, so a text already shown is not shown again.
            if kept.len() < SAMPLES_PER_CATEGORY && kept.iter().all(|k| k.matched != sample.matched) {
                kept.push(sample);
            }
        }
    }

    /// Documents counted.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// The page, for the run that ended with `stats`.
    pub fn render(&self, stats: &Stats, config: &ReportConfig) -> String {
        let mut page = String::with_capacity(64 << 10);
        page.push_str(HEAD);
        let _ =
            writeln!(page, "<header><h1>boilerguard report</h1><p class=\"sub\">{}</p></header>", esc(&config.command));
        page.push_str("<main>\n");
        self.totals(&mut page, stats);
        configuration(&mut page, config);
        categories(&mut page, stats);
        self.languages(&mut page);
        self.sites(&mut page);
        self.histogram(&mut page);
        patterns(&mut page, stats);
        self.samples(&mut page);
        page.push_str("</main>\n</body>\n</html>\n");
        page
    }

    fn totals(&self, page: &mut String, stats: &Stats) {
        let balanced = if stats.balanced() { "balanced" } else { "NOT balanced" };
        let _ = write!(
            page,
            "<section id=\"totals\"><h2>Totals</h2>\n<p class=\"equation\">records in {} = out {} + dropped {} + \
             rejected {} <span class=\"{}\">({balanced})</span></p>\n<div class=\"cards\">\n",
            num_span("eq-in", stats.records_in),
            num_span("eq-out", stats.records_out),
            num_span("eq-dropped", stats.records_dropped),
            num_span("eq-rejected", stats.records_rejected),
            if stats.balanced() { "ok" } else { "bad" },
        );
        let boilerplate: u64 = stats.bytes_in_category.values().sum();
        let rows: [(&str, &str, u64); 12] = [
            ("records_in", "Records in", stats.records_in),
            ("records_out", "Records out", stats.records_out),
            ("records_dropped", "Records dropped", stats.records_dropped),
            ("records_rejected", "Records rejected", stats.records_rejected),
            ("blank_lines", "Blank lines skipped", stats.blank_lines),
            ("warc_non_documents", "WARC records without a document", stats.warc_non_documents),
            ("files", "Files", stats.files),
            ("files_failed", "Files failed", stats.files_failed),
            ("files_resumed", "Files resumed", stats.files_resumed),
            ("bytes_in", "Bytes in", stats.bytes_in),
            ("bytes_out", "Bytes out", stats.bytes_out),
            ("boilerplate_bytes", "Bytes of boilerplate", boilerplate),
        ];
        let text_bytes: u64 = self.languages.values().map(|g| g.text_bytes).sum();
        let share = if text_bytes == 0 { 0.0 } else { boilerplate as f64 / text_bytes as f64 };
        let _ = writeln!(
            page,
            "<div class=\"card lead\"><div class=\"k\">Boilerplate share of the text</div><div class=\"v\">{}</div></div>",
            percent(share)
        );
        for (id, label, value) in rows {
            let _ = writeln!(
                page,
                "<div class=\"card\"><div class=\"k\">{label}</div><div class=\"v\">{}</div></div>",
                num_span(id, value)
            );
        }
        let _ = write!(
            page,
            "<div class=\"card\"><div class=\"k\">Documents analyzed</div><div class=\"v\">{}</div></div>\n\
             <div class=\"card\"><div class=\"k\">Elapsed</div><div class=\"v\"><span id=\"elapsed_seconds\">{:.2}</span> s \
             <small>({:.1} MB/s)</small></div></div>\n</div></section>\n",
            num_span("documents", self.documents),
            stats.elapsed_seconds,
            stats.mb_per_second
        );
    }

    fn languages(&self, page: &mut String) {
        page.push_str(
            "<section id=\"languages\"><h2>By language</h2>\n<p class=\"note\">From the <code>lang</code> field of \
             JSONL records; <code>und</code> when there is none. Cells: documents with boilerplate of the \
             category / bytes of its blocks.</p>\n",
        );
        let mut rows: Vec<(&String, &Group)> = self.languages.iter().collect();
        rows.sort_by(|a, b| b.1.docs.cmp(&a.1.docs).then_with(|| a.0.cmp(b.0)));
        page.push_str(
            "<table><thead><tr><th>Language</th><th class=\"num\">Documents</th><th class=\"num\">With boilerplate</th>\
             <th class=\"num\">Share</th><th>Documents / bytes per category</th></tr></thead><tbody>\n",
        );
        for (lang, g) in rows.iter().take(TOP_LANGUAGES) {
            let key = slug(lang);
            let _ = write!(
                page,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>",
                esc(lang),
                num_span(&format!("lang-{key}-docs"), g.docs),
                num_span(&format!("lang-{key}-with"), g.docs_with),
                percent(g.share()),
            );
            let cells: Vec<String> = Category::ALL
                .into_iter()
                .filter(|c| g.per_category[c.index()].0 > 0)
                .map(|c| {
                    let (docs, bytes) = g.per_category[c.index()];
                    format!("{}&#160;{}&#160;/&#160;{}", c.as_str(), fmt_num(docs), fmt_num(bytes))
                })
                .collect();
            page.push_str(&cells.join(" · "));
            page.push_str("</td></tr>\n");
        }
        page.push_str("</tbody></table>\n");
        if rows.len() > TOP_LANGUAGES {
            let _ = writeln!(page, "<p class=\"note\">{} more languages not shown.</p>", rows.len() - TOP_LANGUAGES);
        }
        page.push_str("</section>\n");
    }

    fn sites(&self, page: &mut String) {
        let min_docs = if self.sites.values().any(|g| g.docs >= SITE_MIN_DOCS) { SITE_MIN_DOCS } else { 1 };
        let _ = write!(
            page,
            "<section id=\"sites\"><h2>Top sites by boilerplate share</h2>\n<p class=\"note\">Site: the host of the \
             <code>url</code> field. Ranked by the share of their text that is boilerplate, among sites with at \
             least {min_docs} document{}.</p>\n",
            if min_docs == 1 { "" } else { "s" }
        );
        let mut rows: Vec<(&String, &Group)> = self.sites.iter().filter(|(_, g)| g.docs >= min_docs).collect();
        rows.sort_by(|a, b| {
            b.1.share()
                .total_cmp(&a.1.share())
                .then_with(|| b.1.boilerplate_bytes.cmp(&a.1.boilerplate_bytes))
                .then_with(|| a.0.cmp(b.0))
        });
        page.push_str(
            "<table><thead><tr><th>Site</th><th class=\"num\">Documents</th><th class=\"num\">With boilerplate</th>\
             <th class=\"num\">Boilerplate bytes</th><th class=\"share\">Share</th></tr></thead><tbody>\n",
        );
        for (site, g) in rows.iter().take(TOP_SITES) {
            let _ = writeln!(
                page,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"share\">{}</td></tr>",
                esc(site),
                fmt_num(g.docs),
                fmt_num(g.docs_with),
                fmt_num(g.boilerplate_bytes),
                share_bar(g.share())
            );
        }
        page.push_str("</tbody></table></section>\n");
    }

    fn histogram(&self, page: &mut String) {
        page.push_str(
            "<section id=\"histogram\"><h2>Boilerplate share per document</h2>\n<p class=\"note\">Documents by the \
             share of their text in boilerplate blocks.</p>\n",
        );
        let labels: Vec<String> = (0..=HISTOGRAM_BINS)
            .map(|i| if i == 0 { "0".to_string() } else { format!("≤{}%", i * 100 / HISTOGRAM_BINS) })
            .collect();
        let (w, h, top, bottom, left) = (640.0, 240.0, 20.0, 36.0, 8.0);
        let max = self.histogram.iter().copied().max().unwrap_or(0).max(1) as f64;
        let slot = (w - 2.0 * left) / self.histogram.len() as f64;
        let _ = write!(
            page,
            "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Histogram of boilerplate share per document\">\n\
             <line x1=\"{left}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" class=\"axis\"/>\n",
            y = h - bottom,
            x2 = w - left
        );
        for (i, (&count, label)) in self.histogram.iter().zip(&labels).enumerate() {
            let bar = (h - top - bottom) * count as f64 / max;
            let x = left + slot * i as f64;
            let _ = writeln!(
                page,
                "<g><title>{label}: {count} documents</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" class=\"{}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" class=\"count\" id=\"hist-{i}\" data-value=\"{count}\">{count}</text>\
                 <text x=\"{:.1}\" y=\"{:.1}\" class=\"label\">{label}</text></g>",
                x + 3.0,
                h - bottom - bar,
                slot - 6.0,
                bar,
                if i == 0 { "bar clean" } else { "bar" },
                x + slot / 2.0,
                h - bottom - bar - 5.0,
                x + slot / 2.0,
                h - bottom + 16.0,
            );
        }
        page.push_str("</svg></section>\n");
    }

    fn samples(&self, page: &mut String) {
        page.push_str(
            "<section id=\"samples\"><h2>Samples of findings</h2>\n<p class=\"note\">The first distinct findings of \
             each category in input order (at most five), the block highlighted in its context.</p>\n",
        );
        if self.samples.is_empty() {
            page.push_str("<p>No boilerplate found.</p>\n");
        }
        for (category, samples) in &self.samples {
            let _ = writeln!(page, "<h3 id=\"samples-{0}\">{0}</h3>", category.as_str());
            for s in samples {
                let _ = writeln!(
                    page,
                    "<figure class=\"sample\"><figcaption><span class=\"id\">{}</span> · score {:.2} · {}</figcaption>\
                     <blockquote>{}<mark>{}</mark>{}</blockquote></figure>",
                    esc(&s.id),
                    s.score,
                    esc(&s.patterns.join(", ")),
                    esc(&s.before),
                    esc(&s.matched),
                    esc(&s.after)
                );
            }
        }
        page.push_str("</section>\n");
    }
}

fn configuration(page: &mut String, config: &ReportConfig) {
    let list = |v: &[String], empty: &str| if v.is_empty() { empty.to_string() } else { esc(&v.join(", ")) };
    let _ = write!(
        page,
        "<section id=\"config\"><h2>Configuration</h2>\n<table class=\"kv\"><tbody>\n\
         <tr><th>Command</th><td><code>{}</code></td></tr>\n\
         <tr><th>Threshold</th><td id=\"threshold\">{}</td></tr>\n\
         <tr><th>Categories</th><td>{}</td></tr>\n\
         <tr><th>Pattern languages</th><td>{}</td></tr>\n\
         <tr><th>Built-in patterns</th><td>{}</td></tr>\n\
         <tr><th>Pattern directories</th><td>{}</td></tr>\n\
         </tbody></table></section>\n",
        esc(&config.command),
        config.threshold,
        list(&config.categories, "all"),
        list(&config.languages, "all"),
        if config.builtin { "yes" } else { "no" },
        list(&config.pattern_dirs, "none"),
    );
}

fn categories(page: &mut String, stats: &Stats) {
    page.push_str(
        "<section id=\"categories\"><h2>By category</h2>\n<p class=\"note\">Documents with at least one block of \
         the category, and the bytes of those blocks (what <code>clean</code> removes).</p>\n",
    );
    let rows: Vec<(&str, u64, u64)> = Category::ALL
        .iter()
        .filter_map(|c| {
            let docs = stats.records_with.get(c.as_str()).copied()?;
            Some((c.as_str(), docs, stats.bytes_in_category.get(c.as_str()).copied().unwrap_or(0)))
        })
        .collect();
    if rows.is_empty() {
        page.push_str("<p>No boilerplate found.</p></section>\n");
        return;
    }
    let bars: Vec<(String, u64)> = rows.iter().map(|(c, docs, _)| (c.to_string(), *docs)).collect();
    page.push_str(&bar_chart(&bars, "documents"));
    page.push_str(
        "<table><thead><tr><th>Category</th><th class=\"num\">Documents</th><th class=\"num\">Bytes</th></tr></thead><tbody>\n",
    );
    for (c, docs, bytes) in &rows {
        let _ = writeln!(
            page,
            "<tr id=\"cat-{c}\"><td>{c}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            num_span(&format!("cat-{c}-docs"), *docs),
            num_span(&format!("cat-{c}-bytes"), *bytes)
        );
    }
    page.push_str("</tbody></table></section>\n");
}

fn patterns(page: &mut String, stats: &Stats) {
    page.push_str("<section id=\"patterns\"><h2>Top patterns</h2>\n<p class=\"note\">Blocks each pattern hit.</p>\n");
    if stats.top_patterns.is_empty() {
        page.push_str("<p>No pattern hit.</p></section>\n");
        return;
    }
    let max = stats.top_patterns.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1) as f64;
    page.push_str("<table><thead><tr><th>Pattern</th><th class=\"num\">Blocks</th><th class=\"share\"></th></tr></thead><tbody>\n");
    for (id, n) in &stats.top_patterns {
        let _ = writeln!(
            page,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"share\">{}</td></tr>",
            esc(id),
            fmt_num(*n),
            bar_only(*n as f64 / max)
        );
    }
    page.push_str("</tbody></table></section>\n");
}

/// A horizontal bar chart with a label and the value on each bar.
fn bar_chart(rows: &[(String, u64)], unit: &str) -> String {
    let (w, row, label_w) = (640.0, 26.0, 120.0);
    let h = row * rows.len() as f64 + 8.0;
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{} per category\">\n",
        esc(unit)
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = 4.0 + row * i as f64;
        let len = (w - label_w - 90.0) * *value as f64 / max;
        let _ = writeln!(
            svg,
            "<g><title>{0}: {1} {2}</title><text x=\"{3}\" y=\"{4:.1}\" class=\"label end\">{0}</text>\
             <rect x=\"{5}\" y=\"{6:.1}\" width=\"{7:.1}\" height=\"{8:.1}\" class=\"bar\"/>\
             <text x=\"{9:.1}\" y=\"{4:.1}\" class=\"count start\">{1}</text></g>",
            esc(label),
            value,
            esc(unit),
            label_w - 8.0,
            y + row * 0.65,
            label_w,
            y + 3.0,
            len.max(1.0),
            row - 6.0,
            label_w + len + 6.0,
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn share_bar(share: f64) -> String {
    format!("{} {}", bar_only(share), percent(share))
}

fn bar_only(fraction: f64) -> String {
    format!(
        "<span class=\"meter\"><span class=\"fill\" style=\"width:{:.1}%\"></span></span>",
        (fraction * 100.0).clamp(0.0, 100.0)
    )
}

fn percent(share: f64) -> String {
    format!("{:.1}&#160;%", share * 100.0)
}

/// A number for people (thin groups of three) that keeps its exact value for tools.
fn num_span(id: &str, value: u64) -> String {
    format!("<span id=\"{}\" data-value=\"{value}\">{}</span>", esc(id), fmt_num(value))
}

fn fmt_num(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 6);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push_str("&#8239;");
        }
        out.push(d);
    }
    out
}

/// An id fragment from free text: letters, digits and `-`, everything else as `_`.
fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

/// Escapes text for HTML and XML alike. Control characters, which XML refuses and which have
/// no business on the page, become U+FFFD.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>boilerguard report</title>
<style>
:root { --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --bar: #3a6ea5; --clean: #9fb8a0; --mark: #ffe08a; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main { max-width: 64rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.5rem; }
h1 { margin: 0; font-size: 1.6rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; border-bottom: 2px solid var(--line); padding-bottom: 0.2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.4rem; }
.sub, .note { color: var(--muted); margin: 0.2rem 0 0.6rem; }
.sub { font-family: ui-monospace, monospace; font-size: 0.85rem; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 0.88em; }
td, th, code, .sub, figcaption, blockquote { overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; margin: 0.4rem 0; table-layout: auto; }
th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: 0.85rem; color: var(--muted); overflow-wrap: normal; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(10.5rem, 1fr)); gap: 0.5rem; margin: 0.6rem 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 0.4rem 0.6rem; break-inside: avoid; }
.card .k { font-size: 0.8rem; color: var(--muted); }
.card .v { font-size: 1.25rem; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.card .v small { font-size: 0.75rem; color: var(--muted); }
.card.lead { background: #eef3fa; border-color: #c6d6ea; }
table.kv { width: auto; min-width: min(30rem, 100%); }
.kv th { width: 14rem; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.share { width: 11rem; white-space: nowrap; }
.meter { display: inline-block; width: 6rem; height: 0.7rem; background: #eef1f5; vertical-align: middle; margin-right: 0.4rem; }
.meter .fill { display: block; height: 100%; background: var(--bar); }
.equation { font-size: 1.05rem; }
.ok { color: #2f7d32; } .bad { color: #b3261e; font-weight: 700; }
svg.chart { display: block; width: 100%; max-width: 640px; height: auto; margin: 0.5rem 0; }
svg .bar { fill: var(--bar); } svg .bar.clean { fill: var(--clean); }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); text-anchor: middle; }
svg text.end { text-anchor: end; } svg text.start { text-anchor: start; }
.sample { margin: 0 0 0.8rem; border-left: 3px solid var(--line); padding-left: 0.7rem; }
figcaption { font-size: 0.82rem; color: var(--muted); }
figcaption .id { font-family: ui-monospace, monospace; color: var(--ink); }
blockquote { margin: 0.2rem 0 0; white-space: pre-wrap; font-size: 0.92rem; }
mark { background: var(--mark); padding: 0 0.1em; }
@media (max-width: 40rem) {
  body { font-size: 13px; }
  .num, .share { white-space: normal; width: auto; }
  .meter { display: none; }
  th, td { padding: 0.2rem 0.25rem; }
  thead th { overflow-wrap: anywhere; font-size: 0.75rem; }
  .kv th { width: auto; }
}
@media print {
  body { font-size: 10pt; }
  header, main { max-width: none; padding: 0; }
  section { break-inside: avoid-page; }
  .sample { break-inside: avoid; }
  .meter, .meter .fill, mark, svg .bar { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
</head>
<body>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(start: usize, end: usize, category: Category) -> Finding {
        Finding {
            block: 0,
            start,
            end,
            outer_start: start,
            outer_end: end,
            category,
            score: 0.9,
            patterns: vec!["en.donation.x".into()],
        }
    }

    #[test]
    fn a_sample_keeps_the_last_context_chars_before_the_finding() {
        for n in [CONTEXT_CHARS - 1, CONTEXT_CHARS, CONTEXT_CHARS + 1, 3 * CONTEXT_CHARS] {
            let before: String = (0..n).map(|i| if i % 2 == 0 { 'é' } else { 'x' }).collect();
            let text = format!("{before}Donate now");
            let sample = sample_of("a", &text, &finding(before.len(), text.len(), Category::Donation));
            let kept: String = before.chars().skip(n.saturating_sub(CONTEXT_CHARS)).collect();
            let expected = if n > CONTEXT_CHARS { format!("…{kept}") } else { kept };
            assert_eq!(sample.before, expected, "{n} chars before");
            assert_eq!(sample.matched, "Donate now");
        }
    }

    #[test]
    fn facts_read_lang_and_site_and_fall_back_when_absent_or_odd() {
        let text = "Body.\nDonate now";
        let f = [finding(6, 16, Category::Donation)];
        let line = r#"{"id":"a","lang":"FR","url":"https://www.Example.org/x","text":"t"}"#;
        let facts = DocFacts::new("a", Some(line), text, &f);
        assert_eq!((facts.lang.as_str(), facts.site.as_str()), ("fr", "example.org"));
        assert_eq!(facts.boilerplate_bytes, 10);
        assert_eq!(facts.samples[0].matched, "Donate now");
        let odd = DocFacts::new("b", Some(r#"{"lang":5,"text":"t"}"#), text, &f);
        assert_eq!((odd.lang.as_str(), odd.site.as_str()), (UNDETERMINED, NO_SITE));
        let plain = DocFacts::new("c", None, text, &[]);
        assert_eq!((plain.lang.as_str(), plain.boilerplate_bytes), (UNDETERMINED, 0));
    }

    #[test]
    fn facts_of_warc_records_group_by_target_uri_and_identified_language() {
        let bytes = b"WARC/1.0\r\nWARC-Target-URI: https://www.Example.org/a\r\n\
                      WARC-Identified-Content-Language: deu,eng\r\nContent-Length: 4\r\n\r\nBody";
        let record = crate::corpus::warc::WarcRecord::parse(bytes).unwrap();
        let facts = DocFacts::new("w", None, "Body", &[]).with_warc(&record);
        assert_eq!((facts.lang.as_str(), facts.site.as_str()), ("deu", "example.org"));
        let bare = crate::corpus::warc::WarcRecord::parse(b"WARC/1.0\r\nContent-Length: 0\r\n\r\n").unwrap();
        let facts = DocFacts::new("w", None, "", &[]).with_warc(&bare);
        assert_eq!((facts.lang.as_str(), facts.site.as_str()), (UNDETERMINED, NO_SITE));
    }

    #[test]
    fn samples_are_capped_distinct_per_category_and_histogram_bins_by_share() {
        let mut data = ReportData::default();
        for i in 0..8 {
            let text = format!("Donate {i}!");
            data.add(DocFacts::new(&format!("d{i}"), None, &text, &[finding(0, text.len(), Category::Donation)]));
            data.add(DocFacts::new(&format!("copy{i}"), None, "Donate now", &[finding(0, 10, Category::Donation)]));
        }
        data.add(DocFacts::new("clean", None, "Body only", &[]));
        let kept: Vec<&str> = data.samples[&Category::Donation].iter().map(|s| s.id.as_str()).collect();
        assert_eq!(kept, ["d0", "copy0", "d1", "d2", "d3"], "at most five, each text once");
        assert_eq!(data.histogram[0], 1);
        assert_eq!(data.histogram[HISTOGRAM_BINS], 16);
    }

    #[test]
    fn escaping_covers_markup_quotes_and_control_characters() {
        assert_eq!(esc("<a href=\"x\">&'\u{1b}"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\u{FFFD}");
    }

    #[test]
    fn numbers_are_grouped_for_people_and_exact_for_tools() {
        assert_eq!(fmt_num(1234567), "1&#8239;234&#8239;567");
        assert_eq!(num_span("x", 1000), "<span id=\"x\" data-value=\"1000\">1&#8239;000</span>");
    }
}
