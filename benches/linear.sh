#!/usr/bin/env bash
# Detection time and memory against document size (issue 15, item 7).
#
#   benches/linear.sh [SIZES_MB...]     # default: 0.1 1 5 20
#
# One document per run: a plain text file of one layout repeated to the size, read by the
# release binary with -j1, by `scan` and by `check --format json` (which also locates every
# finding). Every layout is one where each line is an anchor or a neighbour that joins it, so
# region growing has the most to do; the single-line layout puts every hit in one block
# instead. Prints seconds and peak RSS per MB for each command, layout and size, and fails
# when the time per MB at the largest size exceeds 3x that at 1 MB (the smallest size is
# dominated by start-up and only shown).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(0.1 1 5 20)
OUT=${BENCH_DIR:-bench-out}/linear
mkdir -p "$OUT"
[ -n "${BG:-}" ] || { cargo build --release --quiet; BG=target/release/boilerguard; }
HAVE_TIME=$([ -x /usr/bin/time ] && echo 1 || echo 0)

# name|line repeated (\n is a line break)
LAYOUTS=(
  'donation-gap|Donate now\nab\n'
  'donation-evidence|Donate now\nYour support matters to us.\n'
  'donation-heading|Want to help?\nDonate now\n35 €\n'
  'disclaimer|The views expressed in this article are those of the author.\nOpinion\n'
  'newsletter|Sign up for our newsletter\nab\n'
  'related|Read more: the budget\n'
  'single-line|Donate now, support independent journalism. '
  'paragraphs|Donate now to support\nour journalism today.\n\n'
)

make_doc() { # line mb path
  python3 - "$1" "$2" "$3" <<'PY'
import sys
unit = sys.argv[1].replace("\\n", "\n").encode()
size = int(float(sys.argv[2]) * 1_000_000)
with open(sys.argv[3], "wb") as f:
    f.write(unit * max(1, size // len(unit)))
PY
}

# name|arguments (the document comes last)
COMMANDS=(
  'scan|scan -j1 --quiet'
  'check|check -j1 --quiet --no-config --format json'
)

fail=0
printf '%-6s %-18s %8s %9s %10s %10s\n' cmd layout MB seconds 's/MB' 'RSS MB/MB'
for command in "${COMMANDS[@]}"; do
  cmd=${command%%|*}
  read -r -a args <<< "${command#*|}"
  for entry in "${LAYOUTS[@]}"; do
    name=${entry%%|*}
    line=${entry#*|}
    base=""
    last=""
    for mb in "${SIZES[@]}"; do
      doc="$OUT/$name-$mb.txt"
      [ -s "$doc" ] || make_doc "$line" "$mb" "$doc"
      start=$(date +%s.%N)
      if [ "$HAVE_TIME" = 1 ]; then
        # `check` exits 1 on these documents: the status is not what is measured.
        rss_kb=$({ /usr/bin/time -f '%M' "$BG" "${args[@]}" "$doc" 2>&1 >/dev/null || true; } | tail -1)
      else
        "$BG" "${args[@]}" "$doc" >/dev/null 2>&1 || true
        rss_kb=0
      fi
      end=$(date +%s.%N)
      read -r secs per_mb rss_per_mb < <(python3 -c "t=$end-$start; print(f'{t:.3f} {t/$mb:.4f} {$rss_kb/1024/$mb:.1f}')")
      printf '%-6s %-18s %8s %9s %10s %10s\n' "$cmd" "$name" "$mb" "$secs" "$per_mb" "$rss_per_mb"
      [ "$mb" = 1 ] && base=$per_mb
      last=$per_mb
    done
    if [ -n "$base" ] && python3 -c "import sys; sys.exit(0 if $last > 3 * $base else 1)"; then
      echo "FAIL: $cmd $name: $last s/MB at ${SIZES[-1]} MB is over 3x the $base s/MB at 1 MB"
      fail=1
    fi
  done
done
exit $fail
