"""The README's "At scale" recipes run as written, each in a fresh process and folder."""
import gzip
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BODY = "The council approved the budget on Tuesday."
DISCLAIMER = ("The views expressed in this article are those of the author and do not necessarily "
              "reflect the views of this publication.")
RECORDS = [
    {"id": f"doc-{i}", "url": f"https://example.org/{i}", "text": f"{BODY} ({i})\n{DISCLAIMER}" if i % 2 else f"{BODY} ({i})"}
    for i in range(20)
]


def recipe(name: str) -> str:
    match = re.search(rf"<!-- recipe: {name} -->\n```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert match, f"README has no recipe {name}"
    return match.group(1)


def run_recipe(tmp_path: Path, name: str, prelude: str = "", env: dict = None) -> None:
    (tmp_path / "corpus").mkdir()
    for part in range(2):
        with (tmp_path / "corpus" / f"part-{part}.jsonl").open("w", encoding="utf-8") as f:
            for r in RECORDS[part::2]:
                f.write(json.dumps(r) + "\n")
    script = tmp_path / f"{name}_recipe.py"
    script.write_text(prelude + recipe(name), encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env={**os.environ, **(env or {})},
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


def written(folder: Path) -> list:
    out = []
    for path in sorted(folder.rglob("*")):
        if path.name.endswith(".json") or path.name.endswith(".jsonl") or path.name.endswith(".jsonl.gz"):
            opener = gzip.open if path.name.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as f:
                out.extend(json.loads(line) for line in f if line.strip())
    return sorted(out, key=lambda r: r["id"])


def check_cleaned(records: list) -> None:
    assert [r["id"] for r in records] == sorted(r["id"] for r in RECORDS)
    for r in records:
        n = int(r["id"].split("-")[1])
        assert r["text"] == (f"{BODY} ({n})\n" if n % 2 else f"{BODY} ({n})"), r


def test_spark_recipe(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    submit = "--master local[2] --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 --conf spark.ui.enabled=false pyspark-shell"
    run_recipe(tmp_path, "spark", env={"PYSPARK_SUBMIT_ARGS": submit, "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable})
    records = written(tmp_path / "cleaned-spark")
    check_cleaned(records)
    assert [len(r["boilerplate"]) for r in records if r["id"] == "doc-1"] == [1]


def test_datatrove_recipe(tmp_path: Path) -> None:
    pytest.importorskip("datatrove")
    run_recipe(tmp_path, "datatrove")
    records = written(tmp_path / "cleaned-datatrove")
    check_cleaned(records)
    assert records[1]["metadata"]["boilerplate"][0]["category"] == "disclaimer"
    stats = json.loads((tmp_path / "logs" / "boilerguard" / "stats.json").read_text())
    step = next(s for s in stats if "boilerguard" in s["name"])["stats"]
    counts = {k: v["total"] if isinstance(v, dict) else v for k, v in step.items()}
    assert counts["total"] == 20 and counts["docs_with_boilerplate"] == 10 and counts["blocks_disclaimer"] == 10


def test_datatrove_parquet_recipe(tmp_path: Path) -> None:
    """Parquet shards written by pyarrow go through datatrove's Parquet reader, the cleaner and
    its Parquet writer; the cleaned texts are read back with pyarrow."""
    pytest.importorskip("datatrove")
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    (tmp_path / "shards").mkdir()
    for part in range(2):
        rows = RECORDS[part::2]
        table = pa.table({"id": [r["id"] for r in rows], "url": [r["url"] for r in rows], "text": [r["text"] for r in rows]})
        pq.write_table(table, tmp_path / "shards" / f"part-{part}.parquet")
    run_recipe(tmp_path, "datatrove-parquet")
    records = []
    for path in sorted((tmp_path / "cleaned-parquet").rglob("*.parquet")):
        records.extend(pq.read_table(path).to_pylist())
    check_cleaned(sorted(records, key=lambda r: r["id"]))


@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="ray is not installed")
def test_ray_recipe(tmp_path: Path) -> None:
    prelude = "import ray\nray.init(num_cpus=2, include_dashboard=False, _node_ip_address='127.0.0.1')\n"
    run_recipe(tmp_path, "ray", prelude=prelude, env={"RAY_ENABLE_UV_RUN_RUNTIME_ENV": "0"})
    check_cleaned(written(tmp_path / "cleaned-ray"))


def test_use_snippet_runs(tmp_path: Path) -> None:
    """The "Use" section runs as written (it once used `texts` without defining it)."""
    run_recipe(tmp_path, "use")
