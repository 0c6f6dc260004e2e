#!/usr/bin/env bash
# Parquet against JSONL on the same text (issue 18): speed and memory of the release binary.
#
#   benches/parquet.sh [MB]      # default 1000; ROUNDS=5 benches/parquet.sh for more rounds
#
# Builds the bench corpus as JSONL with ../shared/bench/make_corpus.py (as benches/speed.sh
# does), writes the same records as Parquet with pyarrow (snappy, row groups of about 128 MiB
# of data, columns id/url/lang/text), then times with the files in page cache, in interleaved
# rounds (medians; ratios taken within each round):
#   - scan -j2 on JSONL and on Parquet            (target: Parquet / JSONL <= 1.2)
#   - clean -j2 JSONL->JSONL and Parquet->Parquet (target: Parquet / JSONL <= 1.3)
# and peak RSS of scan and clean on the Parquet file from /usr/bin/time -v (target <= 300 MB).
# Needs a Python with pyarrow: BOILERGUARD_PYTHON (default python3).
# Peak RSS of clean measures the default streaming writer (text pages written as made, other
# column chunks copied): 191 MB on the 200 MB corpus (357 MB with the ArrowWriter before it).
# --drop-empty, --row-group-size and --annotate still go through ArrowWriter, which holds one
# output row group; measure them by hand with /usr/bin/time -v when that path changes.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/rounds.sh
MB=${1:-1000}
PY=${BOILERGUARD_PYTHON:-python3}
[ -x /usr/bin/time ] || { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }
"$PY" -c 'import pyarrow' 2>/dev/null || { echo "no pyarrow in $PY: set BOILERGUARD_PYTHON" >&2; exit 2; }

bench_corpus "$MB"
PARQUET="$OUT/corpus-${MB}mb.parquet"
if [ ! -s "$PARQUET" ]; then
  "$PY" - "$CORPUS" "$PARQUET" <<'PY'
import json, sys
import pyarrow as pa, pyarrow.parquet as pq
src, dst = sys.argv[1], sys.argv[2]
GROUP = 128 << 20  # bytes of record data per row group
schema = pa.schema([("id", pa.string()), ("url", pa.string()), ("lang", pa.string()), ("text", pa.string())])
cols, size, groups = {n: [] for n in schema.names}, 0, 0
with pq.ParquetWriter(dst, schema, compression="snappy") as w:
    def flush():
        global cols, size, groups
        if cols["id"]:
            t = pa.table(cols, schema=schema)
            w.write_table(t, row_group_size=t.num_rows)
            groups += 1
        cols, size = {n: [] for n in schema.names}, 0
    for line in open(src, encoding="utf-8"):
        r = json.loads(line)
        for n in schema.names:
            cols[n].append(r.get(n))
        size += sum(len(r.get(n) or "") for n in schema.names)
        if size >= GROUP:
            flush()
    flush()
print(f"{dst}: {groups} row groups (snappy)")
PY
fi
cat "$CORPUS" "$PARQUET" > /dev/null   # page cache

ROUNDS=${ROUNDS:-3}
TIMES="$OUT/parquet-times.tsv"
: > "$TIMES"
echo "corpus: $CORPUS ($(du -m "$CORPUS" | cut -f1) MB) and $PARQUET ($(du -m "$PARQUET" | cut -f1) MB), $(nproc) cores, $ROUNDS rounds"
for round in $(seq "$ROUNDS"); do
  timed "$round" scan-jsonl "$BG" scan -j2 --quiet "$CORPUS"
  timed "$round" scan-parquet "$BG" scan -j2 --quiet "$PARQUET"
  timed "$round" clean-jsonl "$BG" clean -j2 --quiet "$CORPUS" -o "$OUT/cleaned.jsonl"
  timed "$round" clean-parquet "$BG" clean -j2 --quiet "$PARQUET" -o "$OUT/cleaned.parquet"
done
rss_scan=$(peak_rss_kb "$BG" scan -j2 --quiet "$PARQUET")
rss_clean=$(peak_rss_kb "$BG" clean -j2 --quiet "$PARQUET" -o "$OUT/cleaned.parquet")

# Speeds are in MB of JSONL-equivalent text per second.
summarize "$(stat -c %s "$CORPUS")" scan-jsonl=scan-jsonl scan-parquet=scan-parquet \
  clean-jsonl=clean-jsonl clean-parquet=clean-parquet -- \
  "scan-parquet/scan-jsonl target <= 1.2" "clean-parquet/clean-jsonl target <= 1.3"
echo "peak RSS scan -j2 Parquet  = $((rss_scan / 1024)) MB (target <= 300)"
echo "peak RSS clean -j2 Parquet = $((rss_clean / 1024)) MB (target <= 300)"
