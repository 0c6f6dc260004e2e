//! Common Crawl WARC and WET files: cutting a stream into WARC records, reading their headers,
//! and writing a record back with a new block.
//!
//! A WARC record is a version line (`WARC/1.0`, `WARC/1.1`), header lines, a blank line, a
//! block of exactly `Content-Length` bytes and a `\r\n\r\n` terminator. Common Crawl writes one
//! gzip member per record; [`super::input::open`] reads them with flate2's multi-member
//! decoder, so this module sees the decompressed stream, and offsets in messages are byte
//! offsets in that decompressed stream.
//!
//! The parser is our own (on flate2 for the gzip members) rather than the `warc` crate: that
//! crate keeps a record's headers in a `HashMap`, which loses their order and spelling, and
//! `clean` must write WET back with byte-identical headers. The format is small enough that a
//! reader of our own, with the record offsets and the recovery after damage we need, is less
//! code than working around one. Here the header bytes are kept as read; only
//! `Content-Length` and SHA-1 digests are rewritten when a block changes.
//!
//! A record whose framing is broken (no version line, no or bad `Content-Length`, a block that
//! ends before its `Content-Length` or is not followed by `\r\n\r\n`) is *damaged*: its bytes,
//! up to the next `\r\n\r\nWARC/1.` or the end of the stream, are handed over as one unit so
//! that they can be rejected whole, and reading goes on with the next record. Records before
//! and after the damage are kept.
use super::lines::Destination;
use super::record::{utf8_error, Document};
use memchr::memmem;
use std::borrow::Cow;
use std::io::{self, BufRead};

/// The versions this reader accepts.
const VERSIONS: [&[u8]; 2] = [b"WARC/1.0", b"WARC/1.1"];
/// Where the next record starts when one is damaged: a terminator, then a version line.
const RESYNC: &[u8] = b"\r\n\r\nWARC/1.";
/// Longest header block accepted: real headers are a few hundred bytes.
pub const MAX_HEADER: usize = 1 << 20;
/// The record terminator.
pub const TERMINATOR: &[u8] = b"\r\n\r\n";

/// True when `head`, the first bytes of a decompressed stream, starts with a WARC version line.
pub fn is_warc(head: &[u8]) -> bool {
    VERSIONS.iter().any(|v| head.starts_with(v) && matches!(head.get(v.len()), Some(b'\r' | b'\n')))
}

/// What [`WarcReader::next_into`] found.
#[derive(Debug)]
pub enum WarcItem {
    /// A well-framed record; its header and block were appended to the buffer (without the
    /// terminator).
    Record {
        /// Byte offset of the record in the stream.
        offset: u64,
    },
    /// A well-framed record longer than the size limit.
    Oversized {
        /// Byte offset of the record in the stream.
        offset: u64,
        /// Its length in bytes (header and block).
        size: u64,
        /// Its bytes, when the reader keeps oversized records.
        spill: Option<std::fs::File>,
    },
    /// Bytes that do not frame a record; appended to the buffer (or spilled when over the
    /// size limit).
    Damaged {
        /// Byte offset where the damaged record starts.
        offset: u64,
        /// Its length in bytes.
        size: u64,
        /// What is wrong.
        reason: String,
        /// Its bytes, when over the size limit and kept.
        spill: Option<std::fs::File>,
    },
}

/// Reads WARC records from a decompressed stream.
pub struct WarcReader<R> {
    inner: R,
    /// Bytes read ahead while looking for the next record after damage; read before `inner`.
    pending: Vec<u8>,
    pending_pos: usize,
    offset: u64,
    max: usize,
    keep_oversized: bool,
    records: u64,
}

impl<R: BufRead> WarcReader<R> {
    /// A reader of records of at most `max` bytes.
    pub fn new(inner: R, max: usize) -> Self {
        WarcReader { inner, pending: Vec::new(), pending_pos: 0, offset: 0, max, keep_oversized: false, records: 0 }
    }

    /// Keeps the bytes of oversized and over-long damaged records in temporary files.
    pub fn keep_oversized(mut self, keep: bool) -> Self {
        self.keep_oversized = keep;
        self
    }

    /// The 1-based number of the record last returned.
    pub fn record(&self) -> u64 {
        self.records
    }

    /// Byte offset of the next record (of the one being read, when an I/O error stops it).
    pub fn offset(&self) -> u64 {
        self.offset
    }

    fn fill(&mut self) -> io::Result<&[u8]> {
        if self.pending_pos < self.pending.len() {
            return Ok(&self.pending[self.pending_pos..]);
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        if self.pending_pos < self.pending.len() {
            self.pending_pos += n;
            if self.pending_pos == self.pending.len() {
                self.pending.clear();
                self.pending_pos = 0;
            }
        } else {
            self.inner.consume(n);
        }
    }

    /// Puts `bytes` back in front of the stream.
    fn unread(&mut self, bytes: &[u8]) {
        let rest = self.pending.split_off(self.pending_pos);
        self.pending.clear();
        self.pending.extend_from_slice(bytes);
        self.pending.extend_from_slice(&rest);
        self.pending_pos = 0;
    }

    /// Appends one line (terminator included) to `line`, up to `limit` bytes; returns false
    /// at the end of the stream or when the limit was hit.
    fn read_line(&mut self, line: &mut Vec<u8>, limit: usize) -> io::Result<bool> {
        loop {
            let available = self.fill()?;
            if available.is_empty() {
                return Ok(false);
            }
            let room = limit.saturating_sub(line.len());
            let window = &available[..available.len().min(room)];
            if let Some(i) = memchr::memchr(b'\n', window) {
                line.extend_from_slice(&window[..=i]);
                self.consume(i + 1);
                return Ok(true);
            }
            let n = window.len();
            line.extend_from_slice(window);
            self.consume(n);
            if line.len() >= limit {
                return Ok(false);
            }
        }
    }

    /// Reads up to `n` bytes into `dest`; returns how many there were.
    fn read_exact_into(&mut self, dest: &mut Destination<'_>, mut n: u64) -> io::Result<u64> {
        let mut read = 0;
        while n > 0 {
            let available = self.fill()?;
            if available.is_empty() {
                break;
            }
            let take = available.len().min(usize::try_from(n).unwrap_or(usize::MAX));
            dest.push(&available[..take])?;
            self.consume(take);
            n -= take as u64;
            read += take as u64;
        }
        Ok(read)
    }

    /// Appends the next record to `buf`; `None` at the end of the stream.
    pub fn next_into(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<WarcItem>> {
        self.skip_blank_lines()?;
        let offset = self.offset;
        let start = buf.len();
        let mut header = Vec::new();
        let framed = self.read_header(&mut header)?;
        if header.is_empty() {
            return Ok(None);
        }
        self.records += 1;
        let mut dest = Destination::new(buf, self.max, self.keep_oversized);
        dest.push(&header)?;
        let length = match framed.and_then(|()| content_length(&header)) {
            Ok(length) => length,
            Err(reason) => return self.damaged(dest, start, 0, offset, reason),
        };
        let got = self.read_exact_into(&mut dest, length)?;
        if got < length {
            let reason = format!("the stream ends {got} bytes into a block of Content-Length {length}");
            return self.damaged(dest, start, header.len(), offset, reason);
        }
        let mut trailer = Vec::new();
        while trailer.len() < TERMINATOR.len() {
            let available = self.fill()?;
            if available.is_empty() {
                break;
            }
            let take = available.len().min(TERMINATOR.len() - trailer.len());
            trailer.extend_from_slice(&available[..take]);
            self.consume(take);
        }
        if trailer != TERMINATOR {
            let reason = format!(
                "no \\r\\n\\r\\n after the block of Content-Length {length} (found {:?}): the length is wrong",
                String::from_utf8_lossy(&trailer)
            );
            dest.push(&trailer)?;
            return self.damaged(dest, start, header.len(), offset, reason);
        }
        let size = dest.size();
        self.offset += size + TERMINATOR.len() as u64;
        Ok(Some(match dest.finish()? {
            super::lines::Record::Complete => WarcItem::Record { offset },
            super::lines::Record::Oversized { size, spill } => WarcItem::Oversized { offset, size, spill },
        }))
    }

    /// Blank lines between records are tolerated (some writers add them); they belong to no
    /// record and are counted in the offset.
    fn skip_blank_lines(&mut self) -> io::Result<()> {
        loop {
            let available = self.fill()?;
            let blank = available.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
            if blank == 0 {
                return Ok(());
            }
            let whole = blank == available.len();
            self.consume(blank);
            self.offset += blank as u64;
            if !whole {
                return Ok(());
            }
        }
    }

    /// Reads the version line and the header lines up to the blank line. `Err` in the
    /// result (with the bytes read in `header`) when they do not frame a WARC header.
    fn read_header(&mut self, header: &mut Vec<u8>) -> io::Result<Result<(), String>> {
        let complete = self.read_line(header, MAX_HEADER)?;
        if header.is_empty() {
            return Ok(Ok(()));
        }
        if !is_warc(header) {
            let shown = String::from_utf8_lossy(&header[..header.len().min(40)]).into_owned();
            return Ok(Err(format!("the record does not start with a WARC/1.0 or WARC/1.1 line (found {shown:?})")));
        }
        let mut complete = complete;
        while complete {
            let before = header.len();
            complete = self.read_line(header, MAX_HEADER)?;
            if matches!(&header[before..], b"\r\n" | b"\n") {
                return Ok(Ok(()));
            }
        }
        Ok(Err(if header.len() >= MAX_HEADER {
            format!("header longer than {MAX_HEADER} bytes")
        } else {
            "the stream ends inside the record header".to_string()
        }))
    }

    /// Finishes a damaged record: its bytes run up to the next record start found after its
    /// header (`skip` bytes into it), or to the end of the stream.
    fn damaged(
        &mut self,
        mut dest: Destination<'_>,
        start: usize,
        skip: usize,
        offset: u64,
        reason: String,
    ) -> io::Result<Option<WarcItem>> {
        // First in what was read already (a Content-Length too long swallows later records)…
        let found = if dest.oversized() {
            None
        } else {
            let region = &dest.buffer()[start..];
            memmem::find(&region[skip.min(region.len())..], RESYNC).map(|i| skip + i)
        };
        match found {
            Some(i) => {
                let next = start + i + TERMINATOR.len();
                let rest = dest.buffer()[next..].to_vec();
                dest.truncate_to(next - start);
                self.unread(&rest);
            }
            // …then further on in the stream.
            None => self.scan_for_next(&mut dest)?,
        }
        let size = dest.size();
        self.offset += size;
        Ok(Some(match dest.finish()? {
            super::lines::Record::Complete => WarcItem::Damaged { offset, size, reason, spill: None },
            super::lines::Record::Oversized { size, spill } => WarcItem::Damaged {
                offset,
                size,
                reason: format!("{reason}; the damaged bytes exceed the record size limit"),
                spill,
            },
        }))
    }

    /// Moves bytes into `dest` until a record start (`\r\n\r\nWARC/1.`, the `\r\n\r\n` kept in
    /// `dest`) or the end of the stream.
    fn scan_for_next(&mut self, dest: &mut Destination<'_>) -> io::Result<()> {
        // Bytes read but not yet moved: the last few stay held, so that a marker split across
        // two reads is found before any of it is moved.
        let mut held: Vec<u8> = Vec::new();
        loop {
            let available = self.fill()?;
            if available.is_empty() {
                return dest.push(&held);
            }
            let take = available.len().min(64 * 1024);
            held.extend_from_slice(&available[..take]);
            self.consume(take);
            if let Some(i) = memmem::find(&held, RESYNC) {
                let keep = i + TERMINATOR.len();
                dest.push(&held[..keep])?;
                self.unread(&held[keep..]);
                return Ok(());
            }
            let safe = held.len().saturating_sub(RESYNC.len() - 1);
            dest.push(&held[..safe])?;
            held.drain(..safe);
        }
    }
}

/// The `Content-Length` of a header block.
fn content_length(header: &[u8]) -> Result<u64, String> {
    let value = header_lines(header)
        .find_map(|(name, value)| name.eq_ignore_ascii_case(b"content-length").then_some(value))
        .ok_or_else(|| "the record header has no Content-Length".to_string())?;
    let text = std::str::from_utf8(value).unwrap_or("");
    text.trim()
        .parse::<u64>()
        .map_err(|_| format!("Content-Length {:?} is not a number", String::from_utf8_lossy(value)))
}

/// The `name: value` lines of a header block (the version line and continuation lines
/// skipped), values trimmed.
fn header_lines(header: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    header.split(|&b| b == b'\n').skip(1).filter_map(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.first().is_some_and(|b| b.is_ascii_whitespace()) {
            return None;
        }
        let colon = memchr::memchr(b':', line)?;
        Some((&line[..colon], line[colon + 1..].trim_ascii()))
    })
}

/// Length of the header block at the start of `bytes`, its blank line included.
fn header_len(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while at < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
        let line = &bytes[at..end];
        if at > 0 && matches!(line, b"\r\n" | b"\n") {
            return Some(end);
        }
        at = end;
    }
    None
}

/// One WARC record as the reader delivered it: header bytes and block.
#[derive(Clone, Copy, Debug)]
pub struct WarcRecord<'a> {
    /// The version line and header lines, the blank line included, as read.
    pub header: &'a [u8],
    /// The block.
    pub block: &'a [u8],
}

impl<'a> WarcRecord<'a> {
    /// Splits a record delivered by [`WarcReader`] (header and block, no terminator).
    pub fn parse(bytes: &'a [u8]) -> Result<Self, String> {
        let split = header_len(bytes).ok_or_else(|| "the WARC record has no complete header".to_string())?;
        Ok(WarcRecord { header: &bytes[..split], block: &bytes[split..] })
    }

    /// The value of header `name` (case-insensitive), when present.
    pub fn field(&self, name: &str) -> Option<Cow<'a, str>> {
        header_lines(self.header)
            .find_map(|(n, value)| n.eq_ignore_ascii_case(name.as_bytes()).then_some(value))
            .map(String::from_utf8_lossy)
    }

    /// True for `WARC-Type: conversion`, the records of a WET file that hold a page's text.
    pub fn is_conversion(&self) -> bool {
        self.field("WARC-Type").is_some_and(|t| t.eq_ignore_ascii_case("conversion"))
    }

    /// The record as it was read, terminator included.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.header.len() + self.block.len() + TERMINATOR.len());
        out.extend_from_slice(self.header);
        out.extend_from_slice(self.block);
        out.extend_from_slice(TERMINATOR);
        out
    }

    /// The record with `block` in place of its own: every header byte kept but the values of
    /// `Content-Length` and of SHA-1 `WARC-Block-Digest` and `WARC-Payload-Digest` (for a
    /// `conversion` record the payload is the block), which are computed for the new block so
    /// that the record stays valid. A digest in another algorithm is left as it was.
    pub fn with_block(&self, block: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.header.len() + block.len() + 16);
        let mut sha1 = None;
        for line in self.header.split_inclusive(|&b| b == b'\n') {
            let ending: &[u8] = if line.ends_with(b"\r\n") { b"\r\n" } else { b"\n" };
            let Some(colon) = memchr::memchr(b':', line) else {
                out.extend_from_slice(line);
                continue;
            };
            let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
            let new_value = if name.eq_ignore_ascii_case(b"content-length") {
                Some(block.len().to_string())
            } else if name.eq_ignore_ascii_case(b"warc-block-digest")
                || name.eq_ignore_ascii_case(b"warc-payload-digest")
            {
                let digest = sha1.get_or_insert_with(|| sha1_smol::Sha1::from(block).digest().bytes());
                sha1_value(value, digest)
            } else {
                None
            };
            match new_value {
                Some(new_value) => {
                    out.extend_from_slice(&line[..=colon]);
                    out.push(b' ');
                    out.extend_from_slice(new_value.as_bytes());
                    out.extend_from_slice(ending);
                }
                None => out.extend_from_slice(line),
            }
        }
        out.extend_from_slice(block);
        out.extend_from_slice(TERMINATOR);
        out
    }
}

/// A SHA-1 digest value in the spelling of `old` (`sha1:` + base32, as Common Crawl and warcio
/// write it, or + hex); `None` when `old` is not SHA-1.
fn sha1_value(old: &[u8], digest: &[u8; 20]) -> Option<String> {
    let colon = memchr::memchr(b':', old)?;
    let (label, encoded) = (&old[..colon], &old[colon + 1..]);
    if !label.eq_ignore_ascii_case(b"sha1") {
        return None;
    }
    let label = String::from_utf8_lossy(label);
    if encoded.len() == 40 && encoded.iter().all(u8::is_ascii_hexdigit) {
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        return Some(format!("{label}:{hex}"));
    }
    Some(format!("{label}:{}", base32(digest)))
}

/// RFC 4648 base32 of 20 bytes: exactly 32 characters, no padding.
fn base32(bytes: &[u8; 20]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(32);
    for group in bytes.chunks(5) {
        let bits = group.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        for i in (0..8).rev() {
            out.push(char::from(ALPHABET[((bits >> (i * 5)) & 31) as usize]));
        }
    }
    out
}

/// The document of a `conversion` record: id = `WARC-Record-ID` (`fallback_id` when it has
/// none), text = the block, which must be UTF-8. `None` for records of other types, which hold
/// no document.
pub fn parse_document<'a>(bytes: &'a [u8], fallback_id: &str) -> Option<Result<Document<'a>, String>> {
    let record = match WarcRecord::parse(bytes) {
        Ok(record) => record,
        Err(reason) => return Some(Err(reason)),
    };
    if !record.is_conversion() {
        return None;
    }
    let text = match std::str::from_utf8(record.block) {
        Ok(text) => text,
        Err(e) => return Some(Err(format!("the block is not UTF-8: {}", utf8_error(record.block, e)))),
    };
    let id = record.field("WARC-Record-ID").map_or_else(|| fallback_id.to_string(), Cow::into_owned);
    Some(Ok(Document { id, text: Cow::Borrowed(text), json: None, warc: Some(record) }))
}

/// The WARC headers a cleaned record keeps when written as JSONL.
#[derive(Debug, serde::Serialize)]
pub struct JsonlRecord<'a> {
    /// `WARC-Record-ID`.
    pub id: &'a str,
    /// `WARC-Target-URI`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<Cow<'a, str>>,
    /// `WARC-Date`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warc_date: Option<Cow<'a, str>>,
    /// `WARC-Identified-Content-Language` (Common Crawl's language identification).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warc_identified_content_language: Option<Cow<'a, str>>,
    /// `WARC-Refers-To`: the response record the text was extracted from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warc_refers_to: Option<Cow<'a, str>>,
    /// The (cleaned) text.
    pub text: &'a str,
}

impl<'a> JsonlRecord<'a> {
    /// The JSONL form of `record` with `text`, as one line with its `\n`.
    pub fn line(id: &'a str, record: &WarcRecord<'a>, text: &'a str) -> String {
        let out = JsonlRecord {
            id,
            url: record.field("WARC-Target-URI"),
            warc_date: record.field("WARC-Date"),
            warc_identified_content_language: record.field("WARC-Identified-Content-Language"),
            warc_refers_to: record.field("WARC-Refers-To"),
            text,
        };
        let mut line = serde_json::to_string(&out).unwrap_or_default();
        line.push('\n');
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, block: &str) -> String {
        format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{kind}>\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
            block.len()
        )
    }

    /// Every item of `data`, with the bytes of each.
    fn read_all(data: &[u8], max: usize) -> Vec<(String, Vec<u8>)> {
        let mut reader = WarcReader::new(std::io::BufReader::with_capacity(7, data), max);
        let mut out = Vec::new();
        loop {
            let mut buf = Vec::new();
            let item = match reader.next_into(&mut buf).unwrap() {
                None => return out,
                Some(WarcItem::Record { offset }) => format!("record@{offset}"),
                Some(WarcItem::Oversized { offset, size, .. }) => format!("oversized@{offset}:{size}"),
                Some(WarcItem::Damaged { offset, reason, .. }) => format!("damaged@{offset}: {reason}"),
            };
            out.push((item, buf));
        }
    }

    #[test]
    fn records_are_cut_by_content_length_with_their_offsets() {
        let a = record("warcinfo", "software: x\r\n");
        let b = record("conversion", "line one\r\n\r\nWARC/1.0 inside a block is text");
        let items = read_all(format!("{a}{b}").as_bytes(), 1 << 20);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].0, "record@0");
        assert_eq!(items[1].0, format!("record@{}", a.len()));
        let parsed = WarcRecord::parse(&items[1].1).unwrap();
        assert_eq!(parsed.block, b"line one\r\n\r\nWARC/1.0 inside a block is text");
        assert_eq!(parsed.field("warc-record-id").as_deref(), Some("<urn:uuid:conversion>"));
        assert!(parsed.is_conversion());
        assert_eq!(parsed.to_bytes(), b.as_bytes());
    }

    #[test]
    fn a_short_content_length_is_damage_and_the_next_record_is_still_read() {
        let good = record("conversion", "first");
        let lying = record("conversion", "0123456789").replace("Content-Length: 10", "Content-Length: 4");
        let after = record("conversion", "after");
        let data = format!("{good}{lying}{after}");
        let items = read_all(data.as_bytes(), 1 << 20);
        let kinds: Vec<&str> = items.iter().map(|(k, _)| k.split(':').next().unwrap_or("")).collect();
        assert_eq!(
            kinds,
            ["record@0", &format!("damaged@{}", good.len()), &format!("record@{}", good.len() + lying.len())]
        );
        assert!(items[1].0.contains("Content-Length 4") && items[1].0.contains("length is wrong"), "{}", items[1].0);
        // The damaged bytes are the lying record whole, terminator included.
        assert_eq!(items[1].1, lying.as_bytes());
    }

    #[test]
    fn a_long_content_length_ends_at_the_next_record_it_swallowed() {
        let lying = record("conversion", "abc").replace("Content-Length: 3", "Content-Length: 9999");
        let after = record("conversion", "after");
        let items = read_all(format!("{lying}{after}").as_bytes(), 1 << 20);
        assert!(items[0].0.starts_with("damaged@0") && items[0].0.contains("ends"), "{}", items[0].0);
        assert_eq!(items[0].1, lying.as_bytes());
        assert_eq!(items[1].0, format!("record@{}", lying.len()));
    }

    /// Each broken stream and the reason its first record must be rejected with.
    const DAMAGED: &[(&str, &str)] = &[
        ("WARC/1.0\r\nContent-Length: 3\r\n\r\nabc", "no \\r\\n\\r\\n after the block"),
        ("WARC/1.0\r\nContent-Length: 30\r\n\r\nabc\r\n\r\n", "ends 7 bytes into a block of Content-Length 30"),
        ("WARC/1.0\r\nWARC-Type: conversion\r\n\r\nabc\r\n\r\n", "no Content-Length"),
        ("WARC/1.0\r\nContent-Length: -1\r\n\r\n\r\n\r\n", "Content-Length \"-1\" is not a number"),
        ("WARC/1.0\r\nContent-Length: 3\r\n", "ends inside the record header"),
        ("HTTP/1.1 200 OK\r\n\r\n", "does not start with a WARC/1.0 or WARC/1.1 line"),
    ];

    #[test]
    fn broken_framing_is_reported_with_a_reason() {
        for (data, reason) in DAMAGED {
            let items = read_all(data.as_bytes(), 1 << 20);
            assert!(items[0].0.starts_with("damaged@0") && items[0].0.contains(reason), "{data:?}: {}", items[0].0);
            let kept: Vec<u8> = items.iter().flat_map(|(_, b)| b.clone()).collect();
            assert_eq!(kept, data.as_bytes(), "{data:?}: every byte is in some item");
        }
    }

    #[test]
    fn oversized_records_are_measured_and_the_next_one_read() {
        let big = record("conversion", &"x".repeat(500));
        let after = record("conversion", "ok");
        let items = read_all(format!("{big}{after}").as_bytes(), 100);
        assert_eq!(items[0].0, format!("oversized@0:{}", big.len() - 4));
        assert_eq!(items[1].0, format!("record@{}", big.len()));
    }

    #[test]
    fn with_block_rewrites_only_the_content_length() {
        let original = record("conversion", "body\nDONATE NOW\n");
        let mut buf = Vec::new();
        WarcReader::new(original.as_bytes(), 1 << 20).next_into(&mut buf).unwrap();
        let rec = WarcRecord::parse(&buf).unwrap();
        let out = String::from_utf8(rec.with_block(b"body\n")).unwrap();
        assert_eq!(out, record("conversion", "body\n"));
    }

    #[test]
    fn with_block_recomputes_sha1_digests_in_their_spelling() {
        let header = "WARC/1.0\r\nWARC-Block-Digest: sha1:OLDOLD\r\n\
                      WARC-Payload-Digest: sha1:0000000000000000000000000000000000000000\r\n\
                      X-Digest: md5:keep\r\nContent-Length: 16\r\n\r\n";
        let bytes = format!("{header}body\nDONATE NOW\n");
        let out = String::from_utf8(WarcRecord::parse(bytes.as_bytes()).unwrap().with_block(b"body\n")).unwrap();
        let sha = sha1_smol::Sha1::from(b"body\n").digest().bytes();
        let hex: String = sha.iter().map(|b| format!("{b:02x}")).collect();
        assert!(out.contains(&format!("WARC-Block-Digest: sha1:{}\r\n", base32(&sha))), "{out}");
        assert!(out.contains(&format!("WARC-Payload-Digest: sha1:{hex}\r\n")), "{out}");
        assert!(out.ends_with("X-Digest: md5:keep\r\nContent-Length: 5\r\n\r\nbody\n\r\n\r\n"), "{out}");
    }

    #[test]
    fn base32_follows_rfc_4648() {
        // RFC 4648's vector: "fooba" is MZXW6YTB.
        let mut bytes = [0u8; 20];
        bytes[..5].copy_from_slice(b"fooba");
        assert!(base32(&bytes).starts_with("MZXW6YTB"), "{}", base32(&bytes));
        assert_eq!(base32(&[0xff; 20]), "7".repeat(32));
    }

    #[test]
    fn only_version_lines_are_warc() {
        assert!(is_warc(b"WARC/1.0\r\nWARC-Type"));
        assert!(is_warc(b"WARC/1.1\r\n"));
        assert!(!is_warc(b"WARC/1.01\r\n"));
        assert!(!is_warc(b"{\"text\":\"WARC/1.0\"}"));
        assert!(!is_warc(b"WARC/1.0"));
    }

    /// A piece of a generated stream: a record (its Content-Length off by `delta`), junk, or
    /// blank lines.
    fn piece() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let block = proptest::collection::vec(prop_oneof![any::<u8>(), Just(b'\r'), Just(b'\n'), Just(b'W')], 0..60);
        prop_oneof![
            4 => (block.clone(), prop_oneof![4 => Just(0i64), 1 => -5i64..5]).prop_map(|(block, delta)| {
                let length = (block.len() as i64 + delta).max(0);
                let mut out = format!("WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: {length}\r\n\r\n").into_bytes();
                out.extend_from_slice(&block);
                out.extend_from_slice(TERMINATOR);
                out
            }),
            1 => block,
            1 => Just(b"\r\n".to_vec()),
        ]
    }

    proptest::proptest! {
        /// Whatever the stream, every byte ends in exactly one item — a record (then followed by
        /// its terminator), an oversized or a damaged record — or is a blank line between
        /// records; items come in stream order and never panic.
        #[test]
        fn every_byte_is_accounted_for(pieces in proptest::collection::vec(piece(), 0..8), max in 20usize..200) {
            let data: Vec<u8> = pieces.concat();
            let mut reader = WarcReader::new(std::io::BufReader::with_capacity(5, &data[..]), max);
            let mut at = 0usize;
            loop {
                let mut buf = Vec::new();
                let Some(item) = reader.next_into(&mut buf).expect("no I/O error on a slice") else { break };
                let (offset, len, terminated) = match item {
                    WarcItem::Record { offset } => (offset as usize, buf.len(), true),
                    WarcItem::Oversized { offset, size, .. } => (offset as usize, size as usize, true),
                    WarcItem::Damaged { offset, size, .. } => {
                        proptest::prop_assert!(buf.is_empty() || buf.len() == size as usize);
                        (offset as usize, size as usize, false)
                    }
                };
                proptest::prop_assert!(offset >= at, "items in stream order");
                proptest::prop_assert!(data[at..offset].iter().all(|&b| b == b'\r' || b == b'\n'), "only blank lines skipped");
                if !buf.is_empty() {
                    proptest::prop_assert_eq!(&data[offset..offset + len], &buf[..]);
                }
                at = offset + len;
                if terminated {
                    proptest::prop_assert_eq!(&data[at..at + 4], TERMINATOR);
                    at += 4;
                }
            }
            proptest::prop_assert!(data[at..].iter().all(|&b| b == b'\r' || b == b'\n'), "the rest is blank");
        }
    }
}
