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
MB=${1:-1000}
OUT=${BENCH_DIR:-bench-out}
PY=${BOILERGUARD_PYTHON:-python3}
mkdir -p "$OUT"
[ -x /usr/bin/time ] || { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }
"$PY" -c 'import pyarrow' 2>/dev/null || { echo "no pyarrow in $PY: set BOILERGUARD_PYTHON" >&2; exit 2; }

cargo build --release --quiet
BG=target/release/boilerguard
CORPUS="$OUT/corpus-${MB}mb.jsonl"
PARQUET="$OUT/corpus-${MB}mb.parquet"
[ -s "$CORPUS" ] || python3 ../shared/bench/make_corpus.py --mb "$MB" --out "$CORPUS"
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
seconds() { # command... -> wall-clock seconds
  local s e
  s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
TIMES="$OUT/parquet-times.tsv"
: > "$TIMES"
echo "corpus: $CORPUS ($(du -m "$CORPUS" | cut -f1) MB) and $PARQUET ($(du -m "$PARQUET" | cut -f1) MB), $(nproc) cores, $ROUNDS rounds"
for round in $(seq "$ROUNDS"); do
  printf '%s\tscan-jsonl\t%s\n' "$round" "$(seconds "$BG" scan -j2 --quiet "$CORPUS")" >> "$TIMES"
  printf '%s\tscan-parquet\t%s\n' "$round" "$(seconds "$BG" scan -j2 --quiet "$PARQUET")" >> "$TIMES"
  printf '%s\tclean-jsonl\t%s\n' "$round" "$(seconds "$BG" clean -j2 --quiet "$CORPUS" -o "$OUT/cleaned.jsonl")" >> "$TIMES"
  printf '%s\tclean-parquet\t%s\n' "$round" "$(seconds "$BG" clean -j2 --quiet "$PARQUET" -o "$OUT/cleaned.parquet")" >> "$TIMES"
done
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}'; }
rss_scan=$(rss "$BG" scan -j2 --quiet "$PARQUET")
rss_clean=$(rss "$BG" clean -j2 --quiet "$PARQUET" -o "$OUT/cleaned.parquet")

"$PY" - "$TIMES" "$MB" "$rss_scan" "$rss_clean" <<'PY'
import statistics, sys
times, mb, rss_scan, rss_clean = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
runs = {}
for line in open(times):
    r, what, t = line.split()
    runs.setdefault(what, {})[int(r)] = float(t)
for key in ["scan-jsonl", "scan-parquet", "clean-jsonl", "clean-parquet"]:
    t = statistics.median(runs[key].values())
    rounds = " ".join(f"{runs[key][r]:.2f}" for r in sorted(runs[key]))
    print(f"{key:16} {t:8.2f} s {mb / t:9.1f} MB/s of JSONL-equivalent text   (rounds: {rounds})")
print()
for a, b, target in [("scan-parquet", "scan-jsonl", 1.2), ("clean-parquet", "clean-jsonl", 1.3)]:
    per_round = [runs[a][r] / runs[b][r] for r in sorted(runs[a])]
    m = statistics.median(per_round)
    print(f"{a} / {b} = {m:.2f} (target <= {target}; rounds: {' '.join(f'{x:.2f}' for x in per_round)})")
print(f"peak RSS scan -j2 Parquet  = {rss_scan / 1024:.1f} MB (target <= 300)")
print(f"peak RSS clean -j2 Parquet = {rss_clean / 1024:.1f} MB (target <= 300)")
PY
