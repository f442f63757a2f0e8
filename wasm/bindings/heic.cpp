// advcompress — entry point of the HEIC module (libheif + x265 + libde265).
// SPDX-License-Identifier: GPL-2.0-or-later
// This module links x265, which is licensed under the GNU GPL version 2 or later; the module as a whole is
// therefore distributed under the GPL (see NOTICE). It is only reachable through the `advcompress/heic` entry point.
#include <libheif/heif.h>

#include "advcompress/encode.h"
#include "encoder_entry.h"

using namespace emscripten;

/// codecInfo() -> {module: "heic", libheif: "1.19.8"}
static val codec_info() { return advcompress::bind::codec_info_value("heic", "libheif", heif_get_version()); }

EMSCRIPTEN_BINDINGS(advcompress_heic) {
  /// encode(pixels: Uint8Array, info: PixelInfo, options: EncodeOptions, limits?: Limits)
  ///   -> {data: Uint8Array, width, height, bitDepth} | {error: {code, subcode, message}}.
  /// HEIF with HEVC; options.format must be "heic".
  function("encode", &advcompress::bind::encode_entry<advcompress::encode_heif>);
  /// decode(bytes: Uint8Array, limits?: Limits) -> {data, width, height, channels, bytesPerSample, ...} | {error}:
  /// the primary image of a HEIF file coded in HEVC (previews of what encode() wrote).
  function("decode", &advcompress::bind::decode_entry<advcompress::decode_heif>);
  function("codecInfo", &codec_info);
}
