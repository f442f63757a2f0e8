#!/usr/bin/env bash
# Usage: scripts/bench-x265-primitives.sh [HARNESS]     (after scripts/setup.sh; HARNESS: pixel | transforms |
#                                                         interp | intrapred, default all)
#
# Times every x265 primitive of the simd build that is not C (x265's Neon intrinsics through SIMDe, patches/x265/0002,
# and ours, wasm/x265/primitives-simd128.cpp) against x265's C version, side by side in one run: x265's own
# TestBench built for wasm ($CACHE/sysroot/simd/bin/TestBench.js, scripts/build-deps.sh) under Node with V8's
# optimising compiler from the start (--no-liftoff; otherwise the first primitive timed includes the tier-up).
# Prints a Markdown table per harness: how many primitives, how many are faster than C, the median speed-up, and
# every primitive slower than C (those are candidates for keepC() in the patch, or for code of ours). The ones the
# patch keeps in C are not timed: they are not installed. TestBench times cpy1Dto2D_shl with a shift of 64, which
# the encoder never uses (the Neon code then takes a slow path): those rows are left out.
# Absolute times are noise on these shared machines; the ratios are the signal. Also written to
# $CACHE/bench/x265-primitives.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

tb="$CACHE/sysroot/simd/bin/TestBench.js"
[ -f "$tb" ] || die "no $tb: run 'bash scripts/build.sh simd' first"
mkdir -p "$CACHE/bench"
raw="$CACHE/bench/x265-primitives.raw.txt"
log "timing x265's primitives (TestBench under node --no-liftoff; about half a minute)"
node --no-liftoff "$tb" ${1:+--testbench "$1"} > "$raw"
# TestBench's rows: "name | <speed-up>x | <optimised time> | <C time>", grouped under "== <harness> primitives ==".
awk -F'|' '
  /^== / { h = $0; gsub(/^== | primitives ==$/, "", h); order[++nh] = h; next }
  NF >= 4 && $2 ~ /x/ {
    name = $1; gsub(/^[ \t]+|[ \t]+$/, "", name)
    if (name ~ /^cpy1Dto2D_shl/) next
    r = $2; gsub(/[ \tx]/, "", r)
    n[h]++; v[h, n[h]] = r + 0
    if (r + 0 < 1) slow[h] = slow[h] sprintf("%s %.2f×; ", name, r)
    else fast[h]++
  }
  END {
    print "| harness | primitives timed | faster than C | median speed-up | slower than C (speed-up) |"
    print "|---|---:|---:|---:|---|"
    for (i = 1; i <= nh; i++) {
      h = order[i]; m = n[h]
      for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (v[h, b] < v[h, a]) { t = v[h, a]; v[h, a] = v[h, b]; v[h, b] = t }
      med = (m % 2) ? v[h, (m + 1) / 2] : (v[h, m / 2] + v[h, m / 2 + 1]) / 2
      s = slow[h]; sub(/; $/, "", s)
      printf "| %s | %d | %d | %.2f× | %s |\n", h, m, fast[h], med, (s == "" ? "none" : s)
    }
  }' "$raw" | tee "$CACHE/bench/x265-primitives.md"
