// advcompress — checks shared by every encoder.
// SPDX-License-Identifier: MIT
#include <string>

#include "advcompress/encode.h"

namespace advcompress {

Status check_encode_input(const Image& image, const EncodeOptions& options, const Limits& limits) {
  if (auto s = validate_options(options); !s) return s;
  if (auto s = validate_limits(limits); !s) return s;
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
  const uint32_t side = image.width > image.height ? image.width : image.height;
  if (side > limits.max_output_side)
    return fail(ErrorCode::kOutputTooLarge,
                "output would be " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                    " px; each side must be at most " + std::to_string(limits.max_output_side) +
                    " px (the seeds' output limit; scale the image down first)");
  return Ok{};
}

}  // namespace advcompress
