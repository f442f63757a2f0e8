// advcompress — entry point of the AVIF module (libheif + libaom).
// SPDX-License-Identifier: MIT
#include <libheif/heif.h>

#include "advcompress/encode.h"
#include "encoder_entry.h"

using namespace emscripten;

/// codecInfo() -> {module: "avif", libheif: "1.19.8"}
static val codec_info() { return advcompress::bind::codec_info_value("avif", "libheif", heif_get_version()); }

EMSCRIPTEN_BINDINGS(advcompress_avif) {
  /// encode(pixels: Uint8Array, info: PixelInfo, options: EncodeOptions, limits?: Limits)
  ///   -> {data: Uint8Array, width, height, bitDepth} | {error: {code, subcode, message}}.
  /// AVIF (HEIF with AV1 by libaom); options.format must be "avif".
  function("encode", &advcompress::bind::encode_entry<advcompress::encode_heif>);
  /// decode(bytes: Uint8Array, limits?: Limits) -> {data, width, height, channels, bytesPerSample, ...} | {error}:
  /// the primary image of a HEIF file coded in AV1 (previews of what encode() wrote).
  function("decode", &advcompress::bind::decode_entry<advcompress::decode_heif>);
  function("codecInfo", &codec_info);
}
