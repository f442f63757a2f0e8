// advcompress — HEIF/HEIC and AVIF decoding of the primary image through libheif (in the HEIC module with libde265,
// in the AVIF module with libaom's decoder). Today it lets a page preview what our encoders wrote (Chromium shows
// no HEIC); the decode module's own HEIF/AVIF input path (issue 3) builds on it.
// SPDX-License-Identifier: MIT
#include <libheif/heif.h>

#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "advcompress/decode.h"
#include "advcompress/encode.h"
#include "heif_util.h"

namespace advcompress {
namespace {

using detail::ContextPtr;
using detail::HandlePtr;
using detail::ImagePtr;

Error decode_fail(const heif_error& e, const std::string& what) {
  const ErrorCode code = e.code == heif_error_Memory_allocation_error ? ErrorCode::kOutOfMemory
                         : e.code == heif_error_Unsupported_feature || e.code == heif_error_Unsupported_filetype
                             ? ErrorCode::kUnsupportedFormat
                             : ErrorCode::kCorruptInput;
  return fail(code, what + ": " + (e.message ? e.message : "libheif error"), int(e.subcode));
}

}  // namespace

Result<Image> decode_heif(const uint8_t* data, size_t size, const Limits& limits) try {
  if (size > limits.max_input_bytes)
    return fail(ErrorCode::kInputTooLarge, "input is " + std::to_string(size) + " bytes; the limit is " +
                                               std::to_string(limits.max_input_bytes) + " bytes");
  ContextPtr ctx(heif_context_alloc());
  if (!ctx) return fail(ErrorCode::kOutOfMemory, "libheif context");
  heif_error e = heif_context_read_from_memory_without_copy(ctx.get(), data, size, nullptr);
  if (e.code) return decode_fail(e, "reading the HEIF file");
  heif_image_handle* h = nullptr;
  e = heif_context_get_primary_image_handle(ctx.get(), &h);
  if (e.code) return decode_fail(e, "finding the primary image");
  HandlePtr handle(h);
  const uint32_t w = uint32_t(heif_image_handle_get_width(h)), ht = uint32_t(heif_image_handle_get_height(h));
  // Limits from the header sizes (ispe, after irot), before anything is decoded.
  if (w == 0 || ht == 0) return fail(ErrorCode::kCorruptInput, "HEIF primary image has no size");
  if (w > limits.max_side || ht > limits.max_side || uint64_t(w) * ht > limits.max_pixels)
    return fail(ErrorCode::kDimensionsTooLarge, "HEIF primary image is " + std::to_string(w) + "x" +
                                                    std::to_string(ht) + " px; the limits are " +
                                                    std::to_string(limits.max_side) + " px per side and " +
                                                    std::to_string(limits.max_pixels) + " pixels");
  const bool alpha = heif_image_handle_has_alpha_channel(h);
  const int bits = heif_image_handle_get_luma_bits_per_pixel(h);
  const bool deep = bits > 8;
  const heif_chroma chroma = deep ? (alpha ? heif_chroma_interleaved_RRGGBBAA_LE : heif_chroma_interleaved_RRGGBB_LE)
                                  : (alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB);
  heif_image* img = nullptr;
  e = heif_decode_image(h, &img, heif_colorspace_RGB, chroma, nullptr);  // irot/imir applied
  if (e.code) return decode_fail(e, "decoding the primary image");
  ImagePtr image(img);
  int stride = 0;
  const uint8_t* plane = heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
  if (!plane) return fail(ErrorCode::kCorruptInput, "HEIF image has no interleaved plane");
  Image out;
  out.width = uint32_t(heif_image_get_primary_width(img));
  out.height = uint32_t(heif_image_get_primary_height(img));
  out.channels = alpha ? 4 : 3;
  out.bytes_per_sample = deep ? 2 : 1;
  out.source_bit_depth = uint8_t(deep ? bits : 8);
  out.data.resize(out.row_bytes() * out.height);
  for (uint32_t y = 0; y < out.height; ++y) {
    uint8_t* dst = out.data.data() + size_t(y) * out.row_bytes();
    std::memcpy(dst, plane + size_t(y) * size_t(stride), out.row_bytes());
    if (deep) {  // n-bit little-endian samples -> full-range 16-bit, native endian (wasm and x86 are LE)
      uint16_t* s = reinterpret_cast<uint16_t*>(dst);
      for (size_t i = 0; i < size_t(out.width) * out.channels; ++i)
        s[i] = uint16_t((uint32_t(s[i]) << (16 - bits)) | (uint32_t(s[i]) >> (2 * bits - 16)));
    }
  }
  return out;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory decoding the HEIF image");
}

}  // namespace advcompress
