//! Arguments shared by several subcommands.
use super::choice::choice;
use anyhow::Context;
use boilerguard::batch::{BatchOptions, OnError, Outcome};
use boilerguard::category::parse_list;
use boilerguard::check::{Config, ExplicitSettings, Settings};
use boilerguard::classify::ClassifyOptions;
use boilerguard::corpus::input::Discovered;
use boilerguard::corpus::output::write_file;
use boilerguard::corpus::pipeline::{worker_threads, MAX_THREADS_PER_CORE};
use boilerguard::corpus::OutputPlan;
use boilerguard::corpus::{discover, FieldNames, Input, InputFormat, InputOptions, PipelineOptions};
use boilerguard::report::html::{Html, ReportConfig, Run};
use boilerguard::report::Reporter;
use boilerguard::segment::BlockMode;
use boilerguard::{Detector, DetectorConfig};
use clap::Args;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A flag's score (threshold, rate): a number in 0–1.
pub fn unit_interval(s: &str) -> Result<f64, String> {
    let expected = || format!("expected a number between 0 and 1, found `{s}`");
    let value = s.parse::<f64>().map_err(|_| expected())?;
    boilerguard::detector::unit_score(value).map_err(|_| expected())
}

/// Which patterns and how blocks are labeled.
#[derive(Debug, Args, Clone)]
pub struct DetectArgs {
    /// Add the patterns in DIR (`<lang>/<category>.toml` files); repeatable.
    #[arg(long = "patterns", value_name = "DIR")]
    pub patterns: Vec<PathBuf>,
    /// Do not load the built-in patterns.
    #[arg(long)]
    pub no_builtin: bool,
    /// Only patterns of these languages (comma-separated ISO 639-1 codes; `xx` always kept);
    /// a code that is unknown or has no patterns is an error.
    #[arg(long, value_name = "LANGS", value_delimiter = ',')]
    pub lang: Vec<String>,
    /// Only these categories (comma-separated, or `all`).
    #[arg(long, value_name = "CATEGORIES", default_value = "all")]
    pub categories: String,
    /// Lowest block score labeled as boilerplate.
    #[arg(long, value_name = "SCORE", default_value_t = 0.5, value_parser = unit_interval)]
    pub threshold: f64,
    /// How documents are cut into blocks [default: auto, or the configuration's for explain].
    #[arg(long, value_parser = choice::<BlockMode>())]
    pub blocks: Option<BlockMode>,
}

impl DetectArgs {
    /// The detector these flags describe.
    pub fn config(&self) -> anyhow::Result<DetectorConfig> {
        Ok(DetectorConfig {
            builtin: !self.no_builtin,
            pattern_dirs: self.patterns.clone(),
            languages: self.lang.clone(),
            classify: ClassifyOptions { threshold: self.threshold, categories: parse_list(&self.categories)? },
            blocks: self.blocks.unwrap_or_default(),
            ..DetectorConfig::default()
        })
    }

    /// Builds the detector.
    pub fn detector(&self) -> anyhow::Result<Detector> {
        let config = self.config()?;
        anyhow::ensure!(
            config.builtin || !config.pattern_dirs.is_empty(),
            "--no-builtin needs at least one --patterns DIR"
        );
        Ok(config.build()?)
    }

    /// Builds the detector with the patterns, languages and block mode of `config` (a
    /// `boilerguard.toml`) where these flags do not set them, as `check` would.
    pub fn detector_with(&self, config: Option<&Config>, cwd: &Path) -> anyhow::Result<Detector> {
        let Some(config) = config else { return self.detector() };
        let explicit = ExplicitSettings {
            patterns: self.patterns.clone(),
            no_builtin: self.no_builtin,
            lang: self.lang.clone(),
            blocks: self.blocks,
            ..ExplicitSettings::default()
        };
        let settings = Settings::resolve(Some(config), &explicit, cwd)?;
        let from_file = settings.detector_config();
        let detector = DetectorConfig {
            builtin: from_file.builtin,
            pattern_dirs: from_file.pattern_dirs,
            languages: from_file.languages,
            blocks: from_file.blocks,
            ..self.config()?
        };
        anyhow::ensure!(
            detector.builtin || !detector.pattern_dirs.is_empty(),
            "--no-builtin (or `builtin = false` in {}) needs at least one pattern directory",
            config.path.display()
        );
        Ok(detector.build()?)
    }
}

/// Which configuration file applies (`check`, `explain`).
#[derive(Debug, Args, Clone)]
pub struct ConfigArgs {
    /// Use this configuration file instead of the nearest boilerguard.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore boilerguard.toml files.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

impl ConfigArgs {
    /// The configuration in force: the file named, else the nearest `boilerguard.toml` in
    /// `cwd` or above, unless `--no-config`.
    pub fn load(&self, cwd: &Path) -> anyhow::Result<Option<Config>> {
        let path = match (&self.config, self.no_config) {
            (_, true) => None,
            (Some(path), _) => Some(path.clone()),
            (None, false) => Config::discover(cwd),
        };
        Ok(path.map(|p| Config::load(&p, cwd)).transpose()?)
    }
}

/// Where records come from.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Files, directories (recursive) or `-` for standard input.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Record layout; `auto` goes by content (Parquet's `PAR1`), then by file name
    /// (`.jsonl`/`.ndjson` are JSONL, `.parquet` Parquet).
    #[arg(long, value_parser = choice::<InputFormat>(), default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// JSONL field (Parquet column) holding the text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// JSONL field (Parquet column) holding the record id.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// Include (or with a leading `!`, exclude) files in directories by glob; repeatable.
    #[arg(long, value_name = "GLOB")]
    pub glob: Vec<String>,
}

impl InputArgs {
    /// Expands the paths; unreadable ones are returned as errors to report.
    pub fn discover(&self) -> anyhow::Result<Discovered> {
        Ok(discover(&self.paths, &InputOptions { format: self.input_format, globs: self.glob.clone() })?)
    }

    /// The field names.
    pub fn fields(&self) -> FieldNames {
        FieldNames { text: self.text_field.clone(), id: self.id_field.clone() }
    }
}

/// The progress bar's line. Decimal units (MB), as in the summary. No ETA: the bar counts
/// bytes read, and the reader runs ahead of the workers by the queue of chunks, so an ETA
/// from it would reach 0 s long before the work ends.
const PROGRESS_TEMPLATE: &str = "{bar:30} {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec}";

/// A progress bar over the raw bytes of `inputs` when stderr is a terminal and the run is
/// not quiet, and the callback that feeds it.
pub fn progress_bar(
    quiet: bool,
    inputs: &[Input],
) -> (Option<indicatif::ProgressBar>, Option<boilerguard::corpus::pipeline::Progress>) {
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let total: u64 = inputs.iter().map(|i| i.size).sum();
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template(PROGRESS_TEMPLATE)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let progress = bar.clone().map(|b| Arc::new(move |n| b.inc(n)) as boilerguard::corpus::pipeline::Progress);
    (bar, progress)
}

/// `--report`, for the jobs that can draw one (`scan`, `clean`).
#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// Also write a self-contained HTML report of the run here: totals, categories,
    /// languages, sites, share histogram, top patterns and samples. Opens offline.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
}

impl ReportArgs {
    /// Claims the report file, so that a run never overwrites an input or another output.
    pub fn claim(&self, plan: &mut OutputPlan) -> anyhow::Result<()> {
        if let Some(report) = &self.report {
            plan.claim(report, "--report")?;
        }
        Ok(())
    }

    /// Asks the batch for the report's figures when a report is wanted.
    pub fn enable(&self, batch: &mut BatchOptions) {
        batch.report = self.report.is_some();
    }

    /// Writes the report of `outcome`.
    pub fn write(&self, outcome: &Outcome, detect: &DetectArgs) -> anyhow::Result<()> {
        let (Some(path), Some(data)) = (&self.report, &outcome.report) else { return Ok(()) };
        let config = ReportConfig {
            command: command_line(),
            threshold: detect.threshold,
            categories: parse_list(&detect.categories)?.iter().map(|c| c.as_str().to_string()).collect(),
            languages: detect.lang.clone(),
            pattern_dirs: detect.patterns.iter().map(|p| p.display().to_string()).collect(),
            builtin: !detect.no_builtin,
        };
        let mut html = Vec::new();
        Html.report(&Run { data, stats: &outcome.stats, config: &config }, &mut html)?;
        write_file(path, &html).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }
}

/// The command line as typed, arguments with spaces or quotes in single quotes.
fn command_line() -> String {
    let quote = |a: String| {
        if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"$`\\".contains(c)) {
            format!("'{}'", a.replace('\'', "'\\''"))
        } else {
            a
        }
    };
    let mut args = std::env::args_os().map(|a| a.to_string_lossy().into_owned());
    let program = args
        .next()
        .map(|p| std::path::Path::new(&p).file_name().map_or(p.clone(), |n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "boilerguard".into());
    std::iter::once(program).chain(args.map(quote)).collect::<Vec<_>>().join(" ")
}

/// How a batch runs.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Worker threads (default: one per core; at most 4 per available core).
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Bytes of records per work chunk.
    #[arg(long, value_name = "BYTES", default_value_t = 4 << 20, hide = true)]
    pub chunk_bytes: usize,
    /// Largest record accepted; longer ones are rejected.
    #[arg(long, value_name = "BYTES", default_value_t = 256 << 20)]
    pub max_record_bytes: usize,
    /// What to do with a bad record: reject it and go on, or stop with exit 2.
    #[arg(long, value_parser = choice::<OnError>(), default_value_t = OnError::Skip)]
    pub on_error: OnError,
    /// Write rejected records here (JSONL: file, line, reason, raw).
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Also write the summary as JSON here.
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,
    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

impl RunArgs {
    /// An output plan for a run over `discovered` from `paths`, with `--rejects` and
    /// `--stats` claimed.
    pub fn plan(&self, paths: &[PathBuf], discovered: &Discovered) -> anyhow::Result<OutputPlan> {
        let mut plan = OutputPlan::new(&discovered.inputs, paths);
        if let Some(stats) = &self.stats {
            plan.claim(stats, "--stats")?;
        }
        Ok(plan)
    }

    /// Claims `--rejects` (jobs that write other files claim theirs first).
    pub fn claim_rejects(&self, plan: &mut OutputPlan) -> anyhow::Result<()> {
        if let Some(rejects) = &self.rejects {
            plan.claim(rejects, "--rejects")?;
        }
        Ok(())
    }

    /// Batch options for `inputs`, with a progress bar when stderr is a terminal.
    pub fn batch(&self, fields: FieldNames, inputs: &[Input]) -> (BatchOptions, Option<indicatif::ProgressBar>) {
        let (bar, progress) = progress_bar(self.quiet, inputs);
        let threads = worker_threads(self.threads);
        if threads < self.threads && !self.quiet {
            say!(
                "boilerguard: note: -j {} capped at {threads} ({MAX_THREADS_PER_CORE} per available core)",
                self.threads
            );
        }
        let options = BatchOptions {
            fields,
            pipeline: PipelineOptions {
                threads,
                chunk_bytes: self.chunk_bytes.max(1),
                max_record: self.max_record_bytes,
                ..PipelineOptions::default()
            },
            on_error: self.on_error,
            rejects: self.rejects.clone(),
            progress,
            report: false,
        };
        (options, bar)
    }

    /// Prints the summary and problems, writes `--stats`, and decides the exit status.
    pub fn finish(
        &self,
        discovered: &Discovered,
        outcome: &Outcome,
        bar: Option<indicatif::ProgressBar>,
    ) -> anyhow::Result<super::ExitStatus> {
        self.finish_with(discovered, outcome, bar, !self.quiet)
    }

    /// [`Self::finish`], printing the record summary only when `summary` says so: a command
    /// that prints its own (`check`) passes false, since the counts would only repeat it.
    pub fn finish_with(
        &self,
        discovered: &Discovered,
        outcome: &Outcome,
        bar: Option<indicatif::ProgressBar>,
        summary: bool,
    ) -> anyhow::Result<super::ExitStatus> {
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        for e in &discovered.errors {
            say!("boilerguard: error: {e}");
        }
        for e in &outcome.input_errors {
            say!("boilerguard: error: {e}");
        }
        for w in &outcome.warnings {
            say!("boilerguard: warning: {w}");
        }
        if !discovered.skipped.is_empty() && !self.quiet {
            say!("boilerguard: note: {} files in directories skipped (not .txt/.md/.jsonl/.ndjson/.warc/.wet/.parquet; use --glob to include)", discovered.skipped.len());
        }
        if summary {
            super::stderr::text(&outcome.stats.render());
        }
        // Even under --quiet: a record missing from the output is never a silent event.
        if outcome.stats.records_rejected > 0 {
            let to = self
                .rejects
                .as_ref()
                .map_or("use --rejects FILE to keep them".to_string(), |p| format!("kept in {}", p.display()));
            say!(
                "boilerguard: warning: {} records rejected and not in the output ({to})",
                outcome.stats.records_rejected
            );
        }
        if outcome.stats.files_resumed > 0 && !self.quiet {
            say!(
                "boilerguard: note: {} inputs already complete, not read again (--resume)",
                outcome.stats.files_resumed
            );
        }
        if let Some(path) = &self.stats {
            let json = serde_json::to_string_pretty(&outcome.stats)?;
            write_file(path, (json + "\n").as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
        }
        let failed = !discovered.errors.is_empty() || !outcome.clean_exit();
        Ok(if failed { super::ExitStatus::Error } else { super::ExitStatus::Success })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_bar_speaks_the_summary_units_and_promises_no_eta() {
        assert!(indicatif::ProgressStyle::with_template(PROGRESS_TEMPLATE).is_ok());
        assert!(!PROGRESS_TEMPLATE.contains("eta"));
        assert!(!PROGRESS_TEMPLATE.contains("binary"));
        for key in ["{bytes}", "{total_bytes}", "{bytes_per_sec}"] {
            assert!(!PROGRESS_TEMPLATE.contains(key), "{key} counts in MiB, the summary in MB");
        }
    }

    #[test]
    fn scores_outside_zero_to_one_are_refused() {
        assert_eq!(unit_interval("0.25"), Ok(0.25));
        assert!(unit_interval("1.5").is_err());
        assert!(unit_interval("-0.1").is_err());
        assert!(unit_interval("NaN").is_err());
    }
}
