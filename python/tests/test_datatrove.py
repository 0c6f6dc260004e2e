"""datatrove: JsonlReader → BoilerguardCleaner → JsonlWriter under LocalPipelineExecutor."""
import gzip
import json
from pathlib import Path

import pytest

pytest.importorskip("datatrove")

from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from boilerguard.datatrove import BoilerguardCleaner  # noqa: E402

from conftest import FIXTURE_PATTERNS  # noqa: E402

BODY = "Le conseil a voté — 日本語."
DONATION = "Please support our newsroom today."
NEWSLETTER = "Sign up for the morning brief."
RECORDS = [
    {"id": "a", "text": f"{BODY}\n{DONATION}\n", "url": "https://example.org/a"},
    {"id": "b", "text": "Nothing to see here.", "url": "https://example.org/b"},
    {"id": "c", "text": f"{NEWSLETTER}\n{DONATION}", "url": "https://example.org/c"},
    {"id": "d", "text": f"{NEWSLETTER}\nThe match ended 2–1.", "url": "https://example.org/d"},
]


def run_pipeline(tmp_path: Path, **step_options) -> tuple:
    (tmp_path / "in").mkdir()
    with (tmp_path / "in" / "part.jsonl").open("w", encoding="utf-8") as f:
        for r in RECORDS:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(tmp_path / "in")),
            BoilerguardCleaner(str(FIXTURE_PATTERNS), builtin=False, batch_size=3, **step_options),
            JsonlWriter(str(tmp_path / "out"), compression=None),
        ],
        tasks=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    written = [json.loads(line) for p in sorted((tmp_path / "out").glob("*.jsonl")) for line in p.read_text(encoding="utf-8").splitlines()]
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    step = next(s for s in stats if "boilerguard" in s["name"])
    return written, {k: v["total"] if isinstance(v, dict) else v for k, v in step["stats"].items()}


def test_pipeline_cleans_records_and_counts(tmp_path: Path) -> None:
    written, stats = run_pipeline(tmp_path, drop_empty=True)
    assert [(r["id"], r["text"]) for r in written] == [
        ("a", f"{BODY}\n"),
        ("b", "Nothing to see here."),
        ("d", "The match ended 2–1."),
    ]
    assert written[0]["metadata"]["url"] == "https://example.org/a"
    assert written[0]["metadata"]["boilerplate"] == [
        {"start": len(BODY) + 1, "end": len(BODY) + 1 + len(DONATION), "category": "donation", "score": 1.0,
         "patterns": ["en.donation.test-support-our-newsroom"]}
    ]
    assert written[1]["metadata"]["boilerplate"] == []
    assert [b["category"] for b in written[2]["metadata"]["boilerplate"]] == ["newsletter"]
    assert {k: stats[k] for k in ("total", "forwarded", "dropped", "docs_with_boilerplate", "blocks",
                                  "blocks_donation", "blocks_newsletter", "chars_removed")} == {
        "total": 4, "forwarded": 3, "dropped": 1, "docs_with_boilerplate": 3, "blocks": 4,
        "blocks_donation": 2, "blocks_newsletter": 2,
        "chars_removed": (len(DONATION) + 1) + (len(NEWSLETTER) + 1 + len(DONATION)) + (len(NEWSLETTER) + 1),
    }


def test_keep_text_only_annotates(tmp_path: Path) -> None:
    written, stats = run_pipeline(tmp_path, keep_text=True, metadata_key="bg")
    assert [r["text"] for r in written] == [r["text"] for r in RECORDS]
    assert [len(r["metadata"]["bg"]) for r in written] == [1, 0, 2, 1]
    assert stats["total"] == stats["forwarded"] == 4
