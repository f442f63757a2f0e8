// advcompress — HEIF/HEIC (HEVC) and AVIF (AV1) encoding through libheif. Which codecs exist depends on the libheif
// this file is linked with: the HEIC module's has x265, the AVIF module's has libaom (scripts/build-deps.sh).
// SPDX-License-Identifier: MIT
#include <libheif/heif.h>

#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "advcompress/encode.h"
#include "heif_util.h"
#include "pixels.h"

namespace advcompress {
namespace {

using detail::ContextPtr;
using detail::EncoderPtr;
using detail::HandlePtr;
using detail::ImagePtr;
using detail::NclxPtr;
using detail::OptionsPtr;

Error heif_fail(const heif_error& e, const std::string& what) { return detail::heif_error_as(e, what, false); }

const char* kX265Presets[] = {"ultrafast", "superfast", "veryfast", "faster", "fast",
                              "medium",    "slow",      "slower",   "veryslow", "placebo"};

struct Writer {
  std::vector<uint8_t>* out;
};
heif_error write_cb(heif_context*, const void* data, size_t size, void* userdata) {
  auto* w = static_cast<Writer*>(userdata);
  try {
    const auto* p = static_cast<const uint8_t*>(data);
    w->out->insert(w->out->end(), p, p + size);
  } catch (const std::bad_alloc&) {
    return {heif_error_Memory_allocation_error, heif_suberror_Unspecified, "output buffer"};
  }
  return {heif_error_Ok, heif_suberror_Unspecified, "Success"};
}

// Fills an interleaved heif_image (RGB/RGBA, 8 bit, or RRGGBB(AA)_LE at `bits`) from `im`.
Result<ImagePtr> make_heif_image(const Image& im, int bits, bool keep_alpha) {
  const bool hdr = bits > 8;
  const heif_chroma chroma = keep_alpha ? (hdr ? heif_chroma_interleaved_RRGGBBAA_LE : heif_chroma_interleaved_RGBA)
                                        : (hdr ? heif_chroma_interleaved_RRGGBB_LE : heif_chroma_interleaved_RGB);
  heif_image* raw = nullptr;
  heif_error e = heif_image_create(int(im.width), int(im.height), heif_colorspace_RGB, chroma, &raw);
  if (e.code) return heif_fail(e, "creating the image");
  ImagePtr img(raw);
  e = heif_image_add_plane(img.get(), heif_channel_interleaved, int(im.width), int(im.height), bits);
  if (e.code) return heif_fail(e, "allocating the image plane");
  int stride = 0;
  uint8_t* plane = heif_image_get_plane(img.get(), heif_channel_interleaved, &stride);
  if (!plane) return fail(ErrorCode::kOutOfMemory, "libheif could not allocate the image plane");
  const int out_ch = keep_alpha ? 4 : 3;
  for (uint32_t y = 0; y < im.height; ++y) {
    const uint8_t* src = im.data.data() + y * im.row_bytes();
    uint8_t* dst = plane + size_t(y) * size_t(stride);
    if (!hdr && im.bytes_per_sample == 1 && im.channels == out_ch) {
      std::memcpy(dst, src, im.row_bytes());
      continue;
    }
    for (uint32_t x = 0; x < im.width; ++x) {
      for (int c = 0; c < out_ch; ++c) {
        const uint16_t v = detail::sample16(im, src, size_t(x) * im.channels + c);
        if (hdr) {
          const uint16_t s = detail::to_bits(v, bits);
          dst[(size_t(x) * out_ch + c) * 2] = uint8_t(s & 0xff);
          dst[(size_t(x) * out_ch + c) * 2 + 1] = uint8_t(s >> 8);
        } else {
          dst[size_t(x) * out_ch + c] = uint8_t(detail::to_bits(v, 8));
        }
      }
    }
  }
  return img;
}

// One libheif context and encoder configured from the options; images are added with add_image().
struct Session {
  ContextPtr ctx;
  EncoderPtr enc;
};

Result<Session> open_session(const EncodeOptions& o) {
  if (o.format != Format::kHeic && o.format != Format::kAvif)
    return fail(ErrorCode::kInvalidOption, std::string("encode_heif cannot write ") + format_name(o.format));
  const bool avif = o.format == Format::kAvif;
  const int quality = o.quality >= 0 ? o.quality : default_quality(o.format);
  const int effort = o.effort >= 0 ? o.effort : default_effort(o.format);
  const Chroma chroma = o.chroma != Chroma::kAuto ? o.chroma : (o.lossless ? Chroma::k444 : Chroma::k420);

  static const bool initialised = (heif_init(nullptr), true);  // registers the built-in codecs, once
  (void)initialised;
  Session s;
  s.ctx.reset(heif_context_alloc());
  if (!s.ctx) return fail(ErrorCode::kOutOfMemory, "libheif could not allocate a context");
  heif_encoder* enc_raw = nullptr;
  heif_error e = heif_context_get_encoder_for_format(s.ctx.get(), avif ? heif_compression_AV1 : heif_compression_HEVC,
                                                     &enc_raw);
  if (e.code)
    return fail(ErrorCode::kEncoderError,
                std::string("this module has no ") + (avif ? "AV1" : "HEVC") + " encoder (" + e.message + ")",
                int(e.subcode));
  s.enc.reset(enc_raw);

  auto set = [&](const char* name, const std::string& value) -> Status {
    heif_error r = heif_encoder_set_parameter(s.enc.get(), name, value.c_str());
    if (r.code)
      return fail(ErrorCode::kInvalidOption, std::string("codec parameter ") + name + "=" + value + ": " + r.message,
                  int(r.subcode));
    return Ok{};
  };
  if (o.lossless) {
    e = heif_encoder_set_lossless(s.enc.get(), 1);
    if (e.code) return heif_fail(e, "lossless");
  } else {
    e = heif_encoder_set_lossy_quality(s.enc.get(), quality);
    if (e.code) return heif_fail(e, "quality");
  }
  const char* chroma_s = chroma == Chroma::k444 ? "444" : chroma == Chroma::k422 ? "422" : "420";
  if (auto r = set("chroma", chroma_s); !r) return r.error();
  if (avif) {
    if (auto r = set("speed", std::to_string(9 - effort)); !r) return r.error();
  } else {
    if (auto r = set("preset", kX265Presets[effort]); !r) return r.error();
  }
  for (const auto& [name, value] : o.advanced)
    if (auto r = set(name.c_str(), value); !r) return r.error();
  return s;
}

// Encodes `im` at `bits` as a new top-level image item of the session's file, with its ICC/NCLX/EXIF/XMP.
Result<HandlePtr> add_image(Session& s, const Image& im, const EncodeOptions& o, int bits) {
  const bool keep_alpha = im.has_alpha() && !detail::alpha_is_opaque(im);
  auto img = make_heif_image(im, bits, keep_alpha);
  if (!img) return img.error();

  // Colour: NCLX written explicitly. Lossless uses the identity matrix (RGB coded as GBR, no YCbCr rounding); a
  // lossy copy of an identity-matrix source goes back to BT.601 (identity with subsampled chroma is not valid).
  NclxPtr nclx(heif_nclx_color_profile_alloc());
  if (!nclx) return fail(ErrorCode::kOutOfMemory, "nclx profile");
  Nclx src = im.meta.nclx.value_or(Nclx{});
  if (o.color_primaries) src.color_primaries = *o.color_primaries;  // the caller's overrides (pillow-heif 0.14)
  if (o.transfer_characteristics) src.transfer_characteristics = *o.transfer_characteristics;
  if (o.full_range) src.full_range = *o.full_range;
  const uint16_t matrix = o.lossless                ? 0
                          : o.matrix_coefficients   ? *o.matrix_coefficients
                          : src.matrix_coefficients == 0 ? Nclx{}.matrix_coefficients
                                                         : src.matrix_coefficients;
  nclx->color_primaries = heif_color_primaries(src.color_primaries);
  nclx->transfer_characteristics = heif_transfer_characteristics(src.transfer_characteristics);
  nclx->matrix_coefficients = heif_matrix_coefficients(matrix);
  nclx->full_range_flag = o.lossless ? 1 : uint8_t(src.full_range);
  const bool keep_meta = o.metadata == MetadataPolicy::kKeep;
  heif_error e{};
  if (keep_meta && !im.meta.icc.empty()) {
    e = heif_image_set_raw_color_profile(img.value().get(), "prof", im.meta.icc.data(), im.meta.icc.size());
    if (e.code) return heif_fail(e, "ICC profile");
  }
  OptionsPtr opts(heif_encoding_options_alloc());
  opts->save_alpha_channel = keep_alpha;
  opts->output_nclx_profile = nclx.get();
  opts->macOS_compatibility_workaround_no_nclx_profile = 0;
  opts->save_two_colr_boxes_when_ICC_and_nclx_available = 1;

  heif_image_handle* h_raw = nullptr;
  e = heif_context_encode_image(s.ctx.get(), img.value().get(), s.enc.get(), opts.get(), &h_raw);
  if (e.code) return heif_fail(e, "encoding");
  HandlePtr handle(h_raw);
  if (keep_meta && !im.meta.exif.empty()) {
    e = heif_context_add_exif_metadata(s.ctx.get(), handle.get(), im.meta.exif.data(), int(im.meta.exif.size()));
    if (e.code) return heif_fail(e, "EXIF");
  }
  if (keep_meta && !im.meta.xmp.empty()) {
    e = heif_context_add_XMP_metadata(s.ctx.get(), handle.get(), im.meta.xmp.data(), int(im.meta.xmp.size()));
    if (e.code) return heif_fail(e, "XMP");
  }
  return handle;
}

int bits_for(const Image& im, const EncodeOptions& o) {
  return o.bit_depth ? o.bit_depth : (im.source_bit_depth > 8 ? 10 : 8);
}

Status write_file(Session& s, Encoded& out) {
  Writer w{&out.data};
  heif_writer writer{1, write_cb};
  heif_error e = heif_context_write(s.ctx.get(), &writer, &w);
  if (e.code) return heif_fail(e, "writing the file");
  return Ok{};
}

}  // namespace

Result<Encoded> encode_heif(const Image& im, const EncodeOptions& o, const Limits& limits) try {
  if (auto s = check_encode_input(im, o, limits); !s) return s.error();
  Result<Session> s = open_session(o);
  if (!s) return s.error();
  const int bits = bits_for(im, o);
  Result<HandlePtr> h = add_image(s.value(), im, o, bits);
  if (!h) return h.error();
  Encoded out;
  if (auto w = write_file(s.value(), out); !w) return w.error();
  out.width = im.width;
  out.height = im.height;
  out.bit_depth = uint8_t(bits);
  return out;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory while encoding " + std::string(format_name(o.format)));
}

Result<Encoded> encode_heif_frames(const Frames& frames, const EncodeOptions& o, const Limits& limits) try {
  if (frames.images.empty()) return fail(ErrorCode::kInvalidOption, "no images to encode");
  if (frames.primary_index >= frames.images.size())
    return fail(ErrorCode::kInvalidOption, "primaryIndex " + std::to_string(frames.primary_index) +
                                               " is out of range for " + std::to_string(frames.images.size()) +
                                               " images");
  for (const Image& im : frames.images)
    if (auto s = check_encode_input(im, o, limits); !s) return s.error();
  Result<Session> s = open_session(o);
  if (!s) return s.error();
  Encoded out;
  for (size_t i = 0; i < frames.images.size(); ++i) {
    const Image& im = frames.images[i];
    Result<HandlePtr> h = add_image(s.value(), im, o, bits_for(im, o));
    if (!h) return h.error();
    if (i == frames.primary_index) {
      heif_context_set_primary_image(s.value().ctx.get(), h.value().get());
      out.width = im.width;
      out.height = im.height;
      out.bit_depth = uint8_t(bits_for(im, o));
    }
  }
  if (auto w = write_file(s.value(), out); !w) return w.error();
  out.frame_count = uint32_t(frames.images.size());
  return out;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory while encoding " + std::string(format_name(o.format)));
}

}  // namespace advcompress
