#!/usr/bin/env bash
# Usage: scripts/build-ssimulacra2.sh        (or source it and call build_ssimulacra2)
# Builds SSIMULACRA2, libjxl's own metric tool (tools/ssimulacra2), natively from the jpeg-xl and highway sources
# pinned in scripts/sources.lock (libjxl 0.11 needs Highway >= 1.0.7; bookworm's libhwy-dev is 1.0.3, so the locked
# Highway is built in as libjxl's third_party/highway). Prints the tool's path, $CACHE/tools/ssimulacra2
# (nothing is installed system-wide); usage of the tool: `ssimulacra2 ORIGINAL DISTORTED` -> the score, 100 =
# identical, ~90 visually lossless, ~80 high quality, ~70 medium (libjxl's tools/ssimulacra2.cc).
# The other libraries libjxl needs (Brotli, Little CMS, libpng, libjpeg, giflib, zlib) are bookworm's -dev packages.
# Idempotent: skipped when $CACHE/tools/ssimulacra2.stamp matches the locked versions and this script.
# Compiles run under `nice -n 19` with NATIVE_JOBS (default min(2, $JOBS)) jobs: other builds share the machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$ROOT/scripts/fetch-sources.sh"

SSIMULACRA2=$CACHE/tools/ssimulacra2

# build_ssimulacra2: make sure $SSIMULACRA2 is current; sets SSIMULACRA2.
build_ssimulacra2() {
  local jxl hwy jxl_ver stamp b jobs=${NATIVE_JOBS:-$(( JOBS < 2 ? JOBS : 2 ))}
  fetch_source jpeg-xl; jxl=$SRC_DIR jxl_ver=$SRC_VERSION
  fetch_source highway; hwy=$SRC_DIR
  stamp="$(basename "$jxl") $(basename "$hwy") $(sha256sum < "${BASH_SOURCE[0]}" | cut -c1-12)"
  if [ -x "$SSIMULACRA2" ] && [ "$(cat "$SSIMULACRA2.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  apt_install build-essential cmake ninja-build pkg-config libbrotli-dev liblcms2-dev libpng-dev libjpeg-dev \
    libgif-dev zlib1g-dev
  b=$CACHE/build/ssimulacra2
  log "building SSIMULACRA2 from jpeg-xl $jxl_ver + highway $(basename "$hwy") (log: $b.log)"
  # A copy of the tree: the locked Highway goes into third_party/ (Debian strips it), and Debian's hwy.patch (which
  # makes CMake take the system's libhwy), when the lock has Debian's tarball, is undone.
  rm -rf "$b"; mkdir -p "$b"
  cp -a "$jxl" "$b/src"
  if [ -f "$b/src/debian/patches/hwy.patch" ] && patch -d "$b/src" -R -p1 -s --dry-run < "$b/src/debian/patches/hwy.patch" >/dev/null; then
    patch -d "$b/src" -R -p1 -s < "$b/src/debian/patches/hwy.patch" >/dev/null
  fi
  rm -rf "$b/src/third_party/highway"; cp -a "$hwy" "$b/src/third_party/highway"; rm -rf "$b/src/third_party/highway/debian"
  run_logged "$b.cmake.log" cmake -S "$b/src" -B "$b/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DBUILD_SHARED_LIBS=OFF -DJPEGXL_VERSION="${jxl_ver%%-*}" \
    -DJPEGXL_ENABLE_TOOLS=ON -DJPEGXL_ENABLE_DEVTOOLS=ON -DJPEGXL_ENABLE_BENCHMARK=OFF -DJPEGXL_ENABLE_EXAMPLES=OFF \
    -DJPEGXL_ENABLE_DOXYGEN=OFF -DJPEGXL_ENABLE_MANPAGES=OFF -DJPEGXL_ENABLE_JNI=OFF -DJPEGXL_ENABLE_JPEGLI=OFF \
    -DJPEGXL_ENABLE_PLUGINS=OFF -DJPEGXL_ENABLE_SJPEG=OFF -DJPEGXL_ENABLE_OPENEXR=OFF -DJPEGXL_ENABLE_SKCMS=OFF \
    -DJPEGXL_ENABLE_TCMALLOC=OFF -DJPEGXL_ENABLE_FUZZERS=OFF -DJPEGXL_ENABLE_VIEWERS=OFF -DJPEGXL_BUNDLE_LIBPNG=OFF \
    -DJPEGXL_FORCE_SYSTEM_BROTLI=ON -DJPEGXL_FORCE_SYSTEM_LCMS2=ON -DJPEGXL_FORCE_SYSTEM_HWY=OFF
  run_logged "$b.log" nice -n 19 ninja -C "$b/build" -j "$jobs" ssimulacra2
  mkdir -p "$(dirname "$SSIMULACRA2")"
  install -m 755 "$b/build/tools/ssimulacra2" "$SSIMULACRA2.new"
  # Self-test: an image against itself scores 100.
  local t="$b/selftest" same
  mkdir -p "$t"
  { printf 'P6\n64 64\n255\n'; head -c 12288 /dev/urandom; } > "$t/a.ppm"
  same=$("$SSIMULACRA2.new" "$t/a.ppm" "$t/a.ppm")
  awk -v s="$same" 'BEGIN { exit !(s + 0 > 99.99) }' || die "self-test: an image against itself scored $same, not 100"
  mv "$SSIMULACRA2.new" "$SSIMULACRA2"; echo "$stamp" > "$SSIMULACRA2.stamp"
  rm -rf "$b/src" "$t"
  log "built $SSIMULACRA2 (self-test: $same)"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  build_ssimulacra2
  echo "$SSIMULACRA2"
fi
