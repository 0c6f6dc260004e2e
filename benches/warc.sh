#!/usr/bin/env bash
# Speed of WET input against JSONL of the same text (issue 18): the release binary's scan -j2.
#
#   benches/warc.sh [MB]        # default 150; ROUNDS=5 benches/warc.sh for more rounds
#
# Builds a JSONL corpus of real article text with ../shared/bench/make_corpus.py, then writes
# the same documents as a Common Crawl-like WET file (a warcinfo record, then one conversion
# record per document with WARC-Record-ID, WARC-Target-URI, WARC-Date, language, digests), both
# uncompressed and gzipped one member per record as Common Crawl does; the JSONL is gzipped too.
# Times (file in page cache; medians over interleaved rounds, ratios taken within each round)
# scan -j2 on each, and clean -j2 of the gzipped files into their own format (WET with one gzip
# member per record), and prints the ratios WET / JSONL (scan target <= 1.3 for the same
# compression; clean is shown for information).
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/rounds.sh
MB=${1:-150}

bench_corpus "$MB"
WET="$OUT/corpus-${MB}mb.warc.wet"
[ -s "$CORPUS.gz" ] || gzip -k -6 -c "$CORPUS" > "$CORPUS.gz"
if [ ! -s "$WET.gz" ]; then
  python3 - "$CORPUS" "$WET" <<'PY'
import base64, gzip, hashlib, json, sys, uuid
src, out = sys.argv[1], sys.argv[2]
def record(headers, block):
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + f"Content-Length: {len(block)}\r\n\r\n"
    return head.encode() + block + b"\r\n\r\n"
with open(src, encoding="utf-8") as f, open(out, "wb") as plain, open(out + ".gz", "wb") as packed:
    def write(rec):
        plain.write(rec)
        packed.write(gzip.compress(rec, 6))
    write(record([("WARC-Type", "warcinfo"), ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"),
                  ("Content-Type", "application/warc-fields")], b"software: benches/warc.sh\r\n"))
    for n, line in enumerate(f):
        doc = json.loads(line)
        block = doc["text"].encode("utf-8")
        digest = "sha1:" + base64.b32encode(hashlib.sha1(block).digest()).decode()
        write(record([("WARC-Type", "conversion"), ("WARC-Target-URI", doc.get("url") or ""),
                      ("WARC-Date", "2024-01-01T00:00:00Z"), ("WARC-Record-ID", f"<urn:uuid:{uuid.UUID(int=n)}>"),
                      ("WARC-Refers-To", f"<urn:uuid:{uuid.UUID(int=n + (1 << 64))}>"),
                      ("WARC-Block-Digest", digest), ("Content-Type", "text/plain"),
                      ("WARC-Identified-Content-Language", doc.get("lang") or "")], block))
PY
fi
cat "$CORPUS" "$CORPUS.gz" "$WET" "$WET.gz" > /dev/null   # page cache

ROUNDS=${ROUNDS:-3}
TIMES="$OUT/warc-times.tsv"
: > "$TIMES"
echo "JSONL $(du -m "$CORPUS" | cut -f1) MB, WET $(du -m "$WET" | cut -f1) MB ($(du -m "$WET.gz" | cut -f1) MB gzipped), $(nproc) cores, $ROUNDS rounds"
for round in $(seq "$ROUNDS"); do
  timed "$round" jsonl "$BG" scan -j2 --quiet "$CORPUS"
  timed "$round" wet "$BG" scan -j2 --quiet "$WET"
  timed "$round" jsonl.gz "$BG" scan -j2 --quiet "$CORPUS.gz"
  timed "$round" wet.gz "$BG" scan -j2 --quiet "$WET.gz"
  timed "$round" clean-jsonl.gz "$BG" clean -j2 --quiet "$CORPUS.gz" -o "$OUT/cleaned.jsonl.gz"
  timed "$round" clean-wet.gz "$BG" clean -j2 --quiet "$WET.gz" -o "$OUT/cleaned.warc.wet.gz"
done

# Speeds are in MB of JSONL-equivalent text per second.
summarize "$(stat -c %s "$CORPUS")" "scan -j2 jsonl=jsonl" "scan -j2 wet=wet" "scan -j2 jsonl.gz=jsonl.gz" \
  "scan -j2 wet.gz=wet.gz" "clean -j2 jsonl.gz=clean-jsonl.gz" "clean -j2 wet.gz=clean-wet.gz" -- \
  "wet/jsonl target <= 1.3" "wet.gz/jsonl.gz target <= 1.3" "clean-wet.gz/clean-jsonl.gz for information"
