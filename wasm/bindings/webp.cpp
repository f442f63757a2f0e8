// advcompress — entry point of the WebP module (libwebp + libwebpmux).
// SPDX-License-Identifier: MIT
#include <webp/encode.h>

#include "advcompress/encode.h"
#include "encoder_entry.h"

using namespace emscripten;

/// codecInfo() -> {module: "webp", libwebp: "1.5.0"}
static val codec_info() {
  const int v = WebPGetEncoderVersion();
  return advcompress::bind::codec_info_value(
      "webp", "libwebp", std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 0xff) + "." + std::to_string(v & 0xff));
}

EMSCRIPTEN_BINDINGS(advcompress_webp) {
  /// encode(pixels: Uint8Array, info: PixelInfo, options: EncodeOptions, limits?: Limits)
  ///   -> {data: Uint8Array, width, height, bitDepth, quality (0-100, the one used), frameCount: 1}
  ///   | {error: {code, subcode, message}}.
  /// WebP (lossy or lossless, method 6 by default); options.format must be "webp".
  function("encode", advcompress::bind::encode_image_entry<advcompress::encode_webp>);
  /// decode(bytes: Uint8Array, limits?: Limits) -> {data, width, height, channels, bytesPerSample, ...} | {error}:
  /// a WebP's image (an animation: its first frame), for previews and quality figures of what encode() wrote.
  function("decode", advcompress::bind::decode_entry<advcompress::decode_webp>);
  /// encodeFrames(frames: Array<pixels & PixelInfo>, animation: {durations?, loopCount?, primaryIndex?}, options,
  ///   limits?) -> {data, width, height, bitDepth, quality, frameCount} | {error}: an animated WebP keeping
  ///   durations and loop count.
  function("encodeFrames", advcompress::bind::encode_frames_entry<advcompress::encode_webp_frames>);
  /// decodeFrames(bytes: Uint8Array, limits?: Limits) -> {frames, durations, loopCount, primaryIndex} | {error}:
  /// every frame of a WebP (an animation composited by libwebp demux), durations, loop count, metadata.
  function("decodeFrames", advcompress::bind::decode_frames_entry<advcompress::decode_webp_frames>);
  function("codecInfo", &codec_info);
}
