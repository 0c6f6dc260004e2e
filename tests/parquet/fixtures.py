"""Parquet fixtures for tests/parquet.rs, written by pyarrow (the library users write them with).

    python fixtures.py write OUTDIR          # every fixture file below
    python fixtures.py describe FILE         # JSON: schema, codecs, row groups, rows
    python fixtures.py equal A B [DROP]      # exit 0 when the tables are equal (DROP: a column of B to ignore)

Texts carry boilerplate the frozen test patterns (tests/fixtures/patterns) detect, multi-byte
body text, and a null.
"""
import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq

TEXTS = [
    "Story 0 about the harbour.\nDonate now",
    "Nachricht 1: Größere Brücke, schöne Straße.\nThe views expressed in this article are those of the author.",
    "纯正文 2。没有样板。",
    None,
    "Plain body 4.\nSupport our journalism.\nYour support matters.",
    "Story 5 with no appeal at all.",
    "Donate now",
    "Body 7.\nFaites un don",
]


def table(text_array=None):
    n = len(TEXTS)
    return pa.table({
        "id": pa.array([f"doc-{i}" for i in range(n)]),
        "url": pa.array([f"https://example.org/{i}" for i in range(n)]),
        "text": text_array if text_array is not None else pa.array(TEXTS, pa.string()),
        "n": pa.array(range(n), pa.int64()),
        "tags": pa.array([[f"t{i}", "x"] if i % 2 else [] for i in range(n)], pa.list_(pa.string())),
        "score": pa.array([i / 4 for i in range(n)], pa.float64()),
    })


def write(out):
    for codec in ["snappy", "zstd", "gzip"]:
        pq.write_table(table(), f"{out}/{codec}.parquet", compression=codec, row_group_size=3)
    pq.write_table(table(pa.array(TEXTS, pa.string()).dictionary_encode()), f"{out}/dictionary.parquet",
                   compression="snappy", row_group_size=3)
    pq.write_table(table(pa.array(TEXTS, pa.large_string())), f"{out}/large.parquet", compression="zstd",
                   row_group_size=5)
    # A text column that holds numbers, and a file whose ids are integers.
    wrong = table().set_column(2, "text", pa.array(range(len(TEXTS)), pa.int64()))
    pq.write_table(wrong, f"{out}/wrong-type.parquet")
    ints = table().set_column(0, "id", pa.array(range(100, 100 + len(TEXTS)), pa.int64()))
    pq.write_table(ints, f"{out}/int-ids.parquet", row_group_size=4)
    # Cut off before its footer: pyarrow's own bytes, truncated.
    data = open(f"{out}/snappy.parquet", "rb").read()
    open(f"{out}/truncated.parquet", "wb").write(data[: len(data) * 2 // 3])
    # Damaged in its last row group: the first page header of every column chunk there is
    # overwritten, the footer is intact, so the row groups before it read fine.
    meta = pq.ParquetFile(f"{out}/snappy.parquet").metadata
    last = meta.row_group(meta.num_row_groups - 1)
    damaged = bytearray(data)
    for c in range(last.num_columns):
        col = last.column(c)
        start = col.dictionary_page_offset if col.has_dictionary_page else col.data_page_offset
        damaged[start : start + 8] = b"\xff" * 8
    open(f"{out}/damaged.parquet", "wb").write(bytes(damaged))
    # Damaged inside its one row group: many small plain pages of text, uncompressed, and
    # bytes overwritten in the middle of the text column chunk, so the first pages decode and
    # a later one does not (the row group breaks off after some of its rows).
    many = [f"Row {i} of a long row group, body text only." for i in range(200)]
    long_group = pa.table({
        "id": pa.array([f"doc-{i}" for i in range(200)]),
        "text": pa.array(many, pa.string()),
        "n": pa.array(range(200), pa.int64()),
    })
    path = f"{out}/damaged-midway.parquet"
    pq.write_table(long_group, path, compression="none", use_dictionary=False, data_page_size=256,
                   write_batch_size=8, row_group_size=200)
    text = pq.ParquetFile(path).metadata.row_group(0).column(1)
    middle = text.data_page_offset + text.total_compressed_size * 2 // 3
    data = bytearray(open(path, "rb").read())
    data[middle : middle + 16] = b"\xff" * 16
    open(path, "wb").write(bytes(data))


def describe(path):
    f = pq.ParquetFile(path)
    meta = f.metadata
    t = f.read()
    codecs = sorted({meta.row_group(g).column(c).compression for g in range(meta.num_row_groups)
                     for c in range(meta.num_columns)})
    out = {
        "schema": [f"{field.name}: {field.type}" for field in t.schema],
        "codecs": codecs,
        "row_groups": [meta.row_group(g).num_rows for g in range(meta.num_row_groups)],
        "rows": t.to_pylist(),
    }
    print(json.dumps(out, ensure_ascii=False, default=str))


def decoded(t):
    """The table with dictionary columns decoded: a dictionary's layout (which values each
    row group's dictionary page lists) is the writer's choice, not the table's content."""
    for i, field in enumerate(t.schema):
        if pa.types.is_dictionary(field.type):
            t = t.set_column(i, field.name, t.column(i).cast(field.type.value_type))
    return t


def equal(a, b, drop=None):
    ta, tb = pq.read_table(a), pq.read_table(b)
    if drop:
        tb = tb.drop_columns([drop])
    same_schema = ta.schema.equals(tb.schema, check_metadata=True)
    same = same_schema and decoded(ta).equals(decoded(tb), check_metadata=True)
    if not same:
        print(f"schemas equal: {same_schema}\n{ta.schema}\n---\n{tb.schema}", file=sys.stderr)
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    {"write": write, "describe": describe, "equal": equal}[cmd](*args)
