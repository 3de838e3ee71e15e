#!/usr/bin/env bash
# Set up the environment if needed, then classify the bundled sample data as of each of the last
# 24 month ends (workspace: ./custseg.duckdb).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/custseg demo --months 24 "$@"
