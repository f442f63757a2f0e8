#!/usr/bin/env bash
# Usage: scripts/update-sources.sh PKG[=VERSION]...
# Moves scripts/sources.lock to another version of each Debian source package PKG: the newest version that the
# Debian index lists for trixie (or exactly VERSION, which may also be an older revision that the archive's pool
# still serves although the index has moved on), then downloads its files, checks them and rewrites PKG's rows.
# Reports each version change; then run the tests (bash scripts/test.sh) before committing the lock.
#
# Only this script reads the index, in a private apt state under $CACHE/apt-index (the machine's apt configuration
# is neither changed nor updated): deb-src entries for $ADVCOMPRESS_UPDATE_SUITES (default: trixie trixie-updates
# trixie-security bookworm bookworm-updates bookworm-security) with the archive URIs the machine's apt already names.
# Which files are locked: the archive served here is partial, so only files that answer a HEAD request are taken;
# the .dsc only when it and every file it lists are served (else fetch-sources.sh unpacks the orig and Debian
# tarballs by hand); for firefox-esr only the orig tarball (its test images; the 100 l10n tarballs are not used).
# Hashes come from the signed index (apt verifies the download against them); for a version the index no longer
# lists, from the served .dsc's Checksums-Sha256 (the .dsc's own hash is the one of the bytes served now).
# Header-only libraries whose sources the archive does not serve are locked as their arch-all binary package
# (BINARY below: simde -> libsimde-dev): the newest trixie version of that package, file and SHA-256 from the signed
# binary index.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$ROOT/scripts/fetch-sources.sh"
SUITES=${ADVCOMPRESS_UPDATE_SUITES:-trixie trixie-updates trixie-security bookworm bookworm-updates bookworm-security}
declare -A ONLY=([firefox-esr]='\.orig\.tar\.xz$')
declare -A BINARY=([simde]=libsimde-dev)

[ $# -gt 0 ] || { sed -n '2,6s/^# \{0,1\}//p' "$0"; exit 2; }

# The private index (refreshed on every run: finding what is current is this script's whole purpose).
IDX="$CACHE/apt-index"
archive_uri; base=$ARCHIVE_URI
security=$(apt-get indextargets --format '$(REPO_URI)' 2>/dev/null | grep -m1 -- '-security' || true)
security=${security:-${base%/}-security/}
rm -rf "$IDX"; mkdir -p "$IDX/state/lists/partial" "$IDX/cache/archives/partial" "$IDX/empty"
for s in $SUITES; do
  u=$base; [[ $s == *-security ]] && u=$security
  printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$u" "$s"
  # (binary indices only when a BINARY package is asked for: they are large)
  for a in "$@"; do
    if [ -n "${BINARY[${a%%=*}]:-}" ]; then
      printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$u" "$s"; break
    fi
  done
done > "$IDX/sources.list"
APT_IDX=(-o Dir::State="$IDX/state" -o Dir::Cache="$IDX/cache" -o Dir::Etc::SourceList="$IDX/sources.list"
         -o Dir::Etc::SourceParts=/dev/null -o Debug::NoLocking=1 -o Dir::State::status=/dev/null)
log "reading the Debian index ($SUITES)"
run_logged "$IDX/update.log" apt-get "${APT_IDX[@]}" update

# served URL: 0 when a HEAD request for URL answers 200 (http_head, as the lock's check does).
served() { [ "$(http_head "$1" | cut -d' ' -f1)" = 200 ]; }

# pool_dir PKG: pool/main/<l or libX>/<PKG>.
pool_dir() { local p=$1 pre=${1:0:1}; [[ $p == lib* ]] && pre=${p:0:4}; printf 'pool/main/%s/%s\n' "$pre" "$p"; }

# candidates PKG VERSION: "url file size sha256" per file of PKG=VERSION, from the index, else from the pool's .dsc.
candidates() {
  local pkg=$1 ver=$2 dir dsc url
  local uris
  uris=$(cd "$IDX/empty" && apt-get "${APT_IDX[@]}" source -qq --print-uris "$pkg=$ver" 2>/dev/null | grep "^'" || true)
  if [ -n "$uris" ]; then
    sed -E "s/^'([^']*)' ([^ ]+) ([0-9]+) SHA256:([0-9a-f]+)$/\1 \2 \3 \4/" <<<"$uris"; return 0
  fi
  # not in the index: the .dsc in the pool names the files and their hashes
  dir=$(pool_dir "$pkg"); dsc="${pkg}_${ver#*:}.dsc"; url="$base$(urlencode_path "$dir/$dsc")"
  log "$pkg $ver is not in the index; reading $url"
  curl -sf --max-time 60 -o "$IDX/$dsc" "$url" || die "$pkg $ver: neither the index nor the pool has it ($url)"
  printf '%s %s %s %s\n' "$url" "$dsc" "$(stat -c %s "$IDX/$dsc")" "$(sha256sum < "$IDX/$dsc" | cut -d' ' -f1)"
  awk '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF == 3 { print $1, $2, $3 }' "$IDX/$dsc" \
    | while read -r sha size file; do printf '%s %s %s %s\n' "$base$(urlencode_path "$dir/$file")" "$file" "$size" "$sha"; done
}

new_rows=$(mktemp); trap 'rm -f "$new_rows"; cleanup_tmp_paths' EXIT
for arg in "$@"; do
  pkg=${arg%%=*} ver=''; [ "$arg" != "$pkg" ] && ver=${arg#*=}
  old=$(awk -F'\t' -v p="$pkg" '!/^#/ && $1 == p { print $2; exit }' "$LOCK")
  if [ -n "${BINARY[$pkg]:-}" ]; then   # locked as its arch-all binary package
    bin=${BINARY[$pkg]}
    if [ -z "$ver" ]; then
      ver=$(apt-cache "${APT_IDX[@]}" madison "$bin" | awk -F' *[|] *' '$3 ~ / trixie[-a-z]*\/main / { print $2 }' \
            | sort -urV | head -1)
      [ -n "$ver" ] || die "$pkg: the index lists no trixie version of $bin"
    fi
    info=$(apt-cache "${APT_IDX[@]}" show "$bin=$ver" 2>/dev/null || true)
    path=$(awk '/^Filename:/ { print $2; exit }' <<<"$info"); size=$(awk '/^Size:/ { print $2; exit }' <<<"$info")
    sha=$(awk '/^SHA256:/ { print $2; exit }' <<<"$info")
    [ -n "$path" ] && [ -n "$size" ] && [ -n "$sha" ] || die "$pkg: the index has no $bin $ver"
    served "$base$(urlencode_path "$path")" || die "$pkg $ver: $path is not served"
    fetch_file "$pkg" "$ver" "${path##*/}" "$size" "$sha" "${path%/*}"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$pkg" "$ver" "${path##*/}" "$size" "$sha" "${path%/*}" >> "$new_rows"
    if [ "$old" = "$ver" ]; then log "$pkg: $ver unchanged ($bin)"; else log "$pkg: ${old:-(not locked)} -> $ver ($bin)"; fi
    continue
  fi
  if [ -z "$ver" ]; then   # the newest trixie version of the index whose orig tarball is served
    for v in $(apt-cache "${APT_IDX[@]}" madison "$pkg" | awk -F' *[|] *' '$3 ~ / trixie[-a-z]*\/main Sources$/ { print $2 }' \
               | sort -urV); do
      orig=$(candidates "$pkg" "$v" | awk '$2 ~ /\.orig\.tar\.[a-z0-9]+$/ { print $1; exit }')
      if [ -n "$orig" ] && served "$orig"; then ver=$v; break; fi
      log "$pkg $v: the index lists it but its orig tarball is not served; trying an older one"
    done
    [ -n "$ver" ] || die "$pkg: no trixie version in the index whose orig tarball is served; name one: $pkg=VERSION"
  fi
  # which files are served
  all=$(candidates "$pkg" "$ver")
  [ -n "$all" ] || die "$pkg $ver: no files"
  ok=() missing=()
  while read -r url file size sha; do
    if served "$url"; then ok+=("$url $file $size $sha"); else missing+=("$file"); fi
  done <<<"$all"
  keep_dsc=1; [ ${#missing[@]} -eq 0 ] || keep_dsc=0
  [ ${#missing[@]} -eq 0 ] || log "$pkg $ver: not served: ${missing[*]} (so no .dsc in the lock: unpacked by hand)"
  n=0
  for row in "${ok[@]}"; do
    read -r url file size sha <<<"$row"
    if [ "$keep_dsc" = 0 ]; then case $file in *.dsc|*.asc) continue ;; esac; fi
    [ -z "${ONLY[$pkg]:-}" ] || grep -qE -- "${ONLY[$pkg]}" <<<"$file" || continue
    dir=${url#"$base"}; dir=${dir%/*}
    # downloaded and checked as a build will (fills the cache too)
    fetch_file "$pkg" "$ver" "$file" "$size" "$sha" "$dir"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$pkg" "$ver" "$file" "$size" "$sha" "$dir" >> "$new_rows"
    n=$((n + 1))
  done
  grep -qP "^\Q$pkg\E\t.*\.orig\.tar\.[a-z0-9]+\t" "$new_rows" || die "$pkg $ver: its orig tarball is not served"
  if [ "$old" = "$ver" ]; then log "$pkg: $ver unchanged ($n files)"; else log "$pkg: ${old:-(not locked)} -> $ver ($n files)"; fi
done

# rewrite: each package's new rows where its old ones were (new packages at the end), comments kept
tmp="$LOCK.tmp"; TMP_PATHS+=("$tmp")
awk -F'\t' 'FNR == NR { rows[$1] = rows[$1] $0 "\n"; if (!($1 in seen)) { order[++n] = $1; seen[$1] = 1 }; next }
  /^#/ || NF < 6 { print; next }
  ($1 in rows) { if (!done[$1]++) printf "%s", rows[$1]; next }
  { print }
  END { for (i = 1; i <= n; i++) if (!done[order[i]]) printf "%s", rows[order[i]] }' "$new_rows" "$LOCK" > "$tmp"
mv "$tmp" "$LOCK"
log "wrote $LOCK; now run the tests (bash scripts/test.sh) and commit the lock with what they needed"
