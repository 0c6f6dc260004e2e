//! Finding inputs (files, directories, `-`) and opening them with decompression.
use crate::error::CorpusError;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// How records are laid out in an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// From the content, then the file name: Parquet's `PAR1` magic and a stream that starts
    /// with a WARC version line win over the name (unless the name says JSONL); then `.jsonl`,
    /// `.ndjson` → JSONL, `.warc`, `.wet` → WARC, `.txt`, `.text`, `.md` → text; for any other
    /// name and for standard input, JSONL when the first non-blank byte is `{` and the first
    /// line is JSON, else text.
    Auto,
    /// The whole file is one document.
    Text,
    /// One JSON object per line.
    Jsonl,
    /// WARC records (Common Crawl WARC or WET); one document per `conversion` record.
    Warc,
    /// A Parquet file (`PAR1` magic, or `.parquet`): one document per row of its text column.
    Parquet,
}

crate::named::named!(InputFormat, "input format", { Auto => "auto", Text => "text", Jsonl => "jsonl", Warc => "warc", Parquet => "parquet" });

/// Compression of an input or output stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// Plain bytes.
    None,
    /// gzip (`.gz`).
    Gzip,
    /// Zstandard (`.zst`).
    Zstd,
}

impl Compression {
    /// From a file name's last extension.
    pub fn from_name(path: &Path) -> Compression {
        match path.extension().and_then(|e| e.to_str()) {
            Some("gz" | "gzip") => Compression::Gzip,
            Some("zst" | "zstd") => Compression::Zstd,
            _ => Compression::None,
        }
    }

    /// From a stream's first bytes; magic bytes win over file names.
    pub fn from_magic(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else {
            None
        }
    }
}

/// One input: a file or standard input.
#[derive(Clone, Debug)]
pub struct Input {
    /// `None` for standard input.
    pub path: Option<PathBuf>,
    /// The path relative to the argument it was found under (for mirroring into `-o DIR`).
    pub relative: PathBuf,
    /// How it is shown in messages and records.
    pub display: String,
    /// Its record layout (never `Auto` for files; may be `Auto` for stdin until sniffed).
    pub format: InputFormat,
    /// Size on disk, for progress (0 for stdin).
    pub size: u64,
}

/// Options of input discovery.
#[derive(Clone, Debug)]
pub struct InputOptions {
    /// Forced format, or `Auto`.
    pub format: InputFormat,
    /// Glob patterns that select files in directories; a leading `!` excludes.
    pub globs: Vec<String>,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions { format: InputFormat::Auto, globs: Vec::new() }
    }
}

/// The result of discovery: inputs, and problems met on the way (reported, not fatal).
#[derive(Debug, Default)]
pub struct Discovered {
    /// Inputs, in argument order, directory entries sorted by name.
    pub inputs: Vec<Input>,
    /// Paths that could not be read (loops, permissions, missing).
    pub errors: Vec<CorpusError>,
    /// Files inside directories skipped because their extension is not a corpus format.
    pub skipped: Vec<PathBuf>,
}

/// Strips a compression extension, then decides the format from what is left. Works on the
/// name's bytes, so a file whose name is not UTF-8 is recognised like any other.
pub fn format_from_name(path: &Path) -> Option<InputFormat> {
    use std::os::unix::ffi::OsStrExt;
    let lower = path.file_name()?.as_bytes().to_ascii_lowercase();
    let compressed = [&b".gz"[..], b".zst", b".zstd"];
    let name = compressed.iter().find_map(|suffix| lower.strip_suffix(*suffix)).unwrap_or(&lower);
    let ext = match name.iter().rposition(|&b| b == b'.') {
        Some(dot) if dot > 0 => &name[dot + 1..],
        _ => &[],
    };
    match ext {
        b"jsonl" | b"ndjson" => Some(InputFormat::Jsonl),
        b"txt" | b"text" | b"md" => Some(InputFormat::Text),
        b"warc" | b"wet" => Some(InputFormat::Warc),
        b"parquet" | b"parq" if name.len() == lower.len() => Some(InputFormat::Parquet),
        _ => None,
    }
}

fn build_globs(globs: &[String]) -> Result<(Option<GlobSet>, GlobSet), CorpusError> {
    let mut include = GlobSetBuilder::new();
    let mut exclude = GlobSetBuilder::new();
    let mut any_include = false;
    for g in globs {
        let (negated, pattern) = match g.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, g.as_str()),
        };
        let glob = Glob::new(pattern).map_err(|e| CorpusError::Other(format!("invalid glob {g:?}: {e}")))?;
        if negated {
            exclude.add(glob);
        } else {
            any_include = true;
            include.add(glob);
        }
    }
    let build = |b: GlobSetBuilder| b.build().map_err(|e| CorpusError::Other(format!("invalid globs: {e}")));
    Ok((if any_include { Some(build(include)?) } else { None }, build(exclude)?))
}

/// Expands `paths` (files, directories, `-`) into inputs.
pub fn discover(paths: &[PathBuf], options: &InputOptions) -> Result<Discovered, CorpusError> {
    let (include, exclude) = build_globs(&options.globs)?;
    let mut found = Discovered::default();
    for path in paths {
        if path.as_os_str() == "-" {
            found.inputs.push(Input {
                path: None,
                relative: PathBuf::from("stdin"),
                display: "<stdin>".into(),
                format: options.format,
                size: 0,
            });
            continue;
        }
        match std::fs::metadata(path) {
            Err(e) => found.errors.push(CorpusError::io(path, e)),
            Ok(meta) if meta.is_dir() => walk_dir(path, options, include.as_ref(), &exclude, &mut found),
            Ok(meta) => {
                let relative = PathBuf::from(path.file_name().unwrap_or(path.as_os_str()));
                found.inputs.push(file_input(path, relative, options.format, meta.len()));
            }
        }
    }
    Ok(found)
}

fn file_input(path: &Path, relative: PathBuf, forced: InputFormat, size: u64) -> Input {
    let format = match forced {
        // Content wins over the name, as for compression: a Parquet file is Parquet whatever
        // it is called.
        InputFormat::Auto if is_parquet(path) => InputFormat::Parquet,
        // Left to `open`, which looks at the content.
        InputFormat::Auto => format_from_name(path).unwrap_or(InputFormat::Auto),
        f => f,
    };
    Input { path: Some(path.to_path_buf()), relative, display: path.display().to_string(), format, size }
}

fn walk_dir(root: &Path, options: &InputOptions, include: Option<&GlobSet>, exclude: &GlobSet, found: &mut Discovered) {
    for entry in walkdir::WalkDir::new(root).follow_links(true).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                let reason = if e.loop_ancestor().is_some() {
                    io::Error::other("directory symlink loop; not followed again")
                } else {
                    e.into_io_error().unwrap_or_else(|| io::Error::other("cannot walk directory"))
                };
                found.errors.push(CorpusError::io(path, reason));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
        if exclude.is_match(&relative) || include.is_some_and(|inc| !inc.is_match(&relative)) {
            continue;
        }
        let known = format_from_name(entry.path()).is_some();
        if !known && include.is_none() && options.format == InputFormat::Auto {
            found.skipped.push(entry.path().to_path_buf());
            continue;
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        found.inputs.push(file_input(entry.path(), relative, options.format, size));
    }
}

/// True when `path` holds Parquet (by its magic bytes).
fn is_parquet(path: &Path) -> bool {
    #[cfg(feature = "parquet")]
    return super::parquet::has_magic(path);
    #[cfg(not(feature = "parquet"))]
    {
        use std::io::Read;
        let mut head = [0u8; 4];
        File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"PAR1"
    }
}

/// A decompressed input stream.
pub type Stream = Box<dyn BufRead + Send>;

/// Opens `input`, detecting compression by magic bytes (then by name), and resolves an
/// `Auto` format of standard input by sniffing. `on_read` is told how many raw bytes were
/// read, for progress.
pub fn open(
    input: &Input,
    on_read: Option<Box<dyn Fn(u64) + Send>>,
) -> Result<(Stream, InputFormat, Compression), CorpusError> {
    let path_for_errors = input.path.clone().unwrap_or_else(|| PathBuf::from("<stdin>"));
    let raw: Box<dyn Read + Send> = match &input.path {
        Some(path) => Box::new(File::open(path).map_err(|e| CorpusError::io(path, e))?),
        None => Box::new(io::stdin()),
    };
    let raw: Box<dyn Read + Send> = match on_read {
        Some(f) => Box::new(Counting { inner: raw, on_read: f }),
        None => raw,
    };
    let mut raw = BufReader::with_capacity(256 * 1024, raw);
    let head = raw.fill_buf().map_err(|e| CorpusError::io(&path_for_errors, e))?;
    let by_name = input.path.as_deref().map_or(Compression::None, Compression::from_name);
    let compression =
        Compression::from_magic(head).unwrap_or(if head.is_empty() { by_name } else { Compression::None });
    let stream: Stream = match compression {
        Compression::None => Box::new(raw),
        Compression::Gzip => Box::new(BufReader::with_capacity(256 * 1024, flate2::bufread::MultiGzDecoder::new(raw))),
        Compression::Zstd => {
            let decoder =
                zstd::stream::read::Decoder::with_buffer(raw).map_err(|e| CorpusError::io(&path_for_errors, e))?;
            Box::new(BufReader::with_capacity(256 * 1024, decoder))
        }
    };
    let mut stream = stream;
    // Content wins over the name, as magic bytes do for compression: a WARC version line at
    // the start makes a text (or unknown) input WARC. JSONL stays JSONL.
    if matches!(input.format, InputFormat::Auto | InputFormat::Text) {
        let head = stream.fill_buf().map_err(|e| CorpusError::io(&path_for_errors, e))?;
        if super::warc::is_warc(head) {
            return Ok((stream, InputFormat::Warc, compression));
        }
    }
    let format = match input.format {
        InputFormat::Auto => {
            let head = stream.fill_buf().map_err(|e| CorpusError::io(&path_for_errors, e))?;
            if head.starts_with(b"PAR1") {
                return Err(CorpusError::Other(format!(
                    "{}: Parquet cannot be read from standard input (its index is at the end of the file); \
                     write it to a file first",
                    input.display
                )));
            }
            sniff(head)
        }
        f => f,
    };
    Ok((stream, format, compression))
}

/// JSONL when the first non-blank byte of `head` is `{` and its first line is JSON (or runs
/// on past `head`), else text: a text that merely starts with a brace stays text.
fn sniff(head: &[u8]) -> InputFormat {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(start) = head.iter().position(|b| !b.is_ascii_whitespace()) else { return InputFormat::Text };
    if head[start] != b'{' {
        return InputFormat::Text;
    }
    let rest = &head[start..];
    let line = memchr::memchr(b'\n', rest).map_or(rest, |end| &rest[..end]);
    match serde_json::from_slice::<serde::de::IgnoredAny>(line) {
        Ok(_) => InputFormat::Jsonl,
        Err(e) if e.is_eof() && line.len() == rest.len() => InputFormat::Jsonl,
        Err(_) => InputFormat::Text,
    }
}

struct Counting {
    inner: Box<dyn Read + Send>,
    on_read: Box<dyn Fn(u64) + Send>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.on_read)(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_names() {
        use std::os::unix::ffi::OsStrExt;
        assert_eq!(format_from_name(Path::new("a/part-1.jsonl.zst")), Some(InputFormat::Jsonl));
        assert_eq!(format_from_name(Path::new("x.NDJSON")), Some(InputFormat::Jsonl));
        assert_eq!(format_from_name(Path::new("x.txt.gz")), Some(InputFormat::Text));
        assert_eq!(format_from_name(Path::new("x.bin")), None);
        let cc = "CC-MAIN-20240101-00000.warc.wet.gz";
        for warc in [cc, "a.warc.gz", "a.warc", "a.wet", "a.WARC.ZST"] {
            assert_eq!(format_from_name(Path::new(warc)), Some(InputFormat::Warc), "{warc}");
        }
        assert_eq!(format_from_name(Path::new(".jsonl")), None);
        assert_eq!(format_from_name(Path::new("d/part-00000.PARQUET")), Some(InputFormat::Parquet));
        assert_eq!(format_from_name(Path::new("part.parquet.gz")), None);
        let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.jsonl");
        assert_eq!(format_from_name(Path::new(latin1)), Some(InputFormat::Jsonl));
    }

    #[test]
    fn parquet_is_recognised_by_content_whatever_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let disguised = dir.path().join("shard.jsonl");
        std::fs::write(&disguised, b"PAR1\x15\x04junk").unwrap();
        let found = discover(&[disguised], &InputOptions::default()).unwrap();
        assert_eq!(found.inputs[0].format, InputFormat::Parquet);
        let named = dir.path().join("empty.parquet");
        std::fs::write(&named, b"").unwrap();
        let found = discover(&[dir.path().to_path_buf()], &InputOptions::default()).unwrap();
        let formats: Vec<_> = found.inputs.iter().map(|i| (i.relative.clone(), i.format)).collect();
        assert_eq!(
            formats,
            [
                (PathBuf::from("empty.parquet"), InputFormat::Parquet),
                (PathBuf::from("shard.jsonl"), InputFormat::Parquet)
            ]
        );
    }

    #[test]
    fn magic_bytes_win() {
        assert_eq!(Compression::from_magic(&[0x1f, 0x8b, 8]), Some(Compression::Gzip));
        assert_eq!(Compression::from_magic(&[0x28, 0xb5, 0x2f, 0xfd, 0]), Some(Compression::Zstd));
        assert_eq!(Compression::from_magic(b"{\"id\""), None);
    }

    #[test]
    fn content_decides_between_jsonl_and_text() {
        assert_eq!(sniff(b"\n  {\"id\":\"a\",\"text\":\"x\"}\n{}"), InputFormat::Jsonl);
        assert_eq!(sniff(b"\xEF\xBB\xBF{\"text\":\"x\"}"), InputFormat::Jsonl);
        // A first line cut off by the end of the buffer is taken for what it starts as.
        assert_eq!(sniff(b"{\"text\":\"a very long li"), InputFormat::Jsonl);
        assert_eq!(sniff(b"{braces} open this text\nand more"), InputFormat::Text);
        assert_eq!(sniff(b"Plain text\n{\"id\":1}"), InputFormat::Text);
        assert_eq!(sniff(b""), InputFormat::Text);
    }
}
