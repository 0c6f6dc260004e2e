//! `clean`: the corpus written back in its own format with boilerplate removed.
//!
//! JSONL records keep every byte but their text value; text files lose only the lines of
//! their boilerplate blocks. With `annotate`, a sidecar JSONL beside each output holds, per
//! input record, the removed blocks with their offsets in the original text and their text,
//! so that every removal can be audited and undone.
//!
//! WARC and WET inputs are written either as WARC again (every record in its place, `conversion`
//! records with their cleaned text and a corrected `Content-Length`, every other header byte
//! kept, other records copied; gzip output gets one member per record, as Common Crawl writes
//! them, so the output stays seekable) or as JSONL (`{"id","url",…,"text"}`, one line per
//! `conversion` record; see [`WarcOutput`]).
use super::{is_parquet, work_or_pass, Tally, Work};
use super::{source_of, BatchOptions, Outcome};
use crate::corpus::input::format_from_name;
use crate::corpus::output::{stale_temp_files, AtomicFile};
use crate::corpus::pipeline::{Event, Pipeline};
use crate::corpus::plan::{OutputPlan, STDOUT};
use crate::corpus::warc::{JsonlRecord, TERMINATOR};
use crate::corpus::{Compression, Input, InputFormat};
use crate::detector::{remove_findings, Detector, Finding};
use crate::error::CorpusError;
use crate::report::record::round_score;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where cleaned output goes.
#[derive(Clone, Debug, Default)]
pub enum CleanTarget {
    /// Standard output (one input, or a stream).
    #[default]
    Stdout,
    /// One file; its compression follows its name.
    File(PathBuf),
    /// A directory mirroring the inputs' relative paths, each output compressed like its input.
    Dir(PathBuf),
}

/// What WARC and WET inputs are cleaned into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WarcOutput {
    /// By the output's name: WARC for `.warc`/`.wet` names (`.warc.gz`, `.warc.wet.gz`…) and
    /// for a directory (whose files keep the inputs' names), JSONL otherwise and on standard
    /// output.
    #[default]
    Auto,
    /// One JSON line per `conversion` record: `id`, `url`, `warc_date`,
    /// `warc_identified_content_language`, `warc_refers_to`, `text`. In a directory the file
    /// is named after the input with `.jsonl` in place of `.warc`/`.wet`.
    Jsonl,
    /// WARC records again.
    Warc,
}

crate::named::named!(WarcOutput, "WARC output", { Auto => "auto", Jsonl => "jsonl", Warc => "warc" });

/// Options of `clean`.
#[derive(Clone, Debug, Default)]
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
    /// What WARC inputs become.
    pub warc_output: WarcOutput,
    /// Parquet output: add the column of blocks found (`--annotate`). Parquet never gets a
    /// sidecar, so `--keep-text` alone gives back the input's table.
    pub annotate_column: bool,
    /// Parquet output: rows per row group instead of the input's row groups.
    pub row_group_size: Option<usize>,
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
    output: Vec<u8>,
    dropped: bool,
    annotation: Option<String>,
}

fn clean_record(
    doc: &crate::corpus::Document<'_>,
    source: String,
    findings: &[Finding],
    options: &CleanOptions,
    warc_kind: WarcOutput,
) -> Cleaned {
    let unchanged = options.keep_text || findings.is_empty();
    // Borrowed when unchanged: most records go out as their original bytes, with no copy.
    let text: std::borrow::Cow<'_, str> =
        if unchanged { std::borrow::Cow::Borrowed(&doc.text) } else { remove_findings(&doc.text, findings).into() };
    let dropped = options.drop_empty && text.trim().is_empty();
    let output = match (&doc.json, &doc.warc, dropped) {
        (_, _, true) => Vec::new(),
        (_, Some(record), _) if warc_kind == WarcOutput::Warc && unchanged => record.to_bytes(),
        (_, Some(record), _) if warc_kind == WarcOutput::Warc => record.with_block(text.as_bytes()),
        (_, Some(record), _) => JsonlRecord::line(&doc.id, record, &text).into_bytes(),
        (Some(json), _, _) if unchanged => format!("{}\n", json.line).into_bytes(),
        (Some(json), _, _) => {
            let mut line = json.with_text(&text);
            line.push('\n');
            line.into_bytes()
        }
        (None, _, _) => text.into_owned().into_bytes(),
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
    /// Each record is written as its own gzip member (WARC output).
    members: bool,
}

impl Outputs {
    /// Writes one record's output to the main file, or to `stdout`.
    fn write(outputs: Option<&mut Outputs>, stdout: &mut dyn Write, bytes: &[u8]) -> std::io::Result<()> {
        match outputs {
            Some(Outputs { main: Some(file), members: true, .. }) => {
                let mut member = flate2::write::GzEncoder::new(file, flate2::Compression::default());
                member.write_all(bytes)?;
                member.finish().map(drop)
            }
            Some(Outputs { main: Some(file), .. }) => file.write_all(bytes),
            _ => stdout.write_all(bytes),
        }
    }
}

/// What WARC records are cleaned into under `options`: [`WarcOutput::Jsonl`] or
/// [`WarcOutput::Warc`].
fn warc_kind(options: &CleanOptions) -> WarcOutput {
    match (options.warc_output, &options.target) {
        (WarcOutput::Auto, CleanTarget::Stdout) => WarcOutput::Jsonl,
        (WarcOutput::Auto, CleanTarget::File(path)) if format_from_name(path) != Some(InputFormat::Warc) => {
            WarcOutput::Jsonl
        }
        (WarcOutput::Auto, _) => WarcOutput::Warc,
        (kind, _) => kind,
    }
}

/// `a/CC-MAIN-1.warc.wet.gz` → `a/CC-MAIN-1.jsonl.gz`: the name of a WARC input's JSONL output.
fn jsonl_name(relative: &Path) -> PathBuf {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let name = relative.file_name().unwrap_or_default().as_bytes();
    let lower = name.to_ascii_lowercase();
    let mut cut = name.len();
    let compression = [&b".gz"[..], b".zst", b".zstd"].into_iter().find(|s| lower.ends_with(s)).unwrap_or(b"");
    cut -= compression.len();
    for suffix in [&b".wet"[..], b".warc"] {
        if lower[..cut].ends_with(suffix) && cut > suffix.len() {
            cut -= suffix.len();
        }
    }
    let mut new_name = name[..cut].to_vec();
    new_name.extend_from_slice(b".jsonl");
    new_name.extend_from_slice(&name[name.len() - compression.len()..]);
    relative.with_file_name(std::ffi::OsString::from_vec(new_name))
}

pub(crate) fn target_for(
    options: &CleanOptions,
    input: &Input,
    compression: Compression,
) -> Option<(PathBuf, Compression)> {
    match &options.target {
        CleanTarget::Stdout => None,
        CleanTarget::File(path) => Some((path.clone(), Compression::from_name(path))),
        CleanTarget::Dir(dir) if input.format == InputFormat::Warc && warc_kind(options) == WarcOutput::Jsonl => {
            Some((dir.join(jsonl_name(&input.relative)), compression))
        }
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
            if options.annotate && !is_parquet(input) {
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
    target.is_file() && (!options.annotate || is_parquet(input) || annotation_path(&target).is_file())
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
    tally.outcome.stats.files_resumed = done.len() as u64;
    for (range, parquet) in super::segments(inputs) {
        if parquet {
            #[cfg(feature = "parquet")]
            super::parquet::clean_file(detector, &inputs[range], batch, options, &mut tally)?;
            continue;
        }
        clean_lines(detector, &inputs[range], batch, options, &mut tally, stdout)?;
    }
    stdout.flush().map_err(|e| CorpusError::io("<stdout>", e))?;
    tally.finish(started)
}

/// Cleans inputs read as lines (JSONL, text) through the pipeline.
fn clean_lines(
    detector: &Detector,
    inputs: &[Input],
    batch: &BatchOptions,
    options: &CleanOptions,
    tally: &mut Tally,
    stdout: &mut dyn Write,
) -> Result<(), CorpusError> {
    let mut current: Option<Outputs> = None;
    let pipeline = Pipeline::new(inputs, batch.pipeline_options()).with_progress(batch.progress.clone());
    let kind = warc_kind(options);
    pipeline.run(
        |rec| {
            work_or_pass(
                detector,
                batch,
                rec,
                |doc, findings| clean_record(doc, source_of(rec), findings, options, kind),
                |rec| (kind == WarcOutput::Warc).then(|| passed_record(rec.bytes)),
            )
        },
        |event: Event<Work<Cleaned>>| {
            match &event {
                Event::InputStart { input, compression, format } => {
                    current = Some(open_outputs(options, &inputs[*input], *compression, *format)?);
                }
                Event::Record { output: Work::Passed(Some(passed)), .. } => {
                    tally.outcome.stats.bytes_out += passed.output.len() as u64;
                    Outputs::write(current.as_mut(), stdout, &passed.output)
                        .map_err(|e| CorpusError::io("<output>", e))?;
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
                Outputs::write(current.as_mut(), stdout, &cleaned.output)
                    .map_err(|e| CorpusError::io("<output>", e))?;
            }
            if let (Some(line), Some(sidecar)) = (cleaned.annotation, current.as_mut().and_then(|o| o.sidecar.as_mut()))
            {
                sidecar.write_all(line.as_bytes()).map_err(|e| CorpusError::io("<annotations>", e))?;
            }
            Ok(())
        },
    )
}

/// A WARC record that holds no document, copied as read.
fn passed_record(bytes: &[u8]) -> Cleaned {
    let mut output = Vec::with_capacity(bytes.len() + TERMINATOR.len());
    output.extend_from_slice(bytes);
    output.extend_from_slice(TERMINATOR);
    Cleaned { output, dropped: false, annotation: None }
}

fn open_outputs(
    options: &CleanOptions,
    input: &Input,
    compression: Compression,
    format: InputFormat,
) -> Result<Outputs, CorpusError> {
    let Some((target, compression)) = target_for(options, input, compression) else {
        return Ok(Outputs { main: None, sidecar: None, members: false });
    };
    // WARC output is gzipped record by record, never as one stream.
    let members =
        compression == Compression::Gzip && format == InputFormat::Warc && warc_kind(options) == WarcOutput::Warc;
    let main = Some(AtomicFile::create(&target, if members { Compression::None } else { compression })?);
    let sidecar =
        if options.annotate { Some(AtomicFile::create(&annotation_path(&target), Compression::None)?) } else { None };
    Ok(Outputs { main, sidecar, members })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warc_output_follows_the_flag_then_the_output_name() {
        let cases = [
            (WarcOutput::Auto, CleanTarget::Stdout, WarcOutput::Jsonl),
            (WarcOutput::Auto, CleanTarget::File("o/CC-1.warc.wet.gz".into()), WarcOutput::Warc),
            (WarcOutput::Auto, CleanTarget::File("o/x.WARC".into()), WarcOutput::Warc),
            (WarcOutput::Auto, CleanTarget::File("o/x.jsonl.zst".into()), WarcOutput::Jsonl),
            (WarcOutput::Auto, CleanTarget::File("o/x".into()), WarcOutput::Jsonl),
            (WarcOutput::Auto, CleanTarget::Dir("o".into()), WarcOutput::Warc),
            (WarcOutput::Jsonl, CleanTarget::File("o/x.warc.gz".into()), WarcOutput::Jsonl),
            (WarcOutput::Warc, CleanTarget::Stdout, WarcOutput::Warc),
        ];
        for (flag, target, expected) in cases {
            let options = CleanOptions { target: target.clone(), warc_output: flag, ..CleanOptions::default() };
            assert_eq!(warc_kind(&options), expected, "{flag:?} {target:?}");
        }
    }

    #[test]
    fn jsonl_names_of_warc_inputs_keep_their_compression() {
        for (input, expected) in [
            ("a/CC-MAIN-1.warc.wet.gz", "a/CC-MAIN-1.jsonl.gz"),
            ("b.warc.gz", "b.jsonl.gz"),
            ("c.WET", "c.jsonl"),
            ("d.warc.zst", "d.jsonl.zst"),
            (".warc", ".warc.jsonl"),
        ] {
            assert_eq!(jsonl_name(Path::new(input)), Path::new(expected), "{input}");
        }
    }

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
