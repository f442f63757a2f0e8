// advcompress — the C interface to libjxl's SSIMULACRA2 (tools/ssimulacra2.cc) that the metric module links:
// images as float planes of sRGB-encoded samples, filled row by row by the caller (wasm/src/metric.cpp), and the
// score.
// Implemented in ssimulacra2_planes.cc, which is compiled with libjxl's own sources (scripts/build-deps.sh, stage
// jxl-metric) because it needs libjxl's internal headers; nothing else of ours includes those.
// SPDX-License-Identifier: MIT
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An image for the metric: three planes (R, G, B) of sRGB-encoded floats, 0..1 (a sample / 255 or / 65535).
typedef struct AdvcompressSsimImage AdvcompressSsimImage;

/// A new image of width x height pixels (both >= 1), its samples undefined; NULL when out of memory.
AdvcompressSsimImage* advcompress_ssim_image_new(uint32_t width, uint32_t height);
/// Row y (0..height-1) of plane c (0 R, 1 G, 2 B): `width` floats to write.
float* advcompress_ssim_image_row(AdvcompressSsimImage* image, int c, uint32_t y);
/// Frees an image (NULL is fine).
void advcompress_ssim_image_free(AdvcompressSsimImage* image);
/// SSIMULACRA2 of `distorted` against `original` (same size, both sides >= 8 pixels), libjxl's
/// ComputeSSIMULACRA2 + Msssim::Score: 100 = identical, ~90 visually lossless, ~70 medium, can go negative.
/// Returns 0 and sets *score, or -1 when the sizes differ or are under 8, -2 when libjxl fails (out of memory).
int advcompress_ssim_score(const AdvcompressSsimImage* original, const AdvcompressSsimImage* distorted,
                           double* score);

#ifdef __cplusplus
}
#endif
