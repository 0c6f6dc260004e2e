#!/usr/bin/env python3
"""Benchmark: `Detector.clean_many` against the CLI's `clean` on the same corpus, and the
PySpark helper's throughput in local mode.

    python bench/bench_clean_many.py [--mb 100] [--repeat 3] [--cli PATH] [--no-spark]

The corpus is `python3 ../shared/bench/make_corpus.py --mb N` (made once, kept in
bench/out/). Timings are medians of --repeat runs with the file in page cache:

* CLI: `boilerguard clean corpus.jsonl -o out.jsonl --quiet` (read, parse, detect, write);
* clean_many: `detector.clean_many(texts)` over every text of the corpus, already in memory
  (what a Python pipeline calls); the Python JSON read and write around it are reported
  apart, as they are the caller's and not the detector's;
* PySpark (local[*]): `boilerguard.spark.clean` over the corpus read with `spark.read.json`,
  forced by a sum of the cleaned lengths, and the same read without cleaning as a baseline.

It checks that clean_many's texts equal the CLI's output (both must be built from the same tree).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SHARED = REPO.parent / "shared"


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def find_cli(given: str) -> str:
    if given:
        return given
    release = REPO / "target" / "release" / "boilerguard"
    print("building the release CLI (cargo build --release --bin boilerguard)", flush=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "boilerguard"], cwd=REPO, check=True)
    return str(release)


def spark_throughput(corpus: Path, mb: float, repeat: int) -> None:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    from boilerguard import spark as bg

    session = (
        SparkSession.builder.master("local[*]")
        .appName("boilerguard-bench")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        df = session.read.schema("id string, url string, lang string, text string").json(str(corpus))
        parts = df.rdd.getNumPartitions()
        read_only = median_time(lambda: df.select(F.sum(F.length("text"))).collect(), repeat)
        cleaned = bg.clean(df, "text")
        with_clean = median_time(lambda: cleaned.select(F.sum(F.length("text"))).collect(), repeat)
        cores = session.sparkContext.defaultParallelism
        print(f"PySpark local[*] ({cores} cores, {parts} partitions): read only {read_only:.2f} s ({mb / read_only:.1f} MB/s); "
              f"read + boilerguard.spark.clean {with_clean:.2f} s ({mb / with_clean:.1f} MB/s)")
    finally:
        session.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cli", default="", help="boilerguard binary (default: build ../target/release/boilerguard)")
    ap.add_argument("--out", default=str(HERE / "out"))
    ap.add_argument("--no-spark", action="store_true")
    a = ap.parse_args()

    from boilerguard import Detector

    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    corpus = out / f"corpus-{a.mb:g}mb.jsonl"
    if not corpus.exists():
        subprocess.run([sys.executable, str(SHARED / "bench" / "make_corpus.py"), "--mb", str(a.mb), "--out", str(corpus)], check=True)
    mb = corpus.stat().st_size / 1e6
    cli = find_cli(a.cli)
    print(f"corpus: {corpus} ({mb:.1f} MB), CLI: {cli}, {os.cpu_count()} cores, median of {a.repeat}", flush=True)

    cli_out = out / "cli-clean.jsonl"
    cli_time = median_time(lambda: subprocess.run([cli, "clean", str(corpus), "-o", str(cli_out), "--quiet"], check=True), a.repeat)

    start = time.perf_counter()
    with corpus.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    texts = [r["text"] for r in records]
    read_time = time.perf_counter() - start

    detector = Detector()
    result: list = []
    py_time = median_time(lambda: result.__setitem__(slice(None), detector.clean_many(texts)), a.repeat)

    start = time.perf_counter()
    with (out / "py-clean.jsonl").open("w", encoding="utf-8") as f:
        for r, t in zip(records, result):
            r["text"] = t
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    write_time = time.perf_counter() - start

    with cli_out.open(encoding="utf-8") as f:
        expected = [json.loads(line)["text"] for line in f]
    differ = sum(1 for e, r in zip(expected, result) if e != r) + abs(len(expected) - len(result))
    same = "identical to the CLI's output" if not differ else f"{differ} texts DIFFER from the CLI's (built from another tree?)"
    changed = sum(1 for t, c in zip(texts, result) if t is not c)

    print(f"CLI clean:            {cli_time:.2f} s  ({mb / cli_time:.1f} MB/s)")
    print(f"clean_many:           {py_time:.2f} s  ({mb / py_time:.1f} MB/s), {py_time / cli_time:.2f}x the CLI's time; "
          f"{len(texts)} texts, {changed} changed, {same}")
    print(f"  (Python json read {read_time:.2f} s and write {write_time:.2f} s around it, not the detector's)")
    if not a.no_spark:
        spark_throughput(corpus, mb, a.repeat)


if __name__ == "__main__":
    main()
