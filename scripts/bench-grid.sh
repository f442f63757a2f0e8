#!/usr/bin/env bash
# Usage: scripts/bench-grid.sh       (after scripts/setup.sh; BENCH_TILES="256 512 1024" the tile sizes measured,
#                                    BENCH_THREADS="1 2" the thread counts)
#
# Grid tiles (the `tileSize` option), measured side by side in one run on the benchmark photos (a 12 MP and a
# 2.5 MP one, common.sh bench_photos): HEIC at quality 50 and default effort through native heif-enc (Debian's
# libheif 1.15 + x265 3.5 with assembly, one core: the reference), our wasm simd build as one image, and as grids
# of each tile size coded on 1 and on 2 threads (Node worker threads; the browser pool works the same way). For
# each: bytes, SSIMULACRA2 (libjxl's tool, scripts/build-ssimulacra2.sh; outputs decoded by Debian's
# heif-convert), encode time, and two ratios: time ÷ native, and bytes ÷ the one-image encode's bytes *at the same
# SSIMULACRA2* (the one-image encode is also run at quality 46 and 54 and log(bytes) interpolated in the score).
# Prints a Markdown table (README, "Grid tiles"). Wall-clock seconds on 2 shared cores are noise: ratios are the
# signal.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
apt_install libheif-examples imagemagick util-linux mate-backgrounds
[ -f "$ROOT/dist/heic.js" ] || die "build first: bash scripts/setup.sh"
source "$ROOT/scripts/build-ssimulacra2.sh"
build_ssimulacra2
B="$CACHE/bench"; mkdir -p "$B"
bench_photos
BENCH_TILES=${BENCH_TILES:-256 512 1024} BENCH_THREADS=${BENCH_THREADS:-1 2} \
  node "$ROOT/scripts/bench-grid.mjs" "$B" "$SSIMULACRA2" "$P12" "$P2"
