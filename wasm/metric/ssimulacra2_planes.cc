// advcompress — ssimulacra2_planes.h over libjxl 0.11's SSIMULACRA2: each image is an sRGB ImageBundle, as
// libjxl's ssimulacra2 tool makes of an 8- or 16-bit sRGB PNG, and the score is libjxl's own
// (tools/ssimulacra2.cc, unchanged: ComputeSSIMULACRA2 converts to linear sRGB, then XYB).
// SPDX-License-Identifier: MIT
#include "ssimulacra2_planes.h"

#include <memory>
#include <new>
#include <utility>

#include "lib/jxl/color_encoding_internal.h"
#include "lib/jxl/image.h"
#include "lib/jxl/image_bundle.h"
#include "lib/jxl/image_metadata.h"
#include "tools/no_memory_manager.h"
#include "tools/ssimulacra2.h"

struct AdvcompressSsimImage {
  jxl::ImageMetadata metadata;
  jxl::ImageBundle bundle;
  AdvcompressSsimImage() : bundle(jpegxl::tools::NoMemoryManager(), &metadata) {}
};

extern "C" AdvcompressSsimImage* advcompress_ssim_image_new(uint32_t width, uint32_t height) {
  std::unique_ptr<AdvcompressSsimImage> image(new (std::nothrow) AdvcompressSsimImage());
  if (!image || width == 0 || height == 0) return nullptr;
  image->metadata.SetFloat32Samples();
  image->metadata.color_encoding = jxl::ColorEncoding::SRGB(false);
  auto planes = jxl::Image3F::Create(jpegxl::tools::NoMemoryManager(), width, height);
  if (!planes.ok()) return nullptr;
  if (!image->bundle.SetFromImage(std::move(planes).value_(), jxl::ColorEncoding::SRGB(false))) return nullptr;
  return image.release();
}

extern "C" float* advcompress_ssim_image_row(AdvcompressSsimImage* image, int c, uint32_t y) {
  return image->bundle.color()->PlaneRow(c, y);
}

extern "C" void advcompress_ssim_image_free(AdvcompressSsimImage* image) { delete image; }

extern "C" int advcompress_ssim_score(const AdvcompressSsimImage* original, const AdvcompressSsimImage* distorted,
                                      double* score) {
  const jxl::ImageBundle& a = original->bundle;
  const jxl::ImageBundle& b = distorted->bundle;
  if (a.xsize() != b.xsize() || a.ysize() != b.ysize() || a.xsize() < 8 || a.ysize() < 8) return -1;
  auto m = ComputeSSIMULACRA2(a, b);
  if (!m.ok()) return -2;
  *score = std::move(m).value_().Score();
  return 0;
}
