//! Output files: written so that a reader never sees half a file, and so that nothing that
//! is not a plain file is ever replaced.
//!
//! A regular file (new or existing) is written to a temporary file beside it and renamed into
//! place on success, so an interrupted run leaves no half-written file under the final name.
//! The temporary file gets the mode `open(…, 0o666)` would give under the process umask, or
//! the mode of the file it replaces, so shared corpora stay readable to the people who share
//! them. A symlink at the output path is followed: the file it points to is replaced, the link
//! stays. Anything else (a device, a FIFO, `-` for standard output) is written through
//! directly: renaming over `/dev/null` would replace the device with a regular file.
//!
//! Temporary files of a run are registered while they live, so that an interrupt (SIGINT,
//! SIGTERM) can remove them: see [`remove_pending_temp_files`]. Those of a run killed outright
//! (`kill -9`) stay behind; [`stale_temp_files`] finds them.
use super::input::Compression;
use crate::error::CorpusError;
use std::fs::OpenOptions;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Prefix of every temporary file a run writes beside its outputs.
pub const TEMP_PREFIX: &str = ".boilerguard-";
/// Suffix of every temporary file a run writes beside its outputs.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Temporary files alive in this process, for the signal handler.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A panic while holding the lock leaves a list that is still valid.
    PENDING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Removes every temporary file this process is still writing. Meant for a signal handler
/// that then exits: the files' owners will not get to commit them.
pub fn remove_pending_temp_files() {
    for path in pending().drain(..) {
        let _ = std::fs::remove_file(path);
    }
}

/// Where the bytes go.
enum Sink {
    /// A temporary file renamed over its target on commit.
    Temp(Temp),
    /// A device, FIFO or standard output, written in place.
    Through(Box<dyn Write + Send>),
}

/// A registered temporary file; `tmp` is taken out only to be persisted.
struct Temp {
    tmp: Option<tempfile::NamedTempFile>,
    target: PathBuf,
}

impl Drop for Temp {
    fn drop(&mut self) {
        // The NamedTempFile removes itself; only the registry needs telling.
        if let Some(tmp) = &self.tmp {
            unregister(tmp.path());
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Temp(Temp { tmp: Some(tmp), .. }) => tmp.write(buf),
            Sink::Temp(Temp { tmp: None, .. }) => Err(io::Error::other("output already committed")),
            Sink::Through(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Temp(Temp { tmp: Some(tmp), .. }) => tmp.flush(),
            Sink::Temp(Temp { tmp: None, .. }) => Ok(()),
            Sink::Through(w) => w.flush(),
        }
    }
}

enum Encoder {
    Plain(BufWriter<Sink>),
    Gzip(flate2::write::GzEncoder<BufWriter<Sink>>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<Sink>>),
}

/// A file being written; a regular file appears under its name only after
/// [`AtomicFile::commit`], and is removed if dropped before.
pub struct AtomicFile {
    target: PathBuf,
    encoder: Encoder,
}

/// What an output path is when the run starts.
#[derive(Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// Nothing there yet, or a regular file (possibly behind symlinks): written via a
    /// temporary file in the directory of this path, which is the link's final target.
    Regular(PathBuf),
    /// A device, FIFO or socket (possibly behind symlinks), or `-`: written through.
    Special,
}

/// Classifies `target`, following symlinks (dangling ones too: the file is created where the
/// link points).
pub fn target_kind(target: &Path) -> Result<TargetKind, CorpusError> {
    if target.as_os_str() == "-" || is_stream_path(target) {
        return Ok(TargetKind::Special);
    }
    let resolved = follow_links(target)?;
    match std::fs::metadata(&resolved) {
        Ok(meta) if meta.is_dir() => {
            Err(CorpusError::io(target, io::Error::other("is a directory; name a file to write")))
        }
        Ok(meta) if meta.is_file() => Ok(TargetKind::Regular(resolved)),
        Ok(_) => Ok(TargetKind::Special),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(TargetKind::Regular(resolved)),
        Err(e) => Err(CorpusError::io(target, e)),
    }
}

/// `/dev/stdout`, `/proc/self/fd/1` and their kin name an open stream, even when it is
/// redirected to a regular file: replacing that file would break the shell's redirection
/// (`>>` appends), so they are written through.
fn is_stream_path(path: &Path) -> bool {
    path.starts_with("/dev/") || path.starts_with("/proc/")
}

/// The path a chain of symlinks ends at (the path itself when it is no link).
fn follow_links(path: &Path) -> Result<PathBuf, CorpusError> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&current).map_err(|e| CorpusError::io(&current, e))?;
                current = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(CorpusError::io(path, io::Error::other("too many levels of symbolic links")))
}

impl AtomicFile {
    /// Starts writing `target` with `compression`, creating its parent directories.
    pub fn create(target: &Path, compression: Compression) -> Result<Self, CorpusError> {
        let sink = match target_kind(target)? {
            TargetKind::Special if target.as_os_str() == "-" => Sink::Through(Box::new(io::stdout())),
            // Appending is writing for a device or a FIFO, and keeps a `>>` redirection intact.
            TargetKind::Special => Sink::Through(Box::new(
                OpenOptions::new().append(true).open(target).map_err(|e| CorpusError::io(target, e))?,
            )),
            TargetKind::Regular(real) => temp_beside(&real)?,
        };
        let file = BufWriter::with_capacity(1 << 20, sink);
        let encoder = match compression {
            Compression::None => Encoder::Plain(file),
            Compression::Gzip => Encoder::Gzip(flate2::write::GzEncoder::new(file, flate2::Compression::default())),
            Compression::Zstd => {
                Encoder::Zstd(zstd::stream::write::Encoder::new(file, 3).map_err(|e| CorpusError::io(target, e))?)
            }
        };
        Ok(AtomicFile { target: target.to_path_buf(), encoder })
    }

    /// Finishes the stream and puts the file in place.
    pub fn commit(self) -> Result<(), CorpusError> {
        let target = self.target;
        let io = |e: io::Error| CorpusError::io(&target, e);
        let file = match self.encoder {
            Encoder::Plain(w) => w,
            Encoder::Gzip(w) => w.finish().map_err(io)?,
            Encoder::Zstd(w) => w.finish().map_err(io)?,
        };
        match file.into_inner().map_err(|e| io(e.into_error()))? {
            Sink::Temp(mut temp) => {
                let Some(tmp) = temp.tmp.take() else { return Ok(()) };
                tmp.as_file().sync_all().map_err(io)?;
                let tmp_path = tmp.path().to_path_buf();
                tmp.persist(&temp.target).map_err(|e| io(e.error))?;
                unregister(&tmp_path);
            }
            Sink::Through(mut w) => w.flush().map_err(io)?,
        }
        Ok(())
    }

    /// The path as given.
    pub fn target(&self) -> &Path {
        &self.target
    }
}

fn unregister(path: &Path) {
    pending().retain(|p| p != path);
}

/// A temporary file in `real`'s directory with the mode the final file should get.
fn temp_beside(real: &Path) -> Result<Sink, CorpusError> {
    let dir = real.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| CorpusError::io(dir, e))?;
    let existing_mode = std::fs::metadata(real).ok().map(|m| m.permissions().mode());
    // 0o666 is filtered by the umask when the file is created, as for any `open(2)`.
    let tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(|e| CorpusError::io(dir, e))?;
    if let Some(mode) = existing_mode {
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode)).map_err(|e| CorpusError::io(real, e))?;
    }
    pending().push(tmp.path().to_path_buf());
    Ok(Sink::Temp(Temp { tmp: Some(tmp), target: real.to_path_buf() }))
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.encoder {
            Encoder::Plain(w) => w.write(buf),
            Encoder::Gzip(w) => w.write(buf),
            Encoder::Zstd(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.encoder {
            Encoder::Plain(w) => w.flush(),
            Encoder::Gzip(w) => w.flush(),
            Encoder::Zstd(w) => w.flush(),
        }
    }
}

/// Writes `bytes` to `target` by the rules above, in one go.
pub fn write_file(target: &Path, bytes: &[u8]) -> Result<(), CorpusError> {
    let mut file = AtomicFile::create(target, Compression::None)?;
    file.write_all(bytes).map_err(|e| CorpusError::io(target, e))?;
    file.commit()
}

/// Temporary files left by killed runs: in `dir` and, when `recursive`, below it.
pub fn stale_temp_files(dir: &Path, recursive: bool) -> Vec<PathBuf> {
    let depth = if recursive { usize::MAX } else { 1 };
    walkdir::WalkDir::new(dir)
        .max_depth(depth)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_temp_name(e.file_name()))
        .map(|e| e.into_path())
        .collect()
}

fn is_temp_name(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with(TEMP_PREFIX) && n.ends_with(TEMP_SUFFIX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn nothing_appears_before_commit_and_compression_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        for (name, compression) in
            [("a.txt", Compression::None), ("a.txt.gz", Compression::Gzip), ("a.txt.zst", Compression::Zstd)]
        {
            let target = dir.path().join("sub").join(name);
            let mut f = AtomicFile::create(&target, compression).unwrap();
            f.write_all(b"hello\n").unwrap();
            assert!(!target.exists());
            f.commit().unwrap();
            let (mut stream, _, detected) = crate::corpus::input::open(
                &crate::corpus::Input {
                    path: Some(target.clone()),
                    relative: name.into(),
                    display: name.into(),
                    format: crate::corpus::InputFormat::Text,
                    size: 0,
                },
                None,
            )
            .unwrap();
            assert_eq!(detected, compression);
            let mut s = String::new();
            stream.read_to_string(&mut s).unwrap();
            assert_eq!(s, "hello\n");
        }
    }

    #[test]
    fn dropped_without_commit_leaves_nothing_and_is_unregistered() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.jsonl");
        {
            let mut f = AtomicFile::create(&target, Compression::None).unwrap();
            f.write_all(b"partial").unwrap();
            assert!(pending().iter().any(|p| p.starts_with(dir.path())));
        }
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        assert!(!pending().iter().any(|p| p.starts_with(dir.path())));
    }

    #[test]
    fn a_replaced_file_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("kept.txt");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&target, b"new").unwrap();
        assert_eq!((mode(&target), std::fs::read_to_string(&target).unwrap().as_str()), (0o640, "new"));
    }

    #[test]
    fn a_symlink_is_followed_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        let link = dir.path().join("link.txt");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        write_file(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink("made-by-write.txt", &dangling).unwrap();
        write_file(&dangling, b"x").unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("made-by-write.txt")).unwrap(), "x");
    }

    #[test]
    fn a_directory_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let err = AtomicFile::create(dir.path(), Compression::None).err().unwrap().to_string();
        assert!(err.contains("is a directory"), "{err}");
    }

    #[test]
    fn stream_paths_are_written_through_by_name() {
        // Classified from the name alone: nothing under /dev or /proc is opened here.
        for path in ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/2"] {
            assert!(is_stream_path(Path::new(path)), "{path}");
        }
        assert!(!is_stream_path(Path::new("devices/out.jsonl")));
    }

    #[test]
    fn stale_temp_files_are_found_by_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/.boilerguard-abc.tmp"), "x").unwrap();
        std::fs::write(dir.path().join("sub/other.tmp"), "x").unwrap();
        assert_eq!(stale_temp_files(dir.path(), true), vec![dir.path().join("sub/.boilerguard-abc.tmp")]);
        assert!(stale_temp_files(dir.path(), false).is_empty());
    }
}
