#!/usr/bin/env bash
# Debian packages custseg needs besides Python: a CJK font for Chinese labels in charts and
# reports, pango for PDF reports (WeasyPrint), harfbuzz-subset for fast font subsetting in PDFs,
# venv support for the virtualenv, a PostgreSQL server (shared workspaces; the tests run on it),
# Chromium (the dashboard's browser tests, driven by Playwright) and a Java 17 runtime (Spark).
# Installs what is missing when run as root on Debian/Ubuntu; otherwise says what to install.
#
# Another package manager run (unattended-upgrades, a second apt-get) holds the dpkg/apt lock:
# we wait for it, up to CUSTSEG_APT_WAIT seconds (default 300), instead of failing.
set -euo pipefail
debs="fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
debs="$debs postgresql"
debs="$debs chromium"
debs="$debs openjdk-17-jre-headless"
command -v dpkg >/dev/null 2>&1 || exit 0
missing=""
for deb in $debs; do
  dpkg -s "$deb" >/dev/null 2>&1 || missing="$missing $deb"
done
if ! "${PYTHON:-python3}" -c "import ensurepip, venv" >/dev/null 2>&1; then
  missing="$missing python3-venv"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "custseg: missing Debian packages:$missing" >&2
  echo "  install them with: sudo apt-get install$missing" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
wait="${CUSTSEG_APT_WAIT:-300}"
lock=(-o "DPkg::Lock::Timeout=$wait")
deadline=$((SECONDS + wait))
# apt-get waits for the dpkg lock itself (DPkg::Lock::Timeout); the lists lock of `update` and
# any other transient failure is retried until the deadline.
until apt-get "${lock[@]}" update -qq; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "custseg: apt-get update still failing after ${wait}s (another package manager" \
      "running?); install by hand: apt-get install$missing" >&2
    exit 1
  fi
  echo "custseg: apt is busy; retrying in 10 s (up to ${wait}s)" >&2
  sleep 10
done
# shellcheck disable=SC2086 # one word per package
until apt-get "${lock[@]}" install -y -qq $missing >/dev/null; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "custseg: could not install$missing within ${wait}s; install them by hand" >&2
    exit 1
  fi
  echo "custseg: apt is busy; retrying in 10 s (up to ${wait}s)" >&2
  sleep 10
done
