// advcompress — SSIMULACRA2 (include/advcompress/metric.h): our samples become the float planes that libjxl's
// metric reads (wasm/metric/ssimulacra2_planes.h); the score itself is libjxl's.
// SPDX-License-Identifier: MIT
#include "advcompress/metric.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "advcompress/encode.h"
#include "pixels.h"
#include "ssimulacra2_planes.h"

namespace advcompress {
namespace {

using SsimImage = std::unique_ptr<AdvcompressSsimImage, void (*)(AdvcompressSsimImage*)>;

/// `im` as the planes libjxl's metric reads: samples / 255 (8-bit, the factor libjxl's tool uses for a PNG) or
/// / 65535 (16-bit); an alpha channel blended onto grey `bg` as the tool does (AlphaBlend in tools/ssimulacra2.cc,
/// the same float operations).
Result<SsimImage> to_planes(const Image& im, float bg) {
  SsimImage out(advcompress_ssim_image_new(im.width, im.height), advcompress_ssim_image_free);
  if (!out)
    return fail(ErrorCode::kOutOfMemory, "no memory for SSIMULACRA2's images of " + std::to_string(im.width) + "x" +
                                             std::to_string(im.height));
  const bool deep = im.bytes_per_sample == 2;
  const float scale = 1.f / (deep ? 65535.f : 255.f);
  const auto value = [&](size_t i) { return float(deep ? detail::sample16(im, im.data.data(), i) : im.data[i]) * scale; };
  for (uint32_t y = 0; y < im.height; ++y) {
    float* rows[3] = {advcompress_ssim_image_row(out.get(), 0, y), advcompress_ssim_image_row(out.get(), 1, y),
                      advcompress_ssim_image_row(out.get(), 2, y)};
    size_t i = size_t(y) * im.width * im.channels;
    for (uint32_t x = 0; x < im.width; ++x, i += im.channels) {
      const float a = im.has_alpha() ? value(i + 3) : 1.f;
      for (int c = 0; c < 3; ++c) rows[c][x] = im.has_alpha() ? a * value(i + c) + (1.f - a) * bg : value(i + c);
    }
  }
  return out;
}

Result<double> score(const Image& original, const Image& distorted, float bg) {
  auto a = to_planes(original, bg);
  if (!a) return a.error();
  auto b = to_planes(distorted, bg);
  if (!b) return b.error();
  double s = 0;
  if (advcompress_ssim_score(a.value().get(), b.value().get(), &s) != 0)
    return fail(ErrorCode::kOutOfMemory, "SSIMULACRA2 ran out of memory");
  return s;
}

}  // namespace

Result<double> ssimulacra2(const Image& original, const Image& distorted) {
  if (auto s = check_pixels(original); !s) return fail(s.error().code, "ssimulacra2, original: " + s.error().message);
  if (auto s = check_pixels(distorted); !s) return fail(s.error().code, "ssimulacra2, distorted: " + s.error().message);
  if (original.width != distorted.width || original.height != distorted.height)
    return fail(ErrorCode::kInvalidOption, "ssimulacra2: the images differ in size (" +
                                               std::to_string(original.width) + "x" + std::to_string(original.height) +
                                               " vs " + std::to_string(distorted.width) + "x" +
                                               std::to_string(distorted.height) + ")");
  if (original.width < 8 || original.height < 8)
    return fail(ErrorCode::kInvalidOption, "ssimulacra2: the images are " + std::to_string(original.width) + "x" +
                                               std::to_string(original.height) + "; SSIMULACRA2 needs 8x8 or more");
  if (!original.has_alpha()) return score(original, distorted, 0.5f);
  // As libjxl's tool: the worse of a dark and a bright background.
  auto dark = score(original, distorted, 0.1f);
  if (!dark) return dark.error();
  auto bright = score(original, distorted, 0.9f);
  if (!bright) return bright.error();
  return std::min(dark.value(), bright.value());
}

}  // namespace advcompress
