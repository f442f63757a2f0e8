#!/usr/bin/env bash
# Usage: scripts/build-deps.sh [VARIANT...]      (VARIANT: baseline | simd; default: both, or $ADVCOMPRESS_VARIANTS)
#
# Builds the third-party codecs as static WebAssembly libraries with Emscripten, from the Debian source packages
# pinned in scripts/sources.lock (scripts/fetch-sources.sh), into one sysroot per variant:
# $CACHE/sysroot/<variant>/{include,lib,...}, plus per-flavour libheif prefixes ($SYSROOT/libheif-heic with x265 +
# libde265, $SYSROOT/libheif-avif with libaom), so the AVIF module never links x265. Writes $SYSROOT/manifest.tsv:
# stage, Debian source package, its locked version, build key, flags.
#
# Every stage is skipped when its stamp ($SYSROOT/.stamps/<stage>) holds the same key: a hash of the package
# version, our patches, the flags, the compiler version and the keys of the stages it links against. So a warm
# cache rebuilds nothing, and changing one flag rebuilds that library and what depends on it.
#
# Variants (one configuration, differing only in these flags; ARCHITECTURE.md, "Principles", 7):
#   baseline  -O3                           wasm MVP + the features Emscripten 3.1.6 enables by default
#   simd      -O3 -msimd128                 auto-vectorised; plus the x86 SSE2..SSE4.1 intrinsics of libwebp and
#                                           libaom through Emscripten's SSE headers (-> wasm SIMD). (libde265's SSE
#                                           code is gated on __i386__/__x86_64 and stays off: it only decodes.)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$ROOT/scripts/fetch-sources.sh"
export NODE_PATH=/usr/share/nodejs   # Debian's emcc needs acorn & co from here (ARCHITECTURE.md, "Toolchain facts")

VARIANTS=${*:-${ADVCOMPRESS_VARIANTS:-baseline simd}}
emcc_version

# The Debian source packages built; their versions and files are those of scripts/sources.lock.
PACKAGES="zlib libpng1.6 libjpeg-turbo libwebp libde265 aom simde x265 libheif libstb giflib netsurf lcms2 highway jpeg-xl"

declare -A SRC VER KEY
for p in $PACKAGES; do
  fetch_source "$p"; VER[$p]=$SRC_VERSION SRC[$p]=$SRC_DIR
done

cmake_common=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=OFF)

# stage NAME PKG DEPS... -- CMAKE_ARGS...: configure + build + install PKG's CMake project (at ${SRC[PKG]}/$SUBDIR)
# into $PREFIX unless the stamp holds the same key. KEY_FILES: files of ours the build reads (their contents join
# the key); INSTALL_BIN: files of the build tree also copied to $PREFIX/bin (programs the project does not install).
stage() {
  local name=$1 pkg=$2; shift 2
  local deps=() ; while [ "$1" != "--" ]; do deps+=("$1"); shift; done; shift
  local depkeys="" d; for d in "${deps[@]}"; do depkeys+="${KEY[$d]}"; done
  local prefix=${PREFIX:-$SYSROOT} sub=${SUBDIR:-}
  local key
  local cflags="$CFLAGS_V${EXTRA_CFLAGS:+ $EXTRA_CFLAGS}"
  local files=(); [ -z "${KEY_FILES:-}" ] || files=("$(cat $KEY_FILES | sha256sum)")
  key=$(printf '%s\n' "$name" "${VER[$pkg]}" "${SRC[$pkg]}" "$EMCC_VERSION" "$cflags" "$prefix" "$depkeys" "$@" \
        "${files[@]}" | sha256sum | cut -c1-16)
  KEY[$name]=$key
  local stamp="$SYSROOT/.stamps/$name"
  if [ "$(cat "$stamp" 2>/dev/null)" = "$key" ]; then log "$VARIANT/$name: up to date ($key)"; else
    local b="$CACHE/build/$VARIANT/$name" t0=$SECONDS
    log "$VARIANT/$name: building ${pkg} ${VER[$pkg]} (log: $b.log)"
    rm -rf "$b"; mkdir -p "$(dirname "$b")"
    if [ "${BUILDER:-cmake}" = headers ]; then   # header-only: the named headers (or directories) into
      mkdir -p "$prefix/include"                 # $prefix/include
      (cd "${SRC[$pkg]}" && cp -r "$@" "$prefix/include/")
    elif [ "${BUILDER:-cmake}" = make ]; then   # a plain Makefile (giflib): "@file:dir" args are installed, the
      cp -a "${SRC[$pkg]}" "$b"                 # others are make targets
      local a targets=() installs=()
      for a in "$@"; do if [ "${a#@}" != "$a" ]; then installs+=("${a#@}"); else targets+=("$a"); fi; done
      (cd "$b" && run_logged "$b.build.log" emmake make -j "$JOBS" CC=emcc AR=emar OFLAGS="$cflags" "${targets[@]}")
      for a in "${installs[@]}"; do mkdir -p "$prefix/${a#*:}"; cp "$b/${a%%:*}" "$prefix/${a#*:}/"; done
    elif [ "${BUILDER:-cmake}" = cc ]; then   # C and C++ (.cc, C++17) files, paths relative to the package (or
      local a o cc objs=() pids=()             # absolute: KEY_FILES of ours), compiled against it and $prefix/include
      mkdir -p "$b" "$prefix/lib" "$prefix/include"   # into lib$name.a ("@header" args are installed first)
      for a in "$@"; do if [ "${a#@}" != "$a" ]; then cp "${SRC[$pkg]}/${a#@}" "$prefix/include/"; fi; done
      for a in "$@"; do
        if [ "${a#@}" != "$a" ]; then continue; fi
        case $a in /*) o=own_$(basename "$a") ;; *) o=${a//\//_} a=${SRC[$pkg]}/$a ;; esac
        objs+=("$b/${o%.*}.o")
        case $a in *.cc) cc=(em++ -std=c++17) ;; *) cc=(emcc) ;; esac
        run_logged "${objs[-1]%.o}.log" "${cc[@]}" $cflags -I"${SRC[$pkg]}" -I"$prefix/include" -c "$a" \
          -o "${objs[-1]}" & pids+=($!)
        if [ ${#pids[@]} -ge "$JOBS" ]; then wait "${pids[0]}" || die "$VARIANT/$name: a compile failed"; pids=("${pids[@]:1}"); fi
      done
      for o in "${pids[@]}"; do wait "$o" || die "$VARIANT/$name: a compile failed"; done
      rm -f "$prefix/lib/lib$name.a"; run_logged "$b.log" emar rcs "$prefix/lib/lib$name.a" "${objs[@]}"
    elif [ "${BUILDER:-cmake}" = configure ]; then   # autoconf-style ./configure, built in a copy of the tree
      cp -a "${SRC[$pkg]}" "$b"
      (cd "$b" && CFLAGS="$cflags" run_logged "$b.log" emconfigure ./configure --prefix="$prefix" "$@" &&
                  run_logged "$b.build.log" emmake make -j "$JOBS" install)
    else
      run_logged "$b.log" emcmake cmake -S "${SRC[$pkg]}/$sub" -B "$b" "${cmake_common[@]}" \
        -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_PREFIX_PATH="$SYSROOT" -DCMAKE_FIND_ROOT_PATH="$SYSROOT;$prefix" \
        -DCMAKE_C_FLAGS="$cflags" -DCMAKE_CXX_FLAGS="$cflags" "$@"
      run_logged "$b.build.log" ninja -C "$b" -j "$JOBS" install
      local f; for f in ${INSTALL_BIN:-}; do mkdir -p "$prefix/bin"; cp "$b/$f" "$prefix/bin/"; done
    fi
    mkdir -p "$SYSROOT/.stamps"; echo "$key" > "$stamp"
    log "$VARIANT/$name: done in $((SECONDS - t0)) s"
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$pkg" "${VER[$pkg]}" "$key" "$cflags $*" >> "$SYSROOT/manifest.tsv.new"
}

for VARIANT in $VARIANTS; do
  SYSROOT="$CACHE/sysroot/$VARIANT"
  case $VARIANT in
    baseline) CFLAGS_V="-O3 -DNDEBUG"; SIMD=OFF; AOM_CPU=(-DAOM_TARGET_CPU=generic) ;;
    # libaom: its SSE2/SSSE3/SSE4.1 intrinsics through Emscripten's SSE headers, .asm dropped (patches/aom/0001);
    # byte-identical output, 1.2-1.75x faster for stills (ALL_INTRA) than generic C. SSE4.2 (crc32) is missing in
    # Emscripten 3.1.6, which also switches AVX/AVX2 off.
    simd)     CFLAGS_V="-O3 -DNDEBUG -msimd128"; SIMD=ON
              AOM_CPU=(-DAOM_TARGET_CPU=x86 -DENABLE_X86_ASM=0 -DENABLE_SSE4_2=0) ;;
    *) die "unknown variant '$VARIANT' (baseline | simd)" ;;
  esac
  mkdir -p "$SYSROOT"; rm -f "$SYSROOT/manifest.tsv.new"
  export PKG_CONFIG_LIBDIR="$SYSROOT/lib/pkgconfig"

  # zlib: its CMakeLists needs win32/zlib1.rc, which Debian's dfsg tarball drops; its own configure script works.
  BUILDER=configure stage zlib zlib -- --static
  BUILDER=headers stage stb libstb -- stb_image_resize2.h stb_image.h
  BUILDER=make stage giflib giflib -- libgif.a @libgif.a:lib @gif_lib.h:include
  # libnsbmp (NetSurf's BMP decoder, MIT; one C file in Debian's netsurf source): RLE4/RLE8 BMPs, which stb_image lacks.
  BUILDER=cc stage nsbmp netsurf -- libnsbmp/src/libnsbmp.c @libnsbmp/include/libnsbmp.h
  stage libpng libpng1.6 zlib -- -DPNG_SHARED=OFF -DPNG_STATIC=ON -DPNG_TESTS=OFF -DPNG_TOOLS=OFF \
    -DPNG_HARDWARE_OPTIMIZATIONS=OFF -DZLIB_ROOT="$SYSROOT"
  # (check_type_size() reads garbage from Emscripten 3.1.6 outputs (size_t -> 9): give CMake the wasm32 answers.)
  stage libjpeg-turbo libjpeg-turbo -- -DHAVE_SIZE_T=TRUE -DSIZE_T=4 -DHAVE_UNSIGNED_LONG=TRUE -DUNSIGNED_LONG=4 \
    -DENABLE_SHARED=OFF -DENABLE_STATIC=ON -DWITH_SIMD=0 -DWITH_TURBOJPEG=OFF \
    -DWITH_JAVA=0
  stage libwebp libwebp -- -DWEBP_ENABLE_SIMD=$SIMD -DWEBP_USE_THREAD=OFF -DWEBP_BUILD_ANIM_UTILS=OFF \
    -DWEBP_BUILD_CWEBP=OFF -DWEBP_BUILD_DWEBP=OFF -DWEBP_BUILD_GIF2WEBP=OFF -DWEBP_BUILD_IMG2WEBP=OFF \
    -DWEBP_BUILD_VWEBP=OFF -DWEBP_BUILD_WEBPINFO=OFF -DWEBP_BUILD_WEBPMUX=OFF -DWEBP_BUILD_EXTRAS=OFF \
    -DWEBP_BUILD_LIBWEBPMUX=ON
  stage libde265 libde265 -- -DENABLE_SDL=OFF -DENABLE_DECODER=OFF -DENABLE_ENCODER=OFF
  stage aom aom -- "${AOM_CPU[@]}" -DCONFIG_RUNTIME_CPU_DETECT=0 -DCONFIG_MULTITHREAD=0 -DENABLE_NASM=0 \
    -DENABLE_DOCS=0 -DENABLE_EXAMPLES=0 -DENABLE_TESTS=0 -DENABLE_TESTDATA=0 -DENABLE_TOOLS=0 -DCONFIG_WEBM_IO=0
  # x265 multilib (as Debian and x265's own multilib.sh): 12- and 10-bit cores without C API, linked into the 8-bit one.
  # simd: the 8-bit core (HEIC's default) also gets x265's AArch64 Neon intrinsics through SIMDe and our
  # wasm/x265/arm_neon.h, plus our wasm/x265/primitives-simd128.cpp (patches/x265/0002; byte-identical output,
  # faster), and x265's TestBench, which checks every one against C (scripts/test.sh runs $SYSROOT/bin/TestBench.js).
  x265_common=(-DEMSCRIPTEN_SYSTEM_PROCESSOR=wasm32 -DENABLE_ASSEMBLY=OFF -DENABLE_CLI=OFF -DENABLE_SHARED=OFF
               -DENABLE_LIBNUMA=OFF -DENABLE_PIC=OFF -DENABLE_HDR10_PLUS=OFF)
  SUBDIR=source PREFIX="$SYSROOT/x265-12" stage x265-12bit x265 -- "${x265_common[@]}" -DHIGH_BIT_DEPTH=ON -DMAIN12=ON \
    -DEXPORT_C_API=OFF
  SUBDIR=source PREFIX="$SYSROOT/x265-10" stage x265-10bit x265 -- "${x265_common[@]}" -DHIGH_BIT_DEPTH=ON \
    -DEXPORT_C_API=OFF
  cp "$SYSROOT/x265-12/lib/libx265.a" "$SYSROOT/lib/libx265_main12.a"
  cp "$SYSROOT/x265-10/lib/libx265.a" "$SYSROOT/lib/libx265_main10.a"
  x265_neon=() neon_deps=() neon_bin='' own_files=''
  if [ "$VARIANT" = simd ]; then
    BUILDER=headers stage simde simde -- usr/include/simde
    # our files the x265 build reads: copied into the cache (so that the build key holds no path of the checkout),
    # their contents join the key (KEY_FILES)
    own="$SYSROOT/advcompress-x265"; mkdir -p "$own"
    own_files="$ROOT/wasm/x265/arm_neon.h $ROOT/wasm/x265/primitives-simd128.cpp $ROOT/wasm/src/x265_sem_stubs.c"
    cp $own_files "$own/"
    neon_deps=(simde) neon_bin="test/TestBench.js test/TestBench.wasm"
    x265_neon=(-DENABLE_WASM_NEON=ON -DWASM_NEON_FLAGS="-I$own -I$SYSROOT/include -mllvm -unroll-threshold=1000"
               -DWASM_EXTRA_SOURCES="$own/primitives-simd128.cpp"
               -DENABLE_TESTS=ON -DTESTBENCH_EXTRA_SOURCES="$own/x265_sem_stubs.c"
               -DCMAKE_EXE_LINKER_FLAGS="-sALLOW_MEMORY_GROWTH=1 -sENVIRONMENT=node -sWASM_ASYNC_COMPILATION=0")
  fi
  KEY_FILES="$own_files" INSTALL_BIN="$neon_bin" \
  SUBDIR=source stage x265 x265 x265-12bit x265-10bit "${neon_deps[@]}" -- "${x265_common[@]}" -DLINKED_10BIT=ON \
    -DLINKED_12BIT=ON -DEXTRA_LIB="$SYSROOT/lib/libx265_main10.a;$SYSROOT/lib/libx265_main12.a" \
    -DEXTRA_LINK_FLAGS=-L"$SYSROOT/lib" "${x265_neon[@]}"
  heif_common=(-DENABLE_PLUGIN_LOADING=OFF -DENABLE_MULTITHREADING_SUPPORT=OFF -DWITH_EXAMPLES=OFF -DBUILD_TESTING=OFF
               -DWITH_GDK_PIXBUF=OFF -DWITH_LIBSHARPYUV=OFF -DWITH_DAV1D=OFF -DWITH_RAV1E=OFF -DWITH_SvtEnc=OFF
               -DWITH_KVAZAAR=OFF -DWITH_OpenH264_DECODER=OFF -DWITH_OpenH264_ENCODER=OFF -DWITH_JPEG_DECODER=OFF
               -DWITH_JPEG_ENCODER=OFF -DWITH_OpenJPEG_DECODER=OFF -DWITH_OpenJPEG_ENCODER=OFF
               -DWITH_FFMPEG_DECODER=OFF -DWITH_OPENJPH_ENCODER=OFF -DWITH_OPENJPH_DECODER=OFF
               -DWITH_UNCOMPRESSED_CODEC=OFF -DWITH_HEADER_COMPRESSION=OFF -DWITH_REDUCED_VISIBILITY=OFF)
  # LIBHEIF_NO_EMBIND (patches/libheif/0001): our modules export only their own functions, not libheif's JS API.
  export EXTRA_CFLAGS=-DLIBHEIF_NO_EMBIND
  PREFIX="$SYSROOT/libheif-heic" stage libheif-heic libheif x265 libde265 -- "${heif_common[@]}" \
    -DWITH_X265=ON -DWITH_LIBDE265=ON -DWITH_AOM_ENCODER=OFF -DWITH_AOM_DECODER=OFF
  PREFIX="$SYSROOT/libheif-avif" stage libheif-avif libheif aom -- "${heif_common[@]}" \
    -DWITH_X265=OFF -DWITH_LIBDE265=OFF -DWITH_AOM_ENCODER=ON -DWITH_AOM_DECODER=ON

  unset EXTRA_CFLAGS

  # The metric module: SSIMULACRA2 as libjxl computes it (tools/ssimulacra2.cc), from the parts of libjxl it needs
  # (not the codec), with Highway (its WASM SIMD128 target in the simd variant, EMU128 in baseline) and Little CMS
  # (libjxl's colour management, linked by the metric although our images reach it already in linear sRGB), plus
  # our wasm/metric/ssimulacra2_planes.cc, the C interface the module calls (it needs libjxl's internal headers).
  BUILDER=cc stage lcms2 lcms2 -- $(cd "${SRC[lcms2]}" && ls src/*.c) @include/lcms2.h @include/lcms2_plugin.h
  BUILDER=cc stage hwy highway -- hwy/abort.cc hwy/aligned_allocator.cc hwy/nanobenchmark.cc hwy/per_target.cc \
    hwy/print.cc hwy/targets.cc hwy/timer.cc
  own="$SYSROOT/advcompress-metric"; rm -rf "$own"; cp -r "$ROOT/wasm/metric" "$own"
  cp "$ROOT/wasm/metric/ssimulacra2_planes.h" "$SYSROOT/include/"
  KEY_FILES="$(echo "$ROOT"/wasm/metric/*.* "$ROOT"/wasm/metric/jxl/*.h)" \
  EXTRA_CFLAGS="-I${SRC[highway]} -I${SRC[jpeg-xl]}/lib/include -I$own" \
  BUILDER=cc stage jxl-metric jpeg-xl lcms2 hwy -- tools/ssimulacra2.cc tools/gauss_blur.cc \
    tools/no_memory_manager.cc lib/jxl/enc_xyb.cc lib/jxl/enc_image_bundle.cc lib/jxl/image_bundle.cc lib/jxl/image.cc \
    lib/jxl/color_encoding_internal.cc lib/jxl/cms/jxl_cms.cc lib/jxl/fields.cc lib/jxl/image_metadata.cc \
    lib/jxl/memory_manager_internal.cc lib/jxl/simd_util.cc lib/jxl/frame_header.cc lib/jxl/jpeg/jpeg_data.cc \
    lib/jxl/headers.cc lib/jxl/loop_filter.cc "$own/ssimulacra2_planes.cc"

  mv "$SYSROOT/manifest.tsv.new" "$SYSROOT/manifest.tsv"
  log "$VARIANT: sysroot $SYSROOT ready (manifest.tsv)"
done
