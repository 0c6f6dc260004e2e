#!/usr/bin/env bash
# Old binary against new, interleaved: is the new `scan -j1` slower on the bench corpus?
#
#   benches/versus.sh OLD_BINARY [MB]      # default 1000; ROUNDS=5 for more rounds
#
# Pattern or classifier work changes the per-byte cost of detection; this is the check the
# detection issues are held to ("no slower than the old binary"). Build the old binary from
# its commit in a worktree (`git worktree add /tmp/old REV && cargo build --release` there).
# Each round runs both once, so a slow spell of a shared host hits both alike; the ratio is
# taken within each round, then the median over rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/rounds.sh
OLD=${1:?old boilerguard binary}
MB=${2:-1000}
bench_corpus "$MB"
NEW=$BG
cat "$CORPUS" > /dev/null   # page cache

ROUNDS=${ROUNDS:-3}
TIMES="$OUT/versus-times.tsv"
: > "$TIMES"
echo "corpus: $CORPUS ($(du -m "$CORPUS" | cut -f1) MB), $(nproc) cores, $ROUNDS rounds"
echo "old: $OLD ($("$OLD" patterns list | wc -l) patterns), new: $NEW ($("$NEW" patterns list | wc -l) patterns)"
for round in $(seq "$ROUNDS"); do
  timed "$round" old "$OLD" scan -j1 --quiet "$CORPUS"
  timed "$round" new "$NEW" scan -j1 --quiet "$CORPUS"
done
summarize "$(stat -c %s "$CORPUS")" "old scan -j1=old" "new scan -j1=new" -- "new/old target <= 1.0"
