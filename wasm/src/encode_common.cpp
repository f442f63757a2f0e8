// advcompress — checks shared by every encoder.
// SPDX-License-Identifier: MIT
#include <string>

#include "advcompress/encode.h"
#include "advcompress/resize.h"

namespace advcompress {

Status check_pixels(const Image& image) {
  if (image.width == 0 || image.height == 0)
    return fail(ErrorCode::kInvalidOption, "image has no pixels (width and height must be > 0)");
  if (image.channels != 3 && image.channels != 4)
    return fail(ErrorCode::kInvalidOption,
                "Expected 3 (RGB) or 4 (RGBA) channels but received " + std::to_string(image.channels));
  if (image.bytes_per_sample != 1 && image.bytes_per_sample != 2)
    return fail(ErrorCode::kInvalidOption, "Expected 1 or 2 bytes per sample but received " +
                                               std::to_string(image.bytes_per_sample));
  if (image.data.size() != image.row_bytes() * image.height)
    return fail(ErrorCode::kInvalidOption, "pixel buffer is " + std::to_string(image.data.size()) +
                                               " bytes; " + std::to_string(image.width) + "x" +
                                               std::to_string(image.height) + " needs " +
                                               std::to_string(image.row_bytes() * image.height));
  return Ok{};
}

Status check_encode_input(const Image& image, const EncodeOptions& options, const Limits& limits) {
  if (auto s = validate_options(options); !s) return s;
  if (auto s = validate_limits(limits); !s) return s;
  if (auto s = check_pixels(image); !s) return s;
  return check_output_side(image.width, image.height, limits);
}

}  // namespace advcompress
