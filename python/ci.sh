#!/usr/bin/env bash
# Builds the Python package and runs its tests (API, CLI parity on ../shared/eval/dev.jsonl,
# PySpark local[2], datatrove LocalPipelineExecutor). Works on a fresh machine with the Rust
# toolchain and Python 3.9+: it makes its own venv and installs what it needs from PyPI
# (and a Java runtime from the system packages when none is present, for PySpark).
#
#   bash python/ci.sh            # from anywhere; .ci/run calls it
#
# Environment: BOILERGUARD_VENV (default python/.venv), BOILERGUARD_REQUIRE_SHARED=1 makes the
# CLI-parity test fail instead of skip when ../shared is absent, BOILERGUARD_CI_RAY=1 also
# installs ray[data] to run the README's Ray recipe (.ci/run sets it), PYTHON (default python3).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
venv="${BOILERGUARD_VENV:-$here/.venv}"
python="${PYTHON:-python3}"
export CARGO_TERM_COLOR=never
main_target="${CARGO_TARGET_DIR:-$repo/target}"
# Incremental builds of the bindings, apart from the main crate's target/.
export CARGO_TARGET_DIR="$here/target"
export PIP_DISABLE_PIP_VERSION_CHECK=1

step() { echo "== python/ci.sh: $*"; }

if ! command -v java >/dev/null 2>&1; then
    step "installing a Java runtime for PySpark"
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
    else
        echo "no java and no way to install it: the PySpark tests will be skipped" >&2
    fi
fi

if [ ! -x "$venv/bin/python" ]; then
    step "creating $venv"
    "$python" -m venv "$venv"
fi
export PATH="$venv/bin:$PATH"  # the maturin build backend runs `maturin` from PATH
step "installing build and test dependencies"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q "maturin>=1.5,<2" pytest pyspark datatrove orjson "pandas<3" pyarrow
if [ "${BOILERGUARD_CI_RAY:-0}" = 1 ]; then
    # The README's Ray Data recipe test (skipped when ray is absent); a large download, so
    # opt-in for local runs, always on in .ci/run.
    "$venv/bin/python" -m pip install -q "ray[data]"
fi

step "building and installing the package (pip install ./python)"
# No build isolation: maturin is already in the venv, and the Rust build stays incremental.
"$venv/bin/python" -m pip install -q --no-build-isolation --force-reinstall --no-deps "$here"

step "building the CLI the parity tests compare against"
(cd "$repo" && CARGO_TARGET_DIR="$main_target" cargo build --quiet --bin boilerguard)
export BOILERGUARD_BIN="$main_target/debug/boilerguard"

step "pytest"
# Run from tests/ so that the interpreter (and Spark's or datatrove's workers) import the
# installed package, never the source folder.
cd "$here/tests"
"$venv/bin/python" -m pytest -q -rs -p no:cacheprovider .
