#!/usr/bin/env bash
# Corpus-level speed and memory of the release binary (issue: batch engine).
#
#   benches/speed.sh [MB]        # default 1000
#
# Builds a JSONL corpus of real article text with ../shared/bench/make_corpus.py, then times
# (median of 3, file in page cache):
#   - ripgrep counting the built-in phrases (-i -F), the reference for "near the disk";
#   - boilerguard scan with -j1 and -j2, on plain and .zst input;
#   - boilerguard clean -j2;
# and peak RSS of scan -j2 from /usr/bin/time -v. Prints a table and the ratios the batch
# engine is held to. Installs ripgrep and GNU time from the system packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-1000}
OUT=${BENCH_DIR:-bench-out}
mkdir -p "$OUT"

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "$2" >/dev/null; }; }
need rg ripgrep
[ -x /usr/bin/time ] || { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }
command -v zstd >/dev/null || need zstd zstd

cargo build --release --quiet
BG=target/release/boilerguard
CORPUS="$OUT/corpus-${MB}mb.jsonl"
[ -s "$CORPUS" ] || python3 ../shared/bench/make_corpus.py --mb "$MB" --out "$CORPUS"
[ -s "$CORPUS.zst" ] || zstd -q -T2 -3 -f "$CORPUS" -o "$CORPUS.zst"
$BG patterns list --phrases > "$OUT/phrases.txt"
cat "$CORPUS" "$CORPUS.zst" > /dev/null   # page cache

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # label, command...
  local label=$1; shift
  local t
  t=$(for _ in 1 2 3; do
        local s e
        s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N)
        echo "$e - $s" | bc -l
      done | median)
  printf '%-28s %8.2f s %9.1f MB/s\n' "$label" "$t" "$(echo "$MB / $t" | bc -l)" >&2
  echo "$t"
}

echo "corpus: $CORPUS ($(du -m "$CORPUS" | cut -f1) MB), $(wc -l < "$OUT/phrases.txt") phrases, $(nproc) cores"
rg_t=$(timeit "rg -c -i -F -f phrases" rg -c -i -F -f "$OUT/phrases.txt" "$CORPUS" | tail -1)
j1_t=$(timeit "scan -j1" $BG scan -j1 --quiet "$CORPUS" | tail -1)
j2_t=$(timeit "scan -j2" $BG scan -j2 --quiet "$CORPUS" | tail -1)
zst_t=$(timeit "scan -j2 (.zst input)" $BG scan -j2 --quiet "$CORPUS.zst" | tail -1)
cl_t=$(timeit "clean -j2" $BG clean -j2 --quiet "$CORPUS" -o "$OUT/cleaned.jsonl" | tail -1)
rss=$(/usr/bin/time -v $BG scan -j2 --quiet "$CORPUS" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}')

printf '\nscan -j2 / rg      = %.2f (target <= 1.5)\n' "$(echo "$j2_t / $rg_t" | bc -l)"
printf 'scan -j1 / -j2     = %.2f (target >= 1.8)\n' "$(echo "$j1_t / $j2_t" | bc -l)"
printf 'zst / plain        = %.2f (target <= 1.25)\n' "$(echo "$zst_t / $j2_t" | bc -l)"
printf 'clean -j2          = %.1f MB/s\n' "$(echo "$MB / $cl_t" | bc -l)"
printf 'peak RSS scan -j2  = %.1f MB (target <= 200)\n' "$(echo "$rss / 1024" | bc -l)"
