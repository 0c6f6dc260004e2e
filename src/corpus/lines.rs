//! Cutting a stream into records without trusting its line lengths.
//!
//! A corpus line can be hundreds of megabytes (a scraped page with no newlines, or binary
//! junk). Records longer than the configured limit are skipped while their size is counted,
//! so memory stays bounded by the limit and the record is reported, not silently cut.
use memchr::memchr;
use std::io::{self, BufRead};

/// What the reader found.
#[derive(Debug, PartialEq, Eq)]
pub enum Record {
    /// A record; its bytes were appended to the caller's buffer (without the `\n`).
    Complete,
    /// A record longer than the limit; `size` is its full length in bytes.
    Oversized {
        /// Its length in bytes.
        size: u64,
    },
}

/// Reads `\n`-terminated records up to `max` bytes each.
pub struct LineReader<R> {
    inner: R,
    max: usize,
    line: u64,
}

impl<R: BufRead> LineReader<R> {
    /// A reader of records of at most `max` bytes.
    pub fn new(inner: R, max: usize) -> Self {
        LineReader { inner, max, line: 0 }
    }

    /// The 1-based line number of the record last returned.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Appends the next record to `buf`; `None` at the end of the stream.
    pub fn next_into(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<Record>> {
        let start_len = buf.len();
        let mut size: u64 = 0;
        let mut oversized = false;
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
            size += take as u64;
            if !oversized && size as usize > self.max {
                oversized = true;
                buf.truncate(start_len);
            }
            if !oversized {
                buf.extend_from_slice(&available[..take]);
            }
            self.inner.consume(take + usize::from(done));
            if done {
                break;
            }
        }
        self.line += 1;
        Ok(Some(if oversized { Record::Oversized { size } } else { Record::Complete }))
    }

    /// Appends the whole rest of the stream to `buf` as one record (text documents).
    pub fn read_all_into(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<Record>> {
        let start_len = buf.len();
        let mut size: u64 = 0;
        let mut oversized = false;
        loop {
            let available = self.inner.fill_buf()?;
            if available.is_empty() {
                break;
            }
            let n = available.len();
            size += n as u64;
            if !oversized && size as usize > self.max {
                oversized = true;
                buf.truncate(start_len);
            }
            if !oversized {
                buf.extend_from_slice(available);
            }
            self.inner.consume(n);
        }
        self.line = 1;
        if size == 0 {
            return Ok(None);
        }
        Ok(Some(if oversized { Record::Oversized { size } } else { Record::Complete }))
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
        assert_eq!(r.next_into(&mut buf).unwrap(), Some(Record::Complete));
        buf.clear();
        assert_eq!(r.next_into(&mut buf).unwrap(), Some(Record::Oversized { size: 1000 }));
        assert!(buf.is_empty());
        assert_eq!(r.line(), 2);
        assert_eq!(r.next_into(&mut buf).unwrap(), Some(Record::Complete));
        assert_eq!(buf, b"after");
    }
}
