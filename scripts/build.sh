#!/usr/bin/env bash
# Usage: scripts/build.sh [VARIANT...]     (default: baseline simd)
# Builds the dependency sysroots (scripts/build-deps.sh, cached outside the clone), the wasm modules of each
# variant (CMake + Emscripten, build/wasm-<variant>/), copies them to dist/wasm/, and compiles the TypeScript
# package to dist/. Prints the size of each module (raw and gzip -9) and writes dist/wasm/sizes.tsv.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
export NODE_PATH=/usr/share/nodejs
VARIANTS=${*:-${ADVCOMPRESS_VARIANTS:-baseline simd}}

bash "$ROOT/scripts/build-deps.sh" $VARIANTS
mkdir -p "$ROOT/dist/wasm"
# The linked modules are cached too, keyed by everything that goes into them (our C++ sources and CMake files,
# the sysroot's manifest, the compiler), so a warm run on a fresh clone links nothing.
emcc_version
src_key() {
  (cd "$ROOT" && { git ls-files --cached --others --exclude-standard -- CMakeLists.txt include wasm 2>/dev/null ||
                   find CMakeLists.txt include wasm -type f; } | LC_ALL=C sort | xargs sha256sum) \
    | cat - "$CACHE/sysroot/$1/manifest.tsv" <(printf '%s\n' "$EMCC_VERSION") | sha256sum | cut -c1-16
}
for v in $VARIANTS; do
  key=$(src_key "$v")
  cached="$CACHE/modules/$v-$key"
  if [ -f "$cached/.complete" ] && [ -z "${ADVCOMPRESS_REBUILD:-}" ]; then
    log "wasm modules ($v): cached ($key)"
  else
    b="$ROOT/build/wasm-$v"
    if [ ! -f "$b/build.ninja" ]; then
      run_logged "$b.configure.log" emcmake cmake -S "$ROOT" -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DADVCOMPRESS_VARIANT="$v" -DADVCOMPRESS_SYSROOT="$CACHE/sysroot/$v"
    fi
    log "building wasm modules ($v)"
    run_logged "$b.build.log" ninja -C "$b" -j "$JOBS" advcompress-modules
    rm -rf "$cached"; mkdir -p "$cached"
    cp "$b"/modules/advcompress-*."$v".{js,wasm} "$cached/"
    touch "$cached/.complete"
  fi
  cp "$cached"/advcompress-*."$v".{js,wasm} "$ROOT/dist/wasm/"
  cp "$CACHE/sysroot/$v/manifest.tsv" "$ROOT/dist/wasm/manifest.$v.tsv"
done
log "compiling TypeScript"
(cd "$ROOT" && [ -d node_modules/typescript ] || npm ci --no-audit --no-fund >/dev/null)
(cd "$ROOT" && npx --no-install tsc -p tsconfig.json)
chmod +x "$ROOT/dist/cli.js"

{ printf 'module\tbytes\tgzip_bytes\n'
  for f in "$ROOT"/dist/wasm/*.wasm; do
    printf '%s\t%s\t%s\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)"
  done; } > "$ROOT/dist/wasm/sizes.tsv"
column -t "$ROOT/dist/wasm/sizes.tsv" >&2
