# Sourced by the bench scripts: interleaved timing rounds and their summary.
#
# Each round runs every command once, so a slow spell of a shared host hits all of them alike;
# ratios are taken within a round, then the median over rounds.
#
#   TIMES=FILE; : > "$TIMES"
#   timed ROUND NAME command...            # appends "ROUND NAME SECONDS" to $TIMES
#   peak_rss_kb command...                 # peak RSS in KB, from /usr/bin/time -v
#   summarize SIZE_BYTES "LABEL=NAME"... -- "A/B target"...
#       prints each NAME's median time and MB/s (SIZE_BYTES of text), then each A/B median
#       ratio with its per-round values and the target text.

#   bench_corpus MB                        # builds the release binary; sets OUT, BG, and CORPUS,
#       the JSONL bench corpus of MB megabytes (made by ../shared/bench/make_corpus.py if absent)

bench_corpus() { # mb
  OUT=${BENCH_DIR:-bench-out}
  mkdir -p "$OUT"
  cargo build --release --quiet
  BG=target/release/boilerguard
  CORPUS="$OUT/corpus-$1mb.jsonl"
  [ -s "$CORPUS" ] || python3 ../shared/bench/make_corpus.py --mb "$1" --out "$CORPUS"
}

timed() { # round name command...
  local round=$1 name=$2 s e
  shift 2
  s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N)
  printf '%s\t%s\t%s\n' "$round" "$name" "$(echo "$e - $s" | bc -l)" >> "$TIMES"
}

peak_rss_kb() { # command...
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}'
}

summarize() { # size_bytes label=name... -- "a/b target"...
  python3 - "$TIMES" "$@" <<'PY'
import statistics, sys
times, size, rest = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
cut = rest.index("--") if "--" in rest else len(rest)
rows, ratios = rest[:cut], rest[cut + 1:]
runs = {}
for line in open(times):
    r, what, t = line.split("\t")
    runs.setdefault(what, {})[int(r)] = float(t)
for row in rows:
    label, key = row.split("=", 1)
    t = statistics.median(runs[key].values())
    rounds = " ".join(f"{runs[key][r]:.2f}" for r in sorted(runs[key]))
    print(f"{label:28} {t:8.2f} s {size / 1e6 / t:9.1f} MB/s   (rounds: {rounds})")
print()
for spec in ratios:
    pair, target = spec.split(" ", 1)
    a, b = pair.split("/")
    per_round = [runs[a][r] / runs[b][r] for r in sorted(runs[a])]
    each = " ".join(f"{x:.2f}" for x in per_round)
    print(f"{a} / {b} = {statistics.median(per_round):.2f} ({target}; rounds: {each})")
PY
}
