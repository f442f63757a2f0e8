#!/usr/bin/env bash
# Usage: scripts/test.sh
# The quick start's second command: sets up what is missing (scripts/setup.sh --no-run), then runs every test:
#  1. native C++ tests (GoogleTest + ctest) under AddressSanitizer/UBSan,
#  2. the same C++ tests plus the encoder tests compiled to wasm and run under Node by ctest,
#  3. the Node tests of the npm package (node:test), which decode every output with an independent decoder.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
export NODE_PATH=/usr/share/nodejs

bash "$ROOT/scripts/setup.sh" --no-run

log "native C++ tests (ASan + UBSan)"
b="$ROOT/build/native"
[ -f "$b/build.ninja" ] || run_logged "$b.configure.log" cmake -S "$ROOT" -B "$b" -G Ninja \
  -DCMAKE_BUILD_TYPE=Debug -DADVCOMPRESS_SANITIZE=ON
run_logged "$b.build.log" ninja -C "$b" -j "$JOBS"
ctest --test-dir "$b" --output-on-failure -j "$JOBS"

log "wasm C++ tests under Node (baseline build)"
b="$ROOT/build/wasm-baseline"
[ -f "$b/build.ninja" ] || run_logged "$b.configure.log" emcmake cmake -S "$ROOT" -B "$b" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DADVCOMPRESS_VARIANT=baseline -DADVCOMPRESS_SYSROOT="$CACHE/sysroot/baseline"
run_logged "$b.tests.log" ninja -C "$b" -j "$JOBS" advcompress_tests
ctest --test-dir "$b" --output-on-failure

log "Node tests of the package"
cd "$ROOT"
node --test --test-concurrency=1 tests/node/
