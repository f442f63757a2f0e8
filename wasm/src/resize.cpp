// advcompress — resampling with stb_image_resize2 (Debian's libstb source; public domain / MIT): a well-kept,
// fuzzed resizer with SSE2/NEON/WASM SIMD paths, alpha-weighted filtering, 8- and 16-bit samples.
// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#include "advcompress/resize.h"

#define STB_IMAGE_RESIZE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_STATIC
#include "stb_image_resize2.h"

namespace advcompress {

namespace {

Error oom(uint64_t bytes) {
  return fail(ErrorCode::kOutOfMemory, "out of memory resizing the image (" + std::to_string(bytes) + " bytes)");
}

// Fills every pixel of `im` with the opaque 0xRRGGBB colour.
void fill(Image& im, uint32_t rgb) {
  const uint16_t c[4] = {uint16_t(rgb >> 16 & 0xFF), uint16_t(rgb >> 8 & 0xFF), uint16_t(rgb & 0xFF), 0xFF};
  const size_t n = size_t(im.width) * im.height;
  if (im.bytes_per_sample == 1) {
    uint8_t* p = im.data.data();
    for (size_t i = 0; i < n; ++i)
      for (unsigned k = 0; k < im.channels; ++k) *p++ = uint8_t(c[k]);
  } else {
    uint16_t px[4];
    for (unsigned k = 0; k < 4; ++k) px[k] = uint16_t(c[k] * 257);
    uint8_t* p = im.data.data();
    for (size_t i = 0; i < n; ++i, p += 2 * im.channels) std::memcpy(p, px, 2 * im.channels);
  }
}

// An empty image of `src`'s sample format (channels, bytes per sample, source bit depth), w x h pixels.
Image shaped_like(const Image& src, uint32_t w, uint32_t h) {
  Image im;
  im.channels = src.channels;
  im.bytes_per_sample = src.bytes_per_sample;
  im.source_bit_depth = src.source_bit_depth;
  im.width = w;
  im.height = h;
  return im;
}

}  // namespace

Result<Image> resize_image(const Image& src, const ResizePlan& plan) {
  if (src.width == 0 || src.height == 0 || (src.channels != 3 && src.channels != 4) ||
      (src.bytes_per_sample != 1 && src.bytes_per_sample != 2) || src.data.size() != src.row_bytes() * src.height)
    return fail(ErrorCode::kInvalidOption, "resize: the source image is malformed");
  if (plan.scaled_width == 0 || plan.scaled_height == 0 || plan.out_width == 0 || plan.out_height == 0)
    return fail(ErrorCode::kInvalidOption, "resize: the plan has an empty size");
  try {
    Image scaled = shaped_like(src, plan.scaled_width, plan.scaled_height);
    if (scaled.width == src.width && scaled.height == src.height) {
      scaled.data = src.data;
    } else {
      scaled.data.resize(scaled.row_bytes() * scaled.height);
      const stbir_pixel_layout layout = src.channels == 4 ? STBIR_RGBA : STBIR_RGB;
      const stbir_datatype type = src.bytes_per_sample == 2 ? STBIR_TYPE_UINT16 : STBIR_TYPE_UINT8;
      if (!stbir_resize(src.data.data(), int(src.width), int(src.height), int(src.row_bytes()), scaled.data.data(),
                        int(scaled.width), int(scaled.height), int(scaled.row_bytes()), layout, type,
                        STBIR_EDGE_CLAMP, STBIR_FILTER_DEFAULT))
        return oom(uint64_t(scaled.row_bytes()) * scaled.height);
    }
    scaled.meta = src.meta;
    if (plan.out_width == scaled.width && plan.out_height == scaled.height && plan.offset_x == 0 &&
        plan.offset_y == 0)
      return scaled;
    // Crop (negative offsets) or pad (positive offsets) onto the output canvas.
    Image out = shaped_like(scaled, plan.out_width, plan.out_height);
    out.data.resize(out.row_bytes() * out.height);
    fill(out, plan.pad_color);
    const size_t px = size_t(out.channels) * out.bytes_per_sample;
    const int64_t x0 = std::max<int64_t>(0, plan.offset_x), y0 = std::max<int64_t>(0, plan.offset_y);
    const int64_t x1 = std::min<int64_t>(out.width, int64_t(plan.offset_x) + scaled.width);
    const int64_t y1 = std::min<int64_t>(out.height, int64_t(plan.offset_y) + scaled.height);
    for (int64_t y = y0; y < y1; ++y) {
      if (x1 <= x0) break;
      const uint8_t* s = scaled.data.data() + size_t(y - plan.offset_y) * scaled.row_bytes() +
                         size_t(x0 - plan.offset_x) * px;
      std::memcpy(out.data.data() + size_t(y) * out.row_bytes() + size_t(x0) * px, s, size_t(x1 - x0) * px);
    }
    out.meta = std::move(scaled.meta);
    return out;
  } catch (const std::exception&) {  // bad_alloc, length_error: the buffers did not fit
    return oom(uint64_t(plan.out_width) * plan.out_height * src.channels * src.bytes_per_sample);
  }
}

}  // namespace advcompress
