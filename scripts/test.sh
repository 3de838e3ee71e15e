#!/usr/bin/env bash
# Set up the environment if needed, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Two worker processes (pytest-xdist), one per core of the CI machine; each test file, and each
# of tests/spark and tests/e2e as a whole, stays on one worker; those two, the longest, start
# first and the rest in collection order (tests/conftest.py).
# CUSTSEG_TEST_WORKERS=0 runs everything in this process.
workers="${CUSTSEG_TEST_WORKERS:-2}"
if [ "$workers" = "0" ]; then
  exec .venv/bin/python -m pytest "$@"
fi
exec .venv/bin/python -m pytest -n "$workers" --dist loadgroup --no-loadscope-reorder "$@"
