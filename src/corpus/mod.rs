//! Reading and writing corpora: files, directories, JSONL, Parquet, Common Crawl WARC/WET, gzip
//! and zstd, standard input.
//!
//! The batch pipeline is: [`input`] finds and opens the inputs; [`lines`] cuts their
//! decompressed bytes into records without ever holding more than one oversized record
//! ([`warc`] cuts WARC records by their `Content-Length` instead);
//! [`pipeline`] ships chunks of records from one reader thread to a rayon pool and hands the
//! results back in input order; [`record`] turns a raw record into a document (and back, for
//! JSONL, splicing only the text value so every other byte of the line is kept); [`output`]
//! writes files atomically, and [`plan`] decides before a run starts that no output touches
//! an input or another output. Nothing is dropped without being counted: every record ends as
//! an output, a rejection with its file, line and reason, or a counted drop. Parquet is
//! columnar, so `parquet` (feature `parquet`) reads it batch by batch beside the line pipeline
//! and writes it back with only the text column changed.
pub mod input;
pub mod lines;
pub mod output;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod pipeline;
pub mod plan;
pub mod record;
pub mod warc;

pub use input::{discover, Compression, Input, InputFormat, InputOptions};
pub use pipeline::{Event, Pipeline, PipelineOptions};
pub use plan::OutputPlan;
pub use record::{parse_record, Document, FieldNames, JsonSplice};
