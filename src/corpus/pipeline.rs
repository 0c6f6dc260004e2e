//! Parallel, ordered, bounded processing of records.
//!
//! One reader thread decompresses and cuts the inputs into chunks of records (a few MB each)
//! and sends them through a bounded channel. Each chunk is processed on a rayon pool (its
//! records spread over all workers, so even one huge file uses every core) while the calling
//! thread hands earlier results to the sink in input order; the workers never wait for the
//! sink. The bounds are the backpressure: at most `threads` chunks wait to be processed and
//! `threads + 1` are processed or wait to be sunk, so memory is about
//! `(2 × threads + 1) × chunk_bytes` plus the largest record, whatever the corpus size.
//! Results do not depend on the thread count or the chunk size.
use super::input::{open, Compression, Input, InputFormat};
use super::lines::{LineReader, Record};
use super::warc::{WarcItem, WarcReader};
use crate::error::CorpusError;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::mpsc::sync_channel;
use std::sync::Arc;

/// Most worker threads per available core. Past a few per core more threads only add
/// memory (each holds a chunk) and start-up time: `-j 100000` started thousands of them.
pub const MAX_THREADS_PER_CORE: usize = 4;

/// The worker threads for a requested count: 0 is one per available core, and no count
/// exceeds [`MAX_THREADS_PER_CORE`] per available core.
pub fn worker_threads(requested: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match requested {
        0 => cores,
        n => n.min(MAX_THREADS_PER_CORE * cores),
    }
}

/// A pool of `threads` workers (a count from [`worker_threads`]).
pub(crate) fn worker_pool(threads: usize) -> Result<rayon::ThreadPool, CorpusError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("boilerguard-worker-{i}"))
        .build()
        .map_err(|e| CorpusError::Other(format!("cannot start worker threads: {e}")))
}

/// Sizes of the pipeline.
#[derive(Clone, Debug)]
pub struct PipelineOptions {
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Bytes of records per chunk.
    pub chunk_bytes: usize,
    /// Largest record accepted, in bytes.
    pub max_record: usize,
    /// Hand over the bytes of records over `max_record` (spilled to a temporary file), so
    /// that they can be kept in a rejects file.
    pub keep_oversized: bool,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions { threads: 0, chunk_bytes: 4 << 20, max_record: 256 << 20, keep_oversized: false }
    }
}

/// A record handed to the processing function.
pub struct RecordRef<'a> {
    /// The input it comes from.
    pub input: &'a Input,
    /// Index of that input.
    pub input_index: usize,
    /// Its layout.
    pub format: InputFormat,
    /// 1-based line (1 for a text document; the record's number for WARC).
    pub line: u64,
    /// Byte offset of a WARC record in the decompressed stream (0 for other formats).
    pub offset: u64,
    /// Its bytes (without the line terminator; header and block of a WARC record).
    pub bytes: &'a [u8],
}

/// What the sink receives, in input order.
#[derive(Debug)]
pub enum Event<O> {
    /// An input was opened.
    InputStart {
        /// Index of the input.
        input: usize,
        /// Its record layout.
        format: InputFormat,
        /// Its compression.
        compression: Compression,
    },
    /// A record was processed.
    Record {
        /// Index of the input.
        input: usize,
        /// 1-based line.
        line: u64,
        /// What the processing function returned.
        output: O,
    },
    /// A record longer than the limit was skipped.
    Oversized {
        /// Index of the input.
        input: usize,
        /// 1-based line.
        line: u64,
        /// Its size in bytes.
        size: u64,
        /// Its bytes, when the pipeline keeps oversized records.
        spill: Option<std::fs::File>,
    },
    /// WARC bytes that do not frame a record (a lying `Content-Length`, a missing version
    /// line): rejected whole; reading went on at the next record.
    Damaged {
        /// Index of the input.
        input: usize,
        /// The record's number in its input.
        line: u64,
        /// Byte offset where the damage starts, in the decompressed stream.
        offset: u64,
        /// What is wrong.
        reason: String,
        /// The damaged bytes (empty when spilled).
        bytes: Vec<u8>,
        /// The damaged bytes, when over the record size limit and kept.
        spill: Option<std::fs::File>,
    },
    /// An input could not be opened, or broke off (truncated or corrupt compression); every
    /// record before the damage was delivered.
    InputError {
        /// Index of the input.
        input: usize,
        /// What happened.
        error: CorpusError,
    },
    /// An input ended (cleanly or not).
    InputEnd {
        /// Index of the input.
        input: usize,
    },
}

enum Item {
    Start { input: usize, format: InputFormat, compression: Compression },
    Record { input: usize, format: InputFormat, line: u64, offset: u64, range: Range<usize> },
    Oversized { input: usize, line: u64, size: u64, spill: Option<std::fs::File> },
    Damaged { input: usize, line: u64, offset: u64, reason: String, range: Range<usize>, spill: Option<std::fs::File> },
    Error { input: usize, error: CorpusError },
    End { input: usize },
}

#[derive(Default)]
struct Chunk {
    buf: Vec<u8>,
    items: Vec<Item>,
}

/// Progress callback: raw bytes read.
pub type Progress = Arc<dyn Fn(u64) + Send + Sync>;

/// A run over a list of inputs.
pub struct Pipeline<'a> {
    inputs: &'a [Input],
    options: PipelineOptions,
    progress: Option<Progress>,
}

impl<'a> Pipeline<'a> {
    /// A pipeline over `inputs`.
    pub fn new(inputs: &'a [Input], options: PipelineOptions) -> Self {
        Pipeline { inputs, options, progress: None }
    }

    /// Reports raw bytes read to `progress`.
    pub fn with_progress(mut self, progress: Option<Progress>) -> Self {
        self.progress = progress;
        self
    }

    /// Runs `process` on every record (in parallel) and `sink` on every event (in order).
    /// Stops at the first error the sink returns.
    pub fn run<O, F, S>(&self, process: F, mut sink: S) -> Result<(), CorpusError>
    where
        O: Send,
        F: Fn(&RecordRef<'_>) -> O + Sync,
        S: FnMut(Event<O>) -> Result<(), CorpusError>,
    {
        let threads = worker_threads(self.options.threads);
        let pool = worker_pool(threads)?;
        let (tx, rx) = sync_channel::<Chunk>(threads);
        // Chunks are processed while earlier ones are handed to the sink: the sink runs on
        // this thread, the workers never wait for it. At most `in_flight_limit` chunks are
        // processed or waiting to be sunk at once, which bounds memory.
        let in_flight_limit = threads + 1;
        let (done_tx, done_rx) = sync_channel::<Done<O>>(in_flight_limit);
        let process = &process;
        std::thread::scope(|scope| {
            scope.spawn(|| self.read_all(tx));
            pool.in_place_scope(|tasks| {
                let mut reorder = Reorder::new();
                for chunk in rx {
                    let seq = reorder.sent;
                    let done_tx = done_tx.clone();
                    tasks.spawn(move |_| {
                        // A panic must reach the waiting sink as an error, not leave it waiting.
                        let outputs = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            self.process_chunk(&chunk, process)
                        }))
                        .map_err(|payload| panic_message(payload.as_ref()));
                        let _ = done_tx.send((seq, chunk, outputs));
                    });
                    reorder.sent += 1;
                    while reorder.sent - reorder.sunk >= in_flight_limit {
                        reorder.receive(&done_rx, &mut sink)?;
                    }
                }
                while reorder.sunk < reorder.sent {
                    reorder.receive(&done_rx, &mut sink)?;
                }
                Ok(())
            })
        })
    }

    fn process_chunk<O, F>(&self, chunk: &Chunk, process: &F) -> Vec<Option<O>>
    where
        O: Send,
        F: Fn(&RecordRef<'_>) -> O + Sync,
    {
        chunk
            .items
            .par_iter()
            .with_min_len(4)
            .map(|item| match item {
                Item::Record { input, format, line, offset, range } => Some(process(&RecordRef {
                    input: &self.inputs[*input],
                    input_index: *input,
                    format: *format,
                    line: *line,
                    offset: *offset,
                    bytes: &chunk.buf[range.clone()],
                })),
                _ => None,
            })
            .collect()
    }

    fn read_all(&self, tx: std::sync::mpsc::SyncSender<Chunk>) {
        let mut chunk = Chunk::default();
        for (index, input) in self.inputs.iter().enumerate() {
            if self.read_one(index, input, &mut chunk, &tx).is_err() {
                return;
            }
        }
        let _ = tx.send(chunk);
    }

    /// Reads one input into chunks. `Err` only when the receiver is gone.
    fn read_one(
        &self,
        index: usize,
        input: &Input,
        chunk: &mut Chunk,
        tx: &std::sync::mpsc::SyncSender<Chunk>,
    ) -> Result<(), ()> {
        let on_read = self.progress.clone().map(|p| Box::new(move |n| p(n)) as Box<dyn Fn(u64) + Send>);
        let (stream, format, compression) = match open(input, on_read) {
            Ok(opened) => opened,
            Err(error) => {
                chunk.items.push(Item::Error { input: index, error });
                chunk.items.push(Item::End { input: index });
                return Ok(());
            }
        };
        if format == InputFormat::Parquet {
            // Columnar: read by `corpus::parquet` in the jobs that support it, not as lines.
            let error = CorpusError::Other(format!(
                "{}: Parquet input is read by scan and clean only{}",
                input.display,
                if cfg!(feature = "parquet") { "" } else { " (this build has no `parquet` feature)" }
            ));
            chunk.items.push(Item::Error { input: index, error });
            chunk.items.push(Item::End { input: index });
            return Ok(());
        }
        chunk.items.push(Item::Start { input: index, format, compression });
        if format == InputFormat::Warc {
            return self.read_warc(index, input, stream, compression, chunk, tx);
        }
        let mut reader = LineReader::new(stream, self.options.max_record).keep_oversized(self.options.keep_oversized);
        loop {
            let start = chunk.buf.len();
            let next = if format == InputFormat::Text {
                if reader.line() == 0 {
                    reader.read_all_into(&mut chunk.buf)
                } else {
                    Ok(None)
                }
            } else {
                reader.next_into(&mut chunk.buf)
            };
            match next {
                Ok(None) => break,
                Ok(Some(Record::Complete)) => {
                    // A UTF-8 byte-order mark is not part of a JSON document.
                    if format == InputFormat::Jsonl
                        && reader.line() == 1
                        && chunk.buf[start..].starts_with(b"\xEF\xBB\xBF")
                    {
                        chunk.buf.drain(start..start + 3);
                    }
                    let range = start..chunk.buf.len();
                    chunk.items.push(Item::Record { input: index, format, line: reader.line(), offset: 0, range });
                }
                Ok(Some(Record::Oversized { size, spill })) => {
                    chunk.items.push(Item::Oversized { input: index, line: reader.line(), size, spill })
                }
                Err(e) => {
                    chunk.buf.truncate(start);
                    let what = match compression {
                        Compression::None => "read error",
                        _ => "truncated or corrupt compressed stream",
                    };
                    let error =
                        CorpusError::Other(format!("{}: {what} after line {}: {e}", input.display, reader.line()));
                    chunk.items.push(Item::Error { input: index, error });
                    break;
                }
            }
            self.send_if_full(chunk, tx)?;
        }
        chunk.items.push(Item::End { input: index });
        Ok(())
    }

    /// Sends `chunk` on once it holds enough bytes or records (the item cap keeps a chunk of
    /// tiny records from growing its index without bound).
    fn send_if_full(&self, chunk: &mut Chunk, tx: &std::sync::mpsc::SyncSender<Chunk>) -> Result<(), ()> {
        if chunk.buf.len() >= self.options.chunk_bytes || chunk.items.len() >= 65_536 {
            tx.send(std::mem::take(chunk)).map_err(|_| ())?;
        }
        Ok(())
    }

    /// Reads one WARC input into chunks, one item per record. `Err` only when the receiver
    /// is gone.
    fn read_warc(
        &self,
        index: usize,
        input: &Input,
        stream: super::input::Stream,
        compression: Compression,
        chunk: &mut Chunk,
        tx: &std::sync::mpsc::SyncSender<Chunk>,
    ) -> Result<(), ()> {
        let mut reader = WarcReader::new(stream, self.options.max_record).keep_oversized(self.options.keep_oversized);
        loop {
            let start = chunk.buf.len();
            let line = reader.record() + 1;
            match reader.next_into(&mut chunk.buf) {
                Ok(None) => break,
                Ok(Some(WarcItem::Record { offset })) => {
                    let range = start..chunk.buf.len();
                    chunk.items.push(Item::Record { input: index, format: InputFormat::Warc, line, offset, range });
                }
                Ok(Some(WarcItem::Oversized { size, spill, .. })) => {
                    chunk.items.push(Item::Oversized { input: index, line, size, spill })
                }
                Ok(Some(WarcItem::Damaged { offset, reason, spill, .. })) => {
                    let range = start..chunk.buf.len();
                    chunk.items.push(Item::Damaged { input: index, line, offset, reason, range, spill });
                }
                Err(e) => {
                    chunk.buf.truncate(start);
                    let what = match compression {
                        Compression::None => "read error",
                        _ => "truncated or corrupt compressed stream",
                    };
                    let error = CorpusError::Other(format!(
                        "{}: {what} in WARC record {line} at byte offset {} (decompressed): {e}",
                        input.display,
                        reader.offset()
                    ));
                    chunk.items.push(Item::Error { input: index, error });
                    break;
                }
            }
            self.send_if_full(chunk, tx)?;
        }
        chunk.items.push(Item::End { input: index });
        Ok(())
    }
}

/// A processed chunk: its sequence number, its records and their outputs (or why the
/// processing failed).
type Done<O> = (usize, Chunk, Result<Vec<Option<O>>, String>);

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    format!("internal error while processing records (please report it): {what}")
}

/// Puts processed chunks back in input order for the sink.
struct Reorder<O> {
    /// Chunks handed to the workers.
    sent: usize,
    /// Chunks given to the sink.
    sunk: usize,
    waiting: std::collections::BTreeMap<usize, (Chunk, Vec<Option<O>>)>,
}

impl<O> Reorder<O> {
    fn new() -> Self {
        Reorder { sent: 0, sunk: 0, waiting: std::collections::BTreeMap::new() }
    }

    /// Waits for one processed chunk, then sinks every chunk that is next in order.
    fn receive<S>(&mut self, done: &std::sync::mpsc::Receiver<Done<O>>, sink: &mut S) -> Result<(), CorpusError>
    where
        S: FnMut(Event<O>) -> Result<(), CorpusError>,
    {
        let (seq, chunk, outputs) =
            done.recv().map_err(|_| CorpusError::Other("a worker thread stopped unexpectedly".into()))?;
        self.waiting.insert(seq, (chunk, outputs.map_err(CorpusError::Other)?));
        while let Some((chunk, outputs)) = self.waiting.remove(&self.sunk) {
            self.sunk += 1;
            for (item, output) in chunk.items.into_iter().zip(outputs) {
                sink(to_event(item, output, &chunk.buf))?;
            }
        }
        Ok(())
    }
}

fn to_event<O>(item: Item, output: Option<O>, buf: &[u8]) -> Event<O> {
    match (item, output) {
        (Item::Damaged { input, line, offset, reason, range, spill }, _) => {
            Event::Damaged { input, line, offset, reason, bytes: buf[range].to_vec(), spill }
        }
        (Item::Record { input, line, .. }, Some(output)) => Event::Record { input, line, output },
        (Item::Start { input, format, compression }, _) => Event::InputStart { input, format, compression },
        (Item::Oversized { input, line, size, spill }, _) => Event::Oversized { input, line, size, spill },
        (Item::Error { input, error }, _) => Event::InputError { input, error },
        (Item::End { input }, _) | (Item::Record { input, .. }, None) => Event::InputEnd { input },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn jsonl_input(dir: &tempfile::TempDir, lines: usize) -> Input {
        let path = dir.path().join("in.jsonl");
        let body: String = (0..lines).map(|i| format!("{{\"text\":\"record {i}\"}}\n")).collect();
        std::fs::write(&path, body).unwrap();
        Input {
            path: Some(path),
            relative: PathBuf::from("in.jsonl"),
            display: "in.jsonl".into(),
            format: InputFormat::Jsonl,
            size: 0,
        }
    }

    #[test]
    fn worker_threads_are_one_per_core_by_default_and_capped() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        for (requested, expected) in [(0, cores), (1, 1), (cores, cores), (100_000, MAX_THREADS_PER_CORE * cores)] {
            assert_eq!(worker_threads(requested), expected, "-j {requested}");
        }
    }

    fn options(threads: usize) -> PipelineOptions {
        PipelineOptions { threads, chunk_bytes: 64, ..PipelineOptions::default() }
    }

    #[test]
    fn many_small_chunks_reach_the_sink_in_input_order() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = [jsonl_input(&dir, 2_000)];
        let mut lines = Vec::new();
        Pipeline::new(&inputs, options(3))
            .run(
                |rec| rec.line,
                |event| {
                    if let Event::Record { line, output, .. } = event {
                        assert_eq!(line, output);
                        lines.push(line);
                    }
                    Ok(())
                },
            )
            .unwrap();
        assert_eq!(lines, (1..=2_000).collect::<Vec<u64>>());
    }

    #[test]
    fn a_panicking_worker_is_an_error_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = [jsonl_input(&dir, 500)];
        let result =
            Pipeline::new(&inputs, options(2)).run(|rec| assert!(rec.line != 250, "boom at line 250"), |_| Ok(()));
        let message = result.unwrap_err().to_string();
        assert!(message.contains("internal error") && message.contains("boom at line 250"), "{message}");
    }

    #[test]
    fn a_failing_sink_stops_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = [jsonl_input(&dir, 2_000)];
        let mut seen = 0;
        let result = Pipeline::new(&inputs, options(2)).run(
            |_| (),
            |event| {
                if matches!(event, Event::Record { .. }) {
                    seen += 1;
                    if seen == 10 {
                        return Err(CorpusError::Other("disk full".into()));
                    }
                }
                Ok(())
            },
        );
        assert_eq!(result.unwrap_err().to_string(), "disk full");
        assert_eq!(seen, 10);
    }
}
