#!/usr/bin/env bash
# Build the web dashboard (web/) into src/custseg/dashboard/static, which is committed and
# shipped inside the Python package: users need neither Node nor network. Run after any change
# under web/src or to web/package-lock.json, then commit the static folder too.
# Needs Node 20 and npm; the packages come from the npm registry, pinned by package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/../web"
npm ci --no-audit --no-fund --ignore-scripts
node build.mjs
