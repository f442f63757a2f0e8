#!/usr/bin/env bash
# Usage: scripts/fetch-fixtures.sh [--list | --force | --help]
# Gathers real edge-case image files (JPEG, PNG/APNG, GIF, BMP, WebP, HEIF/HEIC, AVIF; valid, odd and corrupt) from
# the test directories of Debian source packages into $CACHE/fixtures/<package>/<path in the package>, and indexes
# them with independent Debian tools into $CACHE/fixtures/index.tsv, whose path it prints last.
#   --list   print the index (building it first when needed)    --force   rebuild every set
# ADVCOMPRESS_FIXTURE_SETS="pillow libpng1.6" restricts the sets. Idempotent: a set is re-indexed only when its
# package version, this script or the tools' versions change (stamp per set); a warm run takes a few seconds.
# tests/fixtures/README.md describes the sets, the columns and statuses of the index; tests/node/fixtures.js reads it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$ROOT/scripts/fetch-sources.sh"

FIX="$CACHE/fixtures"
T=20   # seconds allowed to every tool call on one file: a hostile file must not hang the script
# HEIF/AVIF larger than this many pixels (from the header) are indexed but not decoded here (status "toolarge").
MAX_DECODE_PIXELS=${ADVCOMPRESS_FIXTURE_MAX_PIXELS:-60000000}

# "<source package> <directories inside it>": where each package keeps its test images.
SETS=(
  "pillow Tests/images"                                        # BMP suite (g/ q/ b/), APNG, GIF disposal, EXIF 1-8, CMYK, ICC, truncated
  "libpng1.6 contrib/pngsuite contrib/testpngs"                # PngSuite, every colour type and depth, crashers, bad palettes
  "libstb tests/pngsuite"                                      # PngSuite + corrupt/ + Apple CgBI (iphone/) + 16-bit
  "libjpeg-turbo testimages"                                   # arithmetic, 12-bit, ICC test images
  "giflib pic tests doc/whatsinagif"                           # animated, interlaced, transparent GIFs
  "gdk-pixbuf tests"                                           # GIF test suite, fail/, randomly-modified, reftests
  "libwebp examples webp_js"
  "libheif examples tests/data fuzzing/data"                   # HEIC/AVIF, uncompressed (unci), fuzzing corpus
  "kimageformats autotests/read/avif autotests/read/heif"      # AVIF irot/imir 0/90/180/270 x mirror, grey, alpha
  "vips test/test-suite/images"                                # 17000x17000 AVIF, AVIF EXIF orientation 6, GIF disposal
  "exiv2 test/data"                                            # camera HEIC/HIF (grid, 10-bit), AVIF EXIF/XMP, odd JPEG metadata
  # Firefox's AVIF tests: 8/10/12-bit 4:2:0/4:2:2/4:4:4 with alpha, full/limited range, image sequences (.avifs),
  # irot/imir, crash tests (only the members listed in PARTIAL are extracted: the whole source is 4 GB)
  "firefox-esr image/test/gtest image/test/reftest/avif image/test/crashtests image/test/mochitest third_party/rust/mp4parse/link-u-avif-sample-images"
)
# Sets whose package is too large to unpack whole: the tar wildcards of the members to extract from its orig
# tarball (scripts/fetch-sources.sh fetch_source_paths); the directories above are then walked as for any set.
declare -A PARTIAL=(
  [firefox-esr]="image/test/gtest/*.avif image/test/reftest/avif/* image/test/crashtests/*.avif image/test/mochitest/*.avif third_party/rust/mp4parse/link-u-avif-sample-images/*"
)
# "<source package> <glob inside it>...": reference data kept next to the images (not indexed): the GIF test suite's
# expected frames (.conf lists canvas, frame count and each composited frame's .rgba/.png), PngSuite's naming key.
COMPANIONS=(
  "gdk-pixbuf tests/test-images/gif-test-suite/*.conf tests/test-images/gif-test-suite/*.rgba tests/test-images/gif-test-suite/TESTS"
  "libpng1.6 contrib/pngsuite/README* contrib/testpngs/README*"
  "libstb tests/pngsuite/*/README*"
)
COLUMNS_TSV="set	path	format	bytes	width	height	frames	depth	channels	status	tool	features	note"
IMAGE_EXT='jpg|jpeg|jpe|jfif|png|apng|gif|bmp|dib|webp|heic|heif|hif|heics|avif|avifs|tpg'

usage() { sed -n '2,9s/^# \{0,1\}//p' "$0"; }

# sniff FILE: the container format from the magic bytes (jpeg png gif bmp webp heif avif tpg), '' when none.
sniff() {
  local f=$1 hex asc size brands major b i ext
  hex=$(head -c 64 -- "$f" | od -An -v -tx1 | tr -d ' \n')
  case $hex in
    ffd8ff*) echo jpeg ;;
    89504e470d0a1a0a*) echo png ;;
    474946383761*|474946383961*) echo gif ;;
    52494646????????57454250*) echo webp ;;
    545047*) echo tpg ;;   # "TPG", as wasm/src/decode.cpp sniffs it
    424d*)
      # "BM" is only two bytes: also want a known DIB header size (12..124) or a bitmap extension.
      ext=${f##*.}; ext=${ext,,}
      case ${hex:28:8} in 0c000000|10000000|28000000|34000000|38000000|40000000|6c000000|7c000000) echo bmp; return ;; esac
      case $ext in bmp|dib|rle) echo bmp ;; esac ;;
    ????????66747970*)
      asc=$(head -c 64 -- "$f" | LC_ALL=C tr -c 'a-zA-Z0-9' '.')
      size=$((16#${hex:0:8})); [ "$size" -gt 64 ] && size=64; [ "$size" -lt 12 ] && size=12
      major=${asc:8:4}; brands=" $major"
      for ((i = 16; i + 4 <= size; i += 4)); do brands+=" ${asc:i:4}"; done
      case $major in
        avif|avis) echo avif; return ;;
        heic|heix|heim|heis|hevc|hevx) echo heif; return ;;
      esac
      case "$brands " in
        *" avif "*|*" avis "*) echo avif ;;
        *" heic "*|*" heix "*|*" heim "*|*" heis "*|*" hevc "*|*" hevx "*|*" mif1 "*|*" msf1 "*|*" mif2 "*|*" miaf "*|*" heif "*) echo heif ;;
      esac ;;
  esac
}

# clean_msg: one line, no tabs, tool prefixes and source locations removed, at most 240 characters.
clean_msg() {
  LC_ALL=C tr -c '[:print:]\n' ' ' | sed -E 's/^(identify|identify-im6\.q16|heif-info|avifdec|webpinfo|dwebp): //;
    s/ @ (warning|error)\/[^ ]*//; s/`[^'"'"']*'"'"'//g; s/[^ ]*\/fixtures\/[^ ]*//g; s/^ERROR: *$//; s/  +/ /g; s/^ +| +$//g' \
    | awk 'NF && !seen[$0]++' | head -4 | paste -sd ';' | cut -c1-240
}

# join_features WORD...: comma list, empties and duplicates dropped.
join_features() { printf '%s\n' "$@" | awk 'NF && !seen[$0]++' | paste -sd, ; }

# What the decoders' messages mean. Metadata complaints (a bad ICC/XMP/text chunk) do not make a picture corrupt.
UNSUPPORTED_RE='no decode delegate|NoDecodeDelegate|Unsupported JPEG data precision|unsupported bits per pixel|unsupported compression|Unsupported feature|Unsupported codec|not implemented'
TOOLARGE_RE='exceeds limit|resource[^ ]* exhausted|ResourceLimit|Security limit exceeded'
METADATA_RE='profile|iCCP|XMP|ParseError|tEXt|zTXt|iTXt|eXIf|cHRM|bKGD|sRGB|gAMA|tIME|pHYs|sPLT|hIST|sBIT|oFFs|sCAL|keyword|exif|text chunk'
PIXEL_RE='premature end|corrupt|truncat|crc error|insufficient|unexpected end|read exception|too much|not enough|extraneous|data error|incorrect (data|header) check|damaged|incomplete|bad (huffman|code|data)|invalid|decode error|out of data|missing|negative or zero|improper'

# classify RC STDERR_FILE: decodable | corrupt | unsupported | toolarge | timeout, for one decoder run.
classify() {
  local rc=$1 err=$2 pix
  case $rc in 124|137) echo timeout; return ;; esac
  if grep -aqiE "$UNSUPPORTED_RE" "$err"; then echo unsupported; return; fi
  if grep -aqiE "$TOOLARGE_RE" "$err"; then echo toolarge; return; fi
  [ "$rc" = 0 ] || { echo corrupt; return; }
  # exit 0 but the decoder complained about the pixel data: the picture is incomplete or guessed, so corrupt for us.
  pix=$(grep -aviE "$METADATA_RE" "$err" || true)
  if grep -aqiE "$PIXEL_RE" <<<"$pix"; then echo corrupt; else echo decodable; fi
}

# ImageMagick's policy (/etc/ImageMagick-6/policy.xml): larger pictures are refused, not decoded.
IM_MAX_SIDE=16384 IM_MAX_AREA=134217728

# probe FORMAT FILE: prints "width height frames depth channels status tool features note" (tab separated) as
# independent Debian tools see FILE. Every call runs under `timeout $T`. Status:
#   decodable    the decoder(s) read every frame without an error or a complaint about the pixel data
#   corrupt      the decoder(s) failed or complained about the pixel data
#   disputed     independent tools disagree (one decodes it, another rejects it): see the note
#   unsupported  the tool lacks the feature (12-bit JPEG, uncompressed or JPEG 2000 HEIF, BMP with JPEG inside...)
#   toolarge     the header's size is over what is decoded here (ImageMagick's policy, $MAX_DECODE_PIXELS)
#   unrecognized an image file name without any image signature
#   timeout      a tool ran longer than $T s
probe() {
  local fmt=$1 f=$2 err out rc st w=- h=- n=- z=- ch=- tool=identify feats=() note='' first cs ori il pw ph coder hw hh
  case $fmt in
    heif|avif) probe_heif "$fmt" "$f"; return ;;
    '') printf -- '-\t-\t-\t-\t-\tunrecognized\tsniff\t\tno image signature (named .%s)\n' "${f##*.}"; return ;;
  esac
  err=$(mktemp); out=$(mktemp)
  # the coder prefix makes ImageMagick use the sniffed format's decoder, never a guessed one
  coder=${fmt^^}
  rc=0; timeout -k 5 $T identify -format '%w %h %n %z %[channels] %[colorspace] %[orientation] %[interlace] %W %H %D\n' \
    "$coder:$f" >"$out" 2>"$err" || rc=$?
  st=$(classify "$rc" "$err")
  first=$(head -1 "$out")
  [ -n "$first" ] || { [ "$st" = decodable ] && st=corrupt; }
  note=$(clean_msg <"$err")
  if [ "$st" = decodable ]; then
    read -r w h n z ch cs ori il pw ph _ <<<"$first"
    [ "$fmt" = gif ] && w=$pw h=$ph   # a GIF's size is its logical screen, not its first frame's
    case $cs in CMYK) feats+=(cmyk) ;; Gray) feats+=(gray) ;; esac
    case $ch in *a) feats+=(alpha) ;; esac
    case $ori in TopRight) feats+=(orientation=2) ;; BottomRight) feats+=(orientation=3) ;; BottomLeft) feats+=(orientation=4) ;;
      LeftTop) feats+=(orientation=5) ;; RightTop) feats+=(orientation=6) ;; RightBottom) feats+=(orientation=7) ;;
      LeftBottom) feats+=(orientation=8) ;; esac
    case $il in JPEG) feats+=(progressive) ;; None|Undefined|'') ;; *) feats+=(interlaced) ;; esac
    if [ "${n:-1}" -gt 1 ] 2>/dev/null; then
      feats+=(animated)
      [ "$fmt" = gif ] && feats+=("dispose=$(awk '{print $NF}' "$out" | awk '!s[$0]++' | paste -sd/)")
    fi
  else
    # what a failed decode printed is not to be trusted: keep the header's size (no pixels), for the limit tests
    read -r hw hh _ < <(timeout -k 5 $T identify -ping -format '%w %h\n' "$coder:$f" 2>/dev/null | head -1) || true
    if [ -z "$hw" ] && [ "$fmt" = png ]; then
      read -r hw hh < <(timeout -k 5 $T pngcheck -v "$f" 2>/dev/null | sed -n 's/^ *\([0-9]*\) x \([0-9]*\) image.*/\1 \2/p' | head -1) || true
    fi
    [ "${hw:-0}" != 0 ] && w=$hw; [ "${hh:-0}" != 0 ] && h=$hh
    if [ "$w" != - ] && [ "$h" != - ] && { [ "$w" -gt $IM_MAX_SIDE ] || [ "$h" -gt $IM_MAX_SIDE ] || [ $((w * h)) -gt $IM_MAX_AREA ]; }; then
      st=toolarge; note="header says ${w}x${h}: over ImageMagick's limits, not decoded${note:+; $note}"
    fi
  fi
  if [ "$fmt" = png ] && [ "$st" = corrupt ]; then
    # ImageMagick often fails silently on PNG: pngcheck (zlib, CRCs, chunk order) says why, or disagrees
    rc=0; timeout -k 5 $T pngcheck "$f" >"$out" 2>&1 || rc=$?
    if [ "$rc" = 0 ]; then
      st=disputed; note="ImageMagick: ${note:-fails}; pngcheck: OK"
    else
      local pc; pc=$(grep -av '^ERROR' "$out" | clean_msg)
      [ -n "$note" ] || note="pngcheck: $pc"
      # the damage is in an ancillary (metadata) chunk: libpng's defaults warn and drop it, the pixels are intact
      grep -aqE '(chunk|in|invalid|zero length) (tEXt|zTXt|iTXt|iCCP|sRGB|eXIf|gAMA|cHRM|bKGD|tIME|pHYs|sBIT|sPLT|hIST|oFFs|pCAL|sCAL)|(tEXt|zTXt|iTXt|iCCP|sRGB|eXIf|gAMA|cHRM|bKGD|tIME|pHYs) (keyword|text|length)' <<<"$pc" \
        && feats+=(ancillary-damage)
    fi
  fi
  if [ "$fmt" = bmp ]; then
    # row order is the sign of the height (BITMAPINFOHEADER and later); exiftool prints its absolute value
    local hx; hx=$(head -c 26 -- "$f" | od -An -v -tx1 | tr -d ' \n')
    [ "${#hx}" = 52 ] && [ $((16#${hx:28:2})) -ge 40 ] && [ $((16#${hx:50:2})) -ge 128 ] && feats+=(top-down)
  fi
  if [ "$fmt" = webp ]; then
    # webpinfo checks the RIFF structure (what a demuxer relies on), dwebp decodes a still image
    tool=identify+webpinfo
    rc=0; timeout -k 5 $T webpinfo "$f" >"$out" 2>&1 || rc=$?
    if grep -aq 'No error detected' "$out"; then
      grep -aqE '^  Animation: 1' "$out" && feats+=(animated "frames=$(grep -ac '^Chunk ANMF' "$out")")
      grep -aqE '^  ICCP: 1' "$out" && feats+=(icc)
      grep -aqE '^  EXIF: 1' "$out" && feats+=(exif)
      grep -aqE '^  XMP: 1' "$out" && feats+=(xmp)
      grep -aqE '^  Alpha: 1' "$out" && feats+=(alpha)
      grep -aq 'Format: Lossless' "$out" && feats+=(lossless)
      grep -aq 'Format: Lossy' "$out" && feats+=(lossy)
      [ "$st" = corrupt ] && { st=disputed; note="ImageMagick: ${note:-fails}; webpinfo: no error"; }
    else
      local wi; wi=$(grep -avE '^(File|RIFF HEADER|  |Chunk )' "$out" | clean_msg)
      if [ "$st" = decodable ]; then
        st=disputed; note="${note:+$note; }ImageMagick decodes it; webpinfo: $wi"
      else
        note="${note:+$note; }webpinfo: $wi"
      fi
    fi
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$h" "$n" "$z" "$ch" "$st" "$tool" "$(join_features "${feats[@]}")" "$note"
  rm -f "$err" "$out"
}

# Item types libheif 1.15 (Debian bookworm's heif-info and ImageMagick delegate) decodes.
HEIF_DECODABLE_ITEMS='hvc1|av01|grid|iden|iovl'

# probe_heif FORMAT FILE: heif-info (structure: images, grid, irot/imir, pixi, alpha, metadata) and its box dump,
# then decodes: ImageMagick (libheif + libde265 / libaom / dav1d) for both, plus avifdec --info (libavif) for AVIF.
probe_heif() {
  local fmt=$1 f=$2 err out rc st w=- h=- n=- z=- ch=- tool feats=() note='' types='' bits st2 note2=''
  err=$(mktemp); out=$(mktemp)
  tool=heif-info+identify; [ "$fmt" = avif ] && tool=heif-info+identify+avifdec
  # the box dump first: it reads even files libheif cannot decode (item types hvc1 av01 grid iden iovl unci j2k1 ...)
  if timeout -k 5 $T heif-info -d "$f" >"$out" 2>/dev/null; then
    types=$(LC_ALL=C sed -n 's/.*item_type: \([A-Za-z0-9]*\).*/\1/p' "$out" | grep -avE '^(Exif|mime|uri)$' | sort | uniq -c \
            | awk '{printf "%s%s", (NR > 1 ? "+" : ""), ($1 > 1 ? $2 "*" $1 : $2)}')
    [ -n "$types" ] && feats+=("items=$types")
    grep -aq 'item_type: grid' "$out" && feats+=(grid)
    grep -aq 'item_type: iovl' "$out" && feats+=(overlay)
    grep -aq 'Box: irot' "$out" && feats+=(irot)
    grep -aq 'Box: imir' "$out" && feats+=(imir)
    grep -aq 'Box: clap' "$out" && feats+=(clap)
    bits=$(LC_ALL=C sed -n 's/.*bits_per_channel: \([0-9]*\).*/\1/p' "$out" | sort -n | tail -1)
    [ -n "$bits" ] && z=$bits && [ "$bits" -gt 8 ] && feats+=("${bits}bit")
  fi
  rc=0; timeout -k 5 $T heif-info "$f" >"$out" 2>"$err" || rc=$?
  if [ "$rc" = 0 ] && grep -aq '^image: ' "$out"; then
    read -r w h < <(sed -n 's/^image: \([0-9]*\)x\([0-9]*\) .*primary.*/\1 \2/p' "$out" | head -1) || true
    [ "${w:-0}" != 0 ] || w=-; [ "${h:-0}" != 0 ] || h=-
    n=$(grep -ac '^image: ' "$out")
    [ "$n" -gt 1 ] && feats+=("images=$n")
    ch=rgb; grep -aqE '^  alpha channel: yes' "$out" && ch=rgba && feats+=(alpha)
    grep -aqE '^  thumbnail: ' "$out" && feats+=(thumbnail)
    grep -aqE '^  depth channel: yes' "$out" && feats+=(depth-image)
    grep -aqE '^  color profile: (prof|rICC)' "$out" && feats+=(icc)
    grep -aqE '^  color profile: nclx' "$out" && feats+=(nclx)
    grep -aqE '^  Exif: ' "$out" && feats+=(exif)
    grep -aqE '^  XMP: ' "$out" && feats+=(xmp)
    if [ "$w" != - ] && [ "$h" != - ] && [ $((w * h)) -gt "$MAX_DECODE_PIXELS" ]; then
      st=toolarge; note="header says ${w}x${h}: over $MAX_DECODE_PIXELS pixels, not decoded here"
    else
      rc=0; timeout -k 5 $T identify -format '%w %h %z %[channels]\n' "HEIC:$f" >"$out" 2>"$err" || rc=$?
      st=$(classify "$rc" "$err"); [ -s "$out" ] || { [ "$st" = decodable ] && st=corrupt; }
      note=$(clean_msg <"$err")
    fi
  else
    st=$(classify "$rc" "$err"); [ "$st" = decodable ] && st=corrupt
    note=$(cat "$err" "$out" | grep -avE '^(MIME type|main brand|compatible brands):' | clean_msg)
  fi
  if [ "$fmt" = avif ] && [ "$st" != toolarge ]; then
    rc=0; timeout -k 5 $T avifdec --info "$f" >"$out" 2>"$err" || rc=$?
    st2=$(classify "$rc" "$err")
    if [ "$st2" != decodable ] && grep -aq '\[Strict\]' "$out" "$err"; then
      # libavif's strict checks (e.g. a missing pixi property) are not what a lenient decoder refuses
      note2="avifdec strict: $(grep -ah '\[Strict\]' "$out" "$err" | sed 's/^ *\* *//' | clean_msg)"
      feats+=(not-strict)
      rc=0; timeout -k 5 $T avifdec --info --no-strict "$f" >"$out" 2>"$err" || rc=$?
      st2=$(classify "$rc" "$err")
    fi
    if [ "$st2" = decodable ]; then
      local yuv fr az
      az=$(sed -n 's/^ \* Bit Depth *: *\([0-9]*\).*/\1/p' "$out" | head -1)
      [ -n "$az" ] && z=$az && [ "$az" -gt 8 ] && feats+=("${az}bit")
      yuv=$(sed -n 's/^ \* Format *: *\(YUV[0-9]*\).*/\1/p' "$out" | head -1); [ -n "$yuv" ] && feats+=("${yuv,,}")
      grep -aqE '^ \* Alpha *: *(Not )?[Pp]remultiplied' "$out" && feats+=(alpha) && ch=rgba
      fr=$(sed -n 's/^ \* .*, \([0-9]*\) frames\{0,1\}$/\1/p' "$out" | head -1)
      [ -n "$fr" ] && [ "$fr" -gt 1 ] && feats+=(sequence "frames=$fr")
      [ "$st" = decodable ] || { note="libheif: ${note:-fails}; avifdec: OK"; st=disputed; }
      [ -n "${note2:-}" ] && note="${note:+$note; }$note2"
    else
      note2="avifdec: $(cat "$err" "$out" | clean_msg)"
      if [ "$st" = decodable ]; then st=disputed; note="libheif: OK; $note2"; else note="${note:+$note; }$note2"; fi
    fi
  fi
  # libheif 1.15 has no decoder for these item types (newer libheif may): not the file's fault
  if [ "$st" = corrupt ] && [ -n "$types" ] && ! grep -aqE "(^|\\+)($HEIF_DECODABLE_ITEMS)" <<<"$types"; then
    st=unsupported; note="libheif 1.15 cannot decode ${types}; $note"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$h" "$n" "$z" "$ch" "$st" "$tool" "$(join_features "${feats[@]}")" "$note"
  rm -f "$err" "$out"
}

# exif_facts DIR LIST: facts ImageMagick does not print, from one exiftool run over the files of a set
# (APNG frames, Apple CgBI PNG, JPEG process / precision / Adobe transform, BMP compression and bit depth,
# ICC / EXIF / XMP presence), and the header's size. Prints "path<TAB>features<TAB>width<TAB>height" per file.
exif_facts() {
  local dir=$1 list=$2
  (cd "$dir" && timeout -k 5 600 exiftool -q -q -m -n -T -@ "$list" -Directory -FileName -AnimationFrames \
     -ColorTransform -EncodingProcess -BitsPerSample -ColorComponents -File:Compression -File:BitDepth \
     -ICC_Profile -EXIF -XMP -PNG:BitDepth -PNG:ColorType -Warning -FileType -ImageWidth -ImageHeight 2>/dev/null) \
  | awk -F'\t' '{
      f = ($1 == "." ? "" : $1 "/") $2; sub(/^\.\//, "", f); out = ""; bmp = ($16 == "BMP")
      if ($3 != "-" && $3 + 0 > 0) out = out ",apng=" $3
      if ($4 != "-") out = out ",adobe-transform=" $4
      if ($5 != "-") { p = $5 + 0; out = out "," (p == 0 ? "baseline" : p == 1 ? "extended" : p == 2 ? "progressive" : p == 3 ? "lossless" : (p >= 9 && p <= 11) ? "arithmetic" : "sof" p) }
      if ($6 != "-" && $6 != 8 && $5 != "-") out = out ",precision=" $6
      if ($7 != "-" && $5 != "-") out = out ",components=" $7
      if (bmp && $8 != "-") { c = $8 + 0; out = out "," (c == 0 ? "bi-rgb" : c == 1 ? "rle8" : c == 2 ? "rle4" : c == 3 ? "bitfields" : c == 4 ? "bi-jpeg" : c == 5 ? "bi-png" : c == 6 ? "alphabitfields" : "bi-compression=" c) }
      if (bmp && $9 != "-") out = out ",bpp=" $9
      if ($10 != "-") out = out ",icc"
      if ($11 != "-") out = out ",exif"
      if ($12 != "-") out = out ",xmp"
      if ($13 != "-" && !bmp) out = out ",bitdepth=" $13
      if ($14 != "-") out = out ",colortype=" $14
      if ($15 ~ /Apple iPhone/) out = out ",cgbi"
      print f "\t" substr(out, 2) "\t" $17 "\t" $18 }'
}

# index_set PKG: fetch PKG's source, gather its image files into $FIX/PKG, index them into $FIX/PKG/index.tsv.
index_set() {
  local pkg=$1; shift
  local subdirs=("$@") ver src key quick dest tmp sub f rel fmt n=0 ext c g globs
  dest="$FIX/$pkg"
  # Warm path without unpacking: the package's rows of scripts/sources.lock, our patches, the directories, this
  # script (its hash covers COMPANIONS) and the tools are unchanged.
  lock_rows "$pkg"; ver=$LOCK_VERSION
  quick="$(sha256sum <<<"$LOCK_ROWS" | cut -c1-16) | ${subdirs[*]} \
| $(cat "$ROOT/patches/$pkg/"*.patch 2>/dev/null | sha256sum | cut -c1-8) | $(sha256sum "$0" | cut -c1-16) | $TOOLS"
  if [ -z "$FORCE" ] && [ -f "$dest/.quick" ] && [ "$(cat "$dest/.quick")" = "$quick" ] && [ -f "$dest/index.tsv" ]; then
    printf '%s %s\n' "$pkg" "$ver" >>"$FIX/.sources.tmp"
    return 0
  fi
  if [ -n "${PARTIAL[$pkg]:-}" ]; then
    local patterns; read -r -a patterns <<<"${PARTIAL[$pkg]}"
    fetch_source_paths "$pkg" "${patterns[@]}"
  else
    fetch_source "$pkg"
  fi
  src=$SRC_DIR
  key="$pkg $ver $src | ${subdirs[*]} | $(sha256sum "$0" | cut -c1-16) | $TOOLS"
  if [ -z "$FORCE" ] && [ -f "$dest/.stamp" ] && [ "$(cat "$dest/.stamp")" = "$key" ] && [ -f "$dest/index.tsv" ]; then
    printf '%s\n' "$quick" >"$dest/.quick"
    printf '%s %s\n' "$pkg" "$ver" >>"$FIX/.sources.tmp"
    return 0
  fi
  log "$pkg $ver: gathering and indexing ${subdirs[*]}"
  tmp="$dest.tmp"; rm -rf "$tmp"; mkdir -p "$tmp"
  : >"$tmp/.files"
  for sub in "${subdirs[@]}"; do
    [ -d "$src/$sub" ] || { log "warning: $pkg has no $sub"; continue; }
    while IFS= read -r -d '' f; do
      rel=${f#"$src/"}
      [[ $rel == *[$'\t\n']* ]] && continue   # (the index is tab separated)
      fmt=$(sniff "$f")
      if [ -z "$fmt" ]; then
        ext=${f##*/}; ext=${ext##*.}; ext=${ext,,}
        [[ $ext =~ ^($IMAGE_EXT)$ ]] || continue
        [ "${f##*/}" = "${f##*/.}" ] || continue
      fi
      mkdir -p "$tmp/$(dirname "$rel")"
      ln "$f" "$tmp/$rel" 2>/dev/null || cp -p "$f" "$tmp/$rel"
      printf '%s\t%s\n' "$rel" "${fmt:-unknown}" >>"$tmp/.files"
      n=$((n + 1))
    done < <(find "$src/$sub" -type f -print0 | sort -z)
  done
  for c in "${COMPANIONS[@]}"; do
    [ "${c%% *}" = "$pkg" ] || continue
    read -r -a globs <<<"${c#* }"
    for g in "${globs[@]}"; do
      for f in "$src"/$g; do
        [ -f "$f" ] || continue
        rel=${f#"$src/"}; mkdir -p "$tmp/$(dirname "$rel")"
        [ -e "$tmp/$rel" ] || ln "$f" "$tmp/$rel" 2>/dev/null || cp -p "$f" "$tmp/$rel"
      done
    done
  done
  cut -f1 "$tmp/.files" >"$tmp/.list"
  exif_facts "$tmp" "$tmp/.list" >"$tmp/.exif" || true
  # probe the files $JOBS at a time, 40 per worker: each worker is this script in --probe mode
  cut -f1,2 "$tmp/.files" | tr '\t' '\n' \
    | xargs -d '\n' -n 40 -P "$JOBS" bash "$0" --probe "$tmp" "$pkg" >"$tmp/.probed"
  # join: set path format bytes w h n z ch status tool features(+exiftool's) note
  # (where ImageMagick could not even read the header, exiftool's header size fills in; over ImageMagick's limits
  # that is why it failed)
  awk -F'\t' -v OFS='\t' -v side=$IM_MAX_SIDE -v area=$IM_MAX_AREA 'FNR == NR { ex[$1] = $2; ew[$1] = $3; eh[$1] = $4; next }
    $5 == "-" && ew[$2] ~ /^[0-9]+$/ && eh[$2] ~ /^[0-9]+$/ && ew[$2] > 0 && eh[$2] > 0 && $3 != "heif" && $3 != "avif" {
      $5 = ew[$2]; $6 = eh[$2]
      if ($10 == "corrupt" && ($5 > side || $6 > side || $5 * $6 > area)) {
        $10 = "toolarge"; $13 = "header says " $5 "x" $6 ": over ImageMagick'"'"'s limits, not decoded; " $13 }
    }
    { split($12, a, ","); split(ex[$2], b, ","); delete seen; out = ""
      for (i in a) if (a[i] != "") seen[a[i]] = 1
      m = 0; for (i = 1; i in a; i++) if (a[i] != "") { out = out (m++ ? "," : "") a[i] }
      for (i = 1; i in b; i++) if (b[i] != "" && !(b[i] in seen)) { seen[b[i]] = 1; out = out (m++ ? "," : "") b[i] }
      $12 = out; print }' "$tmp/.exif" "$tmp/.probed" | LC_ALL=C sort -t$'\t' -k2,2 >"$tmp/index.tsv"
  [ "$(wc -l <"$tmp/index.tsv")" = "$n" ] || die "$pkg: indexed $(wc -l <"$tmp/index.tsv") of $n files"
  rm -f "$tmp/.files" "$tmp/.list" "$tmp/.exif" "$tmp/.probed"
  printf '%s\n' "$key" >"$tmp/.stamp"; printf '%s\n' "$quick" >"$tmp/.quick"
  rm -rf "$dest"; mv "$tmp" "$dest"
  printf '%s %s\n' "$pkg" "$ver" >>"$FIX/.sources.tmp"
  log "$pkg: $n files"
}

# --probe DIR SET REL FORMAT (internal, run by xargs): one index line.
if [ "${1:-}" = --probe ]; then
  dir=$2 set=$3; shift 3
  while [ $# -ge 2 ]; do
    rel=$1 fmt=$2; shift 2
    [ "$fmt" = unknown ] && fmt=''
    printf '%s\t%s\t%s\t%s\t%s\n' "$set" "$rel" "${fmt:-unknown}" "$(stat -c %s "$dir/$rel")" "$(probe "$fmt" "$dir/$rel")"
  done
  exit 0
fi

# summary INDEX: files per set and format: decodable, corrupt, and the other statuses.
summary() {
  printf '%-14s %-8s %6s %10s %8s  %s\n' set format files decodable corrupt other
  awk -F'\t' 'NR > 1 { print $1 "\t" $3 "\t" $10; print "~all\t" $3 "\t" $10; print "~all\t~all\t" $10 }' "$1" | sort \
  | awk -F'\t' '
      function flush(   x, o) { if (k == "") return; split(k, p, "\t"); sub(/^~/, "", p[1]); sub(/^~/, "", p[2])
        o = ""; for (x in oc) o = o (o == "" ? "" : ", ") oc[x] " " x
        printf "%-14s %-8s %6d %10d %8d  %s\n", p[1], p[2], n, d, c, o }
      { key = $1 "\t" $2; if (key != k) { flush(); k = key; n = 0; d = 0; c = 0; delete oc }
        n++; if ($3 == "decodable") d++; else if ($3 == "corrupt") c++; else oc[$3]++ }
      END { flush() }'
}

FORCE='' LIST=''
case ${1:-} in
  '') ;;
  --list) LIST=1 ;;
  --force) FORCE=1 ;;
  -h|--help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac

apt_install imagemagick libheif-examples libavif-bin webp libimage-exiftool-perl pngcheck
TOOLS=$(dpkg-query -W -f='${Package}=${Version} ' imagemagick-6.q16 libheif-examples libavif-bin webp libimage-exiftool-perl pngcheck 2>/dev/null || true)
mkdir -p "$FIX"
rm -f "$FIX/.sources.tmp"
want=${ADVCOMPRESS_FIXTURE_SETS:-}
for s in "${SETS[@]}"; do
  read -r -a words <<<"$s"
  [ -z "$want" ] || [[ " $want " == *" ${words[0]} "* ]] || continue
  index_set "${words[@]}"
done
{ printf '%s\n' "$COLUMNS_TSV"
  for s in "${SETS[@]}"; do p=${s%% *}; [ -f "$FIX/$p/index.tsv" ] && grep -q "^$p " "$FIX/.sources.tmp" && cat "$FIX/$p/index.tsv"; done
} >"$FIX/index.tsv.tmp"
mv "$FIX/index.tsv.tmp" "$FIX/index.tsv"
mv "$FIX/.sources.tmp" "$FIX/sources.txt"
if [ -n "$LIST" ]; then cat "$FIX/index.tsv"; exit 0; fi
log "sources (package, version as in scripts/sources.lock):"; sed 's/^/  /' "$FIX/sources.txt" >&2
summary "$FIX/index.tsv" >&2
log "$(du -sh --apparent-size "$FIX" | cut -f1) of fixtures (hard links into $CACHE/src where possible)"
echo "$FIX/index.tsv"
