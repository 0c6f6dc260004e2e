//! `clean`: the corpus written back in its own format with boilerplate removed.
//!
//! JSONL records keep every byte but their text value; text files lose only the lines of
//! their boilerplate blocks. With `annotate`, a sidecar JSONL beside each output holds, per
//! input record, the removed blocks with their offsets in the original text and their text,
//! so that every removal can be audited and undone.
use super::{source_of, BatchOptions, Outcome};
use super::{work, Tally, Work};
use crate::corpus::output::{stale_temp_files, AtomicFile};
use crate::corpus::pipeline::{Event, Pipeline};
use crate::corpus::plan::{OutputPlan, STDOUT};
use crate::corpus::{Compression, Input};
use crate::detector::{remove_findings, Detector, Finding};
use crate::error::CorpusError;
use crate::report::record::round_score;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where cleaned output goes.
#[derive(Clone, Debug)]
pub enum CleanTarget {
    /// Standard output (one input, or a stream).
    Stdout,
    /// One file; its compression follows its name.
    File(PathBuf),
    /// A directory mirroring the inputs' relative paths, each output compressed like its input.
    Dir(PathBuf),
}

/// Options of `clean`.
#[derive(Clone, Debug)]
pub struct CleanOptions {
    /// Where to write.
    pub target: CleanTarget,
    /// Write a sidecar of removed blocks beside each output.
    pub annotate: bool,
    /// Leave texts untouched (only annotate).
    pub keep_text: bool,
    /// Drop records whose text is empty after cleaning.
    pub drop_empty: bool,
    /// Skip inputs whose outputs are already in place (a rerun after an interrupted run).
    pub resume: bool,
}

/// One line of the annotations sidecar.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    /// The record id.
    pub id: String,
    /// `file:line` or the path.
    pub source: String,
    /// Whether the record was dropped (`--drop-empty`).
    pub dropped: bool,
    /// The removed blocks, in text order.
    pub blocks: Vec<RemovedBlock>,
}

/// A removed block: where it was in the original and what it said.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RemovedBlock {
    /// Start of the block content in the original text.
    pub start: usize,
    /// End of the block content.
    pub end: usize,
    /// Start of the removed span (the block's whole lines).
    pub removed_start: usize,
    /// End of the removed span, line terminator included.
    pub removed_end: usize,
    /// The removed span's text.
    pub removed_text: String,
    /// The category.
    pub category: crate::category::Category,
    /// The score.
    pub score: f64,
    /// The patterns that hit it.
    pub patterns: Vec<String>,
}

impl Annotation {
    fn new(id: String, source: String, text: &str, findings: &[Finding], dropped: bool) -> Self {
        let blocks = findings
            .iter()
            .map(|f| RemovedBlock {
                start: f.start,
                end: f.end,
                removed_start: f.outer_start,
                removed_end: f.outer_end,
                removed_text: text[f.outer_start..f.outer_end].to_string(),
                category: f.category,
                score: round_score(f.score),
                patterns: f.patterns.clone(),
            })
            .collect();
        Annotation { id, source, dropped, blocks }
    }

    /// Puts the removed spans back into `cleaned`: the original text.
    pub fn restore(&self, cleaned: &str) -> String {
        let mut out = String::with_capacity(cleaned.len());
        let mut from_cleaned = 0;
        for b in &self.blocks {
            let keep = b.removed_start - out.len();
            out.push_str(&cleaned[from_cleaned..from_cleaned + keep]);
            from_cleaned += keep;
            out.push_str(&b.removed_text);
        }
        out.push_str(&cleaned[from_cleaned..]);
        out
    }
}

/// The sidecar path of an output file.
pub fn annotation_path(output: &Path) -> PathBuf {
    let mut name = output.file_name().unwrap_or_default().to_os_string();
    name.push(".annotations.jsonl");
    output.with_file_name(name)
}

struct Cleaned {
    output: String,
    dropped: bool,
    annotation: Option<String>,
}

fn clean_record(
    doc: &crate::corpus::Document<'_>,
    source: String,
    findings: &[Finding],
    options: &CleanOptions,
) -> Cleaned {
    let text = if options.keep_text || findings.is_empty() {
        doc.text.to_string()
    } else {
        remove_findings(&doc.text, findings)
    };
    let dropped = options.drop_empty && text.trim().is_empty();
    let output = match (&doc.json, dropped) {
        (_, true) => String::new(),
        (Some(json), _) if options.keep_text || findings.is_empty() => format!("{}\n", json.line),
        (Some(json), _) => {
            let mut line = json.with_text(&text);
            line.push('\n');
            line
        }
        (None, _) => text,
    };
    let annotation = options.annotate.then(|| {
        let mut line = serde_json::to_string(&Annotation::new(doc.id.clone(), source, &doc.text, findings, dropped))
            .unwrap_or_default();
        line.push('\n');
        line
    });
    Cleaned { output, dropped, annotation }
}

/// Output files of one input.
struct Outputs {
    main: Option<AtomicFile>,
    sidecar: Option<AtomicFile>,
}

fn target_for(options: &CleanOptions, input: &Input, compression: Compression) -> Option<(PathBuf, Compression)> {
    match &options.target {
        CleanTarget::Stdout => None,
        CleanTarget::File(path) => Some((path.clone(), Compression::from_name(path))),
        CleanTarget::Dir(dir) => Some((dir.join(&input.relative), compression)),
    }
}

/// Claims in `plan` the files a clean run writes for its inputs: outputs and sidecars. Fails,
/// before anything is written, when one of them is an input or two of them share a path.
/// The caller claims the rejects file after them, under the name its user knows it by.
pub fn claim_outputs(plan: &mut OutputPlan, inputs: &[Input], options: &CleanOptions) -> Result<(), CorpusError> {
    match &options.target {
        CleanTarget::Stdout if options.annotate => {
            return Err(CorpusError::Other("annotations need an output file (the sidecar is written beside it)".into()))
        }
        CleanTarget::Stdout if options.resume => {
            return Err(CorpusError::Other(
                "a resumed run needs an output file: standard output cannot be resumed".into(),
            ))
        }
        CleanTarget::Stdout => plan.claim(Path::new(STDOUT), "the cleaned records")?,
        CleanTarget::Dir(dir) => plan.claim_dir(dir)?,
        CleanTarget::File(_) => {}
    }
    for input in inputs {
        if let Some((target, _)) = target_for(options, input, Compression::None) {
            plan.claim(&target, format!("the output of {}", input.display))?;
            if options.annotate {
                plan.claim(&annotation_path(&target), format!("the annotations of {}", input.display))?;
            }
        }
    }
    Ok(())
}

/// Temporary files that killed runs left where this run writes.
pub fn stale_temps(batch: &BatchOptions, options: &CleanOptions) -> Vec<PathBuf> {
    let mut found = match &options.target {
        CleanTarget::Dir(dir) if dir.is_dir() => stale_temp_files(dir, true),
        CleanTarget::File(file) => stale_temp_files(parent_dir(file), false),
        _ => Vec::new(),
    };
    if let Some(rejects) = &batch.rejects {
        found.extend(stale_temp_files(parent_dir(rejects), false));
    }
    found.sort();
    found.dedup();
    found
}

fn parent_dir(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// True when a previous run put every output of `input` in place: files appear under their
/// names only once complete, so their presence is the completion marker.
fn already_done(options: &CleanOptions, input: &Input) -> bool {
    let Some((target, _)) = target_for(options, input, Compression::None) else { return false };
    target.is_file() && (!options.annotate || annotation_path(&target).is_file())
}

/// Cleans `inputs` into `options.target` (`stdout` is used for [`CleanTarget::Stdout`]).
pub fn clean(
    detector: &Detector,
    inputs: &[Input],
    batch: &BatchOptions,
    options: &CleanOptions,
    stdout: &mut dyn Write,
) -> Result<Outcome, CorpusError> {
    let mut plan = OutputPlan::new(inputs, &[]);
    claim_outputs(&mut plan, inputs, options)?;
    if let Some(rejects) = &batch.rejects {
        plan.claim(rejects, "the rejects file")?;
    }
    let (done, todo): (Vec<Input>, Vec<Input>) =
        inputs.iter().cloned().partition(|input| options.resume && already_done(options, input));
    let inputs = &todo[..];
    let started = std::time::Instant::now();
    let mut tally = Tally::new(batch)?;
    let mut current: Option<Outputs> = None;
    tally.outcome.stats.files_resumed = done.len() as u64;
    let pipeline = Pipeline::new(inputs, batch.pipeline_options()).with_progress(batch.progress.clone());
    pipeline.run(
        |rec| work(detector, batch, rec, |doc, findings| clean_record(doc, source_of(rec), findings, options)),
        |event: Event<Work<Cleaned>>| {
            match &event {
                Event::InputStart { input, compression, .. } => {
                    current = Some(open_outputs(options, &inputs[*input], *compression)?);
                }
                Event::InputEnd { .. } => {
                    if let Some(outputs) = current.take() {
                        outputs.main.map(AtomicFile::commit).transpose()?;
                        outputs.sidecar.map(AtomicFile::commit).transpose()?;
                    }
                }
                _ => {}
            }
            let Some((_, _, cleaned)) = tally.take(inputs, event)? else { return Ok(()) };
            let stats = &mut tally.outcome.stats;
            if cleaned.dropped {
                stats.records_dropped += 1;
            } else {
                stats.records_out += 1;
                stats.bytes_out += cleaned.output.len() as u64;
            }
            let outputs = current.as_mut();
            match outputs.and_then(|o| o.main.as_mut()) {
                Some(file) => file.write_all(cleaned.output.as_bytes()),
                None => stdout.write_all(cleaned.output.as_bytes()),
            }
            .map_err(|e| CorpusError::io("<output>", e))?;
            if let (Some(line), Some(sidecar)) = (cleaned.annotation, current.as_mut().and_then(|o| o.sidecar.as_mut()))
            {
                sidecar.write_all(line.as_bytes()).map_err(|e| CorpusError::io("<annotations>", e))?;
            }
            Ok(())
        },
    )?;
    stdout.flush().map_err(|e| CorpusError::io("<stdout>", e))?;
    tally.finish(started)
}

fn open_outputs(options: &CleanOptions, input: &Input, compression: Compression) -> Result<Outputs, CorpusError> {
    let Some((target, compression)) = target_for(options, input, compression) else {
        return Ok(Outputs { main: None, sidecar: None });
    };
    let main = Some(AtomicFile::create(&target, compression)?);
    let sidecar =
        if options.annotate { Some(AtomicFile::create(&annotation_path(&target), Compression::None)?) } else { None };
    Ok(Outputs { main, sidecar })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_puts_removed_spans_back() {
        let original = "a\nDONATE\nb\nSHARE\n";
        let findings = vec![
            Finding {
                block: 1,
                start: 2,
                end: 8,
                outer_start: 2,
                outer_end: 9,
                category: crate::category::Category::Donation,
                score: 1.0,
                patterns: vec![],
            },
            Finding {
                block: 3,
                start: 11,
                end: 16,
                outer_start: 11,
                outer_end: 17,
                category: crate::category::Category::Social,
                score: 1.0,
                patterns: vec![],
            },
        ];
        let cleaned = remove_findings(original, &findings);
        assert_eq!(cleaned, "a\nb\n");
        let a = Annotation::new("x".into(), "x".into(), original, &findings, false);
        assert_eq!(a.restore(&cleaned), original);
    }
}
