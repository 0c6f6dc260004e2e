# Sourced by .ci/run: a Python with the reference libraries (pyarrow, warcio) that the format tests
# write their fixtures with, so they read files made by the libraries users have, not by us.
fixture_venv="${BOILERGUARD_FIXTURE_VENV:-target/fixture-venv}"
if [ ! -x "$fixture_venv/bin/python" ]; then python3 -m venv "$fixture_venv"; fi
"$fixture_venv/bin/python" -m pip install -q --disable-pip-version-check pyarrow warcio
BOILERGUARD_PYTHON="$(cd "$fixture_venv" && pwd)/bin/python"
export BOILERGUARD_PYTHON
export BOILERGUARD_REQUIRE_FIXTURE_LIBS=1
