// advcompress — WebP encoding through libwebp (lossy VP8 or lossless VP8L), metadata through libwebpmux.
// SPDX-License-Identifier: MIT
#include <webp/encode.h>
#include <webp/mux.h>

#include <cstdlib>
#include <memory>
#include <new>
#include <string>

#include "advcompress/encode.h"
#include "pixels.h"

namespace advcompress {
namespace {

// Sets a WebPConfig field by name (the "advanced" escape hatch for WebP; names as in libwebp's encode.h).
Status set_webp_field(WebPConfig& c, const std::string& name, const std::string& value) {
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end) return fail(ErrorCode::kInvalidOption, "webp parameter " + name + " needs a number");
  const int i = int(v);
  if (name == "sns_strength") c.sns_strength = i;
  else if (name == "filter_strength") c.filter_strength = i;
  else if (name == "filter_sharpness") c.filter_sharpness = i;
  else if (name == "filter_type") c.filter_type = i;
  else if (name == "autofilter") c.autofilter = i;
  else if (name == "segments") c.segments = i;
  else if (name == "pass") c.pass = i;
  else if (name == "preprocessing") c.preprocessing = i;
  else if (name == "partitions") c.partitions = i;
  else if (name == "near_lossless") c.near_lossless = i;
  else if (name == "exact") c.exact = i;
  else if (name == "use_sharp_yuv") c.use_sharp_yuv = i;
  else if (name == "alpha_quality") c.alpha_quality = i;
  else if (name == "target_size") c.target_size = i;
  else if (name == "target_PSNR") c.target_PSNR = float(v);
  else return fail(ErrorCode::kInvalidOption, "unknown webp parameter '" + name + "'");
  return Ok{};
}

struct MuxDeleter {
  void operator()(WebPMux* m) const { WebPMuxDelete(m); }
};

}  // namespace

Result<Encoded> encode_webp(const Image& im, const EncodeOptions& o, const Limits& limits) try {
  if (o.format != Format::kWebp)
    return fail(ErrorCode::kInvalidOption, std::string("encode_webp cannot write ") + format_name(o.format));
  if (auto s = check_encode_input(im, o, limits); !s) return s.error();
  if (im.width > WEBP_MAX_DIMENSION || im.height > WEBP_MAX_DIMENSION)
    return fail(ErrorCode::kOutputTooLarge, "WebP sides are at most " + std::to_string(WEBP_MAX_DIMENSION) + " px");

  const int quality = o.quality >= 0 ? o.quality : default_quality(o.format);
  const int effort = o.effort >= 0 ? o.effort : default_effort(o.format);
  WebPConfig config;
  if (!WebPConfigInit(&config)) return fail(ErrorCode::kEncoderError, "libwebp version mismatch");
  config.quality = float(quality);
  config.method = (effort * 6 + 4) / 9;  // 0..9 -> 0..6, 9 -> 6 ("WebP M6")
  if (o.lossless) {
    config.lossless = 1;
    config.exact = 1;  // keep RGB under transparent pixels: bit-exact round trip
    config.quality = o.quality >= 0 ? float(o.quality) : 75.f;  // lossless: quality = compression effort
  }
  for (const auto& [name, value] : o.advanced)
    if (auto s = set_webp_field(config, name, value); !s) return s.error();
  if (!WebPValidateConfig(&config)) return fail(ErrorCode::kInvalidOption, "invalid webp parameters");

  // 8-bit interleaved copy when the source is 16-bit (WebP is 8-bit only).
  const bool alpha = im.has_alpha() && !detail::alpha_is_opaque(im);
  const int ch = alpha ? 4 : 3;
  std::vector<uint8_t> rgb;
  const uint8_t* px = im.data.data();
  if (im.bytes_per_sample != 1 || im.channels != ch) {
    rgb.resize(size_t(im.width) * im.height * ch);
    for (uint32_t y = 0; y < im.height; ++y) {
      const uint8_t* src = im.data.data() + y * im.row_bytes();
      for (uint32_t x = 0; x < im.width; ++x)
        for (int c = 0; c < ch; ++c)
          rgb[(size_t(y) * im.width + x) * ch + c] =
              uint8_t(detail::to_bits(detail::sample16(im, src, size_t(x) * im.channels + c), 8));
    }
    px = rgb.data();
  }

  WebPPicture pic;
  if (!WebPPictureInit(&pic)) return fail(ErrorCode::kEncoderError, "libwebp version mismatch");
  pic.width = int(im.width);
  pic.height = int(im.height);
  pic.use_argb = config.lossless ? 1 : 0;
  WebPMemoryWriter wr;
  WebPMemoryWriterInit(&wr);
  pic.writer = WebPMemoryWrite;
  pic.custom_ptr = &wr;
  const int stride = int(im.width) * ch;
  const int imported = alpha ? WebPPictureImportRGBA(&pic, px, stride) : WebPPictureImportRGB(&pic, px, stride);
  rgb.clear();
  rgb.shrink_to_fit();
  if (!imported) {
    WebPPictureFree(&pic);
    return fail(ErrorCode::kOutOfMemory, "libwebp could not allocate the picture");
  }
  const int ok = WebPEncode(&config, &pic);
  const WebPEncodingError err = pic.error_code;
  WebPPictureFree(&pic);
  if (!ok) {
    WebPMemoryWriterClear(&wr);
    return fail(err == VP8_ENC_ERROR_OUT_OF_MEMORY ? ErrorCode::kOutOfMemory : ErrorCode::kEncoderError,
                "libwebp failed (error " + std::to_string(int(err)) + ")", int(err));
  }

  Encoded out;
  out.width = im.width;
  out.height = im.height;
  const auto& m = im.meta;
  const bool meta = o.metadata == MetadataPolicy::kKeep && (!m.icc.empty() || !m.exif.empty() || !m.xmp.empty());
  if (!meta) {
    out.data.assign(wr.mem, wr.mem + wr.size);
    WebPMemoryWriterClear(&wr);
    return out;
  }
  WebPData bitstream{wr.mem, wr.size};
  std::unique_ptr<WebPMux, MuxDeleter> mux(WebPMuxCreate(&bitstream, 1));
  WebPMemoryWriterClear(&wr);
  if (!mux) return fail(ErrorCode::kOutOfMemory, "libwebpmux could not parse the encoded image");
  auto chunk = [&](const char* fourcc, const std::vector<uint8_t>& bytes) -> bool {
    if (bytes.empty()) return true;
    WebPData d{bytes.data(), bytes.size()};
    return WebPMuxSetChunk(mux.get(), fourcc, &d, 1) == WEBP_MUX_OK;
  };
  if (!chunk("ICCP", m.icc) || !chunk("EXIF", m.exif) || !chunk("XMP ", m.xmp))
    return fail(ErrorCode::kEncoderError, "libwebpmux could not add metadata");
  WebPData assembled{nullptr, 0};
  if (WebPMuxAssemble(mux.get(), &assembled) != WEBP_MUX_OK)
    return fail(ErrorCode::kEncoderError, "libwebpmux could not assemble the file");
  out.data.assign(assembled.bytes, assembled.bytes + assembled.size);
  WebPDataClear(&assembled);
  return out;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory while encoding webp");
}

}  // namespace advcompress
