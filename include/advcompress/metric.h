// advcompress — perceptual distance between two images: SSIMULACRA2, computed by libjxl's own implementation.
// SPDX-License-Identifier: MIT
#pragma once
#include "advcompress/image.h"
#include "advcompress/result.h"

namespace advcompress {

/// SSIMULACRA2 of `distorted` against `original`, as libjxl 0.11's `ssimulacra2` tool computes it
/// (tools/ssimulacra2.cc, Jon Sneyers 2022): 100 = identical, ~90 visually lossless at 1:1, ~80 high quality,
/// ~70 medium, ~50 low; it can go below 0.
/// Both images are 8- or 16-bit RGB/RGBA (`Image`) read as sRGB (an ICC profile is not applied: compare images that
/// share one), of the same size, each side at least 8 pixels. Alpha is handled as the tool does: when `original`
/// has an alpha channel, both are blended onto a dark (0.1) and a bright (0.9) grey and the lower score is
/// returned; otherwise an alpha channel of `distorted` is blended onto 0.5 grey.
/// Memory: about 13 float images of the size at once (~160 bytes per pixel: ~1.9 GB at 12 MP).
/// Errors: INVALID_OPTION when the sizes differ, a side is under 8 pixels or a buffer does not hold its pixels;
/// OUT_OF_MEMORY when the float images cannot be allocated.
Result<double> ssimulacra2(const Image& original, const Image& distorted);

}  // namespace advcompress
