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
  ///   -> {data: Uint8Array, width, height, bitDepth, quality (0-100, the one used), frameCount: 1}
  ///   | {error: {code, subcode, message}}.
  /// AVIF (HEIF with AV1 by libaom); options.format must be "avif".
  function("encode", advcompress::bind::encode_image_entry<advcompress::encode_heif>);
  /// decode(bytes: Uint8Array, limits?: Limits) -> {data, width, height, channels, bytesPerSample, ...} | {error}:
  /// the primary image of a HEIF file coded in AV1 (previews of what encode() wrote).
  function("decode", advcompress::bind::decode_entry<advcompress::decode_heif>);
  /// encodeFrames(frames: Array<pixels & PixelInfo>, animation: {durations?, loopCount?, primaryIndex?}, options,
  ///   limits?) -> {data, width, height, bitDepth, quality, frameCount} | {error}: a multi-image AVIF,
  ///   frames.primaryIndex the primary image.
  function("encodeFrames", advcompress::bind::encode_frames_entry<advcompress::encode_heif_frames>);
  /// decodeFrames(bytes: Uint8Array, limits?: Limits) -> {frames, durations, loopCount, primaryIndex} | {error}:
  /// every top-level image of an AVIF file, with its metadata and the primary index.
  function("decodeFrames", advcompress::bind::decode_frames_entry<advcompress::decode_heif_frames>);
  /// probe(bytes: Uint8Array, limits?: Limits) -> {format: "heif"|"avif", width, height, frameCount, bitDepth,
  ///   hasAlpha, orientation} | {error}: HEIF/AVIF headers read by libheif, limits checked, nothing decoded.
  function("probe", advcompress::bind::probe_heif_entry);
  function("codecInfo", &codec_info);
}
