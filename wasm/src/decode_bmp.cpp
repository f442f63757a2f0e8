// advcompress — BMP decoding: stb_image (Debian's libstb source; public domain / MIT) for uncompressed and bitfields
// BMPs, NetSurf's libnsbmp (Debian's netsurf source; MIT) for RLE4/RLE8, which stb_image lacks. probe() read the
// header sizes and checked the limits before either library allocates anything.
// SPDX-License-Identifier: MIT
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "decoders.h"

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#include "stb_image.h"

extern "C" {
#include <libnsbmp.h>
}

namespace advcompress::detail {
namespace {

// RLE4 / RLE8 (BI_RLE4 = 2, BI_RLE8 = 1) through NetSurf's libnsbmp, which stb_image lacks. libnsbmp decodes into a
// 32-bit buffer we allocate (zeroed: pixels an RLE delta or an early end of line skips stay transparent, as browsers
// and bmpsuite's reference rendering show them), one 0xAABBGGRR word per pixel.
namespace nsbmp {
void* create(int width, int height, unsigned int) {
  if (width <= 0 || height <= 0) return nullptr;
  return std::calloc(size_t(width) * size_t(height), 4);
}
void destroy(void* bitmap) { std::free(bitmap); }
unsigned char* buffer(void* bitmap) { return static_cast<unsigned char*>(bitmap); }

struct Finaliser {
  bmp_image* bmp;
  ~Finaliser() { bmp_finalise(bmp); }
};

Error error_of(bmp_result r, const char* stage) {
  if (r == BMP_INSUFFICIENT_MEMORY) return fail(ErrorCode::kOutOfMemory, "out of memory decoding the RLE BMP");
  if (r == BMP_INSUFFICIENT_DATA)
    return fail(ErrorCode::kCorruptInput, std::string("RLE BMP is truncated (libnsbmp, ") + stage + ")");
  return fail(ErrorCode::kCorruptInput, std::string("RLE BMP is damaged (libnsbmp, ") + stage + ")");
}
}  // namespace nsbmp

Result<Image> decode_bmp_rle(const uint8_t* data, size_t size, const ProbeInfo& info) {
  bmp_bitmap_callback_vt callbacks = {nsbmp::create, nsbmp::destroy, nsbmp::buffer};
  bmp_image bmp;
  bmp_create(&bmp, &callbacks);
  nsbmp::Finaliser finaliser{&bmp};
  // (libnsbmp only reads the data: its API takes a non-const pointer)
  bmp_result r = bmp_analyse(&bmp, size, const_cast<uint8_t*>(data));
  if (r != BMP_OK) return nsbmp::error_of(r, "header");
  if (bmp.width != info.width || bmp.height != info.height)
    return fail(ErrorCode::kCorruptInput, "BMP headers are inconsistent");
  if (bmp.encoding != BMP_ENCODING_RLE8 && bmp.encoding != BMP_ENCODING_RLE4)
    return fail(ErrorCode::kCorruptInput, "BMP compression field is inconsistent");
  r = bmp_decode(&bmp);
  if (r != BMP_OK) return nsbmp::error_of(r, "pixels");
  const size_t n = size_t(bmp.width) * bmp.height;
  const unsigned char* px = nsbmp::buffer(bmp.bitmap);
  bool transparent = false;
  for (size_t i = 0; i < n && !transparent; ++i) transparent = px[i * 4 + 3] != 255;
  Image im;
  im.width = bmp.width;
  im.height = bmp.height;
  im.channels = transparent ? 4 : 3;
  im.data.resize(n * im.channels);
  for (size_t i = 0; i < n; ++i) {
    uint32_t word;  // 0xAABBGGRR in host order
    std::memcpy(&word, px + i * 4, 4);
    uint8_t* d = &im.data[i * im.channels];
    d[0] = uint8_t(word), d[1] = uint8_t(word >> 8), d[2] = uint8_t(word >> 16);
    if (transparent) d[3] = uint8_t(word >> 24);
  }
  return im;
}

}  // namespace

Result<Image> decode_bmp(const uint8_t* data, size_t size, const ProbeInfo& info) try {
  if (size > size_t(INT32_MAX)) return fail(ErrorCode::kInputTooLarge, "BMP larger than 2 GiB");
  // stb_image reads zeros past the end of the data: a truncated uncompressed BMP would come out with black rows,
  // so its length is checked against the header first (probe() has checked the header is there).
  {
    // (Reads are bounds-checked: probe() guarantees less of the header than a V3 one has — tests/fuzz/fuzz_probe.)
    bool short_header = false;
    auto le = [&](size_t o, int n) {
      if (o + size_t(n) > size) return short_header = true, 0u;
      uint32_t v = 0;
      for (int i = n - 1; i >= 0; --i) v = v << 8 | data[o + size_t(i)];
      return v;
    };
    const uint32_t offset = le(10, 4), dib = le(14, 4);
    const uint32_t bpp = dib == 12 ? le(24, 2) : le(28, 2);
    const uint32_t compression = dib >= 40 ? le(30, 4) : 0;
    if (short_header) return fail(ErrorCode::kCorruptInput, "BMP is truncated in its header");
    if (compression == 1 || compression == 2) return decode_bmp_rle(data, size, info);
    if (compression == 0 || compression == 3 || compression == 6) {
      const uint64_t row = (uint64_t(info.width) * bpp + 31) / 32 * 4;
      const uint64_t need = uint64_t(offset) + row * info.height;
      if (need > size)
        return fail(ErrorCode::kCorruptInput, "BMP is truncated: its pixels need " + std::to_string(need) +
                                                  " bytes, the file has " + std::to_string(size));
    }
  }
  int w = 0, h = 0, comp = 0;
  std::unique_ptr<stbi_uc, decltype(&stbi_image_free)> px(
      stbi_load_from_memory(data, int(size), &w, &h, &comp, 0), &stbi_image_free);
  if (!px) {
    const std::string why = stbi_failure_reason() ? stbi_failure_reason() : "stb_image error";
    if (why == "outofmem") return fail(ErrorCode::kOutOfMemory, "out of memory decoding the BMP");
    return fail(ErrorCode::kCorruptInput, "BMP is damaged or unsupported: " + why);
  }
  if (uint32_t(w) != info.width || uint32_t(h) != info.height)
    return fail(ErrorCode::kCorruptInput, "BMP headers are inconsistent");
  Image im;
  im.width = uint32_t(w);
  im.height = uint32_t(h);
  const size_t n = size_t(w) * size_t(h);
  if (comp == 3 || comp == 4) {
    im.channels = uint8_t(comp);
    im.data.assign(px.get(), px.get() + n * size_t(comp));
  } else {  // grey (+alpha) -> RGB(A)
    im.channels = comp == 2 ? 4 : 3;
    im.data.resize(n * im.channels);
    for (size_t i = 0; i < n; ++i) {
      const stbi_uc* s = px.get() + i * size_t(comp);
      uint8_t* d = &im.data[i * im.channels];
      d[0] = d[1] = d[2] = s[0];
      if (comp == 2) d[3] = s[1];
    }
  }
  return im;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory decoding the BMP");
}

}  // namespace advcompress::detail
