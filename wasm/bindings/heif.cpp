// advcompress — entry point of the two HEIF modules, built from this one file: `heic` (libheif + x265 + libde265:
// HEIF with HEVC) and `avif` (libheif + libaom: HEIF with AV1). CMake defines ADVCOMPRESS_HEIF_MODULE as "heic"
// or "avif"; the functions are the same, the libheif they link decides the codec.
// SPDX-License-Identifier: MIT (this file). The `heic` module links x265, licensed under the GNU GPL version 2 or
// later, so that module as a whole is distributed under the GPL (see NOTICE); it is only reachable through the
// `advcompress/heic` entry point. The `avif` module stays permissive.
#include <libheif/heif.h>

#include "advcompress/encode.h"
#include "encoder_entry.h"

#ifndef ADVCOMPRESS_HEIF_MODULE
#error "ADVCOMPRESS_HEIF_MODULE must be \"heic\" or \"avif\" (CMakeLists.txt add_module)"
#endif

using namespace emscripten;

/// codecInfo() -> {module: "heic" | "avif", libheif: "1.19.8"}
/// encodeTile(pixels, info: PixelInfo, tileSize: pixels, options, limits?) -> {data: Uint8Array} | {error}: one
/// grid tile as an independent coded image (advcompress::encode_heif_tile); `data` is opaque, for encodeGrid().
static val encode_tile(val pixels, val info, val tile_size, val options, val limits) {
  advcompress::bind::Reader rd;
  const advcompress::EncodeOptions o = rd.options(options);
  const advcompress::Limits l = rd.limits(limits);
  advcompress::Image tile = rd.image(pixels, info);
  if (rd.error) return advcompress::bind::error_value(*rd.error);
  if (!tile_size.isNumber())
    return advcompress::bind::error_value(advcompress::fail(advcompress::ErrorCode::kInvalidOption, "Expected a number for tileSize"));
  auto r = advcompress::encode_heif_tile(tile, uint32_t(tile_size.as<double>()), o, l);
  if (!r) return advcompress::bind::error_value(r.error());
  val out = val::object();
  out.set("data", advcompress::bind::bytes_to(r.value()));
  return out;
}

/// encodeGrid(tiles: Uint8Array[] (encodeTile's data, row by row), grid: {width, height, tileSize (pixels),
///   sourceBitDepth}, meta: {icc?, exif?, xmp?, nclx?} (as PixelInfo), options, limits?)
///   -> {data, width, height, bitDepth, quality, frameCount: 1} | {error}: the grid file (advcompress::encode_heif_grid).
static val encode_grid(val tiles, val grid, val meta, val options, val limits) {
  advcompress::bind::Reader rd;
  const advcompress::EncodeOptions o = rd.options(options);
  const advcompress::Limits l = rd.limits(limits);
  advcompress::GridSpec g;
  g.width = rd.count(grid, "width");
  g.height = rd.count(grid, "height");
  g.tile_size = rd.count(grid, "tileSize");
  g.source_bit_depth = uint8_t(rd.integer(grid, "sourceBitDepth", 8));
  // (the metadata: an Image reader with no pixels)
  const advcompress::Metadata m = rd.image(val::undefined(), meta).meta;
  std::vector<std::vector<uint8_t>> units;
  if (!tiles.isArray()) rd.type_error("tiles", "an array of Uint8Array");
  else
    for (int i = 0, n = tiles["length"].as<int>(); i < n && !rd.error; ++i) units.push_back(rd.bytes(tiles[i], "tiles"));
  if (rd.error) return advcompress::bind::error_value(*rd.error);
  auto r = advcompress::encode_heif_grid(units, g, m, o, l);
  if (!r) return advcompress::bind::error_value(r.error());
  return advcompress::bind::encoded_value(r.value(), o);
}

static val codec_info() {
  return advcompress::bind::codec_info_value(ADVCOMPRESS_HEIF_MODULE, "libheif", heif_get_version());
}

EMSCRIPTEN_BINDINGS(advcompress_heif) {
  /// encode(pixels: Uint8Array, info: PixelInfo, options: EncodeOptions, limits?: Limits)
  ///   -> {data: Uint8Array, width, height, bitDepth, quality (0-100, the one used), frameCount: 1}
  ///   | {error: {code, subcode, message}}.
  /// HEIF with HEVC (heic module; options.format must be "heic") or AV1 (avif module; "avif").
  function("encode", advcompress::bind::encode_image_entry<advcompress::encode_heif>);
  /// decode(bytes: Uint8Array, limits?: Limits) -> {data, width, height, channels, bytesPerSample, ...} | {error}:
  /// the primary image of a HEIF file coded in this module's codec (previews of what encode() wrote).
  function("decode", advcompress::bind::decode_entry<advcompress::decode_heif>);
  /// encodeFrames(frames: Array<pixels & PixelInfo>, animation: {durations?, loopCount?, primaryIndex?}, options,
  ///   limits?) -> {data, width, height, bitDepth, quality, frameCount} | {error}: a multi-image HEIF/AVIF,
  ///   frames.primaryIndex the primary image.
  function("encodeFrames", advcompress::bind::encode_frames_entry<advcompress::encode_heif_frames>);
  /// decodeFrames(bytes: Uint8Array, limits?: Limits) -> {frames, durations, loopCount, primaryIndex} | {error}:
  /// every top-level image of a HEIF file coded in this module's codec, with its metadata and the primary index.
  function("decodeFrames", advcompress::bind::decode_frames_entry<advcompress::decode_heif_frames>);
  /// probe(bytes: Uint8Array, limits?: Limits) -> {format: "heif"|"avif", width, height, frameCount, bitDepth,
  ///   hasAlpha, orientation} | {error}: HEIF/AVIF headers read by libheif, limits checked, nothing decoded.
  function("probe", advcompress::bind::probe_heif_entry);
  function("encodeTile", &encode_tile);
  function("encodeGrid", &encode_grid);
  function("codecInfo", &codec_info);
}
