#!/usr/bin/env bash
# Usage: scripts/bench-peers.sh      (after scripts/setup.sh; BENCH_PEERS_PHOTOS="2" for the 2.5 MP photo only)
#
# advcompress against the in-browser peers icodec and jSquash and the native tools (heif-enc, cwebp), side by side
# in one run on the benchmark photos (common.sh bench_photos): bytes, SSIMULACRA2, encode time, and both as ratios
# to advcompress's one-thread encode of the same format (scripts/bench-peers.mjs says what each row runs). The
# peers come at the exact versions of scripts/peers/package-lock.json, installed into $CACHE/bench/peers (never
# into the package). Prints a Markdown table (README, "Performance").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
apt_install libheif-examples libavif-bin webp imagemagick mate-backgrounds util-linux
[ -f "$ROOT/dist/heic.js" ] || die "build first: bash scripts/setup.sh"
source "$ROOT/scripts/build-ssimulacra2.sh"
build_ssimulacra2
B="$CACHE/bench"; P="$B/peers"; mkdir -p "$P"
if [ "$(cat "$P/.lock" 2>/dev/null)" != "$(sha256sum < "$ROOT/scripts/peers/package-lock.json")" ]; then
  log "installing the pinned peers (scripts/peers) into $P"
  cp "$ROOT/scripts/peers/package.json" "$ROOT/scripts/peers/package-lock.json" "$P/"
  (cd "$P" && run_logged "$B/peers.log" npm ci --no-audit --no-fund --ignore-scripts)
  sha256sum < "$ROOT/scripts/peers/package-lock.json" > "$P/.lock"
fi
bench_photos
case "${BENCH_PEERS_PHOTOS:-12 2}" in
  2) photos=("$P2") ;;
  12) photos=("$P12") ;;
  *) photos=("$P12" "$P2") ;;
esac
node "$ROOT/scripts/bench-peers.mjs" "$B" "$SSIMULACRA2" "$P" "${photos[@]}"
