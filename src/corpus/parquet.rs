//! Parquet in and out: the text column read batch by batch, and the table written back with
//! only that column changed.
//!
//! A Parquet file is read through its footer, so it must be a seekable file (standard input
//! is refused with a message). Its row groups are the unit of reading, of error reporting and
//! of output layout: a damaged row group stops the file with an error that names it, after
//! every row before it was handed on, and `clean` closes an output row group wherever the
//! input closed one, so row-group sizes survive a round trip.
//!
//! Inside a row group, batches of about `chunk_bytes` of text are decoded on a reader thread
//! while the previous batch is analyzed row by row on every worker. Decoding whole row groups
//! and processing several at once would hold `threads × row group` in memory: two 128 MiB
//! row groups of decoded text, plus their cleaned copies, already break a 300 MB budget, and a
//! file with one row group would use one core. Batches keep memory at a few chunks plus the
//! writer's one open row group (compressed), keep every core busy, and keep output in input
//! order without a reorder buffer.
//!
//! Output keeps, per column, the input's codec and whether it was dictionary-encoded;
//! compression levels are not recorded in Parquet files, so each codec's default level is
//! used. When rows and row groups stay as they are (the default `clean`), the input's untouched
//! column chunks are copied byte for byte ([`ParquetInput::column_chunk`],
//! [`ParquetInput::reopen`]) and only the text and id columns are decoded, so the writer holds
//! one page, not a row group. Otherwise (`--drop-empty`, `--row-group-size`, `--annotate`) the
//! writer is parquet's `ArrowWriter` with the input's Arrow schema (its metadata kept), which
//! holds the open output row group in memory; only the text column is rebuilt, in its own
//! Arrow type (dictionary, `LargeUtf8`…), and only for batches where a text changed.
use super::input::Input;
use super::record::FieldNames;
use crate::error::CorpusError;
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, LargeStringArray, RecordBatch, StringArray, StringViewArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use parquet::basic::Encoding;
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// The first and last four bytes of every Parquet file.
pub const MAGIC: &[u8; 4] = b"PAR1";

/// The writer's row-group limit when the caller closes row groups itself (half of
/// `usize::MAX`: the writer adds batch sizes to it).
const NO_ROW_GROUP_LIMIT: usize = usize::MAX / 2;

/// True when the file at `path` starts with the Parquet magic.
pub fn has_magic(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 4];
    File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == MAGIC
}

/// An opened Parquet input: its footer, and where its text and id columns are.
pub struct ParquetInput {
    file: File,
    path: std::path::PathBuf,
    display: String,
    meta: ArrowReaderMetadata,
    text: usize,
    id: Option<usize>,
}

/// Which columns a read decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Columns {
    /// The text and id columns only (`scan`).
    TextAndId,
    /// Every column (`clean`).
    All,
}

/// Decoded rows of one row group.
pub struct Batch {
    /// 0-based row group.
    pub row_group: usize,
    /// 0-based index in the file of the batch's first row.
    pub first_row: u64,
    /// The rows.
    pub data: RecordBatch,
}

impl ParquetInput {
    /// Opens `input`, reads its footer and finds the text column (`fields.text`, which must
    /// hold strings) and the id column (`fields.id`, any type, optional).
    pub fn open(input: &Input, fields: &FieldNames) -> Result<Self, CorpusError> {
        let display = input.display.clone();
        let Some(path) = &input.path else {
            return Err(CorpusError::Other(format!(
                "{display}: Parquet cannot be read from standard input (its index is at the end of the file); \
                 write it to a file first"
            )));
        };
        let file = File::open(path).map_err(|e| CorpusError::io(path, e))?;
        let meta = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).map_err(|e| {
            CorpusError::Other(format!("{display}: not a readable Parquet file (truncated or damaged footer): {e}"))
        })?;
        let schema = meta.schema().clone();
        let Ok(text) = schema.index_of(&fields.text) else {
            let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            return Err(CorpusError::Other(format!(
                "{display}: no column `{}` (columns: {}); name the text column with --text-field",
                fields.text,
                names.join(", ")
            )));
        };
        let text_type = schema.field(text).data_type();
        if !is_text_type(text_type) {
            return Err(CorpusError::Other(format!(
                "{display}: column `{}` is {text_type}, expected strings (Utf8, LargeUtf8, Utf8View or a \
                 dictionary of them); name the text column with --text-field",
                fields.text
            )));
        }
        let id = schema.index_of(&fields.id).ok();
        Ok(ParquetInput { file, path: path.clone(), display, meta, text, id })
    }

    /// The Arrow schema of the file.
    pub fn schema(&self) -> SchemaRef {
        self.meta.schema().clone()
    }

    /// Name of the text column.
    pub fn text_name(&self) -> &str {
        self.meta.schema().field(self.text).name()
    }

    /// Name of the id column, when the file has one.
    pub fn id_name(&self) -> Option<&str> {
        self.id.map(|i| self.meta.schema().field(i).name().as_str())
    }

    /// Row groups in the file.
    pub fn row_groups(&self) -> usize {
        self.meta.metadata().num_row_groups()
    }

    /// Writer settings that reproduce the input's layout: per column its codec and its
    /// dictionary choice; a row group per input row group (closed by the caller), or every
    /// `row_group_size` rows.
    pub fn writer_properties(&self, row_group_size: Option<usize>) -> WriterProperties {
        let mut props =
            WriterProperties::builder().set_max_row_group_size(row_group_size.unwrap_or(NO_ROW_GROUP_LIMIT));
        if let Some(group) = self.meta.metadata().row_groups().first() {
            // Columns the input does not have (the annotation column) get the text's codec.
            if let Some(text) = self.leaf_of(self.text) {
                props = props.set_compression(group.column(text).compression());
            }
            for column in group.columns() {
                let dictionary = column
                    .encodings()
                    .iter()
                    .any(|e| matches!(e, Encoding::RLE_DICTIONARY | Encoding::PLAIN_DICTIONARY));
                props = props
                    .set_column_compression(column.column_path().clone(), column.compression())
                    .set_column_dictionary_enabled(column.column_path().clone(), dictionary);
            }
        }
        props.build()
    }

    /// The file's Parquet schema.
    pub fn parquet_schema(&self) -> &parquet::schema::types::SchemaDescriptor {
        self.meta.metadata().file_metadata().schema_descr()
    }

    /// The Parquet leaf column of the text.
    pub fn text_leaf(&self) -> Option<usize> {
        self.leaf_of(self.text)
    }

    /// The metadata of column chunk `column` of row group `row_group`.
    pub fn column_chunk(&self, row_group: usize, column: usize) -> &parquet::file::metadata::ColumnChunkMetaData {
        self.meta.metadata().row_group(row_group).column(column)
    }

    /// Rows of row group `row_group`.
    pub fn row_group_rows(&self, row_group: usize) -> u64 {
        self.meta.metadata().row_group(row_group).num_rows().max(0) as u64
    }

    /// A new handle on the file, with its own offset (to copy column chunks from while the
    /// reader thread decodes).
    pub fn reopen(&self) -> Result<File, CorpusError> {
        File::open(&self.path).map_err(|e| CorpusError::io(&self.path, e))
    }

    /// Rows per batch for about `chunk_bytes` of text, from the text column's size in the
    /// footer.
    fn batch_rows(&self, chunk_bytes: usize) -> usize {
        let (mut bytes, mut rows) = (0i64, 0i64);
        let leaf = self.leaf_of(self.text);
        for group in self.meta.metadata().row_groups() {
            rows += group.num_rows();
            bytes += leaf.map_or(0, |i| group.column(i).uncompressed_size());
        }
        let per_row = if rows > 0 { (bytes / rows).max(1) as usize } else { 1024 };
        (chunk_bytes / per_row).clamp(16, 1 << 16)
    }

    /// The Parquet leaf column of a top-level string field (strings are never nested, so
    /// it has exactly one).
    fn leaf_of(&self, field: usize) -> Option<usize> {
        let descr = self.meta.metadata().file_metadata().schema_descr();
        (0..descr.num_columns()).find(|&i| descr.get_column_root_idx(i) == field)
    }

    /// Reads the file batch by batch, decoding on a separate thread, and hands each batch
    /// to `sink` in file order. `progress` is told the compressed bytes of each row group
    /// read. Returns `Ok(Some(error))` when the file broke off in a row group (every batch
    /// before it was handed on), `Err` when `sink` failed.
    pub fn read<S>(
        &self,
        columns: Columns,
        chunk_bytes: usize,
        progress: Option<&(dyn Fn(u64) + Send + Sync)>,
        mut sink: S,
    ) -> Result<Option<CorpusError>, CorpusError>
    where
        S: FnMut(Batch) -> Result<(), CorpusError>,
    {
        self.read_stream(columns, chunk_bytes, progress, |batches| {
            for message in batches {
                match message {
                    Ok(batch) => sink(batch)?,
                    Err(damage) => return Ok(Some(damage)),
                }
            }
            Ok(None)
        })
    }

    /// Reads the file as [`Self::read`] does, but hands `consume` the batches as one stream
    /// (in file order; an `Err` item is the damage that stopped the file, and the last item).
    pub fn read_stream<R>(
        &self,
        columns: Columns,
        chunk_bytes: usize,
        progress: Option<&(dyn Fn(u64) + Send + Sync)>,
        consume: impl FnOnce(&mut dyn Iterator<Item = Result<Batch, CorpusError>>) -> R,
    ) -> R {
        let batch_rows = self.batch_rows(chunk_bytes);
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Batch, CorpusError>>(1);
        std::thread::scope(|scope| {
            scope.spawn(move || self.decode_all(columns, batch_rows, progress, tx));
            let result = consume(&mut rx.iter());
            // Hang up before joining: the reader stops at its next send.
            drop(rx);
            result
        })
    }

    /// The reader thread: every row group in order, until the receiver hangs up or the file
    /// breaks off.
    fn decode_all(
        &self,
        columns: Columns,
        batch_rows: usize,
        progress: Option<&(dyn Fn(u64) + Send + Sync)>,
        tx: std::sync::mpsc::SyncSender<Result<Batch, CorpusError>>,
    ) {
        let mut first_row = 0u64;
        for row_group in 0..self.row_groups() {
            let group = self.meta.metadata().row_group(row_group);
            let rows = group.num_rows().max(0) as u64;
            let damaged = |reason: String| {
                CorpusError::Other(format!(
                    "{}: row group {} of {} (rows {}–{}): {reason}",
                    self.display,
                    row_group + 1,
                    self.row_groups(),
                    first_row + 1,
                    first_row + rows
                ))
            };
            let mut next_row = first_row;
            let result = self.group_reader(row_group, columns, batch_rows).and_then(|reader| {
                for data in reader {
                    let data = data.map_err(|e| e.to_string())?;
                    let batch = Batch { row_group, first_row: next_row, data };
                    next_row += batch.data.num_rows() as u64;
                    if tx.send(Ok(batch)).is_err() {
                        return Ok(false);
                    }
                }
                Ok(true)
            });
            match result {
                Ok(true) if next_row - first_row == rows => {}
                Ok(true) => {
                    let reason = format!("{} rows decoded, the footer promises {rows}", next_row - first_row);
                    let _ = tx.send(Err(damaged(reason)));
                    return;
                }
                Ok(false) => return,
                Err(reason) => {
                    let _ = tx.send(Err(damaged(reason)));
                    return;
                }
            }
            if let Some(progress) = progress {
                progress(group.compressed_size().max(0) as u64);
            }
            first_row += rows;
        }
    }

    fn group_reader(
        &self,
        row_group: usize,
        columns: Columns,
        batch_rows: usize,
    ) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReader, String> {
        let file = self.file.try_clone().map_err(|e| e.to_string())?;
        let mut builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.meta.clone())
            .with_row_groups(vec![row_group])
            .with_batch_size(batch_rows);
        if columns == Columns::TextAndId {
            let roots = [Some(self.text), self.id].into_iter().flatten();
            let mask = ProjectionMask::roots(self.meta.metadata().file_metadata().schema_descr(), roots);
            builder = builder.with_projection(mask);
        }
        builder.build().map_err(|e| e.to_string())
    }
}

/// True for the Arrow types a text column may have.
pub fn is_text_type(data_type: &DataType) -> bool {
    match data_type {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, values) => {
            matches!(**values, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
        }
        _ => false,
    }
}

/// Read access to a column of strings, whatever its Arrow layout.
pub enum TextColumn<'a> {
    /// `Utf8`.
    Utf8(&'a StringArray),
    /// `LargeUtf8`.
    Large(&'a LargeStringArray),
    /// `Utf8View`.
    View(&'a StringViewArray),
    /// A dictionary: per row a key into `values`, null where the key is null.
    Dictionary {
        /// Row → index into `values`.
        keys: Vec<usize>,
        /// The row's nulls.
        array: &'a dyn Array,
        /// The distinct strings.
        values: Box<TextColumn<'a>>,
    },
}

impl<'a> TextColumn<'a> {
    /// Access to `array`, or `None` when it holds no strings.
    pub fn new(array: &'a dyn Array) -> Option<Self> {
        match array.data_type() {
            DataType::Utf8 => Some(TextColumn::Utf8(array.as_string::<i32>())),
            DataType::LargeUtf8 => Some(TextColumn::Large(array.as_string::<i64>())),
            DataType::Utf8View => Some(TextColumn::View(array.as_string_view())),
            DataType::Dictionary(..) => {
                let dictionary = array.as_any_dictionary_opt()?;
                let values = TextColumn::new(dictionary.values().as_ref())?;
                Some(TextColumn::Dictionary { keys: dictionary.normalized_keys(), array, values: Box::new(values) })
            }
            _ => None,
        }
    }

    /// The string of row `i`, `None` when it is null.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            TextColumn::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            TextColumn::Large(a) => a.is_valid(i).then(|| a.value(i)),
            TextColumn::View(a) => a.is_valid(i).then(|| a.value(i)),
            TextColumn::Dictionary { keys, array, values } => {
                if array.is_valid(i) {
                    values.get(keys[i])
                } else {
                    None
                }
            }
        }
    }
}

/// A column of strings of type `data_type` holding `texts`.
pub fn text_array(texts: &[Option<&str>], data_type: &DataType) -> Result<ArrayRef, String> {
    let array: ArrayRef = match data_type {
        DataType::LargeUtf8 => Arc::new(texts.iter().copied().collect::<LargeStringArray>()),
        _ => Arc::new(texts.iter().copied().collect::<StringArray>()),
    };
    if array.data_type() == data_type {
        return Ok(array);
    }
    arrow_cast::cast(&array, data_type).map_err(|e| format!("cannot rebuild the text column as {data_type}: {e}"))
}

/// The id of each row, from a column of any type: strings are taken as they are, other
/// types rendered once up front (Arrow's formatter is not shared across threads).
pub enum IdColumn<'a> {
    /// A string column.
    Text(TextColumn<'a>),
    /// Rendered ids, `None` for nulls.
    Rendered(Vec<Option<String>>),
}

impl<'a> IdColumn<'a> {
    /// Ids from `array`.
    pub fn new(array: &'a dyn Array) -> Self {
        if let Some(text) = TextColumn::new(array) {
            return IdColumn::Text(text);
        }
        let formatter = arrow_cast::display::ArrayFormatter::try_new(array, &Default::default()).ok();
        let render = |i: usize| Some(formatter.as_ref()?.value(i).to_string()).filter(|_| array.is_valid(i));
        IdColumn::Rendered((0..array.len()).map(render).collect())
    }

    /// The id of row `i`, `None` when it is null.
    pub fn get(&self, i: usize) -> Option<String> {
        match self {
            IdColumn::Text(text) => text.get(i).map(str::to_string),
            IdColumn::Rendered(ids) => ids.get(i).cloned().flatten(),
        }
    }
}

/// `schema` with `field` appended (the annotation column), failing when a column of that
/// name exists.
pub fn with_field(schema: &Schema, field: Field, display: &str) -> Result<SchemaRef, CorpusError> {
    if schema.index_of(field.name()).is_ok() {
        return Err(CorpusError::Other(format!(
            "{display}: already has a column `{}`; --annotate cannot add it",
            field.name()
        )));
    }
    let mut fields: Vec<Arc<Field>> = schema.fields().iter().cloned().collect();
    fields.push(Arc::new(field));
    Ok(Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::types::Int32Type;
    use arrow_array::DictionaryArray;

    #[test]
    fn every_string_layout_reads_the_same_rows() {
        let rows = [Some("a"), None, Some("ccc"), Some("a")];
        let utf8: ArrayRef = Arc::new(rows.iter().copied().collect::<StringArray>());
        let large: ArrayRef = Arc::new(rows.iter().copied().collect::<LargeStringArray>());
        let view: ArrayRef = Arc::new(rows.iter().copied().collect::<StringViewArray>());
        let dict: ArrayRef = Arc::new(rows.iter().copied().collect::<DictionaryArray<Int32Type>>());
        for array in [utf8, large, view, dict] {
            let column = TextColumn::new(array.as_ref()).expect("a text type");
            let read: Vec<Option<&str>> = (0..rows.len()).map(|i| column.get(i)).collect();
            assert_eq!(read, rows, "{}", array.data_type());
        }
    }

    #[test]
    fn rebuilt_text_columns_keep_their_type() {
        let texts = [Some("x"), None, Some("y")];
        for data_type in [
            DataType::Utf8,
            DataType::LargeUtf8,
            DataType::Utf8View,
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
        ] {
            let array = text_array(&texts, &data_type).expect("rebuilt");
            assert_eq!(array.data_type(), &data_type);
            let column = TextColumn::new(array.as_ref()).expect("text");
            assert_eq!((0..3).map(|i| column.get(i)).collect::<Vec<_>>(), texts);
        }
    }

    #[test]
    fn ids_of_any_type_render_and_nulls_stay_null() {
        let ints: ArrayRef = Arc::new(arrow_array::Int64Array::from(vec![Some(17), None]));
        let ids = IdColumn::new(ints.as_ref());
        assert_eq!((ids.get(0), ids.get(1)), (Some("17".to_string()), None));
        let strings: ArrayRef = Arc::new(StringArray::from(vec!["doc-1"]));
        assert_eq!(IdColumn::new(strings.as_ref()).get(0).as_deref(), Some("doc-1"));
    }

    #[test]
    fn only_string_columns_are_text() {
        assert!(is_text_type(&DataType::LargeUtf8));
        assert!(!is_text_type(&DataType::Int64));
        assert!(!is_text_type(&DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Int64))));
    }
}
