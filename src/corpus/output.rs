//! Output files written atomically: a temporary file beside the target, renamed on success.
//!
//! An interrupted run leaves no half-written file under the final name, and an input is
//! never opened for writing.
use super::input::Compression;
use crate::error::CorpusError;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

enum Encoder {
    Plain(BufWriter<tempfile::NamedTempFile>),
    Gzip(flate2::write::GzEncoder<BufWriter<tempfile::NamedTempFile>>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<tempfile::NamedTempFile>>),
}

/// A file being written; it appears under its name only after [`AtomicFile::commit`].
pub struct AtomicFile {
    target: PathBuf,
    encoder: Encoder,
}

impl AtomicFile {
    /// Starts writing `target` with `compression`, creating its parent directories.
    pub fn create(target: &Path, compression: Compression) -> Result<Self, CorpusError> {
        let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| CorpusError::io(dir, e))?;
        let tmp = tempfile::Builder::new()
            .prefix(".boilerguard-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| CorpusError::io(dir, e))?;
        let file = BufWriter::with_capacity(1 << 20, tmp);
        let encoder = match compression {
            Compression::None => Encoder::Plain(file),
            Compression::Gzip => Encoder::Gzip(flate2::write::GzEncoder::new(file, flate2::Compression::default())),
            Compression::Zstd => {
                Encoder::Zstd(zstd::stream::write::Encoder::new(file, 3).map_err(|e| CorpusError::io(target, e))?)
            }
        };
        Ok(AtomicFile { target: target.to_path_buf(), encoder })
    }

    /// Finishes the stream and renames the file into place.
    pub fn commit(self) -> Result<(), CorpusError> {
        let target = self.target;
        let io = |e: io::Error| CorpusError::io(&target, e);
        let file = match self.encoder {
            Encoder::Plain(w) => w,
            Encoder::Gzip(w) => w.finish().map_err(io)?,
            Encoder::Zstd(w) => w.finish().map_err(io)?,
        };
        let tmp = file.into_inner().map_err(|e| io(e.into_error()))?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(&target).map_err(|e| io(e.error))?;
        Ok(())
    }

    /// The final path.
    pub fn target(&self) -> &Path {
        &self.target
    }
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

/// True when `a` and `b` name the same existing file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

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
    fn dropped_without_commit_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.jsonl");
        {
            let mut f = AtomicFile::create(&target, Compression::None).unwrap();
            f.write_all(b"partial").unwrap();
        }
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
