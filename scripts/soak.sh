#!/usr/bin/env bash
# Usage: scripts/soak.sh [N]        (after scripts/setup.sh; N conversions, default 1000)
# The long soak: tests/browser/soak.spec.js with ADVCOMPRESS_SOAK_N=N mixed HEIC/AVIF/WebP conversions through one
# pool in Chromium (every 10th aborted), plus the hostile inputs; prints the per-call times (first 20 vs last 20)
# and Chromium's resident memory before, at peak and after the pool went idle. The test command runs the same
# spec with N = 100.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ADVCOMPRESS_SOAK_N=${1:-1000} bash "$ROOT/scripts/test-browser.sh" soak.spec.js
