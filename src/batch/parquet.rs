//! `scan` and `clean` of Parquet inputs.
//!
//! A Parquet file is read by [`crate::corpus::parquet`] batch by batch, its rows analyzed on
//! every worker, and the results counted by the same [`Tally`] as line records, so the stats
//! and their balance mean the same for every format. `scan` writes its usual JSONL records
//! (source `file:row`, rows 1-based); `clean` writes Parquet again through the output-safety
//! layer ([`AtomicFile`], claimed by [`super::claim_outputs`]), with only the text column
//! changed and, on request, a list-of-struct column of the blocks found. By default `clean`
//! streams: the text column's pages go to the file as they are made and every other column
//! chunk is copied from the input as it is, because parquet's `ArrowWriter` holds a whole
//! output row group (about 1.2 × its uncompressed size) until it is flushed. A row whose text is
//! null passes through as null and is counted in `null_texts`.
use super::clean::{target_for, CleanOptions};
use super::{BatchOptions, Tally, Work};
use crate::corpus::output::{target_kind, AtomicFile, TargetKind};
use crate::corpus::parquet::{with_field, Batch, Columns, IdColumn, ParquetInput, TextColumn};
use crate::corpus::pipeline::{worker_threads, Event};
use crate::corpus::{Compression, Input, InputFormat};
use crate::detector::{remove_findings, Detector, Finding};
use crate::error::CorpusError;
use crate::report::html::DocFacts;
use crate::report::record::{round_score, ScanRecord};
use crate::report::scan::ScanReporter;
use arrow_array::UInt64Array;
use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, ListArray, RecordBatch, StringArray, StructArray};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{DataType, Field, Fields};
use parquet::arrow::ArrowWriter;
use parquet::column::writer::ColumnCloseResult;
use parquet::data_type::{ByteArray, ByteArrayType};
use parquet::file::writer::{SerializedFileWriter, SerializedRowGroupWriter};
use rayon::prelude::*;
use std::borrow::Cow;
use std::io::Write;
use std::sync::Arc;

/// Name of the column `clean --annotate` adds to Parquet output.
pub const ANNOTATION_COLUMN: &str = "boilerguard_blocks";

/// One analyzed row, with what the job made of it.
struct Row<'a, T> {
    /// 1-based row in the file.
    line: u64,
    /// The id column's value, or the row's place `file:row` when there is none.
    id: String,
    text: Option<&'a str>,
    findings: Vec<Finding>,
    /// The job's output for the row, made on the worker.
    output: T,
}

/// Analyzes every row of `batch` on `pool`, in row order, and lets `render` make the job's
/// output of each on the same worker.
fn analyze<'a, T: Send>(
    detector: &Detector,
    input: &ParquetInput,
    display: &str,
    batch: &'a Batch,
    pool: &rayon::ThreadPool,
    render: impl Fn(&Row<'a, ()>) -> T + Sync,
) -> Result<Vec<Row<'a, T>>, CorpusError> {
    let schema = batch.data.schema();
    let column = |name: &str| schema.index_of(name).ok().map(|i| batch.data.column(i).as_ref());
    let texts = column(input.text_name()).and_then(TextColumn::new).ok_or_else(|| {
        CorpusError::Other(format!("{display}: column `{}` lost its string type while reading", input.text_name()))
    })?;
    let ids = input.id_name().and_then(column).map(IdColumn::new);
    let rows = pool.install(|| {
        (0..batch.data.num_rows())
            .into_par_iter()
            .with_min_len(8)
            .map(|i| {
                let line = batch.first_row + i as u64 + 1;
                let id = ids.as_ref().and_then(|ids| ids.get(i)).unwrap_or_else(|| format!("{display}:{line}"));
                let text = texts.get(i);
                let findings = text.map(|t| detector.findings(t)).unwrap_or_default();
                let row = Row { line, id, text, findings, output: () };
                let output = render(&row);
                Row { line: row.line, id: row.id, text: row.text, findings: row.findings, output }
            })
            .collect()
    });
    Ok(rows)
}

/// Counts one row in `tally` and gives back what the job writes for it.
fn count<T>(tally: &mut Tally, inputs: &[Input], report: bool, row: Row<'_, T>) -> Result<Option<T>, CorpusError> {
    let text = row.text.unwrap_or("");
    let facts = (report && row.text.is_some()).then(|| DocFacts::new(&row.id, None, text, &row.findings));
    let work = Work::Done { output: row.output, findings: row.findings, bytes: text.len(), facts };
    if row.text.is_none() {
        tally.outcome.stats.null_texts += 1;
    }
    Ok(tally.take(inputs, Event::Record { input: 0, line: row.line, output: work })?.map(|(_, _, output)| output))
}

fn worker_pool(options: &BatchOptions) -> Result<rayon::ThreadPool, CorpusError> {
    crate::corpus::pipeline::worker_pool(worker_threads(options.pipeline.threads))
}

/// Turns a Parquet writer's error into an output error naming `path`.
fn write_error(path: &std::path::Path) -> impl Fn(parquet::errors::ParquetError) -> CorpusError + Copy + '_ {
    move |e| CorpusError::Output { path: path.to_path_buf(), reason: format!("cannot write Parquet: {e}") }
}

/// Opens the single input of `inputs` (a Parquet file) and counts it as started; `None`
/// (with the error counted) when it cannot be read at all.
fn start(tally: &mut Tally, inputs: &[Input], options: &BatchOptions) -> Result<Option<ParquetInput>, CorpusError> {
    match ParquetInput::open(&inputs[0], &options.fields) {
        Ok(file) => {
            let start = Event::InputStart { input: 0, format: InputFormat::Parquet, compression: Compression::None };
            tally.take::<()>(inputs, start)?;
            Ok(Some(file))
        }
        Err(error) => {
            // No end event: the input never started, and "empty input" would mislead.
            tally.take::<()>(inputs, Event::InputError { input: 0, error })?;
            Ok(None)
        }
    }
}

/// Ends the input: the damage that stopped it, if any, then its end.
fn end(tally: &mut Tally, inputs: &[Input], damage: Option<CorpusError>) -> Result<(), CorpusError> {
    if let Some(error) = damage {
        tally.take::<()>(inputs, Event::InputError { input: 0, error })?;
    }
    tally.take::<()>(inputs, Event::InputEnd { input: 0 })?;
    Ok(())
}

/// Scans one Parquet file (`inputs` holds it alone), writing a record per row to `out`.
pub(crate) fn scan_file(
    detector: &Detector,
    inputs: &[Input],
    options: &BatchOptions,
    reporter: &ScanReporter,
    tally: &mut Tally,
    out: &mut dyn Write,
) -> Result<(), CorpusError> {
    let Some(file) = start(tally, inputs, options)? else { return Ok(()) };
    let pool = worker_pool(options)?;
    let display = &inputs[0].display;
    let progress = options.progress.as_deref().map(|p| p as &(dyn Fn(u64) + Send + Sync));
    let render = |row: &Row<'_, ()>| {
        let record = ScanRecord::new(
            row.id.clone(),
            format!("{display}:{}", row.line),
            row.text.map_or(0, str::len),
            &row.findings,
        );
        super::scan::render(reporter, &record, row.text.unwrap_or(""))
    };
    let damage = file.read(Columns::TextAndId, options.pipeline.chunk_bytes, progress, |batch| {
        for row in analyze(detector, &file, display, &batch, &pool, render)? {
            if let Some(text) = count(tally, inputs, options.report, row)? {
                tally.outcome.stats.records_out += 1;
                tally.outcome.stats.bytes_out += text.len() as u64;
                out.write_all(&text).map_err(|e| CorpusError::io("<output>", e))?;
            }
        }
        Ok(())
    })?;
    end(tally, inputs, damage)
}

/// Cleans one Parquet file (`inputs` holds it alone) into its target: the same table with
/// boilerplate removed from the text column.
pub(crate) fn clean_file(
    detector: &Detector,
    inputs: &[Input],
    batch_options: &BatchOptions,
    options: &CleanOptions,
    tally: &mut Tally,
) -> Result<(), CorpusError> {
    let Some(file) = start(tally, inputs, batch_options)? else { return Ok(()) };
    let input = &inputs[0];
    let target = target_for(options, input, Compression::None).map_or_else(|| "-".into(), |(path, _)| path);
    // Streaming writes go to a temporary file, so a row group that breaks off midway can be
    // given up and the file cleaned again by the Arrow writer, which keeps every row group
    // before the damage; a stream (standard output, a FIFO) cannot be taken back.
    let regular = matches!(target_kind(&target)?, TargetKind::Regular(_));
    if regular && options.row_group_size.is_none() && !options.drop_empty && !options.annotate_column {
        // What the streaming pass counted is taken back with its output: the stats and the
        // report's figures both.
        let before = (tally.outcome.stats.clone(), tally.outcome.report.clone());
        if clean_streaming(detector, inputs, &file, &target, batch_options, options, tally)? {
            return Ok(());
        }
        (tally.outcome.stats, tally.outcome.report) = before;
    }
    let mut schema = file.schema();
    if options.annotate_column {
        schema = with_field(&schema, annotation_field(), &input.display)?;
    }
    let write_error = write_error(&target);
    let sink = AtomicFile::create(&target, Compression::None)?;
    let props = file.writer_properties(options.row_group_size);
    let mut writer = ArrowWriter::try_new(sink, schema.clone(), Some(props)).map_err(write_error)?;
    let pool = worker_pool(batch_options)?;
    let text_index = schema.index_of(file.text_name()).map_err(|e| CorpusError::Other(e.to_string()))?;
    let mut group = None;
    let progress = batch_options.progress.as_deref().map(|p| p as &(dyn Fn(u64) + Send + Sync));
    let damage = file.read(Columns::All, batch_options.pipeline.chunk_bytes, progress, |batch| {
        // An output row group ends where the input's ended, unless --row-group-size decides.
        if options.row_group_size.is_none() && group.is_some_and(|g| g != batch.row_group) {
            writer.flush().map_err(write_error)?;
        }
        group = Some(batch.row_group);
        let rows = analyze(detector, &file, &input.display, &batch, &pool, |row| clean_text(row, options))?;
        let cleaned = clean_rows(tally, inputs, batch_options.report, options, rows)?;
        let out = cleaned.into_batch(&batch.data, &schema, text_index, options)?;
        writer.write(&out).map_err(write_error)
    })?;
    let sink = writer.into_inner().map_err(write_error)?;
    sink.commit()?;
    end(tally, inputs, damage)
}

/// `clean` when every row is kept and row groups stay as they are (the default): each
/// output row group copies the input's untouched column chunks byte for byte and writes the
/// text column's pages to the file as they are made, so memory holds a few batches and one
/// page rather than a whole row group. Only the text and id columns are decoded. Returns
/// `false`, having written nothing, when a row group breaks off after some of its rows: the
/// caller then cleans the file with the Arrow writer, which keeps the rows before the damage.
fn clean_streaming(
    detector: &Detector,
    inputs: &[Input],
    file: &ParquetInput,
    target: &std::path::Path,
    batch_options: &BatchOptions,
    options: &CleanOptions,
    tally: &mut Tally,
) -> Result<bool, CorpusError> {
    let write_error = write_error(target);
    let pool = worker_pool(batch_options)?;
    let display = &inputs[0].display;
    let text_leaf =
        file.text_leaf().ok_or_else(|| CorpusError::Other(format!("{display}: text column has no leaf")))?;
    let mut props = file.writer_properties(None);
    parquet::arrow::add_encoded_arrow_schema_to_metadata(&file.schema(), &mut props);
    let schema = file.parquet_schema();
    let sink = AtomicFile::create(target, Compression::None)?;
    let mut writer = SerializedFileWriter::new(sink, schema.root_schema_ptr(), Arc::new(props)).map_err(write_error)?;
    let progress = batch_options.progress.as_deref().map(|p| p as &(dyn Fn(u64) + Send + Sync));
    let max_def = schema.column(text_leaf).max_def_level();
    // A handle of its own: clones of the reader's handle share its offset with the decoding
    // thread, and copying through one would race with it.
    let source = file.reopen()?;
    let mut broke_off = false;
    let damage = file.read_stream(Columns::TextAndId, batch_options.pipeline.chunk_bytes, progress, |batches| {
        let mut batches = batches.peekable();
        while let Some(first) = batches.peek() {
            let row_group = match first {
                Ok(batch) => batch.row_group,
                Err(_) => break,
            };
            let mut group = writer.next_row_group().map_err(write_error)?;
            let copy = |group: &mut SerializedRowGroupWriter<'_, AtomicFile>, column: usize| {
                let metadata = file.column_chunk(row_group, column).clone();
                let close = ColumnCloseResult {
                    bytes_written: metadata.compressed_size().max(0) as u64,
                    rows_written: file.row_group_rows(row_group),
                    metadata,
                    bloom_filter: None,
                    column_index: None,
                    offset_index: None,
                };
                group.append_column(&source, close).map_err(write_error)
            };
            for column in 0..text_leaf {
                copy(&mut group, column)?;
            }
            let mut column = group
                .next_column()
                .map_err(write_error)?
                .ok_or_else(|| CorpusError::Other(format!("{display}: the output schema lost the text column")))?;
            let mut rows_in = 0u64;
            while let Some(Ok(batch)) = batches.next_if(|b| b.as_ref().is_ok_and(|b| b.row_group == row_group)) {
                let rows = analyze(detector, file, display, &batch, &pool, |row| clean_text(row, options))?;
                rows_in += rows.len() as u64;
                let (mut values, mut levels) = (Vec::with_capacity(rows.len()), Vec::with_capacity(rows.len()));
                for mut row in rows {
                    let text = row.output.take().map(Vec::from).or_else(|| row.text.map(|t| t.as_bytes().to_vec()));
                    levels.push(i16::from(text.is_some()));
                    let bytes = text.as_ref().map_or(0, Vec::len) as u64;
                    values.extend(text.map(ByteArray::from));
                    if count(tally, inputs, batch_options.report, row)?.is_some() {
                        tally.outcome.stats.records_out += 1;
                        tally.outcome.stats.bytes_out += bytes;
                    }
                }
                let levels = (max_def > 0).then_some(&levels[..]);
                column.typed::<ByteArrayType>().write_batch(&values, levels, None).map_err(write_error)?;
            }
            if rows_in < file.row_group_rows(row_group) {
                // The row group broke off after some of its rows: the copied columns hold all
                // of them, so the group cannot be completed here; the caller starts over.
                broke_off = true;
                return Ok(None);
            }
            column.close().map_err(write_error)?;
            for column in text_leaf + 1..schema.num_columns() {
                copy(&mut group, column)?;
            }
            group.close().map_err(write_error)?;
        }
        Ok::<_, CorpusError>(batches.next().and_then(Result::err))
    })?;
    if broke_off {
        return Ok(false);
    }
    let sink = writer.into_inner().map_err(write_error)?;
    sink.commit()?;
    end(tally, inputs, damage)?;
    Ok(true)
}

/// A row's text after cleaning, when it changed (made on the worker).
fn clean_text(row: &Row<'_, ()>, options: &CleanOptions) -> Option<String> {
    match row.text {
        Some(text) if !options.keep_text && !row.findings.is_empty() => Some(remove_findings(text, &row.findings)),
        _ => None,
    }
}

/// The rows of a batch after cleaning.
struct Cleaned<'a> {
    /// The texts to write, when one of them changed.
    texts: Option<Vec<Option<Cow<'a, str>>>>,
    /// Per row: kept (false when dropped by --drop-empty).
    keep: Vec<bool>,
    /// Per row, the blocks found (for the annotation column).
    blocks: Vec<Vec<Finding>>,
}

fn clean_rows<'a>(
    tally: &mut Tally,
    inputs: &[Input],
    report: bool,
    options: &CleanOptions,
    rows: Vec<Row<'a, Option<String>>>,
) -> Result<Cleaned<'a>, CorpusError> {
    let changes = rows.iter().any(|r| r.output.is_some());
    let mut cleaned = Cleaned {
        texts: changes.then(|| Vec::with_capacity(rows.len())),
        keep: Vec::with_capacity(rows.len()),
        blocks: Vec::new(),
    };
    for mut row in rows {
        let text: Option<Cow<'a, str>> = match row.output.take() {
            Some(changed) => Some(Cow::Owned(changed)),
            None => row.text.map(Cow::Borrowed),
        };
        let dropped = options.drop_empty && text.as_deref().is_some_and(|t| t.trim().is_empty());
        let bytes_out = if dropped { 0 } else { text.as_deref().map_or(0, str::len) };
        if options.annotate_column {
            cleaned.blocks.push(row.findings.clone());
        }
        if count(tally, inputs, report, row)?.is_some() {
            let stats = &mut tally.outcome.stats;
            if dropped {
                stats.records_dropped += 1;
            } else {
                stats.records_out += 1;
                stats.bytes_out += bytes_out as u64;
            }
        }
        cleaned.keep.push(!dropped);
        if let Some(texts) = &mut cleaned.texts {
            texts.push(text);
        }
    }
    Ok(cleaned)
}

impl Cleaned<'_> {
    /// The output batch: `data` with the new texts, the annotation column if asked for, and
    /// without dropped rows.
    fn into_batch(
        self,
        data: &RecordBatch,
        schema: &arrow_schema::SchemaRef,
        text_index: usize,
        options: &CleanOptions,
    ) -> Result<RecordBatch, CorpusError> {
        let other = |e: String| CorpusError::Other(e);
        let mut columns: Vec<ArrayRef> = data.columns().to_vec();
        if let Some(texts) = &self.texts {
            let texts: Vec<Option<&str>> = texts.iter().map(Option::as_deref).collect();
            columns[text_index] =
                crate::corpus::parquet::text_array(&texts, data.column(text_index).data_type()).map_err(other)?;
        }
        if options.annotate_column {
            columns.push(annotation_array(&self.blocks));
        }
        let out = RecordBatch::try_new(schema.clone(), columns).map_err(|e| other(e.to_string()))?;
        if self.keep.iter().all(|&k| k) {
            return Ok(out);
        }
        arrow_select::filter::filter_record_batch(&out, &BooleanArray::from(self.keep))
            .map_err(|e| other(e.to_string()))
    }
}

fn block_fields() -> Fields {
    Fields::from(vec![
        Field::new("start", DataType::UInt64, false),
        Field::new("end", DataType::UInt64, false),
        Field::new("category", DataType::Utf8, false),
        Field::new("score", DataType::Float64, false),
        Field::new("patterns", DataType::List(Arc::new(Field::new("item", DataType::Utf8, false))), false),
    ])
}

/// The annotation column: per row, a list of `{start, end, category, score, patterns}` with
/// byte offsets into the original text, as in `scan` records.
pub fn annotation_field() -> Field {
    let item = Field::new("item", DataType::Struct(block_fields()), false);
    Field::new(ANNOTATION_COLUMN, DataType::List(Arc::new(item)), false)
}

fn annotation_array(rows: &[Vec<Finding>]) -> ArrayRef {
    let blocks = rows.iter().flatten();
    let patterns: Vec<&str> = blocks.clone().flat_map(|f| f.patterns.iter().map(String::as_str)).collect();
    let pattern_lists = ListArray::new(
        Arc::new(Field::new("item", DataType::Utf8, false)),
        OffsetBuffer::from_lengths(blocks.clone().map(|f| f.patterns.len())),
        Arc::new(StringArray::from(patterns)),
        None,
    );
    let columns: Vec<ArrayRef> = vec![
        Arc::new(blocks.clone().map(|f| f.start as u64).collect::<UInt64Array>()),
        Arc::new(blocks.clone().map(|f| f.end as u64).collect::<UInt64Array>()),
        Arc::new(blocks.clone().map(|f| Some(f.category.as_str())).collect::<StringArray>()),
        Arc::new(blocks.clone().map(|f| round_score(f.score)).collect::<Float64Array>()),
        Arc::new(pattern_lists),
    ];
    let structs = StructArray::new(block_fields(), columns, None);
    let item = Arc::new(Field::new("item", DataType::Struct(block_fields()), false));
    Arc::new(ListArray::new(item, OffsetBuffer::from_lengths(rows.iter().map(Vec::len)), Arc::new(structs), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotation_column_lists_each_rows_blocks() {
        let finding = Finding {
            block: 0,
            start: 3,
            end: 9,
            outer_start: 3,
            outer_end: 10,
            category: crate::category::Category::Donation,
            score: 0.91234,
            patterns: vec!["en.donation.a".into(), "en.donation.b".into()],
        };
        let array = annotation_array(&[vec![], vec![finding]]);
        assert_eq!(array.data_type(), annotation_field().data_type());
        let lists = array.as_any().downcast_ref::<ListArray>().expect("a list");
        assert_eq!((lists.value_length(0), lists.value_length(1)), (0, 1));
        let block = lists.value(1);
        let block = block.as_any().downcast_ref::<StructArray>().expect("structs");
        let starts = block.column(0).as_any().downcast_ref::<UInt64Array>().expect("u64");
        assert_eq!(starts.value(0), 3);
    }
}
