//! `boilerguard check`: flags → [`boilerguard::check`] settings → one reporter → exit status.
use super::args::{unit_interval, ConfigArgs, InputArgs, RunArgs};
use super::choice::choice;
use super::ExitStatus;
use anyhow::Context;
use boilerguard::batch::Outcome;
use boilerguard::category::{parse_list, Category};
use boilerguard::check::{check, Baseline, CheckOptions, ConfigError, ExplicitSettings, Format, Settings};
use boilerguard::corpus::output::AtomicFile;
use boilerguard::corpus::plan::STDOUT;
use boilerguard::corpus::Compression;
use boilerguard::segment::BlockMode;
use boilerguard::BuildError;
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// A comma-separated category list (`donation,disclaimer`, or `all`).
#[derive(Clone, Debug)]
struct Categories(Vec<Category>);

fn categories(s: &str) -> Result<Categories, String> {
    parse_list(s).map(Categories).map_err(|e| e.to_string())
}

/// When to colour the human report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    /// When standard output is a terminal.
    #[default]
    Auto,
    /// Always (still never when `NO_COLOR` is set).
    Always,
    /// Never.
    Never,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Categories that fail the check (comma-separated, or `all`) [default: donation,disclaimer].
    #[arg(long, value_name = "CATEGORIES", value_parser = categories)]
    fail_on: Option<Categories>,
    /// Categories reported as warnings without failing the check.
    #[arg(long, value_name = "CATEGORIES", value_parser = categories)]
    warn_on: Option<Categories>,
    /// Lowest block score that counts [default: 0.5].
    #[arg(long, value_name = "SCORE", value_parser = unit_interval)]
    min_score: Option<f64>,
    /// Fail only when more than this share of documents (0–1) has failing findings.
    #[arg(long, value_name = "RATE", value_parser = unit_interval)]
    max_leak_rate: Option<f64>,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record every current finding in FILE (JSON) and exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    #[command(flatten)]
    config: ConfigArgs,
    /// Add the patterns in DIR (`<lang>/<category>.toml` files); repeatable.
    #[arg(long = "patterns", value_name = "DIR")]
    patterns: Vec<PathBuf>,
    /// Do not load the built-in patterns.
    #[arg(long)]
    no_builtin: bool,
    /// Only patterns of these languages (comma-separated ISO 639-1 codes; `xx` always kept);
    /// a code that is unknown or has no patterns is an error.
    #[arg(long, value_name = "LANGS", value_delimiter = ',')]
    lang: Vec<String>,
    /// How documents are cut into blocks [default: auto].
    #[arg(long, value_parser = choice::<BlockMode>())]
    blocks: Option<BlockMode>,
    /// Report format.
    #[arg(long, value_parser = choice::<Format>(), default_value_t = Format::Human)]
    format: Format,
    /// Write the report here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Colour the human report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Exit 2 when no document was checked (empty directory, empty files, every file
    /// excluded by --glob); without it, that is a warning on stderr and exit 0.
    #[arg(long)]
    fail_on_empty: bool,
    #[command(flatten)]
    run: RunArgs,
}

impl CheckArgs {
    fn explicit_settings(&self) -> ExplicitSettings {
        ExplicitSettings {
            fail_on: self.fail_on.clone().map(|c| c.0),
            warn_on: self.warn_on.clone().map(|c| c.0),
            min_score: self.min_score,
            max_leak_rate: self.max_leak_rate,
            patterns: self.patterns.clone(),
            no_builtin: self.no_builtin,
            lang: self.lang.clone(),
            blocks: self.blocks,
            baseline: self.baseline.clone(),
        }
    }

    /// Warns when a run that otherwise succeeded checked no document, which a gate must not
    /// take for a pass; returns the error status under `--fail-on-empty`. (A run that already
    /// failed, on a missing file for one, says why itself.)
    fn empty_status(&self, outcome: &Outcome, status: ExitStatus) -> Option<ExitStatus> {
        if outcome.stats.records_in > 0 || status != ExitStatus::Success {
            return None;
        }
        if self.fail_on_empty {
            say!("boilerguard: error: no documents were checked (no input files, or only empty ones)");
            return Some(ExitStatus::Error);
        }
        say!("boilerguard: warning: no documents were checked (no input files, or only empty ones); --fail-on-empty makes this an error");
        None
    }

    fn color(&self) -> bool {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return false;
        }
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => self.output.is_none() && std::io::stdout().is_terminal(),
        }
    }
}

pub fn run(args: CheckArgs) -> anyhow::Result<ExitStatus> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let config = args.config.load(&cwd)?;
    let settings = Settings::resolve(config.as_ref(), &args.explicit_settings(), &cwd)?;
    let detector_config = settings.detector_config();
    anyhow::ensure!(
        detector_config.builtin || !detector_config.pattern_dirs.is_empty(),
        "--no-builtin needs at least one --patterns DIR"
    );
    let detector = detector_config.build().map_err(|e| match (e, &settings.languages_from) {
        // A language of the file's `lang` list: the file and line say where to fix it.
        (BuildError::Language(e), Some(at)) => {
            anyhow::Error::new(ConfigError { reason: format!("`lang`: {e}"), ..at.clone() })
        }
        (e, _) => e.into(),
    })?;
    // A baseline being rewritten is not read: the new one records every current finding.
    let baseline = match (&settings.baseline, &args.write_baseline) {
        (Some(path), None) => Some(Baseline::load(path)?),
        _ => None,
    };
    let discovered = args.input.discover()?;
    let mut plan = args.run.plan(&args.input.paths, &discovered)?;
    if let Some(path) = &args.write_baseline {
        plan.claim(path, "--write-baseline")?;
    }
    plan.claim(args.output.as_deref().unwrap_or(Path::new(STDOUT)), "the report")?;
    args.run.claim_rejects(&mut plan)?;
    let (batch, bar) = args.run.batch(args.input.fields(), &discovered.inputs);
    let options = CheckOptions { settings, baseline, keep_all_documents: args.format.lists_all_documents() };
    let result = check(&detector, &discovered.inputs, &batch, &options)?;

    if let Some(path) = &args.write_baseline {
        result.current.save(path)?;
        let status = args.run.finish_with(&discovered, &result.outcome, bar, false)?;
        say!("boilerguard: wrote {} findings to the baseline {}", result.current.findings.len(), path.display());
        return Ok(args.empty_status(&result.outcome, status).unwrap_or(status));
    }

    // A run that could read nothing has no verdict to give: "No boilerplate found in 0
    // documents" after the error would read as a pass.
    let fatal = !discovered.errors.is_empty() || !result.outcome.clean_exit();
    if fatal && result.report.summary.documents == 0 {
        return args.run.finish_with(&discovered, &result.outcome, bar, false);
    }
    let reporter = args.format.reporter(args.color());
    match &args.output {
        Some(path) => {
            let mut file = AtomicFile::create(path, Compression::None)?;
            reporter.report(&result.report, &mut file).with_context(|| format!("cannot write {}", path.display()))?;
            file.commit()?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            reporter.report(&result.report, &mut out)?;
            out.flush()?;
        }
    }
    let status = args.run.finish_with(&discovered, &result.outcome, bar, false)?;
    if let Some(empty) = args.empty_status(&result.outcome, status) {
        return Ok(empty);
    }
    Ok(match status {
        ExitStatus::Success if result.report.summary.failed => ExitStatus::Findings,
        other => other,
    })
}
