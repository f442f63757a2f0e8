# Shared by the scripts under scripts/ (sourced, not run). Paths, logging, and the apt helpers.
# ADVCOMPRESS_CACHE: where dependency sources, builds and sysroots live (outside the clone, so a fresh clone
# reuses them); default ~/.cache/advcompress.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${ADVCOMPRESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/advcompress}
JOBS=${ADVCOMPRESS_JOBS:-$(nproc)}
export DEBIAN_FRONTEND=noninteractive
# Debian's emcc/em++/emcmake run "${EMSDK_PYTHON:-python3}", i.e. the first python3 on PATH. Where that is a version
# manager's shim (pyenv on these machines), every compiler call pays for the shim: 1.36 s against 0.69 s per emcc
# call on a one-line file here, minutes over a dependency build. Debian's emscripten package depends on Debian's
# python3, so use it; an EMSDK_PYTHON set by the caller wins.
if [ -z "${EMSDK_PYTHON:-}" ] && [ -x /usr/bin/python3 ]; then export EMSDK_PYTHON=/usr/bin/python3; fi

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
# TMP_PATHS: partial downloads and half-unpacked trees of the running step; removed when the script exits (a
# finished step moves its result into place first, so only a failed or interrupted one leaves anything here).
TMP_PATHS=()
cleanup_tmp_paths() { local p; for p in "${TMP_PATHS[@]}"; do case $p in *.tmp|*.part) rm -rf -- "$p" ;; esac; done; }
trap cleanup_tmp_paths EXIT
trap "exit 130" INT TERM   # (so that an interrupted run cleans up too)
APT=(apt-get -q -o DPkg::Lock::Timeout=300)

# emcc_version: sets EMCC_VERSION to the first line of `emcc --version` (stage and module cache keys), or dies.
# (Read whole, then cut: `emcc --version | head -1` under pipefail fails about one time in four, when head closes the
# pipe while emcc is still writing and emcc exits with BrokenPipeError.)
emcc_version() {
  local v
  v=$(emcc --version 2>/dev/null) || die "emcc not found or not working: run scripts/setup.sh"
  EMCC_VERSION=${v%%$'\n'*}
}

# as_root CMD...: run as root (directly when we are root, else through sudo).
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# apt_install PKG...: install the packages that are not installed yet (no upgrades, no recommends).
apt_install() {
  local missing=() p
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  as_root "${APT[@]}" update >/dev/null || as_root "${APT[@]}" update
  as_root "${APT[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null
}

# run_logged LOGFILE CMD...: run quietly into LOGFILE; on failure show its tail and fail.
run_logged() {
  local logf=$1; shift
  mkdir -p "$(dirname "$logf")"
  if ! "$@" >"$logf" 2>&1; then tail -40 "$logf" >&2; die "failed: $* (log: $logf)"; fi
}

# bench_photos: the shell benchmarks' photos, sets P12 and P2: the 12 MP Elephants photo (4608x2592, made once in
# $CACHE/bench by scripts/bench-photos.mjs, which the Node benchmarks use too) and Storm.jpg (1920x1280, 2.5 MP,
# Canon EOS 400D), both from Debian's mate-backgrounds.
bench_photos() {
  P2=/usr/share/backgrounds/mate/nature/Storm.jpg
  P12=$(ADVCOMPRESS_CACHE=$CACHE node --input-type=module -e \
    "import { elephants } from '$ROOT/scripts/bench-photos.mjs'; console.log(elephants(4608, 2592));")
}
