"""Results equal the command line's on the shared dev set: every block of every document."""
import json
import subprocess
from pathlib import Path

from boilerguard import Detector

from conftest import SHARED, shared_or_skip


def test_every_block_of_the_dev_set_equals_the_cli(cli: str, tmp_path: Path) -> None:
    dev = shared_or_skip(SHARED / "eval" / "dev.jsonl")
    docs = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = ["\n".join(p["text"] for p in d["paragraphs"]) for d in docs]
    corpus = tmp_path / "dev-texts.jsonl"
    with corpus.open("w", encoding="utf-8") as f:
        for i, text in enumerate(texts):
            f.write(json.dumps({"id": f"doc-{i}", "text": text}, ensure_ascii=False) + "\n")
    run = subprocess.run([cli, "scan", "--quiet", str(corpus)], capture_output=True, text=True, check=True)
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["id"] for r in records] == [f"doc-{i}" for i in range(len(texts))]

    def to_chars(text: str, byte_offset: int) -> int:
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8"))

    expected = [
        [(to_chars(t, b["start"]), to_chars(t, b["end"]), b["category"], b["score"], b["patterns"]) for b in r["blocks"]]
        for t, r in zip(texts, records)
    ]
    got = [[(b.start, b.end, b.category, b.score, b.patterns) for b in blocks] for blocks in Detector().scan_many(texts)]
    mismatched = [i for i, (g, e) in enumerate(zip(got, expected)) if g != e]
    assert not mismatched, f"{len(mismatched)} of {len(texts)} documents differ, first doc-{mismatched[0]}: {got[mismatched[0]]} != {expected[mismatched[0]]}"
    assert sum(map(len, expected)) > 0, "the dev set should have boilerplate blocks"

    cleaned = tmp_path / "cleaned.jsonl"
    subprocess.run([cli, "clean", "--quiet", str(corpus), "-o", str(cleaned)], check=True)
    cli_texts = [json.loads(line)["text"] for line in cleaned.read_text(encoding="utf-8").splitlines()]
    assert Detector().clean_many(texts) == cli_texts
    print(f"\n{len(texts)} documents, {sum(map(len, expected))} blocks equal to the CLI's")
