//! `--report`: the HTML page is well-formed (parsed as XML), self-contained (nothing to
//! fetch, no script) and its numbers are those of the `--stats` JSON of the same run.
mod common;

use boilerguard::batch::Stats;
use common::{bin, root};
use quick_xml::events::Event;
use std::collections::HashMap;
use std::path::Path;

/// What a test needs from a page: the exact values behind numbered elements, every element
/// name, and the ids of sections.
struct Page {
    values: HashMap<String, u64>,
    elements: Vec<String>,
    sections: Vec<String>,
    html: String,
}

impl Page {
    fn value(&self, id: &str) -> u64 {
        *self.values.get(id).unwrap_or_else(|| panic!("no element {id} with a data-value"))
    }
}

/// Parses `html` as XML: an unclosed or mismatched tag or an unquoted attribute fails here.
/// Checks on the way that nothing would be fetched or run.
fn parse(html: String) -> Page {
    let mut reader = quick_xml::Reader::from_str(&html);
    reader.config_mut().check_end_names = true;
    let (mut values, mut elements, mut sections) = (HashMap::new(), Vec::new(), Vec::new());
    let mut depth = 0i64;
    let mut in_style = false;
    loop {
        let event =
            reader.read_event().unwrap_or_else(|e| panic!("not well-formed at {}: {e}", reader.error_position()));
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(_) => {
                depth -= 1;
                in_style = false;
                (None, false)
            }
            Event::Text(t) if in_style => {
                let css = String::from_utf8_lossy(t.as_ref()).to_lowercase();
                assert!(!css.contains("url(") && !css.contains("@import"), "the style sheet loads something");
                (None, false)
            }
            Event::Eof => break,
            _ => (None, false),
        };
        let Some(e) = start else { continue };
        if !empty {
            depth += 1;
        }
        let name = String::from_utf8_lossy(e.name().as_ref()).to_lowercase();
        assert!(
            !["script", "link", "iframe", "img", "object", "embed", "image", "use", "base"].contains(&name.as_str()),
            "a self-contained page has no <{name}>"
        );
        in_style = name == "style";
        let mut id = None;
        let mut value = None;
        for attr in e.attributes() {
            let attr = attr.unwrap_or_else(|err| panic!("bad attribute in <{name}>: {err}"));
            let key = String::from_utf8_lossy(attr.key.as_ref()).to_lowercase();
            let val = String::from_utf8_lossy(&attr.value).into_owned();
            let lower = val.to_lowercase();
            assert!(!lower.contains("http") && !lower.contains("url("), "<{name} {key}=\"{val}\"> points outside");
            if ["src", "href", "srcset", "xlink:href", "action", "poster", "data"].contains(&key.as_str()) {
                assert!(val.starts_with("data:") || val.starts_with('#'), "<{name} {key}=\"{val}\"> loads something");
            }
            assert!(!key.starts_with("on"), "<{name} {key}> is a script");
            match key.as_str() {
                "id" => id = Some(val),
                "data-value" => value = Some(val.parse::<u64>().expect("data-value is a count")),
                _ => {}
            }
        }
        if let (Some(id), Some(value)) = (&id, value) {
            values.insert(id.clone(), value);
        }
        if let (Some(id), "section") = (id, name.as_str()) {
            sections.push(id);
        }
        elements.push(name);
    }
    assert_eq!(depth, 0, "unclosed elements at the end of the page");
    assert!(html.starts_with("<!DOCTYPE html>"));
    for scheme in ["http://", "https://", "<script", "<link"] {
        assert!(!html.contains(scheme), "the page contains {scheme}");
    }
    Page { values, elements, sections, html }
}

fn read_stats(path: &Path) -> Stats {
    serde_json::from_str(&std::fs::read_to_string(path).expect("stats written")).expect("stats schema")
}

/// The numbers every report shows, checked against the stats of the same run.
fn assert_matches_stats(page: &Page, stats: &Stats) {
    for (id, expected) in [
        ("records_in", stats.records_in),
        ("records_out", stats.records_out),
        ("records_dropped", stats.records_dropped),
        ("records_rejected", stats.records_rejected),
        ("eq-in", stats.records_in),
        ("eq-out", stats.records_out),
        ("eq-dropped", stats.records_dropped),
        ("eq-rejected", stats.records_rejected),
        ("blank_lines", stats.blank_lines),
        ("files", stats.files),
        ("bytes_in", stats.bytes_in),
        ("bytes_out", stats.bytes_out),
        ("boilerplate_bytes", stats.bytes_in_category.values().sum()),
    ] {
        assert_eq!(page.value(id), expected, "{id}");
    }
    assert_eq!(
        page.value("records_in"),
        page.value("records_out") + page.value("records_dropped") + page.value("records_rejected")
    );
    assert!(!stats.records_with.is_empty(), "the fixture has boilerplate");
    for (category, docs) in &stats.records_with {
        assert_eq!(page.value(&format!("cat-{category}-docs")), *docs, "{category} documents");
        assert_eq!(page.value(&format!("cat-{category}-bytes")), stats.bytes_in_category[category], "{category} bytes");
    }
    let categories_on_page = page.values.keys().filter(|k| k.starts_with("cat-") && k.ends_with("-docs")).count();
    assert_eq!(categories_on_page, stats.records_with.len());
    for (id, n) in &stats.top_patterns {
        assert!(page.html.contains(&format!("<code>{id}</code>")), "top pattern {id} ({n}) is listed");
    }
}

const SECTIONS: [&str; 8] =
    ["totals", "config", "categories", "languages", "sites", "histogram", "patterns", "samples"];

#[test]
fn scan_report_is_well_formed_self_contained_and_matches_stats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (report, stats) = (dir.path().join("report.html"), dir.path().join("stats.json"));
    bin()
        .current_dir(root())
        .args(["scan", "examples", "--quiet", "--report"])
        .arg(&report)
        .arg("--stats")
        .arg(&stats)
        .assert()
        .success();
    let page = parse(std::fs::read_to_string(&report).expect("report written"));
    let stats = read_stats(&stats);
    assert_matches_stats(&page, &stats);
    assert_eq!(page.sections, SECTIONS);
    assert!(page.elements.iter().filter(|e| *e == "svg").count() >= 2, "bar chart and histogram are drawn");
    assert!(page.elements.contains(&"mark".to_string()), "samples highlight their blocks");
    let documents: u64 = (0..=10).map(|i| page.value(&format!("hist-{i}"))).sum();
    assert_eq!(documents, stats.records_out, "every document is in the histogram");
    // examples/corpus.jsonl has `lang` and `url` fields; the text files have neither.
    assert_eq!(
        page.value("lang-en-docs")
            + page.value("lang-und-docs")
            + page.value("lang-fr-docs")
            + page.value("lang-es-docs"),
        10
    );
    assert!(page.html.contains("<td>example.org</td>"), "sites are hosts of the url field");
}

#[test]
fn clean_report_counts_dropped_and_rejected_records_and_escapes_what_it_quotes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"<script>alert(1)</script>\",\"lang\":\"en\",\"url\":\"https://news.example/a\",\"text\":\"Body <b>x</b> & more.\\nDonate now\"}\n\
         {\"id\":\"all-boilerplate\",\"text\":\"Donate now\"}\n\
         not json\n\
         \n\
         {\"id\":\"plain\",\"lang\":5,\"text\":\"News.\"}\n",
    )
    .expect("write input");
    let (report, stats, out) = (dir.path().join("r.html"), dir.path().join("s.json"), dir.path().join("out.jsonl"));
    bin()
        .args(["clean", "--no-builtin", "--patterns"])
        .arg(root().join("tests/fixtures/patterns"))
        .args(["--quiet", "--drop-empty", "-o"])
        .arg(&out)
        .arg("--report")
        .arg(&report)
        .arg("--stats")
        .arg(&stats)
        .arg(&input)
        .assert()
        .success();
    let page = parse(std::fs::read_to_string(&report).expect("report written"));
    let stats = read_stats(&stats);
    assert_eq!((stats.records_in, stats.records_out, stats.records_dropped, stats.records_rejected), (4, 2, 1, 1));
    assert_matches_stats(&page, &stats);
    assert!(page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "record ids are escaped");
    assert!(page.html.contains("Body &lt;b&gt;x&lt;/b&gt; &amp; more."), "sample context is escaped");
    assert!(page.html.contains("<mark>Donate now</mark>"));
    assert!(page.html.contains("<td>news.example</td>"));
    assert_eq!(page.value("lang-und-docs"), 2, "no lang field, or one that is not a string");
}

#[test]
fn report_path_is_claimed_before_anything_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, "{\"id\":\"1\",\"text\":\"Donate now\"}\n").expect("write input");
    let stats = dir.path().join("s.json");
    for (flag, clash) in [("scan", &input), ("scan", &stats), ("clean", &stats)] {
        let out = bin()
            .args([flag, "--quiet", "--stats"])
            .arg(&stats)
            .arg("--report")
            .arg(clash)
            .arg(&input)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{flag} --report {}", clash.display());
        assert!(String::from_utf8_lossy(&out.stderr).contains("--report"), "the error names --report");
    }
    assert_eq!(std::fs::read_to_string(&input).expect("input"), "{\"id\":\"1\",\"text\":\"Donate now\"}\n");
}
