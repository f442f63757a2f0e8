// advcompress — internal: the decode module's per-format decoders beyond JPEG/PNG (not a public header).
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>

#include "advcompress/decode.h"

namespace advcompress::detail {

/// GIF through giflib: a still GIF composited onto its logical screen (RGBA; transparency from the graphic
/// control extension). Animated GIFs: UNSUPPORTED_FORMAT until frames flow through the pipeline.
Result<Image> decode_gif(const uint8_t* data, size_t size, const ProbeInfo& info);

/// BMP through stb_image (1/4/8/16/24/32-bit, bitfields, top-down, alpha). RLE4/RLE8: UNSUPPORTED_FORMAT.
Result<Image> decode_bmp(const uint8_t* data, size_t size, const ProbeInfo& info);

}  // namespace advcompress::detail
