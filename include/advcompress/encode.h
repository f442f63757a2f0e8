// advcompress — encoders. Each lives in its own translation unit so that a module links only its codec:
// encode_heif() is compiled against libheif (HEVC via x265 in the HEIC module, AV1 via libaom in the AVIF module),
// encode_webp() against libwebp.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

#include "advcompress/image.h"
#include "advcompress/options.h"
#include "advcompress/result.h"

namespace advcompress {

/// An encoded file.
struct Encoded {
  std::vector<uint8_t> data;  ///< the file's bytes
  uint32_t width = 0;         ///< pixels
  uint32_t height = 0;        ///< pixels
  uint8_t bit_depth = 8;      ///< coded bit depth
};

/// Checks what every encoder checks first: options valid, output sides <= limits.max_output_side
/// (OUTPUT_TOO_LARGE), image well-formed (INVALID_OPTION for a bad pixel buffer).
Status check_encode_input(const Image& image, const EncodeOptions& options, const Limits& limits);

/// HEIF with HEVC (options.format == kHeic) or AVIF (kAvif) through libheif. Errors: INVALID_OPTION,
/// OUTPUT_TOO_LARGE, ENCODER_ERROR (subcode: libheif's suberror; also when this module was built without the
/// requested codec), OUT_OF_MEMORY.
Result<Encoded> encode_heif(const Image& image, const EncodeOptions& options, const Limits& limits = Limits{});

/// WebP through libwebp (lossy or lossless; ICC/EXIF/XMP through libwebpmux). Errors as encode_heif();
/// OUTPUT_TOO_LARGE also above WebP's own 16383 px limit.
Result<Encoded> encode_webp(const Image& image, const EncodeOptions& options, const Limits& limits = Limits{});

}  // namespace advcompress
