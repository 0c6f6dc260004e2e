//! Python bindings of boilerguard: the same [`boilerguard::Detector`] as the command line,
//! behind a small, thread-safe, picklable Python class.
//!
//! Why it exists: corpus builders who outgrow one machine clean inside an existing
//! distributed engine (Spark, datatrove, Ray, Dask). They need the detector as a Python
//! object that can be shipped to executors (pickled as its configuration and rebuilt there),
//! that releases the GIL, and that runs a batch of documents on all cores with rayon.
//!
//! Offsets: the library reports byte offsets into UTF-8 text; Python indexes `str` by code
//! point, so every offset crossing into Python is converted ([`to_blocks`]).
//!
//! Errors: pattern problems raise `boilerguard.PatternError` (a `ValueError`) with the
//! library's message, the one the CLI prints; bad options raise `ValueError`/`TypeError`;
//! a panic inside the library is caught and raised as `RuntimeError`, never unwinding into
//! the interpreter.
use boilerguard::category::parse_list;
use boilerguard::classify::ClassifyOptions;
use boilerguard::report::explain::{render_with, Offsets};
use boilerguard::report::record::round_score;
use boilerguard::named::Named;
use boilerguard::segment::BlockMode;
use boilerguard::{BuildError, Detector, DetectorConfig, Finding};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use rayon::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

pyo3::create_exception!(
    boilerguard,
    PatternError,
    PyValueError,
    "A pattern file or pattern cannot be loaded (bad TOML, unknown key, duplicate id, invalid \
     regex, ...). The message names the file, line and pattern id, as the command line does; \
     the attributes `file`, `line`, `pattern_id` and `reason` hold the parts."
);

/// Runs `f`, turning a panic into a `RuntimeError` so that no panic reaches Python.
fn guarded<T>(f: impl FnOnce() -> T) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        PyRuntimeError::new_err(format!("boilerguard internal error (please report it): {what}"))
    })
}

/// A boilerplate block found in a text.
///
/// `start`/`end` are indices into the Python `str` (code points, half-open), so
/// `text[block.start:block.end]` is the block's content. `category` is one of donation,
/// disclaimer, newsletter, subscription, social, related, rights, affiliate, ai; `score` is in
/// [0, 1] rounded to three decimals (as in the CLI's records); `patterns` are the ids of the
/// patterns that hit the block (empty when it joined a region of neighbouring blocks).
#[pyclass(frozen, get_all, eq, module = "boilerguard", name = "Block")]
#[derive(Clone, Debug, PartialEq)]
struct Block {
    start: usize,
    end: usize,
    category: String,
    score: f64,
    patterns: Vec<String>,
}

#[pymethods]
impl Block {
    #[new]
    #[pyo3(signature = (start, end, category, score, patterns=Vec::new()))]
    fn new(start: usize, end: usize, category: String, score: f64, patterns: Vec<String>) -> Self {
        Block { start, end, category, score, patterns }
    }

    /// The block as a plain dict (for DataFrames, JSON, Arrow).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("start", self.start)?;
        d.set_item("end", self.end)?;
        d.set_item("category", &self.category)?;
        d.set_item("score", self.score)?;
        d.set_item("patterns", &self.patterns)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "Block(start={}, end={}, category={:?}, score={}, patterns={:?})",
            self.start, self.end, self.category, self.score, self.patterns
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let b = slf.get();
        let args = (b.start, b.end, b.category.as_str(), b.score, b.patterns.clone()).into_pyobject(py)?;
        Ok((slf.get_type().into_any(), args))
    }
}

/// The findings of `text` as blocks with code-point offsets. Findings are in text order and
/// do not overlap, so one forward walk converts every offset.
fn to_blocks(text: &str, findings: &[Finding]) -> Vec<Block> {
    let ascii = text.is_ascii();
    let (mut byte_at, mut char_at) = (0usize, 0usize);
    let mut chars_to = |byte: usize| -> usize {
        if ascii {
            return byte;
        }
        if byte >= byte_at {
            char_at += text[byte_at..byte].chars().count();
        } else {
            char_at = text[..byte].chars().count();
        }
        byte_at = byte;
        char_at
    };
    findings
        .iter()
        .map(|f| Block {
            start: chars_to(f.start),
            end: chars_to(f.end),
            category: f.category.as_str().to_string(),
            score: round_score(f.score),
            patterns: f.patterns.clone(),
        })
        .collect()
}

/// The options a Detector was made with, kept to show, compare and rebuild it (pickling).
#[derive(Clone, Debug)]
struct Settings {
    patterns: Vec<String>,
    builtin: bool,
    categories: Option<Vec<String>>,
    threshold: f64,
    languages: Vec<String>,
    blocks: BlockMode,
    threads: usize,
}

/// A `str`, an `os.PathLike`, or an iterable of them, as path strings.
fn path_list(value: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(one) = value.extract::<PathBuf>() {
        return Ok(vec![one.to_string_lossy().into_owned()]);
    }
    let mut out = Vec::new();
    for item in value.try_iter().map_err(|_| PyTypeError::new_err("patterns must be a path or a list of paths"))? {
        let path: PathBuf = item?.extract().map_err(|_| PyTypeError::new_err("patterns must be a path or a list of paths"))?;
        out.push(path.to_string_lossy().into_owned());
    }
    Ok(out)
}

/// A comma-separated `str` or an iterable of `str`, as a list of names.
fn name_list(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    if let Ok(s) = value.downcast::<PyString>() {
        return Ok(s.to_cow()?.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect());
    }
    let mut out = Vec::new();
    for item in value.try_iter().map_err(|_| PyTypeError::new_err(format!("{what} must be a str or a list of str")))? {
        out.push(item?.extract::<String>().map_err(|_| PyTypeError::new_err(format!("{what} must be a str or a list of str")))?);
    }
    Ok(out)
}

impl Settings {
    fn from_args(
        patterns: Option<&Bound<'_, PyAny>>,
        builtin: bool,
        categories: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let mut s = Settings {
            patterns: patterns.filter(|p| !p.is_none()).map(path_list).transpose()?.unwrap_or_default(),
            builtin,
            categories: categories.filter(|c| !c.is_none()).map(|c| name_list(c, "categories")).transpose()?,
            threshold: 0.5,
            languages: Vec::new(),
            blocks: BlockMode::Auto,
            threads: 0,
        };
        for (key, value) in options.into_iter().flat_map(|d| d.iter()) {
            let key: String = key.extract()?;
            match key.as_str() {
                "threshold" => s.threshold = value.extract()?,
                "languages" | "lang" => {
                    s.languages = if value.is_none() { Vec::new() } else { name_list(&value, "languages")? }
                }
                "blocks" => {
                    let name: String = value.extract()?;
                    s.blocks = name.parse::<BlockMode>().map_err(|e| {
                        PyValueError::new_err(format!(
                            "invalid value '{name}' for blocks (possible values: {})",
                            e.expected
                        ))
                    })?
                }
                "threads" => s.threads = if value.is_none() { 0 } else { value.extract()? },
                _ => {
                    return Err(PyTypeError::new_err(format!(
                        "Detector() got an unexpected keyword argument '{key}' (options: threshold, languages, blocks, threads)"
                    )))
                }
            }
        }
        Ok(s)
    }

    /// The library configuration, validated as the CLI validates its flags.
    fn config(&self) -> PyResult<DetectorConfig> {
        boilerguard::detector::unit_score(self.threshold)
            .map_err(|e| PyValueError::new_err(format!("threshold {e}")))?;
        if !self.builtin && self.patterns.is_empty() {
            return Err(PyValueError::new_err("builtin=False needs at least one patterns directory"));
        }
        let categories = match &self.categories {
            None => boilerguard::Category::ALL.to_vec(),
            Some(names) => parse_list(&names.join(",")).map_err(|e| PyValueError::new_err(e.to_string()))?,
        };
        Ok(DetectorConfig {
            builtin: self.builtin,
            pattern_dirs: self.patterns.iter().map(PathBuf::from).collect(),
            languages: self.languages.clone(),
            classify: ClassifyOptions { threshold: self.threshold, categories },
            blocks: self.blocks,
            ..DetectorConfig::default()
        })
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("patterns", &self.patterns)?;
        d.set_item("builtin", self.builtin)?;
        d.set_item("categories", &self.categories)?;
        d.set_item("threshold", self.threshold)?;
        d.set_item("languages", &self.languages)?;
        d.set_item("blocks", self.blocks.name())?;
        d.set_item("threads", self.threads)?;
        Ok(d)
    }
}

fn pattern_error(py: Python<'_>, e: &boilerguard::PatternError) -> PyErr {
    let err = PatternError::new_err(e.to_string());
    let value = err.value(py);
    let _ = value.setattr("file", e.file.as_ref().map(|f| f.display().to_string()));
    // No line (an error about the whole set, or a file unread) is None, not a line 0.
    let _ = value.setattr("line", (e.line > 0).then_some(e.line));
    let _ = value.setattr("pattern_id", e.id.clone());
    let _ = value.setattr("reason", e.reason.clone());
    err
}

/// Finds editorial boilerplate (donation appeals, opinion disclaimers, newsletter prompts,
/// republishing notices, ...) in article text: the detector of the `boilerguard` command line,
/// with the same built-in patterns and the same results.
///
/// Args:
///     patterns: extra pattern directories (`<lang>/<category>.toml` below each): a path or a
///         list of paths, like the CLI's repeatable `--patterns DIR`.
///     builtin: load the embedded built-in patterns (`False` is the CLI's `--no-builtin`).
///     categories: only these categories (a list, or a comma-separated str; `"all"` selects
///         every one; `None`: all), like `--categories`.
///     threshold: lowest block score labeled as boilerplate, in [0, 1] (default 0.5).
///     languages: only patterns of these languages (ISO 639-1; `xx` always kept), like `--lang`.
///     blocks: `"auto"` (default), `"lines"` or `"paragraphs"`, like `--blocks`.
///     threads: worker threads of `scan_many`/`clean_many` (0, the default: one per core).
///
/// Raises:
///     PatternError: a pattern directory or file cannot be loaded (a `ValueError`).
///     ValueError: an option is out of range or unknown (message as the CLI's).
///
/// A Detector is immutable and safe to share between threads; every method releases the GIL.
/// It pickles as its options and is rebuilt on unpickling (pattern directories must then be
/// readable where it is unpickled).
#[pyclass(frozen, module = "boilerguard", name = "Detector")]
struct PyDetector {
    detector: Detector,
    settings: Settings,
    pool: Option<rayon::ThreadPool>,
}

/// Extracts a sequence of `str` (any iterable), keeping the original objects.
fn texts_of<'py>(texts: &Bound<'py, PyAny>) -> PyResult<(Vec<Bound<'py, PyAny>>, Vec<PyBackedStr>)> {
    if texts.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err("texts must be an iterable of str, not a str (use scan/clean for one text)"));
    }
    let hint = texts.len().unwrap_or(0);
    let (mut objects, mut strs) = (Vec::with_capacity(hint), Vec::with_capacity(hint));
    for (i, item) in texts.try_iter()?.enumerate() {
        let item = item?;
        let s: PyBackedStr = item.extract().map_err(|_| {
            PyTypeError::new_err(format!("texts[{i}]: expected str, found {}", item.get_type().name().map(|n| n.to_string()).unwrap_or_default()))
        })?;
        objects.push(item);
        strs.push(s);
    }
    Ok((objects, strs))
}

impl PyDetector {
    /// Runs `f` over `texts` in parallel (in this detector's pool, or rayon's global one),
    /// results in input order.
    fn par_map<T: Send>(&self, texts: &[PyBackedStr], f: impl Fn(&str) -> T + Sync + Send) -> Vec<T> {
        let run = || texts.par_iter().with_min_len(1).map(|t| f(t)).collect();
        match &self.pool {
            Some(pool) => pool.install(run),
            None => run(),
        }
    }
}

#[pymethods]
impl PyDetector {
    #[new]
    #[pyo3(signature = (patterns=None, builtin=true, categories=None, **options))]
    fn new(
        py: Python<'_>,
        patterns: Option<&Bound<'_, PyAny>>,
        builtin: bool,
        categories: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let settings = Settings::from_args(patterns, builtin, categories, options)?;
        let config = settings.config()?;
        let built = py.allow_threads(|| guarded(|| config.build()))?;
        let detector = built.map_err(|e| match e {
            BuildError::Patterns(e) => pattern_error(py, &e),
            // EN, eng or a language without patterns selected nothing, silently.
            BuildError::Language(e) => PyValueError::new_err(e.to_string()),
            BuildError::Threshold(e) => PyValueError::new_err(format!("threshold {e}")),
        })?;
        let pool = match settings.threads {
            0 => None,
            n => Some(
                rayon::ThreadPoolBuilder::new()
                    // Capped as the CLI's -j is: thousands of threads only cost memory.
                    .num_threads(boilerguard::corpus::pipeline::worker_threads(n))
                    .thread_name(|i| format!("boilerguard-{i}"))
                    .build()
                    .map_err(|e| PyRuntimeError::new_err(format!("cannot start {n} threads: {e}")))?,
            ),
        };
        Ok(PyDetector { detector, settings, pool })
    }

    /// The boilerplate blocks of `text`, in text order (`start`/`end` are `str` indices).
    fn scan(&self, py: Python<'_>, text: PyBackedStr) -> PyResult<Vec<Block>> {
        py.allow_threads(|| guarded(|| to_blocks(&text, &self.detector.findings(&text))))
    }

    /// `text` with every boilerplate block removed (its whole lines, line ends included);
    /// everything else is kept character for character.
    fn clean(&self, py: Python<'_>, text: Bound<'_, PyString>) -> PyResult<Py<PyAny>> {
        let s: PyBackedStr = text.extract()?;
        let cleaned = py.allow_threads(|| {
            guarded(|| {
                let findings = self.detector.findings(&s);
                (!findings.is_empty()).then(|| boilerguard::detector::remove_findings(&s, &findings))
            })
        })?;
        Ok(match cleaned {
            Some(c) => PyString::new(py, &c).into_any().unbind(),
            None => text.into_any().unbind(),
        })
    }

    /// Both at once: `(clean(text), scan(text))`, from one analysis.
    fn scan_clean<'py>(&self, py: Python<'py>, text: Bound<'py, PyString>) -> PyResult<(Py<PyAny>, Vec<Block>)> {
        let s: PyBackedStr = text.extract()?;
        let (cleaned, blocks) = py.allow_threads(|| guarded(|| clean_one(&self.detector, &s)))?;
        let cleaned = match cleaned {
            Some(c) => PyString::new(py, &c).into_any().unbind(),
            None => text.into_any().unbind(),
        };
        Ok((cleaned, blocks))
    }

    /// Every block of `text` with its label, score, matched patterns and the reason, as the
    /// CLI's `explain` prints it, with offsets as `str` indices (code points) like `Block`'s.
    fn explain(&self, py: Python<'_>, text: PyBackedStr) -> PyResult<String> {
        py.allow_threads(|| {
            guarded(|| render_with(&self.detector, &self.detector.analyze(&text), Offsets::Chars))
        })
    }

    /// `[scan(t) for t in texts]`, computed in parallel without the GIL; input order kept.
    fn scan_many(&self, py: Python<'_>, texts: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<Block>>> {
        let (_, strs) = texts_of(texts)?;
        py.allow_threads(|| guarded(|| self.par_map(&strs, |t| to_blocks(t, &self.detector.findings(t)))))
    }

    /// `[clean(t) for t in texts]`, computed in parallel without the GIL; input order kept.
    /// Texts with nothing removed are returned as the same objects.
    fn clean_many<'py>(&self, py: Python<'py>, texts: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        let (objects, strs) = texts_of(texts)?;
        let cleaned = py.allow_threads(|| {
            guarded(|| {
                self.par_map(&strs, |t| {
                    let findings = self.detector.findings(t);
                    (!findings.is_empty()).then(|| boilerguard::detector::remove_findings(t, &findings))
                })
            })
        })?;
        drop(strs);
        let items = cleaned.into_iter().zip(objects).map(|(c, original)| match c {
            Some(c) => PyString::new(py, &c).into_any(),
            None => original,
        });
        PyList::new(py, items)
    }

    /// `[scan_clean(t) for t in texts]`, in parallel without the GIL; input order kept.
    fn scan_clean_many<'py>(&self, py: Python<'py>, texts: &Bound<'py, PyAny>) -> PyResult<Vec<(Py<PyAny>, Vec<Block>)>> {
        let (objects, strs) = texts_of(texts)?;
        let results = py.allow_threads(|| guarded(|| self.par_map(&strs, |t| clean_one(&self.detector, t))))?;
        drop(strs);
        Ok(results
            .into_iter()
            .zip(objects)
            .map(|((c, blocks), original)| {
                let text = match c {
                    Some(c) => PyString::new(py, &c).into_any().unbind(),
                    None => original.unbind(),
                };
                (text, blocks)
            })
            .collect())
    }

    /// The options this detector was made with, as keyword arguments of `Detector`.
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.settings.to_dict(py)
    }

    /// The ids of the patterns in use, in load order.
    #[getter]
    fn pattern_ids(&self) -> Vec<String> {
        self.detector.patterns().iter().map(|p| p.id.clone()).collect()
    }

    fn __repr__(&self) -> String {
        let s = &self.settings;
        format!(
            "Detector(patterns={:?}, builtin={}, categories={}, threshold={}, languages={:?}, blocks={:?}, threads={}) with {} patterns",
            s.patterns,
            if s.builtin { "True" } else { "False" },
            s.categories.as_ref().map_or("None".to_string(), |c| format!("{c:?}")),
            s.threshold,
            s.languages,
            s.blocks.name(),
            s.threads,
            self.detector.patterns().len()
        )
    }

    /// Pickles as `boilerguard._rebuild(config)`: the options, not the compiled automaton.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyDict>,))> {
        let rebuild = py.import("boilerguard")?.getattr("_rebuild")?;
        Ok((rebuild, (self.settings.to_dict(py)?,)))
    }
}

/// Cleaned text (`None` when nothing is removed) and blocks of one text, from one analysis.
fn clean_one(detector: &Detector, text: &str) -> (Option<String>, Vec<Block>) {
    let findings = detector.findings(text);
    let cleaned = (!findings.is_empty()).then(|| boilerguard::detector::remove_findings(text, &findings));
    (cleaned, to_blocks(text, &findings))
}

/// The native part of the `boilerguard` Python package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDetector>()?;
    m.add_class::<Block>()?;
    m.add("PatternError", m.py().get_type::<PatternError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

// The class is shared between threads by Python (and released to rayon's workers).
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<PyDetector>();
    assert_send_sync::<Block>();
};
