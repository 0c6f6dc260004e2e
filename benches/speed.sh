#!/usr/bin/env bash
# Corpus-level speed and memory of the release binary (issue: batch engine).
#
#   benches/speed.sh [MB]        # default 1000; ROUNDS=5 benches/speed.sh for more rounds
#
# Builds a JSONL corpus of real article text with ../shared/bench/make_corpus.py, then times
# (file in page cache; medians over interleaved rounds, ratios taken within each round):
#   - ripgrep counting the built-in phrases (-i -F), the reference for "near the disk";
#   - boilerguard scan with -j1 and -j2, on plain and .zst input;
#   - boilerguard clean -j2;
# and peak RSS of scan -j2 from /usr/bin/time -v. Prints a table and the ratios the batch
# engine is held to. Installs ripgrep and GNU time from the system packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/rounds.sh
MB=${1:-1000}

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "$2" >/dev/null; }; }
need rg ripgrep
[ -x /usr/bin/time ] || { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }
command -v zstd >/dev/null || need zstd zstd

bench_corpus "$MB"
[ -s "$CORPUS.zst" ] || zstd -q -T2 -3 -f "$CORPUS" -o "$CORPUS.zst"
$BG patterns list --phrases > "$OUT/phrases.txt"
cat "$CORPUS" "$CORPUS.zst" > /dev/null   # page cache

ROUNDS=${ROUNDS:-3}
TIMES="$OUT/times.tsv"
: > "$TIMES"
echo "corpus: $CORPUS ($(du -m "$CORPUS" | cut -f1) MB), $(wc -l < "$OUT/phrases.txt") phrases, $(nproc) cores, $ROUNDS rounds"
for round in $(seq "$ROUNDS"); do
  timed "$round" rg rg -c -i -F -f "$OUT/phrases.txt" "$CORPUS"
  timed "$round" j1 "$BG" scan -j1 --quiet "$CORPUS"
  timed "$round" j2 "$BG" scan -j2 --quiet "$CORPUS"
  timed "$round" zst "$BG" scan -j2 --quiet "$CORPUS.zst"
  timed "$round" clean "$BG" clean -j2 --quiet "$CORPUS" -o "$OUT/cleaned.jsonl"
done
rss=$(peak_rss_kb "$BG" scan -j2 --quiet "$CORPUS")

summarize "$(stat -c %s "$CORPUS")" "rg -c -i -F -f phrases=rg" "scan -j1=j1" "scan -j2=j2" \
  "scan -j2 (.zst input)=zst" "clean -j2=clean" -- "j2/rg target <= 1.5" "j1/j2 target >= 1.8" \
  "zst/j2 target <= 1.25"
echo "peak RSS scan -j2 = $((rss / 1024)) MB (target <= 200)"
