#!/usr/bin/env bash
# Create (or update) the project's virtualenv in .venv from the lock file. Idempotent.
# Then make sure the charts find the CJK font: matplotlib caches its font list, and a cache built
# before fonts-noto-cjk was installed hides the font; it is rebuilt when that happens.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.custseg-lock-stamp
want="$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
  echo "$want" > "$stamp"
fi
# The font check (rebuilds matplotlib's font cache when it misses the CJK font). When the font
# package is installed it must be found; when it could not be installed, say so and go on.
font_check='import sys; from custseg.reports.fonts import check_main; sys.exit(check_main())'
if ! .venv/bin/python -c "$font_check"; then
  if command -v dpkg >/dev/null 2>&1 && dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
    echo "custseg: fonts-noto-cjk is installed but matplotlib does not find it" >&2
    exit 1
  fi
  echo "custseg: reports with charts need a CJK font (see above); everything else works" >&2
fi
