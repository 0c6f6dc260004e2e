//! `boilerguard.toml`: the gate's settings kept in the repository, next to the fixtures they
//! guard, so that CI, pre-commit and a developer's shell all run the same check.
//!
//! The file is found by walking up from the current directory (like `ruff.toml` or
//! `_typos.toml`), or named with `--config`. It holds the same settings as the command line
//! plus pattern directories and per-path overrides; every flag given on the command line
//! wins over the file, including over the per-path overrides of that setting. Paths in the
//! file (pattern directories, the baseline, override globs) are relative to the file's
//! directory.
//!
//! ```toml
//! fail-on = ["donation", "disclaimer"]   # categories that fail the build ("all" for every one)
//! warn-on = ["newsletter"]               # reported, never failing
//! min-score = 0.5                        # lowest block score that counts
//! max-leak-rate = 0.01                   # fail only when more than 1 % of documents leak
//! patterns = ["ci/patterns"]             # extra pattern directories
//! builtin = true                         # load the built-in patterns
//! lang = ["en", "fr"]                    # only these languages' patterns
//! blocks = "auto"                        # auto | lines | paragraphs
//! baseline = "boilerguard-baseline.json" # accepted findings
//!
//! [[override]]                           # later overrides win over earlier ones
//! paths = ["fixtures/legacy/**"]
//! fail-on = []
//! warn-on = ["donation", "disclaimer"]
//! ```
//!
//! Parsing is strict: an unknown key, a wrong type, an unknown category, a score outside
//! 0–1 or a bad glob is an error naming the file and the line.
use super::Rules;
use crate::category::{parse_list, Category};
use crate::classify::ClassifyOptions;
use crate::corpus::Input;
use crate::detector::{unit_score, DetectorConfig};
use crate::segment::BlockMode;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Deserializer};
use std::path::{Component, Path, PathBuf};
use toml::Spanned;

/// The name looked for in the current directory and its parents.
pub const CONFIG_FILE: &str = "boilerguard.toml";

/// A configuration file that cannot be used: the file, the line and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {reason}", file.display(), if *.line > 0 { format!(":{}", .line) } else { String::new() })]
pub struct ConfigError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    #[serde(default, deserialize_with = "categories")]
    fail_on: Option<Vec<Category>>,
    #[serde(default, deserialize_with = "categories")]
    warn_on: Option<Vec<Category>>,
    min_score: Option<Spanned<f64>>,
    max_leak_rate: Option<Spanned<f64>>,
    #[serde(default)]
    patterns: Vec<PathBuf>,
    builtin: Option<bool>,
    lang: Option<Spanned<Vec<String>>>,
    blocks: Option<BlockMode>,
    baseline: Option<PathBuf>,
    #[serde(default, rename = "override")]
    overrides: Vec<OverrideFile>,
}

/// One `[[override]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct OverrideFile {
    paths: Spanned<Vec<String>>,
    #[serde(default, deserialize_with = "categories")]
    fail_on: Option<Vec<Category>>,
    #[serde(default, deserialize_with = "categories")]
    warn_on: Option<Vec<Category>>,
    min_score: Option<Spanned<f64>>,
}

/// A category list: names, or `"all"`.
fn categories<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Category>>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    parse_list(&names.join(",")).map(Some).map_err(serde::de::Error::custom)
}

/// A loaded configuration file.
#[derive(Debug)]
pub struct Config {
    /// The file, as found or given.
    pub path: PathBuf,
    /// Its directory (absolute): what relative paths in it are relative to.
    pub root: PathBuf,
    /// The file's text, for locating errors found after parsing.
    source: String,
    file: ConfigFile,
}

impl Config {
    /// The nearest `boilerguard.toml` in `start` or one of its parents, as a path relative to
    /// `start` (`boilerguard.toml`, `../boilerguard.toml`, …) so that messages stay short.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let up = start.ancestors().position(|dir| dir.join(CONFIG_FILE).is_file())?;
        let mut path: PathBuf = std::iter::repeat("..").take(up).collect();
        path.push(CONFIG_FILE);
        Some(path)
    }

    /// Reads and parses `path`; relative paths are taken from `cwd`.
    pub fn load(path: &Path, cwd: &Path) -> Result<Self, ConfigError> {
        let source = std::fs::read_to_string(cwd.join(path)).map_err(|e| ConfigError {
            file: path.to_path_buf(),
            line: 0,
            reason: format!("cannot read the configuration: {e}"),
        })?;
        let file: ConfigFile = toml::from_str(&source).map_err(|e| ConfigError {
            file: path.to_path_buf(),
            line: e.span().map_or(0, |s| line_of(&source, s.start)),
            reason: e.message().trim().replace('\n', "; "),
        })?;
        let absolute = lexical(&cwd.join(path));
        let root = absolute.parent().map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
        Ok(Config { path: path.to_path_buf(), root, source, file })
    }

    fn error(&self, span: std::ops::Range<usize>, reason: String) -> ConfigError {
        ConfigError { file: self.path.clone(), line: line_of(&self.source, span.start), reason }
    }

    /// A score from the file, checked to lie in 0–1.
    fn unit(&self, value: &Option<Spanned<f64>>, key: &str) -> Result<Option<f64>, ConfigError> {
        match value {
            Some(v) => unit_score(*v.get_ref()).map(Some).map_err(|e| self.error(v.span(), format!("`{key}` {e}"))),
            None => Ok(None),
        }
    }
}

/// 1-based line of byte `at` in `source`.
fn line_of(source: &str, at: usize) -> usize {
    source[..at.min(source.len())].matches('\n').count() + 1
}

/// Settings given explicitly by the caller (a command line, a script); `None` (or empty)
/// where a setting was not given. Each one given wins over the file.
#[derive(Clone, Debug, Default)]
pub struct ExplicitSettings {
    /// Categories that fail.
    pub fail_on: Option<Vec<Category>>,
    /// Categories that warn.
    pub warn_on: Option<Vec<Category>>,
    /// Lowest block score that counts.
    pub min_score: Option<f64>,
    /// Largest share of failing documents that still passes.
    pub max_leak_rate: Option<f64>,
    /// Pattern directories (replace the file's list when not empty).
    pub patterns: Vec<PathBuf>,
    /// Leave out the built-in patterns.
    pub no_builtin: bool,
    /// Languages (replace the file's list when not empty).
    pub lang: Vec<String>,
    /// How documents are cut into blocks.
    pub blocks: Option<BlockMode>,
    /// The baseline file.
    pub baseline: Option<PathBuf>,
}

/// A per-path override, compiled.
#[derive(Clone, Debug)]
pub struct PathRules {
    /// The globs, relative to the configuration's directory.
    pub globs: GlobSet,
    /// Replaces `fail_on` for matching paths.
    pub fail_on: Option<Vec<Category>>,
    /// Replaces `warn_on` for matching paths.
    pub warn_on: Option<Vec<Category>>,
    /// Replaces `min_score` for matching paths.
    pub min_score: Option<f64>,
}

/// The settings in force: the file's, with the command line's on top.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Rules for every path without an override.
    pub rules: Rules,
    /// Per-path overrides, in file order (later wins).
    pub path_rules: Vec<PathRules>,
    /// Absolute directory that override globs are relative to.
    pub root: PathBuf,
    /// Absolute current directory, to make input paths absolute.
    pub cwd: PathBuf,
    /// `--max-leak-rate`.
    pub max_leak_rate: Option<f64>,
    /// Extra pattern directories.
    pub pattern_dirs: Vec<PathBuf>,
    /// Load the built-in patterns.
    pub builtin: bool,
    /// Only these languages' patterns (empty: all).
    pub languages: Vec<String>,
    /// Where `languages` was read in the configuration file (with an empty reason), when it
    /// came from there: a language without patterns is reported at that line.
    pub languages_from: Option<ConfigError>,
    /// How documents are cut into blocks.
    pub blocks: BlockMode,
    /// The baseline to read, if any.
    pub baseline: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rules: Rules::default(),
            path_rules: Vec::new(),
            root: PathBuf::new(),
            cwd: PathBuf::new(),
            max_leak_rate: None,
            pattern_dirs: Vec::new(),
            builtin: true,
            languages: Vec::new(),
            languages_from: None,
            blocks: BlockMode::Auto,
            baseline: None,
        }
    }
}

impl Settings {
    /// Merges the file (if any) and the command line; `cwd` must be absolute.
    pub fn resolve(config: Option<&Config>, given: &ExplicitSettings, cwd: &Path) -> Result<Self, ConfigError> {
        let mut s = Settings { root: cwd.to_path_buf(), cwd: cwd.to_path_buf(), ..Settings::default() };
        if let Some(c) = config {
            let f = &c.file;
            let at_root = |p: &PathBuf| lexical(&c.root.join(p));
            s.root = c.root.clone();
            if let Some(v) = &f.fail_on {
                s.rules.fail_on = v.clone();
            }
            if let Some(v) = &f.warn_on {
                s.rules.warn_on = v.clone();
            }
            if let Some(v) = c.unit(&f.min_score, "min-score")? {
                s.rules.min_score = v;
            }
            s.max_leak_rate = c.unit(&f.max_leak_rate, "max-leak-rate")?;
            s.pattern_dirs = f.patterns.iter().map(at_root).collect();
            s.builtin = f.builtin.unwrap_or(true);
            if let Some(lang) = &f.lang {
                s.languages = crate::lang::parse_languages(lang.get_ref())
                    .map_err(|e| c.error(lang.span(), format!("`lang`: {e}")))?;
                s.languages_from = Some(c.error(lang.span(), String::new()));
            }
            s.blocks = f.blocks.unwrap_or_default();
            s.baseline = f.baseline.as_ref().map(at_root);
            for o in &f.overrides {
                let mut builder = GlobSetBuilder::new();
                for glob in o.paths.get_ref() {
                    let glob = GlobBuilder::new(glob)
                        .literal_separator(true)
                        .build()
                        .map_err(|e| c.error(o.paths.span(), format!("bad glob in `paths`: {e}")))?;
                    builder.add(glob);
                }
                let globs =
                    builder.build().map_err(|e| c.error(o.paths.span(), format!("bad globs in `paths`: {e}")))?;
                s.path_rules.push(PathRules {
                    globs,
                    fail_on: o.fail_on.clone().filter(|_| given.fail_on.is_none()),
                    warn_on: o.warn_on.clone().filter(|_| given.warn_on.is_none()),
                    min_score: c.unit(&o.min_score, "min-score")?.filter(|_| given.min_score.is_none()),
                });
            }
        }
        if let Some(v) = &given.fail_on {
            s.rules.fail_on = v.clone();
        }
        if let Some(v) = &given.warn_on {
            s.rules.warn_on = v.clone();
        }
        if let Some(v) = given.min_score {
            s.rules.min_score = v;
        }
        if given.max_leak_rate.is_some() {
            s.max_leak_rate = given.max_leak_rate;
        }
        if !given.patterns.is_empty() {
            s.pattern_dirs = given.patterns.clone();
        }
        if given.no_builtin {
            s.builtin = false;
        }
        if !given.lang.is_empty() {
            s.languages = given.lang.clone();
            s.languages_from = None;
        }
        if let Some(b) = given.blocks {
            s.blocks = b;
        }
        if given.baseline.is_some() {
            s.baseline = given.baseline.clone();
        }
        Ok(s)
    }

    /// The path of `input` that baselines key findings by: relative to the configuration's
    /// directory (the current one without a configuration), with forward slashes, however
    /// the path was typed (`./x`, `x`, absolute, or from a subdirectory). Standard input
    /// keeps its display name; a path outside the root stays absolute.
    pub fn baseline_key(&self, input: &Input) -> String {
        let Some(path) = &input.path else { return input.display.clone() };
        self.below_root(path).to_string_lossy().replace('\\', "/")
    }

    /// `path` (relative to the current directory, or absolute) relative to the root when it
    /// lies below it, else absolute; `.` and `..` resolved.
    fn below_root(&self, path: &Path) -> PathBuf {
        let absolute = lexical(&self.cwd.join(path));
        absolute.strip_prefix(&self.root).map(Path::to_path_buf).unwrap_or(absolute)
    }

    /// The rules for one input: the base rules with every matching override applied.
    pub fn rules_for(&self, input: &Input) -> Rules {
        let mut rules = self.rules.clone();
        let Some(path) = &input.path else { return rules };
        let relative = self.below_root(path);
        for o in self.path_rules.iter().filter(|o| o.globs.is_match(&relative)) {
            if let Some(v) = &o.fail_on {
                rules.fail_on = v.clone();
            }
            if let Some(v) = &o.warn_on {
                rules.warn_on = v.clone();
            }
            if let Some(v) = o.min_score {
                rules.min_score = v;
            }
        }
        rules
    }

    /// Every rule set in force: the base rules and each override applied alone.
    fn all_rules(&self) -> impl Iterator<Item = Rules> + '_ {
        std::iter::once(self.rules.clone()).chain(self.path_rules.iter().map(|o| Rules {
            fail_on: o.fail_on.clone().unwrap_or_else(|| self.rules.fail_on.clone()),
            warn_on: o.warn_on.clone().unwrap_or_else(|| self.rules.warn_on.clone()),
            min_score: o.min_score.unwrap_or(self.rules.min_score),
        }))
    }

    /// The detector these settings need: only the categories some rule reports, and the
    /// lowest `min-score` of any rule as the classifier threshold (so `--min-score` both
    /// labels and filters, and a stricter override only filters).
    pub fn detector_config(&self) -> DetectorConfig {
        let mut categories = Vec::new();
        let mut threshold: f64 = 1.0;
        for rules in self.all_rules() {
            threshold = threshold.min(rules.min_score);
            for c in rules.fail_on.iter().chain(&rules.warn_on) {
                if !categories.contains(c) {
                    categories.push(*c);
                }
            }
        }
        categories.sort();
        DetectorConfig {
            builtin: self.builtin,
            pattern_dirs: self.pattern_dirs.clone(),
            languages: self.languages.clone(),
            classify: ClassifyOptions { threshold, categories },
            blocks: self.blocks,
            ..DetectorConfig::default()
        }
    }
}

/// `path` with `.` and `..` components resolved without touching the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(CONFIG_FILE);
        std::fs::write(&path, text).expect("write");
        Config::load(&path, dir.path())
    }

    /// Each bad file, the line the error must name, and words the reason must contain.
    const BAD: &[(&str, usize, &str)] = &[
        ("fail-on = [\"donation\"]\n\nfail_onn = []\n", 3, "unknown field `fail_onn`"),
        ("fail-on = [\"donation\", \"bogus\"]\n", 1, "unknown category `bogus`"),
        ("min-score = 1.5\n", 1, "`min-score` must be between 0 and 1"),
        ("max-leak-rate = \"high\"\n", 1, "invalid type"),
        ("\n[[override]]\npaths = [\"a/[\"]\n", 3, "bad glob"),
        ("\n[[override]]\npaths = [\"a\"]\nseverity = \"low\"\n", 4, "unknown field `severity`"),
        ("fail-on = [\n", 2, "expected `]`"),
        ("blocks = \"lines\"\nlang = [\"en\", \"english\"]\n", 2, "unknown language code `english`"),
        ("lang = [\"EN\", \"eng\"]\n", 1, "unknown language code `eng`"),
    ];

    #[test]
    fn bad_files_name_the_line_and_the_reason() {
        for (text, line, reason) in BAD {
            let err = load(text)
                .and_then(|c| Settings::resolve(Some(&c), &ExplicitSettings::default(), Path::new("/")))
                .expect_err(text);
            assert_eq!(err.line, *line, "{text}: {err}");
            assert!(err.reason.contains(reason), "{text}: {err}");
            assert!(err.to_string().contains(&format!("{CONFIG_FILE}:{line}: ")), "{err}");
        }
    }

    #[test]
    fn command_line_wins_over_the_file_and_its_overrides() {
        let c = load("fail-on = [\"disclaimer\"]\nmin-score = 0.7\npatterns = [\"pats\"]\n[[override]]\npaths = [\"legacy/**\"]\nfail-on = []\nmin-score = 0.9\n").expect("valid");
        let file_only = Settings::resolve(Some(&c), &ExplicitSettings::default(), Path::new("/work")).expect("valid");
        assert_eq!(file_only.rules.fail_on, vec![Category::Disclaimer]);
        assert_eq!(file_only.pattern_dirs, vec![c.root.join("pats")]);
        let input = |p: &str| Input {
            path: Some(c.root.join(p)),
            relative: PathBuf::new(),
            display: p.into(),
            format: crate::corpus::InputFormat::Text,
            size: 0,
        };
        assert_eq!(file_only.rules_for(&input("legacy/a.txt")).fail_on, vec![]);
        assert_eq!(file_only.rules_for(&input("legacy/a.txt")).min_score, 0.9);
        assert_eq!(file_only.rules_for(&input("new/a.txt")).min_score, 0.7);
        assert_eq!(file_only.detector_config().classify.threshold, 0.7);

        let cli = ExplicitSettings {
            fail_on: Some(vec![Category::Donation]),
            min_score: Some(0.5),
            ..ExplicitSettings::default()
        };
        let both = Settings::resolve(Some(&c), &cli, Path::new("/work")).expect("valid");
        assert_eq!(
            both.rules_for(&input("legacy/a.txt")),
            Rules { fail_on: vec![Category::Donation], warn_on: vec![], min_score: 0.5 }
        );
    }

    #[test]
    fn discovery_walks_up_to_the_nearest_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let deep = dir.path().join("a/b/c");
        std::fs::create_dir_all(&deep).expect("mkdir");
        std::fs::write(dir.path().join("a").join(CONFIG_FILE), "").expect("write");
        assert_eq!(Config::discover(&deep), Some(Path::new("../..").join(CONFIG_FILE)));
        let config = Config::load(&Path::new("../..").join(CONFIG_FILE), &deep).expect("valid");
        assert_eq!(config.root, dir.path().join("a"));
    }

    #[test]
    fn lexical_resolves_dots() {
        assert_eq!(lexical(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(lexical(Path::new("../x")), PathBuf::from("../x"));
    }
}
