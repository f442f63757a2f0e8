#!/usr/bin/env bash
# Usage: scripts/fetch-sources.sh PKG...        fetch, verify and unpack each package; prints "PKG VERSION DIR"
#        scripts/fetch-sources.sh --check [PKG...]   ask the archive whether every locked file is still served
#        (or source it and call fetch_source PKG / fetch_source_paths PKG PATTERN... / check_served [PKG...])
#
# Every third-party source file the project builds or tests with is pinned in scripts/sources.lock (package, Debian
# version, file name, size, SHA-256, directory in the archive's pool). This script fetches exactly those files by
# name from the Debian archive that the machine's apt configuration names (the first non-security `REPO_URI` of
# `apt-get indextargets`; ADVCOMPRESS_DEBIAN_ARCHIVE overrides it), with apt's own helper, which checks the SHA-256.
# It never asks the index for a version and never falls back to another one: a locked file that cannot be had stops
# the run at once, naming the package, version, file and URL (scripts/update-sources.sh moves the lock).
#
# Unpacking: with the .dsc in the lock, dpkg-source (Debian's patches applied); without it (the archive served here
# lacks some), the orig tarball and the Debian tarball by hand, then debian/patches/series; for a header-only
# library whose sources are not served at all (simde), its arch-all binary package (dpkg-deb -x). Then ours,
# patches/<pkg>/*.patch in name order. The tree lands in $CACHE/src/<pkg>_<version>-<hash of its lock rows and our
# patches>/ only when every step succeeded; a failed step leaves no half-unpacked tree (nor a .part download).
# ADVCOMPRESS_SOURCES_LOCK names another lock file (the failure tests use one).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
LOCK=${ADVCOMPRESS_SOURCES_LOCK:-$ROOT/scripts/sources.lock}

# archive_uri: sets ARCHIVE_URI to the Debian archive's base URI (ending with /), from the machine's apt configuration.
archive_uri() {
  [ -z "${ARCHIVE_URI:-}" ] || return 0
  if [ -n "${ADVCOMPRESS_DEBIAN_ARCHIVE:-}" ]; then ARCHIVE_URI="${ADVCOMPRESS_DEBIAN_ARCHIVE%/}/"; return 0; fi
  local uris
  uris=$(apt-get indextargets --format '$(REPO_URI)' 2>/dev/null || true)
  uris=$(grep -v -- '-security' <<<"$uris" | grep -m1 '://' || true)
  [ -n "$uris" ] || die "no Debian archive in the apt configuration (apt-get indextargets lists none); set ADVCOMPRESS_DEBIAN_ARCHIVE"
  ARCHIVE_URI="${uris%/}/"
}

# urlencode_path PATH: the characters of Debian file names that URLs escape (+ ~ %), as apt writes them.
urlencode_path() { local p=${1//%/%25}; p=${p//+/%2b}; p=${p//\~/%7e}; printf '%s\n' "$p"; }

# http_head URL: prints "STATUS CONTENT-LENGTH" of a HEAD request ("000" when nothing answered); nothing is
# downloaded. (Exported: check_served runs it in parallel through xargs.)
http_head() {
  local h
  h=$(curl -sI --max-time 30 --retry 2 -o /dev/null -w '%{http_code} %header{content-length}' "$1" 2>/dev/null) || true
  printf '%s\n' "${h:-000}"
}
export -f http_head

# lock_rows PKG: sets LOCK_ROWS (its rows of the lock, "file size sha256 dir" per line) and LOCK_VERSION; dies when
# the lock has none or more than one version of PKG.
lock_rows() {
  local pkg=$1
  [ -f "$LOCK" ] || die "no lock file $LOCK"
  LOCK_ROWS=$(awk -F'\t' -v p="$pkg" '!/^#/ && $1 == p { print $3 "\t" $4 "\t" $5 "\t" $6 }' "$LOCK")
  LOCK_VERSION=$(awk -F'\t' -v p="$pkg" '!/^#/ && $1 == p { print $2 }' "$LOCK" | sort -u)
  [ -n "$LOCK_ROWS" ] || die "$pkg is not in $LOCK (scripts/update-sources.sh $pkg adds it)"
  [ "$(wc -l <<<"$LOCK_VERSION")" = 1 ] || die "$LOCK names more than one version of $pkg"
}

# not_served PKG VERSION FILE URL WHY: the message for a locked file that cannot be had, then exit 1.
not_served() {
  die "$1 $2: $3 cannot be had from $4 ($5). The archive no longer serves it (or serves other bytes): run" \
      "'bash scripts/update-sources.sh $1' to move scripts/sources.lock to a served version, then run the tests."
}

# fetch_file PKG VERSION FILE SIZE SHA256 DIR: $CACHE/dl/FILE, downloaded unless a verified copy is there.
fetch_file() {
  local pkg=$1 ver=$2 file=$3 size=$4 sha=$5 dir=$6 url out
  local dest="$CACHE/dl/$file"
  mkdir -p "$CACHE/dl"
  # (a copy verified before carries its hash beside it; a copy of other bytes is fetched again)
  if [ -f "$dest" ] && [ "$(cat "$dest.sha256" 2>/dev/null)" = "$sha" ] && [ "$(stat -c %s "$dest")" = "$size" ]; then
    return 0
  fi
  rm -f "$dest" "$dest.sha256" "$dest.part"
  archive_uri; url="$ARCHIVE_URI$(urlencode_path "$dir/$file")"
  log "$pkg $ver: downloading $file ($size bytes)"
  TMP_PATHS+=("$dest.part")
  if ! out=$(/usr/lib/apt/apt-helper -q download-file "$url" "$dest.part" "SHA256:$sha" 2>&1); then
    rm -f "$dest.part"
    not_served "$pkg" "$ver" "$file" "$url" "$(tr '\n' ' ' <<<"$out" | sed 's/ *$//' | cut -c1-300)"
  fi
  [ "$(stat -c %s "$dest.part")" = "$size" ] || { rm -f "$dest.part"; not_served "$pkg" "$ver" "$file" "$url" "size differs from the lock"; }
  mv "$dest.part" "$dest"; printf '%s\n' "$sha" > "$dest.sha256"
}

# fetch_files PKG [REGEX]: every locked file of PKG (or those whose names match REGEX) into $CACHE/dl; sets
# FILES (their names, one per line).
fetch_files() {
  local pkg=$1 only=${2:-.} file size sha dir
  lock_rows "$pkg"
  FILES=''
  while IFS=$'\t' read -r file size sha dir; do
    grep -qE -- "$only" <<<"$file" || continue
    fetch_file "$pkg" "$LOCK_VERSION" "$file" "$size" "$sha" "$dir"
    FILES+="$file"$'\n'
  done <<<"$LOCK_ROWS"
  FILES=${FILES%$'\n'}
}

# apply_series DIR: apply debian/patches/series by hand (for trees unpacked without dpkg-source).
apply_series() {
  local dir=$1 line p opt
  [ -f "$dir/debian/patches/series" ] || return 0
  while read -r line; do
    line=${line%%#*}; [ -n "${line// }" ] || continue
    p=${line%% *}; opt=-p1; [ "$p" != "$line" ] && opt=${line#* }
    patch -d "$dir" $opt -s -N < "$dir/debian/patches/$p" >/dev/null || die "Debian's patch $p does not apply in $dir"
  done < "$dir/debian/patches/series"
}

# our_patches PKG: sets OURS (patches/<pkg>/*.patch, name order) and OURS_HASH.
our_patches() {
  OURS=()
  local p; for p in "$ROOT/patches/$1/"*.patch; do [ -f "$p" ] && OURS+=("$p"); done
  OURS_HASH=$(cat "${OURS[@]}" /dev/null | sha256sum | cut -c1-8)
}

# fetch_source PKG: sets SRC_DIR and SRC_VERSION to PKG's unpacked, patched tree of the locked version.
fetch_source() {
  local pkg=$1 dir dsc orig deb p key
  lock_rows "$pkg"
  our_patches "$pkg"
  key=$(printf '%s\n' "$LOCK_ROWS" | sha256sum | cut -c1-8)
  dir="$CACHE/src/${pkg}_${LOCK_VERSION#*:}-$key$OURS_HASH"   # (no epoch: a ":" in a path upsets emcc)
  SRC_VERSION=$LOCK_VERSION SRC_DIR=$dir
  [ -f "$dir/.advcompress-unpacked" ] && return 0
  fetch_files "$pkg"
  dsc=$(grep '\.dsc$' <<<"$FILES" || true)
  orig=$(grep -E '\.orig\.tar\.[a-z0-9]+$' <<<"$FILES" | head -1 || true)
  deb=$(grep -E '\.debian\.tar\.[a-z0-9]+$' <<<"$FILES" || true)
  bins=$(grep -E '\.deb$' <<<"$FILES" || true)
  rm -rf "$dir" "$dir.tmp"; mkdir -p "$CACHE/src"
  TMP_PATHS+=("$dir.tmp")
  if [ -n "$dsc" ]; then
    run_logged "$CACHE/src/$pkg.unpack.log" dpkg-source --no-check -x "$CACHE/dl/$dsc" "$dir.tmp"
  elif [ -z "$orig" ] && [ -n "$bins" ]; then
    # a header-only library whose source files the archive does not serve (simde 0.8.2): its arch-all binary
    # package, whose files are the upstream headers as Debian ships them (usr/include/...)
    log "$pkg $LOCK_VERSION: unpacking $(tr '\n' ' ' <<<"$bins")(binary package; no source in the lock)"
    mkdir -p "$dir.tmp"
    while read -r p; do dpkg-deb -x "$CACHE/dl/$p" "$dir.tmp" || die "$pkg: cannot unpack $p"; done <<<"$bins"
  else
    [ -n "$orig" ] || die "$pkg $LOCK_VERSION: the lock has neither a .dsc nor an orig tarball"
    log "$pkg $LOCK_VERSION: unpacking $orig${deb:+ + $deb} (no .dsc in the lock)"
    mkdir -p "$dir.tmp"
    tar -xf "$CACHE/dl/$orig" -C "$dir.tmp" --strip-components=1 || die "$pkg: cannot unpack $orig"
    if [ -n "$deb" ]; then tar -xf "$CACHE/dl/$deb" -C "$dir.tmp" || die "$pkg: cannot unpack $deb"; fi
    apply_series "$dir.tmp"
  fi
  for p in "${OURS[@]}"; do
    patch -d "$dir.tmp" -p1 -s -N < "$p" >/dev/null || die "our patch $p does not apply to $pkg $LOCK_VERSION"
  done
  touch "$dir.tmp/.advcompress-unpacked"; mv "$dir.tmp" "$dir"
  log "$pkg $LOCK_VERSION -> $dir"
}

# fetch_source_paths PKG PATTERN...: for a package too large to unpack whole when a few of its directories are all
# we want (firefox-esr: 680 MB of xz, ~4 GB unpacked, for its test images): only the members of the locked orig
# tarball matching the tar wildcards PATTERN (relative to its top directory) are extracted, without Debian's patches
# (data files), into $CACHE/src/<pkg>_<version>-partial-<hash>/. Sets SRC_DIR and SRC_VERSION.
fetch_source_paths() {
  local pkg=$1 orig dir key p; shift
  local patterns=()
  for p in "$@"; do patterns+=("*/$p"); done
  lock_rows "$pkg"
  key=$( { printf '%s\n' "$LOCK_ROWS"; printf '%s\n' "$@"; } | sha256sum | cut -c1-8)
  dir="$CACHE/src/${pkg}_${LOCK_VERSION#*:}-partial-$key"
  SRC_VERSION=$LOCK_VERSION SRC_DIR=$dir
  [ -f "$dir/.advcompress-unpacked" ] && return 0
  fetch_files "$pkg" '\.orig\.tar\.[a-z0-9]+$'
  orig=$(head -1 <<<"$FILES")
  [ -n "$orig" ] || die "$pkg $LOCK_VERSION: the lock has no orig tarball"
  log "$pkg $LOCK_VERSION: extracting $* from $orig"
  rm -rf "$dir" "$dir.tmp"; mkdir -p "$dir.tmp"
  TMP_PATHS+=("$dir.tmp")
  tar -xf "$CACHE/dl/$orig" -C "$dir.tmp" --strip-components=1 --wildcards "${patterns[@]}" \
    || die "$pkg: could not extract $* from $orig"
  touch "$dir.tmp/.advcompress-unpacked"; mv "$dir.tmp" "$dir"
}

# check_served [PKG...]: one HEAD request per locked file (of the PKGs, default all), in parallel: every file must
# answer 200 with the locked size. Dies with the not_served message for the first one that does not.
check_served() {
  local base rows bad
  archive_uri; base=$ARCHIVE_URI
  command -v curl >/dev/null || die "curl is needed to check the lock (apt-get install curl)"
  rows=$(awk -F'\t' -v want=" $* " '!/^#/ && NF >= 6 && (want == "  " || index(want, " " $1 " ")) {
           print $1 "\t" $2 "\t" $3 "\t" $4 "\t" $6 }' "$LOCK")
  [ -n "$rows" ] || die "no rows in $LOCK${*:+ for $*}"
  # (each line: pkg ver file size url status length)
  bad=$(while IFS=$'\t' read -r pkg ver file size dir; do
          printf '%s\t%s\t%s\t%s\t%s\n' "$pkg" "$ver" "$file" "$size" "$base$(urlencode_path "$dir/$file")"
        done <<<"$rows" \
        | xargs -d '\n' -P 8 -I{} bash -c 'IFS=$'"'\t'"' read -r p v f s u <<<"$1"
            printf "%s\t%s\t%s\t%s\t%s\t%s\n" "$p" "$v" "$f" "$s" "$u" "$(http_head "$u")"' _ {} \
        | awk -F'\t' '{ split($6, h, " "); if (h[1] != 200) print $0 "\tHTTP " h[1]
                        else if (h[2] != "" && h[2] != $4) print $0 "\tsize " h[2] " where the lock says " $4 }')
  if [ -n "$bad" ]; then
    local n; n=$(wc -l <<<"$bad")
    while IFS=$'\t' read -r pkg ver file size url _ why; do log "not served: $pkg $ver $file ($why): $url"; done <<<"$bad"
    IFS=$'\t' read -r pkg ver file size url _ why <<<"$(head -1 <<<"$bad")"
    not_served "$pkg" "$ver" "$file ($n locked file(s) in all)" "$url" "$why"
  fi
  log "all $(wc -l <<<"$rows") locked files are served by $base"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ $# -gt 0 ] || { sed -n '2,4s/^# //p' "$0"; exit 2; }
  if [ "$1" = --check ]; then shift; check_served "$@"; exit 0; fi
  for p in "$@"; do fetch_source "$p"; echo "$p $SRC_VERSION $SRC_DIR"; done
fi
