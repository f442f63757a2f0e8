#!/usr/bin/env bash
# Usage: scripts/test.sh
# The quick start's second command: sets up what is missing (scripts/setup.sh --no-run), then runs every test:
#  0. the pinned sources (tests/scripts): every file of scripts/sources.lock still served (HEAD requests), a fetch
#     of a file that cannot be had stops at once with a clear message and leaves nothing half-made, the build's
#     manifests list exactly the locked versions,
#  1. native C++ tests (GoogleTest + ctest) under AddressSanitizer/UBSan,
#  2. after the fixtures are fetched: the rule parser and probe()/decode_frames() fuzzed by libFuzzer for
#     ADVCOMPRESS_FUZZ_SECONDS each (default 40), the latter seeded with every fixture file,
#  3. the same C++ tests plus the encoder tests compiled to wasm and run under Node by ctest; x265's TestBench built
#     for wasm SIMD128 (scripts/build-deps.sh) checks every Neon primitive against C under Node,
#  4. the Node tests of the npm package (node:test), which decode every output with an independent decoder (and
#     score the metric module against libjxl's native ssimulacra2, built here by scripts/build-ssimulacra2.sh),
#  5. the local COS-compatible server's tests (tests/cos-server),
#  6. the browser tests (scripts/test-browser.sh): the packed tarball in Vite and webpack apps, the demo page, the
#     soak (100 conversions with aborts) and 45 hostile inputs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
export NODE_PATH=/usr/share/nodejs

bash "$ROOT/scripts/setup.sh" --no-run

log "pinned sources (scripts/sources.lock: still served, failures stop cleanly, manifests match)"
(cd "$ROOT" && node --test --test-concurrency=1 tests/scripts/)

log "native C++ tests (ASan + UBSan)"
b="$ROOT/build/native"
source "$ROOT/scripts/fetch-sources.sh"
# The Debian sources the native build compiles or includes (patched as for the wasm build: libpng with APNG).
fetch_source libstb; STB_DIR=$SRC_DIR
fetch_source libpng1.6; PNG_DIR=$SRC_DIR
fetch_source netsurf; NETSURF_DIR=$SRC_DIR
SOURCE_DIRS=(-DADVCOMPRESS_STB_DIR="$STB_DIR" -DADVCOMPRESS_LIBPNG_DIR="$PNG_DIR"
             -DADVCOMPRESS_NSBMP_DIR="$NETSURF_DIR/libnsbmp")
run_logged "$b.configure.log" cmake -S "$ROOT" -B "$b" -G Ninja \
  -DCMAKE_BUILD_TYPE=Debug -DADVCOMPRESS_SANITIZE=ON "${SOURCE_DIRS[@]}"
run_logged "$b.build.log" ninja -C "$b" -j "$JOBS"
ctest --test-dir "$b" --output-on-failure -j "$JOBS"

log "wasm C++ tests under Node (baseline build)"
b="$ROOT/build/wasm-baseline"
[ -f "$b/build.ninja" ] || run_logged "$b.configure.log" emcmake cmake -S "$ROOT" -B "$b" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DADVCOMPRESS_VARIANT=baseline -DADVCOMPRESS_SYSROOT="$CACHE/sysroot/baseline"
run_logged "$b.tests.log" ninja -C "$b" -j "$JOBS" advcompress_tests
ctest --test-dir "$b" --output-on-failure

log "fixture files from Debian source packages (scripts/fetch-fixtures.sh, tests/fixtures/README.md)"
bash "$ROOT/scripts/fetch-fixtures.sh" >/dev/null

FUZZ_SECONDS=${ADVCOMPRESS_FUZZ_SECONDS:-40}
log "fuzzing the rule parser and probe()/decode_frames() for $FUZZ_SECONDS s each (libFuzzer + ASan/UBSan)"
b="$ROOT/build/fuzz"
CC=clang-14 CXX=clang++-14 run_logged "$b.configure.log" cmake -S "$ROOT" -B "$b" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DADVCOMPRESS_FUZZ=ON "${SOURCE_DIRS[@]}"
run_logged "$b.build.log" ninja -C "$b" -j "$JOBS" fuzz_rule fuzz_probe
# fuzz TARGET SEED_DIR... : new inputs land in a scratch directory, not in the repository or the fixture cache.
fuzz() {
  local target=$1; shift
  local scratch; scratch=$(mktemp -d)
  "$b/tests/fuzz/$target" -max_total_time="$FUZZ_SECONDS" -timeout=5 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$b/" "$scratch" "$@" > "$b.$target.log" 2>&1 || { tail -40 "$b.$target.log"; die "$target failed"; }
  printf '%s: ' "$target"; grep -E "stat::number_of_executed_units|stat::new_units_added" "$b.$target.log" | tr '\n' ' '; echo
  rm -rf "$scratch"
}
fuzz fuzz_rule "$ROOT/tests/fuzz/corpus/rule"
# Seeds: what it found before (tests/fuzz/corpus/probe, each a regression) and every real fixture file (truncated
# to 4 KiB), so the walkers start from JPEG/PNG/GIF/BMP/WebP structure.
fuzz fuzz_probe "$ROOT/tests/fuzz/corpus/probe" "$CACHE/fixtures"

# (built with the simd sysroot by scripts/build-deps.sh: a simd sysroot without it is an error, not a skip)
if [ -d "$CACHE/sysroot/simd" ]; then
  log "x265's TestBench, wasm SIMD128 build: every Neon primitive (patches/x265/0002) against x265's C one"
  node "$CACHE/sysroot/simd/bin/TestBench.js" --nobench
else
  log "x265's TestBench: no simd variant built (ADVCOMPRESS_VARIANTS), skipped"
fi

log "SSIMULACRA2, libjxl's native tool (scripts/build-ssimulacra2.sh): the reference of the metric module's test"
bash "$ROOT/scripts/build-ssimulacra2.sh" >/dev/null

log "Node tests of the package"
cd "$ROOT"
node --test --test-concurrency=1 tests/node/

# (every export documented, every {@link} and generated link resolving: scripts/docs.sh)
bash "$ROOT/scripts/docs.sh"

log "local COS-compatible server (tests/cos-server; the official COS SDKs as its clients)"
d="$ROOT/tests/cos-server"
if [ "$(cat "$d/node_modules/.advcompress-lock" 2>/dev/null)" != "$(sha256sum < "$d/package-lock.json")" ]; then
  (cd "$d" && run_logged "$ROOT/build/cos-server.ci.log" npm ci --no-audit --no-fund)
  sha256sum < "$d/package-lock.json" > "$d/node_modules/.advcompress-lock"
fi
node --test --test-concurrency=1 tests/cos-server/

log "browser tests (packed tarball in Vite and webpack apps, the demo page; Playwright + Debian chromium)"
bash "$ROOT/scripts/test-browser.sh"
