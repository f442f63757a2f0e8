#!/usr/bin/env bash
# Usage: scripts/bench-x265-settings.sh
#   BENCH_QUICK=1              only the first 2 photos
#   BENCH_PHOTOS="a.jpg b.png"  other photos (anything ImageMagick reads) instead of the mate-backgrounds set
#   BENCH_RESIZE=50%            resize the references (ImageMagick geometry), e.g. to wash out the sources' JPEG grid
#   BENCH_TARGET=80             the SSIMULACRA2 score to reach
#
# What it measures: for each x265 configuration of libheif 1.19.8 + x265 4.1 (HEIC stills) and for libjpeg-turbo's
# cjpeg (default settings: 4:2:0, baseline, standard Huffman tables) as the reference, the bytes of the smallest file
# whose SSIMULACRA2 score is >= BENCH_TARGET, and the time to encode it. Configurations: preset medium/slow/slower x
# tune ssim/psnr (4:2:0, 8-bit), slow+ssim at 4:4:4, slow+ssim at 10-bit (libheif's defaults are slow+ssim, 4:2:0).
#
# How:
#  - Native builds (scripts/build-native-heif.sh): gcc -O3 x265 with its nasm assembly, multilib 8+10-bit in one
#    libx265 (heif-enc -b 10 goes through x265_api_get(10)), libde265, libheif with heif-enc/heif-dec, in
#    $CACHE/native/prefix. SSIMULACRA2 from scripts/build-ssimulacra2.sh (libjxl's tool, $CACHE/tools/ssimulacra2;
#    BENCH_SSIMULACRA2=PATH uses another build of it).
#  - Photos: real photographs from Debian's mate-backgrounds, decoded once (auto-oriented, metadata stripped, 8-bit)
#    to a PNG reference (and a PPM for cjpeg).
#  - Search: on the integer quality (libheif 0-100, which libheif maps to x265 crf = (100 - q) / 2; cjpeg -quality
#    0-100) for the smallest q scoring >= the target, assuming the score rises with q: regula falsi with a bisection
#    fallback, started from the previous configuration's answer for the photo. It ends with q (passes) and q - 1
#    (fails) both measured, so it also reports the bytes log-interpolated to a score of exactly the target. Prefer
#    that column for HEIC: x265 stills come in coarse steps (an odd q, crf N.5, usually gives the same file as q + 1,
#    and one step near 80 adds 10-45 % of bytes), while a cjpeg step is ~2 %.
#  - Decoding: heif-dec of the same native build (libheif 1.19.8 colour conversion, as advcompress decodes), djpeg
#    (default: islow IDCT, fancy upsampling); score = `ssimulacra2 ref.png decoded`. The 10-bit decode (a 16-bit PNG)
#    is rounded to 8 bits first, as a display gets it, and because this ssimulacra2 does not score a 16-bit copy of
#    an 8-bit image as identical (89.3 instead of 100 on Wood.jpg), so 8-bit and 16-bit files are not comparable.
#  - Time: bash `time` around the encoder run at the answer q: wall seconds and CPU seconds (user + sys). x265 runs
#    with libheif's default threading; the CPU seconds approximate one thread's time, which is what the threadless
#    wasm build spends, and depend less on what else the machine runs.
#
# Output: Markdown tables on stdout and in $CACHE/bench/x265-settings.md. Idempotent: every probe (photo x config x
# quality) is cached in $CACHE/bench/probes.tsv, keyed by the tool versions, so a warm run only prints.
#
# Caveats: few photos (5, 1.8-4.9 MP); the sources are themselves JPEGs (quality 87-100, mostly 4:2:2), which
# favours JPEG slightly (its 8x8 grid lines up with the source's); times are from 2 shared cores with other builds
# running: read the ratios, not the seconds; one SSIMULACRA2 threshold (80, "high quality"); cjpeg without
# -optimize/-progressive (both shrink JPEG a few percent; mozjpeg more). libheif sets aq-mode=1, psy-rd=1, psy-rdoq=1
# after the preset and tune, so tune ssim vs psnr differs here only in AQ strength (psnr sets it to 0). 4:4:4 and
# 10-bit streams come out as HEVC RExt (general_profile_idc 4, libheif asks x265 for "main10-intra"), not Main/Main10:
# the table says nothing about which decoders accept them.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/common.sh"
source "$HERE/build-native-heif.sh"   # (also sources fetch-sources.sh)
source "$HERE/build-ssimulacra2.sh"

TARGET=${BENCH_TARGET:-80}
BENCH=$CACHE/bench
MATE=/usr/share/backgrounds/mate
DEFAULT_PHOTOS="$MATE/nature/Storm.jpg $MATE/nature/Dune.jpg $MATE/nature/Wood.jpg $MATE/nature/Blinds.jpg $MATE/abstract/Elephants.jpg"
BASELINE=slow+ssim   # the configuration times are compared with (libheif's default)

# Configurations: "name|input|arguments"; input png8/png16 -> heif-enc with these arguments besides -q, ppm -> cjpeg.
# (heif-enc's -b applies only to PNGs deeper than 8 bits, so the 10-bit encode reads the reference widened to 16 bits.)
CONFIGS=(
  "medium+ssim|png8|-p preset=medium -p tune=ssim -p chroma=420"
  "medium+psnr|png8|-p preset=medium -p tune=psnr -p chroma=420"
  "slow+ssim|png8|-p preset=slow -p tune=ssim -p chroma=420"
  "slow+psnr|png8|-p preset=slow -p tune=psnr -p chroma=420"
  "slower+ssim|png8|-p preset=slower -p tune=ssim -p chroma=420"
  "slower+psnr|png8|-p preset=slower -p tune=psnr -p chroma=420"
  "slow+ssim 4:4:4|png8|-p preset=slow -p tune=ssim -p chroma=444"
  "slow+ssim 10-bit|png16|-p preset=slow -p tune=ssim -p chroma=420 -b 10"
  "jpeg (cjpeg)|ppm|"
)

# ---------------------------------------------------------------------------------------------------------------------
# Setup: tools and photos.

setup_tools() {
  apt_install mate-backgrounds imagemagick libjpeg-turbo-progs
  build_native_heif
  HEIF_ENC=$NATIVE_PREFIX/bin/heif-enc
  HEIF_DEC=$NATIVE_PREFIX/bin/heif-dec
  if [ -n "${BENCH_SSIMULACRA2:-}" ]; then SSIM2=$BENCH_SSIMULACRA2; else build_ssimulacra2; SSIM2=$SSIMULACRA2; fi
  [ -x "$SSIM2" ] || die "no SSIMULACRA2 at $SSIM2"
  # Probes are valid only for these exact tools.
  TOOLS="$(cat "$NATIVE_PREFIX/.stamp") | $(dpkg-query -W -f='${Package} ${Version}' libjpeg-turbo-progs) | $(sha256sum "$SSIM2" | cut -c1-12)"
  TOOLS_KEY=$(sha256sum <<<"$TOOLS" | cut -c1-12)
}

# prepare_photos: fills PHOTOS (names) and REF_PNG/PHOTO_DESC (by name); next to each ref.png: ref16.png, ref.ppm.
declare -a PHOTOS=()
declare -A REF_PNG=() PHOTO_DESC=()
prepare_photos() {
  local list=${BENCH_PHOTOS:-$DEFAULT_PHOTOS} src name id dir n=0
  mkdir -p "$BENCH/photos"
  for src in $list; do
    [ -f "$src" ] || die "no photo $src"
    n=$((n + 1)); [ "${BENCH_QUICK:-0}" = 1 ] && [ $n -gt 2 ] && break
    name=$(basename "${src%.*}")
    id=$(cat "$src" <(echo "${BENCH_RESIZE:-}") | sha256sum | cut -c1-8)
    dir=$BENCH/photos/$name-$id
    if [ ! -f "$dir/ref.ppm" ]; then
      mkdir -p "$dir"
      convert "$src" -auto-orient ${BENCH_RESIZE:+-resize "$BENCH_RESIZE"} -strip -depth 8 -type TrueColor "$dir/ref.png"
      convert "$dir/ref.png" -strip PNG48:"$dir/ref16.png"   # v * 257: heif-enc -b 10 takes the top 10 bits
      convert "$dir/ref.png" "$dir/ref.ppm"
    fi
    PHOTOS+=("$name"); REF_PNG[$name]=$dir/ref.png
    PHOTO_DESC[$name]=$(identify -format '%wx%h' "$dir/ref.png")
  done
  [ ${#PHOTOS[@]} -gt 0 ] || die "no photos"
}

# ---------------------------------------------------------------------------------------------------------------------
# Probing: encode at one quality, decode, score. Cached in probes.tsv ("tools photo-id config q bytes score wall cpu").

declare -A PROBE=()
load_probes() {
  local tools photo config q rest
  touch "$BENCH/probes.tsv"
  while IFS=$'\t' read -r tools photo config q rest; do
    [ "$tools" = "$TOOLS_KEY" ] && PROBE["$photo|$config|$q"]=$rest
  done < "$BENCH/probes.tsv"
}

# timed LOG CMD...: run CMD (niced, output to LOG); prints "wall cpu" seconds.
timed() {
  local logf=$1 t; shift
  t=$( { TIMEFORMAT='%R %U %S'; time nice -n 19 "$@" >"$logf" 2>&1; } 2>&1 ) || { cat "$logf" >&2; die "failed: $*"; }
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' <<<"$t"
}

# probe PHOTO CONFIG Q: sets PR="bytes score wall cpu" (not echoed: the cache must survive, so no subshell).
probe() {
  local photo=$1 config=$2 q=$3 key spec input args ref w out dec times bytes score
  key="$(basename "$(dirname "${REF_PNG[$photo]}")")|$config|$q"
  if [ -z "${PROBE[$key]:-}" ]; then
    spec=$(printf '%s\n' "${CONFIGS[@]}" | awk -F'|' -v c="$config" '$1 == c')
    input=$(cut -d'|' -f2 <<<"$spec"); args=$(cut -d'|' -f3 <<<"$spec")
    ref=$(dirname "${REF_PNG[$photo]}")/$(case $input in png8) echo ref.png;; png16) echo ref16.png;; ppm) echo ref.ppm;; esac)
    w=$BENCH/work; mkdir -p "$w"
    if [ "$input" != ppm ]; then
      out=$w/out.heic; dec=$w/dec.png
      # shellcheck disable=SC2086 # $args is a list of options
      times=$(timed "$w/enc.log" "$HEIF_ENC" $args -q "$q" -o "$out" "$ref")
      nice -n 19 "$HEIF_DEC" "$out" "$dec" >"$w/dec.log" 2>&1 || { cat "$w/dec.log" >&2; die "heif-dec failed"; }
      if [ "$input" = png16 ]; then   # 16-bit PNG out: score it as the 8-bit image a display gets (see the header)
        convert "$dec" -strip -depth 8 PNG24:"$w/dec8.png"; dec=$w/dec8.png
      fi
    else
      out=$w/out.jpg; dec=$w/dec.ppm
      times=$(timed "$w/enc.log" cjpeg -quality "$q" -outfile "$out" "$ref")
      nice -n 19 djpeg -outfile "$dec" "$out"
    fi
    bytes=$(stat -c %s "$out")
    score=$(nice -n 19 "$SSIM2" "${REF_PNG[$photo]}" "$dec" | awk '{ printf "%.3f", $NF }')
    PROBE[$key]="$bytes $score $times"
    printf '%s\t%s\t%s\t%s\t%s\n' "$TOOLS_KEY" "${key%%|*}" "$config" "$q" "$bytes $score $times" >> "$BENCH/probes.tsv"
    log "  $photo  $config  q=$q: $bytes bytes, SSIMULACRA2 $score, ${times% *} s"
  fi
  PR=${PROBE[$key]}
}

# search PHOTO CONFIG GUESS: smallest q in 0..100 whose score >= TARGET. Sets RESULT="q bytes score wall cpu ibytes"
# (ibytes: bytes log-interpolated to score == TARGET between q - 1 and q), or RESULT="" when q=100 misses the target.
search() {
  local photo=$1 config=$2 q=$3 lo=-1 hi=101 slo='' shi='' last='' same=0 s next pq='' ps=''
  while [ $((hi - lo)) -gt 1 ]; do
    probe "$photo" "$config" "$q"; s=${PR#* }; s=${s%% *}
    if awk -v s="$s" -v t="$TARGET" 'BEGIN { exit !(s >= t) }'; then
      hi=$q; shi=$s; [ "$last" = hi ] && same=$((same + 1)) || same=0; last=hi
    else
      lo=$q; slo=$s; [ "$last" = lo ] && same=$((same + 1)) || same=0; last=lo
    fi
    [ $((hi - lo)) -gt 1 ] || break
    if [ -n "$slo" ] && [ -n "$shi" ] && [ $same -eq 0 ]; then   # bracketed: interpolate (regula falsi)
      next=$(awk -v l="$lo" -v h="$hi" -v sl="$slo" -v sh="$shi" -v t="$TARGET" \
             'BEGIN { d = sh - sl; x = (d > 0) ? l + (t - sl) * (h - l) / d : (l + h) / 2; printf "%d", x + 0.5 }')
    elif [ -n "$slo" ] && [ -n "$shi" ]; then                    # one end moved twice: bisect
      next=$(( (lo + hi) / 2 ))
    else   # not bracketed yet: secant step (slope from the last two probes, else 1.5 q per point), overshooting by 1
      next=$(awk -v q="$q" -v s="$s" -v pq="$pq" -v ps="$ps" -v t="$TARGET" 'BEGIN {
             k = 1.5; if (pq != "" && ps != s) { k = (q - pq) / (s - ps); if (k < 0.5 || k > 5) k = 1.5 }
             d = (t - s) * k; d = d > 0 ? int(d + 2) : int(d - 2)
             if (d > 25) d = 25; if (d < -25) d = -25; printf "%d", q + d }')
    fi
    pq=$q; ps=$s
    [ "$next" -le "$lo" ] && next=$((lo + 1)); [ "$next" -ge "$hi" ] && next=$((hi - 1))
    q=$next
  done
  if [ "$hi" -gt 100 ]; then RESULT=''; return; fi
  local rh rl ib
  probe "$photo" "$config" "$hi"; rh=$PR
  if [ "$lo" -ge 0 ]; then
    probe "$photo" "$config" "$lo"; rl=$PR
    ib=$(awk -v t="$TARGET" -v a="$rl" -v b="$rh" 'BEGIN { split(a, l, " "); split(b, h, " ");
         f = (h[2] > l[2]) ? (t - l[2]) / (h[2] - l[2]) : 1; printf "%.0f", exp(log(l[1]) + f * (log(h[1]) - log(l[1]))) }')
  else
    ib=${rh%% *}
  fi
  RESULT="$hi $rh $ib"
}

# ---------------------------------------------------------------------------------------------------------------------
# Report.

declare -A RES=()   # "photo|config" -> "q bytes score wall cpu ibytes"
run_all() {
  local photo c name guess
  for photo in "${PHOTOS[@]}"; do
    log "$photo (${PHOTO_DESC[$photo]})"
    guess=65
    for c in "${CONFIGS[@]}"; do
      name=${c%%|*}
      [ "$(cut -d'|' -f2 <<<"$c")" = ppm ] && guess=88
      search "$photo" "$name" "$guess"
      RES["$photo|$name"]=$RESULT
      [ -n "$RESULT" ] && guess=${RESULT%% *}
    done
  done
}

report() {
  local c name photo r j lines='' cells
  # Per-config summary (awk does the statistics; one input line per photo x config).
  for c in "${CONFIGS[@]}"; do
    name=${c%%|*}
    for photo in "${PHOTOS[@]}"; do
      r=${RES["$photo|$name"]}; j=${RES["$photo|jpeg (cjpeg)"]}
      [ -n "$r" ] && [ -n "$j" ] && lines+="$name|$photo|$r|$j"$'\n'
    done
  done
  {
    echo "## x265 settings for HEIC stills: bytes at SSIMULACRA2 $TARGET vs libjpeg-turbo, and encode time"
    echo
    echo "$(date -u +%Y-%m-%d), $(nproc) cores (shared with other builds). Tools: $TOOLS."
    echo "Photos: $(for p in "${PHOTOS[@]}"; do printf '%s %s (%.1f MP); ' "$p" "${PHOTO_DESC[$p]}" \
      "$(awk -F x '{ print $1 * $2 / 1e6 }' <<<"${PHOTO_DESC[$p]}")"; done)"
    echo
    echo "Bytes: the smallest file scoring >= $TARGET (integer quality search) divided by cjpeg's, geometric mean over"
    echo "the photos, with the per-photo range; 'interp.' uses sizes log-interpolated to a score of exactly $TARGET."
    echo "Time: mean over the photos of one encode at that quality; CPU = user + sys (close to a single thread's time)."
    echo "**The ratios are the signal**; absolute seconds come from 2 shared, busy cores."
    echo
    echo "| config | bytes vs JPEG (geo-mean) | per-photo range | interp. | quality (range) | wall s | CPU s | CPU vs $BASELINE |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '%s' "$lines" | awk -F'|' -v base="$BASELINE" '
      { split($3, r, " "); split($4, j, " "); c = $1
        if (!(c in n)) order[++nc] = c
        n[c]++; lr[c] += log(r[2] / j[2]); li[c] += log(r[6] / j[6]); wall[c] += r[4]; cpu[c] += r[5]
        ratio = r[2] / j[2]
        if (!(c in mn) || ratio < mn[c]) mn[c] = ratio; if (!(c in mx) || ratio > mx[c]) mx[c] = ratio
        if (!(c in qmn) || r[1] < qmn[c]) qmn[c] = r[1]; if (!(c in qmx) || r[1] > qmx[c]) qmx[c] = r[1] }
      END { for (i = 1; i <= nc; i++) { c = order[i]
              printf "| %s | %.3f× | %.3f–%.3f | %.3f× | %d–%d | %.2f | %.2f | %s |\n", c, exp(lr[c] / n[c]),
                mn[c], mx[c], exp(li[c] / n[c]), qmn[c], qmx[c], wall[c] / n[c],
                cpu[c] / n[c], (base in cpu) ? sprintf("%.2f×", cpu[c] / cpu[base]) : "–" } }'
    echo
    echo "Per photo: libheif (or cjpeg) quality, bytes of the smallest file scoring >= $TARGET (its score), ratio to JPEG, CPU s."
    echo
    printf '| config |'; for photo in "${PHOTOS[@]}"; do printf ' %s |' "$photo"; done; echo
    printf '|---|'; for photo in "${PHOTOS[@]}"; do printf -- '---|'; done; echo
    for c in "${CONFIGS[@]}"; do
      name=${c%%|*}; cells=''
      for photo in "${PHOTOS[@]}"; do
        r=${RES["$photo|$name"]}; j=${RES["$photo|jpeg (cjpeg)"]}
        if [ -z "$r" ]; then cells+=" (q=100 < $TARGET) |"; continue; fi
        cells+=$(awk -v r="$r" -v j="$j" 'BEGIN { split(r, a, " "); split(j, b, " ");
                 printf " q%d · %d B (%.1f) · %.3f× · %.2f s |", a[1], a[2], a[3], a[2] / b[2], a[5] }')
      done
      echo "| $name |$cells"
    done
  } | tee "$BENCH/x265-settings.md"
}

main() {
  local t0=$SECONDS
  mkdir -p "$BENCH"
  setup_tools
  prepare_photos
  load_probes
  run_all
  report
  log "done in $((SECONDS - t0)) s; report in $BENCH/x265-settings.md, probes in $BENCH/probes.tsv"
}

main "$@"
