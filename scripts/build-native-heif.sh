#!/usr/bin/env bash
# Usage: scripts/build-native-heif.sh        (or source it and call build_native_heif)
# Builds a NATIVE (gcc -O3, x86 assembly through nasm when available) x265 + libde265 + libheif with its examples, from
# the same Debian source trees the wasm build uses (scripts/sources.lock, scripts/fetch-sources.sh), for benchmarks that need "what a native
# user gets" (scripts/bench-x265-settings.sh). Prints the install prefix, $CACHE/native/prefix (bin/heif-enc,
# bin/heif-dec, bin/heif-info, lib/ with RUNPATH set, so nothing is installed system-wide).
#
#  - x265: the usual multilib build (x265/build/linux/multilib.sh) without 12-bit: a HIGH_BIT_DEPTH static library
#    (EXPORT_C_API=OFF) linked into the 8-bit shared libx265 (LINKED_10BIT), so x265_api_get(10) works and
#    `heif-enc -b 10` encodes Main10 through the same library. CLI, libnuma off.
#  - libde265: decoder library only (heif-dec is how the benchmark decodes, with libheif 1.19.8's own colour conversion).
#  - libheif: x265 + libde265 built in, every other codec, plugin loading, sharpyuv, gdk-pixbuf and tests off.
# Idempotent: skipped when prefix/.stamp matches the source versions (incl. our patch hash) and the build settings.
# Compiles run under `nice -n 19` with NATIVE_JOBS (default min(2, $JOBS)) jobs: other builds share the machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/fetch-sources.sh"

NATIVE=$CACHE/native
NATIVE_PREFIX=$NATIVE/prefix
NATIVE_JOBS=${NATIVE_JOBS:-$(( JOBS < 2 ? JOBS : 2 ))}
NATIVE_CONFIG="gcc-O3 x265-multilib-8+10 libde265-dec libheif-x265+de265 v1"   # bump to force a rebuild

# cmake_build NAME SRC [CMAKE ARGS...]: configure + build + install one project into $NATIVE_PREFIX (logs in $NATIVE/logs).
cmake_build() {
  local name=$1 src=$2; shift 2
  local b=$NATIVE/build/$name
  # Reuse a build tree of the same sources (an interrupted build resumes); start afresh for other sources.
  if [ "$(cat "$b/.advcompress-src" 2>/dev/null)" != "$src" ]; then rm -rf "$b"; mkdir -p "$b"; echo "$src" > "$b/.advcompress-src"; fi
  log "building $name (log: $NATIVE/logs/$name.log)"
  run_logged "$NATIVE/logs/$name.cmake.log" nice -n 19 cmake -S "$src" -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS_RELEASE="-O3 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELEASE="-O3 -DNDEBUG" \
    -DCMAKE_INSTALL_PREFIX="$NATIVE_PREFIX" -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_PREFIX_PATH="$NATIVE_PREFIX" \
    -DCMAKE_INSTALL_RPATH="$NATIVE_PREFIX/lib" "$@"
  run_logged "$NATIVE/logs/$name.log" nice -n 19 ninja -C "$b" -j "$NATIVE_JOBS"
  [ "$name" = x265-10bit ] || run_logged "$NATIVE/logs/$name.install.log" ninja -C "$b" install
}


# build_native_heif: make sure $NATIVE_PREFIX/bin/heif-enc is current; sets NATIVE_PREFIX.
build_native_heif() {
  apt_install build-essential cmake ninja-build pkg-config nasm libpng-dev libjpeg-dev
  local x265 heif de265 stamp asm
  fetch_source x265; x265=$SRC_DIR
  fetch_source libheif; heif=$SRC_DIR
  fetch_source libde265; de265=$SRC_DIR
  asm=$(command -v nasm >/dev/null && nasm -v | awk '{print "nasm-" $3}' || echo no-asm)
  stamp="$(basename "$x265") $(basename "$heif") $(basename "$de265") $asm $NATIVE_CONFIG"
  if [ -x "$NATIVE_PREFIX/bin/heif-enc" ] && [ "$(cat "$NATIVE_PREFIX/.stamp" 2>/dev/null)" = "$stamp" ]; then
    log "native libheif is current ($stamp)"; return 0
  fi
  log "native build: $stamp"
  rm -rf "$NATIVE_PREFIX"; mkdir -p "$NATIVE_PREFIX" "$NATIVE/logs"

  local common_x265=(-DENABLE_CLI=OFF -DENABLE_LIBNUMA=OFF -DENABLE_PIC=ON -DENABLE_TESTS=OFF)
  cmake_build x265-10bit "$x265/source" "${common_x265[@]}" -DHIGH_BIT_DEPTH=ON -DEXPORT_C_API=OFF -DENABLE_SHARED=OFF
  cmake_build x265 "$x265/source" "${common_x265[@]}" -DENABLE_SHARED=ON \
    -DEXTRA_LIB="$NATIVE/build/x265-10bit/libx265.a" -DLINKED_10BIT=ON
  cmake_build libde265 "$de265" -DENABLE_SDL=OFF -DENABLE_DECODER=OFF -DENABLE_ENCODER=OFF -DBUILD_SHARED_LIBS=ON
  local off=() c
  for c in AOM_DECODER AOM_ENCODER DAV1D RAV1E SvtEnc KVAZAAR UVG266 VVDEC VVENC OpenH264_DECODER JPEG_DECODER \
           JPEG_ENCODER OpenJPEG_ENCODER OpenJPEG_DECODER FFMPEG_DECODER OPENJPH_ENCODER LIBSHARPYUV GDK_PIXBUF FUZZERS; do
    off+=("-DWITH_$c=OFF")
  done
  PKG_CONFIG_PATH="$NATIVE_PREFIX/lib/pkgconfig" cmake_build libheif "$heif" "${off[@]}" \
    -DWITH_X265=ON -DWITH_LIBDE265=ON -DENABLE_PLUGIN_LOADING=OFF -DWITH_EXAMPLES=ON -DBUILD_TESTING=OFF \
    -DBUILD_SHARED_LIBS=ON

  # The prefix must be self-contained: Debian's libheif1 / libde265-0 share the sonames.
  local lib deps encoders   # (captured first: grep -q closing a pipe early fails it under pipefail)
  deps=$(ldd "$NATIVE_PREFIX/bin/heif-enc")
  for lib in libheif.so libx265.so libde265.so; do
    grep -q "$lib.* => $NATIVE_PREFIX/lib/" <<<"$deps" || die "heif-enc does not load $lib from $NATIVE_PREFIX/lib"
  done
  encoders=$("$NATIVE_PREFIX/bin/heif-enc" --list-encoders 2>&1 || true)
  grep -q 'x265' <<<"$encoders" || die "native heif-enc has no x265 encoder"
  echo "$stamp" > "$NATIVE_PREFIX/.stamp"
  log "installed $NATIVE_PREFIX ($("$NATIVE_PREFIX/bin/heif-enc" --version 2>&1 | head -1))"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  build_native_heif
  echo "$NATIVE_PREFIX"
fi
