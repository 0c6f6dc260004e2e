//! Cutting a stream into records without trusting its line lengths.
//!
//! A corpus line can be hundreds of megabytes (a scraped page with no newlines, or binary
//! junk). Records longer than the configured limit are skipped while their size is counted,
//! so memory stays bounded by the limit and the record is reported, not silently cut. When
//! asked to, the reader spills such a record to an anonymous temporary file instead of
//! dropping its bytes, so that the rejects file can keep it whole.
use memchr::memchr;
use std::fs::File;
use std::io::{self, BufRead, Seek, Write};

/// What the reader found.
#[derive(Debug)]
pub enum Record {
    /// A record; its bytes were appended to the caller's buffer (without the `\n`).
    Complete,
    /// A record longer than the limit; `size` is its full length in bytes.
    Oversized {
        /// Its length in bytes.
        size: u64,
        /// Its bytes, rewound, when the reader keeps oversized records.
        spill: Option<File>,
    },
}

/// Reads `\n`-terminated records up to `max` bytes each.
pub struct LineReader<R> {
    inner: R,
    max: usize,
    line: u64,
    keep_oversized: bool,
}

/// Where the bytes of the record being read go: the caller's buffer, or past the size limit a
/// spill file (or nowhere). Shared with the WARC reader.
pub(crate) struct Destination<'a> {
    buf: &'a mut Vec<u8>,
    start_len: usize,
    max: usize,
    size: u64,
    oversized: bool,
    keep: bool,
    spill: Option<File>,
}

impl<'a> Destination<'a> {
    /// A destination appending to `buf`, up to `max` bytes, spilling past it when `keep`.
    pub(crate) fn new(buf: &'a mut Vec<u8>, max: usize, keep: bool) -> Self {
        let start_len = buf.len();
        Destination { buf, start_len, max, size: 0, oversized: false, keep, spill: None }
    }

    /// Bytes pushed so far.
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// True once the bytes went past the limit (and out of the buffer).
    pub(crate) fn oversized(&self) -> bool {
        self.oversized
    }

    /// The caller's buffer.
    pub(crate) fn buffer(&self) -> &[u8] {
        self.buf
    }

    /// Keeps only the first `len` bytes pushed (only before the limit was crossed).
    pub(crate) fn truncate_to(&mut self, len: usize) {
        if !self.oversized {
            self.buf.truncate(self.start_len + len);
            self.size = len as u64;
        }
    }

    pub(crate) fn push(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.size += bytes.len() as u64;
        if !self.oversized && self.size as usize > self.max {
            self.oversized = true;
            if self.keep {
                let mut file = tempfile::tempfile()?;
                file.write_all(&self.buf[self.start_len..])?;
                self.spill = Some(file);
            }
            self.buf.truncate(self.start_len);
        }
        match (&mut self.spill, self.oversized) {
            (Some(file), true) => file.write_all(bytes),
            (None, true) => Ok(()),
            (_, false) => {
                self.buf.extend_from_slice(bytes);
                Ok(())
            }
        }
    }

    pub(crate) fn finish(self) -> io::Result<Record> {
        if !self.oversized {
            return Ok(Record::Complete);
        }
        let spill = match self.spill {
            Some(mut file) => {
                file.rewind()?;
                Some(file)
            }
            None => None,
        };
        Ok(Record::Oversized { size: self.size, spill })
    }
}

impl<R: BufRead> LineReader<R> {
    /// A reader of records of at most `max` bytes.
    pub fn new(inner: R, max: usize) -> Self {
        LineReader { inner, max, line: 0, keep_oversized: false }
    }

    /// Keeps the bytes of oversized records in temporary files instead of dropping them.
    pub fn keep_oversized(mut self, keep: bool) -> Self {
        self.keep_oversized = keep;
        self
    }

    fn destination<'a>(&self, buf: &'a mut Vec<u8>) -> Destination<'a> {
        Destination::new(buf, self.max, self.keep_oversized)
    }

    /// The 1-based line number of the record last returned.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Appends the next record to `buf`; `None` at the end of the stream.
    pub fn next_into(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<Record>> {
        let mut dest = self.destination(buf);
        let mut any = false;
        loop {
            let available = self.inner.fill_buf()?;
            if available.is_empty() {
                if !any {
                    return Ok(None);
                }
                break;
            }
            any = true;
            let (take, done) = match memchr(b'\n', available) {
                Some(i) => (i, true),
                None => (available.len(), false),
            };
            dest.push(&available[..take])?;
            self.inner.consume(take + usize::from(done));
            if done {
                break;
            }
        }
        self.line += 1;
        dest.finish().map(Some)
    }

    /// Appends the whole rest of the stream to `buf` as one record (text documents).
    pub fn read_all_into(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<Record>> {
        let mut dest = self.destination(buf);
        loop {
            let available = self.inner.fill_buf()?;
            if available.is_empty() {
                break;
            }
            let n = available.len();
            dest.push(available)?;
            self.inner.consume(n);
        }
        self.line = 1;
        if dest.size == 0 {
            return Ok(None);
        }
        dest.finish().map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lines_and_keeps_the_last_unterminated_one() {
        let mut r = LineReader::new(&b"a\nbb\n\nccc"[..], 100);
        let mut got = Vec::new();
        loop {
            let mut buf = Vec::new();
            match r.next_into(&mut buf).unwrap() {
                Some(Record::Complete) => got.push(String::from_utf8(buf).unwrap()),
                Some(other) => panic!("{other:?}"),
                None => break,
            }
        }
        assert_eq!(got, vec!["a", "bb", "", "ccc"]);
    }

    #[test]
    fn oversized_lines_are_measured_and_skipped() {
        let data = format!("short\n{}\nafter\n", "x".repeat(1000));
        let mut r = LineReader::new(std::io::BufReader::with_capacity(16, data.as_bytes()), 100);
        let mut buf = Vec::new();
        assert!(matches!(r.next_into(&mut buf).unwrap(), Some(Record::Complete)));
        buf.clear();
        assert!(matches!(r.next_into(&mut buf).unwrap(), Some(Record::Oversized { size: 1000, spill: None })));
        assert!(buf.is_empty());
        assert_eq!(r.line(), 2);
        assert!(matches!(r.next_into(&mut buf).unwrap(), Some(Record::Complete)));
        assert_eq!(buf, b"after");
    }

    #[test]
    fn oversized_records_are_spilled_whole_when_kept() {
        use std::io::Read;
        let long = "y".repeat(1000);
        let data = format!("{long}\nafter\n");
        let mut r = LineReader::new(std::io::BufReader::with_capacity(16, data.as_bytes()), 100).keep_oversized(true);
        let mut buf = Vec::new();
        let Some(Record::Oversized { size: 1000, spill: Some(mut file) }) = r.next_into(&mut buf).unwrap() else {
            panic!("not spilled")
        };
        let mut kept = String::new();
        file.read_to_string(&mut kept).unwrap();
        assert_eq!((kept, buf.len()), (long, 0));
        let mut text =
            LineReader::new(std::io::BufReader::with_capacity(16, data.as_bytes()), 100).keep_oversized(true);
        let Some(Record::Oversized { spill: Some(mut file), .. }) = text.read_all_into(&mut buf).unwrap() else {
            panic!("not spilled")
        };
        let mut whole = String::new();
        file.read_to_string(&mut whole).unwrap();
        assert_eq!(whole, data);
    }
}
