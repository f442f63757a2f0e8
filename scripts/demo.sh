#!/usr/bin/env bash
# Usage: scripts/demo.sh   (npm run demo)
# Builds what is missing (scripts/setup.sh --no-run), builds the demo page (vite build -> build/demo) and serves
# it with the local COS-compatible bucket (scripts/demo.mjs). The built page is plain static files: copy
# build/demo to any static host to publish it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash "$ROOT/scripts/setup.sh" --no-run
cd "$ROOT"
npx --no-install vite build -c web/demo/vite.config.js
exec node scripts/demo.mjs
