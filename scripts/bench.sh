#!/usr/bin/env bash
# Usage: scripts/bench.sh            (after scripts/setup.sh; BENCH_REPEAT=n runs each case n times, default 1;
#                                    BENCH_FORMATS="heic" measures only those formats, default "heic avif webp")
#
# Measures, side by side in one run, the bytes and the encode time of HEIC, AVIF and WebP at default options for
# a ~12 MP and a ~2 MP real photograph: the wasm modules (baseline and SIMD builds, one thread, in Node) against
# the same libraries built natively by Debian (heif-enc from libheif-examples for HEIC and, with -A, for AVIF
# through libheif's libaom plugin: the same wrapper and quality scale as ours; cwebp for WebP), pinned to one core
# with taskset. Prints a Markdown table; times are wall-clock seconds of one encode (wasm: the encode call; native:
# the whole tool run, JPEG decoding included, which flatters wasm slightly). On 2 shared cores absolute
# times are noise: the ratios (wasm / native, simd / baseline) are the signal. Debian's native versions are older
# than ours (bookworm: libheif 1.15, x265 3.5, libaom 3.6, libwebp 1.2.4; ours: dist/wasm/manifest.*.tsv), so
# byte counts differ a little too.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
apt_install libheif-examples webp imagemagick util-linux mate-backgrounds
[ -f "$ROOT/dist/heic.js" ] || die "build first: bash scripts/setup.sh"
REPEAT=${BENCH_REPEAT:-1}
FORMATS=${BENCH_FORMATS:-heic avif webp}
B="$CACHE/bench"; mkdir -p "$B"

bench_photos  # P12, P2 (common.sh)

now_ms() { date +%s%3N; }
# native FORMAT PHOTO -> "bytes ms" (best of REPEAT)
native() {
  local fmt=$1 photo=$2 out="$B/native.$1" best="" i t0 t1 ms
  for ((i = 0; i < REPEAT; i++)); do
    t0=$(now_ms)
    case $fmt in
      heic) taskset -c 0 heif-enc -q 50 -p preset=slow -p tune=ssim -o "$out" "$photo" >/dev/null ;;
      avif) taskset -c 0 heif-enc -A -q 50 -p speed=6 -p threads=1 -o "$out" "$photo" >/dev/null ;;
      webp) taskset -c 0 cwebp -quiet -q 75 -m 6 -metadata all "$photo" -o "$out" ;;  # we keep EXIF/ICC/XMP too
    esac
    t1=$(now_ms); ms=$((t1 - t0))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$(stat -c %s "$out") $best"
}
# wasm FORMAT PHOTO VARIANT -> "bytes ms"
wasm() {
  node "$ROOT/scripts/bench-wasm.mjs" "$2" "$1" "$3" "$REPEAT" | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(r.bytes, Math.round(r.encodeMs))})'
}

echo "| Photo | Format | Native bytes | Native s | Wasm baseline bytes | Baseline s | Simd s | Baseline ÷ native | Simd ÷ native | Simd speed-up |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for photo in "$P12" "$P2"; do
  mp=$(identify -format '%w %h' "$photo" | awk '{ printf "%.1f", $1 * $2 / 1e6 }')
  for fmt in $FORMATS; do
    # (assignments, not `read < <(…)`: a failed run must stop the script, not print a row of blanks)
    n_out=$(native "$fmt" "$photo"); read -r nb nms <<<"$n_out"
    b_out=$(wasm "$fmt" "$photo" baseline); read -r bb bms <<<"$b_out"
    s_out=$(wasm "$fmt" "$photo" simd); read -r sb sms <<<"$s_out"
    [ "$bb" = "$sb" ] || log "note: $fmt baseline and simd bytes differ ($bb vs $sb)"
    awk -v p="$(basename "$photo") ($mp MP)" -v f="$fmt" -v nb="$nb" -v n="$nms" -v bb="$bb" -v b="$bms" -v s="$sms" \
      'BEGIN { printf "| %s | %s | %d | %.2f | %d | %.2f | %.2f | %.2f× | %.2f× | %.2f× |\n", p, f, nb, n/1000, bb, b/1000, s/1000, b/n, s/n, b/s }'
  done
done
