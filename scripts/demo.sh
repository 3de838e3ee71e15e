#!/usr/bin/env bash
# Set up the environment if needed, then classify the bundled sample data as of each of the last
# 24 month ends (workspace: ./custseg.duckdb). Ends with a demo login for the web dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/custseg demo --months 24 "$@"
# A demo analyst with a fresh random password (local demo only; no default password exists).
password="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))')"
if ! printf '%s\n' "$password" | .venv/bin/custseg user add demo --role analyst --password-stdin \
    >/dev/null 2>&1; then
  printf '%s\n' "$password" | .venv/bin/custseg user passwd demo --password-stdin >/dev/null
fi
cat <<MSG

Dashboard / 看板:
  .venv/bin/custseg serve --port 8000
  open / 打开  http://127.0.0.1:8000/
  user / 用户: demo    password / 密码: $password
MSG
