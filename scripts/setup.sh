#!/usr/bin/env bash
# Usage: scripts/setup.sh [--no-run]
# The quick start's first command, for a fresh Debian bookworm machine (as root, or a user with sudo):
# installs what is missing (apt packages incl. Emscripten, npm packages), builds the codecs from the Debian sources
# pinned in scripts/sources.lock (cached in ~/.cache/advcompress), the wasm modules and the npm package, then runs
# the CLI's no-argument conversion of a real photograph (from the Debian package mate-backgrounds) to HEIC, AVIF and WebP.
# Idempotent, also after an interrupted run (every step writes its stamp or moves its result into place last):
# a second run installs and rebuilds nothing. --no-run stops before the conversion (scripts/test.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Build: Emscripten (clang 14, binaryen), CMake/Ninja, Debian source tools, GoogleTest sources (built with emcc
# too), libjpeg/libpng headers for the native tests. Run: Node >= 20 + npm. Data: a real photo. Tests: the
# independent decoders heif-convert/heif-info, avifdec, dwebp, ImageMagick, exiftool; the three browser engines:
# chromium (Playwright), firefox-esr (puppeteer-core) and WebKitGTK (webkit2gtk-driver, in xvfb).
apt_install emscripten cmake ninja-build pkg-config dpkg-dev patch xz-utils ca-certificates curl \
  g++ googletest libgtest-dev libjpeg62-turbo-dev libpng-dev libgif-dev clang-14 libclang-rt-14-dev \
  mate-backgrounds libheif-examples libavif-bin webp imagemagick libimage-exiftool-perl chromium \
  firefox-esr webkit2gtk-driver xvfb xauth libgl1-mesa-dri
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  apt_install nodejs npm
  [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || die "Node >= 20 needed (found $(node --version))"
fi
command -v npm >/dev/null || apt_install npm

# Earlier versions of these scripts added deb-src entries (advcompress-<suite>-src.sources) and asked the index for
# versions; the pinned sources (scripts/sources.lock) need neither, and a stale trixie entry only slows apt down.
for f in /etc/apt/sources.list.d/advcompress-*-src.sources; do
  [ -f "$f" ] && { log "removing $f (sources are pinned in scripts/sources.lock now)"; as_root rm -f "$f"; }
done

cd "$ROOT"
# (a stamp written after npm ci succeeded, so an interrupted install is redone, not taken for a finished one)
if [ "$(cat node_modules/.advcompress-lock 2>/dev/null)" != "$(sha256sum < package-lock.json)" ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  sha256sum < package-lock.json > node_modules/.advcompress-lock
fi
bash scripts/build.sh

if [ "${1:-}" != "--no-run" ]; then
  log "converting a real photograph (node dist/cli.js)"
  mkdir -p "$ROOT/build/quickstart"
  (cd "$ROOT/build/quickstart" && node "$ROOT/dist/cli.js")
fi
