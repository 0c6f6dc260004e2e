"""Shared fixtures: paths, the fixture patterns, and the CLI binary to compare against."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parent.parent
REPO = PYTHON_DIR.parent
SHARED = REPO.parent / "shared"
FIXTURE_PATTERNS = Path(__file__).resolve().parent / "fixtures" / "patterns"
BAD_PATTERNS = Path(__file__).resolve().parent / "fixtures" / "bad"

# Engines started by tests keep their traffic on loopback and run this interpreter.
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ["PYSPARK_PYTHON"] = sys.executable
os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable


def shared_or_skip(path: Path) -> Path:
    """`path` under ../shared; skipped with a notice when absent, failing when required."""
    if path.exists():
        return path
    message = f"{path} is absent: CLI parity on the shared dev set not checked"
    if os.environ.get("BOILERGUARD_REQUIRE_SHARED") == "1":
        pytest.fail(message + " (BOILERGUARD_REQUIRE_SHARED=1)")
    print(f"\nNOTICE: {message}", file=sys.stderr)
    pytest.skip(message)


@pytest.fixture(scope="session")
def cli() -> str:
    """Path of the `boilerguard` binary: $BOILERGUARD_BIN, else ../target/{release,debug}
    (the newer), else built with `cargo build --bin boilerguard`."""
    if os.environ.get("BOILERGUARD_BIN"):
        return os.environ["BOILERGUARD_BIN"]
    built = [REPO / "target" / p / "boilerguard" for p in ("release", "debug")]
    built = [p for p in built if p.exists()]
    if not built:
        cargo = shutil.which("cargo")
        if cargo is None:
            pytest.skip("no boilerguard binary and no cargo to build it")
        subprocess.run([cargo, "build", "--quiet", "--bin", "boilerguard"], cwd=REPO, check=True)
        built = [REPO / "target" / "debug" / "boilerguard"]
    return str(max(built, key=lambda p: p.stat().st_mtime))


@pytest.fixture(scope="session")
def fixture_patterns() -> str:
    return str(FIXTURE_PATTERNS)
