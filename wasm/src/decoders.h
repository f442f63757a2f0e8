// advcompress — internal: the decode module's per-format decoders beyond JPEG/PNG (not a public header).
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>

#include "advcompress/decode.h"

namespace advcompress::detail {

/// GIF through giflib: the first `max_frames` frames composited onto the logical screen (RGBA), with delays and
/// loop count (see decode_frames() in decode.h); `durations_ms` is empty for a still GIF. probe() has checked the
/// limits from the same block structure first (`info`); a file giflib reads as more frames than that walk counted
/// is CORRUPT_INPUT, never frames past the limits.
Result<Frames> decode_gif(const uint8_t* data, size_t size, const ProbeInfo& info, uint32_t max_frames);

/// BMP through stb_image (1/4/8/16/24/32-bit, bitfields, top-down, alpha) or, for RLE4/RLE8, libnsbmp (pixels an RLE
/// delta skips are transparent). Errors: CORRUPT_INPUT (truncated or damaged), OUT_OF_MEMORY.
Result<Image> decode_bmp(const uint8_t* data, size_t size, const ProbeInfo& info);

}  // namespace advcompress::detail
