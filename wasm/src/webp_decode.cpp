// advcompress — WebP decoding (still images) with libwebp's decoder, in the WebP module: previews and quality
// figures of what encode_webp() wrote. The decode module's WebP input path (animation, metadata) is issue 3's.
// SPDX-License-Identifier: MIT
#include <webp/decode.h>

#include <new>
#include <string>

#include "advcompress/decode.h"

namespace advcompress {

Result<Image> decode_webp(const uint8_t* data, size_t size, const Limits& limits) try {
  if (size > limits.max_input_bytes)
    return fail(ErrorCode::kInputTooLarge, "input is " + std::to_string(size) + " bytes; the limit is " +
                                               std::to_string(limits.max_input_bytes) + " bytes");
  WebPBitstreamFeatures f;
  const VP8StatusCode st = WebPGetFeatures(data, size, &f);
  if (st == VP8_STATUS_NOT_ENOUGH_DATA) return fail(ErrorCode::kCorruptInput, "WebP is truncated in its headers");
  if (st != VP8_STATUS_OK) return fail(ErrorCode::kCorruptInput, "not a valid WebP (libwebp status " + std::to_string(int(st)) + ")");
  if (f.has_animation) return fail(ErrorCode::kUnsupportedFormat, "animated WebP input is not supported yet");
  const uint32_t w = uint32_t(f.width), h = uint32_t(f.height);
  if (w > limits.max_side || h > limits.max_side || uint64_t(w) * h > limits.max_pixels)
    return fail(ErrorCode::kDimensionsTooLarge, "WebP is " + std::to_string(w) + "x" + std::to_string(h) +
                                                    " px; the limits are " + std::to_string(limits.max_side) +
                                                    " px per side and " + std::to_string(limits.max_pixels) + " pixels");
  Image out;
  out.width = w;
  out.height = h;
  out.channels = f.has_alpha ? 4 : 3;
  out.data.resize(out.row_bytes() * h);
  const bool ok = f.has_alpha
      ? WebPDecodeRGBAInto(data, size, out.data.data(), out.data.size(), int(out.row_bytes())) != nullptr
      : WebPDecodeRGBInto(data, size, out.data.data(), out.data.size(), int(out.row_bytes())) != nullptr;
  if (!ok) return fail(ErrorCode::kCorruptInput, "WebP image data is damaged or truncated");
  return out;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory decoding the WebP image");
}

}  // namespace advcompress
