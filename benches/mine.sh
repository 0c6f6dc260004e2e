#!/usr/bin/env bash
# Time and peak memory of `boilerguard mine` against `scan -j2` (issue: mine).
#
#   benches/mine.sh [MB...]      # default: 100 1000
#
# Builds JSONL corpora of real article text with ../shared/bench/make_corpus.py (records carry
# url and lang, so documents group into sites), then runs scan -j2 and mine -j2 on each, file
# in page cache, and prints wall time and peak RSS (/usr/bin/time -v). Fails when mine's peak
# RSS exceeds 400 MB or its time exceeds 1.5x scan's on the same corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-100 1000}")
OUT=${BENCH_DIR:-bench-out}
mkdir -p "$OUT"
[ -x /usr/bin/time ] || { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet
BG=target/release/boilerguard
measure() { # label command... -> "seconds rss_mb"
  local log
  log=$(mktemp)
  /usr/bin/time -v "$@" > /dev/null 2> "$log" || { cat "$log"; exit 1; }
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(grep "Maximum resident set size" "$log" | awk '{print int($NF / 1024)}')
  rm -f "$log"
  echo "$wall $rss"
}
status=0
printf '%-8s %-10s %10s %10s\n' size command seconds rss_MB
for MB in ${SIZES[*]}; do
  CORPUS="$OUT/corpus-${MB}mb.jsonl"
  [ -s "$CORPUS" ] || python3 ../shared/bench/make_corpus.py --mb "$MB" --out "$CORPUS"
  cat "$CORPUS" > /dev/null
  read -r scan_s scan_rss < <(measure $BG scan -j2 --quiet "$CORPUS")
  read -r mine_s mine_rss < <(measure $BG mine -j2 --quiet "$CORPUS" -o "$OUT/mined-$MB")
  printf '%-8s %-10s %10.2f %10d\n' "${MB}MB" "scan -j2" "$scan_s" "$scan_rss" "${MB}MB" "mine -j2" "$mine_s" "$mine_rss"
  if [ "$mine_rss" -gt 400 ]; then echo "FAIL: mine peak RSS ${mine_rss} MB > 400 MB"; status=1; fi
  if [ "$(echo "$mine_s > 1.5 * $scan_s" | bc -l)" = 1 ]; then echo "FAIL: mine ${mine_s}s > 1.5 x scan ${scan_s}s"; status=1; fi
done
exit $status
