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

# Interleaved rounds: each round runs every command once, so a slow spell of the (shared)
# host hits all of them alike; ratios are taken within a round, then the median over rounds.
ROUNDS=${ROUNDS:-3}
seconds() { # command... -> wall-clock seconds
  local s e
  s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
TIMES="$OUT/times.tsv"
: > "$TIMES"
echo "corpus: $CORPUS ($(du -m "$CORPUS" | cut -f1) MB), $(wc -l < "$OUT/phrases.txt") phrases, $(nproc) cores, $ROUNDS rounds"
for round in $(seq "$ROUNDS"); do
  printf '%s\trg\t%s\n' "$round" "$(seconds rg -c -i -F -f "$OUT/phrases.txt" "$CORPUS")" >> "$TIMES"
  printf '%s\tj1\t%s\n' "$round" "$(seconds "$BG" scan -j1 --quiet "$CORPUS")" >> "$TIMES"
  printf '%s\tj2\t%s\n' "$round" "$(seconds "$BG" scan -j2 --quiet "$CORPUS")" >> "$TIMES"
  printf '%s\tzst\t%s\n' "$round" "$(seconds "$BG" scan -j2 --quiet "$CORPUS.zst")" >> "$TIMES"
  printf '%s\tclean\t%s\n' "$round" "$(seconds "$BG" clean -j2 --quiet "$CORPUS" -o "$OUT/cleaned.jsonl")" >> "$TIMES"
done
rss=$(/usr/bin/time -v "$BG" scan -j2 --quiet "$CORPUS" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}')

python3 - "$TIMES" "$MB" "$rss" <<'PY'
import statistics, sys
times, mb, rss_kb = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
runs = {}
for line in open(times):
    r, what, t = line.split()
    runs.setdefault(what, {})[int(r)] = float(t)
labels = {"rg": "rg -c -i -F -f phrases", "j1": "scan -j1", "j2": "scan -j2",
          "zst": "scan -j2 (.zst input)", "clean": "clean -j2"}
for key, label in labels.items():
    t = statistics.median(runs[key].values())
    rounds = " ".join(f"{runs[key][r]:.2f}" for r in sorted(runs[key]))
    print(f"{label:28} {t:8.2f} s {mb / t:9.1f} MB/s   (rounds: {rounds})")
def ratio(a, b):
    per_round = [runs[a][r] / runs[b][r] for r in sorted(runs[a])]
    return statistics.median(per_round), " ".join(f"{x:.2f}" for x in per_round)
print()
for a, b, name, target in [("j2", "rg", "scan -j2 / rg", "<= 1.5"), ("j1", "j2", "scan -j1 / -j2", ">= 1.8"),
                           ("zst", "j2", "zst / plain", "<= 1.25")]:
    m, each = ratio(a, b)
    print(f"{name:18} = {m:.2f} (target {target}; rounds: {each})")
print(f"{'clean -j2':18} = {mb / statistics.median(runs['clean'].values()):.1f} MB/s")
print(f"{'peak RSS scan -j2':18} = {rss_kb / 1024:.1f} MB (target <= 200)")
PY
