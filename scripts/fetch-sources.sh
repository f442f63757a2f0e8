#!/usr/bin/env bash
# Usage: scripts/fetch-sources.sh PKG...   (or source it and call fetch_source PKG)
# Fetches Debian source packages with apt and unpacks each, with Debian's patches and then ours
# (patches/<pkg>/*.patch, in name order) applied, into $CACHE/src/<pkg>_<version>-<patch hash>/.
# Prints "<pkg> <version> <suite> <dir>" per package. Idempotent: an unpacked tree is reused.
#
# The rule (DESIGN.md, "Toolchain facts"): the trixie part of the archive served here is partial (some .dsc files
# and whole packages answer 404), bookworm is complete. So for each package: try the trixie version; when only the
# .dsc is missing, unpack the orig + debian tarballs by hand and apply debian/patches/series; when a tarball is
# missing too, fall back to the bookworm version. ADVCOMPRESS_SUITES overrides the order ("trixie bookworm").
# Every file is downloaded by apt's own helper and checked against the hash of the signed Sources index.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
SUITES=${ADVCOMPRESS_SUITES:-trixie bookworm}

# ensure_deb_src: deb-src entries for every suite in $SUITES, with the URIs of the machine's Debian entry.
ensure_deb_src() {
  local targets missing=() s uris
  targets=$(apt-get indextargets --no-release-info --format '$(IDENTIFIER) $(RELEASE)' 2>/dev/null || true)
  for s in $SUITES; do grep -qx "Sources $s" <<<"$targets" || missing+=("$s"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  uris=$(grep -sv '^[[:space:]]*#' /etc/apt/sources.list.d/debian.sources \
         | sed -n 's/^URIs:[[:space:]]*//p' | grep -v -- '-security' | head -1 || true)
  [ -n "$uris" ] || uris=$(awk '$1 == "deb" && !/security/ { for (i = 2; i <= NF; i++)
                              if ($i ~ "^[a-z+]+://") { print $i; exit } }' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uris" ] || die "no Debian archive URIs found in /etc/apt/sources.list(.d)"
  for s in "${missing[@]}"; do
    printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
      "$uris" "$s" /usr/share/keyrings/debian-archive-keyring.gpg \
      | as_root tee "/etc/apt/sources.list.d/advcompress-$s-src.sources" >/dev/null
    log "added deb-src for $s ($uris)"
  done
  as_root "${APT[@]}" update >/dev/null
}

# srcver PKG SUITE: the version of source package PKG in SUITE ('' when none).
srcver() { apt-cache madison "$1" | awk -F' *[|] *' -v s=" $2/main Sources" '!v && index($3, s) {v = $2} END {print v}'; }

# download PKG VER [REGEX]: fetch every file of PKG=VER (or those whose names match REGEX) into $CACHE/dl; prints the
# names of the files that arrived.
download() {
  local pkg=$1 ver=$2 only=${3:-.} uri file size hash
  mkdir -p "$CACHE/dl" "$CACHE/dl/.empty"
  # (--print-uris leaves out files already in the current directory: ask from an empty one)
  (cd "$CACHE/dl/.empty" && apt-get source -qq --print-uris "$pkg=$ver") | grep "^'" | while read -r uri file size hash; do
    grep -qE -- "$only" <<<"$file" || continue
    uri=${uri//\'/}
    if [ ! -s "$CACHE/dl/$file" ]; then
      /usr/lib/apt/apt-helper -q download-file "$uri" "$CACHE/dl/$file.part" "$hash" >/dev/null 2>&1 \
        && mv "$CACHE/dl/$file.part" "$CACHE/dl/$file" || { rm -f "$CACHE/dl/$file.part"; continue; }
    fi
    echo "$file"
  done
}

# apply_series DIR: apply debian/patches/series by hand (for trees unpacked without dpkg-source).
apply_series() {
  local dir=$1 line p opt
  [ -f "$dir/debian/patches/series" ] || return 0
  while read -r line; do
    line=${line%%#*}; [ -n "${line// }" ] || continue
    p=${line%% *}; opt=-p1; [ "$p" != "$line" ] && opt=${line#* }
    patch -d "$dir" $opt -s -N < "$dir/debian/patches/$p" || die "debian patch $p does not apply in $dir"
  done < "$dir/debian/patches/series"
}

# fetch_source PKG: prints "PKG VERSION SUITE DIR" for an unpacked, patched tree.
fetch_source() {
  local pkg=$1 suite ver files dir ours hash dsc orig deb
  ours=$(ls "$ROOT/patches/$pkg/"*.patch 2>/dev/null || true)
  hash=$(cat $ours /dev/null | sha256sum | cut -c1-8)
  for suite in $SUITES; do
    ver=$(srcver "$pkg" "$suite"); [ -n "$ver" ] || continue
    dir="$CACHE/src/${pkg}_${ver#*:}-$hash"   # (no epoch: a "%" or ":" in a path upsets emcc)
    if [ -f "$dir/.advcompress-unpacked" ]; then echo "$pkg $ver $suite $dir"; return 0; fi
    files=$(download "$pkg" "$ver")
    dsc=$(grep '\.dsc$' <<<"$files" || true)
    orig=$(grep -E '\.orig\.tar\.|^[^_]+_[^-]+\.tar\.' <<<"$files" | head -1 || true)
    deb=$(grep -E '\.debian\.tar\.' <<<"$files" || true)
    rm -rf "$dir" "$dir.tmp"
    if [ -n "$dsc" ] && dpkg-source --no-check -x "$CACHE/dl/$dsc" "$dir.tmp" >"$CACHE/dl/$pkg.unpack.log" 2>&1; then
      :
    elif [ -n "$orig" ]; then
      log "$pkg $ver ($suite): no usable .dsc, unpacking ${orig}${deb:+ + $deb} by hand"
      rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
      tar -xf "$CACHE/dl/$orig" -C "$dir.tmp" --strip-components=1
      [ -n "$deb" ] && tar -xf "$CACHE/dl/$deb" -C "$dir.tmp"
      apply_series "$dir.tmp"
    else
      log "$pkg $ver ($suite): sources not served here, trying the next suite"; continue
    fi
    for p in $ours; do patch -d "$dir.tmp" -p1 -s -N < "$p" || die "our patch $p does not apply to $pkg $ver"; done
    touch "$dir.tmp/.advcompress-unpacked"; mv "$dir.tmp" "$dir"
    log "$pkg $ver ($suite) -> $dir"
    echo "$pkg $ver $suite $dir"; return 0
  done
  die "no source of $pkg could be fetched from: $SUITES"
}

# fetch_source_paths PKG PATTERN...: for a package too large to unpack whole when a few of its directories are all
# we want (firefox-esr: 680 MB of xz, ~4 GB unpacked, for its test images): only the members of the orig tarball
# matching the tar wildcards PATTERN (relative to its top directory) are extracted, without Debian's patches (data
# files), into $CACHE/src/<pkg>_<version>-partial-<hash of the patterns>/. Prints "PKG VERSION SUITE DIR".
fetch_source_paths() {
  local pkg=$1 suite ver orig dir hash p; shift
  local patterns=()
  for p in "$@"; do patterns+=("*/$p"); done
  hash=$(printf '%s\n' "$@" | sha256sum | cut -c1-8)
  # (every version a suite lists, newest first: bookworm lists firefox-esr 115 before 140)
  while read -r suite ver; do
    dir="$CACHE/src/${pkg}_${ver#*:}-partial-$hash"
    if [ -f "$dir/.advcompress-unpacked" ]; then echo "$pkg $ver $suite $dir"; return 0; fi
    orig=$(download "$pkg" "$ver" '\.orig\.tar\.' </dev/null | head -1)
    if [ -z "$orig" ]; then log "$pkg $ver ($suite): sources not served here, trying the next"; continue; fi
    log "$pkg $ver ($suite): extracting $* from $orig"
    rm -rf "$dir" "$dir.tmp"; mkdir -p "$dir.tmp"
    tar -xf "$CACHE/dl/$orig" -C "$dir.tmp" --strip-components=1 --wildcards "${patterns[@]}" \
      || die "$pkg: could not extract $* from $orig"
    touch "$dir.tmp/.advcompress-unpacked"; mv "$dir.tmp" "$dir"
    echo "$pkg $ver $suite $dir"; return 0
  done < <(for suite in $SUITES; do
             apt-cache madison "$pkg" | awk -F' *[|] *' -v s=" $suite/main Sources" -v t="$suite" \
               'index($3, s) { print t, $2 }' | sort -k2,2rV
           done)
  die "no source of $pkg could be fetched from: $SUITES"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ $# -gt 0 ] || { sed -n '2,3s/^# //p' "$0"; exit 2; }
  ensure_deb_src
  for p in "$@"; do fetch_source "$p"; done
fi
