// advcompress — HEIF/HEIC and AVIF decoding through libheif (in the HEIC module with libde265, in the AVIF module
// with libaom's decoder): the primary image (previews, PSNR) or every top-level image (inputs of convert()), with
// ICC profile, NCLX, EXIF and XMP.
// SPDX-License-Identifier: MIT
#include <libheif/heif.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "advcompress/decode.h"
#include "advcompress/encode.h"
#include "advcompress/orientation.h"
#include "heif_util.h"

namespace advcompress {
namespace {

using detail::ContextPtr;
using detail::HandlePtr;
using detail::ImagePtr;
using detail::NclxPtr;

Error decode_fail(const heif_error& e, const std::string& what) { return detail::heif_error_as(e, what, true); }

Result<ContextPtr> open_context(const uint8_t* data, size_t size, const Limits& limits) {
  if (auto s = check_input_bytes(size, limits); !s) return s.error();
  ContextPtr ctx(heif_context_alloc());
  if (!ctx) return fail(ErrorCode::kOutOfMemory, "libheif context");
  heif_error e = heif_context_read_from_memory_without_copy(ctx.get(), data, size, nullptr);
  if (e.code) return decode_fail(e, "reading the HEIF file");
  return ctx;
}

// Sides from the header (ispe, after irot), checked before anything is decoded.
Status check_sides(const heif_image_handle* h, const Limits& limits) {
  const uint32_t w = uint32_t(heif_image_handle_get_width(h)), ht = uint32_t(heif_image_handle_get_height(h));
  if (w == 0 || ht == 0) return fail(ErrorCode::kCorruptInput, "HEIF image has no size");
  return check_input_limits("HEIF", w, ht, 1, limits);
}

// Metadata blocks of `type` (and, when given, MIME content type) concatenated in file order: one is the norm.
std::vector<uint8_t> metadata_block(const heif_image_handle* h, const char* type, const char* content_type) {
  const int n = heif_image_handle_get_number_of_metadata_blocks(h, type);
  if (n <= 0) return {};
  std::vector<heif_item_id> ids(static_cast<size_t>(n));
  heif_image_handle_get_list_of_metadata_block_IDs(h, type, ids.data(), n);
  for (heif_item_id id : ids) {
    if (content_type && std::strcmp(heif_image_handle_get_metadata_content_type(h, id), content_type) != 0) continue;
    std::vector<uint8_t> out(heif_image_handle_get_metadata_size(h, id));
    if (out.empty() || heif_image_handle_get_metadata(h, id, out.data()).code) continue;
    return out;
  }
  return {};
}

// ICC, NCLX, EXIF and XMP of an image item. The EXIF item starts with a 4-byte offset to the TIFF header; its
// orientation tag is reset to 1 because libheif has applied irot/imir (HEIF: the transformations are normative,
// the EXIF tag informative), so a viewer honouring the tag would rotate a second time.
void read_metadata(const heif_image_handle* h, Metadata& m) {
  const size_t icc = heif_image_handle_get_raw_color_profile_size(h);
  if (icc) {
    m.icc.resize(icc);
    if (heif_image_handle_get_raw_color_profile(h, m.icc.data()).code) m.icc.clear();
  }
  heif_color_profile_nclx* nclx = nullptr;
  if (heif_image_handle_get_nclx_color_profile(h, &nclx).code == heif_error_Ok && nclx) {
    NclxPtr owned(nclx);
    m.nclx = Nclx{uint16_t(nclx->color_primaries), uint16_t(nclx->transfer_characteristics),
                  uint16_t(nclx->matrix_coefficients), nclx->full_range_flag != 0};
  }
  std::vector<uint8_t> exif = metadata_block(h, "Exif", nullptr);
  if (exif.size() >= 12) {
    const uint32_t off = uint32_t(exif[0]) << 24 | uint32_t(exif[1]) << 16 | uint32_t(exif[2]) << 8 | exif[3];
    if (off <= exif.size() - 4 - 8) {
      m.exif.assign(exif.begin() + 4 + off, exif.end());
      exif_reset_orientation(m.exif);
    }
  }
  m.xmp = metadata_block(h, "mime", "application/rdf+xml");
}

Result<Image> decode_handle(const heif_image_handle* h) {
  const bool alpha = heif_image_handle_has_alpha_channel(h);
  const int bits = heif_image_handle_get_luma_bits_per_pixel(h);
  const bool deep = bits > 8;
  const heif_chroma chroma = deep ? (alpha ? heif_chroma_interleaved_RRGGBBAA_LE : heif_chroma_interleaved_RRGGBB_LE)
                                  : (alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB);
  heif_image* img = nullptr;
  heif_error e = heif_decode_image(h, &img, heif_colorspace_RGB, chroma, nullptr);  // irot/imir/clap applied
  if (e.code) return decode_fail(e, "decoding the image");
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
  read_metadata(h, out.meta);
  return out;
}

}  // namespace

Result<Image> decode_heif(const uint8_t* data, size_t size, const Limits& limits) try {
  Result<ContextPtr> ctx = open_context(data, size, limits);
  if (!ctx) return ctx.error();
  heif_image_handle* h = nullptr;
  heif_error e = heif_context_get_primary_image_handle(ctx.value().get(), &h);
  if (e.code) return decode_fail(e, "finding the primary image");
  HandlePtr handle(h);
  if (auto s = check_sides(h, limits); !s) return s.error();
  return decode_handle(h);
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory decoding the HEIF image");
}

namespace {

// Every top-level image handle with the limits checked from the headers (sizes after irot, count, total pixels).
struct Scan {
  std::vector<HandlePtr> handles;
  uint32_t primary_index = 0;
};

Result<Scan> scan(heif_context* c, const Limits& limits) {
  const int n = heif_context_get_number_of_top_level_images(c);
  if (n <= 0) return fail(ErrorCode::kCorruptInput, "HEIF file has no image");
  if (uint32_t(n) > limits.max_frames)
    return fail(ErrorCode::kTooManyFrames, "HEIF input has " + std::to_string(n) + " images; the limit is " +
                                               std::to_string(limits.max_frames));
  std::vector<heif_item_id> ids(static_cast<size_t>(n));
  heif_context_get_list_of_top_level_image_IDs(c, ids.data(), n);
  heif_item_id primary = 0;
  heif_context_get_primary_image_ID(c, &primary);
  Scan out;
  uint64_t total = 0;
  for (int i = 0; i < n; ++i) {
    heif_image_handle* h = nullptr;
    heif_error e = heif_context_get_image_handle(c, ids[size_t(i)], &h);
    if (e.code) return decode_fail(e, "opening image " + std::to_string(i));
    out.handles.emplace_back(h);
    if (auto s = check_sides(h, limits); !s) return s.error();
    total += uint64_t(heif_image_handle_get_width(h)) * uint64_t(heif_image_handle_get_height(h));
    if (ids[size_t(i)] == primary) out.primary_index = uint32_t(i);
  }
  if (total > limits.max_pixels)
    return fail(ErrorCode::kDimensionsTooLarge, "HEIF input has " + std::to_string(n) + " images of " +
                                                    std::to_string(total) + " pixels in total; the limit is " +
                                                    std::to_string(limits.max_pixels) + " pixels");
  return out;
}

}  // namespace

Result<Frames> decode_heif_frames(const uint8_t* data, size_t size, const Limits& limits) try {
  Result<ContextPtr> ctx = open_context(data, size, limits);
  if (!ctx) return ctx.error();
  // Every handle and its sizes first: the limits hold for the whole file before one pixel is decoded.
  Result<Scan> s = scan(ctx.value().get(), limits);
  if (!s) return s.error();
  Frames out;
  out.primary_index = s.value().primary_index;
  for (const HandlePtr& h : s.value().handles) {
    Result<Image> im = decode_handle(h.get());
    if (!im) return im.error();
    out.images.push_back(std::move(im.value()));
  }
  return out;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory decoding the HEIF images");
}

Result<ProbeInfo> probe_heif(const uint8_t* data, size_t size, const Limits& limits) try {
  Result<ContextPtr> ctx = open_context(data, size, limits);  // boxes only: no image data is decoded
  if (!ctx) return ctx.error();
  Result<Scan> s = scan(ctx.value().get(), limits);
  if (!s) return s.error();
  const heif_image_handle* h = s.value().handles[s.value().primary_index].get();
  ProbeInfo info;
  const bool avif = size >= 12 && (heif_has_compatible_brand(data, int(std::min<size_t>(size, 1 << 20)), "avif") == 1 ||
                                   heif_has_compatible_brand(data, int(std::min<size_t>(size, 1 << 20)), "avis") == 1);
  info.format = avif ? InputFormat::kAvif : InputFormat::kHeif;
  info.width = uint32_t(heif_image_handle_get_width(h));
  info.height = uint32_t(heif_image_handle_get_height(h));
  info.frame_count = uint32_t(s.value().handles.size());
  const int bits = heif_image_handle_get_luma_bits_per_pixel(h);
  info.bit_depth = uint8_t(bits > 0 ? bits : 8);
  info.has_alpha = heif_image_handle_has_alpha_channel(h) != 0;
  info.orientation = 1;  // irot/imir are applied by every decoder; the EXIF tag is informative in HEIF
  return info;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory reading the HEIF boxes");
}

}  // namespace advcompress
