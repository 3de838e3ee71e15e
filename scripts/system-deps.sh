#!/usr/bin/env bash
# Debian packages custseg needs besides Python: a CJK font for Chinese labels in charts and
# reports, pango for PDF reports (WeasyPrint), harfbuzz-subset for fast font subsetting in PDFs.
# Installs what is missing when run as root on Debian/Ubuntu; otherwise says what to install.
set -euo pipefail
debs="fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
command -v dpkg >/dev/null 2>&1 || exit 0
missing=""
for deb in $debs; do
  dpkg -s "$deb" >/dev/null 2>&1 || missing="$missing $deb"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq $missing >/dev/null
else
  echo "custseg: missing Debian packages:$missing" >&2
  echo "  install them with: sudo apt-get install$missing" >&2
fi
